"""Section 4: every quantitative claim of the case study, with its verdict against the data.

Data: the stored claims checks (``NEEDS``: ``purgetoll.claims.run_claim_checks()``; its table, one
row per claim in the order of the seed text, is what ``check_claims()`` returns). The
CSV beside the report keeps every column of it (quote, interpretation, data citation, ...); the
page shows the columns a reader needs to follow the verdict.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pandas as pd

from purgetoll.claims import ClaimVerdict
from purgetoll.report.model import RunContext, Section, Source, Table
from purgetoll.results import Need

TITLE = "The case study's claims, checked against the data"

#: The stored results the section renders (the sex-ratio section shares them).
NEEDS = {"claims": Need("claims.checks")}
#: Columns of ``check_claims()`` shown on the page, in order.
SHOWN = ("id", "cited_as", "as_written", "verdict", "data_value", "value_unit", "explanation")


def _number(value: Any) -> str:
    """A data value as a reader expects it: whole numbers with separators, else up to 3 decimals."""
    x = float(value)
    if math.isfinite(x) and x.is_integer():
        return f"{x:,.0f}"
    return f"{x:,.3f}".rstrip("0").rstrip(".")


def verdict_counts(claims: pd.DataFrame) -> pd.DataFrame:
    """How many claims got each verdict, in the order of :class:`purgetoll.claims.ClaimVerdict`."""
    counts = claims["verdict"].value_counts()
    unknown = sorted(set(counts.index) - {str(v) for v in ClaimVerdict})
    if unknown:
        raise ValueError(f"check_claims() returned verdicts outside ClaimVerdict: {unknown}")
    return pd.DataFrame(
        {
            "verdict": [str(v) for v in ClaimVerdict],
            "claims": [int(counts.get(str(v), 0)) for v in ClaimVerdict],
        }
    )


def _sources(claims: pd.DataFrame) -> list[Source]:
    seed = Source(claims.attrs["source"])
    used = claims.dropna(subset=["data_citation"])[["data_table", "data_citation"]]
    data = [
        Source(citation, table if isinstance(table, str) else None)
        for table, citation in dict.fromkeys(used.itertuples(index=False, name=None))
    ]
    return [seed, *data]


def summary_text(claims: pd.DataFrame) -> str:
    """The section's opening paragraph, every number counted from ``claims``."""
    n = {v: int((claims["verdict"] == str(v)).sum()) for v in ClaimVerdict}
    checkable = len(claims) - n[ClaimVerdict.NO_DATA] - n[ClaimVerdict.NOT_LOADED]
    inconsistent = claims[claims["verdict"] == str(ClaimVerdict.INCONSISTENT)]
    parts = [
        f"The case study makes {len(claims)} quantitative claims (a figure, a share, a split or "
        "an age range), some in its own words and some quoting historians. Each is recorded with "
        "its quote, who makes it and how the data can check it.",
        f"{checkable} can be checked against the tables bundled with this version: "
        f"{n[ClaimVerdict.AGREES]} agree, {n[ClaimVerdict.WITHIN_ROUNDING]} agree within rounding, "
        f"{n[ClaimVerdict.DISAGREES]} disagree and {n[ClaimVerdict.INCONSISTENT]} "
        f"{'is' if n[ClaimVerdict.INCONSISTENT] == 1 else 'are'} inconsistent in itself (the two "
        "parts of a split do not add up to its base).",
    ]
    if len(inconsistent):
        listed = "; ".join(f"{r.id}, '{r.as_written}'" for r in inconsistent.itertuples())
        parts.append(f"Inconsistent: {listed}.")
    parts.append(f"For {n[ClaimVerdict.NO_DATA]} no table in the project measures the quantity yet.")
    if n[ClaimVerdict.NOT_LOADED]:
        parts.append(
            f"{n[ClaimVerdict.NOT_LOADED]} wait for a table that this installation does not have yet."
        )
    return " ".join(parts) + " Each row's explanation says why."


def build(ctx: RunContext) -> Section:
    """The verdict counts and the table of claims."""
    claims = ctx.result("claims").table
    counts = verdict_counts(claims)
    intro = (
        summary_text(claims) + "\n\n"
        "The data value is in the unit given beside it; the explanation says what was compared "
        "and how the claim's own rounding was allowed for. The CSV file of the table keeps every "
        "column: the full quote, the seed's line, the interpretation where the text had to be "
        "read as a number, and the citation of the data value."
    )
    shown_formats: dict[str, str | Callable[[Any], str]] = {"data_value": _number}
    return Section(
        title=TITLE,
        intro=intro,
        tables=[
            Table(
                name="claims_verdict_counts",
                caption="Claims by verdict.",
                data=counts,
                sources=[Source(claims.attrs["source"])],
            ),
            Table(
                name="claims_checked",
                caption=(
                    "Every quantitative claim of the case study, in the order of the text, with "
                    "its verdict against the bundled data."
                ),
                data=claims,
                sources=_sources(claims),
                formats=shown_formats,
                html_columns=SHOWN,
            ),
        ],
    )

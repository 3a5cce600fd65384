"""``purgetoll claims``: every quantitative claim of the case study with its verdict against the data.

Formats: ``table`` (a rich table for reading), ``json`` (a list of objects, one per claim: the
quote, who says it, the structured figure, the verdict, the data value, the difference and the
citations) and ``csv`` (the columns of :func:`purgetoll.claims.check_claims`).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from purgetoll.claims._schema import ClaimsFileError, load_claims
from purgetoll.claims._terms import SECTIONS
from purgetoll.claims._verdict import ClaimVerdict
from purgetoll.errors import DataError
from purgetoll.terminal import Format, fail

if TYPE_CHECKING:  # the checks (pandas, the data loaders) load when a command runs
    from purgetoll.claims._table import ClaimResult


_STYLE = {
    ClaimVerdict.AGREES: "green",
    ClaimVerdict.WITHIN_ROUNDING: "yellow",
    ClaimVerdict.DISAGREES: "red",
    ClaimVerdict.INCONSISTENT: "magenta",
    ClaimVerdict.NO_DATA: "dim",
    ClaimVerdict.NOT_LOADED: "dim",
}


def _num(x: float | None) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else x


# The checks (claims._table: pandas, pydantic and the data loaders) are imported inside the functions
# that run them: at the top they would add 0.48 s of CPU to every `purgetoll --help`.


def result_record(r: ClaimResult) -> dict[str, Any]:
    """One claim's result as a JSON-ready dict (the ``--format json`` element)."""
    from purgetoll.claims._table import how_checked, value_unit  # start-up: +0.48 s CPU on --help

    c, ev, j = r.claim, r.evidence, r.judgement
    figure = c.figure.model_dump()
    figure["text"] = c.figure.text()
    return {
        "id": c.id,
        "section": c.section,
        "seed_line": c.seed_line,
        "quote": c.quote,
        "speaker": c.speaker,
        "work": c.work,
        "pages": c.pages,
        "citation": c.cited_as,
        "figure": figure,
        "verdict": str(j.verdict),
        "value_unit": value_unit(c),
        "claimed_value": c.figure.claimed_value(),
        "data_value": _num(j.data_value),
        "difference": _num(j.difference),
        "ratio": _num(j.ratio),
        "explanation": j.explanation,
        "data": None
        if ev is None
        else {"table": ev.table, "citation": ev.citation, "detail": ev.detail},
        "check": {"method": c.check.method, **dict(c.check.params), "how": how_checked(c)},
        "interpretation": c.interpretation or None,
        "note": c.note or None,
        "attribution": r.attribution,
    }


def _fmt(x: float | None, unit: str) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    if unit.startswith("women per") or unit == "percent" or abs(x) < 100:
        return f"{x:,.2f}"
    return f"{x:,.0f}"


def _print_table(results: list[ClaimResult]) -> None:
    from purgetoll.claims._table import value_unit  # start-up: +0.48 s CPU on --help

    out = Table(
        title=f"{len(results)} claims of the case study, checked against the bundled data",
        caption="verdict rules: purgetoll.claims._verdict; JSON/CSV carry quotes and full citations",
        show_lines=True,
    )
    for col, kw in (
        ("id", {"no_wrap": True}),
        ("as written", {"overflow": "fold", "max_width": 22}),
        ("who / where", {"overflow": "fold", "max_width": 30}),
        ("verdict", {"overflow": "fold", "min_width": 23, "max_width": 23}),
        ("data", {"overflow": "fold", "justify": "right"}),
        ("claim - data", {"overflow": "fold", "justify": "right"}),
        ("why / source", {"overflow": "fold", "max_width": 60}),
    ):
        out.add_column(col, **kw)
    for r in results:
        unit = value_unit(r.claim)
        src = "" if r.evidence is None else f" [{r.evidence.table}]"
        out.add_row(
            r.claim.id,
            r.claim.figure.as_written,
            r.claim.cited_as,
            f"[{_STYLE[r.judgement.verdict]}]{r.judgement.verdict}[/]",
            _fmt(r.judgement.data_value, unit),
            _fmt(r.judgement.difference, unit),
            r.judgement.explanation + src,
        )
    Console(width=max(160, Console().width)).print(out)


def claims(
    format: Annotated[
        Format, typer.Option("--format", "-f", help="table (to read), json (a list) or csv.")
    ] = Format.table,
    section: Annotated[
        str | None,
        typer.Option(
            "--section",
            "-s",
            help="Only the claims of one section of the case study: " + "; ".join(SECTIONS) + ".",
        ),
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            help="Check another claims file (TOML, same schema) instead of the bundled one.",
        ),
    ] = None,
) -> None:
    """Every quantitative claim of the case study with its verdict against the bundled data.

    Each claim (the quote, who makes it and where, the figure in structured form) is compared with the figure the data give: "agrees", "agrees within rounding", "disagrees" (with the difference and ratio), "internally inconsistent" (a split whose parts do not add up), or "not checkable" (no data in the project yet, with the reason). The 1959 women-to-men splits are checked against the census exactly; arrests and death sentences against the archival certificates.
    """
    if section is not None and section not in SECTIONS:
        fail(f"--section must be one of {', '.join(map(repr, SECTIONS))}; got {section!r}")
    from purgetoll.claims._table import check_claim, check_claims  # start-up: +0.48 s CPU on --help

    try:
        records = load_claims(file)
        if section is not None:
            records = tuple(c for c in records if c.section == section)
        if format is Format.csv:
            typer.echo(check_claims(records).to_csv(index=False), nl=False)
            return
        results = [check_claim(c) for c in records]
    except (ClaimsFileError, DataError) as exc:
        fail(exc)
    if format is Format.json:
        typer.echo(json.dumps([result_record(r) for r in results], ensure_ascii=False, indent=2))
    else:
        _print_table(results)

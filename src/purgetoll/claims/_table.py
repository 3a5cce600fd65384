"""Checking every claim against the bundled data: one tidy row per claim.

:func:`check_claims` is what ``purgetoll claims`` prints and what the report shows.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from purgetoll.claims._access import DataNotLoaded
from purgetoll.claims._checks import (
    CheckParameterError,
    Evidence,
    published_estimate,
    run_check,
)
from purgetoll.claims._methods import METHODS
from purgetoll.claims._records import Claim, Count, FractionClaim, Range, Ratio, Share, Split
from purgetoll.claims._schema import ClaimsFileError, load_claims
from purgetoll.claims._terms import SECTIONS
from purgetoll.claims._verdict import (
    VERDICT_RULES,
    ClaimVerdict,
    Judgement,
    judge_count,
    judge_fraction,
    judge_range,
    judge_split,
    judge_value,
)

#: The columns of :func:`check_claims`, in order.
COLUMNS = (
    "id",
    "section",
    "seed_line",
    "speaker",
    "work",
    "pages",
    "cited_as",
    "quote",
    "kind",
    "as_written",
    "figure",
    "claimed_value",
    "value_unit",
    "verdict",
    "data_value",
    "difference",
    "ratio",
    "explanation",
    "data_table",
    "data_citation",
    "data_detail",
    "method",
    "how_checked",
    "interpretation",
    "note",
    "attribution",
)


@dataclass(frozen=True)
class ClaimResult:
    """A claim, the evidence the data give (``None`` when none) and the judgement.

    ``attribution`` says whether the figure the claim attributes to its speaker is the one the
    bundled table of published estimates holds (``None`` when the claim names no such row).
    """

    claim: Claim
    evidence: Evidence | None
    judgement: Judgement
    attribution: str | None = None


def check_attribution(claim: Claim) -> str | None:
    """Compare the claim's figure with the published estimate it is attributed to, if any.

    Exact comparison: a quotation either reproduces the published figure or it does not.
    """
    if not claim.attribution:
        return None
    try:
        est = published_estimate(claim.attribution)
    except CheckParameterError as exc:
        raise ClaimsFileError(
            claim.source_file, [f"[claim {claim.id}] attribution: {exc}"]
        ) from exc
    except DataNotLoaded as exc:
        return f"not checkable yet: {exc.reason}"
    f = claim.figure
    claimed = (f.low, f.high) if isinstance(f, Range) else (f.claimed_value(),) * 2
    published = (est.low, est.high) if est.value is None else (est.value, est.value)
    where = f"{est.table} row {est.row} ({est.label})"
    shown = " to ".join(f"{v:,.0f}" for v in dict.fromkeys(x for x in published if x is not None))
    if tuple(float(x) for x in claimed) == published:
        return f"as published: {where}: {shown}"
    return f"differs from {where}: {shown}"


def how_checked(claim: Claim) -> str:
    """The check in words: the method with its parameters and what it computes."""
    params = ", ".join(f"{k}={v!r}" for k, v in claim.check.params.items() if k != "reason")
    return f"{claim.check.method}({params}): {METHODS[claim.check.method].computes}"


def value_unit(claim: Claim) -> str:
    """The unit of ``claimed_value``, ``data_value`` and ``difference`` for this claim."""
    f = claim.figure
    if isinstance(f, Split):
        return "women per 100" if f.per == 100 else "women per 1000"
    if isinstance(f, Share | FractionClaim):
        return "percent"
    if isinstance(f, Ratio):
        return f.of
    return f.unit


def judge(claim: Claim, ev: Evidence) -> Judgement:
    """Compare the claim's figure with the evidence (the rules are in ``_verdict``)."""
    f = claim.figure
    if isinstance(f, Split):
        if ev.women is None or ev.men is None:
            raise ClaimsFileError(
                claim.source_file,
                [
                    f"[claim {claim.id}] check.method {claim.check.method!r} gives no census counts for a split"
                ],
            )
        return judge_split(f.women, f.men, f.per, ev.women, ev.men)
    if isinstance(f, FractionClaim):
        if ev.share is None:
            raise ClaimsFileError(
                claim.source_file,
                [
                    f"[claim {claim.id}] check.method {claim.check.method!r} gives no share for a fraction"
                ],
            )
        return judge_fraction(f.numerator, f.denominator, ev.share)
    if ev.value is None:
        raise ClaimsFileError(
            claim.source_file,
            [
                f"[claim {claim.id}] check.method {claim.check.method!r} gives no value for a {f.kind}"
            ],
        )
    if isinstance(f, Count):
        return judge_count(f.value, f.precision, f.approx, ev.value, unit="")
    if isinstance(f, Range):
        return judge_range(f.low, f.high, f.precision, ev.value)
    if isinstance(f, Share):
        return judge_value(f.percent, f.precision, ev.value, bound=f.bound, unit="%")
    return judge_value(f.value, f.precision, ev.value)


def _no_data(verdict: ClaimVerdict, reason: str) -> Judgement:
    return Judgement(verdict, None, None, None, reason)


def check_claim(claim: Claim) -> ClaimResult:
    """Check one claim. A split that does not add up is "internally inconsistent" whatever the data."""
    attribution = check_attribution(claim)
    if claim.check.method == "none":
        reason = str(claim.check.params["reason"])
        return ClaimResult(claim, None, _no_data(ClaimVerdict.NO_DATA, reason), attribution)
    try:
        ev = run_check(claim.check.method, claim.check.params)
    except DataNotLoaded as exc:
        return ClaimResult(claim, None, _no_data(ClaimVerdict.NOT_LOADED, exc.reason), attribution)
    except CheckParameterError as exc:
        raise ClaimsFileError(claim.source_file, [f"[claim {claim.id}] check: {exc}"]) from exc
    j = judge(claim, ev)
    if j.verdict is ClaimVerdict.DISAGREES and ev.related:
        # Say when the claimed figure matches a neighbouring quantity of the same table instead.
        matches = [
            label
            for label, value in ev.related
            if judge(claim, dataclasses.replace(ev, value=value, related=())).verdict
            in (ClaimVerdict.AGREES, ClaimVerdict.WITHIN_ROUNDING)
        ]
        if matches:
            j = dataclasses.replace(
                j,
                explanation=j.explanation
                + "; the claimed figure does match a different quantity: "
                + "; ".join(matches),
            )
    return ClaimResult(claim, ev, j, attribution)


def _row(r: ClaimResult) -> dict[str, object]:
    c, ev, j = r.claim, r.evidence, r.judgement
    return {
        "id": c.id,
        "section": c.section,
        "seed_line": c.seed_line,
        "speaker": c.speaker,
        "work": c.work,
        "pages": c.pages,
        "cited_as": c.cited_as,
        "quote": c.quote,
        "kind": c.figure.kind,
        "as_written": c.figure.as_written,
        "figure": c.figure.text(),
        "claimed_value": c.figure.claimed_value(),
        "value_unit": value_unit(c),
        "verdict": str(j.verdict),
        "data_value": j.data_value,
        "difference": j.difference,
        "ratio": j.ratio,
        "explanation": j.explanation,
        "data_table": None if ev is None else ev.table,
        "data_citation": None if ev is None else ev.citation,
        "data_detail": None if ev is None else ev.detail,
        "method": c.check.method,
        "how_checked": how_checked(c),
        "interpretation": c.interpretation or None,
        "note": c.note or None,
        "attribution": r.attribution,
    }


def _split_row(r: ClaimResult) -> dict[str, object]:
    c, f, ev = r.claim, r.claim.figure, r.evidence
    if not isinstance(f, Split):
        raise TypeError(f"claim {c.id}: a split row needs a split figure; got {f.kind}")
    return {
        "claim_id": c.id,
        "year": f.year,
        "age": f.age,
        "age_end": f.age_end,
        "men": f.men,
        "women": f.women,
        "per": f.per,
        "as_written": f.as_written,
        "cited_as": c.cited_as,
        "census_men": None if ev is None else ev.men,
        "census_women": None if ev is None else ev.women,
        "verdict": str(r.judgement.verdict),
    }


#: The columns of :attr:`ClaimChecks.splits`, in order.
SPLIT_COLUMNS = ("claim_id", "year", "age", "age_end", "men", "women", "per", "as_written", "cited_as",
                 "census_men", "census_women", "verdict")


@dataclass
class ClaimChecks:
    """Every claim checked (:func:`run_claim_checks`).

    ``table``: one row per claim, columns :data:`COLUMNS` (what :func:`check_claims` returns);
    ``splits``: one row per split of a census (women to men at some ages), columns
    :data:`SPLIT_COLUMNS`: the parts as written, and the census's men and women over the same
    ages that the check compared them with (``<NA>`` when the claim could not be checked).
    """

    table: pd.DataFrame
    splits: pd.DataFrame


def run_claim_checks(
    claims: Iterable[Claim] | None = None, *, section: str | None = None
) -> ClaimChecks:
    """Check every claim (see :func:`check_claims` for the parameters): the table and the splits."""
    records = tuple(load_claims() if claims is None else claims)
    if section is not None:
        if section not in SECTIONS:
            raise ValueError(
                f"section must be one of {', '.join(map(repr, SECTIONS))}; got {section!r}"
            )
        records = tuple(c for c in records if c.section == section)
    results = [check_claim(c) for c in records]
    df = pd.DataFrame([_row(r) for r in results], columns=list(COLUMNS))
    for col in ("claimed_value", "data_value", "difference", "ratio"):
        df[col] = df[col].astype("float64")
    df.attrs["table"] = "claims"
    df.attrs["source"] = (
        "Gendercide Watch, case study 'Stalin's Purges' (the seed text); data citations per row"
    )
    df.attrs["unit"] = "per row: value_unit"
    df.attrs["verdicts"] = [str(v) for v in ClaimVerdict]
    df.attrs["verdict_rules"] = {str(v): rule for v, rule in VERDICT_RULES.items()}
    splits = pd.DataFrame([_split_row(r) for r in results if isinstance(r.claim.figure, Split)],
                          columns=list(SPLIT_COLUMNS))
    for col in ("year", "age", "per"):
        splits[col] = splits[col].astype("int64")
    for col in ("age_end", "census_men", "census_women"):
        splits[col] = splits[col].astype("Int64")
    for col in ("men", "women"):
        splits[col] = splits[col].astype("float64")
    splits.attrs.update(table="claims splits", source=df.attrs["source"],
                        unit="parts per `per` as written; census counts in persons")
    return ClaimChecks(df, splits)


def check_claims(
    claims: Iterable[Claim] | None = None, *, section: str | None = None
) -> pd.DataFrame:
    """Every claim (default: the bundled file) with its verdict against the bundled data.

    Parameters
    ----------
    claims:
        The records to check; default ``load_claims()``.
    section:
        Keep only the claims of this seed section (e.g. ``"How many died?"``).

    Returns
    -------
    DataFrame, one row per claim in file order, columns :data:`COLUMNS`. ``claimed_value``,
    ``data_value`` and ``difference`` (claim minus data) are in ``value_unit``; ``ratio`` is claim
    over data. ``data_citation`` names the source of the data value (``None`` when the claim is
    not checkable); ``cited_as`` is who makes the claim and where, as the seed gives it.
    ``attrs['verdicts']`` lists the categories and ``attrs['verdict_rules']`` states each rule.
    """
    return run_claim_checks(claims, section=section).table

"""Verdicts: how a claimed figure is compared with the figure the data give (pure functions).

Categories (:class:`ClaimVerdict`):

``agrees``
    The data value, rounded the way the claim is stated, equals the claim.

    - a split W:M per B (B = 100 or 1000): both W and M equal the data shares
      ``B * women / (women + men)`` and ``B * men / (women + men)`` rounded half up to whole units;
    - a share or ratio: the data value rounded half up to the claim's precision equals the claim
      (for a bound, "at most 10 percent", the data value lies on the right side of it);
    - a count stated exactly: equal; a count stated approximately ("about", "some", "nearly",
      "just under", "at most about"): the data value rounded half up to the claim's precision (the
      unit of its last stated digit, e.g. one million for "about 7 million") equals the claim
      *and* lies within :data:`CLOSE_RELATIVE` of it; "nearly" and "just under" also require the
      data value not to exceed the claim; a count "at least" X ("millions" = at least 2 million):
      the data value is X or more (within rounding when it only rounds up to X);
    - a range: the data value lies inside it, bounds included;
    - a fraction n in d: the data share times d rounds half up to n.

``agrees within rounding``
    Compatible with the data only because the claim is coarse or rounded differently:

    - a split, share or ratio: each claimed part is the data value rounded *down or up* to the
      claim's unit (truncated instead of rounded), i.e. off by less than one unit;
    - an approximate count that rounds to the claim at its stated precision but is more than
      :data:`CLOSE_RELATIVE` away from it (e.g. "about 1 million" against the death sentences of vmn_1937_1938, 0.68 million
      rounds to 1 million, 47% apart);
    - a range whose bounds, widened by half its stated precision, contain the data value.

``disagrees``
    Anything else. The difference (claim minus data, in the claim's unit) and the ratio (claim
    over data) say by how much.

``internally inconsistent``
    A split whose two parts do not add up to its base (Conquest's "349 to 691" per 1000). Decided
    before any data is looked at; the data values are still shown.

``not checkable: no data in the project yet``
    No bundled table measures the quantity; the reason names what is missing.

``not checkable yet: data not loaded``
    The table that would check the claim is expected but could not be loaded (a loader of
    another part has not landed, or the table is missing); the reason names the table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

#: An approximate count agrees outright only when it is within this fraction of the data value
#: (10%). An assumption of this project: no source defines what "about" covers. Coarser
#: agreement is reported as "agrees within rounding".
CLOSE_RELATIVE = Fraction(1, 10)


class ClaimVerdict(StrEnum):
    """The verdict categories, in the words the outputs print."""

    AGREES = "agrees"
    WITHIN_ROUNDING = "agrees within rounding"
    DISAGREES = "disagrees"
    INCONSISTENT = "internally inconsistent"
    NO_DATA = "not checkable: no data in the project yet"
    NOT_LOADED = "not checkable yet: data not loaded"


#: The old name of :class:`ClaimVerdict`, kept for one release (until 0.2): the verdict of the
#: censuses on the scenarios is :class:`purgetoll.verdict.Verdict`, another thing.
Verdict = ClaimVerdict

#: One sentence per verdict, for outputs that show the verdicts (the report, ``--help``).
VERDICT_RULES: dict[ClaimVerdict, str] = {
    ClaimVerdict.AGREES: (
        "the data value, rounded the way the claim is stated, equals it: a split W:M per 100 or "
        "1000 agrees when both parts equal the census shares rounded half up to whole units; an "
        "approximate count when the data round to it at its stated precision and lie within "
        f"{float(CLOSE_RELATIVE):.0%} of it; a range when the data lie inside it"
    ),
    ClaimVerdict.WITHIN_ROUNDING: (
        "compatible only through the claim's coarseness: each part of a split or share is the "
        "data rounded the other way (off by less than one unit), or an approximate count rounds "
        f"to the claim but lies more than {float(CLOSE_RELATIVE):.0%} from it, or the data lie "
        "within half a unit of a "
        "range"
    ),
    ClaimVerdict.DISAGREES: "anything else; the difference (claim minus data) and the ratio say by how much",
    ClaimVerdict.INCONSISTENT: "the claim's own parts do not add up (a split whose parts do not sum to 100 or 1000)",
    ClaimVerdict.NO_DATA: "no bundled table measures the quantity; the explanation says what is missing",
    ClaimVerdict.NOT_LOADED: "the table that would check the claim is not available in this installation",
}


@dataclass(frozen=True)
class Judgement:
    """A verdict with the numbers behind it.

    ``data_value`` is in the claim's unit (persons, percent, per 1000, ...); ``difference`` is
    claim minus data and ``ratio`` claim over data (``None`` where undefined); ``explanation``
    says in words what was compared.
    """

    verdict: ClaimVerdict
    data_value: float | None
    difference: float | None
    ratio: float | None
    explanation: str


def round_half_up(x: Fraction | float, unit: Fraction | float = 1) -> Fraction:
    """Round ``x`` to a multiple of ``unit``, halves away from zero for x >= 0 (exact arithmetic)."""
    fx, fu = Fraction(x), Fraction(unit)
    if fu <= 0:
        raise ValueError(f"unit must be > 0; got {unit!r}")
    q = fx / fu
    return Fraction(math.floor(q + Fraction(1, 2))) * fu


def _ratio(claim: float, data: float) -> float | None:
    return None if data == 0 else claim / data


def _fmt(x: float | Fraction) -> str:
    """Whole numbers with separators; others to 2 decimals (3 below 10), trailing zeros dropped."""
    x = float(x)
    if x.is_integer():
        return f"{int(x):,}"
    text = f"{x:,.2f}" if abs(x) >= 10 else f"{x:,.3f}"
    return text.rstrip("0").rstrip(".")


def _unit(unit: str) -> str:
    return "" if not unit else unit if unit == "%" else f" {unit}"


def _how_far(claim: Fraction, data: Fraction) -> str:
    """The claim's distance from the data: a signed percentage when close, else a ratio."""
    if data == 0:
        return ""
    r = claim / data
    if Fraction(1, 2) <= r <= 2:
        return f" ({float(r - 1):+.1%} of the data value)"
    return f" ({float(r):.2f} times the data value)"


def _floor_or_ceil(exact: Fraction, unit: Fraction, claimed: Fraction) -> bool:
    q = exact / unit
    return claimed / unit in (math.floor(q), math.ceil(q))


def judge_split(
    claimed_women: float, claimed_men: float, per: int, women: int, men: int
) -> Judgement:
    """Compare a claimed women:men split per ``per`` with census counts ``women`` and ``men``.

    Reports the women's part: ``data_value`` is the exact women per ``per`` of the data.
    """
    if women < 0 or men < 0 or women + men == 0:
        raise ValueError(f"census counts must be >= 0 and not both 0; got women={women}, men={men}")
    cw, cm = Fraction(str(claimed_women)), Fraction(str(claimed_men))
    total = women + men
    ew, em = Fraction(women * per, total), Fraction(men * per, total)
    rw, rm = round_half_up(ew), round_half_up(em)
    unit = "percent" if per == 100 else "per 1000"
    data_text = f"data: women {_fmt(ew)} : men {_fmt(em)} {unit} (rounded {_fmt(rw)}:{_fmt(rm)})"
    diff = float(cw - ew)
    ratio = _ratio(float(cw), float(ew))
    if cw + cm != per:
        parts = []
        for name, c, r in (("women", cw, rw), ("men", cm, rm)):
            parts.append(f"the {name}'s part {'agrees' if c == r else f'is off by {_fmt(c - r)}'}")
        return Judgement(
            ClaimVerdict.INCONSISTENT,
            float(ew),
            diff,
            ratio,
            f"claimed parts add up to {_fmt(cw + cm)}, not {per}; {data_text}: "
            + " and ".join(parts),
        )
    if cw == rw and cm == rm:
        return Judgement(ClaimVerdict.AGREES, float(ew), diff, ratio, f"{data_text}: equal")
    one = Fraction(1)
    if _floor_or_ceil(ew, one, cw) and _floor_or_ceil(em, one, cm):
        return Judgement(
            ClaimVerdict.WITHIN_ROUNDING,
            float(ew),
            diff,
            ratio,
            f"{data_text}: the claim is the data rounded the other way (off by less than 1)",
        )
    return Judgement(
        ClaimVerdict.DISAGREES,
        float(ew),
        diff,
        ratio,
        f"{data_text}: the women's part differs by {_fmt(cw - ew)} {unit}",
    )


def judge_value(
    claimed: float, precision: float, data: float, *, bound: str = "equal", unit: str = ""
) -> Judgement:
    """Compare a share or ratio stated to ``precision`` (e.g. 1 percent, 0.1) with a data value.

    ``bound`` is ``"equal"``, ``"at most"`` or ``"at least"``.
    """
    c, p, d = Fraction(str(claimed)), Fraction(str(precision)), Fraction(str(data))
    diff, ratio = float(c - d), _ratio(float(c), float(d))
    u = _unit(unit)
    if bound in ("at most", "at least"):
        ok = d <= c if bound == "at most" else d >= c
        return Judgement(
            ClaimVerdict.AGREES if ok else ClaimVerdict.DISAGREES,
            float(d),
            diff,
            ratio,
            f"data {_fmt(d)}{u} {'is' if ok else 'is not'} {bound} {_fmt(c)}{u}",
        )
    r = round_half_up(d, p)
    if r == c:
        verdict, how = ClaimVerdict.AGREES, f"rounds to {_fmt(r)}{u}: equal"
    elif _floor_or_ceil(d, p, c):
        verdict, how = (
            ClaimVerdict.WITHIN_ROUNDING,
            f"rounds to {_fmt(r)}{u}; the claim is it rounded the other way",
        )
    else:
        verdict, how = ClaimVerdict.DISAGREES, f"rounds to {_fmt(r)}{u}; differs by {_fmt(c - d)}{u}"
    return Judgement(verdict, float(d), diff, ratio, f"data {_fmt(d)}{u} {how}")


def judge_count(
    claimed: float, precision: float, approx: str, data: float, *, unit: str = ""
) -> Judgement:
    """Compare a count (exact or approximate, stated to ``precision``) with a data value."""
    c, p, d = Fraction(str(claimed)), Fraction(str(precision)), Fraction(str(data))
    diff, ratio = float(c - d), _ratio(float(c), float(d))
    u = _unit(unit)
    rel = abs(c - d) / d if d else None
    rel_text = _how_far(c, d)
    r = round_half_up(d, p)
    if approx == "exact":
        if c == d:
            return Judgement(ClaimVerdict.AGREES, float(d), diff, ratio, f"data {_fmt(d)}{u}: equal")
        if r == c:
            return Judgement(
                ClaimVerdict.WITHIN_ROUNDING,
                float(d),
                diff,
                ratio,
                f"data {_fmt(d)}{u} rounds to {_fmt(r)} at the claim's precision {_fmt(p)}",
            )
        return Judgement(
            ClaimVerdict.DISAGREES,
            float(d),
            diff,
            ratio,
            f"data {_fmt(d)}{u}; the claim differs by {_fmt(c - d)}{rel_text}",
        )
    if approx == "at least":
        # "millions" read as at least 2 million: any larger figure agrees.
        if d >= c:
            verdict, how = ClaimVerdict.AGREES, f"is at least {_fmt(c)}"
        elif r >= c:
            verdict, how = ClaimVerdict.WITHIN_ROUNDING, f"rounds to {_fmt(r)}, at least {_fmt(c)}"
        else:
            verdict, how = ClaimVerdict.DISAGREES, f"is below {_fmt(c)} by {_fmt(c - d)}{rel_text}"
        return Judgement(verdict, float(d), diff, ratio, f"data {_fmt(d)}{u} {how}")
    above = approx in ("nearly", "just under") and d > c
    if r == c and not above:
        close = rel is not None and rel <= CLOSE_RELATIVE
        return Judgement(
            ClaimVerdict.AGREES if close else ClaimVerdict.WITHIN_ROUNDING,
            float(d),
            diff,
            ratio,
            f"data {_fmt(d)}{u} rounds to {_fmt(r)} at the claim's precision {_fmt(p)}; "
            f"differs by {_fmt(c - d)}{rel_text}",
        )
    why = (
        f"is above the claimed '{approx}' {_fmt(c)}"
        if above
        else f"rounds to {_fmt(r)}, not {_fmt(c)}"
    )
    return Judgement(
        ClaimVerdict.DISAGREES,
        float(d),
        diff,
        ratio,
        f"data {_fmt(d)}{u} {why}; the claim differs by {_fmt(c - d)}{rel_text}",
    )


def judge_range(
    low: float, high: float, precision: float, data: float, *, unit: str = ""
) -> Judgement:
    """Compare a claimed range [low, high] (bounds stated to ``precision``) with a data value.

    ``difference`` is the nearest bound minus the data (0 inside the range).
    """
    lo, hi, p, d = (Fraction(str(v)) for v in (low, high, precision, data))
    u = _unit(unit)
    nearest = lo if d < lo else hi if d > hi else d
    diff = float(nearest - d)
    ratio = _ratio(float(nearest), float(d))
    if lo <= d <= hi:
        return Judgement(
            ClaimVerdict.AGREES, float(d), 0.0, 1.0, f"data {_fmt(d)}{u} lies in {_fmt(lo)}-{_fmt(hi)}"
        )
    if lo - p / 2 <= d < hi + p / 2:
        return Judgement(
            ClaimVerdict.WITHIN_ROUNDING,
            float(d),
            diff,
            ratio,
            f"data {_fmt(d)}{u} lies within half a unit ({_fmt(p / 2)}) of {_fmt(lo)}-{_fmt(hi)}",
        )
    side = "below" if d < lo else "above"
    return Judgement(
        ClaimVerdict.DISAGREES,
        float(d),
        diff,
        ratio,
        f"data {_fmt(d)}{u} lies {side} {_fmt(lo)}-{_fmt(hi)} by {_fmt(abs(nearest - d))}",
    )


def judge_fraction(numerator: int, denominator: int, data_share: Fraction | float) -> Judgement:
    """Compare "n in d" with a data share (a proportion in [0, 1]); values are reported in percent."""
    s = Fraction(data_share)
    c = Fraction(numerator, denominator)
    n_data = s * denominator
    one_in = (1 / s) if s else None
    diff, ratio = float(100 * (c - s)), _ratio(float(c), float(s))
    text = f"data {float(100 * s):.3g}% = {_fmt(n_data)} in {denominator}" + (
        "" if one_in is None else f" (one in {float(one_in):,.0f})"
    )
    if round_half_up(n_data) == numerator:
        return Judgement(
            ClaimVerdict.AGREES, float(100 * s), diff, ratio, f"{text}: rounds to {numerator}"
        )
    return Judgement(
        ClaimVerdict.DISAGREES,
        float(100 * s),
        diff,
        ratio,
        f"{text}, not {numerator} in {denominator}"
        + ("" if ratio is None else f"; the claim is {ratio:.1f} times the data"),
    )

"""The Andreev-Darsky-Kharkova reconstruction: ``adh(year, borders=...)`` and its checks.

Bundled table ``adh_5y``: ADH (1993) population on 1 January of 1926, 1927, 1934-1941, 1946 and
1947 by sex and 5-year group (0-4 .. 80-84, 85+) in thousands as printed; 1939 is given twice,
in pre-September-1939 borders (``borders = "1938"``) and in post-1946 borders (``"1946"``); other
years are in the borders of their time (``"time"``).

Checks (exact unless stated): sexes and age groups complete; both sexes = men + women in every
row; each sex's printed total = sum of its groups within 3 thousand (ADH round every group to the
thousand; the largest gap in the book is 3 thousand, for men in 1926 and 1939 and for women in
1926, as documented with the reference data).
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

from purgetoll.data._catalog import load
from purgetoll.data._census_checks import age_ladder_problems
from purgetoll.data._registry import Problem, TableInfo, register_check, register_kind
from purgetoll.errors import DataError

__all__ = ["ADH_YEARS", "adh"]

ADH_YEARS = (1926, 1927, 1934, 1935, 1936, 1937, 1938, 1939, 1940, 1941, 1946, 1947)
BORDERS = ("time", "1938", "1946")
#: Largest |printed total - sum of groups| accepted, thousands (rounding of 18 groups).
ADH_TOTAL_TOLERANCE_THOUSANDS = 3

register_kind(
    "adh",
    required=("date", "borders", "territory", "sex", "age", "age_end", "age_group", "count_thousands"),
    keys=("date", "borders", "sex", "age_group"),
    counts=("count_thousands",),
)


def _resolve_borders(year: int, borders: str, available: set[str]) -> str:
    """The stored borders code that answers ``borders`` for ``year``.

    On 1 January 1939 the borders of the time were the pre-September-1939 ones ("1938"); those
    borders held unchanged from 1926 to 1939, so "1938" also answers for 1926-1938; the post-war
    borders of 1946-47 are the "1946" ones.
    """
    if borders in available:
        return borders
    if borders == "time" and year == 1939:
        return "1938"
    if borders == "1938" and year < 1939:
        return "time"
    if borders == "1946" and year >= 1946:
        return "time"
    return ""


def adh(year: int, borders: Literal["time", "1938", "1946"] = "time") -> pd.DataFrame:
    """ADH reconstructed population on 1 January of ``year``, by sex and 5-year group.

    Parameters
    ----------
    year:
        One of 1926, 1927, 1934-1941, 1946, 1947.
    borders:
        ``"time"`` (the borders of that date), ``"1938"`` (pre-September-1939; years up to 1939)
        or ``"1946"`` (post-war; 1939, 1946, 1947). Compare 1939 with 1959 only in ``"1946"``.

    Returns
    -------
    DataFrame with columns ``date, borders, sex, age, age_end, age_group, count``; count in
    persons (the published thousands x 1000, so the last three digits carry no information),
    male then female, by age (0-4 .. 80-84, 85+). ``attrs``: table, source, unit, caveats,
    territory.
    """
    if year not in ADH_YEARS:
        raise DataError(
            "adh_5y", f"year {year!r} is not in the reconstruction (valid: {', '.join(map(str, ADH_YEARS))})"
        )
    if borders not in BORDERS:
        raise DataError("adh_5y", f"borders {borders!r} is not one of {', '.join(map(repr, BORDERS))}")
    year = int(year)  # 1939.0 or numpy.int64(1939) mean the same date as 1939
    raw = load("adh_5y")
    rows = raw[raw["date"] == f"{year}-01-01"]
    stored = _resolve_borders(year, borders, set(rows["borders"]))
    if not stored:
        options = [b for b in BORDERS if _resolve_borders(year, b, set(rows["borders"]))]
        raise DataError("adh_5y", f"borders {borders!r} not available for {year} (available: {', '.join(options)})")
    df = rows[(rows["borders"] == stored) & rows["sex"].isin(["male", "female"]) & rows["age"].notna()].copy()
    territory = str(df["territory"].iloc[0])
    df["_sex"] = (df["sex"] == "female").astype(int)
    df = df.sort_values(["_sex", "age"], kind="stable")
    df["count"] = df["count_thousands"].astype("int64") * 1000
    df["borders"] = borders
    out = df[["date", "borders", "sex", "age", "age_end", "age_group", "count"]].reset_index(drop=True)
    out.attrs = dict(raw.attrs, territory=territory, unit="persons (published thousands x 1000)")
    return out


@register_check("adh")
def adh_structure_and_sums(info: TableInfo, df: pd.DataFrame) -> list[Problem]:
    """Complete sexes and groups; both = male + female; totals within the rounding tolerance."""
    t = info.name
    problems: list[Problem] = []
    for (date, borders), d in df.groupby(["date", "borders"], sort=True):
        where = f"date={date}, borders={borders}"
        by_sex = {s: d[d["sex"] == s] for s in ("male", "female", "both")}
        for sex, s in by_sex.items():
            if s.empty:
                problems.append(Problem(t, where, f"sex {sex!r} missing (expected male, female, both)"))
                continue
            problems.extend(age_ladder_problems(t, f"{where}, sex={sex}", s[s["age"].notna()]))
            if "total" not in set(s["age_group"]):
                problems.append(Problem(t, f"{where}, sex={sex}", "row age_group=total missing"))
        if any(s.empty for s in by_sex.values()):
            continue
        m, f, b = (pd.Series(s["count_thousands"].to_numpy(), index=s["age_group"].to_numpy()) for s in by_sex.values())
        for group in b.index:
            if group in m.index and group in f.index and int(m[group]) + int(f[group]) != int(b[group]):
                problems.append(
                    Problem(t, f"{where}, sex=both, age_group={group}", f"count_thousands {int(b[group])} != male + female = {int(m[group])} + {int(f[group])} = {int(m[group]) + int(f[group])}")
                )
        for sex, s in by_sex.items():
            if sex == "both" or "total" not in set(s["age_group"]):
                continue  # both-sexes total follows from both = male + female
            printed = int(s.loc[s["age_group"] == "total", "count_thousands"].iloc[0])
            parts = int(s.loc[s["age_group"] != "total", "count_thousands"].sum())
            if abs(printed - parts) > ADH_TOTAL_TOLERANCE_THOUSANDS:
                problems.append(
                    Problem(
                        t,
                        f"{where}, sex={sex}, age_group=total",
                        f"printed total {printed} != sum of age groups {parts} (difference {printed - parts} thousand; expected at most {ADH_TOTAL_TOLERANCE_THOUSANDS} from rounding)",
                    )
                )
    return problems

"""Census loaders: ``census(year, ages=...)`` and ``sex_ratio_yearbook()``.

Bundled tables (see ``catalog/demographic.toml`` for citations and caveats):

- ``census_YYYY_single``: single years 0..99, 100+, unknown, printed total; YYYY in 1926, 1937,
  1939, 1959. Counts in persons.
- ``census_YYYY_5y``: the same censuses in 5-year groups 0-4..95-99, 100+.
- ``census_10y``: all four in 10-year groups 0-9..80-89, 90+.
- ``sex_ratio_yearbook``: men per 1000 women by 10-year group in 1939 and 1959 as printed in
  *Narodnoe khoziaistvo SSSR 1922-1972* (1972).

Each census table has rows for ``sex`` = ``male``, ``female`` and ``both`` (as printed) and keeps
the ``unknown`` age row and the printed ``total`` row, so the checks can verify the sums.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

from purgetoll.data._catalog import load
from purgetoll.data._registry import register_kind
from purgetoll.errors import DataError

__all__ = ["CENSUS_DATES", "CENSUS_YEARS", "census", "sex_ratio_yearbook"]

#: Census dates (ISO), by census year.
CENSUS_DATES: dict[int, str] = {
    1926: "1926-12-17",
    1937: "1937-01-06",
    1939: "1939-01-17",
    1959: "1959-01-15",
}
CENSUS_YEARS = tuple(CENSUS_DATES)
AGES = ("single", "5y", "10y")

register_kind(
    "census",
    required=("date", "sex", "age", "age_end", "age_group", "count"),
    keys=("date", "sex", "age_group"),
    counts=("count",),
)
register_kind(
    "sex_ratio_yearbook",
    required=("date", "age", "age_end", "age_group", "males_per_1000_females"),
    keys=("date", "age_group"),
    counts=("males_per_1000_females",),
)


def census_table_name(year: int, ages: str) -> str:
    """The catalog name of the census table for ``year`` and ``ages``."""
    return "census_10y" if ages == "10y" else f"census_{year}_{ages}"


def census(
    year: int,
    ages: Literal["single", "5y", "10y"] = "single",
    *,
    include_unknown: bool = False,
) -> pd.DataFrame:
    """Population counted by a census, by sex and age.

    Parameters
    ----------
    year:
        1926 (17 Dec), 1937 (6 Jan), 1939 (17 Jan) or 1959 (15 Jan).
    ages:
        ``"single"`` (0..99 and 100+), ``"5y"`` (0-4 .. 95-99, 100+) or ``"10y"`` (0-9 .. 80-89, 90+).
    include_unknown:
        Keep the row of persons whose age was not stated (``age`` and ``age_end`` are ``<NA>``,
        ``age_group`` is ``"unknown"``) at the end of each sex.

    Returns
    -------
    DataFrame with columns ``date, sex, age, age_end, age_group, count`` (count in persons,
    int64), sorted male then female, by age. ``attrs``: table, source, unit, caveats. The printed
    totals and the both-sexes rows are checked against these rows by ``check_all()``; read the
    caveats (1937 leaves out the army, 1939 is padded, 1959 is in post-war borders).
    """
    if year not in CENSUS_DATES:
        raise DataError(
            "census",
            f"year {year!r} is not a bundled census (valid: {', '.join(map(str, CENSUS_YEARS))})",
        )
    if ages not in AGES:
        raise DataError("census", f"ages {ages!r} is not one of {', '.join(map(repr, AGES))}")
    year = int(year)  # 1959.0 or numpy.int64(1959) name the same table as 1959
    raw = load(census_table_name(year, ages))
    df = raw[(raw["date"] == CENSUS_DATES[year]) & raw["sex"].isin(["male", "female"])]
    keep = df["age"].notna()
    if include_unknown:
        keep |= df["age_group"] == "unknown"
    df = df[keep].copy()
    # Sort key: male first; within a sex by age, the unknown row last.
    df["_sex"] = (df["sex"] == "female").astype(int)
    df["_age"] = df["age"].fillna(10_000)
    df = df.sort_values(["_sex", "_age"], kind="stable").drop(columns=["_sex", "_age"])
    out = df[["date", "sex", "age", "age_end", "age_group", "count"]].reset_index(drop=True)
    out["count"] = out["count"].astype("int64")
    out.attrs = dict(raw.attrs)
    return out


def sex_ratio_yearbook() -> pd.DataFrame:
    """Men per 1000 women by 10-year age group, 1939 and 1959, as printed in the yearbook.

    Columns ``date, age, age_end, age_group, males_per_1000_females`` (integer, per 1000), one
    row per census date and group (``total`` included, with ``<NA>`` ages). The 1959 column equals
    the 1959 census exactly; the 1939 column differs from the 1939 census in its own borders
    (921 vs 919 overall), see the table's caveats.
    """
    return load("sex_ratio_yearbook")

"""National census totals, republics and cities, and partial nationality counts, with checks.

Bundled tables (each row keeps its own ``source``; sources differ row by row):

- ``census_national_totals``: totals, urban population, men, women, Russians, Moscow for 1926,
  1937 and 1939, plus Zhiromskaya's corrected 1939 totals (a range: ``value`` .. ``value_high``).
- ``census_by_republic_and_city``: 1926 and 1939 population of the 11 union republics, the USSR
  total and the ten largest cities (State Planning Commission results, FRUS despatch of 1939).
- ``census_nationality_partial``: Russians 1926/1937/1939; Ukrainian SSR 1939 by nationality
  (numbers); RSFSR, Ukrainian SSR, Belorussian SSR 1939 (percent); Koreans deported in 1937.

Checks: figures that the age-sex census tables also give must equal them, or differ by exactly
the documented amount (:data:`DOCUMENTED_DIFFERENCES`); parts add up to their printed totals.
"""

from __future__ import annotations

import pandas as pd

from purgetoll.data._catalog import load
from purgetoll.data._registry import Problem, TableInfo, register_check, register_kind

__all__: list[str] = []

register_kind(
    "census_metric",
    required=("date", "metric", "value", "value_high", "unit", "source", "note"),
    keys=("date", "metric", "source"),
    counts=("value", "value_high"),
)
register_kind(
    "census_by_unit",
    required=("date", "unit", "unit_type", "count", "note"),
    keys=("date", "unit"),
    counts=("count",),
)
register_kind(
    "census_nationality",
    required=("territory", "year", "nationality", "persons", "persons_qualifier", "percent", "source"),
    keys=("territory", "year", "nationality", "source"),
    counts=("persons",),
)

# Metric (persons) -> sex of the census table's printed total it must match.
_CENSUS_METRICS = {"total population": "both", "males": "male", "females": "female"}

#: (table, date, metric or unit) -> (figure - census table total, why). Every other figure that
#: an age-sex census table also gives must equal it exactly.
DOCUMENTED_DIFFERENCES: dict[tuple[str, str, str], tuple[int, str]] = {
    ("census_national_totals", "1937-01-06", "total population"): (
        1_918_087,
        "the age-sex table (census_1937_5y) leaves out the army and NKVD contingents "
        "counted in the full census total",
    ),
    ("census_national_totals", "1937-01-06", "males"): (
        165,
        "the summary table prints more men than the age-sex table adds up to",
    ),
    ("census_by_republic_and_city", "1939-01-17", "USSR total"): (
        -89_907,
        "the total published in 1939 (census_by_republic_and_city); later publications give more "
        "(census_national_totals)",
    ),
}
#: Rounding tolerance for figures printed in thousands: men and women each +-500.
THOUSANDS_SUM_TOLERANCE = 1000


def _census_totals(date: str) -> dict[str, int]:
    """Printed totals (by sex) of the 5-year census table of ``date``, or {} if none."""
    name = f"census_{date[:4]}_5y"
    df = load(name)
    tot = df[(df["date"] == date) & (df["age_group"] == "total")]
    return {str(s): int(c) for s, c in zip(tot["sex"], tot["count"], strict=True)}


def _compare(table: str, key: str, date: str, label: str, figure: int, census: int, what: str) -> list[Problem]:
    expected_diff, why = DOCUMENTED_DIFFERENCES.get((table, date, label), (0, ""))
    if figure - census == expected_diff:
        return []
    expected = "expected equal" if expected_diff == 0 else f"expected a documented difference of {expected_diff}: {why}"
    return [Problem(table, key, f"{figure} differs from the {what} {census} by {figure - census} ({expected})")]


@register_check("census_metric")
def national_totals_match_census(info: TableInfo, df: pd.DataFrame) -> list[Problem]:
    """Totals/men/women in persons = census tables; thousands-rounded men + women = total."""
    problems: list[Problem] = []
    for _, r in df.iterrows():
        key = f"date={r['date']}, metric={r['metric']}"
        if not pd.isna(r["value_high"]) and r["value_high"] < r["value"]:
            problems.append(Problem(info.name, key, f"range {r['value']}-{r['value_high']} is reversed (expected low <= high)"))
        if r["metric"] in _CENSUS_METRICS and r["unit"] == "persons":
            totals = _census_totals(str(r["date"]))
            sex = _CENSUS_METRICS[r["metric"]]
            problems.extend(
                _compare(info.name, key, str(r["date"]), str(r["metric"]), int(r["value"]), totals[sex], f"printed {sex} total of census_{str(r['date'])[:4]}_5y")
            )
    thousands = df[df["unit"].str.contains("thousands", na=False)]
    for (date, _source), g in thousands.groupby(["date", "source"], sort=True):
        metrics = dict(zip(g["metric"], g["value"], strict=True))
        if {"males", "females"} <= set(metrics):
            total = df[(df["date"] == date) & (df["metric"] == "total population")]
            if total.empty:
                continue
            t = int(total["value"].iloc[0])
            s = int(metrics["males"]) + int(metrics["females"])
            if abs(s - t) > THOUSANDS_SUM_TOLERANCE:
                problems.append(
                    Problem(info.name, f"date={date}, metric=males + females", f"{s} differs from the total population {t} by {s - t} (expected within {THOUSANDS_SUM_TOLERANCE}: both printed in thousands)")
                )
    return problems


@register_check("census_by_unit")
def republics_add_up(info: TableInfo, df: pd.DataFrame) -> list[Problem]:
    """Republics sum exactly to the USSR total; the USSR total matches the census tables."""
    problems: list[Problem] = []
    for date, g in df.groupby("date", sort=True):
        total = g[g["unit_type"] == "country"]
        if len(total) != 1:
            problems.append(Problem(info.name, f"date={date}", f"expected one row of unit_type=country, found {len(total)}"))
            continue
        printed = int(total["count"].iloc[0])
        parts = int(g.loc[g["unit_type"] == "republic", "count"].sum())
        label = str(total["unit"].iloc[0])
        key = f"date={date}, unit={label}"
        if parts != printed:
            problems.append(Problem(info.name, key, f"printed total {printed} != sum of republics {parts} (difference {printed - parts}; expected 0)"))
        census_total = _census_totals(str(date))["both"]
        problems.extend(_compare(info.name, key, str(date), label, printed, census_total, f"printed total of census_{str(date)[:4]}_5y"))
    return problems


@register_check("census_nationality")
def nationality_parts_add_up(info: TableInfo, df: pd.DataFrame) -> list[Problem]:
    """Counts sum to the printed 'all' row; percentages (1 decimal) sum to 100 within rounding."""
    problems: list[Problem] = []
    for (territory, year, source), g in df.groupby(["territory", "year", "source"], sort=True):
        key = f"territory={territory}, year={year}"
        counted = g[g["persons"].notna()]
        all_row = counted[counted["nationality"] == "all"]
        if len(all_row) == 1:
            printed = int(all_row["persons"].iloc[0])
            parts = int(counted.loc[counted["nationality"] != "all", "persons"].sum())
            if parts != printed:
                problems.append(Problem(info.name, f"{key}, nationality=all", f"printed total {printed} != sum of nationalities {parts} (difference {printed - parts}; expected 0)"))
        shares = g[g["percent"].notna() & (g["nationality"] != "all")]
        if len(shares) > 1:
            total = float(shares["percent"].sum())
            tol = 0.05 * len(shares)
            if abs(total - 100.0) > tol + 1e-9:
                problems.append(Problem(info.name, key, f"percentages sum to {total:.1f} (expected 100 within {tol:.2f}: each printed to 1 decimal) [source: {source}]"))
        bad = g[(g["percent"] < 0) | (g["percent"] > 100)]
        for _, r in bad.iterrows():
            problems.append(Problem(info.name, f"{key}, nationality={r['nationality']}", f"percent {r['percent']} outside [0, 100]"))
    return problems

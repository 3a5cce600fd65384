"""Checks of the census tables and of the yearbook sex ratios.

- every date has the three sexes (male, female, both) with the same age groups;
- age groups run from 0 without gap or overlap to one open group (100+, 90+), and each label
  matches its bounds; every sex has an ``unknown`` and a ``total`` row;
- ``both`` = ``male`` + ``female`` in every row (exact: the sources print integers);
- the printed ``total`` = sum of the age groups + ``unknown`` (exact for all four censuses);
- 5-year and 10-year tables equal the sums of the bundled single-year table of the same census
  (exact: the grouped tables were tabulated from the same single-year counts, and every census
  total matches its published figure);
- the yearbook's 1959 men per 1000 women equal 1000 x men / women of ``census_10y`` rounded half
  up (exact); its 1939 column is not compared (it differs from the census in its own borders,
  documented in the caveats).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from purgetoll.data._catalog import load
from purgetoll.data._registry import Problem, TableInfo, register_check

#: ``men_per_1000_women`` is the yearbook's rounding; the report's sex-ratio figures use it too.
__all__ = ["men_per_1000_women"]

SEXES = ("male", "female", "both")


def _k(date: str, sex: str | None = None, group: str | None = None) -> str:
    parts = [f"date={date}"]
    if sex is not None:
        parts.append(f"sex={sex}")
    if group is not None:
        parts.append(f"age_group={group}")
    return ", ".join(parts)


def _label(age: int, age_end: object) -> str:
    if pd.isna(age_end):
        return f"{age}+"
    return str(age) if age == age_end else f"{age}-{age_end}"


def age_ladder_problems(table: str, key: str, groups: pd.DataFrame) -> list[Problem]:
    """Problems of one ladder of age groups (rows with a non-missing ``age``), sorted by age.

    Expected: the first group starts at 0, each next group starts one year after the previous
    group ends, only the last group is open (``age_end`` missing), labels match the bounds.
    """
    problems: list[Problem] = []
    g = groups.sort_values("age", kind="stable")
    if g.empty:
        return [Problem(table, key, "no age groups (expected groups from age 0 to an open group)")]
    ages = g["age"].astype(int).tolist()
    ends = g["age_end"].tolist()
    labels = g["age_group"].tolist()
    if ages[0] != 0:
        problems.append(Problem(table, key, f"first age group starts at {ages[0]} (expected 0)"))
    for i, (a, e, lab) in enumerate(zip(ages, ends, labels, strict=True)):
        if lab != _label(a, e):
            problems.append(
                Problem(table, f"{key}, age_group={lab}", f"label does not match bounds age={a}, age_end={'<NA>' if pd.isna(e) else e} (expected {_label(a, e)!r})")
            )
        last = i == len(ages) - 1
        if pd.isna(e) and not last:
            problems.append(
                Problem(table, f"{key}, age_group={lab}", "open age group is not the last one")
            )
            continue
        if last:
            if not pd.isna(e):
                problems.append(
                    Problem(table, key, f"last age group {lab} is closed (expected an open group such as {e + 1}+)")
                )
            continue
        expected = int(e) + 1
        if ages[i + 1] > expected:
            missing = f"{expected}" if ages[i + 1] == expected + 1 else f"{expected}-{ages[i + 1] - 1}"
            problems.append(
                Problem(table, key, f"age {missing} missing (group {lab} ends at {e}, next group {labels[i + 1]} starts at {ages[i + 1]})")
            )
        elif ages[i + 1] < expected:
            problems.append(
                Problem(table, key, f"age groups {lab} and {labels[i + 1]} overlap")
            )
    return problems


@register_check("census")
def census_structure(info: TableInfo, df: pd.DataFrame) -> list[Problem]:
    """Sexes complete, age ladder complete, unknown and total rows present."""
    problems: list[Problem] = []
    for date, d in df.groupby("date", sort=True):
        sexes = set(d["sex"])
        for sex in SEXES:
            if sex not in sexes:
                problems.append(Problem(info.name, _k(date), f"sex {sex!r} missing (expected {', '.join(SEXES)})"))
        extra = sexes - set(SEXES)
        for sex in sorted(extra):
            problems.append(Problem(info.name, _k(date, sex), f"unknown sex {sex!r} (expected {', '.join(SEXES)})"))
        groups_by_sex = {s: set(d.loc[d["sex"] == s, "age_group"]) for s in SEXES if s in sexes}
        all_groups = set().union(*groups_by_sex.values()) if groups_by_sex else set()
        for sex, groups in groups_by_sex.items():
            for lab in ("unknown", "total"):
                if lab not in groups:
                    problems.append(Problem(info.name, _k(date, sex), f"row age_group={lab} missing"))
            dated = d[(d["sex"] == sex) & d["age"].notna()]
            ladder = age_ladder_problems(info.name, _k(date, sex), dated)
            problems.extend(ladder)
            others = sorted(all_groups - groups - {"unknown", "total"})
            # A group missing for one sex is usually reported by its ladder already.
            if others and not ladder:
                problems.append(Problem(info.name, _k(date, sex), f"age group(s) {', '.join(others)} present for another sex but missing here"))
    return problems


def _counts(d: pd.DataFrame, sex: str) -> pd.Series:
    s = d[d["sex"] == sex]
    return pd.Series(s["count"].to_numpy(), index=s["age_group"].to_numpy())


@register_check("census")
def census_sums(info: TableInfo, df: pd.DataFrame) -> list[Problem]:
    """both = male + female in every row; printed total = sum of groups + unknown."""
    problems: list[Problem] = []
    for date, d in df.groupby("date", sort=True):
        male, female, both = (_counts(d, s) for s in SEXES)
        for group in both.index:
            if group in male.index and group in female.index:
                m, f, b = int(male[group]), int(female[group]), int(both[group])
                if m + f != b:
                    problems.append(
                        Problem(info.name, _k(date, "both", group), f"count {b} != male + female = {m} + {f} = {m + f}")
                    )
        for sex in SEXES:
            s = d[d["sex"] == sex]
            total = s.loc[s["age_group"] == "total", "count"]
            if total.empty:
                continue
            parts = int(s.loc[s["age_group"] != "total", "count"].sum())
            printed = int(total.iloc[0])
            if parts != printed:
                problems.append(
                    Problem(
                        info.name,
                        _k(date, sex, "total"),
                        f"printed total {printed} != sum of age groups and unknown {parts} (difference {printed - parts}; expected 0)",
                    )
                )
    return problems


@register_check("census")
def census_grouped_equals_single(info: TableInfo, df: pd.DataFrame) -> list[Problem]:
    """5-year and 10-year tables equal the sums of the single-year table of the same census."""
    if info.extra.get("ages") not in ("5y", "10y"):
        return []
    problems: list[Problem] = []
    for date, d in df.groupby("date", sort=True):
        single_name = f"census_{str(date)[:4]}_single"
        single = load(single_name)
        ranged = single[single["age"].notna()]
        for _, row in d[d["age"].notna()].iterrows():
            lo = int(row["age"])
            hi = None if pd.isna(row["age_end"]) else int(row["age_end"])
            sel = ranged[(ranged["sex"] == row["sex"]) & (ranged["age"] >= lo)]
            if hi is not None:
                sel = sel[sel["age"] <= hi]
            expected = int(sel["count"].sum())
            if int(row["count"]) != expected:
                span = f"{lo}..{hi}" if hi is not None else f"{lo}+"
                problems.append(
                    Problem(
                        info.name,
                        _k(date, row["sex"], row["age_group"]),
                        f"count {int(row['count'])} != sum of single years {span} in {single_name} = {expected} (expected equal)",
                    )
                )
    return problems


def men_per_1000_women(men: int | np.ndarray, women: int | np.ndarray) -> int | np.ndarray:
    """1000 x men / women rounded half up, in integers (no float rounding surprises).

    The yearbook (*Narodnoe khoziaistvo SSSR 1922-1972*) prints its ratios rounded this way.
    Counts in persons (integers, or int64 arrays elementwise).
    """
    return (2000 * men + women) // (2 * women)


@register_check("sex_ratio_yearbook")
def yearbook_matches_1959_census(info: TableInfo, df: pd.DataFrame) -> list[Problem]:
    """Groups complete per date; the 1959 column equals the 1959 census exactly."""
    problems: list[Problem] = []
    for date, d in df.groupby("date", sort=True):
        problems.extend(age_ladder_problems(info.name, _k(date), d[d["age"].notna()]))
        if "total" not in set(d["age_group"]):
            problems.append(Problem(info.name, _k(date), "row age_group=total missing"))
    if problems:
        return problems
    ten = load("census_10y")
    ten = ten[ten["date"] == "1959-01-15"]
    male, female = _counts(ten, "male"), _counts(ten, "female")
    for _, row in df[df["date"] == "1959-01-15"].iterrows():
        group = row["age_group"]
        if group not in male.index:
            problems.append(Problem(info.name, _k("1959-01-15", group=group), "age group not in census_10y"))
            continue
        expected = men_per_1000_women(int(male[group]), int(female[group]))
        if int(row["males_per_1000_females"]) != expected:
            problems.append(
                Problem(
                    info.name,
                    _k("1959-01-15", group=group),
                    f"males_per_1000_females {int(row['males_per_1000_females'])} != 1959 census {expected} "
                    f"(1000 x {int(male[group])} / {int(female[group])}, rounded half up)",
                )
            )
    return problems

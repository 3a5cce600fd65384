"""Lexis tools: birth cohorts, ages and dates, and the exposure of a cohort to a period.

Time is in decimal years (1959-01-15 is 1959 + 14/365 = 1959.038). Age is completed years. A
person of completed age ``a`` at time ``t`` was born in the half-open interval ``(t - a - 1, t - a]``;
births are assumed spread evenly within each interval (the standard Lexis-diagram assumption).
"""

from __future__ import annotations

import calendar
import datetime as dt

import numpy as np
import pandas as pd

from purgetoll.errors import DataError


def decimal_year(date: str | dt.date | float | int) -> float:
    """Calendar time in years: ``"1939-01-17"`` -> 1939.0438; a number is returned unchanged."""
    if isinstance(date, bool):
        raise DataError("date", f"expected an ISO date (YYYY-MM-DD) or a decimal year; got {date!r}")
    if isinstance(date, int | float | np.integer | np.floating):
        if not np.isfinite(date):
            raise DataError("date", f"expected a finite decimal year; got {date!r}")
        return float(date)
    if isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date.strip())
        except ValueError:
            raise DataError("date", f"expected an ISO date YYYY-MM-DD; got {date!r}") from None
    if isinstance(date, dt.datetime):
        date = date.date()
    if not isinstance(date, dt.date):
        raise DataError("date", f"expected an ISO date (YYYY-MM-DD) or a decimal year; got {date!r}")
    start = dt.date(date.year, 1, 1)
    days = 366 if calendar.isleap(date.year) else 365  # not date(year + 1, 1, 1): 9999-12-31 is valid
    return date.year + (date - start).days / days


def iso_date(year: float) -> str:
    """The ISO date of a decimal year (the inverse of :func:`decimal_year`, to the day)."""
    y = int(np.floor(year))
    start = dt.date(y, 1, 1)
    days = (dt.date(y + 1, 1, 1) - start).days
    return (start + dt.timedelta(days=int(round((year - y) * days)))).isoformat()


def birth_interval(age: int, date: str | dt.date | float) -> tuple[float, float]:
    """Birth times ``(earliest, latest]`` (decimal years) of people of completed ``age`` at ``date``."""
    if int(age) != age or age < 0:
        raise DataError("birth_interval", f"age must be a whole number of years >= 0; got {age!r}")
    t = decimal_year(date)
    return t - age - 1.0, t - age


def cohort_of(age: int, date: str | dt.date | float) -> dict[int, float]:
    """The calendar birth years of people aged ``age`` at ``date``, with the share born in each.

    Example: aged 40 on 15 Jan 1959 -> ``{1918: 0.962, 1919: 0.038}``.
    """
    lo, hi = birth_interval(age, date)
    out: dict[int, float] = {}
    for year in range(int(np.floor(lo)), int(np.floor(hi)) + 1):
        share = max(0.0, min(hi, year + 1.0) - max(lo, float(year)))
        if share > 1e-12:
            out[year] = share
    return out


def age_of(cohort: int, date: str | dt.date | float) -> dict[int, float]:
    """Completed ages at ``date`` of people born in calendar year ``cohort``, with their shares."""
    t = decimal_year(date)
    if t < cohort:
        raise DataError("age_of", f"the cohort born in {cohort} is not yet born at {date!r}")
    out: dict[int, float] = {}
    # Born at b in [cohort, cohort + 1): age floor(t - b), between floor(t - cohort - 1) and floor(t - cohort).
    for a in range(max(0, int(np.floor(t - cohort - 1))), int(np.floor(t - cohort)) + 1):
        lo, hi = birth_interval(a, t)
        share = max(0.0, min(hi, cohort + 1.0) - max(lo, float(cohort)))
        if share > 1e-12:
            out[a] = share
    return out


def cohort_weights(ages: np.ndarray, date: str | dt.date | float, first: int, last: int) -> np.ndarray:
    """Share of each completed age's births (at ``date``) that falls in cohorts ``first..last``."""
    t = decimal_year(date)
    a = np.asarray(ages, dtype=float)
    lo, hi = t - a - 1.0, t - a
    overlap = np.clip(np.minimum(hi, last + 1.0) - np.maximum(lo, float(first)), 0.0, 1.0)
    return overlap


def shift_ages(age_lower: int, age_upper: int, from_date: str | float, to_date: str | float) -> tuple[int, int]:
    """Completed ages at ``to_date`` of those aged ``age_lower..age_upper`` at ``from_date``.

    Conquest's "add twenty years for the 1959 position": 30-55 in early 1937 -> 52-77 in early 1959
    (ranges widen by one year when the dates are not a whole number of years apart).
    """
    if age_upper < age_lower:
        raise DataError("shift_ages", f"age_upper must be >= age_lower; got {age_lower}..{age_upper}")
    d = decimal_year(to_date) - decimal_year(from_date)
    if d < 0:
        raise DataError("shift_ages", f"to_date must not precede from_date; got {from_date!r} -> {to_date!r}")
    return int(np.floor(age_lower + d)), int(np.floor(age_upper + 1 + d - 1e-9))


def _overlap_mean(a: float, c: int, s: float, e: float) -> float:
    """Mean over birth b in [c, c+1) of the time in [s, e] spent at age a: exact (piecewise linear)."""
    pts = np.unique(np.clip([c, c + 1.0, s - a - 1.0, s - a, e - a - 1.0, e - a], c, c + 1.0))
    f = np.maximum(0.0, np.minimum(e, pts + a + 1.0) - np.maximum(s, pts + a))
    return float(np.sum(0.5 * (f[1:] + f[:-1]) * np.diff(pts)))


def exposure(cohort: int, start: str | float, end: str | float) -> pd.DataFrame:
    """Person-years per member of birth cohort ``cohort`` lived at each age during ``[start, end]``.

    Returns columns ``cohort, age, person_years`` (years per person alive throughout); the rows sum
    to the part of the period after the cohort's births. Example: the cohort of 1900 during the
    Terror (1937-01-01 to 1939-01-01) spends 0.5, 1.0 and 0.5 years at ages 36, 37 and 38.
    """
    s, e = decimal_year(start), decimal_year(end)
    if e < s:
        raise DataError("exposure", f"end must not precede start; got {start!r} -> {end!r}")
    a_min = max(0, int(np.floor(s - cohort - 1)))
    a_max = max(0, int(np.floor(e - cohort)))
    rows = [(cohort, a, _overlap_mean(a, cohort, s, e)) for a in range(a_min, a_max + 1)]
    df = pd.DataFrame(rows, columns=["cohort", "age", "person_years"])
    return df[df["person_years"] > 1e-12].reset_index(drop=True)

"""Intercensal analysis: cohort survival between two populations, and the deficit by cohort.

- :func:`cohort_survival`: of the people born in cohorts ``first..last`` counted at the start,
  the share counted at the end, by sex (or by sex and single birth year). The people of a
  completed age at a date are split between birth years by the Lexis rule
  (:func:`purgetoll.demography.lexis.cohort_weights`).
- :func:`deficit`: the start population projected to the end date under "normal" mortality (the
  official tables interpolated by year, corrected for under-registration; no births, so only
  cohorts alive at the start), against what the end population counted: expected, observed and
  deficit (= expected - observed) by sex and birth cohort.

Both carry Monte Carlo intervals over every uncertain input (:mod:`.montecarlo`), computed in
chunks of draws as array operations, and a list of the assumptions used in ``df.attrs``.
The central estimate is the run with every default; the interval is the equal-tailed
percentile interval of the draws, when there are enough of them (:mod:`purgetoll.intervals`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from purgetoll.demography.corrections import DEFAULT_CORRECTIONS, CensusCorrections
from purgetoll.demography.endpoints import Endpoint, endpoint_draws, needs_territory, resolve
from purgetoll.demography.lexis import cohort_weights
from purgetoll.demography.montecarlo import (
    InputDraws,
    batch_qx_at,
    central_inputs,
    draw_inputs,
    interval,
    interval_note,
)
from purgetoll.demography.mortality import DEFAULT_CORRECTION, UnderRegistration
from purgetoll.demography.projection import SEXES, project_arrays
from purgetoll.errors import DataError
from purgetoll.limits import check

CHUNK = 2500  # draws per array pass: bounds memory (about 2 MB per 1000 draws per array)


def cohort_matrix(date: float, groups: list[tuple[int, int]]) -> np.ndarray:
    """(n_groups, 101): the share of each completed age at ``date`` born in each cohort group."""
    ages = np.arange(101)
    w = np.stack([cohort_weights(ages, date, lo, hi) for lo, hi in groups])
    w[:, 100] = 0.0  # the open group 100+ has no single birth year
    return w


#: Widest birth-cohort group: the ages tracked (0 to 100+) span 101 birth years.
MAX_WIDTH = 100


def _check_width(width: int) -> None:
    if isinstance(width, bool) or not isinstance(width, int | np.integer) or not 1 <= width <= MAX_WIDTH:
        raise DataError("cohorts", f"cohort width must be a whole number of years in 1..{MAX_WIDTH} (the ages "
                                   f"tracked, 0 to 100+, span 101 birth years); got {width!r}")


def _groups(first: int, last: int, width: int) -> list[tuple[int, int]]:
    _check_width(width)
    groups = [(lo, min(lo + width - 1, last)) for lo in range(first, last + 1, width)]
    if not groups:
        raise DataError("cohorts", f"no birth cohort from {first} to {last}")
    return groups


def parse_cohorts(text: str) -> tuple[int, int]:
    """``"1890-1926"`` -> (1890, 1926)."""
    try:
        a, b = (int(x) for x in str(text).split("-"))
    except ValueError:
        raise DataError("cohorts", f"expected FIRST-LAST birth years such as 1890-1926; got {text!r}") from None
    if b < a:
        raise DataError("cohorts", f"last birth year must not precede the first; got {text!r}")
    return a, b


def _check_cohorts(start: Endpoint, end: Endpoint, first: int, last: int) -> None:
    if end.t <= start.t:
        raise DataError("intercensal", f"the end ({end.spec}, {end.date}) must come after the start ({start.spec}, {start.date})")
    if last + 1 > start.t + 1e-9:
        raise DataError("cohorts", f"cohort {last} is not wholly born by the start ({start.spec}, {start.date})")
    if first < end.t - 100:
        raise DataError("cohorts", f"cohort {first} is in the open age group 100+ at the end ({end.date}); use cohorts born after {int(end.t - 100)}")


def _run(start: Endpoint, end: Endpoint, draws: InputDraws, corrections: CensusCorrections,
         groups: list[tuple[int, int]], project: bool,
         mortality: str) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, list[str]]:
    """Counts by (draw, sex, group): at the start, observed at the end, expected at the end."""
    terr = needs_territory(start, end)
    W0, W1 = cohort_matrix(start.t, groups), cohort_matrix(end.t, groups)
    out0, out1, outx = [], [], []
    notes: list[str] = []
    for lo in range(0, draws.n, CHUNK):
        d = draws.chunk(lo, min(lo + CHUNK, draws.n))
        p0, n0 = endpoint_draws(start, d, corrections, to_1946_borders=terr)
        p1, n1 = endpoint_draws(end, d, corrections)
        notes = n0 + n1
        out0.append(p0 @ W0.T)
        out1.append(p1 @ W1.T)
        if project:
            qx_at = batch_qx_at(d.infant_qx_multiplier, d.hazard_multiplier_age1plus, mortality=mortality,
                                male_hazard_ratio=d.errors["male_hazard_ratio"])
            r = project_arrays(p0, start.t, end.t, qx_at)
            outx.append(r.population @ W1.T)
    expected = np.concatenate(outx) if project else None
    return np.concatenate(out0), np.concatenate(out1), expected, notes


def _labels(groups: list[tuple[int, int]]) -> list[str]:
    return [f"{lo}" if lo == hi else f"{lo}-{hi}" for lo, hi in groups]


def cohort_survival(
    start: str = "adh:1939",
    end: str = "census:1959",
    cohorts: str | tuple[int, int] = (1890, 1926),
    *,
    by: str = "sex",
    corrections: CensusCorrections = DEFAULT_CORRECTIONS,
    draws: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    limits: dict[str, float] | None = None,
) -> pd.DataFrame:
    """Share of the cohorts counted at ``start`` that are counted again at ``end``, by sex.

    Parameters
    ----------
    start, end:
        Endpoints ``census:YEAR`` or ``adh:YEAR[:BORDERS]``; ``adh:1939`` is in 1946 borders, the
        1959 census territory (the territory assumption of the published 53% / 82%).
    cohorts:
        Birth years, ``"1890-1926"`` or a tuple.
    by:
        ``"sex"`` (one row per sex) or ``"cohort"`` (one row per sex and single birth year).
    draws, seed, level:
        Monte Carlo draws over the uncertain inputs, their seed and the interval's level. Fewer
        than 200 draws give no interval (NaN bounds; ``attrs["interval"]`` says so); more than
        the limit ``demog_draws`` (:mod:`purgetoll.limits`; raise it with ``limits``) are refused.

    Returns
    -------
    ``sex, cohort, count_start, count_end, survival, survival_lower_95, survival_upper_95``
    (counts in persons, survival a proportion); ``attrs["assumptions"]`` lists what was assumed.
    """
    first, last = parse_cohorts(cohorts) if isinstance(cohorts, str) else cohorts
    if by not in ("sex", "cohort"):
        raise DataError("cohort_survival", f"by must be 'sex' or 'cohort'; got {by!r}")
    check("demog_draws", draws, limits, job=f"cohort survival {start} -> {end}", advice="use fewer draws")
    s, e = resolve(start), resolve(end)
    _check_cohorts(s, e, first, last)
    groups = [(first, last)] if by == "sex" else _groups(first, last, 1)
    c0, c1, _, notes = _run(s, e, central_inputs(DEFAULT_CORRECTION, corrections), corrections, groups, False, "interpolated")
    d0, d1, _, _ = _run(s, e, draw_inputs(draws, seed, corrections=corrections), corrections, groups, False, "interpolated")
    lo, hi = interval(d1 / d0, level)
    tag = f"{round(level * 100)}"
    rows = []
    for i, sex in enumerate(SEXES):
        for g, label in enumerate(_labels(groups)):
            rows.append({"sex": sex, "cohort": label, "count_start": c0[0, i, g], "count_end": c1[0, i, g],
                         "survival": c1[0, i, g] / c0[0, i, g],
                         f"survival_lower_{tag}": lo[i, g], f"survival_upper_{tag}": hi[i, g]})
    df = pd.DataFrame(rows)
    df.attrs.update(table="cohort survival", unit="counts in persons; survival as a proportion",
                    start=s.spec, end=e.spec, level=level, draws=draws, seed=seed,
                    interval=interval_note(draws, level, seed), assumptions=list(dict.fromkeys(notes)))
    return df


def deficit(
    start: str = "adh:1939",
    end: str = "census:1959",
    *,
    cohorts: str | tuple[int, int] | None = None,
    width: int = 5,
    mortality: str = "interpolated",
    correction: UnderRegistration | None = DEFAULT_CORRECTION,
    corrections: CensusCorrections = DEFAULT_CORRECTIONS,
    draws: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    limits: dict[str, float] | None = None,
) -> pd.DataFrame:
    """Expected (projected under normal mortality), observed and missing persons by sex and cohort.

    Parameters
    ----------
    start, end:
        Endpoints (see :func:`cohort_survival`).
    cohorts:
        Birth years covered; default every cohort wholly born by the start and under 100 at the end.
    width:
        Years per cohort group (5 by default; 1 for single birth years; at most 100).
    mortality:
        ``"interpolated"`` (official tables interpolated by year) or one official period.
    correction:
        Under-registration correction of the central estimate (the Monte Carlo draws it).

    Returns
    -------
    ``sex, cohort, cohort_first, cohort_last, start`` (counted at the start, central),
    ``expected, observed, deficit`` and for each of the three ``*_lower_95``/``*_upper_95``, plus
    ``deficit_share`` (deficit / expected). Persons.
    """
    _check_width(width)
    check("demog_draws", draws, limits, job=f"deficit {start} -> {end}", advice="use fewer draws")
    s, e = resolve(start), resolve(end)
    if cohorts is None:
        # every cohort wholly born by the start and under 100 at the end, groups aligned on multiples of width
        first, last = int(np.ceil(np.ceil(e.t - 100) / width) * width), int(np.floor(s.t)) - 1
    else:
        first, last = parse_cohorts(cohorts) if isinstance(cohorts, str) else cohorts
    _check_cohorts(s, e, first, last)
    groups = _groups(first, last, width)
    c_start, c_obs, c_exp, notes = _run(s, e, central_inputs(correction, corrections), corrections, groups, True, mortality)
    _, d_obs, d_exp, _ = _run(s, e, draw_inputs(draws, seed, correction=correction, corrections=corrections),
                              corrections, groups, True, mortality)
    if c_exp is None or d_exp is None:  # _run(project=True) always projects
        raise AssertionError("intercensal: a projection was asked for and none was made")
    tag = f"{round(level * 100)}"
    bounds = {name: interval(arr, level) for name, arr in
              (("expected", d_exp), ("observed", d_obs), ("deficit", d_exp - d_obs))}
    rows = []
    labels = _labels(groups)
    for i, sex in enumerate(SEXES):
        for g, (lo_year, hi_year) in enumerate(groups):
            row = {"sex": sex, "cohort": labels[g], "cohort_first": lo_year, "cohort_last": hi_year,
                   "start": c_start[0, i, g], "expected": c_exp[0, i, g], "observed": c_obs[0, i, g], "deficit": c_exp[0, i, g] - c_obs[0, i, g]}
            for name, (lo, hi) in bounds.items():
                row[f"{name}_lower_{tag}"] = lo[i, g]
                row[f"{name}_upper_{tag}"] = hi[i, g]
            row["deficit_share"] = row["deficit"] / row["expected"] if row["expected"] > 0 else np.nan
            rows.append(row)
    df = pd.DataFrame(rows)
    mort = ("official life tables interpolated on log hazard between 1927.0, 1939.0 and 1959.0"
            if mortality == "interpolated" else f"official life table {mortality} held constant")
    corr = "no under-registration correction" if correction is None else correction.describe()
    df.attrs.update(table="deficit", unit="persons", start=s.spec, end=e.spec, level=level, draws=draws, seed=seed,
                    interval=interval_note(draws, level, seed),
                    assumptions=list(dict.fromkeys(notes + [f"expected: {mort}; {corr}; no births (cohorts alive at the start only)"])))
    return df

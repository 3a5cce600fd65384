"""Births by calendar year implied by the young cohorts of a population (reverse survival).

People of completed age ``a`` at time ``T`` were born in ``(T - a - 1, T - a]``. Divided by the
probability of surviving from birth to that date along their own diagonal of the Lexis diagram,
they give the births of that interval:

    B(a) = P(a, T) / [ (L0/l0)(t_0) * prod_{k=1..a} (L_k / L_{k-1})(t_k) ]

where ``t_k = T - a - 0.5 + k`` is the middle of the cohort's k-th year and the life tables are
those of :func:`purgetoll.demography.annual_qx` at that time (official tables interpolated, with
the under-registration correction). Births per calendar year then add up the intervals' overlaps
with the year; only calendar years wholly covered are returned.

What this cannot see: deaths above "normal" mortality (the famine of 1932-33, the war) of
children born in the interval. Reverse survival with normal mortality therefore gives a **lower
bound** for the births of crisis years; no bundled source gives excess child mortality by age,
so none is added back (stated in the ``method`` column).

:func:`births_series` assembles 1927-1959 for the agent engine from the reconstruction and the
1959 census, one source per year (see its docstring). A projection reads such a series through
:func:`purgetoll.demography.projection.births_function`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from purgetoll.data import adh
from purgetoll.demography import inputs
from purgetoll.demography.lexis import decimal_year
from purgetoll.demography.mortality import DEFAULT_CORRECTION, UnderRegistration, annual_qx
from purgetoll.demography.projection import SEXES, survival_ratios
from purgetoll.errors import DataError


def survival_from_birth(date: float, max_age: int, qx_at: Callable[[float], np.ndarray]) -> np.ndarray:
    """Probability (2, max_age+1) that a birth of the year before ``date - a`` is alive at ``date``, aged a."""
    out = np.ones((2, max_age + 1))
    for a in range(max_age + 1):
        t0 = date - a - 0.5  # middle of the birth year of those aged a
        s, s_birth = survival_ratios(qx_at(t0))
        prob = s_birth.copy()
        for k in range(1, a + 1):
            s_k, _ = survival_ratios(qx_at(t0 + k))
            prob = prob * s_k[:, k - 1]
        out[:, a] = prob
    return out


def _qx_at(correction: UnderRegistration | None) -> Callable[[float], np.ndarray]:
    cache: dict[float, np.ndarray] = {}

    def qx_at(year: float) -> np.ndarray:
        key = round(year, 9)
        if key not in cache:
            cache[key] = np.stack([annual_qx(year, s, correction=correction) for s in SEXES])
        return cache[key]

    return qx_at


def implied_births(
    population: np.ndarray,
    date: str | float,
    *,
    max_age: int = 12,
    correction: UnderRegistration | None = DEFAULT_CORRECTION,
    source: str = "",
) -> pd.DataFrame:
    """Births by calendar year and sex implied by ages 0..``max_age`` of ``population`` at ``date``.

    Parameters
    ----------
    population:
        Persons by sex and single age, shape (2, 101) (see :mod:`purgetoll.demography.inputs`).
    date:
        The population's date (ISO or decimal year).
    max_age:
        The oldest age used; the result covers the calendar years wholly inside the births of
        ages 0..max_age.
    correction:
        Under-registration correction of the early life tables (see :mod:`.mortality`).

    Returns
    -------
    Tidy ``year, sex, count`` (persons born alive in that calendar year; float) with
    ``attrs`` source, unit and method.
    """
    pop = np.asarray(population, dtype=float)
    if pop.shape != (2, 101):
        raise DataError("implied_births", f"population must have shape (2, 101); got {pop.shape}")
    if not (0 <= max_age <= 99):
        raise DataError("implied_births", f"max_age must be in 0..99; got {max_age}")
    T = decimal_year(date)
    surv = survival_from_birth(T, max_age, _qx_at(correction))
    born = pop[:, : max_age + 1] / surv  # births of the interval (T-a-1, T-a]
    first, last = int(np.ceil(T - max_age - 1 - 1e-9)), int(np.floor(T + 1e-9)) - 1
    rows = []
    for year in range(first, last + 1):
        a = np.arange(max_age + 1)
        overlap = np.clip(np.minimum(T - a, year + 1.0) - np.maximum(T - a - 1.0, float(year)), 0.0, 1.0)
        for i, sex in enumerate(SEXES):
            rows.append((year, sex, float((born[i] * overlap).sum())))
    df = pd.DataFrame(rows, columns=["year", "sex", "count"])
    df.attrs["table"] = "implied births"
    df.attrs["unit"] = "persons born alive per calendar year"
    df.attrs["source"] = source
    df.attrs["method"] = ("reverse survival with the official life tables interpolated by year; "
                          + ("no under-registration correction" if correction is None else correction.describe())
                          + "; excess (famine, war) child deaths not added back: a lower bound in crisis years")
    return df


#: Which population gives which calendar years of births in :func:`births_series`.
BIRTHS_PLAN: tuple[tuple[str, int, int, int, str], ...] = (
    # (population spec, first year, last year, max age used, borders)
    ("adh:1939:1938", 1927, 1938, 12, "1938"),
    ("adh:1941", 1939, 1940, 2, "time (incl. 1939-40 annexations)"),
    ("adh:1946", 1941, 1945, 5, "1946"),
    ("census:1959", 1946, 1958, 13, "1946"),
)


def births_series(
    first: int = 1927,
    last: int = 1959,
    *,
    correction: UnderRegistration | None = DEFAULT_CORRECTION,
    territory: str = "time",
) -> pd.DataFrame:
    """Births by calendar year and sex, 1927-1959, by reverse survival of the young cohorts.

    One source per year (:data:`BIRTHS_PLAN`): 1927-1938 from the ADH population of 1 Jan 1939
    in pre-September-1939 borders; 1939-1940 from ADH 1 Jan 1941 (borders of the time, with the
    1939-40 annexations); 1941-1945 from ADH 1 Jan 1946 (post-war borders); 1946-1958 from the
    15 Jan 1959 census (post-war borders). 1959 has no later population: it repeats 1958 and is
    flagged ``method = "carried forward (assumption)"``. Each row says its ``borders`` and
    ``source``; the territory jumps in 1939-40 and 1945 are real changes of the population
    counted, not of births.

    ``territory`` chooses the borders: ``"time"`` (default, as above: a simulation that adds the
    annexed populations itself should know that 1939-40 births already include the annexed
    territories for the whole year), ``"1938"`` (every year in pre-September-1939 borders) or
    ``"1946"`` (every year in post-war borders). The last two rescale the years counted in other
    borders by ADH's ratio of children aged 0-4 on 1 January 1939 in the two borders, by sex (an
    approximation: the annexed territories' births are taken in proportion to their children;
    1939-40 rows from ADH 1941, "borders of the time", are taken as 1946 borders).

    Returns tidy ``year, sex, count, borders, source, method``.
    """
    if not (1927 <= first <= last <= 1959):
        raise DataError("births_series", f"years must satisfy 1927 <= first <= last <= 1959; got {first}..{last}")
    if territory not in ("time", "1938", "1946"):
        raise DataError("births_series", f"territory must be 'time', '1938' or '1946'; got {territory!r}")
    parts = []
    for spec, y0, y1, max_age, borders in BIRTHS_PLAN:
        if y1 < first or y0 > last:
            continue
        date, pop, note = inputs.population(spec)
        df = implied_births(pop, date, max_age=max_age, correction=correction, source=note)
        df = df[(df["year"] >= max(y0, first)) & (df["year"] <= min(y1, last))].copy()
        df["borders"] = borders
        df["source"] = note
        df["method"] = df.attrs["method"]
        parts.append(df)
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["year", "sex", "count"])
    if last == 1959:
        tail = out[out["year"] == 1958].copy()
        tail["year"] = 1959
        tail["method"] = "carried forward from 1958 (assumption: no population after 1959 is bundled)"
        out = pd.concat([out, tail], ignore_index=True)
    if territory != "time":
        out = _rescale_borders(out, territory)
    out = out.sort_values(["year", "sex"], key=lambda c: c.map({"male": 0, "female": 1}) if c.name == "sex" else c)
    out = out.reset_index(drop=True)[["year", "sex", "count", "borders", "source", "method"]]
    out.attrs["table"] = "births_series"
    out.attrs["unit"] = "persons born alive per calendar year"
    out.attrs["source"] = "reverse survival of ADH 1993 reconstruction (1939, 1941, 1946) and the 1959 census"
    return out


def _rescale_borders(out: pd.DataFrame, territory: str) -> pd.DataFrame:
    """Bring every row to ``territory`` borders by ADH's 1939 ratio of children 0-4 (see births_series)."""
    kids = {b: adh(1939, borders=b) for b in ("1938", "1946")}
    ratio = {}
    for sex in SEXES:
        n38 = float(kids["1938"].query("sex == @sex and age == 0")["count"].iloc[0])
        n46 = float(kids["1946"].query("sex == @sex and age == 0")["count"].iloc[0])
        ratio[sex] = n38 / n46  # 1938-borders births per 1946-borders birth
    out = out.copy()
    in_1938 = out["borders"] == "1938"
    factor = out["sex"].map(ratio)
    if territory == "1938":
        out.loc[~in_1938, "count"] = out.loc[~in_1938, "count"] * factor[~in_1938]
        changed = ~in_1938
    else:
        out.loc[in_1938, "count"] = out.loc[in_1938, "count"] / factor[in_1938]
        changed = in_1938
    note = f"; rescaled to {territory} borders by ADH 1 Jan 1939 children 0-4 in both borders (approximation)"
    out.loc[changed, "method"] = out.loc[changed, "method"] + note
    out["borders"] = territory
    return out

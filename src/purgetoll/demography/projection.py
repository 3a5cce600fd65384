"""Cohort-component projection by single year of age and sex, between any two dates.

State: persons by sex (row 0 male, row 1 female) and completed age 0..100 (100 = 100+), as a
numpy array whose last two axes are (2, 101); leading axes are a batch (one projection per Monte
Carlo draw), so thousands of projections run as one array computation.

One step of length ``h`` years (``0 < h <= 1``), with the life table of the step's mid-point:

- survival ratio of age ``a``: ``s[a] = L[a+1] / L[a]`` (persons aged a at the start who are alive a
  year later, then aged a+1); for ages 99 and 100+ together ``T[100] / T[99]`` (Preston, Heuveline
  & Guillot 2001, ch. 6); over ``h`` years ``s ** h`` (constant hazard within the step);
- ageing: a share ``h`` of each age moves up one year (births evenly spread within each age,
  the Lexis assumption), the open group keeps its survivors;
- births during the step reach the end alive with probability ``L0 / l0`` over a whole year and
  ``nL0(h) / h`` over a fraction (person-years lived in the first ``h`` years of life, below);
- cohorts born during the projection from an explicit births series are not spread evenly within
  their age: at the final fraction their members are where their births and the life table put
  them (:func:`partial_person_years`). Of a cohort aged ``m`` at the last anniversary with a
  share ``e`` of its year's births in the year's first ``h``, those born early cross to ``m + 1``
  and the others stay, in proportions ``(e/h) nL(m+1; 0, h)`` and ``((1-e)/(1-h)) nL(m; h, 1)``
  of ``(e/h) nL(m; 1-h, 1) + ((1-e)/(1-h)) nL(m; 0, 1-h)``; this matters at ages 0-2, where
  survivorship falls steeply within the year (even spread put 0.6% too many at age 1 a month
  after an anniversary in the 1930s);
- additions (migration, territory) are given by completed age at their date. The population is
  never split at an addition: the addition is brought forward on its own from its date to the
  end of its step, ``r`` years later, with the survival ratios of that interval (``s ** r``, the
  life table of the interval's mid-point) and its own Lexis ageing fraction (a share ``r`` of each
  age moves up one year, births evenly spread within each age, as for the agents of
  ``purgetoll.sim``, whose annexed people get birth months uniform within their year of age), and
  its deaths over ``r`` are counted with the step's deaths. Persons removed (negative counts) are
  taken from the two cohorts that make up their age at the date, in proportion to who is there,
  so a cohort only ever loses its own members.

The ratios ``L[a+1] / L[a]`` treat each age as shaped like the life table's (at age 0: fewer of
the oldest infants). The agents' synthesis places a census's infants the same way (weights from
the engine's first-year hazard with the same a0); the two shapes within the first year still
differ (exponential pieces vs the life table's curve), leaving that cohort about 0.2% apart by
single year (tests/sim/test_agreement.py).

The projection runs in whole years from the start date and finishes with one fractional step, so
a 1939-01-01 to 1959-01-15 projection is 20 exact cohort shifts and a 14-day step. The people
alive at the start are thus only ever shifted by whole years at the projection's anniversaries
(and once by the final fraction): a single-year cohort, heaped or not, stays one cohort whatever
additions arrive in between. Every step records deaths (by sex), births and additions so that
the balance ``end = start + births + additions - deaths`` holds to rounding (tested).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numba
import numpy as np
import pandas as pd

from purgetoll.demography.lexis import decimal_year, iso_date
from purgetoll.demography.lifetable import a0_from_q0, lifetable_arrays
from purgetoll.demography.mortality import (
    DEFAULT_CORRECTION,
    PERIODS,
    InterpolatedQx,
    UnderRegistration,
    corrected_log_hazards,
    official_log_hazards,
    table_qx,
)
from purgetoll.errors import DataError
from purgetoll.limits import check

SEXES: tuple[str, str] = ("male", "female")
N_AGES = 101
#: Males per female at birth. Not a historical figure: the biological norm, 1.05 (range 1.03-1.07,
#: UN *World Population Prospects* methodology); a named parameter, said to be an assumption.
SEX_RATIO_AT_BIRTH = 1.05

#: ``qx_at(year) -> array (..., 2, 101)`` of annual death probabilities at calendar time ``year``.
QxAt = Callable[[float], np.ndarray]
#: ``births_between(t0, t1) -> array (..., 2)`` of births (persons) by sex during ``[t0, t1)``.
BirthsBetween = Callable[[float, float], np.ndarray]


def survival_ratios(qx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Annual survival ratios ``s`` (..., 2, 101) and birth survival ``L0/l0`` (..., 2) from ``qx``.

    ``qx`` (..., 2, 101): annual death probabilities; the open group's rate is
    ``m = -log(1 - q[100])``. Infant ``a0`` from the Coale-Demeny formulas by sex.
    """
    q = np.asarray(qx, dtype=float)
    ax = np.full(q.shape, 0.5)
    ax[..., 0, 0] = a0_from_q0(q[..., 0, 0], "male")
    ax[..., 1, 0] = a0_from_q0(q[..., 1, 0], "female")
    m_open = -np.log1p(-np.minimum(q[..., 100], 1.0 - 1e-12))
    # The open group's person-years (l100 / m) enter only the top ratio, written below so that
    # m = 0 (no mortality) gives exactly 1.
    lt = lifetable_arrays(q, ax, np.maximum(m_open, 1e-12), radix=1.0)
    lx, L = lt["lx"], lt["Lx"]
    s = np.ones_like(q)
    with np.errstate(divide="ignore", invalid="ignore"):
        s[..., :99] = np.where(L[..., :99] > 0, L[..., 1:100] / np.where(L[..., :99] > 0, L[..., :99], 1.0), 0.0)
        # T100 / T99 = (l100 / m) / (L99 + l100 / m) = l100 / (m L99 + l100)
        den = m_open * L[..., 99] + lx[..., 100]
        top = np.where(den > 0, lx[..., 100] / np.where(den > 0, den, 1.0), 0.0)
    s[..., 99] = top
    s[..., 100] = top
    return s, L[..., 0]


@numba.njit(cache=True)
def _row_survival(q: np.ndarray, male: bool, s: np.ndarray) -> float:  # pragma: no cover (compiled)
    """Survival ratios of one row of 101 ages into ``s``; returns L0/l0. Same arithmetic as the
    life-table route (radix 1, Coale-Demeny a0, ax = 0.5 above, open group l100 / m)."""
    q0 = q[0]
    if male:
        a0 = 0.33 if q0 >= 0.1 else 0.0425 + 2.875 * q0
    else:
        a0 = 0.35 if q0 >= 0.1 else 0.05 + 3.0 * q0
    lx = 1.0
    prev_L = 0.0
    s_birth = 0.0
    for x in range(100):
        d = lx * q[x]
        nxt = lx - d
        L = nxt + (a0 if x == 0 else 0.5) * d
        if x == 0:
            s_birth = L
        else:
            s[x - 1] = L / prev_L if prev_L > 0 else 0.0
        prev_L = L
        lx = nxt
    m = -np.log1p(-min(q[100], 1.0 - 1e-12))
    den = m * prev_L + lx
    top = lx / den if den > 0 else 0.0
    s[99] = top
    s[100] = top
    return s_birth


@numba.njit(cache=True)
def _survival_rows(q: np.ndarray, s: np.ndarray, s_birth: np.ndarray) -> None:  # pragma: no cover (compiled)
    """:func:`_row_survival` over rows; row r is male when r is even (the (..., 2, 101) layout)."""
    for r in range(q.shape[0]):
        s_birth[r] = _row_survival(q[r], r % 2 == 0, s[r])


@numba.njit(cache=True)
def _fused_step(tables: np.ndarray, w: np.ndarray, pop: np.ndarray, h: float,
                new: np.ndarray, deaths: np.ndarray, s_birth: np.ndarray) -> None:  # pragma: no cover (compiled)
    """One projection step for rows of 101 ages with the mortality interpolated in place.

    ``tables`` (K, R, 101) log hazards, ``w`` (K,) weights at the step's mid-point; writes the aged
    survivors into ``new`` (R, 101), deaths into ``deaths`` (R,) and ``(L0/l0) ** h`` into ``s_birth``.
    """
    n_tab, n_rows, n_age = tables.shape
    q = np.empty(n_age)
    s = np.empty(n_age)
    for r in range(n_rows):
        for x in range(n_age):
            acc = 0.0
            for k in range(n_tab):
                if w[k] != 0.0:
                    acc += w[k] * tables[k, r, x]
            q[x] = -np.expm1(-np.exp(acc))
        sb = _row_survival(q, r % 2 == 0, s)
        s_birth[r] = sb if h == 1.0 else sb ** h
        dead = 0.0
        for x in range(n_age):
            new[r, x] = 0.0
        for x in range(n_age):
            sx = s[x] if h == 1.0 else s[x] ** h
            surv = pop[r, x] * sx
            dead += pop[r, x] - surv
            new[r, x] += (1.0 - h) * surv
            if x < n_age - 1:
                new[r, x + 1] += h * surv
            else:
                new[r, x] += h * surv
        deaths[r] = dead


def _series_cohorts_final(pop: np.ndarray, early: np.ndarray, qx: np.ndarray, h: float) -> tuple[np.ndarray, np.ndarray]:
    """Cohorts born from a births series (``pop`` by age at the last anniversary, ``early`` the
    share of each cohort's births in its year's first ``h``) carried over the final fraction ``h``
    (see the module docstring); returns persons by age at the end and deaths by sex."""
    with np.errstate(divide="ignore", invalid="ignore"):
        w_early, w_late = early / h, (1.0 - early) / (1.0 - h)
        den = w_early * partial_person_years(qx, 1.0 - h, 1.0) + w_late * partial_person_years(qx, 0.0, 1.0 - h)
        den = np.where(den > 0, den, np.inf)
        stay = pop * w_late * partial_person_years(qx, h, 1.0) / den
        cross = np.zeros_like(pop)
        cross[..., :-1] = pop[..., :-1] * w_early[..., :-1] * partial_person_years(qx, 0.0, h)[..., 1:] / den[..., :-1]
    out = stay.copy()
    out[..., 1:] += cross[..., :-1]
    return out, (pop - stay - cross).sum(-1)


def fast_survival_ratios(qx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`survival_ratios` compiled with numba (identical results; used by the projection)."""
    q = np.ascontiguousarray(qx, dtype=np.float64)
    lead = q.shape[:-1]
    rows = q.reshape(-1, N_AGES)
    s = np.empty_like(rows)
    sb = np.empty(rows.shape[0])
    _survival_rows(rows, s, sb)
    return s.reshape(q.shape), sb.reshape(lead)


def partial_person_years(qx: np.ndarray, u: float, v: float) -> np.ndarray:
    """Person-years ``nL(m; u, v)`` lived between exact ages ``m + u`` and ``m + v`` (``0 <= u <= v
    <= 1``) per birth, for every age ``m`` (radix 1), from ``qx`` (..., 2, 101).

    Within ages 1+ survivorship is linear (the life table's ``ax = 0.5``). Within the first year
    it is ``l1 + d0 (1 - x) ** (1/a0 - 1)`` with the Coale-Demeny ``a0`` by sex, the power shape
    whose infants who die live ``a0`` years on average (linear when ``a0 = 1/2``), so that
    ``nL(0; 0, 1) = l1 + a0 d0 = L0`` as in the life table. An assumption: the tables give
    nothing within the year.
    """
    q = np.asarray(qx, dtype=float)
    lx = np.concatenate([np.ones(q.shape[:-1] + (1,)), np.cumprod(1.0 - q[..., :-1], axis=-1)], axis=-1)
    dx = lx * q
    out = (v - u) * lx - dx * (v * v - u * u) / 2.0
    a0 = np.stack([a0_from_q0(q[..., 0, 0], "male"), a0_from_q0(q[..., 1, 0], "female")], axis=-1)
    out[..., 0] = (v - u) * lx[..., 1] + dx[..., 0] * a0 * ((1.0 - u) ** (1.0 / a0) - (1.0 - v) ** (1.0 / a0))
    return out


def no_mortality(year: float) -> np.ndarray:
    """A mortality schedule in which no one dies (for tests and pure ageing)."""
    return np.zeros((2, N_AGES))


@dataclass(frozen=True)
class Addition:
    """Persons added (or, if negative, removed) at ``date``: migration or a change of territory.

    ``counts`` has shape (2, 101) (male, female by age 0..100+) or a batch (..., 2, 101).
    """

    date: float
    counts: np.ndarray
    label: str = "addition"


@dataclass(frozen=True)
class ProjectionResult:
    """The end population and the components of change of a projection (arrays by sex)."""

    start: float
    end: float
    population: np.ndarray  # (..., 2, 101) persons at ``end``
    base: np.ndarray  # (..., 2, 101) persons at ``start``
    births: np.ndarray  # (..., 2) persons born during the projection
    deaths: np.ndarray  # (..., 2) deaths during the projection (of the base and of births)
    additions: np.ndarray  # (..., 2) persons added
    assumptions: tuple[str, ...] = field(default=())

    def to_frame(self) -> pd.DataFrame:
        """Tidy ``date, sex, age, count`` of the end population (one projection, not a batch)."""
        if self.population.ndim != 2:
            raise DataError("ProjectionResult", f"to_frame needs a single projection; got batch shape {self.population.shape[:-2]}")
        df = pd.DataFrame({
            "date": iso_date(self.end),
            "sex": np.repeat(SEXES, N_AGES),
            "age": np.tile(np.arange(N_AGES), 2),
            "count": self.population.reshape(-1),
        })
        df.attrs["table"] = "projection"
        df.attrs["unit"] = "persons (expected; not rounded)"
        df.attrs["source"] = "; ".join(self.assumptions)
        return df

    def balance(self) -> pd.DataFrame:
        """Per sex: ``start, births, deaths, additions, end`` (persons) of a single projection."""
        return pd.DataFrame({
            "sex": list(SEXES),
            "start": self.base.sum(-1),
            "births": self.births,
            "deaths": self.deaths,
            "additions": self.additions,
            "end": self.population.sum(-1),
        })


def population_array(df: pd.DataFrame, name: str = "base population") -> np.ndarray:
    """Persons by (sex, age 0..100+) from a tidy frame with columns ``sex, age, count``.

    Ages above 100 are added to 100+; missing ages count 0.
    """
    for col in ("sex", "age", "count"):
        if col not in df.columns:
            raise DataError(name, f"missing column {col!r}; expected columns sex, age, count")
    out = np.zeros((2, N_AGES))
    for i, row in enumerate(df.itertuples(index=False)):
        sex, age, count = row.sex, row.age, row.count
        if sex not in SEXES:
            raise DataError(name, f"sex must be 'male' or 'female'; got {sex!r}", row=i)
        if pd.isna(age) or int(age) != age or age < 0:
            raise DataError(name, f"age must be a whole number >= 0; got {age!r}", row=i)
        if pd.isna(count) or not np.isfinite(float(count)) or float(count) < 0:
            raise DataError(name, f"count must be a finite number >= 0; got {count!r}", row=i)
        out[SEXES.index(sex), min(int(age), N_AGES - 1)] += float(count)
    return out


def births_function(series: pd.DataFrame) -> Callable[[float, float], np.ndarray]:
    """Births (2,) by sex during ``[t0, t1)`` from a tidy ``year, sex, count`` series.

    Births are spread evenly within each calendar year; years missing from the series count 0.
    """
    for col in ("year", "sex", "count"):
        if col not in series.columns:
            raise DataError("births", f"missing column {col!r}; expected year, sex, count")
    bad = series[~series["sex"].isin(SEXES) | ~(series["count"].astype(float) >= 0)]
    if len(bad):
        i = bad.index[0]
        raise DataError("births", f"expected sex male/female and count >= 0; got sex={series.loc[i, 'sex']!r}, count={series.loc[i, 'count']!r}", row=int(i))
    table = series.groupby(["year", "sex"])["count"].sum()
    years = np.array(sorted({int(y) for y in series["year"]}))
    rate = np.zeros((2, years.size))
    for j, y in enumerate(years):
        for i, s in enumerate(SEXES):
            rate[i, j] = float(table.get((y, s), 0.0))

    def births_between(t0: float, t1: float) -> np.ndarray:
        """Births (persons, male and female) between decimal years ``t0`` and ``t1``."""
        overlap = np.clip(np.minimum(t1, years + 1.0) - np.maximum(t0, years.astype(float)), 0.0, None)
        return rate @ overlap

    return births_between


#: Steps shorter than this (years; about a day) are absorbed into the previous whole year: the
#: decimal years of the same calendar date one year apart differ from 1 by up to 1/366.
SNAP_YEARS = 0.003


def step_times(start: float, end: float, breaks: Sequence[float] = ()) -> np.ndarray:
    """Step boundaries: whole years from ``start``, then ``end``, and any ``breaks`` inside.

    An ``end`` within :data:`SNAP_YEARS` of a whole number of years from ``start`` counts as that
    whole number (15 Jan 1959 to 15 Jan 1970 is 11 exact cohort shifts).
    """
    n = int(np.floor(end - start + SNAP_YEARS))
    pts = set((start + np.arange(n + 1)).tolist())
    if end > start + n + SNAP_YEARS:
        pts.add(end)
    pts |= {b for b in breaks if start < b < max(pts) - SNAP_YEARS}
    return np.array(sorted(pts))


def _check_pop(pop: np.ndarray, name: str) -> np.ndarray:
    p = np.asarray(pop, dtype=float)
    if p.shape[-2:] != (2, N_AGES):
        raise DataError(name, f"expected persons by sex and age with shape (..., 2, {N_AGES}); got {p.shape}")
    if not np.isfinite(p).all() or (p < 0).any():
        idx = np.argwhere(~np.isfinite(p) | (p < 0))[0]
        raise DataError(name, f"counts must be finite and >= 0; got {float(p[tuple(idx)])!r}",
                        row=f"sex={SEXES[idx[-2]]}, age={idx[-1]}")
    return p


def project_arrays(
    base: np.ndarray,
    start: float,
    end: float,
    qx_at: QxAt,
    *,
    births_between: BirthsBetween | None = None,
    asfr: np.ndarray | None = None,
    additions: Sequence[Addition] = (),
    sex_ratio_at_birth: float = SEX_RATIO_AT_BIRTH,
    assumptions: tuple[str, ...] = (),
) -> ProjectionResult:
    """Project ``base`` (..., 2, 101) from ``start`` to ``end`` (decimal years); see module docstring.

    Births come from ``births_between`` (an explicit series), or from ``asfr`` (births per woman
    per year by single age 0..100, applied to the mean of the women at the start and the
    survivors at the end of each step), or not at all (only the ages reached by the base).
    """
    if not (np.isfinite(start) and np.isfinite(end)) or end < start:
        raise DataError("project", f"end must be a date on or after start; got {iso_date(start)} -> {iso_date(end)}")
    if births_between is not None and asfr is not None:
        raise DataError("project", "give births either as a series or as age-specific fertility, not both")
    if not (isinstance(sex_ratio_at_birth, int | float) and 0.8 <= sex_ratio_at_birth <= 1.2):
        raise DataError("project", f"sex_ratio_at_birth must be males per female in [0.8, 1.2]; got {sex_ratio_at_birth!r}")
    pop = _check_pop(base, "base population").copy()
    base_arr = pop.copy()
    if asfr is not None:
        asfr = np.asarray(asfr, dtype=float)
        if asfr.shape[-1] != N_AGES or (asfr < 0).any() or not np.isfinite(asfr).all():
            raise DataError("asfr", f"expected births per woman per year >= 0 by age 0..100 (shape (..., {N_AGES})); got shape {asfr.shape}")
    adds = sorted(additions, key=lambda a: a.date)
    for a in adds:
        if not (start <= a.date <= end):
            raise DataError("additions", f"{a.label} at {iso_date(a.date)} falls outside the projection {iso_date(start)} -> {iso_date(end)}")
        counts = np.asarray(a.counts, dtype=float)
        if counts.shape[-2:] != (2, N_AGES) or not np.isfinite(counts).all():
            raise DataError("additions", f"{a.label}: expected finite persons by sex and age, shape (..., 2, {N_AGES}); got {counts.shape}")
    batch = pop.shape[:-2]
    births_tot = np.zeros(batch + (2,))
    deaths_tot = np.zeros(batch + (2,))
    adds_tot = np.zeros(batch + (2,))
    male_share = sex_ratio_at_birth / (1.0 + sex_ratio_at_birth)

    def bring_forward(a: Addition, lo: float, hi: float, at_lo: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Addition ``a`` carried from its date to ``hi``, the end of its step ``[lo, hi]`` (whose
        population at ``lo`` is ``at_lo``): persons by age at ``hi``, its deaths by sex on the way,
        and its women's person-years (for births from ``asfr``).

        Persons added are spread evenly within their age at the date: a share ``r = hi - date`` of
        each age has a birthday before ``hi``. Persons removed are taken from the two cohorts that
        make up their age at the date, in proportion to who is there (evenly spread within each
        cohort's age at ``lo``), so that each cohort loses only its own members."""
        counts = np.asarray(a.counts, dtype=float)
        r = max(hi - a.date, 0.0)
        if r == 0.0:
            return counts, np.zeros(counts.shape[:-1]), np.zeros(counts.shape[:-2] + (N_AGES,))
        s, _ = fast_survival_ratios(np.asarray(qx_at(0.5 * (a.date + hi)), dtype=float))
        surv = counts * s ** r
        up = np.full(surv.shape, r)  # share of each age that is one year older at ``hi``
        if (counts < 0).any():
            f = a.date - lo
            # age a at the date: f P[a-1] (birthday passed: no other before hi) and (1-f) P[a] (of
            # whom (hi - date) / (1 - f) have a birthday before hi)
            older = np.zeros_like(at_lo)
            older[..., 1:] = f * at_lo[..., :-1]
            younger = (1.0 - f) * at_lo
            with np.errstate(divide="ignore", invalid="ignore"):
                crossing = np.where(older + younger > 0, younger / np.where(older + younger > 0, older + younger, 1.0),
                                    1.0 - f) * (r / (1.0 - f))
            up = np.where(counts < 0, crossing, up)
        out = (1.0 - up) * surv
        out[..., 1:] += up[..., :-1] * surv[..., :-1]
        out[..., -1] += up[..., -1] * surv[..., -1]
        return out, (counts - surv).sum(-1), r * counts[..., 1, :]

    def mixed_share(share: np.ndarray, pop: np.ndarray, other: float, added: np.ndarray) -> np.ndarray:
        """Share of a kind in cells holding ``pop`` (share ``share``) and ``added`` (share ``other``)."""
        tot = pop + added
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(tot > 0, (share * pop + other * added) / np.where(tot > 0, tot, 1.0), share)

    def add_to(pop: np.ndarray, a: Addition, when: float) -> np.ndarray:
        """``pop`` with ``a`` just added, checked: a removal may not exceed the persons there."""
        if (pop < -1e-6).any():
            idx = np.argwhere(pop < -1e-6)[0]
            raise DataError("additions", f"{a.label} removes more persons than there are",
                            row=f"sex={SEXES[idx[-2]]}, age={idx[-1]} at {iso_date(when)}")
        return np.maximum(pop, 0.0)

    # Interpolated official mortality with one table set per projection: the compiled fused step.
    interp = qx_at if isinstance(qx_at, InterpolatedQx) and qx_at.batch_shape == pop.shape[:-1] else None
    tables = interp.by_table.reshape(interp.by_table.shape[0], -1, N_AGES) if interp is not None else None
    times = step_times(start, end)
    h_last = float(times[-1] - times[-2]) if len(times) > 1 else 1.0
    # cohorts born from a series, followed to a final fraction: ``born`` the share of each cell
    # they make up, ``early`` the share of their year's births in its first h_last
    track = births_between is not None and len(times) > 2 and h_last < 1.0 - 1e-6
    born = np.zeros(pop.shape) if track else None
    early = np.zeros(pop.shape) if track else None
    for a in adds:
        if a.date <= times[0]:  # added at the start: part of the base
            pop = add_to(pop + np.asarray(a.counts, dtype=float), a, start)
            adds_tot = adds_tot + np.asarray(a.counts, dtype=float).sum(-1)
    for j, (t0, t1) in enumerate(zip(times[:-1], times[1:], strict=True)):
        h = t1 - t0
        mid = 0.5 * (t0 + t1)
        last = j == len(times) - 2
        at_t0 = pop
        series_cohorts = pop * born if (last and born is not None) else None
        if series_cohorts is not None:  # projected apart below; the rest evenly spread
            pop = pop - series_cohorts
        if interp is not None and tables is not None:
            rows = np.ascontiguousarray(pop.reshape(-1, N_AGES))
            new_rows, dead_rows, sb_rows = np.empty_like(rows), np.empty(rows.shape[0]), np.empty(rows.shape[0])
            _fused_step(tables, interp.weights(mid), rows, h, new_rows, dead_rows, sb_rows)
            new, deaths, sbh = new_rows.reshape(pop.shape), dead_rows.reshape(batch + (2,)), sb_rows.reshape(batch + (2,))
            survivors = None
        else:
            s, s_birth = fast_survival_ratios(np.asarray(qx_at(mid), dtype=float))
            sh = s if h == 1.0 else s ** h
            sbh = s_birth if h == 1.0 else s_birth ** h
            survivors = pop * sh
            new = (1.0 - h) * survivors
            new[..., 1:] += h * survivors[..., :-1]
            new[..., -1] += h * survivors[..., -1]
            deaths = (pop - survivors).sum(-1)
        if h < 1.0 - 1e-6 and (births_between is not None or asfr is not None):
            # births in a fraction: person-years of their first h years of life
            q_mid = np.asarray(qx_at(mid), dtype=float)
            sbh = np.broadcast_to(partial_person_years(q_mid, 0.0, h)[..., 0] / h, batch + (2,))
            if series_cohorts is not None and early is not None:  # early is tracked with born
                moved, dead = _series_cohorts_final(series_cohorts, early, q_mid, h)
                new = new + moved
                deaths = deaths + dead
        if born is not None and early is not None and not last:  # whole-year step: every cell is the cohort one age below
            born, early = (np.concatenate([np.zeros(x.shape[:-1] + (1,)), x[..., :98], np.zeros(x.shape[:-1] + (2,))],
                                          axis=-1) for x in (born, early))
        # additions dated in (t0, t1], the last step also those within the snapped fraction of a
        # day before ``end``: each brought forward alone to t1, so the step's cohorts stay whole
        added_women_years: float | np.ndarray = 0.0
        for a in adds:
            if t0 < a.date <= (end if last else t1):
                moved, dead, women_years = bring_forward(a, t0, t1, at_t0)
                if born is not None:
                    born = mixed_share(born, new, 0.0, moved)
                new = add_to(new + moved, a, t1)
                deaths = deaths + dead
                adds_tot = adds_tot + np.asarray(a.counts, dtype=float).sum(-1)
                added_women_years = added_women_years + women_years
        if births_between is not None:
            b = np.broadcast_to(np.asarray(births_between(t0, t1), dtype=float), batch + (2,))
        elif asfr is not None:
            if survivors is None:  # fused step: the women's survivors are the unshifted part
                survivors = pop * fast_survival_ratios(np.asarray(qx_at(mid), dtype=float))[0] ** h
            women_years = h * 0.5 * (pop[..., 1, :] + survivors[..., 1, :]) + added_women_years
            total = (asfr * women_years).sum(-1)
            b = np.stack([male_share * total, (1.0 - male_share) * total], axis=-1)
        else:
            b = np.zeros(batch + (2,))
        born_alive = b * sbh
        if born is not None and early is not None and births_between is not None and not last:
            first = np.asarray(births_between(t0, t0 + h_last), dtype=float)
            with np.errstate(divide="ignore", invalid="ignore"):
                early[..., 0] = np.where(b > 0, first / np.where(b > 0, b, 1.0), h_last)
            born[..., 0] = mixed_share(born[..., 0], new[..., 0], 1.0, born_alive)
        new[..., 0] += born_alive
        deaths = deaths + (b - born_alive)
        births_tot = births_tot + b
        deaths_tot = deaths_tot + deaths
        pop = new
    return ProjectionResult(start=start, end=end, population=pop, base=base_arr, births=births_tot,
                            deaths=deaths_tot, additions=adds_tot, assumptions=assumptions)


def project(
    base: pd.DataFrame | np.ndarray,
    start: str | float,
    end: str | float,
    *,
    mortality: QxAt | str | None = "interpolated",
    births: pd.DataFrame | BirthsBetween | None = None,
    asfr: np.ndarray | None = None,
    additions: Sequence[Addition] = (),
    sex_ratio_at_birth: float = SEX_RATIO_AT_BIRTH,
    correction: UnderRegistration | Literal["default"] | None = "default",
    limits: dict[str, float] | None = None,
) -> ProjectionResult:
    """Project a population by single year of age and sex from ``start`` to ``end``.

    A projection longer than the limit ``demog_years`` (:mod:`purgetoll.limits`, 200 years; raise it
    with ``limits``) is refused before it starts.

    Parameters
    ----------
    base:
        Tidy ``sex, age, count`` (persons; ages over 100 go to 100+) or an array (2, 101).
    start, end:
        ISO dates or decimal years.
    mortality:
        ``"interpolated"`` (default: :func:`purgetoll.demography.annual_qx` at each step's
        mid-point, with the under-registration ``correction``), an official period such as
        ``"1958-1959"`` (that table throughout, as printed), ``None`` (no deaths), or a callable
        ``qx_at(year) -> (2, 101)``.
    births:
        A births series (tidy ``year, sex, count``, persons born in each calendar year; see
        :mod:`purgetoll.demography.births`) or a callable ``(t0, t1) -> (2,)``.
    asfr:
        Births per woman per year by age 0..100 (instead of ``births``).
    additions:
        :class:`Addition` records (migration, annexed territories).
    sex_ratio_at_birth:
        Males per female born when births come from ``asfr`` (default 1.05, an assumption).
    correction:
        Passed to :func:`annual_qx` for ``mortality="interpolated"`` (``"default"`` = its default).
    """
    t0, t1 = decimal_year(start), decimal_year(end)
    check("demog_years", t1 - t0, limits, job=f"projection from {start} to {end}",
          advice="project to an earlier date")
    arr = population_array(base) if isinstance(base, pd.DataFrame) else np.asarray(base, dtype=float)
    notes: list[str] = []
    if mortality is None:
        qx_at: QxAt = no_mortality
        notes.append("no mortality")
    elif callable(mortality):
        qx_at = mortality
        notes.append("user-supplied mortality")
    elif mortality == "interpolated":
        corr = DEFAULT_CORRECTION if isinstance(correction, str) else correction
        qx_at = InterpolatedQx(np.stack([
            official_log_hazards(s) if corr is None else
            corrected_log_hazards(official_log_hazards(s), corr.infant_qx_multiplier,
                                  corr.hazard_multiplier_age1plus, tuple(PERIODS.index(p) for p in corr.periods))
            for s in SEXES
        ]))
        notes.append("mortality: official USSR life tables 1926-27, 1938-39, 1958-59 (Goskomstat SSSR 1989) "
                     "interpolated on log hazard between 1927.0, 1939.0, 1959.0")
        notes.append("no under-registration correction" if corr is None else corr.describe())
    elif mortality in PERIODS:
        fixed = np.stack([table_qx(mortality, s) for s in SEXES])

        def qx_at(year: float) -> np.ndarray:
            return fixed

        notes.append(f"mortality: official USSR life table {mortality} as printed (Goskomstat SSSR 1989), held constant")
    else:
        raise DataError("project", f"mortality must be 'interpolated', one of {', '.join(PERIODS)}, None or a callable; got {mortality!r}")
    births_fn = None
    if births is not None:
        births_fn = births_function(births) if isinstance(births, pd.DataFrame) else births
        notes.append("births from the given series")
    elif asfr is not None:
        notes.append(f"births from age-specific fertility; sex ratio at birth {sex_ratio_at_birth:g} (assumption)")
    else:
        notes.append("no births: only the ages reached by people alive at the base")
    notes.append("single-year cohort-component projection in whole-year steps from the start (exact cohort shifts); "
                 "Lexis (even births within each age) for the final fraction and for additions brought forward from their dates; "
                 "cohorts born from a births series placed within their age by their births' timing and the life table's "
                 "survivorship (within the first year the power shape that gives the Coale-Demeny a0: an assumption)")
    return project_arrays(arr, t0, t1, qx_at, births_between=births_fn, asfr=asfr, additions=additions,
                          sex_ratio_at_birth=sex_ratio_at_birth, assumptions=tuple(notes))

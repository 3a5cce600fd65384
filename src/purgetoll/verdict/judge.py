"""The verdict's tables: the implied toll, each scenario judged against it, and the census as read.

The rule (stated in every output, :data:`RULE`): a scenario is **excluded** on a measure (excess
deaths 6 Jan 1937 - 17 Jan 1939 of one sex, all ages or ages 20-59 on 17 Jan 1939) when the joint 95%
interval of *census-implied excess minus the scenario's simulated excess* excludes 0. The joint
draws pair every draw of the error model (with its anchor weight) with every seed's simulated excess
(paired with ``no_terror`` by seed); equal-tailed weighted quantiles, from at least 200 effective
draws. "excluded: too many" means the scenario leaves too many people in 1939 (fewer deaths than the
census implies), "excluded: too few" that it leaves too few (more deaths). From one seed no verdict
is drawn. The archive's documented floor is never judged: where the implied interval lies wholly
below it, the table says the census reading is biased by its baseline assumptions and which of them
(at which value in its range) would close the gap.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from purgetoll.demography.evidence import components
from purgetoll.intervals import (
    MIN_DRAWS_QUANTILE,
    MIN_RUNS,
    Interval,
    quantile_interval,
    spread_interval,
)
from purgetoll.verdict.floor import Floor
from purgetoll.verdict.implied import AGES, CHILDREN, Reading, closers, describe_closers
from purgetoll.verdict.runs import RunRecord
from purgetoll.verdict.simulated import BASELINE, group, label, simulated_excess

__all__ = ["RULE", "implied_table", "verdict_table", "pairs_table", "deficits_table", "census_table", "joint_interval", "verdict_status",
           "survival_table", "anchors_table", "measure_name", "GROUPS_5Y", "COHORTS_10Y"]

SEXES = ("male", "female")
#: 5-year groups of the census table (ADH stops at 85+).
GROUPS_5Y: tuple[tuple[int, int | None], ...] = tuple((a, a + 4) for a in range(0, 85, 5)) + ((85, None),)
#: 10-year groups of age on 6 Jan 1937 for cohort survival (80+ is not followed: open group).
COHORTS_10Y: tuple[tuple[int, int], ...] = tuple((a, a + 9) for a in range(0, 80, 10))
RULE = (
    "A scenario is excluded on a measure (excess deaths 6 Jan 1937 - 17 Jan 1939 of one sex, all ages or ages "
    "20-59 on 17 Jan 1939) when the joint 95% interval of the census-implied excess minus the scenario's "
    "simulated excess excludes 0; the joint draws pair every draw of the error model (weighted by the anchors) "
    "with every seed's simulated excess (the scenario's run against no_terror's of the same seed). 'excluded: "
    "too many' = the scenario leaves too many people in 1939 (fewer deaths than the census implies); 'excluded: "
    "too few' = too few people (more deaths). No verdict is drawn from one seed. The census tells two scenarios "
    "apart on a measure when its verdicts on them differ. The archive's documented floor is not judged: where "
    "the implied interval lies wholly below it, the census reading is biased by its baseline assumptions, and "
    "the table names those that would close the gap."
)


def measure_name(ages: str) -> str:
    return "excess_deaths_all" if ages == "all" else f"excess_deaths_{ages.replace('-', '_')}"


def _drawn_names(reading: Reading) -> list[str]:
    return [c.name for c in components() if reading.draws.model.prior(c.name)[0] != "fixed"]


def depends_on(reading: Reading, x: np.ndarray, *, top: int = 3, threshold: float = 0.2) -> str:
    """The drawn assumptions the implied measure moves with most (weighted correlation), as text."""
    w = reading.weights / reading.weights.sum()
    xm = (w * x).sum()
    sx = np.sqrt((w * (x - xm) ** 2).sum())
    found = []
    for name in _drawn_names(reading):
        y = reading.draws[name]
        ym = (w * y).sum()
        sy = np.sqrt((w * (y - ym) ** 2).sum())
        if sx > 0 and sy > 0:
            r = float((w * (x - xm) * (y - ym)).sum() / (sx * sy))
            if abs(r) >= threshold:
                found.append((abs(r), name, r))
    found.sort(reverse=True)
    return ", ".join(f"{n} (r = {r:+.2f})" for _, n, r in found[:top]) or "no single assumption (|r| < 0.2)"


def _floor_lower(floor: Floor, sex: str) -> tuple[float, float]:
    x = floor.excess[sex]
    return float(np.median(x)), float(np.quantile(x, 0.025))


def implied_table(reading: Reading) -> pd.DataFrame:
    """``implied_excess``: one row per sex and ages (``all``, ``20-59``), with the floor's reading."""
    rows = []
    for sex in SEXES:
        for ages in AGES:
            x = reading.measure(sex, ages)
            i = reading.interval(x)
            floor_mid, floor_lo = _floor_lower(reading.floor, sex)
            if ages != "all":
                vs = "the floor is documented for all ages only"
                closed = ""
            elif not i.exists:
                vs, closed = f"not compared: {i.method}", ""
            elif i.upper < floor_lo:
                vs = ("wholly below the documented floor: the census reading is biased by its baseline assumptions "
                      "(the floor is not in question)")
                closed = describe_closers(closers(reading, sex, "all", floor_lo))
            else:
                vs, closed = "reaches the documented floor", ""
            rows.append({"sex": sex, "ages": ages, "estimate": i.estimate, "lower_95": i.lower, "upper_95": i.upper,
                         "effective_draws": i.n_draws, "documented_floor_excess": floor_mid if ages == "all" else np.nan,
                         "vs_floor": vs, "closed_by": closed, "depends_on": depends_on(reading, x),
                         "interval": i.method})
    df = pd.DataFrame(rows)
    df.attrs["method"] = reading.method()
    return df


def anchors_table(reading: Reading) -> pd.DataFrame:
    """The anchors (:meth:`Reading.anchors`), and for each whose interval excludes its target the assumptions
    that would close it (for the women's, the value of women's excess that meets the median composition)."""
    df = reading.anchors()
    r = float(np.median(reading.floor.deaths["female"] / reading.floor.deaths["male"]))
    closed = []
    for row in df.itertuples():
        if np.isnan(row.lower_95) or row.lower_95 <= 0 <= row.upper_95:
            closed.append("")
            continue
        ages = CHILDREN if row.ages == "0-14" else row.ages
        target = 0.0 if row.sex != "female" or row.ages == "0-14" else \
            r * float(reading.interval(reading.measure("male", row.ages)).estimate)
        closed.append(describe_closers(closers(reading, row.sex, ages, target)))
    df["closed_by"] = closed
    return df


def verdict_status(i: Interval, n_seeds: int) -> str:
    if n_seeds < MIN_RUNS:
        return f"not judged: {n_seeds} run (a verdict needs at least {MIN_RUNS} seeds)"
    if not i.exists:
        return f"not judged: {i.method}"
    if i.lower > 0:
        return "excluded: too many"
    if i.upper < 0:
        return "excluded: too few"
    return "consistent"


def joint_interval(reading: Reading, implied: np.ndarray, sims: np.ndarray) -> Interval:
    """Interval of implied - simulated over every (draw, seed) pair, weights from the draws; none from
    fewer than 2 seeds (one run says nothing of the spread of the mechanism)."""
    diff = (implied[:, None] - sims[None, :]).ravel()
    w = np.repeat(reading.weights, sims.size)
    # the pairs repeat each draw once per seed: the interval needs as many effective draws of the error
    # model as one of the implied toll (not as many pairs)
    i = quantile_interval(diff, w, min_draws=MIN_DRAWS_QUANTILE * sims.size)
    if sims.size < MIN_RUNS:
        return Interval(i.estimate, np.nan, np.nan, i.n_draws, f"no interval: {sims.size} run (a verdict needs at "
                        f"least {MIN_RUNS} seeds)")
    return i


def verdict_table(by_name: dict[str, list[RunRecord]], reading: Reading, adh: Reading) -> pd.DataFrame:
    """``verdict``: each scenario, sex and measure judged by :data:`RULE` against the census and ADH."""
    base = by_name[BASELINE]
    rows = []
    for name, recs in by_name.items():
        excess = simulated_excess(recs, base)
        n = len(excess)
        for s, sex in enumerate(SEXES):
            for ages, (lo, hi) in AGES.items():
                sims = np.array([group(e[s], lo, hi) for e in excess.values()], dtype=float)
                sim_i = spread_interval(sims) if n else None
                implied = reading.measure(sex, ages)
                imp_i = reading.interval(implied)
                diff = joint_interval(reading, implied, sims) if n else None
                vs = verdict_status(diff, n) if diff is not None else "not judged: no paired no_terror run"
                adh_imp = adh.measure(sex, ages)
                adh_diff = joint_interval(adh, adh_imp, sims) if n else None
                vs_adh = verdict_status(adh_diff, n) if adh_diff is not None else vs
                closed = ""
                if vs.startswith("excluded") and sim_i is not None:
                    closed = describe_closers(closers(reading, sex, ages, sim_i.estimate))
                rows.append({
                    "scenario": name, "sex": sex, "measure": measure_name(ages), "ages": ages,
                    "simulated": sim_i.estimate if sim_i else np.nan,
                    "sim_lower_95": sim_i.lower if sim_i else np.nan, "sim_upper_95": sim_i.upper if sim_i else np.nan,
                    "implied": imp_i.estimate, "implied_lower_95": imp_i.lower, "implied_upper_95": imp_i.upper,
                    "difference": diff.estimate if diff else np.nan,
                    "lower_95": diff.lower if diff else np.nan, "upper_95": diff.upper if diff else np.nan,
                    "vs_census": vs, "adh_implied": adh.interval(adh_imp).estimate, "vs_adh": vs_adh,
                    "depends_on": depends_on(reading, implied), "closed_by": closed, "n_seeds": n,
                    "effective_draws": reading.ess,
                })
    return pd.DataFrame(rows)


def _pair(va: str, vb: str) -> tuple[bool | None, str]:
    if va.startswith("not judged") or vb.startswith("not judged"):
        return None, "not judged (too few seeds or draws)"
    if va == vb == "consistent":
        return False, "both consistent with the census"
    if va == vb:
        return False, f"both {va}: the census rejects both without telling them apart"
    if "consistent" in (va, vb):
        return True, "one consistent with the census, the other excluded"
    return True, "excluded on opposite sides of the census"


def pairs_table(verdict: pd.DataFrame) -> pd.DataFrame:
    """Every pair of scenarios by sex and measure: does the census tell them apart (different verdicts)?"""
    rows = []
    for (sex, measure), part in verdict.groupby(["sex", "measure"], sort=False):
        recs = part.to_dict(orient="records")
        for i, a in enumerate(recs):
            for b in recs[i + 1:]:
                apart, why = _pair(a["vs_census"], b["vs_census"])
                rows.append({"sex": sex, "measure": measure, "scenario_a": a["scenario"], "scenario_b": b["scenario"],
                             "census_tells_apart": apart, "why": why})
    return pd.DataFrame(rows, columns=["sex", "measure", "scenario_a", "scenario_b", "census_tells_apart", "why"])


def deficits_table(by_name: dict[str, list[RunRecord]], reading: Reading) -> pd.DataFrame:
    """``deficits``: persons each scenario lacks on 17 Jan 1939 against no_terror (paired by seed), beside
    the excess the census implies (the same quantity, read from the censuses through the error model)."""
    cols = ["scenario", "sex", "measure", "missing", "lower_95", "upper_95", "census_implied", "census_implied_low",
            "census_implied_high"]
    base = by_name[BASELINE]
    names = {"all": "population_1939", "20-59": "population_1939_ages_20_59"}
    rows = []
    for name, recs in by_name.items():
        if name == BASELINE:
            continue
        excess = simulated_excess(recs, base)
        if not excess:
            continue
        for s, sex in enumerate(SEXES):
            for ages, (lo, hi) in AGES.items():
                i = spread_interval([group(e[s], lo, hi) for e in excess.values()])
                imp = reading.interval(reading.measure(sex, ages))
                rows.append({"scenario": name, "sex": sex, "measure": names[ages], "missing": i.estimate,
                             "lower_95": i.lower, "upper_95": i.upper, "census_implied": imp.estimate,
                             "census_implied_low": imp.lower, "census_implied_high": imp.upper})
    return pd.DataFrame(rows, columns=cols)


def _wq(x: np.ndarray, w: np.ndarray) -> Interval:
    return quantile_interval(x, w, min_draws=0)


def census_table(by_name: dict[str, list[RunRecord]], reading: Reading, counted: np.ndarray,
                 adh_1939: np.ndarray) -> pd.DataFrame:
    """``census_1939``: the simulated 1939 population by sex and 5-year group against the census as counted,
    the census corrected through the error model (weighted median and 95% of the draws), the expected
    population without the Terror (the baseline projection) and ADH's 1939."""
    w = reading.weights
    ref = {}
    for s in range(2):
        for lo, hi in GROUPS_5Y:
            ref[(s, lo)] = (_wq(group(reading.observed[:, s], lo, hi), w), _wq(group(reading.expected[:, s], lo, hi), w))
    rows = []
    for name, recs in by_name.items():
        sims = np.stack([r.population_1939 for r in recs])
        for s, sex in enumerate(SEXES):
            for lo, hi in GROUPS_5Y:
                i = spread_interval(group(sims[:, s], lo, hi))
                obs, exp = ref[(s, lo)]
                rows.append({"scenario": name, "sex": sex, "age_group": label(lo, hi), "age": lo, "simulated": i.estimate,
                             "lower_95": i.lower, "upper_95": i.upper, "census_counted": float(group(counted[s], lo, hi)),
                             "census_corrected": obs.estimate, "census_corrected_low": obs.lower,
                             "census_corrected_high": obs.upper, "expected_no_terror": exp.estimate,
                             "adh_1939": float(group(adh_1939[s], lo, hi))})
    df = pd.DataFrame(rows)
    df["simulated_minus_census"] = df["simulated"] - df["census_corrected"]
    df.attrs["unit"] = "persons"
    return df


def _survival(p37: np.ndarray, p39: np.ndarray, lo: int, hi: int | None) -> np.ndarray:
    """Survivors aged lo+2..hi+2 on 17 Jan 1939 per person aged lo..hi on 6 Jan 1937 (hi None: open)."""
    return group(p39, lo + 2, None if hi is None else hi + 2) / group(p37, lo, hi)


def survival_table(by_name: dict[str, list[RunRecord]], reading: Reading, adh_1937: np.ndarray,
                   adh_1939: np.ndarray) -> pd.DataFrame:
    """``survival``: 1937-1939 cohort survival by sex and 10-year group of age in 1937: simulated, the
    censuses as read through the error model (weighted median and 95%), ADH (1 Jan 1937 to 1 Jan 1939)."""
    rows = []
    for name, recs in by_name.items():
        for s, sex in enumerate(SEXES):
            for lo, hi in ((0, None), *COHORTS_10Y):
                i = spread_interval([float(_survival(r.population_1937[s], r.population_1939[s], lo, hi)) for r in recs])
                c = _wq(_survival(reading.start[:, s], reading.observed[:, s], lo, hi), reading.weights)
                rows.append({"scenario": name, "sex": sex, "age_1937": "all" if hi is None else label(lo, hi),
                             "simulated": i.estimate, "lower_95": i.lower, "upper_95": i.upper, "census": c.estimate,
                             "census_low": c.lower, "census_high": c.upper,
                             "adh": float(_survival(adh_1937[s], adh_1939[s], lo, hi))})
    return pd.DataFrame(rows)

"""The censuses' verdict: each scenario's simulated 1939 census against the real one, and which
accounts the censuses exclude or cannot tell apart.

For every scenario, over ``seeds`` runs (:mod:`purgetoll.verdict.runs`):

* **totals**: the headline figures of a terror run (:func:`purgetoll.sim.summaries.totals`:
  arrests, convictions and death sentences by year, executions, camp deaths by year, camp and
  prison populations at the end, women among prisoners, the male share of the dead; 0 persons for
  a scenario without terror modules), every event kind (``events_<kind>``) and the populations,
  in persons for the whole population;
* **targets**: each scenario file's own published figures (``[targets]``) beside the runs;
* **deficits**: persons missing in 1939 against no_terror, paired by seed (common random numbers),
  beside the deficit the census implies against the same baseline;
* **census_1939**: the simulated population of 17 Jan 1939 by sex and 5-year group (0-4 .. 80-84,
  85+) against the census as counted, the census with its padding removed (in proportion to every
  age and sex; ``padding_1939_persons`` of the ``[verdict]`` section, range from Zhiromskaya's
  167.6-167.7M) and ADH's 1 January 1939 in pre-September-1939 borders;
* **survival**: 1937-1939 cohort survival by sex and 10-year group of age in 1937 (those aged
  ``a..a+9`` on 6 Jan 1937 and ``a+2..a+11`` on 17 Jan 1939): simulated, the censuses (1937 with
  the army added back, 1939 corrected), and ADH (1 Jan 1937 to 1 Jan 1939).

Intervals: the 95% Monte Carlo interval over seeds is ``mean +/- 1.96 sd`` of the runs (the spread
of one run, which is what one history is; with one seed it is the run itself). The census's
interval is its correction range (the padding only).

The test (stated in every output): a scenario is **excluded** by a measure when its Monte Carlo
interval lies wholly outside the census range; the census **tells two scenarios apart** when its
verdicts on them differ (one consistent, one excluded; or excluded on opposite sides) and **cannot
tell them apart** when both are consistent or both are excluded on the same side. The comparison with the
census assumes that the model's baseline (life tables with the under-registration correction,
the births series, the army's ages in 1937) is right; the ``no_terror`` row shows how far that
baseline alone sits from the census. The verdict is therefore also taken with each interval
widened by the baseline band (:func:`baseline_factors`: the under-registration correction of
the 1938-39 life table anywhere in its range); a verdict that changes within the band depends on
that assumption (``robust`` false, ``depends_on`` says which). The births series and the army's
ages are not in the band (they move the totals little over two years; stated, not quantified).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from purgetoll.scenarios import Scenario
from purgetoll.verdict.runs import RunRecord, run_many

__all__ = ["Verdict", "compare", "compare_records", "target_measure", "baseline_factors", "TEST_STATEMENT", "GROUPS_5Y", "COHORTS_10Y"]

SEXES = ("male", "female")
Z95 = 1.959963984540054
#: 5-year groups of the comparison (ADH stops at 85+).
GROUPS_5Y: tuple[tuple[int, int | None], ...] = tuple((a, a + 4) for a in range(0, 85, 5)) + ((85, None),)
#: Ages on 17 Jan 1939 of the verdict's working-age measure (inclusive).
WORKING_AGE_1939 = (20, 59)
#: 10-year groups of age on 6 Jan 1937 for cohort survival (80+ is not followed: open group).
COHORTS_10Y: tuple[tuple[int, int], ...] = tuple((a, a + 9) for a in range(0, 80, 10))
TEST_STATEMENT = (
    "A scenario is excluded by a measure when its 95% Monte Carlo interval over seeds (mean +/- 1.96 sd "
    "of the runs) lies wholly outside the census range (the 1939 census with its padding removed, "
    "padding 2.86-2.96M after Zhiromskaya's true total of 167.6-167.7M, spread in proportion to age and "
    "sex: an assumption). The census tells two scenarios apart by a measure when its verdicts on them "
    "differ (one consistent and one excluded, or excluded on opposite sides); it cannot when both are "
    "consistent, or both excluded on the same side. Neither interval includes the uncertainty of the model's baseline "
    "(life tables and their under-registration correction, births, the army's ages in 1937); so each "
    "interval is also widened by the baseline band (the no_terror run's deaths among those alive in 1937 "
    "scaled to the under-registration correction's range, hazard at ages 1+ x 1.0-1.3 against the default "
    "1.146), and a verdict that changes within that band depends on the baseline (robust = false)."
)


@dataclass
class Verdict:
    """The comparison's tables (tidy DataFrames) and the settings that produced them."""

    totals: pd.DataFrame
    census_1939: pd.DataFrame
    survival: pd.DataFrame
    verdict: pd.DataFrame
    pairs: pd.DataFrame
    targets: pd.DataFrame
    deficits: pd.DataFrame
    settings: dict[str, Any] = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"verdict": self.verdict, "deficits": self.deficits, "totals": self.totals, "targets": self.targets,
                "census_1939": self.census_1939, "survival": self.survival, "pairs": self.pairs}

    def to_json(self) -> dict[str, Any]:
        return {"settings": self.settings, "test": TEST_STATEMENT,
                **{k: v.astype(object).where(v.notna(), None).to_dict(orient="records")
                   for k, v in self.tables().items()}}


def compare(names: list[str], *, scale: float = 0.001, seeds: int = 3, first_seed: int = 1,
            start: str | None = None, workers: int | None = None) -> Verdict:
    """Run every scenario (bundled name or path) over ``seeds`` seeds and build the verdict."""
    scenarios = [Scenario.load(n) for n in names]
    records = run_many(scenarios, list(range(first_seed, first_seed + seeds)), scale, start, workers)
    return compare_records(scenarios, records)


# -- references ---------------------------------------------------------------------------------
def _references(scenario: Scenario) -> dict[str, np.ndarray]:
    """Census and ADH arrays (2, 101) and the padding range, for the scenario's settings."""
    from purgetoll.demography import adh_single, census_single
    from purgetoll.sim.start_1937 import initial_1937

    v = scenario.parameters("verdict")
    c39 = census_single(1939)
    total = c39.sum()
    factor = {k: (total - v[f"padding_1939{suffix}_persons"]) / total
              for k, suffix in (("mid", ""), ("low", "_high"), ("high", "_low"))}  # more padding: fewer people
    return {
        "census_1939": c39,
        "census_1939_mid": c39 * factor["mid"], "census_1939_low": c39 * factor["low"],
        "census_1939_high": c39 * factor["high"],
        "census_1937": initial_1937(**scenario.parameters("population")),
        "adh_1939": adh_single(1939, "1938"), "adh_1937": adh_single(1937),
    }


def _group(arr: np.ndarray, lo: int, hi: int | None) -> np.ndarray:
    return arr[..., lo:(hi + 1 if hi is not None else None)].sum(-1)


def _interval(x: np.ndarray) -> tuple[float, float, float]:
    m = float(np.mean(x))
    sd = float(np.std(x, ddof=1)) if len(x) > 1 else 0.0
    return m, m - Z95 * sd, m + Z95 * sd


def _label(lo: int, hi: int | None) -> str:
    return f"{lo}+" if hi is None else f"{lo}-{hi}"


# -- the tables ---------------------------------------------------------------------------------
def compare_records(scenarios: list[Scenario], records: list[RunRecord]) -> Verdict:
    """Build the verdict from finished runs (one or more seeds per scenario)."""
    by_name = {s.name: [r for r in records if r.scenario == s.name] for s in scenarios}
    missing = [n for n, rs in by_name.items() if not rs]
    if missing:
        raise ValueError(f"no runs for scenario(s) {missing}")
    refs = {s.name: _references(s) for s in scenarios}
    totals = _totals(by_name)
    targets = _targets(scenarios, totals)
    census = _census_table(by_name, refs)
    survival = _survival_table(by_name, refs)
    verdict = _verdict_table(by_name, refs)
    pairs = _pairs(verdict)
    deficits = _deficits(by_name, refs)
    first = records[0]
    settings = {"scenarios": list(by_name), "scale": first.scale, "seeds": sorted({r.seed for r in records}),
                "start": first.start, "persons_per_agent": 1 / first.scale,
                "counts": "persons (agents / scale): the whole population whatever the scale",
                "interval": "mean +/- 1.96 sd over seeds", "test": TEST_STATEMENT,
                "scenario_sources": {s.name: s.describe() for s in scenarios}}
    return Verdict(totals, census, survival, verdict, pairs, targets, deficits, settings)


#: Headline figures that are shares, not persons (``purgetoll.sim.summaries.totals``).
SHARE_MEASURES = ("women_share_camp_end", "male_share_of_dead")
#: How a scenario file's ``[targets]`` keys name the headline figures (other keys are used as they are).
_TARGET_RENAMES = (("arrested_", "arrests_"), ("convicted_", "convictions_"), ("gulag_deaths_", "camp_deaths_"),
                   ("executed_", "executions_"), ("population_late_1938", "population_end"))


def target_measure(key: str) -> str:
    """The headline measure a ``[targets]`` key is compared with (``arrested_1937`` -> ``arrests_1937``)."""
    for old, new in _TARGET_RENAMES:
        key = key.replace(old, new)
    return key


def _totals(by_name: dict[str, list[RunRecord]]) -> pd.DataFrame:
    """Headline figures (terror runs; 0 persons for a run without terror modules), event counts, populations."""
    headline_keys = sorted({k for recs in by_name.values() for r in recs for k in r.headline})
    rows = []
    for name, recs in by_name.items():
        def add(measure: str, values: list[float], unit: str, name: str = name, n: int = len(recs)) -> None:
            m, lo, hi = _interval(np.array(values, dtype=float))
            rows.append({"scenario": name, "measure": measure, "value": m, "lower_95": lo, "upper_95": hi,
                         "unit": unit, "n_seeds": n})

        for key in headline_keys:
            share = key in SHARE_MEASURES
            add(key, [r.headline.get(key, np.nan if share else 0.0) for r in recs], "share" if share else "persons")
        for kind in sorted({k for r in recs for k in r.totals}):
            add(f"events_{kind}", [r.totals.get(kind, 0.0) for r in recs], "persons")
        for s, sex in enumerate(SEXES):
            for when, attr in (("1937_01_06", "population_1937"), ("1939_01_17", "population_1939")):
                add(f"population_{when}_{sex}", [getattr(r, attr)[s].sum() for r in recs], "persons")
    return pd.DataFrame(rows, columns=["scenario", "measure", "value", "lower_95", "upper_95", "unit", "n_seeds"])


def _targets(scenarios: list[Scenario], totals: pd.DataFrame) -> pd.DataFrame:
    """Each scenario's own published figures (``[targets]``) beside what the runs gave."""
    rows = []
    t = totals.set_index(["scenario", "measure"])
    for s in scenarios:
        for key, v in s.targets.items():
            measure = target_measure(key)
            hit = (s.name, measure) in t.index
            sim = t.loc[(s.name, measure)] if hit else None
            rows.append({"scenario": s.name, "target": key, "published": float(v.value), "source": v.source,
                         "measure": measure if hit else "", "simulated": sim["value"] if hit else np.nan,
                         "lower_95": sim["lower_95"] if hit else np.nan, "upper_95": sim["upper_95"] if hit else np.nan,
                         "simulated_over_published": sim["value"] / float(v.value) if hit and v.value else np.nan})
    return pd.DataFrame(rows, columns=["scenario", "target", "published", "source", "measure", "simulated",
                                       "lower_95", "upper_95", "simulated_over_published"])


def _census_table(by_name, refs) -> pd.DataFrame:
    rows = []
    for name, recs in by_name.items():
        ref = refs[name]
        sims = np.stack([r.population_1939 for r in recs])
        for s, sex in enumerate(SEXES):
            for lo, hi in GROUPS_5Y:
                m, l95, u95 = _interval(_group(sims[:, s], lo, hi))
                rows.append({
                    "scenario": name, "sex": sex, "age_group": _label(lo, hi), "age": lo, "simulated": m,
                    "lower_95": l95, "upper_95": u95, "census_counted": _group(ref["census_1939"][s], lo, hi),
                    "census_corrected": _group(ref["census_1939_mid"][s], lo, hi),
                    "census_corrected_low": _group(ref["census_1939_low"][s], lo, hi),
                    "census_corrected_high": _group(ref["census_1939_high"][s], lo, hi),
                    "adh_1939": _group(ref["adh_1939"][s], lo, hi),
                })
    df = pd.DataFrame(rows)
    df["simulated_minus_census"] = df["simulated"] - df["census_corrected"]
    df.attrs["unit"] = "persons"
    return df


def _survival(p37: np.ndarray, p39: np.ndarray, lo: int, hi: int | None) -> np.ndarray:
    """Survivors aged lo+2..hi+2 on 17 Jan 1939 per person aged lo..hi on 6 Jan 1937 (hi None: open)."""
    return _group(p39, lo + 2, None if hi is None else hi + 2) / _group(p37, lo, hi)


def _survival_table(by_name, refs) -> pd.DataFrame:
    rows = []
    for name, recs in by_name.items():
        ref = refs[name]
        for s, sex in enumerate(SEXES):
            for lo, hi in ((0, None), *COHORTS_10Y):
                sims = np.array([_survival(r.population_1937[s], r.population_1939[s], lo, hi) for r in recs])
                m, l95, u95 = _interval(sims)
                c = {k: float(_survival(ref["census_1937"][s], ref[f"census_1939_{k}"][s], lo, hi))
                     for k in ("mid", "low", "high")}
                rows.append({
                    "scenario": name, "sex": sex, "age_1937": "all" if hi is None else _label(lo, hi),
                    "simulated": m, "lower_95": l95, "upper_95": u95, "census": c["mid"], "census_low": c["low"],
                    "census_high": c["high"], "adh": float(_survival(ref["adh_1937"][s], ref["adh_1939"][s], lo, hi)),
                })
    return pd.DataFrame(rows)


def _status(lo: float, hi: float, c_lo: float, c_hi: float) -> str:
    if lo > c_hi:
        return "excluded: too many"
    if hi < c_lo:
        return "excluded: too few"
    return "consistent"


def baseline_factors() -> tuple[float, float]:
    """Deaths at ages 1+ under the lowest and highest under-registration correction, per default death.

    The 1938-39 life table's hazard at ages 1+ is multiplied by ``hazard_multiplier_age1plus``
    (default 1.146, plausible range 1.0-1.3: an assumption of :mod:`purgetoll.demography.mortality`);
    over two years deaths are close to proportional to it, so the baseline deaths of a run range
    over ``(1.0 / 1.146, 1.3 / 1.146)`` times those simulated.
    """
    from purgetoll.demography.mortality import DEFAULT_CORRECTION, HAZARD_MULTIPLIER_AGE1PLUS_RANGE

    c = DEFAULT_CORRECTION.hazard_multiplier_age1plus
    lo, hi = HAZARD_MULTIPLIER_AGE1PLUS_RANGE
    return lo / c, hi / c


def _verdict_table(by_name, refs) -> pd.DataFrame:
    """Each scenario, sex and measure against the census range, with and without the baseline's range.

    The baseline band: the deaths of the no_terror run among those alive in 1937 (the scenario's own
    when no_terror is not compared) scaled by :func:`baseline_factors`, added to either side of the
    Monte Carlo interval. A verdict that survives the band is ``robust``.
    """
    r_lo, r_hi = baseline_factors()
    base_runs = by_name.get("no_terror")
    rows = []
    for name, recs in by_name.items():
        ref = refs[name]
        base = base_runs if base_runs is not None else recs
        for s, sex in enumerate(SEXES):
            p37 = float(np.mean([r.population_1937[s].sum() for r in recs]))
            dead_share = 1 - float(np.mean([_survival(r.population_1937[s], r.population_1939[s], 0, None)
                                            for r in base]))  # baseline deaths per person alive in 1937
            p39 = np.array([r.population_1939[s].sum() for r in recs])
            surv = np.array([_survival(r.population_1937[s], r.population_1939[s], 0, None) for r in recs])
            census_surv = sorted(float(_survival(ref["census_1937"][s], ref[k][s], 0, None))
                                 for k in ("census_1939_low", "census_1939_high"))
            # ages 20-59 in 1939 (18-57 in 1937): where the Terror's dead were; the 5-year heaping of the two
            # censuses and the army's assumed ages in 1937 (20-29) both fall inside the band
            lo_a, hi_a = WORKING_AGE_1939
            p39w = np.array([_group(r.population_1939[s], lo_a, hi_a) for r in recs])
            p37w = float(np.mean([_group(r.population_1937[s], lo_a - 2, hi_a - 2) for r in recs]))
            dead_w = 1 - float(np.mean([_survival(r.population_1937[s], r.population_1939[s], lo_a - 2, hi_a - 2)
                                        for r in base]))
            measures = {
                "population_1939": (p39, ref["census_1939_low"][s].sum(), ref["census_1939_high"][s].sum(),
                                    ref["adh_1939"][s].sum(), p37 * dead_share),
                "population_1939_ages_20_59": (p39w, _group(ref["census_1939_low"][s], lo_a, hi_a),
                                               _group(ref["census_1939_high"][s], lo_a, hi_a),
                                               _group(ref["adh_1939"][s], lo_a, hi_a), p37w * dead_w),
                "survival_1937_1939": (surv, *census_surv, float(_survival(ref["adh_1937"][s], ref["adh_1939"][s],
                                                                             0, None)), dead_share),
            }
            for measure, (x, c_lo, c_hi, adh, deaths) in measures.items():
                m, lo, hi = _interval(x)
                b_lo, b_hi = lo - deaths * (r_hi - 1), hi + deaths * (1 - r_lo)  # more deaths: fewer survivors
                plain = _status(lo, hi, c_lo, c_hi)
                wide = _status(b_lo, b_hi, c_lo, c_hi)
                robust = plain == wide
                rows.append({"scenario": name, "sex": sex, "measure": measure, "simulated": m, "lower_95": lo,
                             "upper_95": hi, "census_low": c_lo, "census_high": c_hi, "adh": adh,
                             "vs_census": plain, "vs_adh": _status(lo, hi, adh, adh),
                             "baseline_lower": b_lo, "baseline_upper": b_hi, "vs_census_any_baseline": wide,
                             "robust": robust,
                             "depends_on": ROBUST_NOTE if robust else BASELINE_NOTE, "n_seeds": len(recs)})
    return pd.DataFrame(rows)


ROBUST_NOTE = ("robust to the baseline mortality range; still assumes the 1939 padding spread in proportion to age "
               "and sex, the 1937 census's coverage, the army's ages in 1937 (20-29) and the births series")
BASELINE_NOTE = ("the baseline mortality: with the 1938-39 life table's under-registration correction anywhere in "
                 "its range (hazard at ages 1+ x 1.0-1.3, default 1.146; an assumption) the verdict changes")


def _deficits(by_name, refs) -> pd.DataFrame:
    """Persons missing on 17 Jan 1939 against the no_terror run of the same seed (common random numbers).

    For each scenario, sex and measure (all ages; ages 20-59): ``no_terror - scenario`` per seed
    (paired: same people, same random numbers, so the interval is that of the mechanism alone),
    beside what the census implies, ``no_terror - census``, over the padding range and the baseline
    band (the no_terror run's deaths among those alive in 1937 over the under-registration range).
    Empty when no_terror is not among the scenarios.
    """
    cols = ["scenario", "sex", "measure", "missing", "lower_95", "upper_95", "census_implied_low",
            "census_implied_high", "census_implied_low_any_baseline", "census_implied_high_any_baseline"]
    base = {r.seed: r for r in by_name.get("no_terror", [])}
    if not base:
        return pd.DataFrame(columns=cols)
    r_lo, r_hi = baseline_factors()
    lo_a, hi_a = WORKING_AGE_1939
    groups = {"population_1939": (0, None), "population_1939_ages_20_59": (lo_a, hi_a)}
    rows = []
    for name, recs in by_name.items():
        if name == "no_terror":
            continue
        paired = [(base[r.seed], r) for r in recs if r.seed in base]
        if not paired:
            continue
        ref = refs[name]
        for s, sex in enumerate(SEXES):
            for measure, (a0, a1) in groups.items():
                diffs = np.array([_group(b.population_1939[s], a0, a1) - _group(r.population_1939[s], a0, a1)
                                  for b, r in paired])
                m, l95, u95 = _interval(diffs)
                b39 = float(np.mean([_group(b.population_1939[s], a0, a1) for b, _ in paired]))
                shift = a0 - 2 if a1 is not None else 0
                top = a1 - 2 if a1 is not None else None
                b37 = float(np.mean([_group(b.population_1937[s], shift, top) for b, _ in paired]))
                dead = b37 - float(np.mean([_group(b.population_1939[s], shift + 2, None if top is None else top + 2)
                                            for b, _ in paired]))
                c_hi = b39 - _group(ref["census_1939_low"][s], a0, a1)  # more padding: fewer people, more missing
                c_lo = b39 - _group(ref["census_1939_high"][s], a0, a1)
                rows.append({"scenario": name, "sex": sex, "measure": measure, "missing": m, "lower_95": l95,
                             "upper_95": u95, "census_implied_low": c_lo, "census_implied_high": c_hi,
                             # a baseline with fewer deaths leaves more alive in no_terror: more missing
                             "census_implied_low_any_baseline": c_lo - dead * (r_hi - 1),
                             "census_implied_high_any_baseline": c_hi + dead * (1 - r_lo)})
    return pd.DataFrame(rows, columns=cols)


def _pair(va: str, vb: str) -> tuple[bool, str]:
    if va == vb == "consistent":
        return False, "both consistent with the census"
    if va == vb:
        return False, f"both {va}: the census rejects both without telling them apart"
    if "consistent" in (va, vb):
        return True, "one consistent with the census, the other excluded"
    return True, "excluded on opposite sides of the census"


def _pairs(verdict: pd.DataFrame) -> pd.DataFrame:
    """Every pair of scenarios by sex and measure: does the census tell them apart (different verdicts)?

    Judged on the verdicts as they stand and again on the verdicts over the baseline band
    (``vs_census_any_baseline``); ``robust`` when both judgements agree.
    """
    rows = []
    for (sex, measure), part in verdict.groupby(["sex", "measure"], sort=False):
        recs = part.to_dict(orient="records")
        for i, a in enumerate(recs):
            for b in recs[i + 1:]:
                apart, why = _pair(a["vs_census"], b["vs_census"])
                apart_any, why_any = _pair(a["vs_census_any_baseline"], b["vs_census_any_baseline"])
                rows.append({"sex": sex, "measure": measure, "scenario_a": a["scenario"], "scenario_b": b["scenario"],
                             "census_tells_apart": apart, "why": why, "census_tells_apart_any_baseline": apart_any,
                             "why_any_baseline": why_any, "robust": apart == apart_any})
    return pd.DataFrame(rows, columns=["sex", "measure", "scenario_a", "scenario_b", "census_tells_apart", "why",
                                       "census_tells_apart_any_baseline", "why_any_baseline", "robust"])

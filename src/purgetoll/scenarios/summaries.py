"""One simulation, its summary statistics: the plain function a calibration calls.

:func:`simulate_summaries` runs a scenario (``archival`` by default) in mechanism mode with the given
parameter values and seed at a small scale, and returns the statistics the archive can be compared
with, as one flat ``{name: value}`` dict (persons = agents / scale, shares in [0, 1]). It is
deterministic in ``(scenario, values, seed, scale)`` (keyed random streams): the same call returns
the same dict in any process, so a calibration's particles can run anywhere.

:func:`free_parameters` is the prior: every declared parameter with a ``prior`` range (``Param.prior``)
of the modules a mechanism-mode scenario runs, as ``{"section.key": (low, high)}``.

The statistics (:data:`FIT` for the fit, :data:`HELD_OUT` for the checks held out of it; see
:func:`summaries` for the definitions):

* ``arrests_1937``, ``arrests_1938``, ``arrests_<YYYY-MM>`` (every month of the run),
  ``arrests_1938-07_1938-10`` (July to October 1938: what the NKVD's certificates of 1 Jul and 1 Nov
  1938 differ by);
* ``convictions_<year>``, ``death_sentences_<year>``, ``executions_<year>``;
* Order 00447: ``order_00447_arrests`` and by month ``order_00447_arrests_<YYYY-MM>``,
  ``order_00447_sentenced``, ``order_00447_category1``, ``order_00447_category2``;
* national operations: ``<op>_arrests``, ``<op>_sentenced``, ``<op>_shot`` for polish, german, harbin,
  latvian, greek, finnish, other_national; ``national_operations_arrests``, ``..._sentenced``,
  ``..._shot``, ``national_operations_arrests_1938-07_1938-10``;
* ``wives_arrested_order_00486``; ``gulag_deaths_1937``, ``gulag_deaths_1938``;
  ``camp_population_1938_01_01``, ``camp_population_1939_01_01``;
* held out: the arrested's composition (``arrested_share_rural``, ``..._party``, ``..._women``,
  ``..._age_under_30``, ``..._age_30_55``, ``..._age_over_55``, ``arrested_mean_age``,
  ``arrested_share_social_<group>``, ``arrested_share_nationality_<nationality>``), the share of death
  sentences among sentences (``sentences_death_share``), the Perm throughput (Order 00447's monthly
  rhythm ``order_00447_month_share_<YYYY-MM>``, the workers' share ``order_00447_workers_share_<YYYY-MM>``,
  ``sentenced_by_next_month_share``: sentenced in the month of the arrest or the next), the Military
  Collegium to 30 Sep 1938 (``military_collegium_convicted``, ``military_collegium_shot``), women among
  the shot and in the camps at the end (``women_share_executed``, ``women_share_camp_end``).

Months are those of the run's monthly time points (a run from 6 Jan 1937 has months starting on the
6th): a statistic for "to 1 September 1937" is the sum of the months to 1937-08.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from purgetoll.scenarios.build import build_sim
from purgetoll.scenarios.registry import sections
from purgetoll.scenarios.settings import Scenario
from purgetoll.sim.attributes_tables import NATIONALITIES, SOCIAL_GROUPS
from purgetoll.sim.sources import shared_default_inputs
from purgetoll.sim.summaries import labelled

if TYPE_CHECKING:
    from purgetoll.sim.inputs import DemographyInputs

__all__ = ["simulate_summaries", "loaded_scenario", "summaries", "free_parameters", "FIT", "HELD_OUT", "NATIONAL_OPS",
           "LATE_1938"]

NATIONAL_OPS = ("polish", "german", "harbin", "latvian", "greek", "finnish", "other_national")
_MONTHS = [f"{y}-{m:02d}" for y in (1937, 1938) for m in range(1, 13)]
#: July to October 1938 (months of the run), the span between the NKVD's certificates of 1 Jul and 1 Nov 1938.
LATE_1938 = "1938-07_1938-10"
_LATE_MONTHS = ("1938-07", "1938-08", "1938-09", "1938-10")
#: The statistics a calibration fits (where the archive has a figure; the caller chooses which).
FIT: tuple[str, ...] = (
    "arrests_1937", "arrests_1938", *(f"arrests_{m}" for m in _MONTHS), f"arrests_{LATE_1938}",
    f"national_operations_arrests_{LATE_1938}", "national_operations_arrests",
    "convictions_1937", "convictions_1938", "death_sentences_1937", "death_sentences_1938",
    "executions_1937", "executions_1938",
    "order_00447_arrests", *(f"order_00447_arrests_{m}" for m in _MONTHS), "order_00447_sentenced",
    "order_00447_category1", "order_00447_category2",
    *(f"{op}_{what}" for op in NATIONAL_OPS for what in ("arrests", "sentenced", "shot")),
    "national_operations_sentenced", "national_operations_shot", "wives_arrested_order_00486",
    "gulag_deaths_1937", "gulag_deaths_1938", "camp_population_1938_01_01", "camp_population_1939_01_01",
)
#: The statistics held out of the fit (regional samples, Perm, the Military Collegium, women).
HELD_OUT: tuple[str, ...] = (
    "arrested_share_rural", "arrested_share_party", "arrested_share_women", "arrested_mean_age",
    "arrested_share_age_under_30", "arrested_share_age_30_55", "arrested_share_age_over_55",
    *(f"arrested_share_social_{g}" for g in SOCIAL_GROUPS),
    *(f"arrested_share_nationality_{n}" for n in NATIONALITIES),
    "sentences_death_share", *(f"order_00447_month_share_{m}" for m in _MONTHS),
    *(f"order_00447_workers_share_{m}" for m in _MONTHS), "sentenced_by_next_month_share",
    "military_collegium_convicted", "military_collegium_shot", "women_share_executed", "women_share_camp_end",
)


@lru_cache(maxsize=8)
def loaded_scenario(name: str) -> Scenario:
    """``Scenario.load(name)`` once per process (a bundled name or a path; the scenario is immutable)."""
    return Scenario.load(name)


def free_parameters(scenario: str | Scenario = "archival") -> dict[str, tuple[float, float]]:
    """``{"section.key": (low, high)}``: the declared priors of the modules ``scenario`` runs."""
    sc = loaded_scenario(scenario) if isinstance(scenario, str) else scenario
    return {f"{spec.name}.{p.name}": (float(p.prior[0]), float(p.prior[1]))
            for spec in sc.module_sections() for p in spec.params if p.prior is not None}


def simulate_summaries(values: Mapping[str, float], seed: int, scale: float = 0.001,
                       scenario: str | Scenario = "archival", *, mode: str = "mechanism",
                       base: DemographyInputs | None = None) -> dict[str, float]:
    """Run ``scenario`` with ``values`` (``{"section.key": value}``) and return its summary statistics.

    ``mode`` defaults to mechanism (the calibration's); the run covers the scenario's own dates.
    Deterministic in (scenario, values, seed, scale). About 0.4 s at scale 0.001 once the compiled
    kernels and the bundled inputs are loaded (the first call in a process loads them: a few seconds).
    """
    sc = loaded_scenario(scenario) if isinstance(scenario, str) else scenario
    sc = sc.with_values({**{k: _typed(k, v) for k, v in values.items()}, "terror.mode": mode},
                        source="simulate_summaries")
    sim = build_sim(sc, scale=scale, seed=seed, base=base if base is not None else shared_default_inputs(),
                    snapshot_dates=())
    sim.keep_events = True  # no folder, no files: the events stay in memory
    sim.run(None)
    return summaries(labelled(sim.events.frame()), scale)


def _typed(key: str, value: float) -> float | int:
    """A number as its declaration wants it: integers (months, counts) rounded, the rest as floats."""
    sec, _, name = key.partition(".")
    spec = sections().get(sec)
    p = spec.param(name) if spec is not None else None
    return int(round(float(value))) if p is not None and p.kind == "integer" else float(value)


def summaries(events: pd.DataFrame, scale: float) -> dict[str, float]:
    """The statistics of :data:`FIT` and :data:`HELD_OUT` from a run's terror events (``read_events``)."""
    ev = events
    month = pd.to_datetime(ev["date"]).dt.strftime("%Y-%m").to_numpy()
    year = np.array([m[:4] for m in month])
    kind, op, cat = ev["event"].to_numpy(), ev["operation"].to_numpy(), ev["category"].to_numpy()
    body = ev["body"].to_numpy()
    out: dict[str, float] = {}

    def n(mask: np.ndarray) -> float:
        return float(np.count_nonzero(mask)) / scale

    def share(mask: np.ndarray, of: np.ndarray) -> float:
        d = np.count_nonzero(of)
        return float(np.count_nonzero(mask & of)) / d if d else float("nan")

    arrest, sentence = kind == "arrest", kind == "sentence"
    shot = sentence & (cat == "shooting")
    for y in ("1937", "1938"):
        out[f"arrests_{y}"] = n(arrest & (year == y))
        out[f"convictions_{y}"] = n(sentence & (year == y))
        out[f"death_sentences_{y}"] = n(shot & (year == y))
        out[f"executions_{y}"] = n((kind == "execution") & (year == y))
        out[f"gulag_deaths_{y}"] = n((kind == "camp_death") & (year == y))
    o447 = op == "order_00447"
    for m in _MONTHS:
        out[f"arrests_{m}"] = n(arrest & (month == m))
        out[f"order_00447_arrests_{m}"] = n(arrest & o447 & (month == m))
    out["order_00447_arrests"] = n(arrest & o447)
    out["order_00447_sentenced"] = n(sentence & o447)
    out["order_00447_category1"] = n(shot & o447)
    out["order_00447_category2"] = n(sentence & o447 & (cat == "camp"))
    national = np.isin(op, NATIONAL_OPS)
    for o in NATIONAL_OPS:
        out[f"{o}_arrests"] = n(arrest & (op == o))
        out[f"{o}_sentenced"] = n(sentence & (op == o))
        out[f"{o}_shot"] = n(shot & (op == o))
    late = np.isin(month, _LATE_MONTHS)
    out[f"arrests_{LATE_1938}"] = n(arrest & late)
    out["national_operations_arrests"] = n(arrest & national)
    out[f"national_operations_arrests_{LATE_1938}"] = n(arrest & national & late)
    out["national_operations_sentenced"] = n(sentence & national)
    out["national_operations_shot"] = n(shot & national)
    out["wives_arrested_order_00486"] = n(arrest & (op == "order_00486"))
    into = (kind == "in_camp_at_start") | (kind == "camp_admission")
    outof = (kind == "camp_death") | (kind == "release")
    dates = ev["date"].astype(str).to_numpy()
    for jan1 in (1938, 1939):
        before = dates < f"{jan1}-01-01"
        out[f"camp_population_{jan1}_01_01"] = n(into & before) - n(outof & before)
    # held out: who was arrested
    age = ev["age"].to_numpy().astype(int)
    out["arrested_share_rural"] = share(_is(ev["urban"], False), arrest)
    out["arrested_share_party"] = share(_is(ev["party"], True), arrest)
    out["arrested_share_women"] = share(ev["sex"].to_numpy() == "female", arrest)
    out["arrested_mean_age"] = float(age[arrest].mean()) if arrest.any() else float("nan")
    out["arrested_share_age_under_30"] = share(age < 30, arrest)
    out["arrested_share_age_30_55"] = share((age >= 30) & (age <= 55), arrest)
    out["arrested_share_age_over_55"] = share(age > 55, arrest)
    for g in SOCIAL_GROUPS:
        out[f"arrested_share_social_{g}"] = share(_is(ev["social_group"], g), arrest)
    for label in NATIONALITIES:
        out[f"arrested_share_nationality_{label}"] = share(_is(ev["nationality"], label), arrest)
    out["sentences_death_share"] = share(shot, sentence)
    total_447 = np.count_nonzero(arrest & o447)
    workers = _is(ev["social_group"], "worker")
    for m in _MONTHS:
        this = arrest & o447 & (month == m)
        out[f"order_00447_month_share_{m}"] = np.count_nonzero(this) / total_447 if total_447 else float("nan")
        out[f"order_00447_workers_share_{m}"] = share(workers, this)
    out["sentenced_by_next_month_share"] = _lag_share(ev, arrest, sentence)
    vkvs = sentence & (body == "military_collegium") & (month <= "1938-09")
    out["military_collegium_convicted"] = n(vkvs)
    out["military_collegium_shot"] = n(vkvs & (cat == "shooting"))
    female = ev["sex"].to_numpy() == "female"
    out["women_share_executed"] = share(female, kind == "execution")
    inside = n(into) - n(outof)
    out["women_share_camp_end"] = (n(into & female) - n(outof & female)) / inside if inside else float("nan")
    return out


def _is(column: pd.Series, value: str | bool) -> np.ndarray:
    """Which rows of a labelled or nullable boolean column hold ``value`` (a null holds none)."""
    return column.eq(value).to_numpy(dtype=bool, na_value=False)


def _lag_share(ev: pd.DataFrame, arrest: np.ndarray, sentence: np.ndarray) -> float:
    """Share of the sentenced (arrested in the run) sentenced in the month of the arrest or the next."""
    a = pd.Series(ev["step"].to_numpy()[arrest], index=ev["person_id"].to_numpy()[arrest])
    s = pd.Series(ev["step"].to_numpy()[sentence], index=ev["person_id"].to_numpy()[sentence])
    # someone released and arrested again: the last arrest and the last sentence
    a, s = a[~a.index.duplicated(keep="last")], s[~s.index.duplicated(keep="last")]
    both = s.index.intersection(a.index)
    if not len(both):
        return float("nan")
    lag = s.loc[both].to_numpy() - a.loc[both].to_numpy()
    return float(np.mean(lag <= 1))

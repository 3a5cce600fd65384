"""The simulator the calibration fits: a scenario in mechanism mode, its free parameters set.

:class:`MechanismSimulator` runs ``scenario`` (default ``archival``, its historical inputs: Order
00447's limits as issued, the orders' dates, the halt of November 1938) in mechanism mode with the
calibrated values set as ``SECTION.KEY``, from the scenario's start to its end, its events kept in
memory, as :func:`purgetoll.scenarios.summaries.simulate_summaries` does; it returns that function's
statistics (:func:`~purgetoll.scenarios.summaries.summaries`) together with the calibration's own
(:func:`~purgetoll.calibrate.summaries.run_summaries`: the toll by sex and age, the camps' average
population, the prisons at the new year, the seed's mechanisms), which need the run's state as well as
its events. Each worker process builds the bundled demography inputs once.

**Which parameters** (:data:`CALIBRATED`): seven the archive's statistics inform, moved by the ABC-SMC
kernel (the interrogators' throughput, the pull of the lists, how far Order 00447's limits were raised
and how fast the regions filled them, the month the national operations stopped arresting, the Polish
operation, the camps' death rate), and fourteen drawn afresh from their prior in every generation
(:mod:`purgetoll.calibrate.transitions`), whose uncertainty so reaches every answer: the names per
interrogation, the other national operations, the shooting shares of Order 00447, the national
operations and the others, the category-1 share of the raised limits, the troikas' throughput, the
prisons' places, the camps' overcrowding mortality, non-political admissions and releases of those
inside at the start, the wives' arrests, the arrival hazard the seed's "first three months" is about,
and how often a region that had filled its limit asked for more. The kernel's seven are those whose
posterior spread was at most 0.91 of the prior's in a calibration of 8,597 simulations (the category-1
share, the other shooting share and the releases stayed at 0.97-1.02, uninformed); each parameter the
kernel moves costs effective particles (a posterior of 400 particles kept 130 effective ones with ten).
How fast the limits were filled and when the national operations stopped place the arrests between
1937 and 1938 (the archive's yearly arrests, ``repression_key_totals:arrested_1937`` and
``arrested_1938``, and the certificates' count of July to October 1938). Their prior ranges are the
ones the modules declare (``Param.prior``, :func:`purgetoll.scenarios.summaries.free_parameters`); the
scale (uniform in the value or in its logarithm) is chosen here. Every other parameter keeps its
declared default, listed in the manifest. Only the product interrogators x cases per officer sets the
capacity, so the number of interrogators stays at its default and the cases per officer carry the
capacity.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from purgetoll.calibrate.priors import Prior, check_priors
from purgetoll.calibrate.summaries import run_summaries
from purgetoll.errors import ScenarioError
from purgetoll.params import Param
from purgetoll.scenarios import build_sim
from purgetoll.scenarios.registry import sections
from purgetoll.scenarios.summaries import loaded_scenario, summaries
from purgetoll.sim.sources import shared_default_inputs
from purgetoll.sim.summaries import labelled

__all__ = ["MechanismSimulator", "CALIBRATED", "declared_prior", "default_priors", "declared_param"]

#: The calibrated parameters: ``SECTION.KEY`` -> (the prior's scale, how ABC-SMC proposes it: ``kernel``
#: for the parameters the archive's statistics speak to most directly, ``prior`` for those drawn afresh
#: from their prior in every generation, :mod:`purgetoll.calibrate.transitions`). The range is the
#: module's declared prior.
CALIBRATED: dict[str, tuple[Literal["linear", "log"], str]] = {
    "terror.cases_per_interrogator_per_month": ("log", "kernel"),
    "denunciation.list_arrest_hazard_per_month": ("log", "kernel"),
    "mass_operation.limit_raise_share": ("linear", "kernel"),
    "mass_operation.limit_fill_share_per_month": ("linear", "kernel"),
    "national_operations.arrests_until_yyyymm": ("linear", "kernel"),
    "national_operations.polish_arrests_per_1000_per_month": ("log", "kernel"),
    "gulag.camp_mortality_per_1000_per_year": ("linear", "kernel"),
    "denunciation.names_per_interrogation": ("linear", "prior"),
    "national_operations.other_national_arrests_per_1000_per_month": ("log", "prior"),
    "sentencing.shooting_share_order_00447": ("linear", "prior"),
    "sentencing.shooting_share_national": ("linear", "prior"),
    "sentencing.troika_cases_per_sitting": ("log", "prior"),
    "terror.prison_places_persons": ("log", "prior"),
    "gulag.camp_overcrowding_mortality_factor": ("linear", "prior"),
    "gulag.nonpolitical_admissions_per_month_persons": ("log", "prior"),
    "family_repression.wife_arrest_probability": ("linear", "prior"),
    "gulag.arrival_hazard_multiplier": ("linear", "prior"),
    "mass_operation.limit_request_probability_per_month": ("linear", "prior"),
    "gulag.initial_release_per_1000_per_year": ("linear", "prior"),
    "sentencing.shooting_share_other": ("linear", "prior"),
    "mass_operation.limit_raise_category1_share": ("linear", "prior"),
}


def declared_param(key: str) -> Param:
    """The declaration of ``SECTION.KEY`` (a ScenarioError naming the key and the valid ones if absent)."""
    section, _, name = key.partition(".")
    table = sections()
    if section not in table:
        raise ScenarioError("calibration priors", [f"unknown section {section!r} in {key!r} (sections: "
                                                   f"{', '.join(sorted(table))})"])
    p = table[section].param(name)
    if p is None or name == "enabled":
        raise ScenarioError("calibration priors", [f"[{section}] unknown key {name!r} in {key!r} (valid: "
                                                   f"{', '.join(table[section].valid_keys())})"])
    return p


def declared_prior(key: str) -> tuple[float, float] | None:
    """The prior range a module declares for ``SECTION.KEY`` (``Param.prior``), or None."""
    prior = declared_param(key).prior
    return (float(prior[0]), float(prior[1])) if prior is not None else None


def default_priors(keys: Sequence[str] | None = None) -> list[Prior]:
    """The priors of :data:`CALIBRATED` (or of ``keys`` among them), from the modules' declarations."""
    out = []
    for key in keys if keys is not None else CALIBRATED:
        if key not in CALIBRATED:
            raise ScenarioError("calibration priors", [f"{key!r} has no default prior here; give a Prior for it "
                                                       f"(calibrated by default: {', '.join(CALIBRATED)})"])
        p = declared_param(key)
        declared = declared_prior(key)
        if declared is None:
            raise ScenarioError("calibration priors", [f"{key}: the module declares no prior range (Param.prior)"])
        lo, hi = declared
        scale = CALIBRATED[key][0] if lo > 0 else "linear"
        source = (f"{'assumption: ' if p.assumption else ''}the module's declared prior {lo:g}-{hi:g} ({key}): "
                  f"{p.doc}")
        out.append(Prior(key, lo, hi, scale, p.unit, source))
    return check_priors(out, "calibration priors")


class MechanismSimulator:
    """A scenario in mechanism mode as a calibration simulator (see the module docstring).

    Parameters
    ----------
    scenario:
        A bundled scenario's name or a path to a TOML file.
    priors:
        The calibrated parameters (default :func:`default_priors`).
    fixed:
        Further ``SECTION.KEY`` values set in every run (with the scenario's own).
    """

    name = "mechanism"

    def __init__(self, scenario: str = "archival", priors: Sequence[Prior] | None = None,
                 fixed: Mapping[str, Any] | None = None) -> None:
        self.scenario = scenario
        self._priors = list(priors) if priors is not None else default_priors()
        self.fixed = dict(fixed or {})
        problems = []
        for p in self._priors:
            try:
                declared_param(p.name)
            except ScenarioError as exc:
                problems.extend(exc.problems)
        if problems:
            raise ScenarioError("calibration priors", problems)
        loaded_scenario(scenario)  # a bad name or file fails here, naming it

    def priors(self) -> list[Prior]:
        return list(self._priors)

    def refreshed(self) -> list[str]:
        """The calibrated parameters drawn afresh from their prior in every generation (:data:`CALIBRATED`)."""
        return [p.name for p in self._priors if CALIBRATED.get(p.name, ("", "kernel"))[1] == "prior"]

    def reference_values(self) -> dict[str, float]:
        """The modules' declared defaults of the calibrated parameters (inside their priors)."""
        out = {}
        for p in self._priors:
            d = declared_param(p.name).default
            out[p.name] = float(min(max(float(d), p.low), p.high))
        return out

    def describe(self) -> dict[str, Any]:
        sc = loaded_scenario(self.scenario)
        calibrated = {p.name for p in self._priors}
        fixed_defaults = {}
        for name, spec in sections().items():
            for prm in spec.params:
                key = f"{name}.{prm.name}"
                if prm.assumption and key not in calibrated and "mechanism mode" in prm.doc:
                    fixed_defaults[key] = prm.default
        return {"simulator": "mechanism", "scenario": sc.name, "scenario_file": sc.origin,
                "mode": "mechanism", "fixed": self.fixed, "assumptions_at_defaults": fixed_defaults}

    def values_for(self, values: Mapping[str, float]) -> dict[str, Any]:
        """The ``SECTION.KEY`` values of one run: mechanism mode, the fixed ones, the calibrated ones
        (an integer parameter's value rounded)."""
        out: dict[str, Any] = {"terror.mode": "mechanism", **self.fixed}
        for key, v in values.items():
            out[key] = int(round(v)) if declared_param(key).kind == "integer" else float(v)
        return out

    def __call__(self, values: Mapping[str, float], seed: int, scale: float) -> dict[str, float]:
        sc = loaded_scenario(self.scenario).with_values(self.values_for(values), source="calibration")
        sim = build_sim(sc, scale=scale, seed=seed, base=shared_default_inputs(), snapshot_dates=())
        sim.keep_events = True  # no folder, no files: the events stay in memory
        sim.run(None)
        events = labelled(sim.events.frame())
        return {**run_summaries(sim, events), **summaries(events, scale)}

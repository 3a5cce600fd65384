"""The simulator the calibration fits: a scenario in mechanism mode, its free parameters set.

:class:`MechanismSimulator` runs ``scenario`` (default ``archival``, its historical inputs: Order
00447's limits as issued, the orders' dates, the halt of November 1938) with ``terror.mode =
mechanism`` and the calibrated values set as ``SECTION.KEY`` (:meth:`Scenario.with_values`), from
the scenario's start to its end, and returns :func:`~purgetoll.calibrate.summaries.run_summaries`.
Each worker process builds the bundled demography inputs once.

**Which parameters** (:data:`CALIBRATED`): those the archive can speak to (the interrogators'
throughput, the snowball, the prisons, Order 00447's raised limits, two national operations, the
troikas' throughput, the shooting share of the denounced, the camps' hazards and non-political
admissions) and the one the seed's "first three months" is about (the arrival hazard). Their prior
ranges are the ones the modules declare (the ``prior LOW-HIGH`` of each parameter's doc, read by
:func:`declared_prior`), or, where a module gives only a valid range, the range stated here as an
assumption. Every other parameter keeps its declared default, listed in the manifest. Only the
product interrogators x cases per officer sets the capacity, so the number of interrogators stays at
its default and the cases per officer carry the capacity.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from purgetoll.calibrate.priors import Prior, check_priors
from purgetoll.calibrate.summaries import run_summaries
from purgetoll.errors import ScenarioError
from purgetoll.params import Param
from purgetoll.scenarios import Scenario, build_sim
from purgetoll.scenarios.registry import sections
from purgetoll.sim.summaries import read_events

__all__ = ["MechanismSimulator", "CALIBRATED", "declared_prior", "default_priors", "declared_param"]

#: The calibrated parameters: ``SECTION.KEY`` -> (prior scale, the range where the module declares
#: no prior, with why).
CALIBRATED: dict[str, tuple[str, tuple[float, float, str] | None]] = {
    "terror.cases_per_interrogator_per_month": ("log", None),
    "denunciation.names_per_interrogation": ("linear", (0.5, 8.0, "assumption: within the declared range 0-10; "
                                                                 "no bundled source")),
    "denunciation.list_arrest_hazard_per_month": ("log", None),
    "terror.prison_places_persons": ("log", None),
    "mass_operation.limit_raise_share": ("linear", None),
    "mass_operation.limit_raise_category1_share": ("linear", None),
    "national_operations.polish_arrests_per_1000_per_month": ("linear", None),
    "national_operations.other_national_arrests_per_1000_per_month": ("linear", None),
    "sentencing.troika_cases_per_sitting": ("log", None),
    "sentencing.shooting_share_other": ("linear", (0.0, 0.5, "assumption: the module's stated range 0-0.5")),
    "gulag.camp_mortality_per_1000_per_year": ("linear", None),
    "gulag.camp_overcrowding_mortality_factor": ("linear", None),
    "gulag.nonpolitical_admissions_per_month_persons": ("log", None),
    "gulag.arrival_hazard_multiplier": ("linear", (1.0, 5.0, "assumption: the module's stated range 1-5; no "
                                                             "bundled table gives deaths by time since arrival")),
}
_PRIOR = re.compile(r"prior ([0-9][0-9.,]*)\s*-\s*([0-9][0-9.,]*)")


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
    """The ``prior LOW-HIGH`` range a module's declaration states for ``SECTION.KEY``, or None."""
    m = _PRIOR.search(declared_param(key).doc)
    if m is None:
        return None
    return float(m.group(1).replace(",", "")), float(m.group(2).replace(",", ""))


def default_priors(keys: Sequence[str] | None = None) -> list[Prior]:
    """The priors of :data:`CALIBRATED` (or of ``keys`` among them), from the modules' declarations."""
    out = []
    for key in keys if keys is not None else CALIBRATED:
        if key not in CALIBRATED:
            raise ScenarioError("calibration priors", [f"{key!r} has no default prior here; give a Prior for it "
                                                       f"(calibrated by default: {', '.join(CALIBRATED)})"])
        scale, fallback = CALIBRATED[key]
        p = declared_param(key)
        declared = declared_prior(key)
        if declared is not None:
            lo, hi = declared
            source = f"the module's declared prior {lo:g}-{hi:g} ({key}): {p.doc}"
        elif fallback is not None:
            lo, hi, why = fallback
            source = f"{why} ({key}): {p.doc}"
        else:
            raise ScenarioError("calibration priors", [f"{key}: the module declares no prior range"])
        if scale == "log" and lo <= 0:
            scale = "linear"
        out.append(Prior(key, lo, hi, scale, p.unit, source if "assumption" in source.lower() else source))
    return check_priors(out, "calibration priors")


@lru_cache(maxsize=1)
def _base_inputs() -> Any:
    from purgetoll.sim.sources import default_inputs

    return default_inputs()


@lru_cache(maxsize=8)
def _scenario(name: str) -> Scenario:
    return Scenario.load(name)


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
        _scenario(scenario)  # a bad name or file fails here, naming it

    def priors(self) -> list[Prior]:
        return list(self._priors)

    def reference_values(self) -> dict[str, float]:
        """The modules' declared defaults of the calibrated parameters (inside their priors)."""
        out = {}
        for p in self._priors:
            d = declared_param(p.name).default
            out[p.name] = float(min(max(float(d), p.low), p.high))
        return out

    def describe(self) -> dict[str, Any]:
        sc = _scenario(self.scenario)
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
        sc = _scenario(self.scenario).with_values(self.values_for(values), source="calibration")
        sim = build_sim(sc, scale=scale, seed=seed, base=_base_inputs())
        with tempfile.TemporaryDirectory(prefix="purgetoll-calibrate-run-") as tmp:
            sim.run(tmp)
            events = read_events(tmp)
        return run_summaries(sim, events)

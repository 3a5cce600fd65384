"""What the calibration needs of a simulator, and the model pyabc calls.

A simulator is any callable ``simulator(values, seed, scale) -> {summary name: value}``
(deterministic in its arguments; values in persons, shares or months for the whole population
whatever the scale) with three methods: ``priors()`` (the default :class:`~purgetoll.calibrate.priors.Prior`
list), ``reference_values()`` (where the Monte Carlo noise is measured) and ``describe()`` (a
JSON-able dict for the manifest). :class:`~purgetoll.calibrate.toy.ToyMachine` is one;
:class:`~purgetoll.calibrate.mechanism.MechanismSimulator` runs a scenario in mechanism mode.

:class:`Model` turns a simulator into what pyabc calls: pyabc's internal parameter in, the fitted
summaries out, the simulation's seed read from the current task's key
(:func:`~purgetoll.calibrate.sampler.current_simulation_seed`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from purgetoll.calibrate.priors import Prior, to_values
from purgetoll.calibrate.sampler import current_simulation_seed
from purgetoll.errors import PurgetollError

__all__ = ["Simulator", "Model", "SimulationError", "run_checked"]


class Simulator(Protocol):
    """The calibration's view of a simulator (see the module docstring)."""

    name: str

    def __call__(self, values: Mapping[str, float], seed: int, scale: float) -> Mapping[str, float]: ...

    def priors(self) -> list[Prior]: ...

    def reference_values(self) -> dict[str, float]: ...

    def describe(self) -> dict[str, Any]: ...


class SimulationError(PurgetollError, RuntimeError):
    """A simulation failed or returned what the calibration cannot use; says which values and seed."""


def run_checked(simulator: Simulator, values: Mapping[str, float], seed: int, scale: float,
                names: Sequence[str], optional: Sequence[str] = ()) -> dict[str, float]:
    """Run once and keep ``names`` (and those of ``optional`` the simulator returns) as floats; a
    failure or a missing summary of ``names`` is a SimulationError naming the values, seed and key."""
    try:
        out = simulator(values, seed, scale)
    except Exception as exc:  # noqa: BLE001 - re-raised with the run's coordinates
        raise SimulationError(f"the simulation failed at values {dict(values)}, seed {seed}, scale {scale}: "
                              f"{type(exc).__name__}: {exc}") from exc
    missing = [n for n in names if n not in out]
    if missing:
        raise SimulationError(f"the simulator returned no {missing} (it returned {sorted(out)}); remove these "
                              "statistics or use a simulator that produces them")
    return {n: float(out[n]) for n in (*names, *optional) if n in out}


class Model:
    """pyabc's model: internal parameter -> the fitted summaries of one keyed simulation."""

    def __init__(self, simulator: Simulator, priors: Sequence[Prior], scale: float, names: Sequence[str]) -> None:
        self.simulator = simulator
        self.priors = list(priors)
        self.scale = float(scale)
        self.names = list(names)

    def __call__(self, parameter: Mapping[str, float]) -> dict[str, float]:
        values = to_values(self.priors, parameter)
        return run_checked(self.simulator, values, current_simulation_seed(), self.scale, self.names)

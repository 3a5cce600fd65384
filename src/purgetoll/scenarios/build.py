"""The simulation of a scenario: its starting census, the shared attributes, its mechanisms.

Modules, in this order: ``territory`` and ``demography`` (always), then every enabled module
section of the scenario in plan order (``attributes`` first: it runs in every scenario unless
disabled), each built as ``Cls(**scenario.parameters(name))``.
"""

from __future__ import annotations

from purgetoll.scenarios.settings import Scenario
from purgetoll.sim.inputs import DemographyInputs
from purgetoll.sim.loop import Sim, SimSettings

__all__ = ["build_sim", "scenario_inputs"]


def scenario_inputs(scenario: Scenario, base: DemographyInputs | None = None) -> DemographyInputs:
    """Demography inputs at the scenario's start census with its ``[population]`` values."""
    from purgetoll.sim.start_1937 import start_inputs

    return start_inputs(scenario.start, base, **scenario.parameters("population"))


def build_sim(scenario: Scenario, *, scale: float, seed: int, base: DemographyInputs | None = None,
              write_events: bool = True, snapshot_dates: tuple[str, ...] | None = None) -> Sim:
    """A :class:`~purgetoll.sim.Sim` running ``scenario`` from its start to its end date.

    ``base`` (mortality, births, annexations) defaults to the bundled data; pass it to reuse one
    across runs (it takes a few seconds to build).
    """
    from purgetoll.sim.modules import Demography, Territory

    inputs = scenario_inputs(scenario, base)
    settings = SimSettings(start=scenario.start, end=scenario.end, scale=scale, seed=seed,
                           scenario=scenario.name, write_events=write_events, snapshot_dates=snapshot_dates)
    modules = [Territory(inputs), Demography(inputs)]
    for spec in scenario.module_sections():
        modules.append(spec.module_class(**scenario.parameters(spec.name)))
    return Sim(settings, modules)

"""The simulation of a scenario: its starting census, the shared attributes, its mechanisms.

Modules, in this order: ``territory`` and ``demography`` (always), then every enabled module
section of the scenario in plan order (``attributes`` first: it runs in every scenario unless
disabled), each built as ``Cls(**scenario.parameters(name))``.
"""

from __future__ import annotations

from purgetoll.scenarios.settings import Scenario
from purgetoll.sim.inputs import DemographyInputs
from purgetoll.sim.loop import Sim, SimSettings
from purgetoll.sim.modules import Demography, Territory
from purgetoll.sim.start_1937 import start_inputs

__all__ = ["build_sim", "scenario_inputs", "ScenarioSim"]


class ScenarioSim(Sim):
    """A :class:`~purgetoll.sim.Sim` whose manifest also carries the scenario file: every value set, its
    citation, the file's own published figures (``[targets]``), and the declared parameters left at
    their defaults with their sources or assumptions."""

    def __init__(self, settings: SimSettings, modules: list, scenario: Scenario) -> None:
        super().__init__(settings, modules)
        self.scenario = scenario

    def manifest(self) -> dict:
        out = super().manifest()
        out["scenario_file"] = self.scenario.describe()
        out["scenario_citations"] = self.scenario.citations().to_dict(orient="records")
        return out


def scenario_inputs(scenario: Scenario, base: DemographyInputs | None = None) -> DemographyInputs:
    """Demography inputs at the scenario's start census with its ``[population]`` values."""
    return start_inputs(scenario.start, base, **scenario.parameters("population"))


def build_sim(scenario: Scenario, *, scale: float, seed: int, base: DemographyInputs | None = None,
              write_events: bool = True, snapshot_dates: tuple[str, ...] | None = None,
              mode: str | None = None, past_data: bool = False) -> ScenarioSim:
    """A :class:`~purgetoll.sim.Sim` running ``scenario`` from its start to its end date.

    ``base`` (mortality, births, annexations) defaults to the bundled data; pass it to reuse one
    across runs (it takes a few seconds to build). ``mode`` (``"position"`` or ``"mechanism"``)
    replaces the scenario's ``terror.mode``. ``past_data`` lets the run end past the data of its
    inputs (:mod:`purgetoll.sim.coverage`).
    """
    if mode is not None and scenario.enabled("terror"):  # a scenario without the terror has no mode to set
        scenario = scenario.with_values({"terror.mode": mode})
    inputs = scenario_inputs(scenario, base)
    settings = SimSettings(start=scenario.start, end=scenario.end, scale=scale, seed=seed,
                           scenario=scenario.name, write_events=write_events, snapshot_dates=snapshot_dates,
                           past_data=past_data)
    modules = [Territory(inputs), Demography(inputs)]
    for spec in scenario.module_sections():
        if spec.module_class is not None:  # module_sections() holds only module sections
            modules.append(spec.module_class(**scenario.parameters(spec.name)))
    return ScenarioSim(settings, modules, scenario)

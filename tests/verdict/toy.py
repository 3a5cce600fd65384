"""A tiny test-only mechanism and scenario: it kills a given number of men aged 20-59 in September 1937."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from purgetoll.scenarios import Param, Scenario, sections
from purgetoll.scenarios.registry import sections_of
from purgetoll.sim import Module, rng

KILL_STEP = 8  # 1937-09-06 from a start on 1937-01-06


class ToyPurge(Module):
    """Kills ``killed_persons`` men aged 20-59 (expected, in persons) in one month; logs ``purge_death``."""

    name: ClassVar[str] = "toy_purge"
    event_kinds: ClassVar[tuple[str, ...]] = ("purge_death",)
    steps: ClassVar[tuple[str, ...]] = ("purge",)
    parameter_specs: ClassVar[tuple[Param, ...]] = (
        Param("killed_persons", 300_000, "persons", "test parameter", low=0, high=10_000_000),
    )

    def purge(self, sim, step):
        """Kill the month's share of men 20-59."""
        if step != KILL_STEP:
            return
        p = sim.people
        age = sim.ages(p["birth_month"], step)
        pool = np.flatnonzero(p["alive"] & (p["sex"] == 0) & (age >= 20) & (age <= 59))
        prob = self.values["killed_persons"] * sim.settings.scale / len(pool)
        hit = pool[rng.uniform(sim.settings.seed, "toy_purge.kill", step, p["person_id"][pool]) < prob]
        p["alive"][hit] = False
        sim.events.log(step, "purge_death", p["person_id"][hit], p["sex"][hit], age[hit])


SPECS = {**sections(), **sections_of([ToyPurge])}


def toy_scenario(killed: float = 300_000, name: str = "toy_purge") -> Scenario:
    return Scenario.from_dict({
        "scenario": {"name": name, "title": "Toy purge (test only)"},
        "toy_purge": {"killed_persons": {"value": killed, "source": "test"}},
    }, specs=SPECS)


def no_terror() -> Scenario:
    s = Scenario.load("no_terror")
    return Scenario.from_dict({"scenario": {"name": "no_terror", "title": s.title},
                               "population": {k: {"value": v.value, "source": v.source}
                                              for k, v in s.values["population"].items()}}, specs=SPECS)

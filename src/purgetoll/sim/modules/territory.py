"""Territory: people who join the population when the borders move (the 1939-40 annexations).

Each annexation is a group of ``inputs.annexations`` (date, label, counts by sex and completed age
at that date). At the step whose time point is nearest the date, its people are synthesised like
the starting population (decisions ``territory.<label>.count`` / ``territory.<label>.birth_month``
at that step), their deaths are drawn by the demography module, and each gets an ``annexed``
event. The ages and the timing come from the inputs; see ``purgetoll.sim.sources`` for how the real
run derives them and which parts are assumptions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from purgetoll.sim.calendar import parse_date, time_point_of
from purgetoll.sim.inputs import DemographyInputs
from purgetoll.sim.modules.base import Module
from purgetoll.sim.synthesis import add_cohorts

if TYPE_CHECKING:
    from purgetoll.sim.loop import Sim

__all__ = ["Territory"]


class Territory(Module):
    """Adds annexed populations at their dates; needs the ``demography`` module before it."""

    name: ClassVar[str] = "territory"
    event_meanings: ClassVar[dict[str, str]] = {
        "annexed": "joined the population with a territory annexed during the run (the annexations of 1939-40)"}
    event_kinds: ClassVar[tuple[str, ...]] = tuple(event_meanings)
    steps: ClassVar[tuple[str, ...]] = ("annex",)

    def __init__(self, inputs: DemographyInputs) -> None:
        super().__init__()
        self.groups = inputs.annexation_groups()

    def parameters(self) -> dict[str, Any]:
        return {"annexations": [{"date": d, "label": lab, "persons": float(c.sum())} for d, lab, c in self.groups]}

    def _steps(self, sim: Sim) -> list[int]:
        return [time_point_of(sim.start, parse_date(d, "annexations")) for d, _, _ in self.groups]

    def capacity(self, sim: Sim) -> int:
        return int(sum(c.sum() for _, _, c in self.groups) * sim.settings.scale + 202 * len(self.groups))

    def annex(self, sim: Sim, step: int) -> None:
        """Add every annexation dated to this month."""
        demography = sim.module("demography")
        for (_, label, counts), k in zip(self.groups, self._steps(sim), strict=True):
            if k != step:
                continue
            slots = add_cohorts(sim.people, counts, scale=sim.settings.scale, seed=sim.settings.seed,
                                month=sim.month(step), step=step, decision=f"territory.{label}")
            demography.enter(sim, slots, step)
            people = sim.people
            sim.events.log(step, "annexed", people["person_id"][slots], people["sex"][slots],
                           sim.ages(people["birth_month"][slots], step))

    def annexed_before(self, sim: Sim, step: int) -> np.ndarray:
        """Indices of the groups added before time point ``step`` (for expectations)."""
        return np.array([i for i, k in enumerate(self._steps(sim)) if k < step], dtype=np.int64)

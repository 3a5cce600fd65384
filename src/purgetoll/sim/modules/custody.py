"""Mechanism mode's shared machinery: the interrogators' capacity and the prisons (used by ``terror``).

**Capacity.** Every arrest opens a case an NKVD officer must take on. A month's capacity is
``interrogators_persons`` x ``cases_per_interrogator_per_month`` (persons x scale, in agents), less
the share of the NKVD's own staff arrested so far (the purge of the NKVD empties the offices), and
nothing while the prisons hold more than ``prison_max_occupancy_ratio`` times their places. At the
start of each month every operation module says how many it wants to arrest (its ``demand(sim,
step)``: the remaining limits of Order 00447, the hazards of the national operations and elite
purges, the lists of the snowball); when the demands together exceed the capacity each gets the
same share of its demand, and what it could not arrest stays in its own backlog (limits not yet
filled, names still on the lists). :meth:`Machinery.take` hands each module its whole number of
agents (a running carry, so no fraction is lost, started at a keyed uniform draw,
:func:`start_carry`: started at 0 every flow would be half an agent short on average, 500 persons at
scale 0.001 and 50 at 0.01, a share of the small flows, the NKVD's and the army's purges, that would
depend on the scale).

**Prisons.** Everyone in custody (awaiting sentence, awaiting execution, in transit to a camp) dies,
beyond the life table, at ``prison_mortality_per_1000_per_year`` x (1 + ``prison_overcrowding_
mortality_factor`` x (occupancy / places - 1) when over the places): the overcrowding of 1937-38
raises it. A death in custody is logged as ``death_in_custody`` (also for those who died of the
life table while held).

Random decision: ``terror.custody.death`` (step, person id).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from purgetoll.sim import rng

if TYPE_CHECKING:
    from purgetoll.sim.loop import Sim

__all__ = ["Machinery", "DEMANDING_MODULES", "start_carry"]

#: Modules that arrest within the capacity, in the order their demands are asked for.
DEMANDING_MODULES: tuple[str, ...] = ("elite_purges", "mass_operation", "national_operations", "denunciation")
_NKVD_BIT = 4  # attributes.NKVD_STAFF


def start_carry(seed: int, flow: str) -> float:
    """The starting carry of ``flow`` (a keyed uniform in (0, 1); decision ``terror.carry.<flow>``).

    A flow of persons handed out as whole agents, each month ``floor`` of what is due plus the carry,
    delivers ``floor(target + start)`` in all. Started at 0 it would be half an agent short on average:
    500 persons at scale 0.001 against 50 at 0.01, which for a small flow (the NKVD's purge asks about
    0.1 agent a month at 0.001) is a share of the flow that depends on the scale. Started at a uniform
    draw it delivers the target on average, at every scale and for every parameter value.
    """
    return rng.uniform_scalar(seed, rng.decision_key(f"terror.carry.{flow}"), 0, 0)


class Machinery:
    """Capacity ledger and prisons of one run (state of the ``terror`` module in mechanism mode)."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self.v = values
        self.staff_at_start = 0  # NKVD staff agents at the start
        self.staff_arrested = 0
        self.monthly: list[dict[str, float]] = []
        self._allow: dict[str, float] = {}
        self.granted: dict[str, float] = {}  # each module's share of this month's capacity (agents, fractional)
        self._carry: dict[str, float] = {}
        self._seed = 0  # the run's seed (the carries' starting draws), set each month

    def state_dict(self) -> dict[str, Any]:
        return {"staff_at_start": self.staff_at_start, "staff_arrested": self.staff_arrested,
                "monthly": self.monthly, "carry": self._carry}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.staff_at_start, self.staff_arrested = int(state["staff_at_start"]), int(state["staff_arrested"])
        self.monthly, self._carry = list(state["monthly"]), dict(state["carry"])

    def setup(self, sim: Sim) -> None:
        p = sim.people
        if "roles" in p.columns:
            self.staff_at_start = int(np.count_nonzero(p["alive"] & ((p["roles"] & _NKVD_BIT) != 0)))

    def arrested(self, sim: Sim, slots: np.ndarray) -> None:
        """Count the NKVD staff among the newly arrested (they stop investigating)."""
        p = sim.people
        if "roles" in p.columns and slots.size:
            self.staff_arrested += int(np.count_nonzero((p["roles"][slots] & _NKVD_BIT) != 0))

    def capacity_agents(self, sim: Sim) -> float:
        """Cases the interrogators can open this month (agents)."""
        free = 1.0 - self.staff_arrested / self.staff_at_start if self.staff_at_start else 1.0
        return (float(self.v["interrogators_persons"]) * float(self.v["cases_per_interrogator_per_month"])
                * max(free, 0.0) * sim.settings.scale)

    def custody_slots(self, sim: Sim, terror: Any) -> np.ndarray:
        """Slots of everyone in custody: awaiting sentence (terror's queue) and, with the mechanism of
        ``sentencing``, awaiting execution or transport."""
        parts = [terror.queue_slots]
        sentencing = sim.modules.get("sentencing")
        if sentencing is not None and hasattr(sentencing, "custody_slots"):
            parts.append(sentencing.custody_slots())
        return np.concatenate(parts) if len(parts) > 1 else parts[0]

    def month(self, sim: Sim, step: int, terror: Any) -> None:
        """Deaths in custody (life table and overcrowding), then the month's capacity shared out."""
        p, scale = sim.people, sim.settings.scale
        self._seed = int(sim.settings.seed)
        slots = self.custody_slots(sim, terror)
        places = float(self.v["prison_places_persons"]) * scale
        # the dead of the life table (demography ran before us) are logged as deaths in custody
        gone = slots[~p["alive"][slots]]
        if gone.size:
            sim.events.log(step, "death_in_custody", p["person_id"][gone], p["sex"][gone],
                           sim.ages(p["birth_month"][gone], step), operation=p["t_operation"][gone],
                           **terror.who(sim, gone))
        living = slots[p["alive"][slots]]
        occupancy = living.size / places if places > 0 else 0.0
        rate = float(self.v["prison_mortality_per_1000_per_year"]) * (
            1.0 + float(self.v["prison_overcrowding_mortality_factor"]) * max(occupancy - 1.0, 0.0))
        prob = -np.expm1(-rate / 1000.0 / 12.0)
        died = 0
        if prob > 0 and living.size:
            u = rng.uniform(sim.settings.seed, "terror.custody.death", step, p["person_id"][living])
            dead = np.sort(living[u < prob])
            died = int(dead.size)
            if died:
                sim.module("demography").kill(sim, dead, step, "death_in_custody",
                                              operation=p["t_operation"][dead], **terror.who(sim, dead))
        if gone.size or died:
            self._drop_dead(sim, terror)
        held = living.size - died
        room = float(self.v["prison_max_occupancy_ratio"]) * places - held
        capacity = self.capacity_agents(sim)
        available = max(0.0, min(capacity, room))
        demands = {}
        for name in DEMANDING_MODULES:
            m = sim.modules.get(name)
            if m is not None and hasattr(m, "demand"):
                demands[name] = max(float(m.demand(sim, step)), 0.0)
        total = sum(demands.values())
        share = 1.0 if total <= available else available / total
        self._allow = {name: d * share for name, d in demands.items()}
        self.granted = dict(self._allow)
        self.monthly.append({"step": step, "capacity_persons": capacity / scale, "room_persons": max(room, 0.0) / scale,
                             "demand_persons": total / scale, "granted_share": share,
                             "in_custody_persons": held / scale, "occupancy_of_places": occupancy,
                             "custody_deaths_persons": (gone.size + died) / scale,
                             **{f"demand_{k}_persons": d / scale for k, d in demands.items()}})

    def take(self, module: str) -> int:
        """Whole agents ``module`` may arrest this month (its share, with the running carry)."""
        carry = self._carry[module] if module in self._carry else start_carry(self._seed, f"capacity.{module}")
        a = self._allow.pop(module, 0.0) + carry
        n = int(np.floor(a + 1e-9))
        self._carry[module] = a - n
        return max(n, 0)

    @staticmethod
    def _drop_dead(sim: Sim, terror: Any) -> None:
        alive = sim.people["alive"]
        keep = alive[terror.queue_slots]
        terror.queue_ids, terror.queue_steps = terror.queue_ids[keep], terror.queue_steps[keep]
        terror.queue_slots = terror.queue_slots[keep]
        sentencing = sim.modules.get("sentencing")
        if sentencing is not None and hasattr(sentencing, "drop_dead"):
            sentencing.drop_dead(sim)

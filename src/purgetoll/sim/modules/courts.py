"""Sentencing in mechanism mode: bodies with a throughput and a backlog, executions after a delay, transit.

Every case, once investigated (``months_to_trial`` after the arrest), waits in the backlog of its
body, first come first served:

============================  ======================================================================
body                          cases, and when it sits
============================  ======================================================================
``troika``                    Order 00447, party members, managers and the denounced, from the
                              order's month (``mass_operation.order_yyyymm``) to the halt;
                              ``troikas`` x ``troika_sittings_per_month`` x ``troika_cases_per_sitting``
                              a month
``dvoika``                    the national operations (the 'album' procedure, two signatures in
                              Moscow) to the special troikas; ``dvoika_cases_per_month_persons``
``special_troika``            the national operations' backlog from ``special_troikas_yyyymm`` (the
                              Politburo's resolution of 15 Sep 1938) to the halt;
                              ``special_troika_cases_per_month_persons``
``military_collegium``        the army and the NKVD; ``military_collegium_cases_per_month_persons``
``oso``                       the wives of Order 00486; ``oso_cases_per_month_persons``
``court``                     everything else, and the troikas' and dvoikas' cases when they do not
                              sit; ``court_cases_per_month_persons``
============================  ======================================================================

At the halt (the troikas and dvoikas abolished) a share ``released_at_halt_share`` of the cases still
waiting for them is released (``release_from_custody``); the rest go to the courts.

A case is sentenced to shooting with the probability of its group (``shooting_share_*``; Order 00447
at the troika: as many as their probabilities add up to, within what is left of their republic's
category-1 limit, the others category 2: ``Sentencing._category1``); else to exile and the like (``other_sentence_share``); else to a camp with a
term from Zubkin's distribution. A death sentence is carried out ``months_to_shooting`` later, in that
month for ``executions_in_month_of_sentence_share`` of them and the next for the rest, except
``death_sentences_not_carried_out_share`` (commuted to a camp term of 10 years); a camp sentence
waits ``transit_months`` in prison and transit before the camp admits it. Those awaiting execution
or transport are in custody (their deaths are the prisons', :mod:`~purgetoll.sim.modules.custody`).

Random decisions: ``terror.sentence.shoot``, ``terror.sentence.other``, ``terror.sentence.term``,
``terror.sentence.commute``, ``terror.sentence.delay``, ``terror.sentence.release_at_halt`` (step, person id).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from purgetoll.sim import rng
from purgetoll.sim.modules.custody import start_carry
from purgetoll.sim.modules.terror import pack, refresh_slots, unpack

if TYPE_CHECKING:
    from purgetoll.sim.loop import Sim

__all__ = ["Courts", "THROUGHPUT"]

#: Body -> how its monthly throughput (persons) is computed from the sentencing parameters.
THROUGHPUT = {
    "troika": lambda v: float(v["troikas"]) * float(v["troika_sittings_per_month"]) * float(v["troika_cases_per_sitting"]),
    "dvoika": lambda v: float(v["dvoika_cases_per_month_persons"]),
    "special_troika": lambda v: float(v["special_troika_cases_per_month_persons"]),
    "military_collegium": lambda v: float(v["military_collegium_cases_per_month_persons"]),
    "oso": lambda v: float(v["oso_cases_per_month_persons"]),
    "court": lambda v: float(v["court_cases_per_month_persons"]),
}
_COMMUTED_TERM_MONTHS = 120  # a death sentence commuted: ten years (Zubkin's 'VMN commuted to imprisonment')


class Courts:
    """Backlogs, executions pending and transit (state of ``sentencing`` in mechanism mode)."""

    def __init__(self, values: Mapping[str, Any], bodies: tuple[str, ...]) -> None:
        self.v = values
        self.bodies = bodies
        self.exec_ids = np.empty(0, dtype=np.uint32)
        self.exec_due = np.empty(0, dtype=np.int16)
        self.exec_slots = np.empty(0, dtype=np.int64)
        self.transit_ids = np.empty(0, dtype=np.uint32)
        self.transit_due = np.empty(0, dtype=np.int16)
        self.transit_term = np.empty(0, dtype=np.int16)
        self.transit_slots = np.empty(0, dtype=np.int64)
        self.carry: dict[str, float] = {}
        self.monthly: list[dict[str, float]] = []

    # -- state ----------------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        return {"exec_ids": pack(self.exec_ids), "exec_due": pack(self.exec_due), "transit_ids": pack(self.transit_ids),
                "transit_due": pack(self.transit_due), "transit_term": pack(self.transit_term), "carry": self.carry,
                "monthly": self.monthly}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.exec_ids, self.exec_due = unpack(state["exec_ids"]), unpack(state["exec_due"])
        self.transit_ids, self.transit_due = unpack(state["transit_ids"]), unpack(state["transit_due"])
        self.transit_term = unpack(state["transit_term"])
        self.carry, self.monthly = dict(state["carry"]), list(state["monthly"])

    def refresh(self, sim: Sim) -> None:
        """Slots after a compaction (those compacted away had died and were dropped already)."""
        s, found = refresh_slots(sim, self.exec_ids)
        self.exec_ids, self.exec_due, self.exec_slots = self.exec_ids[found], self.exec_due[found], s[found]
        s, found = refresh_slots(sim, self.transit_ids)
        self.transit_ids, self.transit_due = self.transit_ids[found], self.transit_due[found]
        self.transit_term, self.transit_slots = self.transit_term[found], s[found]

    def custody_slots(self) -> np.ndarray:
        return np.concatenate([self.exec_slots, self.transit_slots])

    def drop_dead(self, sim: Sim) -> None:
        alive = sim.people["alive"]
        k = alive[self.exec_slots]
        self.exec_ids, self.exec_due, self.exec_slots = self.exec_ids[k], self.exec_due[k], self.exec_slots[k]
        k = alive[self.transit_slots]
        self.transit_ids, self.transit_due = self.transit_ids[k], self.transit_due[k]
        self.transit_term, self.transit_slots = self.transit_term[k], self.transit_slots[k]

    # -- the month ------------------------------------------------------------------------------
    def throughput_agents(self, sim: Sim, body: str) -> int:
        """Whole cases ``body`` can sentence this month (agents; running carry from ``custody.start_carry``)."""
        carry = self.carry[body] if body in self.carry else start_carry(sim.settings.seed, f"court.{body}")
        a = THROUGHPUT[body](self.v) * sim.settings.scale + carry
        n = int(np.floor(a + 1e-9))
        self.carry[body] = a - n
        return n

    def select(self, sim: Sim, step: int, body: np.ndarray, ready: np.ndarray) -> np.ndarray:
        """Positions in the queue sentenced this month: per body, the first ``throughput`` ready (FIFO)."""
        taken = []
        row: dict[str, float] = {"step": step}
        for b, name in enumerate(self.bodies):
            if name not in THROUGHPUT:
                continue
            mine = np.flatnonzero((body == b) & ready)
            n = self.throughput_agents(sim, name)
            taken.append(mine[:n])
            row[f"backlog_{name}_persons"] = max(mine.size - n, 0) / sim.settings.scale
        self.monthly.append(row)
        return np.sort(np.concatenate(taken)) if taken else np.empty(0, dtype=np.int64)

    def schedule(self, sim: Sim, step: int, shoot: np.ndarray, camp: np.ndarray, term_months: np.ndarray) -> None:
        """Those sentenced this month: to execution after the delay (or commuted), to transit."""
        p, seed = sim.people, sim.settings.seed
        if shoot.size:
            u = rng.uniform(seed, "terror.sentence.commute", step, p["person_id"][shoot])
            commuted = u < float(self.v["death_sentences_not_carried_out_share"])
            camp = np.concatenate([camp, shoot[commuted]])
            term_months = np.concatenate([term_months, np.full(int(commuted.sum()), _COMMUTED_TERM_MONTHS)])
            shoot = shoot[~commuted]
            later = rng.uniform(seed, "terror.sentence.delay", step, p["person_id"][shoot]) >= float(
                self.v["executions_in_month_of_sentence_share"])
            due = step + int(self.v["months_to_shooting"]) + later.astype(np.int64)
            self.exec_ids = np.concatenate([self.exec_ids, p["person_id"][shoot]])
            self.exec_due = np.concatenate([self.exec_due, due.astype(np.int16)])
            self.exec_slots = np.concatenate([self.exec_slots, shoot])
        if camp.size:
            transit_due = step + int(self.v["transit_months"])
            self.transit_ids = np.concatenate([self.transit_ids, p["person_id"][camp]])
            self.transit_due = np.concatenate([self.transit_due, np.full(camp.size, transit_due, dtype=np.int16)])
            self.transit_term = np.concatenate([self.transit_term, np.asarray(term_months, dtype=np.int16)])
            self.transit_slots = np.concatenate([self.transit_slots, camp])

    def due_executions(self, step: int) -> np.ndarray:
        """Slots to shoot this month (removed from the pending list)."""
        due = self.exec_due <= step
        out = self.exec_slots[due]
        keep = ~due
        self.exec_ids, self.exec_due, self.exec_slots = self.exec_ids[keep], self.exec_due[keep], self.exec_slots[keep]
        return out

    def due_transit(self, step: int) -> tuple[np.ndarray, np.ndarray]:
        """Slots (and terms) reaching the camps this month (removed from transit)."""
        due = self.transit_due <= step
        out, term = self.transit_slots[due], self.transit_term[due].astype(np.int64)
        keep = ~due
        self.transit_ids, self.transit_due = self.transit_ids[keep], self.transit_due[keep]
        self.transit_term, self.transit_slots = self.transit_term[keep], self.transit_slots[keep]
        return out, term

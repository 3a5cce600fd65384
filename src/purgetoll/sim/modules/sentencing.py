"""Sentencing: troikas, the dvoika, the Military Collegium; shooting at a date; camp terms.

**How many a month.** Convictions by year (``convictions_by_month_persons``, default the 1953 MVD
certificate, ``repression_convicted_by_year_1921_1953:mvd_1953/1937/total`` and ``.../1938/total``), spread
evenly over the months; a month's convictions are taken first come, first served from those held
at least ``months_to_trial`` (about 1 month from arrest to sentence: ``operation_timing_and_
throughput`` row ``perm_arrest_to_sentence``). When the queue is short, the unused capacity
carries over; what is left held at the end is the "in prison" population.

**Which body.** Order 00447 arrests go to the troikas, the national operations to the dvoika (the
"album" procedure), the army and NKVD purges to the Military Collegium, order 00486 to the
Special Board (OSO); party members, managers and the denounced go to the troikas while they sit
(August 1937 to the halt) and to the courts otherwise. After the halt (decree of 17 Nov 1938)
troikas and dvoikas sentence no more: their cases go to the courts.

**Which category.** Shooting with probability ``shooting_share_<group>``, by month where a source
gives one (``shooting_share_order_00447_by_month``: the category-1 share of those convicted by 15 Aug
1937, rows ``o447_convicted_15aug_cat1`` / ``o447_convicted_15aug``) (relative severities from
the sources: Order 00447 shot of sentenced, Werth, rows ``o447_shot_werth`` /
``o447_sentenced_werth``; national operations ``national_ops_shot`` /
``national_ops_sentenced_ablazhei``; Military Collegium ``vkvs_shot`` /
``vkvs_convicted``; the others an assumption), scaled each month by one factor so the year's death
sentences reach ``death_sentences_by_month_persons`` (default the certificate's death sentences of
1937 and 1938, ``mvd_1953/1937/death`` and ``/1938/death``; their sum is ``key_totals``
``vmn_1937_1938``) when ``calibrate_death_sentences`` is on: the sources'
severities order the operations, the certificate fixes the level. Then other sentences (exile and
the like) with ``other_sentence_share`` (the certificate's "exile" and "other" of 1937-38 over its
convictions), and the rest to camps with a term drawn from Zubkin's distribution
(``key_totals`` rows ``zubkin_upto3y``, ``zubkin_upto5y``, ``zubkin_upto10y``, ``zubkin_15_25y``; taken
as 3, 5, 10 and 20 years).

Those sentenced to shooting are shot ``months_to_shooting`` later (0: within the month; Butovo shot
hundreds on the day, Novosibirsk a month or more after the troika: ``operation_timing_and_
throughput``).

**Mechanism mode** (``terror.mode``): no convictions or death sentences are imposed; the bodies
sentence within their throughput, the backlogs carry over, and the death sentences follow from the
shooting shares and Order 00447's category-1 limits (:mod:`~purgetoll.sim.modules.courts`).

Random decisions: ``terror.sentence.shoot``, ``terror.sentence.other``, ``terror.sentence.term``
(step, person id).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from purgetoll.data import figure
from purgetoll.errors import DataError
from purgetoll.params import Param
from purgetoll.sim import rng
from purgetoll.sim.modules.base import Module
from purgetoll.sim.modules.courts import Courts
from purgetoll.sim.modules.custody import start_carry
from purgetoll.sim.modules.terror import (
    BODIES,
    CATEGORIES,
    EXECUTED,
    HELD,
    OPERATIONS,
    OTHER_SENTENCE,
    TERROR_PLAN_ORDER,
    by_step,
    carry_round,
    republic_of,
    yyyymm_step,
)

if TYPE_CHECKING:
    from purgetoll.sim.loop import Sim

__all__ = ["Sentencing", "GROUP_OF", "TERM_YEARS", "TERM_WEIGHTS"]

#: Severity group of each operation (the ``shooting_share_<group>`` parameter it uses).
GROUP_OF: dict[str, str] = {
    "prior": "other", "order_00447": "order_00447", "polish": "national", "german": "national",
    "harbin": "national", "latvian": "national", "greek": "national", "finnish": "national",
    "other_national": "national", "males_17_70": "national", "party": "other", "army": "military_collegium",
    "nkvd": "military_collegium", "managers": "other", "denunciation": "other", "order_00486": "families",
    "none": "other", "nonpolitical": "other",
}
_CERTIFICATE = "repression_convicted_by_year_1921_1953:mvd_1953"


def _certificate(category: str) -> dict[str, int | float]:
    """The 1953 MVD certificate's ``category`` by year, 1937 and 1938."""
    return {y: figure(f"{_CERTIFICATE}/{y}/{category}") for y in ("1937", "1938")}


def _ops(key: str) -> int | float:
    return figure(f"mass_and_national_operations_1937_1938:{key}")


def _key(key: str) -> int | float:
    return figure(f"repression_key_totals:{key}")


def _other_sentence_share() -> float:
    """The certificate's 'exile' and 'other' of 1937-38 over its convictions of those years."""
    other = sum(_certificate("exile").values()) + sum(_certificate("other").values())
    return other / sum(_certificate("total").values())


#: Camp terms (years) and Zubkin's counts behind their weights (key_totals zubkin_upto3y ... _15_25y).
TERM_YEARS = np.array([3, 5, 10, 20])
TERM_WEIGHTS = np.array([figure(f"repression_key_totals:zubkin_{c}") for c in ("upto3y", "upto5y", "upto10y", "15_25y")],
                        dtype=float)
_TROIKA_START = 193708  # troikas of Order 00447 sat from August 1937 (the order of 30 Jul 1937)


class Sentencing(Module):
    """Convictions within capacity; body and category by operation; executions and camp terms."""

    name: ClassVar[str] = "sentencing"
    plan_order: ClassVar[int] = TERROR_PLAN_ORDER["sentencing"]
    runs_by_default: ClassVar[bool] = False
    steps: ClassVar[tuple[str, ...]] = ("sentence",)
    parameter_specs: ClassVar[tuple[Param, ...]] = (
        Param("convictions_by_month_persons", _certificate("total"), "persons",
              "convictions by year or month (1953 MVD certificate, repression() mvd_1953 'total')",
              kind="series", low=0, high=1e8),
        Param("months_to_trial", 1, "months", "months from arrest before a sentence (Perm: about 1 month, "
              "operation_timing_and_throughput perm_arrest_to_sentence)", kind="integer", low=0, high=12),
        Param("months_to_shooting", 0, "months", "months from a death sentence to the shooting (assumption: "
              "Butovo shot on the day, Novosibirsk a month or more later; range 0-3)", kind="integer", low=0,
              high=3, assumption=True),
        Param("shooting_share_order_00447", _ops("o447_shot_werth") / _ops("o447_sentenced_werth"), "share",
              "Order 00447: shot of sentenced (Werth; o447_shot_werth, o447_sentenced_werth)", low=0, high=1,
              prior=(0.3, 0.9)),
        Param("shooting_share_national", _ops("national_ops_shot") / _ops("national_ops_sentenced_ablazhei"), "share",
              "national operations: shot (national_ops_shot) of about as many sentenced "
              "(national_ops_sentenced_ablazhei)", low=0, high=1, prior=(0.5, 0.9)),
        Param("shooting_share_military_collegium", _key("vkvs_shot") / _key("vkvs_convicted"), "share",
              "Military Collegium: sentenced to shooting of convicted (vkvs_shot, vkvs_convicted)", low=0, high=1,
              prior=(0.6, 0.95)),
        Param("shooting_share_other", 0.1, "share", "party members, managers, the denounced (assumption: "
              "range 0-0.5)", low=0, high=1, assumption=True, prior=(0, 0.5)),
        Param("shooting_share_families", 0.0, "share", "wives under Order 00486 (the order sent them to camps)",
              low=0, high=1),
        Param("shooting_share_order_00447_by_month",
              {"1937-08": _ops("o447_convicted_15aug_cat1") / _ops("o447_convicted_15aug")}, "share",
              "Order 00447's share in the months given, instead of shooting_share_order_00447: the category-1 "
              "share of those convicted by 15 Aug 1937 (o447_convicted_15aug_cat1, o447_convicted_15aug)",
              kind="series", low=0, high=1),
        Param("calibrate_death_sentences", True, "", "scale the shares each month so the year's death sentences "
              "reach death_sentences_by_month_persons", kind="bool"),
        Param("death_sentences_by_month_persons", _certificate("death"), "persons",
              "death sentences by year (1953 MVD certificate, repression() mvd_1953 'death'; in all "
              "repression_key_totals:vmn_1937_1938)",
              kind="series", low=0, high=1e8),
        Param("women_death_sentence_odds", round((0.02 / 0.98) / (0.05 / 0.95), 3), "odds ratio",
              "women's odds of a death sentence against men's of the same operation: 0.388 makes women about 2% "
              "of the executed ('perhaps 2 percent', the case study's seed text, 'Yezhov crushes the traitors') "
              "when they are 5% of those sentenced ('5 percent of the latter', the same sentence); the floor's "
              "women_share_executed (purgetoll.demography.evidence) states the same figure. Range 0.2-1 "
              "(assumption: no national figure of the women shot was found)", low=0, high=1, assumption=True,
              prior=(0.2, 1)),
        Param("other_sentence_share", _other_sentence_share(), "share", "exile and other sentences: 1937-38 "
              "'exile' + 'other' of the 1953 certificate over its convictions", low=0, high=1, prior=(0, 0.05)),
        Param("troikas", 64, "troikas", "mechanism mode: troikas sitting (assumption: one per republic, krai and "
              "oblast NKVD administration; no bundled count; range 50-80)", kind="integer", low=1, high=500,
              assumption=True),
        Param("troika_sittings_per_month", 8.0, "sittings per month", "mechanism mode: sittings of a troika a "
              "month (assumption)", low=0, high=31, assumption=True, prior=(2, 20)),
        Param("troika_cases_per_sitting", 250.0, "persons", "mechanism mode: cases a troika decides at a sitting "
              "(assumption: the Mordovian troika sentenced 334 in its first three weeks, "
              "operation_timing_and_throughput mordovia_sentenced)", low=0, high=5000, assumption=True, prior=(50, 600)),
        Param("dvoika_cases_per_month_persons", 15_000.0, "persons", "mechanism mode: cases the dvoika (Yezhov and "
              "Vyshinsky, the 'album' procedure) decides a month (assumption: the cases of "
              "the Polish operation in Ukraine alone that were waiting at the NKVD USSR on 24 Sep 1938, "
              "operation_timing_and_throughput ukraine_polish_pending_1)", low=0, high=1e6, assumption=True, prior=(5000, 60_000)),
        Param("special_troikas_yyyymm", 193809, "YYYYMM", "mechanism mode: month the special troikas took over the "
              "national operations' backlog (Politburo resolution of 15 Sep 1938, operation_timing_and_throughput "
              "special_troikas_deadline)", kind="integer", low=193701, high=193912),
        Param("special_troika_cases_per_month_persons", 60_000.0, "persons", "mechanism mode: cases the special "
              "troikas decide a month (assumption: they were to clear the backlog within two "
              "months, operation_timing_and_throughput)", low=0, high=1e6, assumption=True, prior=(20_000, 200_000)),
        Param("military_collegium_cases_per_month_persons", 1_500.0, "persons", "mechanism mode: cases the "
              "Military Collegium decides a month (assumption: 5-10 minutes a hearing, "
              "stalin_lists_and_military_collegium_1937_1940)", low=0, high=1e5, assumption=True, prior=(500, 5000)),
        Param("oso_cases_per_month_persons", 5_000.0, "persons", "mechanism mode: cases the Special Board (OSO) "
              "decides a month (assumption)", low=0, high=1e6, assumption=True, prior=(1000, 20_000)),
        Param("court_cases_per_month_persons", 20_000.0, "persons", "mechanism mode: political cases the courts "
              "decide a month (assumption)", low=0, high=1e6, assumption=True, prior=(5000, 100_000)),
        Param("death_sentences_not_carried_out_share", 0.001, "share", "mechanism mode: death sentences commuted to "
              "a camp term (Zubkin: repression_key_totals zubkin_vmn_commuted of zubkin_vmn)",
              low=0, high=1, prior=(0, 0.05)),
        Param("executions_in_month_of_sentence_share", 0.5, "share", "mechanism mode: share of the death sentences "
              "carried out in the month of the sentence (after months_to_shooting); the rest a month later "
              "(assumption: the Mordovian NKVD had shot 110 of 264 sentenced to category 1 within its first three "
              "weeks, operation_timing_and_throughput mordovia_shot; Butovo shot hundreds on the day, Novosibirsk a "
              "month or more after the troika)", low=0, high=1, assumption=True, prior=(0.2, 1.0)),
        Param("transit_months", 1, "months", "mechanism mode: months a camp sentence waits in prison and transit "
              "before the camp admits it (prior 0-4; assumption)", kind="integer", low=0, high=12, assumption=True),
        Param("released_at_halt_share", 0.2, "share", "mechanism mode: share of the cases still waiting for the "
              "troikas and dvoikas at the halt that are released rather than sent to the courts ("
              "assumption: Zubkin counts those released by 1 Nov 1938, repression_key_totals zubkin_released)",
              low=0, high=1, assumption=True, prior=(0, 0.5)),
    )

    def __init__(self, **values: Any) -> None:
        super().__init__(**values)
        v = self.values
        self.shares = {g: v[f"shooting_share_{g}"] for g in ("order_00447", "national", "military_collegium", "other",
                                                             "families")}
        self.done = 0
        self.shot_by_year: dict[int, int] = {}
        self._carry: dict[str, float] = {}
        self._pending: dict[int, list[int]] = {}  # step -> person ids to shoot then
        self.last_sentenced = np.empty(0, dtype=np.int64)  # slots sentenced this month (family_repression)
        self.courts: Courts | None = None  # mechanism mode (set in prepare)

    def _other_or_camp(self, seed: int, step: int, ids: np.ndarray,
                       shoot: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Of those not sentenced to shooting, who gets another sentence (exile and the like, keyed
        ``terror.sentence.other``) and who a camp term; and each one's category code."""
        u_other = rng.uniform(seed, "terror.sentence.other", step, ids)
        other = ~shoot & (u_other < float(self.values["other_sentence_share"]))
        camp = ~shoot & ~other
        category = np.where(shoot, CATEGORIES.index("shooting"), np.where(other, CATEGORIES.index("other"),
                                                                          CATEGORIES.index("camp"))).astype(np.int8)
        return other, camp, category

    def _courts(self) -> Courts:
        """Mechanism mode's courts (made in ``prepare``)."""
        if self.courts is None:
            raise RuntimeError("sentencing: the courts of mechanism mode are made in prepare()")
        return self.courts

    def describe(self) -> dict[str, Any]:
        return {**super().describe(),
                "tables": {"repression_convicted_by_year_1921_1953": "1953 MVD certificate: convictions, deaths",
                           "mass_and_national_operations_1937_1938": "shot and sentenced by operation",
                           "repression_key_totals": "Military Collegium; Zubkin's terms"},
                "assumptions": {**self.assumptions(),
                                "calibration": "the year's death sentences fix the level of the shares "
                                "(calibrate_death_sentences); the sources fix their ratios",
                                "terms": "Zubkin's term classes taken as 3, 5, 10 and 20 years"}}

    def state_dict(self) -> dict[str, Any]:
        out = {"done": self.done, "shot_by_year": {str(k): v for k, v in self.shot_by_year.items()},
               "carry": self._carry, "pending": {str(k): v for k, v in self._pending.items()}}
        if self.courts is not None:
            out["courts"] = self.courts.state_dict()
        return out

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.done = int(state["done"])
        self.shot_by_year = {int(k): int(v) for k, v in state["shot_by_year"].items()}
        self._carry = dict(state["carry"])
        self._pending = {int(k): list(v) for k, v in state["pending"].items()}
        if "courts" in state:  # prepare (run before a checkpoint is read) made the courts; else they load it
            if self.courts is not None:
                self.courts.load_state_dict(state["courts"])
            else:
                self._courts_state = state["courts"]

    def custody_slots(self) -> np.ndarray:
        """Slots awaiting execution or transport (mechanism mode; empty in position mode)."""
        return self.courts.custody_slots() if self.courts is not None else np.empty(0, dtype=np.int64)

    def drop_dead(self, sim: Sim) -> None:
        if self.courts is not None:
            self.courts.drop_dead(sim)

    def begin_window(self, sim: Sim, first: int, stop: int) -> None:
        if self.courts is not None:
            self.courts.refresh(sim)

    def _monthly(self, sim: Sim, series: dict[str, float]) -> np.ndarray:
        return by_step(sim, series) * sim.settings.scale

    def prepare(self, sim: Sim) -> None:
        v = self.values
        terror = sim.module("terror")
        if terror.mechanism:
            self.courts = Courts(v, BODIES)
            if getattr(self, "_courts_state", None) is not None:
                self.courts.load_state_dict(self._courts_state)
            mass = sim.modules.get("mass_operation")
            self._troika_from = yyyymm_step(sim, int(mass.values["order_yyyymm"]) if mass is not None else _TROIKA_START)
            self._special_from = yyyymm_step(sim, int(v["special_troikas_yyyymm"]))
            self._year = np.array([sim.date(k).year for k in range(sim.n_steps)])
            return
        self._cum_conv = np.cumsum(carry_round(np.cumsum(self._monthly(sim, v["convictions_by_month_persons"]))))
        self._deaths_m = self._monthly(sim, v["death_sentences_by_month_persons"])
        self._conv_m = self._monthly(sim, v["convictions_by_month_persons"])
        self._year = np.array([sim.date(k).year for k in range(sim.n_steps)])

    def _body(self, sim: Sim, op: np.ndarray, step: int) -> np.ndarray:
        terror = sim.module("terror")
        sitting = yyyymm_step(sim, _TROIKA_START) <= step and not terror.halted(sim, step)
        names = [OPERATIONS[c] for c in range(len(OPERATIONS))]
        table = np.zeros(len(OPERATIONS), dtype=np.int8)
        for c, name in enumerate(names):
            g = GROUP_OF[name]
            if g == "military_collegium":
                b = "military_collegium"
            elif g == "families":
                b = "oso"
            elif g == "national":
                b = "dvoika" if sitting else "court"
            elif name == "prior":
                b = "none"
            else:
                b = "troika" if sitting else "court"
            table[c] = BODIES.index(b)
        return table[op]

    # -- mechanism mode ----------------------------------------------------------------------
    def _mechanism_body(self, sim: Sim, op: np.ndarray, step: int) -> np.ndarray:
        terror = sim.module("terror")
        halted = terror.halted(sim, step)
        troika = self._troika_from <= step and not halted
        special = self._special_from <= step and not halted
        table = np.zeros(len(OPERATIONS), dtype=np.int8)
        for c, name in enumerate(OPERATIONS):
            g = GROUP_OF.get(name, "other")
            if g == "military_collegium":
                b = "military_collegium"
            elif g == "families":
                b = "oso"
            elif g == "national":
                b = "special_troika" if special else ("dvoika" if troika else "court")
            elif name in ("prior", "none", "nonpolitical"):
                b = "court"
            else:
                b = "troika" if troika else "court"
            table[c] = BODIES.index(b)
        return table[op]

    def _mechanism_sentence(self, sim: Sim, step: int, terror: Any) -> None:
        p, courts = sim.people, self._courts()
        shoot_now = courts.due_executions(step)
        self._execute(sim, shoot_now, step)
        arriving, term = courts.due_transit(step)
        gulag: Any = sim.modules.get("gulag")  # the Gulag module, by name
        if arriving.size:
            if gulag is None:
                raise DataError("sentencing", "camp sentences need the 'gulag' module; enable [gulag] in the scenario")
            gulag.admit(sim, arriving, step, term)
        if terror.queue_ids.size == 0:
            courts.monthly.append({"step": step})
            return
        s = terror.queue_slots
        if step == terror.halted_step(sim):  # the troikas and dvoikas abolished: some of their cases released
            before = self._mechanism_body(sim, p["t_operation"][s].astype(np.int64), step - 1)
            theirs = np.isin(before, [BODIES.index(b) for b in ("troika", "dvoika", "special_troika")])
            u = rng.uniform(sim.settings.seed, "terror.sentence.release_at_halt", step, terror.queue_ids)
            free = theirs & (u < float(self.values["released_at_halt_share"]))
            if free.any():
                terror.release_from_custody(sim, s[free], step)
                keep = ~free
                terror.queue_ids, terror.queue_steps = terror.queue_ids[keep], terror.queue_steps[keep]
                terror.queue_slots = s = s[keep]
        op = p["t_operation"][s].astype(np.int64)
        body = self._mechanism_body(sim, op, step)
        ready = terror.queue_steps <= step - int(self.values["months_to_trial"])
        take = courts.select(sim, step, body, ready)
        if take.size == 0:
            return
        keep = np.ones(s.size, bool)
        keep[take] = False
        slots, bodies = s[take], body[take]
        terror.queue_ids, terror.queue_steps, terror.queue_slots = terror.queue_ids[keep], terror.queue_steps[keep], s[keep]
        self.last_sentenced = slots
        self._mechanism_convict(sim, slots, bodies, step)
        self.done += int(slots.size)

    def _mechanism_convict(self, sim: Sim, slots: np.ndarray, body: np.ndarray, step: int) -> None:
        p, seed = sim.people, sim.settings.seed
        terror = sim.module("terror")
        ids = p["person_id"][slots]
        op = p["t_operation"][slots].astype(np.int64)
        prob = np.array([self.shares[GROUP_OF.get(name, "other")] for name in OPERATIONS])[op]
        prob = prob * np.where(p["sex"][slots] == 1, float(self.values["women_death_sentence_odds"]), 1.0)
        u = rng.uniform(seed, "terror.sentence.shoot", step, ids)
        shoot = u < prob
        # Order 00447 at the troikas: category 1 within what is left of the republic's limit
        mass = sim.modules.get("mass_operation")
        limits = getattr(mass, "limits", None)
        o447 = (op == OPERATIONS.index("order_00447")) & (body == BODIES.index("troika"))
        if limits is not None and o447.any():
            rep, _ = republic_of(terror.region_of(sim, slots))
            for r in np.unique(rep[o447]):
                idx = np.flatnonzero(o447 & (rep == r))
                shoot[idx] = self._category1(sim, limits, int(r), u[idx], prob[idx])
        other, camp, category = self._other_or_camp(seed, step, ids, shoot)
        sim.events.log(step, "sentence", ids, p["sex"][slots], sim.ages(p["birth_month"][slots], step),
                       operation=op.astype(np.int8), body=body.astype(np.int8), category=category,
                       **terror.who(sim, slots))
        year = int(self._year[step])
        self.shot_by_year[year] = self.shot_by_year.get(year, 0) + int(shoot.sum())
        p["t_status"][slots[other]] = OTHER_SENTENCE
        c = slots[camp]
        w = TERM_WEIGHTS / TERM_WEIGHTS.sum()
        u_term = rng.uniform(seed, "terror.sentence.term", step, p["person_id"][c])
        years = TERM_YEARS[np.minimum(np.searchsorted(np.cumsum(w), u_term, side="right"), len(w) - 1)]
        self._courts().schedule(sim, step, slots[shoot], c, years * 12)
        self._execute(sim, self._courts().due_executions(step), step)  # those due this month
        if self.values["transit_months"] == 0:
            arriving, term = self._courts().due_transit(step)
            if arriving.size:
                gulag: Any = sim.modules.get("gulag")  # the Gulag module, by name
                if gulag is None:
                    raise DataError("sentencing", "camp sentences need the 'gulag' module; enable [gulag] in the scenario")
                gulag.admit(sim, arriving, step, term)

    def _category1(self, sim: Sim, limits: Any, republic: int, u: np.ndarray, prob: np.ndarray) -> np.ndarray:
        """Which of the month's Order 00447 cases of ``republic`` at the troika get category 1.

        Their due is the sum of their probabilities, at most what is left of the republic's category-1
        limit (agents), and it is charged to the limit as it is (fractional). The whole number is that
        due with a running carry started at ``custody.start_carry(seed, "category1.<republic>")``, so
        in all ``floor(due + start)``: within one agent of the limit, and the due on average at every
        scale. Why not independent draws ``u < prob`` cut at the limit in whole agents: the smaller of
        two noisy numbers is short on average, by more the fewer the agents (24,000 persons at scale
        0.0001 against 0.001, most in the republics whose limit is a few agents). Those with the lowest
        ``u / prob`` get it (women, with their lower odds, later).
        """
        scale, key = sim.settings.scale, f"category1.{republic}"
        carry = self._carry[key] if key in self._carry else start_carry(sim.settings.seed, key)
        due = min(float(prob.sum()), max(limits.category1_left(republic) * scale, 0.0))
        n = min(int(np.floor(due + carry + 1e-9)), u.size)
        self._carry[key] = due + carry - n
        limits.take_category1(republic, due / scale)
        out = np.zeros(u.size, bool)
        out[np.argsort(u / np.maximum(prob, 1e-300), kind="stable")[:n]] = True
        return out

    def sentence(self, sim: Sim, step: int) -> None:
        """Shoot those due, drop the dead from the queue, then the month's convictions."""
        terror, p = sim.module("terror"), sim.people
        self.last_sentenced = np.empty(0, dtype=np.int64)
        if self.courts is not None:
            self._mechanism_sentence(sim, step, terror)
            return
        self._shoot_due(sim, step)
        ids, steps, s = terror.queue_ids, terror.queue_steps, terror.queue_slots
        if ids.size == 0:
            return
        pid = p["person_id"]
        alive = p["alive"][s]
        died = ~alive & (p["t_status"][s] == HELD)
        if died.any():
            d = s[died]
            sim.events.log(step, "death_in_custody", pid[d], p["sex"][d], sim.ages(p["birth_month"][d], step),
                           operation=p["t_operation"][d], **terror.who(sim, d))
        ids, steps, s = ids[alive], steps[alive], s[alive]
        want = int(self._cum_conv[step]) - self.done
        ready = np.flatnonzero(steps <= step - int(self.values["months_to_trial"]))
        take = ready[:max(want, 0)]  # first come, first served (the queue is in arrest order)
        keep = np.ones(ids.size, bool)
        keep[take] = False
        terror.queue_ids, terror.queue_steps, terror.queue_slots = ids[keep], steps[keep], s[keep]
        if take.size:
            self.last_sentenced = s[take]
            self._convict(sim, s[take], step)
            self.done += int(take.size)

    def _shooting_prob(self, sim: Sim, op: np.ndarray, step: int, female: np.ndarray | None = None) -> np.ndarray:
        base = np.array([self.shares[GROUP_OF[name]] for name in OPERATIONS])
        d = sim.date(step)
        label = f"{d.year:04d}-{d.month:02d}"
        by_month = self.values["shooting_share_order_00447_by_month"]
        if label in by_month:  # the category shares by operation and month
            base[OPERATIONS.index("order_00447")] = float(by_month[label])
        prob = base[op]
        if female is not None:  # women's lower odds, before the month's shares are scaled to the year's total
            prob = prob * np.where(female, float(self.values["women_death_sentence_odds"]), 1.0)
        if not self.values["calibrate_death_sentences"] or prob.sum() == 0:
            return prob
        year = self._year[step]
        in_year = self._year == year
        target = self._deaths_m[in_year].sum()
        left = max(target - self.shot_by_year.get(year, 0), 0.0)
        conv_left = max(self._conv_m[in_year & (np.arange(sim.n_steps) >= step)].sum(), float(op.size))
        want = left * op.size / conv_left
        factor = want / prob.sum()
        return np.minimum(prob * factor, 1.0)

    def _convict(self, sim: Sim, slots: np.ndarray, step: int) -> None:
        p, seed = sim.people, sim.settings.seed
        terror = sim.module("terror")
        gulag: Any = sim.modules.get("gulag")  # the Gulag module, by name
        ids = p["person_id"][slots]
        op = p["t_operation"][slots].astype(np.int64)
        body = self._body(sim, op, step)
        prob = self._shooting_prob(sim, op, step, p["sex"][slots] == 1)
        shoot = _exact_share(rng.uniform(seed, "terror.sentence.shoot", step, ids), prob, op, self._carry, "shoot")
        other, camp, category = self._other_or_camp(seed, step, ids, shoot)
        sim.events.log(step, "sentence", ids, p["sex"][slots], sim.ages(p["birth_month"][slots], step),
                       operation=op.astype(np.int8), body=body, category=category, **terror.who(sim, slots))
        year = self._year[step]
        self.shot_by_year[year] = self.shot_by_year.get(year, 0) + int(shoot.sum())
        p["t_status"][slots[other]] = OTHER_SENTENCE
        delay = int(self.values["months_to_shooting"])
        if delay == 0:
            self._execute(sim, slots[shoot], step)
        else:
            due = step + delay
            self._pending.setdefault(due, []).extend(int(x) for x in ids[shoot])
        c = slots[camp]
        if c.size:
            w = TERM_WEIGHTS / TERM_WEIGHTS.sum()
            u = rng.uniform(seed, "terror.sentence.term", step, p["person_id"][c])
            years = TERM_YEARS[np.minimum(np.searchsorted(np.cumsum(w), u, side="right"), len(w) - 1)]
            if gulag is None:
                raise DataError("sentencing", "camp sentences need the 'gulag' module; enable [gulag] in the scenario")
            gulag.admit(sim, c, step, years * 12)

    def _execute(self, sim: Sim, slots: np.ndarray, step: int) -> None:
        if slots.size == 0:
            return
        p = sim.people
        terror = sim.module("terror")
        slots = slots[p["alive"][slots]]
        p["alive"][slots] = False
        p["t_status"][slots] = EXECUTED
        sim.events.log(step, "execution", p["person_id"][slots], p["sex"][slots],
                       sim.ages(p["birth_month"][slots], step), operation=p["t_operation"][slots],
                       category=np.full(slots.size, CATEGORIES.index("shooting"), np.int8),
                       **terror.who(sim, slots))

    def _shoot_due(self, sim: Sim, step: int) -> None:
        ids = self._pending.pop(step, [])
        if ids:
            pid = sim.people["person_id"]
            arr = np.asarray(ids, dtype=np.uint32)
            s = np.minimum(np.searchsorted(pid, arr), max(len(pid) - 1, 0))
            self._execute(sim, s[pid[s] == arr], step)


def _exact_share(u: np.ndarray, prob: np.ndarray, group: np.ndarray, carry: dict[str, float], tag: str) -> np.ndarray:
    """Select, within each group, the expected number (sum of ``prob``, drift-free) with the lowest draws.

    Exact counts instead of independent Bernoulli draws keep the totals of a scenario within one
    agent of their expectation; which persons are chosen still follows their keyed draws.
    """
    out = np.zeros(u.size, bool)
    for g in np.unique(group):
        idx = np.flatnonzero(group == g)
        key = f"{tag}.{int(g)}"
        expected = float(prob[idx].sum()) + carry.get(key, 0.0)
        n = int(np.floor(expected + 1e-9))
        n = min(n, idx.size)
        carry[key] = expected - n
        if n:
            # lowest u / prob: people with a higher probability come first
            key = u[idx] / np.maximum(prob[idx], 1e-300)
            order = np.argpartition(key, n - 1)[:n] if n < key.size else np.arange(key.size)
            out[idx[order]] = True
    return out

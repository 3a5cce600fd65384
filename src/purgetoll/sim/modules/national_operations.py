"""The national operations of 1937-38: Polish, German, Harbin, Latvian, Greek, Finnish and the others.

Each operation arrests its number (persons, default: the archival totals) from its nationalities,
spread over its months, overwhelmingly men (``female_share``). Totals (``operations("results")``
and ``national_operations_supplement``): Polish arrested (``polish_arrested``); German
convicted (``german_convicted``); Harbin convicted (``harbin_convicted``); Latvian
convicted (``latvian_convicted``); Greek arrested (``greek_arrested``); Finnish,
Krieger's arrests of Finns Oct 1936-Jul 1938 (``arrests_by_nationality_1936_1938:finns``);
the other operations the rest of Zubkin's arrested under the national orders
(``zubkin_arrested_national_ops``). Where a source gives convictions but not arrests,
convictions stand for arrests (an undercount of a few percent: releases were rare).

Whom: Polish: Poles; German: Germans; Latvian: Latvians; Greek: Greeks; Finnish: Finns;
Harbin: 40% Koreans (``altai_harbin_chinese_koreans``: Chinese and Koreans 40% of those sentenced
in Altai; Chinese are not a separate nationality here) and 60% Russians (the returned railway
workers of the Chinese Eastern Railway), an assumption; others: Estonians and Iranians, then
anyone of the 'others' nationality. Ages 17-70 (the round-ups' "all males from 17 to 70") with
weight 1 at 30-55 and ``outside_peak_age_weight`` elsewhere. When a nationality runs out, the
remainder is not arrested (and ``describe()`` says how many were short).

The months of each operation (``months_*``) are assumptions: arrests spread evenly from the month
of its order to October 1938 (the halt of 17 Nov 1938 stops everything after), the Greek
operation from December 1937 to March 1938 (``greek_arrested``: "arrests mainly to early Mar 1938").

**The "all males from 17 to 70" round-ups** (``males_17_70_roundup``, off by default): in month
``roundup_yyyymm`` a share ``roundup_share_of_males`` of the free men aged 17-70 of the targeted
nationalities is arrested at once (operation ``males_17_70``), on top of the totals above. No
bundled source counts them: both numbers are assumptions, and the episode is a switch.

**Mechanism mode** (``terror.mode``): the orders and their dates are the inputs. From the month of
its order (``<op>_order_yyyymm``) to ``arrests_until_yyyymm`` (and never past the halt), each operation asks each month to arrest
``<op>_arrests_per_1000_per_month`` per 1000 free people aged 17-70 of its first nationality (divided
by that nationality's share of the operation's targets), within the interrogators' capacity; whom it
takes follows the same target weights, the age weight, ``terror.female_arrest_weight`` for women and
``listed_weight`` for those on the lists (the snowball names fellow nationals). Totals, women and
ages emerge.

Random decisions: ``terror.arrest.<operation>`` and ``terror.arrest.males_17_70`` (step, person id).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from purgetoll.data import figure
from purgetoll.params import Param
from purgetoll.sim import rng
from purgetoll.sim.modules.terror import (
    ATTR,
    TERROR_PLAN_ORDER,
    codes,
    column,
    yyyymm_step,
)
from purgetoll.sim.modules.terror_draw import (
    Budget,
    FreePool,
    PooledArrests,
    age_weights,
    arrest_shares,
    coded_pools_sized,
    count_free,
    spread,
)
from purgetoll.sim.state import MALE

if TYPE_CHECKING:
    from purgetoll.sim.loop import Sim

__all__ = ["NationalOperations", "NATIONAL_TOTALS", "TARGETS"]

#: Each operation's default total: its bundled figure (see the module docstring).
_TOTAL_OF: dict[str, str] = {
    "polish": "mass_and_national_operations_1937_1938:polish_arrested",
    "german": "mass_and_national_operations_1937_1938:german_convicted",
    "harbin": "mass_and_national_operations_1937_1938:harbin_convicted",
    "latvian": "mass_and_national_operations_1937_1938:latvian_convicted",
    "greek": "national_operations_supplement:greek_arrested",
    "finnish": "arrests_by_nationality_1936_1938:finns",
}
_ZUBKIN_NATIONAL = "repression_key_totals:zubkin_arrested_national_ops"


def _national_totals() -> dict[str, tuple[float, str]]:
    out: dict[str, tuple[float, str]] = {op: (figure(ref), ref) for op, ref in _TOTAL_OF.items()}
    rest = figure(_ZUBKIN_NATIONAL) - sum(total for total, _ in out.values())
    return {**out, "other_national": (rest, f"{_ZUBKIN_NATIONAL} minus the six operations above")}


#: Default totals (persons) and where they come from (see the module docstring).
NATIONAL_TOTALS: dict[str, tuple[float, str]] = _national_totals()
_MONTHS = {"polish": ("1937-08", "1938-10"), "german": ("1937-08", "1938-10"), "harbin": ("1937-09", "1938-10"),
           "latvian": ("1937-12", "1938-10"), "greek": ("1937-12", "1938-03"), "finnish": ("1937-08", "1938-10"),
           "other_national": ("1937-08", "1938-10")}
#: Nationalities drawn by each operation (weight), then a fallback pool when they run out.
TARGETS: dict[str, dict[str, float]] = {
    "polish": {"Poles": 1.0}, "german": {"Germans": 1.0}, "latvian": {"Latvians": 1.0},
    "greek": {"Greeks": 1.0}, "finnish": {"Finns": 1.0},
    "harbin": {"Koreans": 0.4, "Russians": 0.6},
    "other_national": {"Estonians": 1.0, "Iranians": 1.0},
}
_FALLBACK = {"other_national": ("others",)}
_ROUNDUP_NATIONALITIES = ("Poles", "Germans", "Latvians", "Greeks", "Finns", "Estonians", "Iranians")


def _defaults() -> dict[str, dict[str, float]]:
    return {op: spread(total, *_MONTHS[op]) for op, (total, _) in NATIONAL_TOTALS.items()}


#: Mechanism mode's default hazards (per 1000 free adults of the first nationality per month): an
#: assumption each, near what the position defaults' totals mean over the months (prior 0.5-100).
_HAZARD = {"polish": 25.0, "german": 4.0, "harbin": 20.0, "latvian": 20.0, "greek": 25.0, "finnish": 6.0,
           "other_national": 20.0}


def _specs() -> tuple[Param, ...]:
    out = []
    for op, (_, row) in NATIONAL_TOTALS.items():
        first, last = _MONTHS[op]
        out.append(Param(f"{op}_arrests_by_month_persons", _defaults()[op], "persons",
                         f"arrests of the {op} operation by month; default {row} spread evenly over "
                         f"{first}..{last} (the months are an assumption)", kind="series", low=0, high=1e7))
    out += [
        Param("female_share", 0.05, "share", "women among those arrested in the national operations "
              "('overwhelmingly men'; assumption: 5%, the case study's 'perhaps ... 5 percent' of women among the "
              "incarcerated (seed text), range 0-0.2; Ilic's 'Forgotten Five Per Cent' is a chapter title, not a "
              "figure)", low=0, high=0.2, assumption=True),
        Param("outside_peak_age_weight", 0.5, "relative weight", "weight of ages 17-29 and 56-70 against 30-55 "
              "(assumption)", low=0.1, high=1.0, assumption=True, prior=(0.1, 1)),
        Param("males_17_70_roundup", False, "", "switch: the 'all males from 17 to 70' round-ups as an episode",
              kind="bool"),
        Param("roundup_share_of_males", 0.25, "share", "share of the free men aged 17-70 of the targeted "
              "nationalities taken in the round-up (assumption: no bundled count; range 0-1)", low=0, high=1,
              assumption=True),
        Param("roundup_yyyymm", 193802, "YYYYMM", "month of the round-up (assumption)", kind="integer",
              low=193701, high=193812, assumption=True),
        Param("listed_weight", 5.0, "x not listed", "mechanism mode: weight of someone on the NKVD's lists when an "
              "operation chooses whom to arrest (assumption)", low=1, high=10_000, assumption=True, prior=(1, 50)),
        Param("arrests_until_yyyymm", 193810, "YYYYMM", "mechanism mode: last month in which the national "
              "operations arrest; the halt of November 1938 ends them in any case (assumption: the bundle dates no "
              "end of their arrests; the NKVD's certificates count few arrested under the national orders between "
              "1 Jul 1938, svodka1938_arrested_national_ops, and 1 Nov 1938, zubkin_arrested_national_ops, and the "
              "special troikas of Sep 1938 judged those arrested before 1 Aug 1938, special_troikas_deadline; "
              "range 193803-193810, within one year so that the prior's months are all valid)", kind="integer",
              low=193707, high=193812, assumption=True, prior=(193803, 193810)),
    ]
    for op in NATIONAL_TOTALS:
        first = _MONTHS[op][0]
        out.append(Param(f"{op}_order_yyyymm", int(first.replace("-", "")), "YYYYMM",
                         f"mechanism mode: month of the {op} operation's order, from which it arrests (assumption: "
                         "the bundle has no dates of the national orders; the month its arrests begin in position mode)",
                         kind="integer", low=193701, high=193812, assumption=True))
        out.append(Param(f"{op}_arrests_per_1000_per_month", _HAZARD[op], "per 1000 per month",
                         f"mechanism mode: arrests the {op} operation asks for each month, per 1000 free people aged "
                         "17-70 of its first nationality (assumption)", low=0, high=1000,
                         assumption=True, prior=(0.5, 100.0)))
    return tuple(out)


class NationalOperations(PooledArrests):
    """Arrests by nationality for each national operation; the 17-70 round-ups as a switch."""

    name: ClassVar[str] = "national_operations"
    plan_order: ClassVar[int] = TERROR_PLAN_ORDER["national_operations"]
    runs_by_default: ClassVar[bool] = False
    steps: ClassVar[tuple[str, ...]] = ("arrest",)
    parameter_specs: ClassVar[tuple[Param, ...]] = _specs()

    def __init__(self, **values: Any) -> None:
        super().__init__(**values)
        self._marker: dict[str, tuple[np.ndarray, float]] = {}  # mechanism: first nationality's pool, its scale

    def describe(self) -> dict[str, Any]:
        return {**super().describe(),
                "tables": {"mass_and_national_operations_1937_1938": "totals by operation",
                           "national_operations_supplement": "Greek operation",
                           "arrests_by_nationality_1936_1938": "Finns (Krieger)",
                           "repression_key_totals": "Zubkin: arrested under the national orders (zubkin_arrested_national_ops)"},
                "assumptions": {**self.assumptions(),
                                "months": "each operation's arrests are spread evenly over its months",
                                "harbin_pool": "Harbin: 40% Koreans, 60% Russians"},
                "short_agents": dict(self.short)}

    def prepare(self, sim: Sim) -> None:
        terror = sim.module("terror")
        halt = terror.halted_step(sim)
        if terror.mechanism:
            # the plan marks the active months only (the pools are built for them); counts come from the capacity
            self._plan = {}
            for op in NATIONAL_TOTALS:
                active = np.zeros(sim.n_steps, dtype=np.int64)
                a = max(yyyymm_step(sim, int(self.values[f"{op}_order_yyyymm"])), 0)
                end = min(halt, yyyymm_step(sim, int(self.values["arrests_until_yyyymm"])) + 1, sim.n_steps)
                active[a:max(end, a)] = 1
                self._plan[op] = active
            return
        self._plan = {op: Budget(op, self.values[f"{op}_arrests_by_month_persons"]).per_step(sim, halt)
                      for op in NATIONAL_TOTALS}

    def begin_window(self, sim: Sim, first: int, stop: int) -> None:
        """Pools of the window: each operation's nationalities aged 17-70, each nationality thinned to
        20 times its share of the window's need (``terror_draw.thinned_pool``)."""
        active = [op for op in self._plan if self._plan[op][first:stop].sum() > 0]
        self._pools = {}
        if not active:
            return
        p = sim.people
        column(sim, ATTR["nationality"], self.name)  # the clear error when attributes are off
        masks: dict[str, dict[str, Any]] = {}
        wants: dict[str, float] = {}
        mechanism = sim.module("terror").mechanism
        for op in active:
            need = float(self._plan[op][first:stop].sum())
            for label, share in TARGETS[op].items():
                code = codes("nationality", [label], self.name)[0]
                masks[f"{op}.{label}"] = {ATTR["nationality"]: [code]}
                wants[f"{op}.{label}"] = share * need
            if op in _FALLBACK:
                fb_codes = codes("nationality", _FALLBACK[op], self.name)
                masks[f"{op}.fallback"] = {ATTR["nationality"]: fb_codes}
                wants[f"{op}.fallback"] = need
        needs: Any = wants
        if mechanism:  # the hazard on the first nationality over the active months, shared by the targets
            listed = float(self.values["listed_weight"])

            def needs(sizes: dict[str, int]) -> dict[str, float]:
                out = {}
                for op in active:
                    months = float(self._plan[op][first:stop].sum())
                    first_label, first_share = next(iter(TARGETS[op].items()))
                    total = sum(TARGETS[op].values())
                    reach = float(self.values[f"{op}_arrests_per_1000_per_month"]) / 1000 * months * listed
                    demand = min(reach, 1.0) * sizes[f"{op}.{first_label}"] * total / first_share
                    for label, share in TARGETS[op].items():
                        out[f"{op}.{label}"] = min(demand * share / total, sizes[f"{op}.{label}"])
                    if op in _FALLBACK:
                        out[f"{op}.fallback"] = demand
                return out
        pools, sizes = coded_pools_sized(sim, first, 17, 70, masks, needs, "terror.pool")
        weight_of = self.values["outside_peak_age_weight"]
        self._marker = {}
        for op in active:
            parts, weights = [], []
            for label, share in TARGETS[op].items():
                pool = pools[f"{op}.{label}"]
                if pool.size == 0:
                    continue
                w = age_weights(sim.ages(p["birth_month"][pool], first), 17, 70, outside_peak=weight_of)
                parts.append(pool)
                weights.append(w * share / pool.size)  # each nationality's share of the arrests
            pool = np.concatenate(parts) if parts else np.empty(0, np.int64)
            order = np.argsort(pool, kind="stable")
            self._pools[op] = (pool[order], np.concatenate(weights)[order] if weights else np.empty(0))
            if mechanism:
                self._free[op] = FreePool.of(sim, *self._pools[op],
                                             float(sim.module("terror").values["female_arrest_weight"]))
            first_label, first_share = next(iter(TARGETS[op].items()))
            marker = pools[f"{op}.{first_label}"]
            # free members of the first nationality stand for the operation's reach: whole pool / thinned pool
            self._marker[op] = (marker, sizes[f"{op}.{first_label}"] / max(marker.size, 1)
                                / (first_share / sum(TARGETS[op].values())))
            if op in _FALLBACK:
                fb = pools[f"{op}.fallback"]
                self._pools[op + ".fallback"] = (fb, age_weights(sim.ages(p["birth_month"][fb], first), 17, 70,
                                                                 outside_peak=weight_of))

    def demand(self, sim: Sim, step: int) -> float:
        """Mechanism mode: agents the operations ask to arrest this month (hazards on their nationalities)."""
        self._asked = {}
        for op, plan in self._plan.items():
            if not plan[step] or op not in self._marker:
                continue
            marker, factor = self._marker[op]
            free = count_free(sim, marker)
            self._asked[op] = float(self.values[f"{op}_arrests_per_1000_per_month"]) / 1000 * free * factor
        return sum(self._asked.values())

    def arrest(self, sim: Sim, step: int) -> None:
        """The month's arrests of each operation, then the round-up if it falls in this month."""
        terror = sim.module("terror")
        if terror.mechanism:
            arrest_shares(sim, step, terror, self, {op: p for op, p in self._free.items() if op in self._pools})
            if self.values["males_17_70_roundup"] and step == yyyymm_step(sim, self.values["roundup_yyyymm"]):
                self._roundup(sim, step)
            return
        for op, plan in self._plan.items():
            n = int(plan[step])
            if n <= 0 or op not in self._pools:
                continue
            chosen = self.draw_free(sim, terror, op, n, self.values["female_share"], step)
            if len(chosen) < n and op + ".fallback" in self._pools:
                chosen = np.concatenate([chosen, self.draw_free(sim, terror, op + ".fallback", n - len(chosen),
                                                                self.values["female_share"], step)])
            self.count_short(op, n, chosen)
            terror.arrest(sim, chosen, step, op)
        if self.values["males_17_70_roundup"] and step == yyyymm_step(sim, self.values["roundup_yyyymm"]):
            self._roundup(sim, step)

    def _roundup(self, sim: Sim, step: int) -> None:
        p = sim.people
        nat = column(sim, ATTR["nationality"], self.name)
        ages = sim.ages(p["birth_month"], step)
        men = np.flatnonzero(p["alive"] & (p["sex"] == MALE) & (ages >= 17) & (ages <= 70)
                             & np.isin(nat, codes("nationality", _ROUNDUP_NATIONALITIES, self.name)))
        terror = sim.module("terror")
        men = men[terror.free_mask(sim, men)]
        u = rng.uniform(sim.settings.seed, "terror.arrest.males_17_70", step, p["person_id"][men])
        terror.arrest(sim, men[u < self.values["roundup_share_of_males"]], step, "males_17_70")

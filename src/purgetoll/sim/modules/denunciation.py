"""The denunciation snowball: the interrogated name their contacts; the named fill the NKVD's lists.

Each month, everyone newly arrested (by any operation) is interrogated and names a number of
contacts (Poisson with mean ``names_per_interrogation``): each named person is drawn from the
household (``household_share``), the workplace (``workplace_share``) or the party cell (party
members of the same workplace, the rest), uniformly within that group. The named join the lists
(``t_listed``). Arrests "from the lists" follow, each month up to the interrogators' capacity
(``arrests_capacity_by_month_persons``) and within the prisons' room (``prison_capacity_persons``
minus those held): once the lists are longer than the capacity, arrests equal the capacity and the
lists go on growing; ``female_share`` of those arrested are women (the saturation of 1938: Conquest, seed "The aftermath": "half the urban
population were down on the NKVD lists"). A capacity not used for want of names carries over.

**Cost.** Only the month's newly arrested are visited, and their contacts are found through
group indexes (household, workplace, party cell by workplace) built once a window by a counting
sort: a month's work grows with its arrests, never with the population (see
``bench/bench_purge.py``).

Default capacity (:func:`archival_capacity`): the arrests of 1937 and 1938 that no operation or
elite purge accounts for: in 1937, ``repression_key_totals:arrested_1937`` minus the 1937 defaults
of ``mass_operation``, ``national_operations`` and ``elite_purges``; in 1938, Pospelov's 1937-38
(``pospelov_arrested``) minus ``arrested_1937`` minus their 1938 defaults; each year to a tenth of a
person, spread evenly over its months (January-October in 1938, before the halt), an assumption. Lists at the start: ``initial_listed_persons`` adults drawn uniformly
(assumption: the lists existed before 1937, no bundled source counts them).

**Mechanism mode** (``terror.mode``): no capacity series. Each month the lists ask for
``list_arrest_hazard_per_month`` of the free people on them (after the halt of November 1938, that
times ``terror.arrests_after_halt_factor``); the interrogators' capacity (``terror``, shared with the
operations) decides how many are arrested, uniformly among the listed, and the rest stay on the lists
(the backlog). Names come also from the interrogated's fellow nationals in the region
(``nationality_share``; for the diaspora nationalities of the national operations, else from the
workplace); a named woman is written down with odds ``female_naming_weight`` against a man, and
only people aged 16 and over are named. Women's share of the arrests then follows from who is in
the networks (it is not imposed: ``female_share`` is position mode's).

Random decisions: ``terror.denounce.count``, ``terror.denounce.which.<j>``, ``terror.denounce.pick.<j>``
(step, person id of the interrogated), ``terror.arrest.denunciation`` (step, person id),
``terror.listed.initial`` (0, person id); mechanism mode adds ``terror.denounce.keep.<j>`` (step, person
id of the interrogated).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numba as nb
import numpy as np

from purgetoll.data import figure
from purgetoll.params import Param
from purgetoll.sim import rng
from purgetoll.sim.modules.base import Module
from purgetoll.sim.modules.elite_purges import ElitePurges
from purgetoll.sim.modules.mass_operation import MassOperation
from purgetoll.sim.modules.national_operations import NationalOperations
from purgetoll.sim.modules.terror import (
    ATTR,
    FREE,
    RELEASED,
    TERROR_PLAN_ORDER,
    by_step,
    carry_round,
    codes,
    column,
    pack,
    refresh_slots,
    role,
    slots_of,
    unpack,
)
from purgetoll.sim.modules.terror_draw import FreePool, coded_pool, draw, pick_free, weighted_pick

if TYPE_CHECKING:
    from purgetoll.sim.loop import Sim

__all__ = ["Denunciation", "MAX_NAMES", "ARCHIVAL_CAPACITY", "archival_capacity", "DIASPORA", "MIN_AGE_NAMED"]

MAX_NAMES = 16  # names per interrogation are capped (the Poisson tail beyond is cut)
#: Nationalities whose members name fellow nationals in mechanism mode (the national operations' lines).
DIASPORA: tuple[str, ...] = ("Poles", "Germans", "Latvians", "Estonians", "Finns", "Greeks", "Koreans", "Iranians")
#: Mechanism mode names people of this age and over (assumption: the lists were of adults).
MIN_AGE_NAMED = 16

#: The months of each year the residual arrests are spread over (1938: before the halt).
_CAPACITY_MONTHS = {"1937": range(1, 13), "1938": range(1, 11)}


def archival_capacity() -> dict[str, float]:
    """The residual arrests by month: each year's archival arrests (``arrested_1937``; ``pospelov_arrested``
    less that for 1938) minus what the other arresting modules' defaults take that year, to a tenth of a
    person, spread evenly over the year's months."""
    arrested = {"1937": figure("repression_key_totals:arrested_1937")}
    arrested["1938"] = figure("repression_key_totals:pospelov_arrested") - arrested["1937"]
    taken = dict.fromkeys(arrested, 0.0)
    for module in (MassOperation, NationalOperations, ElitePurges):
        for p in module.parameter_specs:
            if p.kind == "series" and p.name.endswith("arrests_by_month_persons"):
                for label, n in p.default.items():
                    taken[label[:4]] += n
    out: dict[str, float] = {}
    for year, months in _CAPACITY_MONTHS.items():
        residual = round(arrested[year] - taken[year], 1)
        out.update({f"{year}-{m:02d}": residual / len(months) for m in months})
    return out


#: Default interrogator capacity (persons a month): the residual arrests (:func:`archival_capacity`).
ARCHIVAL_CAPACITY: dict[str, float] = archival_capacity()


class Denunciation(Module):
    """Names from the interrogated onto the lists; arrests from the lists within capacity."""

    name: ClassVar[str] = "denunciation"
    plan_order: ClassVar[int] = TERROR_PLAN_ORDER["denunciation"]
    runs_by_default: ClassVar[bool] = False
    steps: ClassVar[tuple[str, ...]] = ("arrest_and_interrogate",)
    parameter_specs: ClassVar[tuple[Param, ...]] = (
        Param("arrests_capacity_by_month_persons", ARCHIVAL_CAPACITY, "persons",
              "interrogators' capacity for arrests from the lists, by month: the residual arrests of 1937 and "
              "1938 (repression_key_totals arrested_1937 and pospelov_arrested minus the other modules' defaults), "
              "spread evenly (Jan-Oct in 1938; assumption)", kind="series", low=0, high=1e8),
        Param("names_per_interrogation", 3.0, "persons", "mean contacts named by each person interrogated "
              "(assumption: no bundled source)", low=0, high=10, assumption=True, prior=(0.5, 8)),
        Param("household_share", 0.3, "share", "share of names from the household (assumption)",
              low=0, high=1, assumption=True, prior=(0, 0.5)),
        Param("workplace_share", 0.5, "share", "share of names from the workplace (assumption, range 0-1; the "
              "rest from the party cell)", low=0, high=1, assumption=True, prior=(0.2, 0.8)),
        Param("prison_capacity_persons", 2_000_000, "persons", "most people held under investigation at once "
              "(assumption, range 1e5-1e7; NKVD prisons held 435,000 at the end of 1940, "
              "nkvd_staff_and_capacity prisons_end_1940, when they were not overloaded)", low=1e5, high=1e7,
              assumption=True),
        Param("initial_listed_persons", 500_000, "persons", "people on the lists at the start (assumption, "
              "range 0-1e7)", low=0, high=1e7, assumption=True, prior=(0, 2_000_000)),
        Param("female_share", 0.05, "share", "women among those arrested from the lists: 5%, the case study's "
              "'perhaps ... 5 percent' of women among the incarcerated (seed text; assumption; Ilic's 'Forgotten "
              "Five Per Cent' is a chapter title, not a figure); the lists name women as often as their contacts "
              "are women, the arrests took men (position mode)", low=0, high=1, assumption=True),
        Param("list_arrest_hazard_per_month", 0.02, "per month",
              "mechanism mode: share of the free people on the lists the NKVD asks to arrest each month "
              "(assumption: no bundled source); the capacity decides how many are", low=0, high=1,
              assumption=True, prior=(0.005, 0.15)),
        Param("nationality_share", 0.1, "share",
              "mechanism mode: share of names from fellow nationals in the same region, for the diaspora "
              "nationalities of the national operations (assumption)", low=0, high=1, assumption=True, prior=(0, 0.3)),
        Param("female_naming_weight", 0.03, "odds",
              "mechanism mode: odds that a woman drawn from the networks is written down, against a man "
              "(assumption: the NKVD's 'organisations' were of men; women were 3% of a sample of OGPU "
              "arrests in Moscow in 1933, repression_key_totals women_share_ogpu_moscow_1933)", low=0, high=1,
              assumption=True, prior=(0.02, 0.5)),
    )

    def __init__(self, **values: Any) -> None:
        super().__init__(**values)
        self.list_ids = np.empty(0, dtype=np.uint32)
        self.list_slots = np.empty(0, dtype=np.int64)  # valid within the window (refresh_slots)
        self._index_key: tuple[int, int] | None = None
        self.done = 0  # agents arrested from the lists so far
        self.named_total = 0
        self.interrogated_total = 0
        self.monthly: list[dict[str, int]] = []
        self._index: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._cand: np.ndarray | None = None  # mechanism mode: the free people on the lists this month

    def describe(self) -> dict[str, Any]:
        return {**super().describe(),
                "tables": {"repression_key_totals": "arrested_1937, pospelov_arrested (the residual capacity)"},
                "lists": self.monthly}

    def state_dict(self) -> dict[str, Any]:
        return {"list_ids": pack(self.list_ids), "done": self.done, "named_total": self.named_total,
                "interrogated_total": self.interrogated_total, "monthly": self.monthly}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.list_ids = unpack(state["list_ids"])
        self._index_key = None  # slots are refreshed and indexes rebuilt at the next window
        self.done, self.named_total = int(state["done"]), int(state["named_total"])
        self.interrogated_total, self.monthly = int(state["interrogated_total"]), list(state["monthly"])

    def prepare(self, sim: Sim) -> None:
        persons = by_step(sim, self.values["arrests_capacity_by_month_persons"])
        self._cum_target = np.cumsum(carry_round(np.cumsum(persons) * sim.settings.scale))

    def setup(self, sim: Sim) -> None:
        """The lists at the start: adults (18-70) drawn uniformly (in mechanism mode a woman with the odds
        ``female_naming_weight``, as the interrogations name)."""
        n = int(round(float(self.values["initial_listed_persons"]) * sim.settings.scale))
        if n <= 0:
            return
        p = sim.people
        mechanism = sim.module("terror").mechanism
        adults = coded_pool(sim, 0, 18, 70, n, "terror.listed.pool", margin=4.0 if mechanism else 2.0)
        u = rng.uniform(sim.settings.seed, "terror.listed.initial", 0, p["person_id"][adults])
        w = np.ones(adults.size)
        if mechanism:
            w[p["sex"][adults] == 1] = float(self.values["female_naming_weight"])
        chosen = adults[weighted_pick(u, w, n)]
        p["t_listed"][chosen] = True
        self.list_ids = p["person_id"][chosen].copy()
        self.list_slots = chosen.astype(np.int64)

    def begin_window(self, sim: Sim, first: int, stop: int) -> None:
        """Group indexes (household, workplace, party cell): one counting sort each, redone only when the
        slots have moved (a compaction); the list's slots after compaction, without the dead."""
        p = sim.people
        if self._index_key is None or not self._index_still_valid(sim):
            hh = column(sim, ATTR["household"], self.name)
            wp = column(sim, ATTR["workplace"], self.name)
            party = role(sim, "party", self.name)
            # the dead stay in the index (they are skipped when named): so the index depends only on
            # the slots, and a resumed run rebuilds exactly the index an uninterrupted one kept
            everyone = np.ones(p.n, dtype=bool)
            self._index = {"household": _csr(hh, everyone), "workplace": _csr(wp, everyone),
                           "party": _csr(wp, party)}
            if sim.module("terror").mechanism:
                region = column(sim, ATTR["region"], self.name)
                nat = column(sim, ATTR["nationality"], self.name)
                # only those with a household (the starting population): babies and the annexed join no
                # group, so a resumed run rebuilds the very index an uninterrupted one kept
                self._index["nationality"] = _nat_csr(region, nat, hh, self._diaspora(), np.int64(_NAT_STRIDE * 128 + 1))
            self._index_key = (int(p.n), int(p["person_id"][p.n - 1]) if p.n else -1)
        slots, found = refresh_slots(sim, self.list_ids)
        keep = found & p["alive"][slots]
        self.list_ids, self.list_slots = self.list_ids[keep], slots[keep]

    def _index_still_valid(self, sim: Sim) -> bool:
        """True while the slots indexed are where they were (no compaction since the index was built):
        new people are only appended, so the last indexed slot still holds the same person."""
        if self._index_key is None:
            return False
        n, last_id = self._index_key
        pid = sim.people["person_id"]
        return n == 0 or (len(pid) >= n and int(pid[n - 1]) == last_id)

    def _listed_free(self, sim: Sim) -> np.ndarray:
        """Slots of the people on the lists who are alive and free (others leave the lists)."""
        p = sim.people
        slots = self.list_slots
        st = p["t_status"][slots]
        return slots[p["alive"][slots] & ((st == FREE) | (st == RELEASED))]

    def demand(self, sim: Sim, step: int) -> float:
        """Mechanism mode: agents the lists ask to arrest this month (a hazard on the free listed)."""
        terror = sim.module("terror")
        factor = float(terror.values["arrests_after_halt_factor"]) if terror.halted(sim, step) else 1.0
        self._cand = self._listed_free(sim)
        return float(self.values["list_arrest_hazard_per_month"]) * factor * self._cand.size

    def arrest_and_interrogate(self, sim: Sim, step: int) -> None:
        """Arrest from the lists within capacity, then interrogate every newly arrested of the month."""
        terror = sim.module("terror")
        if terror.mechanism:
            self._mechanism_step(sim, step, terror)
            return
        p = sim.people
        want = int(self._cum_target[step]) - self.done
        held = int(terror.queue_ids.size)
        room = int(float(self.values["prison_capacity_persons"]) * sim.settings.scale) - held
        want = max(0, min(want, room))
        arrested = 0
        if want > 0 and self.list_ids.size:
            slots = self.list_slots
            st = p["t_status"][slots]
            ok = p["alive"][slots] & ((st == FREE) | (st == RELEASED))
            cand = slots[ok]
            chosen = draw(sim, cand, np.ones(cand.size), want, float(self.values["female_share"]),
                          "terror.arrest.denunciation", step)
            arrested = int(terror.arrest(sim, chosen, step, "denunciation").size)
            self.done += arrested
        self._interrogate(sim, step, terror, arrested, int(self._cum_target[step]) - (self.done - arrested))

    def _mechanism_step(self, sim: Sim, step: int, terror: Any) -> None:
        n = terror.allowance(self.name)
        cand = getattr(self, "_cand", None)
        if cand is None:
            cand = self._listed_free(sim)
        arrested = 0
        if n > 0 and cand.size:
            chosen = pick_free(sim, FreePool.of(sim, cand, np.ones(cand.size)), n, "terror.arrest.denunciation", step)
            arrested = int(terror.arrest(sim, chosen, step, "denunciation").size)
            self.done += arrested
        self._cand = None
        self._interrogate(sim, step, terror, arrested, n)

    def _interrogate(self, sim: Sim, step: int, terror: Any, arrested: int, wanted: int) -> None:
        """Interrogate every newly arrested (all operations; the wives of last month): their names join the lists."""
        p = sim.people
        ids = terror.take_newly_arrested()
        named = self._name(sim, ids, step, terror.mechanism)
        self.interrogated_total += int(ids.size)
        if named.size:
            st = p["t_status"][named]
            named = np.unique(named[p["alive"][named] & ~p["t_listed"][named] & (st == FREE)])
            p["t_listed"][named] = True
            self.list_ids = np.concatenate([self.list_ids, p["person_id"][named]])
            self.list_slots = np.concatenate([self.list_slots, named])
            self.named_total += int(named.size)
        self.monthly.append({"step": step, "interrogated": int(ids.size), "newly_listed": int(named.size),
                             "list_length": int(self.list_ids.size), "arrested_from_lists": arrested,
                             "capacity_wanted": int(wanted)})

    def _name(self, sim: Sim, ids: np.ndarray, step: int, mechanism: bool = False) -> np.ndarray:
        v = self.values
        mean = float(v["names_per_interrogation"])
        if ids.size == 0 or mean <= 0:
            return np.empty(0, dtype=np.int64)
        p = sim.people
        slots = slots_of(sim, ids)
        seed = sim.settings.seed
        n_names = _poisson(rng.uniform(seed, "terror.denounce.count", step, ids), mean)
        u_which = np.stack([rng.uniform(seed, f"terror.denounce.which.{j}", step, ids) for j in range(int(n_names.max()))]) \
            if n_names.max() > 0 else np.empty((0, ids.size))
        u_pick = np.stack([rng.uniform(seed, f"terror.denounce.pick.{j}", step, ids) for j in range(int(n_names.max()))]) \
            if n_names.max() > 0 else np.empty((0, ids.size))
        hh_off, hh_order = self._index["household"]
        wp_off, wp_order = self._index["workplace"]
        pc_off, pc_order = self._index["party"]
        household = float(v["household_share"])
        workplace = float(min(v["workplace_share"], 1 - household))  # the rest from the party cell
        if not mechanism:
            return _name_kernel(slots, n_names, u_which, u_pick, household, workplace,
                                p[ATTR["household"]], p[ATTR["workplace"]], hh_off, hh_order, wp_off, wp_order,
                                pc_off, pc_order)
        nationality = float(min(v["nationality_share"], 1 - household - workplace))
        u_keep = np.stack([rng.uniform(seed, f"terror.denounce.keep.{j}", step, ids) for j in range(int(n_names.max()))]) \
            if n_names.max() > 0 else np.empty((0, ids.size))
        nat_off, nat_order = self._index["nationality"]
        month = np.int64(sim.month(step))
        return _name_kernel_mechanism(slots, n_names, u_which, u_pick, u_keep, household, workplace, nationality,
                                      p[ATTR["household"]], p[ATTR["workplace"]], p[ATTR["region"]],
                                      p[ATTR["nationality"]], self._diaspora(), hh_off, hh_order, wp_off, wp_order,
                                      pc_off, pc_order, nat_off, nat_order, p["sex"], p["birth_month"],
                                      np.int64(month - 12 * MIN_AGE_NAMED), float(v["female_naming_weight"]))

    @staticmethod
    def _diaspora() -> np.ndarray:
        """Look-up table over nationality codes (int8 as uint8): True for the diaspora nationalities."""
        lut = np.zeros(256, dtype=np.bool_)
        lut[codes("nationality", list(DIASPORA), "denunciation")] = True
        return lut


def _poisson(u: np.ndarray, mean: float) -> np.ndarray:
    """Poisson counts by inverting the CDF at keyed uniforms (capped at MAX_NAMES)."""
    k = np.zeros(u.shape[0], dtype=np.int64)
    pmf = np.exp(-mean)
    cdf = pmf
    for j in range(1, MAX_NAMES + 1):
        k += u > cdf
        pmf *= mean / j
        cdf += pmf
    return k


def _csr(group: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Members of each group id (0 means none): offsets and slots (counting sort)."""
    g = np.asarray(group)
    valid = mask & (g > 0)  # id 0: no household / workplace (attributes module)
    n_groups = int(g.max()) + 1 if g.size else 0
    return _counting_sort(g, valid, n_groups)


@nb.njit(cache=True)
def _counting_sort(g, valid, n_groups):
    off = np.zeros(n_groups + 1, dtype=np.int64)
    for i in range(g.shape[0]):
        if valid[i]:
            off[g[i] + 1] += 1
    for j in range(n_groups):
        off[j + 1] += off[j]
    fill = off[:n_groups].copy()
    order = np.empty(off[n_groups], dtype=np.int32)
    for i in range(g.shape[0]):
        if valid[i]:
            order[fill[g[i]]] = i
            fill[g[i]] += 1
    return off, order


@nb.njit(cache=True)
def _pick(off, order, gid, u, self_slot):
    """A member of group ``gid`` other than ``self_slot``, uniformly (-1 if there is none).

    Draw one of the first n-1 positions; if that is oneself, take the last member instead: every
    other member then has probability 1/(n-1).
    """
    if gid < 0 or gid + 1 >= off.shape[0]:
        return -1
    a, b = off[gid], off[gid + 1]
    n = b - a
    if n <= 1:
        return -1
    c = order[a + int(u * (n - 1))]
    if c == self_slot:
        c = order[b - 1]
    return c


@nb.njit(cache=True)
def _name_kernel(slots, n_names, u_which, u_pick, hh_share, wp_share, hh, wp,
                 hh_off, hh_order, wp_off, wp_order, pc_off, pc_order):
    total = 0
    for i in range(slots.shape[0]):
        total += n_names[i]
    out = np.empty(total, dtype=np.int64)
    m = 0
    for i in range(slots.shape[0]):
        s = slots[i]
        for j in range(n_names[i]):
            w = u_which[j, i]
            if w < hh_share:
                c = _pick(hh_off, hh_order, hh[s], u_pick[j, i], s)
            elif w < hh_share + wp_share:
                c = _pick(wp_off, wp_order, wp[s], u_pick[j, i], s)
            else:
                c = _pick(pc_off, pc_order, wp[s], u_pick[j, i], s)
            if c >= 0:
                out[m] = c
                m += 1
    return out[:m]


_NAT_STRIDE = 16  # group id of a fellow-national group: region x 16 + nationality code + 1


@nb.njit(cache=True)
def _nat_group(region, nat, diaspora, s):
    r, c = np.int64(region[s]), np.int64(nat[s])
    if r < 0 or c < 0 or not diaspora[c]:
        return np.int64(0)
    return r * _NAT_STRIDE + c + 1


@nb.njit(cache=True)
def _nat_csr(region, nat, household, diaspora, n_groups):
    """Members of each fellow-national group (diaspora nationality x region) among those with a
    household: offsets and slots."""
    off = np.zeros(n_groups + 1, dtype=np.int64)
    for i in range(region.shape[0]):
        g = _nat_group(region, nat, diaspora, i)
        if g > 0 and household[i] > 0:
            off[g + 1] += 1
    for j in range(n_groups):
        off[j + 1] += off[j]
    fill = off[:n_groups].copy()
    order = np.empty(off[n_groups], dtype=np.int32)
    for i in range(region.shape[0]):
        g = _nat_group(region, nat, diaspora, i)
        if g > 0 and household[i] > 0:
            order[fill[g]] = i
            fill[g] += 1
    return off, order


@nb.njit(cache=True)
def _name_kernel_mechanism(slots, n_names, u_which, u_pick, u_keep, hh_share, wp_share, nat_share, hh, wp, region,
                           nat, diaspora, hh_off, hh_order, wp_off, wp_order, pc_off, pc_order, nat_off, nat_order,
                           sex, birth_month, born_by, female_weight):
    """Mechanism mode's naming: household, workplace, fellow nationals (diaspora only, else workplace),
    party cell; only people born by ``born_by`` (aged 16+); a woman kept with odds ``female_weight``."""
    total = 0
    for i in range(slots.shape[0]):
        total += n_names[i]
    out = np.empty(total, dtype=np.int64)
    m = 0
    for i in range(slots.shape[0]):
        s = slots[i]
        g_nat = _nat_group(region, nat, diaspora, s)
        for j in range(n_names[i]):
            w = u_which[j, i]
            if w < hh_share:
                c = _pick(hh_off, hh_order, hh[s], u_pick[j, i], s)
            elif w < hh_share + wp_share:
                c = _pick(wp_off, wp_order, wp[s], u_pick[j, i], s)
            elif w < hh_share + wp_share + nat_share:
                if g_nat > 0:
                    c = _pick(nat_off, nat_order, g_nat, u_pick[j, i], s)
                else:
                    c = _pick(wp_off, wp_order, wp[s], u_pick[j, i], s)
            else:
                c = _pick(pc_off, pc_order, wp[s], u_pick[j, i], s)
            if c < 0 or birth_month[c] > born_by:
                continue
            if sex[c] == 1 and u_keep[j, i] >= female_weight:
                continue
            out[m] = c
            m += 1
    return out[:m]

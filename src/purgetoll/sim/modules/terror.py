"""The Terror's common ground: who is free, held, in a camp or shot; arrests; the waiting queue.

Every terror module (``mass_operation``, ``national_operations``, ``elite_purges``,
``denunciation``, ``family_repression``, ``sentencing``, ``gulag``) works through this module,
named ``terror``:

* **Columns** (3 bytes a person): ``t_status`` (free, held under investigation, in a camp, shot,
  released, other sentence), ``t_operation`` (the operation of the arrest), ``t_listed`` (named
  under interrogation, so on the NKVD's lists). What only concerns the few (the arrest step, camp
  admission and term end) lives with the queue and the camps, not in every person's row.
* **Events** (:data:`EVENT_MEANINGS`, with the event columns ``operation``, ``body``, ``category``,
  ``camp_type`` and who the person is, :data:`WHO_COLUMNS`: ``region``, ``urban``, ``nationality``,
  ``social_group``, ``party``, ``household_id``): ``arrest``, ``sentence``, ``execution``,
  ``camp_admission``, ``in_camp_at_start``, ``camp_death``, ``release`` (from a camp),
  ``release_from_custody``, ``death_in_custody``, ``child_removed``. The arrest is the admission to
  custody (prisons and transit): the model has no other prison admission.
* **Arrest** (:meth:`Terror.arrest`): marks the person held, logs the event with the person's
  region, adds them to the queue waiting for a sentence and to the month's newly arrested (who are
  interrogated by the ``denunciation`` module); optionally raises their death hazard in prison.
* **The halt**: the decree of 17 Nov 1938 ended the mass and national operations and abolished the
  troikas; arrests of the operations stop from ``operations_halt_yyyymm`` (see :meth:`halted`).
* **Two modes** (``mode``). In ``position`` mode each module imposes a published account's totals
  and decides only who. In ``mechanism`` mode only the historical inputs are imposed (Order 00447's
  limits, the orders and their dates, the halt, the NKVD's staff) and arrests, sentences and deaths
  emerge. This module then runs the machinery every arrest goes through
  (:mod:`~purgetoll.sim.modules.custody`): the interrogators' capacity (``interrogators_persons`` x
  ``cases_per_interrogator_per_month``, less the interrogators arrested), shared by the operations
  in proportion to what each asks for (:meth:`Terror.allowance`), the arrests stopping when the
  prisons hold ``prison_max_occupancy_ratio`` times their places; and the prisons, whose death rate
  rises with overcrowding.

Codes of the event columns are the positions in :data:`OPERATIONS`, :data:`BODIES`,
:data:`CATEGORIES`, :data:`CAMP_TYPES` and the attributes' ``REGIONS``, ``NATIONALITIES`` and
``SOCIAL_GROUPS``; the event log writes them as their labels (:class:`~purgetoll.sim.events.EventColumn`).

Attributes (region, social group, nationality, household, workplace, ...) are the per-person
columns of the ``attributes`` module (issue 6 part A); :func:`column` names the module to enable
when one is missing.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from purgetoll.errors import DataError
from purgetoll.params import Param
from purgetoll.sim.attributes_tables import NATIONALITIES, OBLASTS_00447, REGIONS, SOCIAL_GROUPS
from purgetoll.sim.events import EventColumn
from purgetoll.sim.modules.base import Module
from purgetoll.sim.modules.custody import Machinery
from purgetoll.sim.state import Column

if TYPE_CHECKING:
    from purgetoll.sim.loop import Sim

__all__ = ["Terror", "OPERATIONS", "BODIES", "CATEGORIES", "CAMP_TYPES", "STATUS", "FREE", "HELD", "CAMP", "EXECUTED",
           "RELEASED", "OTHER_SENTENCE", "op_code", "column", "slots_of", "step_of_label", "by_step",
           "carry_round", "weighted_pick", "yyyymm_step", "TERROR_PLAN_ORDER", "ATTR", "ROLE_BITS", "pack", "unpack", "refresh_slots", "in_codes", "role", "labels", "codes", "republic_of", "MODES",
           "mechanism_mode", "WHO_COLUMNS", "EVENT_MEANINGS"]

#: Operation codes (event column ``operation``, person column ``t_operation``).
OPERATIONS: tuple[str, ...] = (
    "none", "prior", "order_00447", "polish", "german", "harbin", "latvian", "greek", "finnish",
    "other_national", "males_17_70", "party", "army", "nkvd", "managers", "denunciation", "order_00486",
    "nonpolitical",
)
#: Sentencing bodies (event column ``body``).
BODIES: tuple[str, ...] = ("none", "troika", "dvoika", "military_collegium", "oso", "court", "special_troika")
#: Sentence categories (event column ``category``): 1 shooting, 2 camp, other sentences (exile etc.).
CATEGORIES: tuple[str, ...] = ("none", "shooting", "camp", "other")
#: Camp types (event column ``camp_type``): the far-north camps (Sevvostlag, Kolyma) and the rest.
CAMP_TYPES: tuple[str, ...] = ("none", "other", "far_north")
#: The two modes of the terror modules (parameter ``terror.mode``).
MODES: tuple[str, ...] = ("position", "mechanism")
#: Person status codes (column ``t_status``).
STATUS: tuple[str, ...] = ("free", "held", "camp", "executed", "released", "other_sentence")
FREE, HELD, CAMP, EXECUTED, RELEASED, OTHER_SENTENCE = range(6)

#: plan_order of the terror modules: after demography and attributes, in the order arrests,
#: interrogation, sentencing, families, camps.
TERROR_PLAN_ORDER = {"terror": 200, "elite_purges": 210, "mass_operation": 220, "national_operations": 230,
                     "denunciation": 250, "sentencing": 260, "family_repression": 270, "gulag": 280}


#: Per-person columns of the attributes module (issue 6 part A, ``sim/modules/attributes.py``) that
#: the terror modules read. Codes: ``region``, ``social_group`` and ``nationality`` index the tuples
#: ``REGIONS``, ``SOCIAL_GROUPS`` and ``NATIONALITIES`` of ``sim/attributes_tables.py``; ``roles`` holds
#: bit flags (:data:`ROLE_BITS`); household and workplace id 0 means none.
ATTR: dict[str, str] = {
    "region": "region", "urban": "urban", "social_group": "social_group", "roles": "roles",
    "nationality": "nationality", "household": "household_id", "workplace": "workplace_id",
}
#: Bits of the ``roles`` column (``attributes.PARTY``, ``ARMY_COMMAND``, ``NKVD_STAFF``).
ROLE_BITS: dict[str, int] = {"party": 1, "army_command": 2, "nkvd_staff": 4}


def role(sim: Sim, name: str, who: str) -> np.ndarray:
    """Boolean mask of a role (``party``, ``army_command``, ``nkvd_staff``) over the people."""
    return (column(sim, ATTR["roles"], who) & ROLE_BITS[name]) != 0


_ATTRIBUTE_LABELS: dict[str, tuple[str, ...]] = {
    "region": REGIONS, "nationality": NATIONALITIES, "social_group": SOCIAL_GROUPS}


def labels(kind: str) -> tuple[str, ...]:
    """Labels of the attribute codes: ``region``, ``nationality`` or ``social_group``."""
    try:
        return _ATTRIBUTE_LABELS[kind]
    except KeyError:
        raise KeyError(f"no labels for {kind!r}; kinds are {', '.join(_ATTRIBUTE_LABELS)}") from None


def republic_of(region: np.ndarray) -> tuple[np.ndarray, tuple[str, ...]]:
    """Republic index of region codes and the republic labels: RSFSR oblasts and 'RSFSR (other)' map to
    'RSFSR'; any region that is not a republic (e.g. 'annexed 1939-40') keeps its own label."""
    rep_labels = tuple(dict.fromkeys("RSFSR" if (r in OBLASTS_00447 or r.startswith("RSFSR")) else r
                                     for r in REGIONS))
    lookup = np.array([rep_labels.index("RSFSR" if (r in OBLASTS_00447 or r.startswith("RSFSR")) else r)
                       for r in REGIONS], dtype=np.int64)
    r = np.asarray(region).astype(np.int64)
    return lookup[np.clip(r, 0, len(lookup) - 1)], rep_labels


def codes(kind: str, names: list[str] | tuple[str, ...], who: str) -> np.ndarray:
    """Codes of attribute labels; a DataError naming the unknown label and the valid ones."""
    lab = labels(kind)
    out = []
    for n in names:
        if n not in lab:
            raise DataError(who, f"unknown {kind} {n!r}; expected one of {list(lab)}")
        out.append(lab.index(n))
    return np.asarray(out, dtype=np.int64)


def pack(arr: np.ndarray) -> str:
    """A numeric array as a JSON-able string (base64 of its bytes): module state for checkpoints,
    where a list of millions of ids would cost seconds of JSON."""
    a = np.ascontiguousarray(arr)
    return f"{a.dtype.str}:" + base64.b64encode(a.tobytes()).decode("ascii")


def unpack(text: str) -> np.ndarray:
    """Inverse of :func:`pack`."""
    dtype, _, data = text.partition(":")
    return np.frombuffer(base64.b64decode(data), dtype=np.dtype(dtype)).copy()


def op_code(name: str) -> int:
    """Code of an operation name (KeyError listing the operations if unknown)."""
    try:
        return OPERATIONS.index(name)
    except ValueError:
        raise KeyError(f"unknown operation {name!r}; operations are {list(OPERATIONS)}") from None


def column(sim: Sim, name: str, who: str) -> np.ndarray:
    """Per-person column ``name`` (from the attributes module); a clear error when it is missing."""
    if name not in sim.people.columns:
        raise DataError(who, f"needs the per-person column {name!r} of the 'attributes' module; enable "
                        f"[attributes] in the scenario (columns present: {sorted(sim.people.columns)})")
    return sim.people[name]


def slots_of(sim: Sim, ids: np.ndarray) -> np.ndarray:
    """Current slots of person ids (ids are increasing in slot order; compaction keeps the order)."""
    ids = np.asarray(ids, dtype=np.uint32)
    if ids.size == 0:
        return np.empty(0, dtype=np.int64)
    # looked up in sorted order (refresh_slots): at 1:1 a million random binary searches over 162
    # million ids miss the cache at every level; sorted, the searches walk the ids forward
    s, found = refresh_slots(sim, ids)
    if not found.all():
        raise DataError("terror", "a queued person id is no longer in the population (compacted while queued)")
    return s


def refresh_slots(sim: Sim, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Slots of ``ids`` after a compaction, and which ids are still in the arrays.

    Lists of ids (the queue, the NKVD's lists, the camps) keep their slots alongside, valid within a
    window; this recomputes them once a window. The ids are looked up in sorted order (``searchsorted``
    then walks the people's ids forward instead of jumping around them).
    """
    pid = sim.people["person_id"]
    ids = np.asarray(ids, dtype=np.uint32)
    if ids.size == 0 or pid.size == 0:
        return np.zeros(ids.size, dtype=np.int64), np.zeros(ids.size, dtype=bool)
    order = np.argsort(ids, kind="stable")
    s = np.empty(ids.size, dtype=np.int64)
    s[order] = np.searchsorted(pid, ids[order])
    np.minimum(s, pid.size - 1, out=s)
    return s, pid[s] == ids


def in_codes(values: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """``np.isin`` for small integer codes (int8 attributes): a lookup table, several times faster."""
    values = np.asarray(values)
    lut = np.zeros(256, dtype=bool)
    if values.dtype.itemsize == 1:  # int8/uint8: the byte itself indexes the table, no temporary
        lut[np.asarray(wanted, dtype=np.int64) & 0xFF] = True
        return lut[values.view(np.uint8)]
    return np.isin(values, wanted)


def step_of_label(sim: Sim, label: str) -> int:
    """Step of a month label ``YYYY-MM`` (the step starting in that month; may be outside the run)."""
    y, m = int(label[:4]), int(label[5:7])
    return (y - 1900) * 12 + m - 1 - sim.start_month


def by_step(sim: Sim, series: dict[str, float], *, spread_years: bool = True) -> np.ndarray:
    """The value of each step from a series by month (``YYYY-MM``) or year (``YYYY``): a year's value
    spread evenly over its twelve months (``spread_years``, for counts) or given to each of them (for
    rates); months outside the run are dropped. In the series' unit (persons, not agents)."""
    out = np.zeros(sim.n_steps)
    for label, value in series.items():
        label = str(label)
        months = [f"{label}-{m:02d}" for m in range(1, 13)] if len(label) == 4 else [label]
        for lab in months:
            k = step_of_label(sim, lab)
            if 0 <= k < sim.n_steps:
                out[k] += float(value) / (len(months) if spread_years else 1)
    return out


def yyyymm_step(sim: Sim, yyyymm: int) -> int:
    """Step of an integer month ``YYYYMM``."""
    return (yyyymm // 100 - 1900) * 12 + yyyymm % 100 - 1 - sim.start_month


def carry_round(cumulative: np.ndarray) -> np.ndarray:
    """Whole counts per step whose running sum is ``floor`` of the cumulative target (no drift).

    Deterministic, so a scenario's totals are exact to one agent and common random numbers hold.
    """
    c = np.floor(np.asarray(cumulative, dtype=np.float64) + 1e-9)
    return np.diff(np.concatenate([[0.0], c])).astype(np.int64)


def weighted_pick(u: np.ndarray, weights: np.ndarray, n: int) -> np.ndarray:
    """Indices of ``n`` items drawn without replacement with probability ~ ``weights``.

    Efraimidis-Spirakis keys ``-log(u) / w``: the ``n`` smallest win. ``u`` are keyed uniforms, one
    per item, so a pick depends only on the items' own draws (common random numbers).
    """
    n = min(int(n), int(np.count_nonzero(weights > 0)))
    if n <= 0:
        return np.empty(0, dtype=np.int64)
    if weights.size and np.all(weights == weights[0]):
        # equal weights: the smallest -log(u)/w are the largest u (no logarithms over long lists)
        idx = np.argpartition(-u, n - 1)[:n] if n < len(u) else np.arange(len(u))
        return np.sort(idx).astype(np.int64)
    pos = weights > 0
    # log of the key -log(u)/w: the same order, and no overflow for tiny weights
    key = np.full(len(weights), np.inf)
    key[pos] = np.log(-np.log(u[pos])) - np.log(weights[pos])
    idx = np.argpartition(key, n - 1)[:n] if n < len(key) else np.arange(len(key))
    return np.sort(idx).astype(np.int64)


_NOT_TERROR = "events other than the terror's (birth, death, annexed)"
_NO_ATTRIBUTES = f"{_NOT_TERROR}; every event of a run without the attributes module"
#: Event columns saying who the person is (the attributes module's columns at the event).
WHO_COLUMNS: tuple[EventColumn, ...] = (
    EventColumn("region", "int8", "region of residence: the RSFSR regions with Order 00447 limits of their own, "
                "the rest of the RSFSR, the other union republics, the territories annexed in 1939-40",
                "label", _NO_ATTRIBUTES, labels=REGIONS, missing=-1),
    EventColumn("urban", "bool", "lives in a town (census definition); false: in the country", "true/false",
                _NO_ATTRIBUTES),
    EventColumn("nationality", "int8", "nationality", "label", _NO_ATTRIBUTES, labels=NATIONALITIES, missing=-1),
    EventColumn("social_group", "int8", "social group (former_kulak: special settlers and other former kulaks; "
                "former_people: nobility, officers, officials and merchants of the old regime and their families)",
                "label", _NO_ATTRIBUTES, labels=SOCIAL_GROUPS, missing=-1),
    EventColumn("party", "bool", "member or candidate member of the party (VKP(b)) at the start of the run",
                "true/false", _NO_ATTRIBUTES),
    EventColumn("household_id", "uint32", "the person's household: the people of one household share it "
                "(a group of agents at scale < 1)", "id",
                f"{_NO_ATTRIBUTES}; people in no household (born or annexed during the run)", missing=0),
)

#: What each terror event is (the event kinds of the ``terror`` module, in this order).
EVENT_MEANINGS: dict[str, str] = {
    "arrest": "arrested under an operation (column operation). The arrest is the admission to custody (NKVD "
              "prisons and transit; the model logs no other prison admission): the person is held from this month "
              "until an execution, a camp_admission, a sentence of category other, a release_from_custody or a "
              "death_in_custody",
    "sentence": "sentenced by a body (column body) to a category (column category): shooting, camp, or other "
                "(exile and the like, which ends the custody)",
    "execution": "shot after a death sentence",
    "camp_admission": "admitted to a camp (column camp_type) with a camp sentence, leaving custody; in mechanism "
                      "mode also the ordinary courts' prisoners (operation nonpolitical), who have no arrest event",
    "in_camp_at_start": "in a camp at the start of the run (operation prior)",
    "camp_death": "died in a camp",
    "release": "released from a camp",
    "death_in_custody": "died in custody (prison or transit), before a sentence or while awaiting execution or "
                        "transport to a camp",
    "child_removed": "a child under 15 of a wife arrested under Order 00486, sent to a children's home or to "
                     "relatives (not arrested)",
    "release_from_custody": "released from custody without a sentence (in mechanism mode, a share of the troikas' "
                            "and dvoikas' cases at the halt of November 1938)",
}


def mechanism_mode(sim: Sim) -> bool:
    """True when the run's ``terror`` module is in mechanism mode."""
    terror = sim.modules.get("terror")
    return terror is not None and terror.values.get("mode") == "mechanism"


class Terror(Module):
    """Status columns, the arrest routine, the queue awaiting sentence, the halt of Nov 1938, and in
    mechanism mode the interrogators' capacity and the prisons."""

    name: ClassVar[str] = "terror"
    plan_order: ClassVar[int] = TERROR_PLAN_ORDER["terror"]
    runs_by_default: ClassVar[bool] = False
    columns: ClassVar[tuple[Column, ...]] = (
        Column("t_status", "int8", FREE, "terror status: 0 free, 1 held, 2 camp, 3 executed, 4 released, "
               "5 other sentence (codes in terror.STATUS)"),
        Column("t_operation", "int8", 0, "operation of the arrest (terror.OPERATIONS; 18 codes fit int8)"),
        Column("t_listed", "bool", False, "named by someone under interrogation (on the NKVD's lists)"),
    )
    event_meanings: ClassVar[dict[str, str]] = EVENT_MEANINGS
    event_kinds: ClassVar[tuple[str, ...]] = tuple(EVENT_MEANINGS)
    event_columns: ClassVar[tuple[EventColumn, ...]] = (
        EventColumn("operation", "int8", "the operation the person was arrested under (prior: in a camp at the "
                    "start; nonpolitical: sentenced by the ordinary courts)", "label", _NOT_TERROR,
                    labels=OPERATIONS, missing=0),
        EventColumn("body", "int8", "the body that passed the sentence (troika, dvoika, military_collegium: the "
                    "Military Collegium of the Supreme Court, oso: the NKVD's Special Board, court: the courts, "
                    "special_troika)", "label", "every event but sentence", labels=BODIES, missing=0),
        EventColumn("category", "int8", "the sentence's category: shooting (category 1), camp (category 2), other "
                    "(exile and the like)", "label", "every event but sentence, execution (shooting), camp_admission and "
                    "in_camp_at_start (camp)", labels=CATEGORIES, missing=0),
        EventColumn("camp_type", "int8", "the camp: far_north (Sevvostlag, Kolyma) or other", "label",
                    "every event but camp_admission, in_camp_at_start, camp_death and release",
                    labels=CAMP_TYPES, missing=0),
        *WHO_COLUMNS,
    )
    steps: ClassVar[tuple[str, ...]] = ("new_month",)
    parameter_specs: ClassVar[tuple[Param, ...]] = (
        Param("mode", "position", "", "position: the modules impose a published account's totals and decide only "
              "who; mechanism: only the historical inputs are imposed (limits, orders, dates, the halt, staff) and "
              "arrests, sentences and deaths emerge from the machinery", kind="choice", choices=MODES),
        Param("operations_halt_yyyymm", 193811, "YYYYMM",
              "month from which the mass and national operations make no more arrests and the troikas "
              "and dvoikas no longer sentence: the decree of the SNK and CC of 17 Nov 1938 ('On arrests, "
              "procuratorial supervision and the conduct of investigations')", kind="integer",
              low=193701, high=194012),
        Param("arrests_after_halt_factor", 0.05, "x",
              "mechanism mode: the hazards of the lists and of the elite purges after the halt, relative to before "
              "(assumption: the decree of 17 Nov 1938 forbade mass arrests; arrests fell by more than "
              "nine tenths from 1938 to 1939, repression_key_totals arrested_1938, arrested_1939)", low=0, high=1,
              assumption=True, prior=(0, 0.3)),
        Param("female_arrest_weight", 0.02, "odds",
              "mechanism mode: weight of a woman against a man of the same group and age when the operations and "
              "purges choose whom to arrest (assumption: women were 3% of a sample of OGPU arrests "
              "in Moscow in 1933, repression_key_totals women_share_ogpu_moscow_1933)", low=0, high=1,
              assumption=True, prior=(0.02, 0.5)),
        Param("prison_hazard_multiplier", 1.0, "x life table",
              "position mode: death hazard of a person held under investigation relative to the life table "
              "(assumption: no bundled source gives prison mortality in 1937-38; range 1-10)",
              low=1.0, high=10.0, assumption=True),
        Param("interrogators_persons", 35_000, "persons",
              "mechanism mode: NKVD operational officers investigating cases at the start of 1937 "
              "(assumption: the bundle has no 1937-38 total of NKVD operational staff; it has 671 "
              "operational posts vacant in the Ukrainian NKVD alone in Feb 1938 and a central apparatus of over "
              "30,000 in 1940, nkvd_staff_and_capacity); those arrested in the purges of the NKVD leave",
              low=1_000, high=1_000_000, assumption=True, prior=(10_000, 50_000)),
        Param("cases_per_interrogator_per_month", 4.0, "cases per officer per month",
              "mechanism mode: new cases (arrests) an officer takes on in a month (assumption: no "
              "bundled source; Molotov oblast's cases completed within the month rose from 9 to 84 between Aug "
              "and Dec 1937, operation_timing_and_throughput)", low=0.1, high=50, assumption=True, prior=(1, 10)),
        Param("prison_places_persons", 300_000, "persons",
              "mechanism mode: places in NKVD prisons and transit (assumption: 'usually "
              "250-300 thousand in prisons' and 435,000 held at the end of 1940, nkvd_staff_and_capacity; no "
              "limit for 1937-38 in the bundle)", low=10_000, high=5_000_000, assumption=True, prior=(150_000, 600_000)),
        Param("prison_mortality_per_1000_per_year", 10.0, "per 1000 per year",
              "mechanism mode: deaths in custody beyond the life table while the prisons are within their places "
              "(assumption)", low=0, high=500, assumption=True, prior=(0, 50)),
        Param("prison_overcrowding_mortality_factor", 1.0, "x per 100% over places",
              "mechanism mode: the death rate in custody is multiplied by 1 + factor x (occupancy / places - 1) "
              "when the prisons are over their places (assumption)", low=0, high=50, assumption=True, prior=(0, 5)),
        Param("prison_max_occupancy_ratio", 3.0, "x places",
              "mechanism mode: arrests stop while the prisons hold more than this many times their places "
              "(assumption: 'interrogators, prisons, and camps, already grotesquely overloaded', "
              "seed, 'The aftermath')", low=1.0, high=20.0, assumption=True, prior=(1.5, 5)),
    )

    def __init__(self, **values: Any) -> None:
        super().__init__(**values)
        # the queue awaiting sentence: person ids in arrest order (FIFO) with their arrest step
        self.queue_ids = np.empty(0, dtype=np.uint32)
        self.queue_steps = np.empty(0, dtype=np.int16)
        self.queue_slots = np.empty(0, dtype=np.int64)  # valid within the window (see refresh_slots)
        self.new_ids: list[np.ndarray] = []  # arrested this month (interrogated by denunciation)
        self.arrests_by_op = np.zeros(len(OPERATIONS), dtype=np.int64)
        self.machine = Machinery(self.values) if self.values["mode"] == "mechanism" else None

    def describe(self) -> dict[str, Any]:
        out = super().describe()
        out["codes"] = {"operation": list(OPERATIONS), "body": list(BODIES), "category": list(CATEGORIES),
                        "camp_type": list(CAMP_TYPES), "t_status": list(STATUS)}
        if self.machine is not None:
            out["machinery_by_month"] = self.machine.monthly
        return out

    def state_dict(self) -> dict[str, Any]:
        new = np.concatenate(self.new_ids) if self.new_ids else np.empty(0, np.uint32)
        out: dict[str, Any] = {"queue_ids": pack(self.queue_ids), "queue_steps": pack(self.queue_steps),
               "arrests_by_op": self.arrests_by_op.tolist(), "new_ids": pack(new)}
        if self.machine is not None:
            out["machine"] = self.machine.state_dict()
        return out

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.queue_ids = unpack(state["queue_ids"])
        self.queue_steps = unpack(state["queue_steps"])
        self.arrests_by_op = np.asarray(state["arrests_by_op"], dtype=np.int64)
        self.new_ids = [unpack(state["new_ids"])]
        if self.machine is not None:
            self.machine.load_state_dict(state["machine"])

    def setup(self, sim: Sim) -> None:
        if self.machine is not None:
            self.machine.setup(sim)

    def begin_window(self, sim: Sim, first: int, stop: int) -> None:
        """Slots of the queue after compaction (those compacted away had died: dropped)."""
        slots, found = refresh_slots(sim, self.queue_ids)
        self.queue_ids, self.queue_steps, self.queue_slots = self.queue_ids[found], self.queue_steps[found], slots[found]

    # -- helpers for the other terror modules ----------------------------------------------------
    @property
    def mechanism(self) -> bool:
        """True in mechanism mode."""
        return self.machine is not None

    def halted_step(self, sim: Sim) -> int:
        """Step of the halt (may be beyond the run)."""
        return yyyymm_step(sim, int(self.values["operations_halt_yyyymm"]))

    def halted(self, sim: Sim, step: int) -> bool:
        """True from the month of the halt on (no more operation arrests, no troikas)."""
        return step >= self.halted_step(sim)

    def region_of(self, sim: Sim, slots: np.ndarray) -> np.ndarray:
        """Region codes of ``slots`` (-1 when the attributes module gives no region)."""
        if ATTR["region"] in sim.people.columns:
            return sim.people[ATTR["region"]][slots].astype(np.int16)
        return np.full(len(slots), -1, dtype=np.int16)

    def who(self, sim: Sim, slots: np.ndarray) -> dict[str, np.ndarray]:
        """The event columns saying who ``slots`` are (:data:`WHO_COLUMNS`); none without attributes (null)."""
        p = sim.people
        if ATTR["region"] not in p.columns:
            return {}
        return {"region": p[ATTR["region"]][slots],
                "urban": p[ATTR["urban"]][slots],
                "nationality": p[ATTR["nationality"]][slots],
                "social_group": p[ATTR["social_group"]][slots],
                "party": (p[ATTR["roles"]][slots] & ROLE_BITS["party"]) != 0,
                "household_id": p[ATTR["household"]][slots]}

    def free_mask(self, sim: Sim, slots: np.ndarray) -> np.ndarray:
        """Which of ``slots`` are alive and free to be arrested (never arrested, or released)."""
        p = sim.people
        st = p["t_status"][slots]
        return p["alive"][slots] & ((st == FREE) | (st == RELEASED))

    def allowance(self, module: str) -> int:
        """Mechanism mode: agents ``module`` may arrest this month (its share of the capacity)."""
        if self.machine is None:
            raise DataError("terror", "allowance() exists in mechanism mode only")
        return self.machine.take(module)

    def arrest(self, sim: Sim, slots: np.ndarray, step: int, operation: str) -> np.ndarray:
        """Arrest the living free people among ``slots`` in ``step`` under ``operation``.

        Returns the slots actually arrested (others are skipped: dead, already held or sentenced).
        """
        slots = np.unique(np.asarray(slots, dtype=np.int64))
        slots = slots[self.free_mask(sim, slots)]
        if slots.size == 0:
            return slots
        p = sim.people
        code = op_code(operation)
        p["t_status"][slots] = HELD
        p["t_operation"][slots] = code
        ids = p["person_id"][slots]
        sim.events.log(step, "arrest", ids, p["sex"][slots], sim.ages(p["birth_month"][slots], step),
                       operation=np.full(slots.size, code, np.int8), **self.who(sim, slots))
        self.queue_ids = np.concatenate([self.queue_ids, ids])
        self.queue_steps = np.concatenate([self.queue_steps, np.full(slots.size, step, np.int16)])
        self.queue_slots = np.concatenate([self.queue_slots, slots])
        self.new_ids.append(ids)
        self.arrests_by_op[code] += slots.size
        if self.machine is not None:
            self.machine.arrested(sim, slots)
        else:
            multiplier = float(self.values["prison_hazard_multiplier"])
            if multiplier != 1.0:
                sim.module("demography").redraw_deaths(sim, slots, step + 1, multiplier)
        return slots

    def release_from_custody(self, sim: Sim, slots: np.ndarray, step: int) -> None:
        """Release people held (not sentenced, or their sentence quashed): status released, event logged."""
        if slots.size == 0:
            return
        p = sim.people
        p["t_status"][slots] = RELEASED
        sim.events.log(step, "release_from_custody", p["person_id"][slots], p["sex"][slots],
                       sim.ages(p["birth_month"][slots], step), operation=p["t_operation"][slots],
                       **self.who(sim, slots))

    def take_newly_arrested(self) -> np.ndarray:
        """Ids arrested since the last call (all operations), and forget them: each arrest is
        interrogated once, in its month or (if arrested after the interrogations) the next."""
        out = np.concatenate(self.new_ids) if self.new_ids else np.empty(0, dtype=np.uint32)
        self.new_ids = []
        return out

    # -- monthly step ----------------------------------------------------------------------------
    def new_month(self, sim: Sim, step: int) -> None:
        """Open the month; without a denunciation module nobody reads the newly arrested: forget them.
        In mechanism mode: deaths in custody, then the month's capacity shared among the operations."""
        if "denunciation" not in sim.modules:
            self.new_ids = []
        if self.machine is not None:
            self.machine.month(sim, step, self)

"""Order 00447 (the "kulak operation"): arrests by month, region and category of the order.

**How many a month.** ``arrests_by_month_persons`` (default: the archival record). Arrests by
1 Sep 1937: ``mass_and_national_operations_1937_1938:o447_arrested_1sep`` (a low-confidence secondary
source, a partisan author citing the Demokratiia fund's 2003 volume, not the NKVD summary itself); all
arrests under the order: ``repression_key_totals:zubkin_arrested_00447`` (Zubkin's certificate); the
rest after August follows the rhythm of the one region with a monthly series in the bundle, Prikamye
(``victim_composition_regional_samples`` rows ``prikamye_1937-09`` .. ``prikamye_1938_other_months``,
the last spread over May-Oct 1938), to the whole person: that one region's rhythm standing for the USSR's is an
assumption, and so the limits are "raised month by month" as the arrests go on. No arrests from
the halt (``terror.operations_halt_yyyymm``).

**Where.** Each republic's share of the initial limits of 30 Jul 1937 (categories 1 + 2,
``operations("limits")``, Werth): a person's weight is the region's share of the limits divided
by the region's share of the pool, so arrests by region follow the limits. The RSFSR oblasts with
limits of their own share the RSFSR's weight (the bundled regional limits are partial); the 10,000
category-1 limit of the NKVD camps is not drawn (prisoners already in camps are not re-arrested).

**Whom.** The groups the order named, in the proportions of the arrests by 15 Aug 1937
(``o447_arrested_15aug_1..3``: former kulaks, criminals, other counter-revolutionaries; shares of
those classified). Former kulaks come from the social group
``former_kulak``; other counter-revolutionaries from clergy and "former people"; when a group's
men run out, the rest come from the general pool (so the share of women holds); criminals (no attribute marks them) from workers, kolkhozniks and others, an
assumption. Ages 16-80 with weight 1 at 30-55 (Conquest) and ``outside_peak_age_weight`` elsewhere;
women ``female_share`` (5%: the case study's share of women among the incarcerated; Ilic's "Forgotten
Five Per Cent" is a chapter title, not a figure). Women's lower share among the executed is the
sentencing module's ``women_death_sentence_odds``.

**Mechanism mode** (``terror.mode``): no monthly series; the limits as issued and as raised on the
regions' requests, filled within the interrogators' capacity (:mod:`~purgetoll.sim.modules.limits`).
Whom: the free people aged 16-80 of each republic, with relative weights: former kulaks
``kulak_weight``, clergy and 'former people' ``alien_weight``, workers, kolkhozniks and others 1 (the
'criminals' and the rest), times ``listed_weight`` for someone on the NKVD's lists, times
``terror.female_arrest_weight`` for a woman, times the age weight. The groups' shares, the share of
women and the ages of those arrested emerge from these weights and from who is there.

Random decisions: ``terror.arrest.order_00447.<group>`` (step, person id); mechanism mode
``terror.arrest.order_00447`` (step, person id), ``terror.limits.request`` (step, unit) and
``terror.limits.by_republic`` (step, 0).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from purgetoll.data import figure, operations
from purgetoll.errors import DataError
from purgetoll.params import Param
from purgetoll.sim.modules.base import Module
from purgetoll.sim.modules.limits import Limits
from purgetoll.sim.modules.terror import (
    ATTR,
    TERROR_PLAN_ORDER,
    codes,
    column,
    republic_of,
    yyyymm_step,
)
from purgetoll.sim.modules.terror_draw import (
    Budget,
    FreePool,
    age_weights,
    coded_pools,
    draw,
    pick_free,
)
from purgetoll.sim.state import FEMALE

if TYPE_CHECKING:
    from purgetoll.sim.loop import Sim

__all__ = ["MassOperation", "ARCHIVAL_00447_BY_MONTH", "age_between"]

_OPS = "mass_and_national_operations_1937_1938"
_PRIKAMYE = "victim_composition_regional_samples:prikamye_"
_RHYTHM_MONTHS = ("1937-09", "1937-10", "1937-11", "1937-12", "1938-01", "1938-02", "1938-03", "1938-04")
_LATE_MONTHS = ("1938-05", "1938-06", "1938-07", "1938-08", "1938-09", "1938-10")  # Prikamye's 'other months'


def _archival_00447_by_month() -> dict[str, float]:
    """August 1937's arrests as reported by 1 Sep; Zubkin's total less those, in Prikamye's monthly rhythm
    (its 'other months' of 1938 one block, spread evenly over May-Oct), rounded to whole persons without
    drift (each month the rounded running total less the months before), so the months add up to Zubkin's."""
    first = figure(f"{_OPS}:o447_arrested_1sep")
    rest = figure("repression_key_totals:zubkin_arrested_00447") - first
    rhythm = {m: figure(f"{_PRIKAMYE}{m}") for m in _RHYTHM_MONTHS}
    rhythm["other"] = figure(f"{_PRIKAMYE}1938_other_months")
    whole = sum(rhythm.values())
    out: dict[str, float] = {"1937-08": first}
    running, before = 0.0, 0
    for month, n in rhythm.items():
        running += rest * n / whole
        out[month], before = round(running) - before, round(running)
    each = out.pop("other") / len(_LATE_MONTHS)
    return {**out, **{m: int(each) if each.is_integer() else each for m in _LATE_MONTHS}}


def _share_of_classified(group: int) -> float:
    """Group ``group`` (1 ex-kulaks, 2 criminals, 3 others) of the classified arrests by 15 Aug 1937."""
    return figure(f"{_OPS}:o447_arrested_15aug_{group}") / sum(figure(f"{_OPS}:o447_arrested_15aug_{g}") for g in (1, 2, 3))


#: Default monthly arrests under Order 00447 (persons; derivation in the module docstring).
ARCHIVAL_00447_BY_MONTH: dict[str, float] = _archival_00447_by_month()
_GROUPS = {
    "former_kulaks": ("former_kulak",),
    "other_counterrevolutionaries": ("clergy", "former_people"),
    "criminals": ("worker", "kolkhoznik", "other"),
}


class MassOperation(Module):
    """Order 00447 arrests by month, region (limits) and the order's groups."""

    name: ClassVar[str] = "mass_operation"
    plan_order: ClassVar[int] = TERROR_PLAN_ORDER["mass_operation"]
    runs_by_default: ClassVar[bool] = False
    steps: ClassVar[tuple[str, ...]] = ("arrest",)
    parameter_specs: ClassVar[tuple[Param, ...]] = (
        Param("arrests_by_month_persons", ARCHIVAL_00447_BY_MONTH, "persons",
              "arrests under Order 00447 by month (YYYY-MM) or year; default: those by 1 Sep 1937 "
              "(o447_arrested_1sep: low-confidence secondary, a partisan author citing the Demokratiia fund "
              "2003), Zubkin's total (zubkin_arrested_00447) less those, later months in the "
              "Prikamye rhythm (victim_composition_regional_samples)", kind="series", low=0, high=5e7),
        Param("share_former_kulaks", _share_of_classified(1), "share",
              "share of arrests drawn from former kulaks: of the classified arrests by 15 Aug 1937 "
              "(o447_arrested_15aug_1 of _1.._3)", low=0, high=1),
        Param("share_criminals", _share_of_classified(2), "share",
              "share drawn as 'criminals' (o447_arrested_15aug_2 of _1.._3)", low=0, high=1),
        Param("female_share", 0.05, "share",
              "women among those arrested: 5%, the case study's 'perhaps ... 5 percent' of those incarcerated on political grounds (seed text, 'Yezhov crushes the traitors'; women were 6.1% of the Gulag's inmates in 1937, gulag('sex')); assumption for the arrests, range 0.03-0.08. Not Ilic: 'The Forgotten Five Per Cent' (women_share_ilic) is a chapter title, not an estimate", low=0, high=0.5, assumption=True),
        Param("outside_peak_age_weight", 0.5, "relative weight",
              "weight of ages 16-29 and 56-80 against 30-55 (assumption: the bundle has no age distribution "
              "of those arrested;)", low=0.1, high=1.0, assumption=True, prior=(0.1, 1)),
        Param("order_yyyymm", 193708, "YYYYMM", "mechanism mode: month the operation began (Order 00447 of 30 Jul "
              "1937, operations to begin on 5 Aug: order_00447_limits_1937)", kind="integer", low=193701,
              high=193812),
        Param("limit_unit_persons", 4000.0, "persons", "mechanism mode: size of the units a republic's limit is "
              "split into, standing for its oblast administrations (assumption: Kalinin oblast's initial limit, "
              "4,000, order_00447_limits_regional; range 1,000-10,000)", low=100, high=300_000, assumption=True),
        Param("limit_fill_share_per_month", 0.7, "share per month", "mechanism mode: share of what is left of its "
              "limit a unit asks to arrest each month (assumption)", low=0, high=1, assumption=True, prior=(0.2, 1)),
        Param("limit_request_threshold", 0.9, "share", "mechanism mode: share of its limit a unit has used before it "
              "asks for more (assumption)", low=0, high=1, assumption=True, prior=(0.7, 1)),
        Param("limit_request_probability_per_month", 0.7, "per month", "mechanism mode: probability that a unit "
              "past the threshold asks Moscow for a higher limit in a month (assumption: Kalinin "
              "oblast asked three times in five months, order_00447_limits_regional)", low=0, high=1,
              assumption=True, prior=(0.1, 1)),
        Param("limit_raise_share", 1.0, "x initial limit", "mechanism mode: each granted request raises the unit's "
              "limit by this share of its initial limit (assumption: Kalinin's raises were 1,500, "
              "1,700 and 2,000 on a limit of 4,000)", low=0, high=10, assumption=True, prior=(0.25, 1.5)),
        Param("limit_raise_category1_share", 0.6, "share", "mechanism mode: category-1 share of a raise "
              "(assumption: Kalinin's raises were 4,700 category 1 and 1,500 category 2)", low=0, high=1,
              assumption=True, prior=(0.3, 0.9)),
        Param("limit_requests_until_yyyymm", 193801, "YYYYMM", "mechanism mode: last month requests are granted "
              "(assumption: the last raise of Kalinin oblast in the bundle is of 31 Jan 1938; range 193801-193811)",
              kind="integer", low=193708, high=193812, assumption=True),
        Param("kulak_weight", 10.0, "x others", "mechanism mode: weight of a former kulak against a worker or "
              "kolkhoznik of the same age and sex (assumption)", low=0, high=10_000, assumption=True, prior=(2, 200)),
        Param("alien_weight", 20.0, "x others", "mechanism mode: weight of clergy and 'former people' ("
              "assumption)", low=0, high=10_000, assumption=True, prior=(2, 200)),
        Param("listed_weight", 5.0, "x not listed", "mechanism mode: weight of someone on the NKVD's lists "
              "(assumption)", low=1, high=10_000, assumption=True, prior=(1, 50)),
    )

    def __init__(self, **values: Any) -> None:
        super().__init__(**values)
        kulaks, criminals = self.values["share_former_kulaks"], self.values["share_criminals"]
        if kulaks + criminals > 1:
            raise DataError("mass_operation", "share_former_kulaks + share_criminals must be <= 1; got "
                            f"{kulaks + criminals:.3f}")
        self.shares = {"former_kulaks": kulaks, "criminals": criminals,
                       "other_counterrevolutionaries": 1 - kulaks - criminals}
        self._plan: dict[str, np.ndarray] = {}
        self._pools: dict[str, np.ndarray] = {}
        self._weights: dict[str, np.ndarray] = {}
        self.limits: Limits | None = None  # mechanism mode

    def _limits(self) -> Limits:
        """Mechanism mode's limits (made in ``prepare``)."""
        if self.limits is None:
            raise RuntimeError("mass_operation: the limits of mechanism mode are made in prepare()")
        return self.limits

    def state_dict(self) -> dict[str, Any]:
        if self.limits is None:
            return {}
        return {"limits": self._limits().state_dict()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        if state and self.limits is not None:
            self._limits().load_state_dict(state["limits"])

    def describe(self) -> dict[str, Any]:
        return {**super().describe(),
                "tables": {"order_00447_limits_1937": "initial limits by republic (Werth, via operations('limits'))",
                           "mass_and_national_operations_1937_1938": "arrests by 15 Aug / 1 Sep 1937",
                           "repression_key_totals": "Zubkin: arrested under Order 00447 (zubkin_arrested_00447)",
                           "victim_composition_regional_samples": "Prikamye monthly arrests"},
                "assumptions": {
                    **self.assumptions(),
                    "monthly_rhythm": "after August 1937 the USSR follows the monthly rhythm of Prikamye",
                    "criminals_pool": "'criminals' are drawn from workers, kolkhozniks and others",
                    "oblast_limits": "RSFSR oblasts share the RSFSR's weight per head",
                },
                **({"limits": self._limits().summary()} if self.limits is not None else {})}

    def prepare(self, sim: Sim) -> None:
        terror = sim.module("terror")
        if terror.mechanism:
            _, republics = republic_of(np.zeros(0, dtype=np.int64))
            if self.limits is None or self._limits().n_republics != len(republics):
                self.limits = Limits(self.values, republics)
            self._active = (yyyymm_step(sim, int(self.values["order_yyyymm"])), terror.halted_step(sim))
            return
        halt = terror.halted_step(sim)
        self._plan = {g: Budget(f"00447.{g}", {k: v * s for k, v in self.values["arrests_by_month_persons"].items()})
                      .per_step(sim, halt) for g, s in self.shares.items()}
        self._region_limit = _limit_shares()

    def begin_window(self, sim: Sim, first: int, stop: int) -> None:
        """Pools of the window (slots change at compaction): the order's groups, ages 16-80.

        Large groups are thinned to 20 times the window's need (``terror_draw.thinned_pool``).
        """
        if self.limits is not None:
            self._mechanism_pools(sim, first, stop)
            return
        need = {g: float(self._plan[g][first:stop].sum()) for g in self._plan}
        if not any(need.values()):
            self._pools = {g: np.empty(0, np.int64) for g in self._plan}
            self._weights = {g: np.empty(0) for g in self._plan}
            return
        p = sim.people
        column(sim, ATTR["social_group"], self.name)  # the clear error when attributes are off
        region = column(sim, ATTR["region"], self.name)
        # the 'criminals' pool also makes up for the other groups when their men run out
        wants = {g: (sum(need.values()) if g == "criminals" else need[g]) for g in _GROUPS}
        specs = {g: {ATTR["social_group"]: codes("social_group", names, self.name)} for g, names in _GROUPS.items()}
        pools = coded_pools(sim, first, 16, 80, specs, wants, "terror.pool.order_00447")
        for g in _GROUPS:
            pool = pools[g]
            w = age_weights(sim.ages(p["birth_month"][pool], first), 16, 80, outside_peak=self.values["outside_peak_age_weight"])
            self._pools[g] = pool
            self._weights[g] = w * _region_factor(region[pool], self._region_limit)

    # -- mechanism mode ----------------------------------------------------------------------
    def _mechanism_pools(self, sim: Sim, first: int, stop: int) -> None:
        a, b = self._active
        self._mech = None
        if b <= first or a >= stop:
            return
        p = sim.people
        column(sim, ATTR["social_group"], self.name)
        region = column(sim, ATTR["region"], self.name)
        terror = sim.module("terror")
        # at most the interrogators' capacity over the window's active months (an upper bound on any
        # operation's arrests: the general pool is thinned to a margin over it)
        months = min(b, stop) - max(a, first)
        bound = terror.machine.capacity_agents(sim) * months
        groups = {"kulaks": ("former_kulak",), "aliens": ("clergy", "former_people"),
                  "general": ("worker", "kolkhoznik", "other")}
        specs = {g: {ATTR["social_group"]: codes("social_group", names, self.name)} for g, names in groups.items()}
        pools = coded_pools(sim, first, 16, 80, specs, {g: bound for g in groups}, "terror.pool.order_00447",
                            margin=5.0)
        weight = {"kulaks": float(self.values["kulak_weight"]), "aliens": float(self.values["alien_weight"]),
                  "general": 1.0}
        slots = np.concatenate([pools[g] for g in groups])
        w = np.concatenate([np.full(pools[g].size, weight[g]) for g in groups])
        w *= age_weights(sim.ages(p["birth_month"][slots], first), 16, 80,
                         outside_peak=self.values["outside_peak_age_weight"])
        w *= np.where(p["sex"][slots] == FEMALE, float(terror.values["female_arrest_weight"]), 1.0)
        rep, _ = republic_of(region[slots])
        order = np.argsort(rep, kind="stable")  # by republic (a draw's keys do not depend on the order within)
        slots, w, rep = slots[order], w[order], rep[order]
        bounds = np.searchsorted(rep, np.arange(self._limits().n_republics + 1))
        self._mech = (FreePool.of(sim, slots, w), bounds)

    def demand(self, sim: Sim, step: int) -> float:
        """Mechanism mode: agents the units ask to arrest this month (what is left of the limits)."""
        a, b = self._active
        if not a <= step < b:
            return 0.0
        return self._limits().demand_persons() * sim.settings.scale

    def _mechanism_arrest(self, sim: Sim, step: int, terror: Any) -> None:
        a, b = self._active
        n = terror.allowance(self.name)
        if not a <= step < b or self._mech is None:
            return
        pool, bounds = self._mech
        by_rep = self._limits().by_republic(sim, step, n)
        listed = float(self.values["listed_weight"])
        got = np.zeros(self._limits().n_republics, dtype=np.int64)
        for r in np.flatnonzero(by_rep):
            chosen = pick_free(sim, pool.part(bounds[r], bounds[r + 1]), int(by_rep[r]), "terror.arrest.order_00447",
                               step, listed)
            got[r] = terror.arrest(sim, chosen, step, "order_00447").size
        self._limits().record(terror.machine.granted.get(self.name, 0.0), by_rep, got, sim.settings.scale)
        if step <= yyyymm_step(sim, int(self.values["limit_requests_until_yyyymm"])):
            self._limits().requests_of_the_month(sim, step)

    def arrest(self, sim: Sim, step: int) -> None:
        """Arrest the month's number from each of the order's groups."""
        terror = sim.module("terror")
        if self.limits is not None:
            self._mechanism_arrest(sim, step, terror)
            return
        female = self.values["female_share"]
        for g, plan in self._plan.items():
            n = int(plan[step])
            if n <= 0:
                continue
            pool, w = self._pools[g], self._weights[g]
            free = terror.free_mask(sim, pool)
            chosen = draw(sim, pool[free], w[free], n, female, f"terror.arrest.order_00447.{g}", step)
            if len(chosen) < n and g != "criminals":
                # the group's men exhausted (clergy and former people soon, former kulaks in places):
                # the rest from anyone else the order could reach
                extra_pool = self._pools["criminals"]
                ok = terror.free_mask(sim, extra_pool)
                # both are increasing slots: a binary search per chosen instead of np.isin over the pool
                at = np.minimum(np.searchsorted(extra_pool, chosen), max(extra_pool.size - 1, 0))
                if extra_pool.size:
                    ok[at[extra_pool[at] == chosen]] = False
                more = draw(sim, extra_pool[ok], self._weights["criminals"][ok], n - len(chosen), female,
                            f"terror.arrest.order_00447.{g}.fill", step)
                chosen = np.concatenate([chosen, more])
            terror.arrest(sim, chosen, step, "order_00447")


def age_between(sim: Sim, step: int, low: int, high: int, sl: slice = slice(None)) -> np.ndarray:
    """Mask of the slots ``sl`` aged ``low``..``high`` (completed years) at time point ``step``, from
    birth months (no age array)."""
    m = sim.month(step)
    bm = sim.people["birth_month"][sl]
    return (bm <= m - 12 * low) & (bm > m - 12 * (high + 1))


def _limit_shares() -> dict[str, float]:
    """Republic -> share of the initial 00447 limits (categories 1 + 2), from Werth's table."""
    df = operations("limits")
    df = df[(df["stage"] == "initial") & df["category"].astype(str).isin(["1", "2"]) & (df["region_type"] == "republic")]
    by = df.groupby("region")["value"].sum(min_count=1).dropna()
    total = float(by.sum())
    if by.empty or total <= 0:
        raise DataError("order_00447_limits_1937", "no republic limits found (expected rows of region_type 'republic')")
    return {str(r): float(v) / total for r, v in by.items()}


def _region_factor(region: np.ndarray, limit_share: dict[str, float]) -> np.ndarray:
    """Per-person factor making expected arrests by republic proportional to the limits.

    RSFSR oblasts share the RSFSR's limit per head of pool; a region without a limit (the annexed
    territories) gets none.
    """
    rep, rep_labels = republic_of(region)
    counts = np.bincount(rep, minlength=len(rep_labels)).astype(float)
    factor = np.zeros(len(rep_labels))
    for c, name in enumerate(rep_labels):
        if counts[c] > 0 and name in limit_share:
            factor[c] = limit_share[name] / counts[c]
    return factor[rep] * max(len(rep), 1)

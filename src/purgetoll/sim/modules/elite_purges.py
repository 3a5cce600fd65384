"""Elite purges: the party, the army's command staff, the NKVD itself, managers and engineers.

Each purge arrests its number a month from its pool (attributes of part A):

* **army** (``army_command``): command staff arrested in 1937 and in 1938 (Cherushev,
  ``army_purge_1935_1941`` rows ``cherushev_arrested_1937`` / ``_1938``), spread evenly over each year;
* **nkvd** (``nkvd_staff``): state-security employees arrested 1 Oct 1936-15 Aug 1938
  (``nkvd_staff_and_capacity`` row ``gb_staff_arrested``), spread evenly over Jan 1937-Aug 1938
  (assumption: the three months of 1936 are counted in the run, an overcount of at most 13%);
* **party** (``party_member``): no bundled table counts the party members arrested; the number is
  the assumption ``party_arrests_by_month_persons`` (default 100,000 over Jan 1937-Oct 1938, range
  20,000-300,000: the fall in full members from 1934 to 1938,
  ``party_membership_and_expulsions_1933_1946`` rows ``members_1934_frus`` and ``members_1938``, bounds expulsions and arrests together);
* **managers** (employees in towns): the assumption ``managers_arrests_by_month_persons`` (default
  50,000 over Jan 1937-Oct 1938, range 10,000-200,000).

Ages 20-70, weight 1 at 30-55 and ``outside_peak_age_weight`` elsewhere; women ``female_share``
(assumption) except in the army and the NKVD (no women). These arrests go to the Military
Collegium (see ``sentencing``).

**Mechanism mode** (``terror.mode``): each purge asks each month to arrest
``<purge>_arrests_per_1000_per_month`` per 1000 free members of its pool (after the halt, times
``terror.arrests_after_halt_factor``), within the interrogators' capacity; whom it takes follows the age
weight, ``terror.female_arrest_weight`` for women and ``listed_weight`` for those on the lists. The
snowball adds those named by their colleagues and comrades (workplace, party cell). Totals and
women emerge.

Random decisions: ``terror.arrest.<purge>`` (step, person id).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from purgetoll.data import figure
from purgetoll.params import Param
from purgetoll.sim.modules.terror import ATTR, ROLE_BITS, TERROR_PLAN_ORDER, codes, column
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

if TYPE_CHECKING:
    from purgetoll.sim.loop import Sim

__all__ = ["ElitePurges"]

_PURGES = ("army", "nkvd", "party", "managers")
_GB_STAFF = "nkvd_staff_and_capacity:gb_staff_arrested"
#: Mechanism mode's hazards: purge, default, prior range, why (per 1000 free members per month).
_HAZARDS = (
    ("army", 1.0, 0.2, 5, "Cherushev's command staff arrested in 1937-38, army_purge_1935_1941 "
     "cherushev_arrested_1937_1938, are about 1 per 1000 a month of the attributes' command staff"),
    ("nkvd", 0.5, 0.1, 3, "nkvd_staff_and_capacity gb_staff_arrested of about 230,000 staff over 20 months"),
    ("party", 2.0, 0.5, 10, "no bundled count; members fell from 1934 to 1938, party_membership_and_expulsions_1933_1946 "
     "members_1934_frus, members_1938"),
    ("managers", 0.3, 0.05, 3, "no bundled count"),
)


def _specs() -> tuple[Param, ...]:
    return (
        Param("army_arrests_by_month_persons", {y: figure(f"army_purge_1935_1941:cherushev_arrested_{y}")
                                                for y in ("1937", "1938")}, "persons",
              "command staff arrested by year (Cherushev, army_purge() cherushev_arrested_1937/1938)",
              kind="series", low=0, high=1e6),
        Param("nkvd_arrests_by_month_persons", spread(figure(_GB_STAFF), "1937-01", "1938-08"), "persons",
              "state-security employees arrested 1 Oct 1936-15 Aug 1938 (nkvd_staff_and_capacity "
              "gb_staff_arrested), spread evenly over Jan 1937-Aug 1938 (the months are an assumption)",
              kind="series", low=0, high=1e6),
        Param("party_arrests_by_month_persons", spread(100000, "1937-01", "1938-10"), "persons",
              "party members arrested (assumption: no bundled count; range 20,000-300,000 in all)",
              kind="series", low=0, high=1e7, assumption=True),
        Param("managers_arrests_by_month_persons", spread(50000, "1937-01", "1938-10"), "persons",
              "managers and engineers arrested (assumption: no bundled count; range 10,000-200,000 in all)",
              kind="series", low=0, high=1e7, assumption=True),
        Param("female_share", 0.05, "share", "women among party members and managers arrested (assumption, "
              "range 0-0.2; the army and NKVD purges take men only)", low=0, high=0.2, assumption=True),
        Param("outside_peak_age_weight", 0.5, "relative weight", "weight of ages 20-29 and 56-70 against "
              "30-55 (assumption, range 0.1-1)", low=0.1, high=1.0, assumption=True, prior=(0.1, 1)),
        *(Param(f"{g}_arrests_per_1000_per_month", h, "per 1000 per month",
                f"mechanism mode: arrests the {g} purge asks for each month per 1000 free members of its pool "
                f"(assumption: {why})", low=0, high=1000, assumption=True, prior=(lo, hi))
          for g, h, lo, hi, why in _HAZARDS),
        Param("listed_weight", 5.0, "x not listed", "mechanism mode: weight of someone on the NKVD's lists "
              "(assumption)", low=1, high=10_000, assumption=True, prior=(1, 50)),
    )


class ElitePurges(PooledArrests):
    """Arrests in the party, the army command, the NKVD and among managers."""

    name: ClassVar[str] = "elite_purges"
    plan_order: ClassVar[int] = TERROR_PLAN_ORDER["elite_purges"]
    runs_by_default: ClassVar[bool] = False
    steps: ClassVar[tuple[str, ...]] = ("arrest",)
    parameter_specs: ClassVar[tuple[Param, ...]] = _specs()

    def __init__(self, **values: Any) -> None:
        super().__init__(**values)
        self._scale_up: dict[str, float] = {}  # mechanism: whole pool / thinned pool

    def describe(self) -> dict[str, Any]:
        return {**super().describe(),
                "tables": {"army_purge_1935_1941": "Cherushev: command staff arrested 1937, 1938",
                           "nkvd_staff_and_capacity": "state-security employees arrested"},
                "assumptions": self.assumptions(),
                "short_agents": dict(self.short)}

    def prepare(self, sim: Sim) -> None:
        if sim.module("terror").mechanism:
            self._plan = {g: np.ones(sim.n_steps, dtype=np.int64) for g in _PURGES}  # active every month
            return
        self._plan = {g: Budget(g, self.values[f"{g}_arrests_by_month_persons"]).per_step(sim) for g in _PURGES}

    def _pool_codes(self, sim: Sim, purge: str) -> dict[str, np.ndarray]:
        """The purge's pool as attribute codes (``terror_draw.coded_pools``): a role bit, or urban employees."""
        column(sim, ATTR["roles"], self.name)  # the clear error when attributes are off
        if purge in ("army", "nkvd", "party"):
            bit = ROLE_BITS[{"army": "army_command", "nkvd": "nkvd_staff", "party": "party"}[purge]]
            return {ATTR["roles"]: np.array([v for v in range(256) if v & bit])}
        column(sim, ATTR["social_group"], self.name)
        column(sim, ATTR["urban"], self.name)
        return {ATTR["urban"]: np.arange(1, 256), ATTR["social_group"]: codes("social_group", ["employee"], self.name)}

    def begin_window(self, sim: Sim, first: int, stop: int) -> None:
        """Pools of the window, by purge (thinned to 20 times the window's need)."""
        self._pools = {}
        p = sim.people
        needs: Any = {g: float(self._plan[g][first:stop].sum()) for g in _PURGES}
        masks = {g: self._pool_codes(sim, g) for g in _PURGES if needs[g] > 0}
        if not masks:
            return
        if sim.module("terror").mechanism:  # the hazard over the window's months, times the lists' pull
            months = {g: needs[g] for g in masks}
            hazard = {g: float(self.values[f"{g}_arrests_per_1000_per_month"]) / 1000 for g in masks}
            listed = float(self.values["listed_weight"])

            def needs(sizes: dict[str, int]) -> dict[str, float]:
                return {g: min(1.0, hazard[g] * months[g] * listed) * sizes[g] for g in sizes}
        pools, sizes = coded_pools_sized(sim, first, 20, 70, masks, needs, "terror.pool")
        self._scale_up = {g: sizes[g] / max(pools[g].size, 1) for g in pools}
        for g, pool in pools.items():
            w = age_weights(sim.ages(p["birth_month"][pool], first), 20, 70,
                            outside_peak=self.values["outside_peak_age_weight"])
            self._pools[g] = (pool, w)
            if sim.module("terror").mechanism:
                self._free[g] = FreePool.of(sim, pool, w, float(sim.module("terror").values["female_arrest_weight"]))

    def demand(self, sim: Sim, step: int) -> float:
        """Mechanism mode: agents the purges ask to arrest this month (hazards on their pools)."""
        terror = sim.module("terror")
        factor = float(terror.values["arrests_after_halt_factor"]) if terror.halted(sim, step) else 1.0
        self._asked = {}
        for g, (pool, _) in self._pools.items():
            free = count_free(sim, pool)
            self._asked[g] = float(self.values[f"{g}_arrests_per_1000_per_month"]) / 1000 * free * self._scale_up[g] * factor
        return sum(self._asked.values())

    def arrest(self, sim: Sim, step: int) -> None:
        """The month's arrests of each purge."""
        terror = sim.module("terror")
        if terror.mechanism:
            arrest_shares(sim, step, terror, self, self._free)
            return
        for g, plan in self._plan.items():
            n = int(plan[step])
            if n <= 0 or g not in self._pools:
                continue
            female = 0.0 if g in ("army", "nkvd") else self.values["female_share"]
            chosen = self.draw_free(sim, terror, g, n, female, step)
            self.count_short(g, n, chosen)
            terror.arrest(sim, chosen, step, g)

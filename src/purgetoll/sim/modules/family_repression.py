"""Order 00486 (15 Aug 1937): the wives of men convicted as "traitors" to the camps; children counted.

Each month from ``start_yyyymm`` (the order's month), for every man sentenced that month under
the operations treated as "traitors" (the army and NKVD purges, whose cases went to the Military
Collegium, and the party purge, whose members filled the Stalin lists), the module looks in his
household for a woman aged 18-65 other than himself (the eldest such woman is taken as the wife;
the attributes module does not link spouses, an assumption) and arrests her with probability
``wife_arrest_probability`` (operation ``order_00486``; ``sentencing`` sends her to the Special
Board and a camp). Each child under 15 of her household is counted (event ``child_removed``): the
order sent them to children's homes or to relatives.

For comparison (not a target of this module): about 18,000 wives arrested and 25,000 children
removed (``operations("results")`` rows ``o486_wives_arrested``, ``o486_children_removed``);
the children in children's homes by 10 Jul 1938 (``order_00486_families``).

Random decision: ``terror.family.wife`` (step, person id of the wife).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numba as nb
import numpy as np

from purgetoll.params import Param
from purgetoll.sim import rng
from purgetoll.sim.modules.base import Module
from purgetoll.sim.modules.denunciation import _csr
from purgetoll.sim.modules.terror import ATTR, TERROR_PLAN_ORDER, column, op_code, yyyymm_step
from purgetoll.sim.state import FEMALE, MALE

if TYPE_CHECKING:
    from purgetoll.sim.loop import Sim

__all__ = ["FamilyRepression", "TRAITOR_OPERATIONS"]

TRAITOR_OPERATIONS = ("army", "nkvd", "party")


class FamilyRepression(Module):
    """Wives of convicted 'traitors' arrested; their children counted."""

    name: ClassVar[str] = "family_repression"
    plan_order: ClassVar[int] = TERROR_PLAN_ORDER["family_repression"]
    runs_by_default: ClassVar[bool] = False
    steps: ClassVar[tuple[str, ...]] = ("families",)
    parameter_specs: ClassVar[tuple[Param, ...]] = (
        Param("wife_arrest_probability", 0.5, "probability", "chance that the wife of a convicted 'traitor' is "
              "arrested (assumption, range 0-1; 0.5 brings the archival scenario near the about 18,000 wives "
              "arrested, o486_wives_arrested)",
              low=0, high=1, assumption=True, prior=(0, 1)),
        Param("start_yyyymm", 193708, "YYYYMM", "month Order 00486 took effect (order of 15 Aug 1937: "
              "order_00486_families wives_term_years)", kind="integer", low=193701, high=193812),
    )

    def __init__(self, **values: Any) -> None:
        super().__init__(**values)
        self.wives = 0
        self.children = 0
        self._index: tuple[np.ndarray, np.ndarray] | None = None

    def describe(self) -> dict[str, Any]:
        return {**super().describe(),
                "tables": {"mass_and_national_operations_1937_1938": "about 18,000 wives, 25,000 children",
                           "order_00486_families": "children's homes"},
                "assumptions": {**self.assumptions(),
                                "wife": "the eldest other woman aged 18-65 in the household is the wife"},
                "agents": {"wives": self.wives, "children": self.children}}

    def state_dict(self) -> dict[str, Any]:
        return {"wives": self.wives, "children": self.children}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.wives, self.children = int(state["wives"]), int(state["children"])

    def begin_window(self, sim: Sim, first: int, stop: int) -> None:
        """Household index of the window: the denunciation module's when it runs (built just before,
        plan order), else a counting sort of our own."""
        den: Any = sim.modules.get("denunciation")  # the denunciation module, by name
        if den is not None and "household" in getattr(den, "_index", {}):
            self._index = den._index["household"]
        else:
            self._index = _csr(column(sim, ATTR["household"], self.name), np.ones(sim.people.n, dtype=bool))

    def families(self, sim: Sim, step: int) -> None:
        """Wives of the men sentenced this month under the 'traitor' operations; their children."""
        if step < yyyymm_step(sim, int(self.values["start_yyyymm"])) or self._index is None:
            return
        p = sim.people
        ev = sim.events
        # the men sentenced this month: sentencing ran just before (plan order) and set their status
        terror = sim.module("terror")
        sentenced = _sentenced_this_month(sim, step)
        if sentenced.size == 0:
            return
        ops = np.array([op_code(o) for o in TRAITOR_OPERATIONS])
        men = sentenced[(p["sex"][sentenced] == MALE) & np.isin(p["t_operation"][sentenced], ops)]
        if men.size == 0:
            return
        hh = column(sim, ATTR["household"], self.name)
        month = np.int64(sim.month(step))
        off, order = self._index
        wives = _wives(men, hh, off, order, p["sex"], p["birth_month"], month, p["alive"], np.int8(FEMALE))
        wives = wives[wives >= 0]
        if wives.size == 0:
            return
        u = rng.uniform(sim.settings.seed, "terror.family.wife", step, p["person_id"][wives])
        wives = wives[u < float(self.values["wife_arrest_probability"])]
        arrested = terror.arrest(sim, wives, step, "order_00486")
        self.wives += int(arrested.size)
        kids = _children(arrested, hh, off, order, p["birth_month"], month, p["alive"])
        if kids.size:
            kids = np.unique(kids)
            ev.log(step, "child_removed", p["person_id"][kids], p["sex"][kids], sim.ages(p["birth_month"][kids], step),
                   operation=np.full(kids.size, op_code("order_00486"), np.int8), **terror.who(sim, kids))
            self.children += int(kids.size)


def _sentenced_this_month(sim: Sim, step: int) -> np.ndarray:
    """Slots sentenced in ``step`` (the sentencing module records them)."""
    s = sim.modules.get("sentencing")
    return np.asarray(getattr(s, "last_sentenced", np.empty(0, np.int64)) if s is not None else [], dtype=np.int64)


@nb.njit(cache=True)
def _wives(men, hh, off, order, sex, birth_month, month, alive, female):
    out = np.full(men.shape[0], -1, dtype=np.int64)
    for i in range(men.shape[0]):
        g = np.int64(hh[men[i]])
        if g <= 0 or g + 1 >= off.shape[0]:
            continue
        best, best_age = -1, -1
        for t in range(off[g], off[g + 1]):
            s = order[t]
            age = (month - np.int64(birth_month[s])) // 12
            if s != men[i] and alive[s] and sex[s] == female and 18 <= age <= 65 and age > best_age:
                best, best_age = s, age
        out[i] = best
    return out


@nb.njit(cache=True)
def _children(wives, hh, off, order, birth_month, month, alive):
    total = 0
    for i in range(wives.shape[0]):
        g = np.int64(hh[wives[i]])
        if g > 0 and g + 1 < off.shape[0]:
            total += off[g + 1] - off[g]
    out = np.empty(total, dtype=np.int64)
    m = 0
    for i in range(wives.shape[0]):
        g = np.int64(hh[wives[i]])
        if g <= 0 or g + 1 >= off.shape[0]:
            continue
        for t in range(off[g], off[g + 1]):
            s = order[t]
            if alive[s] and (month - np.int64(birth_month[s])) // 12 < 15:
                out[m] = s
                m += 1
    return out[:m]

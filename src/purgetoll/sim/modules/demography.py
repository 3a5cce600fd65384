"""Demography: the starting population, births, deaths from the life tables, and ageing.

* **Ageing** costs nothing: age is derived from ``birth_month`` (see ``sim.calendar``).
* **Deaths**: each person's month of death is drawn once, when they enter the run, from the
  cumulative hazard of their sex and birth month (``sim.hazard``), with mortality from
  ``inputs.qx`` (``purgetoll.demography.annual_qx`` in real runs: the official tables interpolated
  between their mid-points, with the demography engine's under-registration correction) at the
  middle of each month. Each yearly window indexes the slots due to die in its months, so a month
  touches only its dying. :meth:`Demography.redraw_deaths` re-draws from a given month with a hazard
  multiplier, for modules that change a person's risk (arrest, camp, release).
* **Births**: boys and girls born in the month (``inputs.births_between`` over the step's calendar
  interval) times the scale, each rounded up or down at random (decision ``demography.births.count``
  at the step, id 0 for boys and 1 for girls). A baby is born, on average, in the middle of the
  month: its birth month index is that of the next time point and it is exposed to half of the
  month's infant mortality (see ``sim.calendar`` and ``sim.hazard``).

Random decisions: ``demography.births.count`` (step, 0 or 1),
``demography.death`` (0, person_id: one draw per life), ``demography.death.redraw`` (step,
person_id), and the synthesis decisions ``synthesis.count`` / ``synthesis.birth_month``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numba as nb
import numpy as np

from purgetoll.errors import DataError
from purgetoll.sim import rng
from purgetoll.sim.hazard import (
    HazardTable,
    build_hazard,
    draw_death_steps,
    infant_hazards,
    monthly_hazard,
)
from purgetoll.sim.inputs import DemographyInputs, population_matrix
from purgetoll.sim.modules.base import Module
from purgetoll.sim.state import SEXES
from purgetoll.sim.synthesis import add_cohorts

if TYPE_CHECKING:
    from purgetoll.sim.loop import Sim

__all__ = ["Demography"]


def mortality_by_step(inputs: DemographyInputs, sim: Sim) -> tuple[np.ndarray, np.ndarray | None]:
    """Monthly hazards (n_steps, 2, 101) at each step's middle, and the first-year pieces
    (n_steps, 2, 13) when ``inputs.infant_a0`` is given (else None)."""
    mu = np.empty((sim.n_steps, 2, 101))
    q0 = np.empty((sim.n_steps, 2))
    for k in range(sim.n_steps):
        year = sim.decimal_year(k + 0.5)
        for s, label in enumerate(SEXES):
            q = inputs.qx(year, label)
            mu[k, s] = monthly_hazard(q, f"qx(year={year:.3f}, sex={label})")
            q0[k, s] = q[0]
    if inputs.infant_a0 is None:
        return mu, None
    infant = np.empty((sim.n_steps, 2, 13))
    for s, label in enumerate(SEXES):
        infant[:, s] = infant_hazards(q0[:, s], np.asarray(inputs.infant_a0(q0[:, s], label), dtype=np.float64))
    return mu, infant


class Demography(Module):
    """Births, deaths and ageing from explicit :class:`DemographyInputs`."""

    name: ClassVar[str] = "demography"
    event_meanings: ClassVar[dict[str, str]] = {
        "birth": "born in the month (age 0)",
        "death": "died of the life table's hazard (raised while held in position mode's prisons); a person who dies "
                 "so while in custody is logged as death_in_custody too",
    }
    event_kinds: ClassVar[tuple[str, ...]] = tuple(event_meanings)
    steps: ClassVar[tuple[str, ...]] = ("births", "deaths")

    def __init__(self, inputs: DemographyInputs) -> None:
        super().__init__()
        self.inputs = inputs
        self.hazard: HazardTable | None = None
        self.mu_by_step: np.ndarray | None = None
        self.infant_at_start: np.ndarray | None = None  # (2, 13) first-year hazard pieces at the start
        self._due: dict[int, list[np.ndarray]] = {}
        self._window = (0, 0)

    # -- declarations -------------------------------------------------------------------------
    def data_ends(self) -> dict[str, int]:
        return dict(self.inputs.data_ends)

    def describe(self) -> dict[str, Any]:
        return {
            "parameters": {},
            "tables": dict(self.inputs.tables),
            "assumptions": {
                "birth_month_within_year_of_age": "people of a completed age 1+ are spread uniformly over "
                "the 12 birth months of that year (the census gives nothing finer); the starting census's "
                "age 0 in proportion to survival from birth under the first year's hazard at the start "
                "(births assumed even over that year; annexed infants uniformly)",
                "birth_timing": "babies are born in the middle of their month (half a month of exposure)",
                "infant_mortality_within_year": (
                    "the first year's hazard falls with age so that infants who die live on average the "
                    "life table's a0 (inputs.infant_a0)" if self.inputs.infant_a0 is not None else
                    "the death hazard is constant through the first year of life (no infant_a0 given)"),
                **self.inputs.assumptions,
            },
        }

    # -- precomputation -----------------------------------------------------------------------
    def births_expected(self, sim: Sim) -> np.ndarray:
        """Expected agents born in each step by sex, shape (n_steps, 2): births x scale."""
        out = np.empty((sim.n_steps, 2))
        for k in range(sim.n_steps):
            t0, t1 = sim.decimal_year(k), sim.decimal_year(k + 1)
            b = np.asarray(self.inputs.births_between(t0, t1), dtype=np.float64)
            if b.shape != (2,) or not np.all(np.isfinite(b)) or np.any(b < 0):
                raise DataError("births_between", f"births must be 2 finite numbers >= 0 (boys, girls); got {b!r}",
                                f"interval={t0:.3f}-{t1:.3f}")
            out[k] = b * sim.settings.scale
        return out

    def capacity(self, sim: Sim) -> int:
        initial = population_matrix(self.inputs.initial, "DemographyInputs.initial").sum() * sim.settings.scale
        births = self.births_expected(sim).sum()
        return int(initial + births + 2 * sim.n_steps + 2 * 202)  # + one rounding per step and per cell

    def prepare(self, sim: Sim) -> None:
        mu, infant = mortality_by_step(self.inputs, sim)
        self.mu_by_step = mu
        self._births = self.births_expected(sim)
        # the oldest possible birth month: open group 100+ at the start, born up to 11 months before 100
        first = sim.start_month - 12 * 101
        self.hazard = build_hazard(mu, sim.start_month, first, infant)
        # the first year's hazard at the start (constant through the year without a0), by which the
        # synthesis weights the census infants' birth months (fewer of the oldest, as the life table)
        self.infant_at_start = infant[0] if infant is not None else infant_hazards(-np.expm1(-12.0 * mu[0, :, 0]), None)

    def setup(self, sim: Sim) -> None:
        counts = population_matrix(self.inputs.initial, "DemographyInputs.initial")
        slots = add_cohorts(sim.people, counts, scale=sim.settings.scale, seed=sim.settings.seed,
                            month=sim.start_month, step=0, decision="synthesis", infant=self.infant_at_start)
        self.enter(sim, slots, 0)

    # -- scheduling ---------------------------------------------------------------------------
    def _hazard(self) -> HazardTable:
        """The hazard table (built in ``prepare``)."""
        if self.hazard is None:
            raise RuntimeError("demography: the hazard table is built in prepare()")
        return self.hazard

    def enter(self, sim: Sim, slots: slice, step: int) -> None:
        """Draw the death step of people entering the run at ``step`` (new, born or annexed)."""
        people = sim.people
        ids = people["person_id"][slots]
        exposure = rng.exponential(sim.settings.seed, "demography.death", 0, ids)
        deaths = draw_death_steps(self._hazard(), people["sex"][slots], people["birth_month"][slots], step, exposure)
        people["death_step"][slots] = deaths
        self._index_new(slots.start, deaths)

    def redraw_deaths(self, sim: Sim, slots: np.ndarray, step: int, multiplier: float | np.ndarray) -> None:
        """Redraw the death step of living ``slots`` from ``step`` on, with hazard x ``multiplier``.

        For modules that change a person's mortality (a camp, a release). Modules that run after
        ``demography.deaths`` in the month must pass ``step + 1``. Uses the keyed decision
        ``demography.death.redraw`` at ``step``, so it never disturbs anyone else's draws.
        """
        people = sim.people
        slots = np.asarray(slots, dtype=np.int64)
        ids = people["person_id"][slots]
        exposure = rng.exponential(sim.settings.seed, "demography.death.redraw", step, ids)
        deaths = draw_death_steps(self._hazard(), people["sex"][slots], people["birth_month"][slots], step,
                                  exposure, multiplier)
        people["death_step"][slots] = deaths
        first, stop = self._window
        for k in np.unique(deaths[(deaths >= max(first, step)) & (deaths < stop)]):
            self._due.setdefault(int(k), []).append(slots[deaths == k])

    def kill(self, sim: Sim, slots: np.ndarray, step: int, kind: str = "death", **event_columns: np.ndarray) -> None:
        """Death caused by another module (an execution, a death in a camp) in month ``step``.

        Marks the people dead, sets their ``death_step`` to ``step`` (so no due list ever takes
        them again) and logs one ``kind`` event each (``kind`` must be declared by the calling
        module; ``event_columns`` fill its declared event columns, e.g. ``operation``).
        """
        people = sim.people
        slots = np.asarray(slots, dtype=np.int64)
        mask = people["alive"][slots].copy()  # the already dead are skipped (and not logged)
        living = slots[mask]
        people["alive"][living] = False
        people["death_step"][living] = step
        sim.events.log(step, kind, people["person_id"][living], people["sex"][living],
                       sim.ages(people["birth_month"][living], step),
                       **{k: np.broadcast_to(np.asarray(v), slots.shape)[mask] for k, v in event_columns.items()})

    def _index_new(self, first_slot: int, deaths: np.ndarray) -> None:
        first, stop = self._window
        inside = np.flatnonzero((deaths >= first) & (deaths < stop))
        if inside.size:
            steps = deaths[inside]
            order = np.argsort(steps, kind="stable")
            steps, slots = steps[order], inside[order] + first_slot
            cuts = np.flatnonzero(np.diff(steps)) + 1
            for part_steps, part in zip(np.split(steps, cuts), np.split(slots, cuts), strict=True):
                self._due.setdefault(int(part_steps[0]), []).append(part)

    def begin_window(self, sim: Sim, first: int, stop: int) -> None:
        self._window = (first, stop)
        self._due = {}
        people = sim.people
        order, bounds = _bucket(people["alive"], people["death_step"], np.int64(first), np.int64(stop))
        for i, k in enumerate(range(first, stop)):
            if bounds[i + 1] > bounds[i]:
                self._due[k] = [order[bounds[i]:bounds[i + 1]]]

    # -- monthly steps ------------------------------------------------------------------------
    def births(self, sim: Sim, step: int) -> None:
        """Add the month's babies and draw their deaths."""
        expected = self._births[step]
        whole = np.floor(expected)
        u = rng.uniform(sim.settings.seed, "demography.births.count", step, np.arange(2, dtype=np.uint32))
        n_boys, n_girls = (whole + (u < expected - whole)).astype(np.int64)
        n = int(n_boys + n_girls)
        people = sim.people
        ids = np.arange(people.next_id, people.next_id + n, dtype=np.uint32)
        sex = np.repeat(np.array([0, 1], dtype=np.int8), [n_boys, n_girls])
        slots = people.add(n, sex=sex, birth_month=int(sim.month(step + 1)))
        self.enter(sim, slots, step)
        sim.events.log(step, "birth", ids, sex, np.zeros(n, dtype=np.uint8))

    def deaths(self, sim: Sim, step: int) -> None:
        """Kill those whose death falls in this month (and who are still alive and still due)."""
        parts = self._due.pop(step, [])
        if not parts:
            return
        people = sim.people
        dying = _still_due(np.concatenate(parts), people["alive"], people["death_step"], np.int16(step))
        people["alive"][dying] = False
        sim.events.log(step, "death", people["person_id"][dying], people["sex"][dying],
                       sim.ages(people["birth_month"][dying], step))


@nb.njit(cache=True)
def _bucket(alive, death_step, first, stop):
    """Slots of the living due to die in steps first..stop-1, sorted by step (counting sort)."""
    width = stop - first
    counts = np.zeros(width + 1, dtype=np.int64)
    for i in range(alive.shape[0]):
        d = death_step[i]
        if alive[i] and first <= d < stop:
            counts[d - first + 1] += 1
    for j in range(width):
        counts[j + 1] += counts[j]
    order = np.empty(counts[width], dtype=np.int64)
    fill = counts[:width].copy()
    for i in range(alive.shape[0]):
        d = death_step[i]
        if alive[i] and first <= d < stop:
            order[fill[d - first]] = i
            fill[d - first] += 1
    return order, counts


@nb.njit(cache=True)
def _still_due(slots, alive, death_step, step):
    out = np.empty(slots.shape[0], dtype=np.int64)
    m = 0
    for i in range(slots.shape[0]):
        s = slots[i]
        if alive[s] and death_step[s] == step:
            out[m] = s
            m += 1
    # unique: a redrawn person can sit in a month's list twice
    return np.unique(out[:m])

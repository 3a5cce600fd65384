"""The Gulag: the prisoners already there, admissions, deaths by year and by time since arrival, releases.

**At the start**, ``initial_prisoners_persons`` of the population are in the camps and colonies
(default ``gulag_population_jan1_partial:1937-01-01/camps_and_colonies``), ``initial_female_share`` of them women
(6.1% in 1937, ``gulag("sex")``), aged 18-70 with weight 1 at 30-55 and 0.5 elsewhere (assumption:
no bundled age table of prisoners). They leave at ``initial_release_per_1000_per_year`` (assumption:
the bundled release series starts in 1939).

**Admissions** come from ``sentencing`` (:meth:`Gulag.admit`) with a term; a prisoner is released in
the month the term ends.

**Deaths.** Inside, the life table no longer applies: a prisoner's monthly hazard is ``h(month) x
m``, where ``m`` is ``arrival_hazard_multiplier`` in the first ``arrival_months`` after admission
and ``female_hazard_multiplier`` for women (both assumptions: the bundled tables give no death
rates by time since arrival or by sex), and ``far_north_hazard_multiplier`` in the far-north camps
(Sevvostlag, Kolyma), where ``far_north_share`` of the prisoners are sent (the camp types,
``terror.CAMP_TYPES``; both from a low-confidence page in ``gulag_population_supplement``). The level ``h`` is calibrated each month so that the
year's deaths reach ``deaths_by_month_persons`` (default the Gulag death series,
``gulag_deaths_1930_1956:1937`` and ``:1938``), spread over the year's months; with ``calibrate_deaths``
off, ``h`` comes from ``mortality_per_1000_per_year`` (default the series' deaths per average
population: 24.2 in 1937 and 53.5 in 1938) and the deaths follow from the number held. Released
prisoners return to the life table. Each month the exact expected number dies (drift-free
rounding); who dies follows the keyed draws weighted by ``m``.

**Mechanism mode** (``terror.mode``): no deaths are imposed. The level is
``camp_mortality_per_1000_per_year`` (default the Gulag's rate of 1936, the year before the run)
times 1 + ``camp_overcrowding_mortality_factor`` x (prisoners / ``camp_places_persons`` - 1) when the
camps are over their places, then the multipliers above (the first months, women, the far north).
Beside the political prisoners the camps admit ``nonpolitical_admissions_per_month_persons`` people
sentenced by the ordinary courts (operation ``nonpolitical``; free people aged 16-60, a woman with
odds ``nonpolitical_female_weight``, terms of ``nonpolitical_term_months``), so the camp population,
its overcrowding and its share of women come out of admissions, releases and deaths.

Random decisions: ``gulag.initial`` (0, person id), ``gulag.death`` and ``gulag.release`` (step,
person id); mechanism mode ``gulag.nonpolitical`` (step, person id) and the starting carries
``terror.carry.gulag.death``, ``terror.carry.gulag.nonpolitical`` and ``terror.carry.gulag.initial``
(:func:`~purgetoll.sim.modules.custody.start_carry`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from purgetoll.data import figure
from purgetoll.params import Param
from purgetoll.sim import rng
from purgetoll.sim.modules.base import Module
from purgetoll.sim.modules.custody import start_carry
from purgetoll.sim.modules.terror import (
    CAMP,
    CAMP_TYPES,
    CATEGORIES,
    RELEASED,
    TERROR_PLAN_ORDER,
    by_step,
    mechanism_mode,
    op_code,
    pack,
    refresh_slots,
    unpack,
)
from purgetoll.sim.modules.terror_draw import FreePool, age_weights, coded_pool, draw, pick_free
from purgetoll.sim.state import FEMALE, NO_DEATH

if TYPE_CHECKING:
    from purgetoll.sim.loop import Sim

__all__ = ["Gulag"]

_BEFORE_START = -12  # admission step of those already inside at the start: past their first months
_NO_END = 32000  # term end of those inside at the start (they leave at the release rate instead)

_INITIAL = "gulag_population_jan1_partial:1937-01-01/camps_and_colonies"
_SUPPLEMENT = "gulag_population_supplement"


def _far_north_share() -> float:
    """Sevvostlag's average population of 1937 (its deaths over its mortality) over the Gulag's (the
    Gulag's deaths over its mortality, to the whole person)."""
    gulag_average = round(figure("gulag_deaths_1930_1956:1937") / (figure(f"{_SUPPLEMENT}:mortality_1937_popular") / 100))
    return figure(f"{_SUPPLEMENT}:sevvostlag_deaths_1937") / (figure(f"{_SUPPLEMENT}:sevvostlag_mortality_1937") / 100) / gulag_average


class Gulag(Module):
    """Camps: the initial prisoners, admissions, deaths calibrated to the death series, releases."""

    name: ClassVar[str] = "gulag"
    plan_order: ClassVar[int] = TERROR_PLAN_ORDER["gulag"]
    runs_by_default: ClassVar[bool] = False
    steps: ClassVar[tuple[str, ...]] = ("release_and_deaths",)
    parameter_specs: ClassVar[tuple[Param, ...]] = (
        Param("initial_prisoners_persons", figure(_INITIAL), "persons", "prisoners in camps and colonies on 1 Jan "
              f"1937 (Zemskov, {_INITIAL})", low=0, high=2e7),
        Param("initial_female_share", 0.061, "share", "women among the prisoners in 1937: 6.1% (gulag('sex'))",
              low=0, high=1),
        Param("initial_release_per_1000_per_year", 100.0, "per 1000 per year", "release rate of those inside at "
              "the start (assumption: the bundled releases start in 1939;)", low=0, high=1000,
              assumption=True, prior=(0, 400)),
        Param("calibrate_deaths", True, "", "fix each year's deaths at deaths_by_month_persons (else use "
              "mortality_per_1000_per_year)", kind="bool"),
        Param("deaths_by_month_persons", {y: figure(f"gulag_deaths_1930_1956:{y}") for y in ("1937", "1938")},
              "persons", "deaths in the camps and colonies by year (gulag_deaths_1930_1956:1937, :1938)",
              kind="series", low=0, high=1e8),
        Param("mortality_per_1000_per_year", {"1937": 24.2, "1938": 53.5}, "per 1000 per year", "deaths per "
              "average population (gulag('deaths') deaths_pct_of_average_population x 10)", kind="series",
              low=0, high=1000),
        Param("arrival_hazard_multiplier", 2.0, "x", "hazard in the first months after arrival relative to later "
              "(assumption)", low=1, high=10, assumption=True, prior=(1, 5)),
        Param("arrival_months", 3, "months", "how long the arrival hazard lasts (assumption: range 1-12)",
              kind="integer", low=0, high=24, assumption=True),
        Param("female_hazard_multiplier", 0.5, "x", "women's hazard relative to men's (assumption)",
              low=0.05, high=1, assumption=True, prior=(0.2, 1)),
        Param("far_north_share", _far_north_share(), "share", "share of prisoners in the far-north camps "
              "(Sevvostlag, Kolyma): its deaths of 1937 at its mortality imply its average population, against "
              "the Gulag's average (its deaths over its mortality, gulag_deaths_1930_1956:1937 and "
              "gulag_population_supplement:mortality_1937_popular; gulag_population_supplement "
              "sevvostlag_deaths_1937, sevvostlag_mortality_1937; low-confidence popular page)", low=0, high=1),
        Param("far_north_hazard_multiplier", figure(f"{_SUPPLEMENT}:sevvostlag_mortality_1937")
              / figure(f"{_SUPPLEMENT}:mortality_1937_popular"), "x", "hazard in the far-north camps relative to the "
              "other camps and colonies: Sevvostlag 9% against the Gulag's 2.42% in 1937 (gulag_population_"
              "supplement sevvostlag_mortality_1937, mortality_1937_popular; low confidence)", low=1, high=20, prior=(1, 10)),
        Param("camp_mortality_per_1000_per_year", 15.0, "per 1000 per year", "mechanism mode: deaths per average "
              "population of those past their first months while the camps are within their places (assumption: "
              "below the Gulag's 2.11% of 1936, gulag('deaths'), which counts the newly arrived too)", low=0, high=1000,
              assumption=True, prior=(10, 40)),
        Param("camp_places_persons", 1_300_000, "persons", "mechanism mode: prisoners the camps and colonies hold "
              "without overcrowding (assumption: no bundled figure; "
              f"{_INITIAL} were inside on 1 Jan 1937)", low=1_000, high=2e7, assumption=True, prior=(1_000_000, 2_000_000)),
        Param("camp_overcrowding_mortality_factor", 4.0, "x per 100% over places", "mechanism mode: the death rate is "
              "multiplied by 1 + factor x (prisoners / places - 1) when over the places (assumption)",
              low=0, high=100, assumption=True, prior=(0, 10)),
        Param("nonpolitical_admissions_per_month_persons", 15_000.0, "persons", "mechanism mode: people sentenced "
              "by the ordinary courts admitted to the camps each month (assumption: the bundle "
              "counts only the political convictions)", low=0, high=1e6, assumption=True, prior=(10_000, 80_000)),
        Param("nonpolitical_term_months", 36, "months", "mechanism mode: term of the non-political prisoners (prior "
              "12-60; assumption)", kind="integer", low=1, high=300, assumption=True),
        Param("nonpolitical_female_weight", 0.08, "odds", "mechanism mode: weight of a woman against a man among "
              "those the ordinary courts send to the camps (assumption)", low=0, high=1,
              assumption=True, prior=(0.05, 0.5)),
    )

    def __init__(self, **values: Any) -> None:
        super().__init__(**values)
        # everyone inside, in order of admission, with their admission step and term end (steps)
        self.camp_ids = np.empty(0, dtype=np.uint32)
        self.camp_step = np.empty(0, dtype=np.int16)
        self.term_end = np.empty(0, dtype=np.int16)
        self.camp_slots = np.empty(0, dtype=np.int64)  # valid within the window (refresh_slots)
        self.camp_type = np.empty(0, dtype=np.int8)  # CAMP_TYPES code
        # sex of each prisoner, alongside (valid within the window, like the slots): one random gather
        # over the people fewer a month (8 million prisoners in Conquest's camps)
        self.camp_sex = np.empty(0, dtype=np.int8)
        self.deaths_by_year: dict[int, int] = {}
        self.hazard_per_1000_per_year: list[float] = []  # the calibrated level, month by month
        # the running carries of the deaths and of the ordinary courts' admissions (agents), set in the
        # first month: in mechanism mode from keyed draws (custody.start_carry), since started at 0 each
        # flow is half an agent short from the first month on (500 camp deaths of 1937 at scale 0.001
        # against 50 at 0.01); in position mode the deaths' at 0 (the year's deaths are imposed)
        self._carry: float | None = None
        self._np_carry: float | None = None
        self._np_pool: FreePool | None = None

    def describe(self) -> dict[str, Any]:
        return {**super().describe(),
                "tables": {"gulag_deaths_1930_1956": "deaths by year and per average population",
                           "gulag_population_jan1_partial": "prisoners on 1 Jan 1937",
                           "gulag_sex_composition_partial": "women 6.1% of prisoners in 1937"},
                "assumptions": {**self.assumptions(),
                                "initial_ages": "prisoners at the start are 18-70, weight 1 at 30-55, 0.5 elsewhere"},
                "calibrated_level_per_1000_per_year": self.hazard_per_1000_per_year}

    def state_dict(self) -> dict[str, Any]:
        return {"camp_ids": pack(self.camp_ids), "camp_step": pack(self.camp_step), "term_end": pack(self.term_end), "camp_type": pack(self.camp_type), "deaths_by_year": {str(k): v for k, v in self.deaths_by_year.items()},
                "carry": self._carry, "levels": self.hazard_per_1000_per_year, "np_carry": self._np_carry}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.camp_ids = unpack(state["camp_ids"])
        self.camp_step, self.term_end = unpack(state["camp_step"]), unpack(state["term_end"])
        self.camp_type = unpack(state["camp_type"])
        self.deaths_by_year = {int(k): int(v) for k, v in state["deaths_by_year"].items()}
        self._carry = None if state["carry"] is None else float(state["carry"])
        self.hazard_per_1000_per_year = list(state["levels"])
        self._np_carry = None if state.get("np_carry") is None else float(state["np_carry"])

    def prepare(self, sim: Sim) -> None:
        self._deaths_m = by_step(sim, self.values["deaths_by_month_persons"]) * sim.settings.scale
        self._rate_m = by_step(sim, self.values["mortality_per_1000_per_year"], spread_years=False)
        self._year = np.array([sim.date(k).year for k in range(sim.n_steps)])

    def setup(self, sim: Sim) -> None:
        """Put the prisoners of 1 Jan 1937 in the camps."""
        n = self._initial_agents(sim)
        if n <= 0:
            return
        p = sim.people
        pool = coded_pool(sim, 0, 18, 70, n, "gulag.initial.pool")  # thinned_pool, compiled
        w = age_weights(sim.ages(p["birth_month"][pool], 0), 18, 70)
        chosen = draw(sim, pool, w, n, float(self.values["initial_female_share"]), "gulag.initial", 0)
        p["t_status"][chosen] = CAMP
        p["t_operation"][chosen] = op_code("prior")
        p["death_step"][chosen] = NO_DEATH
        self.camp_ids = p["person_id"][chosen].copy()
        self.camp_slots = chosen.astype(np.int64)
        self.camp_step = np.full(n, _BEFORE_START, dtype=np.int16)
        self.term_end = np.full(n, _NO_END, dtype=np.int16)
        self.camp_type = self._types(sim, self.camp_ids)
        self.camp_sex = p["sex"][chosen]
        terror = sim.module("terror")
        sim.events.log(0, "in_camp_at_start", self.camp_ids, p["sex"][chosen], sim.ages(p["birth_month"][chosen], 0),
                       operation=p["t_operation"][chosen], category=np.full(n, CATEGORIES.index("camp"), np.int8),
                       **terror.who(sim, chosen), camp_type=self.camp_type)

    def _initial_agents(self, sim: Sim) -> int:
        """Agents inside at the start: in mechanism mode ``floor(persons x scale + u)`` with the keyed
        draw of ``start_carry(seed, "gulag.initial")``, the persons on average at every scale; in position
        mode the nearest whole number."""
        agents = float(self.values["initial_prisoners_persons"]) * sim.settings.scale
        if mechanism_mode(sim):
            return int(np.floor(agents + start_carry(sim.settings.seed, "gulag.initial")))
        return int(round(agents))

    def admit(self, sim: Sim, slots: np.ndarray, step: int, term_months: np.ndarray) -> None:
        """Admit sentenced prisoners in ``step`` with terms of ``term_months``."""
        p = sim.people
        slots = slots[p["alive"][slots]]
        if slots.size == 0:
            return
        p["t_status"][slots] = CAMP
        end = np.minimum(step + np.asarray(term_months)[: slots.size], _NO_END - 1)
        p["death_step"][slots] = NO_DEATH  # camp mortality is this module's, not the life table's
        self.camp_ids = np.concatenate([self.camp_ids, p["person_id"][slots]])
        self.camp_slots = np.concatenate([self.camp_slots, slots])
        self.camp_step = np.concatenate([self.camp_step, np.full(slots.size, step, dtype=np.int16)])
        self.term_end = np.concatenate([self.term_end, end.astype(np.int16)])
        types = self._types(sim, p["person_id"][slots])
        self.camp_type = np.concatenate([self.camp_type, types])
        self.camp_sex = np.concatenate([self.camp_sex, p["sex"][slots]])
        sim.events.log(step, "camp_admission", p["person_id"][slots], p["sex"][slots],
                       sim.ages(p["birth_month"][slots], step), operation=p["t_operation"][slots],
                       category=np.full(slots.size, CATEGORIES.index("camp"), np.int8),
                       **sim.module("terror").who(sim, slots), camp_type=types)

    def _types(self, sim: Sim, ids: np.ndarray) -> np.ndarray:
        """Camp type of each prisoner (keyed by person: the same camp in every scenario)."""
        u = rng.uniform(sim.settings.seed, "gulag.camp_type", 0, ids)
        return np.where(u < float(self.values["far_north_share"]), CAMP_TYPES.index("far_north"), CAMP_TYPES.index("other")).astype(np.int8)

    def _nonpolitical(self, sim: Sim, step: int) -> None:
        """Mechanism mode: the month's prisoners of the ordinary courts."""
        if self._np_carry is None:
            self._np_carry = start_carry(sim.settings.seed, "gulag.nonpolitical")
        a = float(self.values["nonpolitical_admissions_per_month_persons"]) * sim.settings.scale + self._np_carry
        n = int(np.floor(a + 1e-9))
        self._np_carry = a - n
        if n <= 0 or self._np_pool is None:
            return
        p = sim.people
        chosen = pick_free(sim, self._np_pool, n, "gulag.nonpolitical", step)
        p["t_operation"][chosen] = op_code("nonpolitical")
        self.admit(sim, chosen, step, np.full(chosen.size, int(self.values["nonpolitical_term_months"])))

    def release_and_deaths(self, sim: Sim, step: int) -> None:
        """Releases at term end (and of those inside at the start), then the month's deaths."""
        p = sim.people
        mechanism = mechanism_mode(sim)
        if mechanism:
            self._nonpolitical(sim, step)
        if self.camp_ids.size == 0:
            return
        pid = p["person_id"]
        s = self.camp_slots
        if self.camp_sex.size != s.size:  # resumed or loaded: the sexes are gathered once
            self.camp_sex = p["sex"][s]
        still = p["alive"][s] & (p["t_status"][s] == CAMP)
        if not still.all():
            self._keep(still)
        s = self.camp_slots
        ids = self.camp_ids
        # releases
        out = self.term_end == step  # those inside at the start have no term end in the run
        release = float(self.values["initial_release_per_1000_per_year"])
        if release > 0:
            initial = self.camp_step == _BEFORE_START
            u_rel = rng.uniform(sim.settings.seed, "gulag.release", step, ids)
            out |= initial & (u_rel < 1 - np.exp(-release / 1000 / 12))
        if out.any():
            r = s[out]
            p["t_status"][r] = RELEASED
            sim.events.log(step, "release", pid[r], p["sex"][r], sim.ages(p["birth_month"][r], step),
                           operation=p["t_operation"][r], **sim.module("terror").who(sim, r),
                           camp_type=self.camp_type[out])
            sim.module("demography").redraw_deaths(sim, r, step + 1, 1.0)
            self._keep(~out)
            s = self.camp_slots
            ids = self.camp_ids
        # deaths
        # the multiplier takes 8 values (arrival x sex x camp type): a code per prisoner and a table,
        # each entry the same product (arrival x sex) x camp type as element by element
        v = self.values
        arrival, female, far = (float(v["arrival_hazard_multiplier"]), float(v["female_hazard_multiplier"]),
                                float(v["far_north_hazard_multiplier"]))
        code = (self.camp_step > step - int(v["arrival_months"])).view(np.uint8)
        code = code | ((self.camp_sex == FEMALE).view(np.uint8) << 1)
        code |= (self.camp_type == CAMP_TYPES.index("far_north")).view(np.uint8) << 2
        m_of = np.array([(arrival if c & 1 else 1.0) * (female if c & 2 else 1.0) * (far if c & 4 else 1.0)
                         for c in range(8)])
        m = m_of[code]
        year = int(self._year[step])
        if v["calibrate_deaths"] and not mechanism:
            in_year = self._year == year
            left_target = self._deaths_m[in_year].sum() - self.deaths_by_year.get(year, 0)
            months_left = int(np.count_nonzero(in_year & (np.arange(sim.n_steps) >= step)))
            expected = max(left_target, 0.0) / max(months_left, 1)
            h = expected / m.sum() if m.sum() > 0 else 0.0
        elif mechanism:
            crowd = s.size / max(float(v["camp_places_persons"]) * sim.settings.scale, 1e-300)
            rate = float(v["camp_mortality_per_1000_per_year"]) * (
                1.0 + float(v["camp_overcrowding_mortality_factor"]) * max(crowd - 1.0, 0.0))
            h = -np.log1p(-min(rate, 999.0) / 1000) / 12
        else:
            h = -np.log1p(-min(self._rate_m[step], 999.0) / 1000) / 12
        prob = (-np.expm1(-h * m_of))[code]
        self.hazard_per_1000_per_year.append(float(1000 * (1 - np.exp(-12 * h))))
        if self._carry is None:
            self._carry = start_carry(sim.settings.seed, "gulag.death") if mechanism else 0.0
        expected = float(prob.sum()) + self._carry
        n = min(int(np.floor(expected + 1e-9)), s.size)
        self._carry = expected - n
        if n <= 0:
            return
        u = rng.uniform(sim.settings.seed, "gulag.death", step, ids)
        key = u / np.maximum(prob, 1e-300)
        # the n smallest keys (a partition, not a sort: 8 million prisoners in Conquest's camps)
        order = np.argpartition(key, n - 1)[:n] if n < key.size else np.arange(key.size)
        pos = order[np.argsort(s[order])]  # positions in the camp arrays, in slot order
        dead = s[pos]
        p["alive"][dead] = False
        sim.events.log(step, "camp_death", pid[dead], p["sex"][dead], sim.ages(p["birth_month"][dead], step),
                       operation=p["t_operation"][dead], **sim.module("terror").who(sim, dead),
                       camp_type=self.camp_type[pos])
        self.deaths_by_year[year] = self.deaths_by_year.get(year, 0) + n
        keep = np.ones(ids.size, bool)
        keep[order] = False
        self._keep(keep)

    def _keep(self, mask: np.ndarray) -> None:
        self.camp_ids, self.camp_step, self.term_end = self.camp_ids[mask], self.camp_step[mask], self.term_end[mask]
        self.camp_slots, self.camp_type = self.camp_slots[mask], self.camp_type[mask]
        if self.camp_sex.size == mask.size:
            self.camp_sex = self.camp_sex[mask]

    def begin_window(self, sim: Sim, first: int, stop: int) -> None:
        """Slots of the prisoners after compaction (those compacted away had died); in mechanism mode the
        window's pool of the ordinary courts (free people aged 16-60, thinned)."""
        if mechanism_mode(sim):
            need = float(self.values["nonpolitical_admissions_per_month_persons"]) * sim.settings.scale * (stop - first)
            pool = coded_pool(sim, first, 16, 60, need, "gulag.nonpolitical.pool", margin=5.0)
            w = age_weights(sim.ages(sim.people["birth_month"][pool], first), 16, 60, peak_low=18, peak_high=40)
            self._np_pool = FreePool.of(sim, pool, w, float(self.values["nonpolitical_female_weight"]))
        slots, found = refresh_slots(sim, self.camp_ids)
        self.camp_slots = slots
        self.camp_sex = np.empty(0, dtype=np.int8)  # regathered below, from the found slots
        self._keep(found)
        self.camp_sex = sim.people["sex"][self.camp_slots]

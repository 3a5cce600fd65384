"""The Gulag module: the death level by year, higher after arrival, lower for women; releases at term end.

Runs on the synthetic population of ``conftest.py`` (no attributes needed): a test module admits
groups of free adults with chosen terms, and the Gulag module does the rest.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd
import pytest

from purgetoll.errors import ScenarioError
from purgetoll.scenarios import Scenario
from purgetoll.sim import Demography, Module, Sim, SimSettings, Territory
from purgetoll.sim.modules.gulag import Gulag
from purgetoll.sim.modules.terror import CAMP, RELEASED, Terror
from purgetoll.sim.state import NO_DEATH

SCALE = 0.002


class Admit(Module):
    """Admits ``n`` free men aged 20-60 (every 10th) at ``step`` with a term of ``term_months``."""

    name: ClassVar[str] = "admit"
    steps: ClassVar[tuple[str, ...]] = ("admit",)

    def __init__(self, plan: list[tuple[int, int, int]]) -> None:
        self.plan = plan
        self.groups: dict[int, np.ndarray] = {}

    def admit(self, sim, step):
        """Admit the planned groups of this step."""
        p = sim.people
        for k, n, term in self.plan:
            if k != step:
                continue
            ages = sim.ages(p["birth_month"], step)
            free = np.flatnonzero(p["alive"] & (p["t_status"] == 0) & (p["sex"] == 0) & (ages >= 20) & (ages <= 60))
            chosen = free[::10][:n]
            p["t_status"][chosen] = 1
            sim.module("gulag").admit(sim, chosen, step, np.full(chosen.size, term))
            self.groups[k] = p["person_id"][chosen].copy()


def run(toy_inputs, tmp_path, gulag: Gulag, plan):
    settings = SimSettings(start="1937-01-06", end="1939-01-17", scale=SCALE, seed=3)
    admit = Admit(plan)
    sim = Sim(settings, [Territory(toy_inputs), Demography(toy_inputs), Terror(), admit, gulag])
    sim.run(tmp_path)
    ev = pd.read_parquet(tmp_path / "events")
    ev["event"] = ev["event"].astype(str)
    ev["sex"] = ev["sex"].astype(str)
    return sim, admit, ev


def test_position_mode_imposes_the_deaths_series_and_prisoners_leave_the_life_table(toy_inputs, tmp_path):
    """Position mode imposes the deaths by year it is given (here an arbitrary series, not the archive's):
    the run delivers them to within one agent; only the level of the hazard is solved for."""
    series = {"1937": 20_000, "1938": 70_000}
    sim, admit, ev = run(toy_inputs, tmp_path, Gulag(initial_prisoners_persons=1_000_000,
                                                     deaths_by_month_persons=series), [(2, 3000, 120)])
    deaths = ev[ev["event"] == "camp_death"]
    by_year = deaths.groupby(pd.to_datetime(deaths["date"]).dt.year).size()
    assert abs(by_year[1937] - series["1937"] * SCALE) <= 1
    assert abs(by_year[1938] - series["1938"] * SCALE) <= 1
    # nobody inside dies of the life table: the demography module logs no death of a prisoner
    inside = set(ev.loc[ev["event"].isin(["in_camp_at_start", "camp_admission"]), "person_id"])
    released = set(ev.loc[ev["event"] == "release", "person_id"])
    life_table_deaths = set(ev.loc[ev["event"] == "death", "person_id"])
    assert not (inside - released) & life_table_deaths
    p = sim.people
    still = (p["t_status"] == CAMP) & p["alive"]
    assert still.sum() > 0 and np.all(p["death_step"][still] == NO_DEATH)


def test_deaths_are_higher_after_arrival_and_lower_for_women(toy_inputs, tmp_path):
    """With a fixed rate (uncalibrated), the month's death probability is rate x multipliers."""
    gulag = Gulag(initial_prisoners_persons=5_000_000, initial_female_share=0.3, initial_release_per_1000_per_year=0,
                  calibrate_deaths=False, mortality_per_1000_per_year={"1937": 300, "1938": 300},
                  arrival_hazard_multiplier=3.0, arrival_months=3, female_hazard_multiplier=0.5, far_north_share=0.0)
    sim, admit, ev = run(toy_inputs, tmp_path, gulag, [(1, 8000, 240)])
    deaths = ev[ev["event"] == "camp_death"]
    h = -np.log1p(-0.3) / 12
    new = set(admit.groups[1].tolist())
    start = ev[ev["event"] == "in_camp_at_start"]
    men_start = set(start.loc[start["sex"] == "male", "person_id"])
    women_start = set(start.loc[start["sex"] == "female", "person_id"])
    d1 = deaths[deaths["step"] == 1]
    # month 1: the new arrivals (x3) and the men inside since before 1937 (x1), among the same month's alive
    new_rate = d1["person_id"].isin(new).sum() / len(new)
    men_rate = d1["person_id"].isin(men_start).sum() / len(men_start)
    women_rate = d1["person_id"].isin(women_start).sum() / len(women_start)
    assert new_rate == pytest.approx(1 - np.exp(-3 * h), rel=0.25)
    assert men_rate == pytest.approx(1 - np.exp(-h), rel=0.1)
    assert women_rate == pytest.approx(1 - np.exp(-0.5 * h), rel=0.15)
    assert new_rate > 2 * men_rate > 3 * women_rate


def test_release_at_term_end_returns_to_the_life_table(toy_inputs, tmp_path):
    sim, admit, ev = run(toy_inputs, tmp_path, Gulag(initial_prisoners_persons=0), [(2, 2000, 2)])
    group = set(admit.groups[2].tolist())
    rel = ev[(ev["event"] == "release") & ev["person_id"].isin(group)]
    died = ev[(ev["event"] == "camp_death") & ev["person_id"].isin(group)]
    assert set(rel["step"]) == {4}  # admitted at step 2 with a 2-month term
    assert len(rel) + len(died[died["step"] < 4]) == len(group)
    p = sim.people
    slots = np.searchsorted(p["person_id"], np.array(sorted(set(rel["person_id"])), dtype=np.uint32))
    ok = p["person_id"][slots] == np.array(sorted(set(rel["person_id"])), dtype=np.uint32)
    assert np.all(p["t_status"][slots[ok]] == RELEASED)


def test_gulag_parameters_are_validated_by_name_and_range():
    with pytest.raises(ScenarioError) as err:
        Scenario.from_dict({"scenario": {"name": "bad", "title": "bad"},
                            "gulag": {"initial_female_share": {"value": 1.5, "source": "x"},
                                      "arrival_months": {"value": 30, "source": "x"},
                                      "mortality_rate": 3}})
    problems = err.value.problems
    assert "[gulag] initial_female_share must be in [0, 1] share; got 1.5" in problems
    assert "[gulag] arrival_months must be in [0, 24] months; got 30" in problems
    assert any(p.startswith("[gulag] unknown key 'mortality_rate' (valid: ") for p in problems)


def test_far_north_camps_are_deadlier(toy_inputs, tmp_path):
    """Sevvostlag's 9% against the Gulag's 2.42% (gulag_population_supplement): a 3.7x hazard."""
    gulag = Gulag(initial_prisoners_persons=5_000_000, initial_release_per_1000_per_year=0, calibrate_deaths=False,
                  mortality_per_1000_per_year={"1937": 200, "1938": 200}, far_north_share=0.3,
                  far_north_hazard_multiplier=4.0, female_hazard_multiplier=1.0)
    sim, admit, ev = run(toy_inputs, tmp_path, gulag, [])
    start = ev[ev["event"] == "in_camp_at_start"]
    far = set(start.loc[start["camp_type"] == "far_north", "person_id"])
    other = set(start.loc[start["camp_type"] == "other", "person_id"])
    assert len(far) / len(start) == pytest.approx(0.3, abs=0.03)
    d0 = ev[(ev["event"] == "camp_death") & (ev["step"] == 0)]
    assert set(d0.loc[d0["camp_type"] == "far_north", "person_id"]) <= far
    ratio = (d0["person_id"].isin(far).sum() / len(far)) / (d0["person_id"].isin(other).sum() / len(other))
    assert ratio == pytest.approx(4.0, rel=0.2)


def test_mechanism_mode_overcrowding_raises_the_death_rate(toy_inputs, tmp_path):
    """Mechanism mode imposes no deaths: the rate is the base times 1 + factor x (prisoners / places - 1).
    Five million inside 2.5 million places with a factor of 2 die at three times the rate of the same
    camps with room, in the first month (before the overcrowded lose more than a few percent)."""
    def month0(places):
        gulag = Gulag(initial_prisoners_persons=5_000_000, initial_release_per_1000_per_year=0,
                      camp_mortality_per_1000_per_year=60, camp_places_persons=places,
                      camp_overcrowding_mortality_factor=2.0, nonpolitical_admissions_per_month_persons=0,
                      female_hazard_multiplier=1.0, far_north_share=0.0)
        settings = SimSettings(start="1937-01-06", end="1937-04-06", scale=SCALE, seed=3)
        sim = Sim(settings, [Territory(toy_inputs), Demography(toy_inputs), Terror(mode="mechanism"), gulag])
        sim.run(tmp_path / str(places))
        ev = pd.read_parquet(tmp_path / str(places) / "events")
        ev["event"] = ev["event"].astype(str)
        return ((ev["event"] == "camp_death") & (ev["step"] == 0)).sum() / (ev["event"] == "in_camp_at_start").sum()
    roomy, crowded = month0(1e7), month0(2_500_000)
    h = -np.log1p(-0.06) / 12
    assert roomy == pytest.approx(1 - np.exp(-h), rel=0.15)
    assert crowded / roomy == pytest.approx(3.0, rel=0.15)


def test_mechanism_mode_admits_the_ordinary_courts_prisoners(toy_inputs, tmp_path):
    """The non-political admissions arrive at their rate (persons x scale a month, drift-free), from the
    free aged 16-60, a woman with the declared odds against a man."""
    gulag = Gulag(initial_prisoners_persons=0, nonpolitical_admissions_per_month_persons=250_000,
                  nonpolitical_female_weight=0.25, nonpolitical_term_months=2)
    settings = SimSettings(start="1937-01-06", end="1937-07-06", scale=SCALE, seed=4)
    sim = Sim(settings, [Territory(toy_inputs), Demography(toy_inputs), Terror(mode="mechanism"), gulag])
    sim.run(tmp_path)
    ev = pd.read_parquet(tmp_path / "events")
    ev["event"], ev["sex"] = ev["event"].astype(str), ev["sex"].astype(str)
    adm = ev[ev["event"] == "camp_admission"]
    assert len(adm) == 6 * 250_000 * SCALE
    assert adm["age"].between(16, 61).all() and (adm["operation"] == "nonpolitical").all()  # 16-60 in January
    assert (adm["sex"] == "female").mean() == pytest.approx(0.25 / 1.25, abs=0.05)  # equal numbers of each sex
    released = ev[ev["event"] == "release"]
    assert len(released) and (released["step"] >= 2).all()  # two-month terms

"""Common random numbers: a scenario that differs from August 1937 on leaves every history before it,
and everyone else's history after it, identical person by person.

The perturbing module is written the way the terror modules of issue 6 will be: it declares a
person column (``status``), an event kind (``arrest``) with its own event column (``operation``),
runs after demography in the monthly plan and changes one person's hazard through
``Demography.redraw_deaths``.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd

from purgetoll.sim import Column, Demography, EventColumn, Module, Sim, SimSettings, Territory

AUGUST_1937 = 128  # time point 1937-08-17 of a run starting 1926-12-17


class ExtraArrest(Module):
    """Arrests one person at one step and multiplies their death hazard (test module)."""

    name: ClassVar[str] = "extra_arrest"
    columns: ClassVar[tuple[Column, ...]] = (Column("status", "int8", 0, "0 free, 1 arrested"),)
    event_kinds: ClassVar[tuple[str, ...]] = ("arrest",)
    event_columns: ClassVar[tuple[EventColumn, ...]] = (
        EventColumn("operation", "int16", "operation code", "code", "events of the other modules"),)
    steps: ClassVar[tuple[str, ...]] = ("arrest",)

    def __init__(self, step: int, person_id: int, hazard_multiplier: float) -> None:
        self.step, self.person_id, self.hazard_multiplier = step, person_id, hazard_multiplier

    def arrest(self, sim, step):
        """Arrest the chosen person in the chosen month."""
        if step != self.step:
            return
        people = sim.people
        slots = np.flatnonzero((people["person_id"] == self.person_id) & people["alive"])
        people["status"][slots] = 1
        sim.events.log(step, "arrest", people["person_id"][slots], people["sex"][slots],
                       sim.ages(people["birth_month"][slots], step), operation=np.full(len(slots), 7))
        # this module runs after demography.deaths, so the new risk starts next month
        sim.module("demography").redraw_deaths(sim, slots, step + 1, self.hazard_multiplier)


def run(tmp, inputs, extra: list[Module]):
    settings = SimSettings(start="1926-12-17", end="1939-01-17", scale=0.001, seed=21)
    sim = Sim(settings, [Territory(inputs), Demography(inputs), *extra])
    sim.run(tmp)
    return pd.read_parquet(tmp / "events"), pd.read_parquet(tmp / "snapshots.parquet"), sim


def test_one_extra_arrest_changes_only_that_persons_history(toy_inputs, tmp_path):
    base_events, base_snaps, _ = run(tmp_path / "a", toy_inputs, [])
    # a person alive in August 1937 who, unperturbed, lives past the end of the run
    born = base_events[base_events["event"] == "birth"]
    dead = set(base_events.loc[base_events["event"] == "death", "person_id"])
    chosen = int(born.loc[(born["step"] < 60) & ~born["person_id"].isin(dead), "person_id"].iloc[0])
    events, snaps, sim = run(tmp_path / "b", toy_inputs, [ExtraArrest(AUGUST_1937, chosen, 1e6)])

    assert list(sim.plan()["method"]) == ["annex", "births", "deaths", "arrest"]
    arrests = events[events["event"] == "arrest"]
    assert arrests["person_id"].tolist() == [chosen] and arrests["operation"].tolist() == [7]
    assert arrests["step"].tolist() == [AUGUST_1937]
    mine = events[(events["person_id"] == chosen) & (events["event"] == "death")]
    assert mine["step"].tolist() == [AUGUST_1937 + 1]  # the hazard x 1e6 kills within a month

    cols = ["step", "person_id", "event", "sex", "age"]
    a = base_events[cols].assign(event=base_events["event"].astype(str))
    b = events[cols].assign(event=events["event"].astype(str))
    before_a, before_b = a[a["step"] < AUGUST_1937], b[b["step"] < AUGUST_1937]
    pd.testing.assert_frame_equal(before_a.reset_index(drop=True), before_b.reset_index(drop=True))
    others_a = a[(a["step"] >= AUGUST_1937) & (a["person_id"] != chosen)].reset_index(drop=True)
    others_b = b[(b["step"] >= AUGUST_1937) & (b["person_id"] != chosen) & (b["event"] != "arrest")].reset_index(drop=True)
    pd.testing.assert_frame_equal(others_a, others_b)
    assert len(others_a) > 10_000

    early = base_snaps["state_date"] <= "1937-08-17"
    pd.testing.assert_frame_equal(base_snaps[early], snaps[early])
    late = base_snaps["date"] == "1939-01-17"
    diff = base_snaps.loc[late, "agents"].to_numpy() - snaps.loc[late, "agents"].to_numpy()
    assert diff.sum() == 1 and np.count_nonzero(diff) == 1  # exactly one person fewer


class Execution(Module):
    """Executes every living person of one sex and completed age in one month (test module)."""

    name: ClassVar[str] = "execution"
    event_kinds: ClassVar[tuple[str, ...]] = ("executed",)
    event_columns: ClassVar[tuple[EventColumn, ...]] = (
        EventColumn("operation", "int16", "operation code", "code", "events of the other modules"),)
    steps: ClassVar[tuple[str, ...]] = ("execute",)

    def execute(self, sim, step):
        """Shoot the chosen cohort."""
        if step != AUGUST_1937:
            return
        people = sim.people
        slots = np.flatnonzero(people["alive"] & (people["sex"] == 0) & (sim.ages(people["birth_month"], step) == 40))
        sim.module("demography").kill(sim, slots, step, "executed", operation=3)


def test_killed_people_leave_the_population_and_the_due_lists(toy_inputs, tmp_path):
    events, snaps, _ = run(tmp_path / "c", toy_inputs, [Execution()])
    shot = events[events["event"] == "executed"]
    assert len(shot) > 50 and (shot["operation"] == 3).all() and (shot["age"] == 40).all()
    assert (shot["step"] == AUGUST_1937).all()
    later_deaths = events[(events["event"] == "death") & events["person_id"].isin(shot["person_id"])]
    assert later_deaths.empty  # nobody dies twice
    # on 1 Jan 1938 (time point 1937-12-17) age 40 holds only the 4 birth months of the cohort
    # then aged 39 that had not yet turned 40 in August: about a third of a normal year of age
    after = snaps[(snaps["date"] == "1938-01-01") & (snaps["sex"] == "male")].set_index("age")["agents"]
    assert after[40] < 0.5 * after[39]
    women = snaps[(snaps["date"] == "1938-01-01") & (snaps["sex"] == "female")].set_index("age")["agents"]
    assert women[40] > 0.8 * women[39]

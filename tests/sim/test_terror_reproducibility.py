"""The Terror reproduces bit for bit, and scenarios that differ from August 1937 share everything before.

Common random numbers: every draw is keyed by (seed, decision, step, person id), so a scenario that
switches on the "all males from 17 to 70" round-up in August 1937 leaves every event before August
1937 (births, deaths, arrests, sentences, camp deaths, releases) identical, person by person.
"""

from __future__ import annotations

import pandas as pd
import pytest

from purgetoll.scenarios import Scenario, build_sim

SCALE = 0.001
AUGUST_1937 = 7  # time point 1937-08-06 of a run starting 1937-01-06


@pytest.fixture(scope="module")
def base_inputs():
    from purgetoll.sim import default_inputs

    return default_inputs()


def _run(scenario, seed, base, path):
    build_sim(scenario, scale=SCALE, seed=seed, base=base).run(path)
    ev = pd.read_parquet(path / "events")
    ev["event"] = ev["event"].astype(str)
    ev["sex"] = ev["sex"].astype(str)
    return ev.reset_index(drop=True), pd.read_parquet(path / "snapshots.parquet")


def _with_roundup() -> Scenario:
    data = Scenario.load("archival").describe()
    sections: dict = {"scenario": {"name": "archival_roundup", "title": "archival with the round-up"}}
    for sec, values in data["values"].items():
        sections[sec] = {k: (v["value"] if not v["source"] else {"value": v["value"], "source": v["source"]})
                         for k, v in values.items()}
    sections["national_operations"]["males_17_70_roundup"] = True
    sections["national_operations"]["roundup_yyyymm"] = {"value": 193708, "source": "test: the round-up in August 1937"}
    return Scenario.from_dict(sections)


def test_same_seed_same_bytes_other_seed_differs(base_inputs, tmp_path):
    scenario = Scenario.load("archival")
    a, sa = _run(scenario, 5, base_inputs, tmp_path / "a")
    b, sb = _run(scenario, 5, base_inputs, tmp_path / "b")
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(sa, sb)
    c, _ = _run(scenario, 6, base_inputs, tmp_path / "c")
    arrests_a = a.loc[a["event"] == "arrest", "person_id"].to_numpy()
    arrests_c = c.loc[c["event"] == "arrest", "person_id"].to_numpy()
    assert len(arrests_a) > 1000 and set(arrests_a) != set(arrests_c)


def test_a_scenario_differing_from_august_1937_leaves_the_past_identical(base_inputs, tmp_path):
    base, snaps = _run(Scenario.load("archival"), 9, base_inputs, tmp_path / "base")
    other, other_snaps = _run(_with_roundup(), 9, base_inputs, tmp_path / "roundup")
    before_a = base[base["step"] < AUGUST_1937].reset_index(drop=True)
    before_b = other[other["step"] < AUGUST_1937].reset_index(drop=True)
    assert (before_a["event"] == "arrest").sum() > 100  # the Terror was already at work before August
    pd.testing.assert_frame_equal(before_a, before_b)
    early = snaps["state_date"] <= "1937-08-06"
    pd.testing.assert_frame_equal(snaps[early], other_snaps[early])
    # and the round-up did happen after
    ops_b = other.loc[(other["event"] == "arrest") & (other["step"] == AUGUST_1937), "operation"]
    assert (ops_b == "males_17_70").sum() > 0


def test_an_interrupted_run_resumes_to_the_same_bytes(base_inputs, tmp_path):
    """Module state (queue, lists, camps, pending shootings, carries) survives the yearly checkpoint."""
    from purgetoll.sim import Interrupted

    scenario = Scenario.load("archival")
    whole, snaps = _run(scenario, 4, base_inputs, tmp_path / "whole")
    sim = build_sim(scenario, scale=SCALE, seed=4, base=base_inputs)
    with pytest.raises(Interrupted):
        sim.run(tmp_path / "cut", stop_at=15)
    build_sim(scenario, scale=SCALE, seed=4, base=base_inputs).run(tmp_path / "cut", resume=True)
    ev = pd.read_parquet(tmp_path / "cut" / "events")
    ev["event"] = ev["event"].astype(str)
    ev["sex"] = ev["sex"].astype(str)
    pd.testing.assert_frame_equal(whole, ev.reset_index(drop=True))
    pd.testing.assert_frame_equal(snaps, pd.read_parquet(tmp_path / "cut" / "snapshots.parquet"))

"""Mechanism mode: what the machinery produces, never the numbers it was given.

Nothing here compares a run with an archival total: mechanism mode imposes none. The tests check
what the mechanisms must do whatever their parameters (conservation between the event log and the
people; arrests within the interrogators' capacity; category-1 sentences within Order 00447's
limits; the bodies sitting only when they existed), that arrests respond to the machinery in its two
regimes (issue 12: at the defaults halving the interrogators' capacity changes the 1937-38 arrests
by more than 10%; with a capacity ten times larger, doubling the names per interrogation does), and
that the rates do not depend on the scale (0.001 against 0.01, within Monte Carlo error).
"""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from purgetoll.scenarios import Scenario, build_sim, sections
from purgetoll.scenarios.summaries import simulate_summaries
from purgetoll.sim.modules.custody import Machinery
from purgetoll.sim.modules.terror import BODIES
from purgetoll.sim.summaries import read_events, totals
from tests.sim.conftest import assert_custody_agrees_with_people, run_with_events

SCALE = 0.001


@pytest.fixture(scope="module")
def base_inputs():
    from purgetoll.sim import default_inputs

    return default_inputs()


def mechanism(**values) -> Scenario:
    return Scenario.load("archival").with_values({"terror.mode": "mechanism", **values}, source="test")


def run_totals(base, scale=SCALE, seed=1, **values) -> dict[str, float]:
    sim = build_sim(mechanism(**values), scale=scale, seed=seed, base=base)
    from tempfile import TemporaryDirectory

    with TemporaryDirectory() as d:
        sim.run(d)
        return totals(read_events(d), scale)


@pytest.fixture(scope="module")
def mech_run(base_inputs, tmp_path_factory):
    d = tmp_path_factory.mktemp("mechanism")
    sim = build_sim(mechanism(), scale=SCALE, seed=11, base=base_inputs)
    return run_with_events(sim, d)


def test_event_log_and_people_agree_at_the_end(mech_run):
    """Everyone arrested is held until shot, admitted to a camp, sentenced otherwise, released or dead."""
    sim, ev = mech_run
    assert_custody_agrees_with_people(sim, ev, SCALE)
    sentences = ev[ev["event"] == "sentence"]
    assert sentences["person_id"].is_unique


def test_arrests_stay_within_the_interrogators_capacity(mech_run):
    """Each month's arrests (but the wives of Order 00486, taken with their husbands' sentence) are at
    most the capacity the terror module recorded, plus one agent of rounding per operation."""
    sim, ev = mech_run
    machine = pd.DataFrame(sim.module("terror").machine.monthly).set_index("step")
    arrests = ev[(ev["event"] == "arrest") & (ev["operation"] != "order_00486")].groupby("step").size()
    capacity = machine["capacity_persons"] * SCALE
    assert np.all(arrests.reindex(machine.index, fill_value=0) <= np.floor(capacity) + 4)
    # the capacity binds at the height of the operations, not before them
    assert machine.loc[7:9, "granted_share"].min() < 1.0 and machine.loc[0:5, "granted_share"].min() == 1.0


def test_category_1_stays_within_the_limits_as_raised(mech_run):
    """Order 00447's shootings by republic never exceed the category-1 limit reached there; the limits
    were raised (requests granted), so the totals are not the limits as issued."""
    sim, ev = mech_run
    limits = sim.module("mass_operation").limits
    for r in range(limits.n_republics):
        assert limits.used1[r] <= limits.limit1[limits.republic == r].sum() + 1 / SCALE
    assert limits.requests.sum() > 0 and limits.limit1.sum() > limits.initial1.sum()
    shot = ev[(ev["event"] == "sentence") & (ev["operation"] == "order_00447") & (ev["category"] == "shooting")]
    assert len(shot) / SCALE <= limits.limit1.sum() + 1 / SCALE


def test_bodies_sit_only_while_they_existed(mech_run):
    """Troikas from the order's month to the halt; special troikas from September 1938; afterwards courts."""
    _, ev = mech_run
    s = ev[ev["event"] == "sentence"].assign(month=lambda d: pd.to_datetime(d["date"]).dt.strftime("%Y-%m"))
    troika = s[s["body"] == "troika"]
    assert troika["month"].min() >= "1937-08" and troika["month"].max() <= "1938-10"
    special = s[s["body"] == "special_troika"]
    assert len(special) and special["month"].min() >= "1938-09" and special["month"].max() <= "1938-10"
    assert set(s.loc[s["month"] >= "1938-11", "body"]) <= {"court", "military_collegium", "oso"}
    assert set(s["body"]) <= set(BODIES)


def test_women_emerge_from_the_networks_and_fewer_are_shot(mech_run):
    """No share of women is imposed: wives arrive only through Order 00486 (never shot), the others
    through the odds of naming and arresting a woman; so women are fewer among the shot."""
    _, ev = mech_run
    t = totals(ev, SCALE)
    assert 0 < t["women_share_executed_1937_1938"] < t["women_share_arrested_1937_1938"] < 0.5
    wives = ev[(ev["event"] == "arrest") & (ev["operation"] == "order_00486")]
    assert len(wives) and (wives["sex"] == "female").all()


def default(key: str) -> float:
    sec, name = key.split(".")
    return sections()[sec].param(name).default


def test_halving_the_interrogators_changes_the_arrests(base_inputs):
    """At the defaults the capacity binds: half the interrogators, more than 10% fewer arrests."""
    full = run_totals(base_inputs)["arrests_1937_1938"]
    half = run_totals(base_inputs, **{"terror.interrogators_persons": default("terror.interrogators_persons") / 2})
    assert half["arrests_1937_1938"] < 0.9 * full


def test_with_ample_capacity_the_names_drive_the_arrests(base_inputs):
    """Ten times the interrogators (not binding): twice the names per interrogation, more than 10% more
    arrests (the snowball), while twice the interrogators again changes little."""
    staff = default("terror.interrogators_persons")
    ample = {"terror.interrogators_persons": 10 * staff}
    names = {"denunciation.names_per_interrogation": 2 * default("denunciation.names_per_interrogation")}
    base = run_totals(base_inputs, **ample)["arrests_1937_1938"]
    more_names = run_totals(base_inputs, **ample, **names)["arrests_1937_1938"]
    more_staff = run_totals(base_inputs, **{"terror.interrogators_persons": 20 * staff})["arrests_1937_1938"]
    assert more_names > 1.1 * base
    assert abs(more_staff / base - 1) < 0.05


RATES = ("arrests_1937", "arrests_1938", "convictions_1937_1938", "death_sentences_1937_1938", "camp_deaths_1937",
         "camp_deaths_1938", "camp_population_1939_01_01")


def test_the_rates_do_not_depend_on_the_scale(base_inputs):
    """Scale 0.01 against three seeds at 0.001: every total within 4 Monte Carlo standard errors (a count
    c estimated at scale s has a variance of about c / s)."""
    small = [run_totals(base_inputs, scale=SCALE, seed=s) for s in (1, 2, 3)]
    big = run_totals(base_inputs, scale=0.01, seed=1)
    for key in RATES:
        mean = np.mean([r[key] for r in small])
        se = np.sqrt(mean / SCALE / 3 + big[key] / 0.01)
        assert abs(big[key] - mean) <= 4 * se, f"{key}: 0.01 gives {big[key]:,.0f}, 0.001 {mean:,.0f} (se {se:,.0f})"


def test_the_command_line_runs_a_mechanism_and_lists_the_keys(tmp_path):
    from purgetoll.cli import app

    runner = CliRunner()
    keys = runner.invoke(app, ["sim", "run", "--keys"])
    assert keys.exit_code == 0
    names = [line.split()[0] for line in keys.output.splitlines() if line.strip()]
    assert "terror.interrogators_persons" in names and "denunciation.names_per_interrogation" in names
    as_csv = runner.invoke(app, ["sim", "run", "--keys", "--format", "csv"])
    assert as_csv.exit_code == 0 and as_csv.stdout.splitlines()[0].startswith("key_path,kind,unit,low,high")
    assert set(names) == set(pd.read_csv(io.StringIO(as_csv.stdout))["key_path"])
    out = runner.invoke(app, ["sim", "run", "--scenario", "archival", "--mode", "mechanism", "--set",
                              "terror.interrogators_persons=12500", "--scale", "0.001", "--seed", "3", "--out",
                              str(tmp_path / "run"), "--format", "json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    assert doc["mode"] == "mechanism" and doc["set"]["terror.interrogators_persons"] == 12500
    assert {"arrests_1937_1938", "death_sentences_1937_1938", "camp_deaths_1938"} <= set(doc["totals"])
    bad = runner.invoke(app, ["sim", "run", "--scenario", "archival", "--set", "terror.interrogators=1", "--scale",
                              "0.001", "--out", str(tmp_path / "bad")])
    assert bad.exit_code == 2 and "[terror] unknown key 'interrogators'" in bad.output


def test_same_seed_same_events_and_a_killed_run_resumes_to_them(base_inputs, tmp_path):
    """Mechanism mode's state (capacity carries, limits and requests, backlogs, executions pending,
    transit, the camps' rounding) survives the yearly checkpoint: a run killed in 1938 and resumed
    writes the same events as one never stopped."""
    from purgetoll.sim import Interrupted

    sc = mechanism()
    build_sim(sc, scale=SCALE, seed=4, base=base_inputs).run(tmp_path / "whole")
    with pytest.raises(Interrupted):
        build_sim(sc, scale=SCALE, seed=4, base=base_inputs).run(tmp_path / "cut", stop_at=15)
    build_sim(sc, scale=SCALE, seed=4, base=base_inputs).run(tmp_path / "cut", resume=True)
    whole = pd.read_parquet(tmp_path / "whole" / "events")
    cut = pd.read_parquet(tmp_path / "cut" / "events")
    pd.testing.assert_frame_equal(whole, cut)
    again = tmp_path / "again"
    build_sim(sc, scale=SCALE, seed=4, base=base_inputs).run(again)
    pd.testing.assert_frame_equal(whole, pd.read_parquet(again / "events"))


def test_a_small_flow_gets_its_due_on_average_whatever_the_scale():
    """The capacity's carry starts at a keyed draw: a module granted 0.11 agent a month for 20 months
    gets 2.2 agents on average over seeds (started at 0 it got 2 every time: half an agent short on
    average, 500 persons at 0.001 against 50 at 0.01)."""
    got = []
    for seed in range(1, 401):
        m = Machinery({})
        m._seed = seed
        n = 0
        for _ in range(20):
            m._allow = {"elite_purges": 0.11}
            n += m.take("elite_purges")
        got.append(n)
    assert set(got) <= {2, 3}
    assert abs(np.mean(got) - 2.2) < 0.06, np.mean(got)


def test_the_military_collegium_does_not_depend_on_the_scale(base_inputs):
    """The NKVD's and the army's purges are small flows (0.1 and 0.3 agent a month at 0.001): their carries
    once held each back by half an agent, and the Military Collegium's convictions to Sep 1938 were 5,250
    at 0.001 against 6,650 at 0.01 (seeds 1-4, defaults); now the scales agree within a few agents'
    worth at 0.001 (the gap's sd over seeds is about 700)."""
    seeds = (1, 2, 3, 4)
    low = [simulate_summaries({}, s, scale=SCALE, base=base_inputs) for s in seeds]
    high = [simulate_summaries({}, s, scale=0.01, base=base_inputs) for s in seeds]
    for key, tol in (("military_collegium_convicted", 700), ("military_collegium_shot", 900)):
        a, b = np.mean([r[key] for r in low]), np.mean([r[key] for r in high])
        assert abs(b - a) <= tol, f"{key}: 0.001 gives {a:,.0f}, 0.01 {b:,.0f}"


def test_the_national_operations_stop_arresting_in_their_last_month(base_inputs):
    """The national operations arrest nobody after ``arrests_until_yyyymm``; ending them in May 1938 rather
    than at the halt takes arrests out of the second half of 1938 only (the same seed gives the same
    months before)."""
    national = ("polish", "german", "harbin", "latvian", "greek", "finnish", "other_national")
    late = simulate_summaries({"national_operations.arrests_until_yyyymm": 193805}, 5, scale=SCALE,
                              base=base_inputs)
    whole = simulate_summaries({}, 5, scale=SCALE, base=base_inputs)
    assert late["national_operations_arrests_1938-07_1938-10"] == 0
    assert whole["national_operations_arrests_1938-07_1938-10"] > 0
    assert late["national_operations_arrests"] < whole["national_operations_arrests"]
    assert sum(late[f"{op}_arrests"] for op in national) == late["national_operations_arrests"]
    assert late["arrests_1937"] == whole["arrests_1937"]
    assert late["arrests_1938-07_1938-10"] < whole["arrests_1938-07_1938-10"]


def test_regions_that_fill_their_limits_faster_arrest_more_in_1937(base_inputs):
    """Order 00447's units asking each month for all that is left of their limits (fill share 1) rather than
    a fifth of it arrest far more in 1937: they reach the threshold at which they ask for more, and their
    limits are raised; asking for a fifth, they never reach it in 1937 (the rhythm and the raises emerge
    from the limits, the requests and the capacity)."""
    def in_1937(fill: float) -> tuple[float, float]:
        runs = [simulate_summaries({"mass_operation.limit_fill_share_per_month": fill}, s, scale=SCALE,
                                   base=base_inputs) for s in (1, 2)]
        order = np.mean([sum(r[f"order_00447_arrests_1937-{m:02d}"] for m in range(8, 13)) for r in runs])
        return float(order), float(np.mean([r["arrests_1937"] for r in runs]))

    (slow, slow_all), (fast, fast_all) = in_1937(0.2), in_1937(1.0)
    assert fast > 2 * slow, (slow, fast)
    # the other operations share the interrogators' capacity, so all of 1937 gains less than the order
    assert slow_all + 0.5 * (fast - slow) < fast_all < slow_all + (fast - slow), (slow_all, fast_all)

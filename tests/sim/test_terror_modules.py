"""The terror modules' pieces: drift-free budgets, keyed weighted draws, group indexes, the snowball,
conservation between the event log and the people, summaries, and bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from purgetoll.errors import DataError, ScenarioError
from purgetoll.scenarios import Scenario, build_sim
from purgetoll.sim.modules.denunciation import MAX_NAMES, _csr, _pick, _poisson
from purgetoll.sim.modules.mass_operation import MassOperation
from purgetoll.sim.modules.national_operations import NationalOperations
from purgetoll.sim.modules.terror import carry_round, codes, weighted_pick
from purgetoll.sim.summaries import read_events, summarise, totals
from tests.sim.conftest import assert_custody_agrees_with_people, run_with_events

SCALE = 0.001


# -- pure pieces ------------------------------------------------------------------------------
@given(st.lists(st.floats(0, 1e4, allow_nan=False), min_size=1, max_size=40))
def test_carry_round_never_drifts(increments):
    cum = np.cumsum(increments)
    out = carry_round(cum)
    assert out.dtype == np.int64 and np.all(out >= 0)
    assert np.array_equal(np.cumsum(out), np.floor(cum + 1e-9).astype(np.int64))


@given(st.lists(st.floats(0, 10, allow_nan=False), min_size=1, max_size=60), st.integers(0, 80),
       st.integers(0, 2**31))
def test_weighted_pick_draws_distinct_positive_weight_items(weights, n, seed):
    w = np.array(weights)
    u = np.random.default_rng(seed).random(w.size) * (1 - 1e-12) + 1e-12
    idx = weighted_pick(u, w, n)
    assert len(idx) == min(n, int(np.count_nonzero(w > 0)))
    assert len(set(idx.tolist())) == len(idx) and np.all(w[idx] > 0)


def test_weighted_pick_follows_the_weights():
    """Items of weight 3 are drawn about 3 times as often as items of weight 1 (small samples)."""
    w = np.r_[np.ones(5000), 3 * np.ones(5000)]
    u = np.random.default_rng(0).random(w.size)
    idx = weighted_pick(u, w, 200)
    heavy = np.count_nonzero(idx >= 5000)
    assert 130 < heavy < 170  # expected 150


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 12), min_size=1, max_size=200), st.integers(0, 2**31))
def test_group_index_lists_each_member_once(groups, seed):
    g = np.array(groups, dtype=np.uint32)
    mask = np.random.default_rng(seed).random(g.size) < 0.8
    off, order = _csr(g, mask)
    seen = []
    for gid in range(len(off) - 1):
        members = order[off[gid]:off[gid + 1]]
        assert np.all(g[members] == gid) and np.all(mask[members])
        seen += members.tolist()
    expected = np.flatnonzero(mask & (g > 0))
    assert sorted(seen) == expected.tolist()  # group 0 (none) is never indexed


def test_pick_never_names_oneself_and_is_uniform():
    g = np.array([0, 1, 1, 1, 1, 2], dtype=np.uint32)
    off, order = _csr(g, np.ones(g.size, bool))
    picks = [_pick(off, order, 1, u, 2) for u in np.linspace(0, 0.999, 300)]
    assert set(picks) == {1, 3, 4} and all(abs(picks.count(c) - 100) <= 1 for c in (1, 3, 4))
    assert _pick(off, order, 2, 0.5, 5) == -1  # alone in the group
    assert _pick(off, order, 0, 0.5, 0) == -1  # no group


def test_poisson_names_have_the_stated_mean():
    u = (np.arange(100_000) + 0.5) / 100_000
    k = _poisson(u, 3.0)
    assert k.mean() == pytest.approx(3.0, abs=0.01) and k.max() <= MAX_NAMES


# -- a run ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def archival_run(tmp_path_factory):
    d = tmp_path_factory.mktemp("archival")
    sim = build_sim(Scenario.load("archival"), scale=SCALE, seed=11)
    return run_with_events(sim, d)


def test_event_log_and_people_agree_at_the_end(archival_run):
    """Conservation: camp and prison populations from the events equal the people's status."""
    sim, ev = archival_run
    assert_custody_agrees_with_people(sim, ev, SCALE)


def test_every_arrest_is_sentenced_at_most_once_and_only_after_arrest(archival_run):
    _, ev = archival_run
    arrests = ev[ev["event"] == "arrest"].set_index("person_id")["step"]
    sentences = ev[ev["event"] == "sentence"]
    assert sentences["person_id"].is_unique
    assert np.all(sentences["step"].to_numpy() >= arrests.loc[sentences["person_id"]].to_numpy())
    # troikas sentence Order 00447, dvoikas the national operations, both only Aug 1937 - Oct 1938
    s = sentences.assign(month=pd.to_datetime(sentences["date"]).dt.strftime("%Y-%m"))
    troika = s[s["body"] == "troika"]
    assert troika["month"].min() >= "1937-08" and troika["month"].max() <= "1938-10"
    assert set(s.loc[s["operation"] == "order_00447", "body"]) <= {"troika", "court"}
    assert set(s.loc[s["operation"] == "polish", "body"]) <= {"dvoika", "court"}


def test_snowball_is_driven_by_the_newly_arrested(archival_run):
    """Everyone arrested is interrogated once (the wives of a month, arrested after the interrogations,
    the next month), and names at most MAX_NAMES contacts."""
    sim, ev = archival_run
    monthly = pd.DataFrame(sim.module("denunciation").monthly).set_index("step")
    arrests = ev[ev["event"] == "arrest"]
    wives = arrests["operation"] == "order_00486"
    steps = monthly.index
    same_month = arrests[~wives].groupby("step").size().reindex(steps, fill_value=0)
    wives_before = arrests[wives].groupby("step").size().reindex(steps - 1, fill_value=0).to_numpy()
    assert np.array_equal(monthly["interrogated"].to_numpy(), same_month.to_numpy() + wives_before)
    assert np.all(monthly["newly_listed"] <= MAX_NAMES * monthly["interrogated"])
    assert monthly["list_length"].iloc[-1] > monthly["list_length"].iloc[0]


def test_summaries_by_month_sex_age_category_operation_region_add_up(archival_run):
    _, ev = archival_run
    for by in (["month"], ["sex", "age_group"], ["category", "operation"], ["region"], ["body", "year"]):
        s = summarise(ev, SCALE, by=by)
        for kind, n in ev["event"].value_counts().items():
            assert s.loc[s["event"] == kind, "count"].sum() == pytest.approx(n / SCALE)
    dead = summarise(ev, SCALE, by=["sex"], kinds=("execution", "camp_death", "death_in_custody"))
    men = dead.loc[dead["sex"] == "male", "count"].sum()
    assert totals(ev, SCALE)["male_share_of_dead"] == pytest.approx(men / dead["count"].sum())


# -- bad input --------------------------------------------------------------------------------
def test_bad_input_names_the_problem(tmp_path):
    with pytest.raises(DataError, match=r"^mass_operation: share_former_kulaks \+ share_criminals must be <= 1; "
                       r"got 1\.200$"):
        MassOperation(share_former_kulaks=0.7, share_criminals=0.5)
    with pytest.raises(DataError, match=r"^national_operations: unknown nationality 'Martians'; expected one of "):
        codes("nationality", ["Martians"], "national_operations")
    with pytest.raises(TypeError, match=r"unknown parameter\(s\) \['polish_quota'\]"):
        NationalOperations(polish_quota=3)
    with pytest.raises(DataError, match=r"^summarise: unknown grouping \['colour'\]; expected some of "):
        summarise(pd.DataFrame(), 0.1, by=["colour"])
    with pytest.raises(DataError, match=r"no event log"):
        read_events(tmp_path)


def test_modules_name_a_missing_attributes_module(tmp_path):
    data = {"scenario": {"name": "x", "title": "x"}, "attributes": {"enabled": False},
            "terror": {"enabled": True}, "mass_operation": {"enabled": True}}
    sim = build_sim(Scenario.from_dict(data), scale=SCALE, seed=1)
    with pytest.raises(DataError, match=r"^mass_operation: needs the per-person column 'social_group' of the "
                       r"'attributes' module; enable \[attributes\] in the scenario"):
        sim.run(None)


def test_sentencing_needs_the_gulag(tmp_path):
    data = {"scenario": {"name": "x", "title": "x"}, "terror": {"enabled": True},
            "elite_purges": {"enabled": True}, "sentencing": {"enabled": True}}
    sim = build_sim(Scenario.from_dict(data), scale=SCALE, seed=1)
    with pytest.raises(DataError, match=r"^sentencing: camp sentences need the 'gulag' module; enable \[gulag\]"):
        sim.run(None)


def test_scenario_series_of_a_terror_module_are_checked():
    with pytest.raises(ScenarioError) as err:
        Scenario.from_dict({"scenario": {"name": "bad", "title": "bad"},
                            "mass_operation": {"arrests_by_month_persons": {"value": {"1937-13": 5}, "source": "x"}},
                            "sentencing": {"death_sentences_by_month_persons": {"value": {"1937": -1}, "source": "x"}},
                            "terror": {"operations_halt_yyyymm": 193811}})
    assert sorted(err.value.problems) == sorted([
        "[terror] operations_halt_yyyymm = 193811 has no source: write operations_halt_yyyymm = "
        "{ value = 193811, source = \"...\" }",
        "[mass_operation] arrests_by_month_persons: label '1937-13' must be a year YYYY or a month YYYY-MM",
        "[sentencing] death_sentences_by_month_persons[1937] must be in [0, 100000000] persons; got -1",
    ])


@given(st.lists(st.integers(-128, 127), max_size=50), st.lists(st.integers(-128, 127), max_size=5))
def test_in_codes_is_isin_for_small_codes(values, wanted):
    from purgetoll.sim.modules.terror import in_codes

    v = np.array(values, dtype=np.int8)
    assert np.array_equal(in_codes(v, np.array(wanted, dtype=np.int64)), np.isin(v, wanted))


def test_operations_stop_at_the_halt_and_take_their_nationalities(archival_run):
    """No operation arrests from November 1938 (decree of 17 Nov 1938); the Polish operation takes
    Poles, the German Germans; the national operations take about 5% women (the assumption)."""
    from purgetoll.sim.attributes_tables import NATIONALITIES

    sim, ev = archival_run
    arrests = ev[ev["event"] == "arrest"].assign(month=lambda d: pd.to_datetime(d["date"]).dt.strftime("%Y-%m"))
    ops = arrests[arrests["operation"].isin(["order_00447", "polish", "german", "harbin", "latvian", "greek"])]
    assert len(ops) > 900 and ops["month"].max() <= "1938-10"
    p = sim.people
    nat = np.asarray(NATIONALITIES)
    for op, label in (("polish", "Poles"), ("german", "Germans"), ("latvian", "Latvians")):
        ids = arrests.loc[arrests["operation"] == op, "person_id"].to_numpy(dtype=np.uint32)
        slots = np.searchsorted(p["person_id"], ids)
        found = p["person_id"][np.minimum(slots, p.n - 1)] == ids
        assert found.sum() > 0.9 * len(ids) and set(nat[p["nationality"][slots[found]]]) == {label}
    national = arrests[arrests["operation"].isin(["polish", "german", "harbin", "latvian", "greek", "finnish",
                                                  "other_national"])]
    assert (national["sex"] == "female").mean() == pytest.approx(0.05, abs=0.01)


def test_category_shares_by_operation_and_month(tmp_path):
    """Uncalibrated, Order 00447's share is the month's where one is given, else the operation's."""
    data = Scenario.load("archival").describe()["values"]
    sections = {"scenario": {"name": "months", "title": "months"}}
    for sec, values in data.items():
        sections[sec] = {k: (v["value"] if not v["source"] else {"value": v["value"], "source": v["source"]})
                         for k, v in values.items()}
    sections["sentencing"]["calibrate_death_sentences"] = False
    sections["sentencing"]["shooting_share_order_00447_by_month"] = {"value": {"1937-09": 1.0}, "source": "test"}
    sections["sentencing"]["women_death_sentence_odds"] = {"value": 1.0, "source": "test: the shares alone"}
    build_sim(Scenario.from_dict(sections), scale=0.002, seed=2).run(tmp_path)
    ev = read_events(tmp_path)
    s = ev[(ev["event"] == "sentence") & (ev["operation"] == "order_00447")]
    month = pd.to_datetime(s["date"]).dt.strftime("%Y-%m")
    sept, other = s[month == "1937-09"], s[(month > "1937-09") & (month <= "1938-03")]
    assert len(sept) > 50 and (sept["category"] == "shooting").all()
    assert (other["category"] == "shooting").mean() == pytest.approx(0.504563, abs=0.01)  # exact-share rounding

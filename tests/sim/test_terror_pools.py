"""The compiled pool builder (``terror_draw.coded_pools``) against the masked one (``thinned_pools``),
the sorted id look-up (``terror.slots_of``), and the prisoners' sexes the Gulag keeps alongside."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from purgetoll.errors import DataError
from purgetoll.scenarios import Scenario, build_sim
from purgetoll.sim.loop import Interrupted
from purgetoll.sim.modules.mass_operation import age_between
from purgetoll.sim.modules.terror import in_codes, slots_of
from purgetoll.sim.modules.terror_draw import (
    age_weights,
    coded_pool,
    coded_pools,
    thinned_pool,
    thinned_pools,
)

STOP = 7  # a month inside the operations: some people arrested, some dead


@pytest.fixture(scope="module")
def sim():
    s = build_sim(Scenario.load("conquest_1990"), scale=0.002, seed=11, write_events=False)
    with pytest.raises(Interrupted):
        s.run(None, stop_at=STOP)
    return s


_CODES = st.lists(st.integers(-1, 12), min_size=1, max_size=4, unique=True)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 40), st.integers(41, 100), _CODES, _CODES, st.integers(1, 7),
       st.lists(st.floats(0, 2e5), min_size=4, max_size=4), st.integers(0, STOP))
def test_coded_pools_equal_the_masked_pools(sim, low, high, groups, nats, role_bit, needs, step):
    """Same slots in the same order, for pools on one, two and three columns, thinned or whole."""
    p = sim.people
    grp, nat, roles, urban = p["social_group"], p["nationality"], p["roles"], p["urban"]
    g, n = np.array(groups), np.array(nats)
    masks = {"group": lambda sl, b: in_codes(grp[sl], g), "nat": lambda sl, b: in_codes(nat[sl], n),
             "role": lambda sl, b: (roles[sl] & role_bit) != 0,
             "urban_group": lambda sl, b: urban[sl].astype(bool) & in_codes(grp[sl], g)}
    specs = {"group": {"social_group": g}, "nat": {"nationality": n},
             "role": {"roles": [v for v in range(256) if v & role_bit]},
             "urban_group": {"urban": np.arange(1, 256), "social_group": g}}
    want = dict(zip(masks, needs, strict=True))
    # three columns at most: the nationality pool on its own
    for names in (("group", "role", "urban_group"), ("nat",)):
        old = thinned_pools(sim, lambda sl: p["alive"][sl] & age_between(sim, step, low, high, sl),
                            {k: masks[k] for k in names}, {k: want[k] for k in names}, "test.pool", chunk=1 << 12)
        new = coded_pools(sim, step, low, high, {k: specs[k] for k in names}, {k: want[k] for k in names}, "test.pool")
        assert list(new) == list(names)
        for k in names:
            assert new[k].dtype == np.int64 and np.array_equal(old[k], new[k]), k


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 40), st.integers(41, 100), st.floats(0, 1e6), st.sampled_from([2.0, 20.0]))
def test_coded_pool_equals_thinned_pool(sim, low, high, need, margin):
    """The pool that looks at no attribute (Gulag's and the lists' first draws): same slots."""
    p = sim.people
    old = thinned_pool(sim, lambda sl: p["alive"][sl] & age_between(sim, 0, low, high, sl), need, "test.one",
                       margin=margin, chunk=1 << 12)
    assert np.array_equal(old, coded_pool(sim, 0, low, high, need, "test.one", margin=margin))


@given(st.lists(st.integers(0, 255), max_size=300), st.integers(0, 60), st.integers(0, 100),
       st.floats(0.01, 1.0))
def test_age_weights_table_equals_the_formula(ages, low, span, outside):
    """uint8 ages (Sim.ages) go through a table; any other type through the formula: same weights."""
    a = np.array(ages, dtype=np.uint8)
    by_table = age_weights(a, low, low + span, outside_peak=outside)
    by_formula = age_weights(a.astype(np.int64), low, low + span, outside_peak=outside)
    assert by_table.dtype == by_formula.dtype == np.float64 and by_table.tobytes() == by_formula.tobytes()


def test_coded_pools_refuses_what_it_cannot_do(sim):
    four = {"a": {"social_group": [1], "nationality": [2], "roles": [1], "urban": [1]}}
    with pytest.raises(ValueError, match=r"coded_pools takes at most 64 pools and 3 columns; got 1 and "
                                         r"\['nationality', 'roles', 'social_group', 'urban'\]"):
        coded_pools(sim, 0, 16, 80, four, {"a": 1.0}, "test.pool")
    with pytest.raises(ValueError, match=r"coded_pools: column 'household_id' is uint32, expected a one-byte code"):
        coded_pools(sim, 0, 16, 80, {"a": {"household_id": [1]}}, {"a": 1.0}, "test.pool")
    assert coded_pools(sim, 0, 16, 80, {}, {}, "test.pool") == {}


def test_slots_of_finds_every_id_and_names_a_missing_one(sim):
    pid = sim.people["person_id"]
    pick = np.random.default_rng(3).choice(pid.size, 500, replace=False)
    assert np.array_equal(slots_of(sim, pid[pick]), pick)
    assert slots_of(sim, np.empty(0, np.uint32)).size == 0
    with pytest.raises(DataError, match="a queued person id is no longer in the population"):
        slots_of(sim, np.array([pid[0], pid[-1] + 1000], dtype=np.uint32))


def test_gulag_keeps_each_prisoners_sex(sim):
    gulag = sim.module("gulag")
    assert gulag.camp_sex.size == gulag.camp_slots.size > 0
    assert np.array_equal(gulag.camp_sex, sim.people["sex"][gulag.camp_slots])

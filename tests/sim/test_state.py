"""People: compact columns, stable ids, compaction that keeps the living and their order."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from purgetoll.errors import DataError
from purgetoll.sim import Column, People
from purgetoll.sim.state import CORE_COLUMNS


def test_core_state_is_ten_bytes_a_person_and_modules_add_theirs():
    assert People(0).bytes_per_person == 10
    region = Column("region", "int16", -1, "oblast code")
    p = People(5, [region])
    assert p.bytes_per_person == 12
    p.add(2, sex=np.array([0, 1], dtype=np.int8))
    assert p["region"].tolist() == [-1, -1]
    assert p["person_id"].tolist() == [0, 1]
    assert all(c.doc for c in CORE_COLUMNS)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.booleans(), min_size=0, max_size=200))
def test_compaction_keeps_the_living_in_order_with_their_ids(alive):
    p = People(len(alive) + 1)
    p.add(len(alive), birth_month=np.arange(len(alive), dtype=np.int16))
    p["alive"][:] = alive
    freed = p.compact()
    assert freed == alive.count(False)
    kept = [i for i, a in enumerate(alive) if a]
    assert p["person_id"].tolist() == kept
    assert p["birth_month"].tolist() == kept
    assert p["alive"].all()
    # ids keep counting after compaction: never reused
    sl = p.add(1)
    assert p["person_id"][sl].tolist() == [len(alive)]


def test_capacity_exceeded_names_the_numbers():
    p = People(3)
    p.add(2)
    with pytest.raises(DataError) as err:
        p.add(2)
    assert str(err.value) == "People: capacity 3 exceeded: 2 slots used and 2 more asked; plan a larger capacity"


def test_bad_columns_and_values_are_refused():
    with pytest.raises(DataError, match="column 'sex' declared twice"):
        People(1, [Column("sex", "int8", 0, "again")])
    p = People(2)
    with pytest.raises(KeyError, match=r"unknown column\(s\) \['colour'\]"):
        p.add(1, colour=3)
    with pytest.raises(KeyError, match="person_id is assigned by People.add"):
        p.add(1, person_id=5)
    with pytest.raises(KeyError, match="no column 'region'"):
        p["region"]


def test_checkpoint_round_trip_and_damaged_checkpoint():
    p = People(4)
    p.add(3, sex=np.array([0, 1, 1], dtype=np.int8))
    arrays = p.to_arrays()
    q = People.from_arrays(arrays, 4, p.next_id)
    for name in p.columns:
        assert np.array_equal(p[name], q[name])
    arrays["sex"] = arrays["sex"].astype(np.int64)
    with pytest.raises(DataError, match="column 'sex' should be int8 of length 3; got int64 of 3"):
        People.from_arrays(arrays, 4, 3)


def test_slots_of_follows_people_through_compaction():
    p = People(10)
    p.add(6)
    p["alive"][[1, 4]] = False
    p.compact()
    p.add(2)
    assert p.slots_of(np.array([0, 5, 7, 2])).tolist() == [0, 3, 5, 1]
    with pytest.raises(KeyError, match=r"person ids not held \(dead and compacted away, or never born\): \[4, 9\]"):
        p.slots_of(np.array([0, 4, 9]))

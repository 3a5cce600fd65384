"""Capture tables: construction, documented history order, validation messages, uninformative lists."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from purgetoll.errors import DataError
from purgetoll.mse import CaptureTable, StratifiedTable, history_matrix, read_capture_csv
from purgetoll.mse.datasets import load, load_table, names


def test_history_order_first_list_slowest():
    h = history_matrix(3)
    assert h.tolist() == [
        [0, 0, 1],
        [0, 1, 0],
        [0, 1, 1],
        [1, 0, 0],
        [1, 0, 1],
        [1, 1, 0],
        [1, 1, 1],
    ]


@pytest.mark.parametrize("name", names())
def test_bundled_tables_round_trip(name):
    """Every bundled capture CSV reads, and its observed total equals the sum of its count column."""
    df = load(name)
    table = load_table(name)
    assert table.n_observed == int(df["count"].sum())
    assert df.attrs["source"]


def test_published_observed_counts():
    """n observed as printed in data/mse/README.md."""
    expected = {
        "sparsemse_UKdat": 2744,
        "sparsemse_UKdat_5": 2744,
        "sparsemse_NewOrl": 185,
        "sparsemse_Artificial_3": 96,
        "mse_Korea_comfort_women_palembang": 123,
        "spina_bifida_madigan_york1997": 626,
        "congenital_anomaly_wittes1974": 537,
        "rcapture_HIV": 1896,
        "rcapture_lesbian": 2185,
        "conting_ScotPWID_stratified": 5670,
    }
    for name, n in expected.items():
        assert load_table(name).n_observed == n, name


def test_spina_bifida_list_totals_match_readme():
    """README: list totals M 188, D 207, B 513 identify the list order."""
    totals = load_table("spina_bifida_madigan_york1997").list_totals()
    assert totals.tolist() == [513, 207, 188]


def test_records_and_histories_agree():
    records = pd.DataFrame({"A": [1, 1, 0, 1, 0], "B": [0, 1, 1, 1, 0], "C": [0, 0, 0, 0, 1]})
    t1 = CaptureTable.from_frame(records)
    hist = pd.DataFrame(
        {"A": [1, 1, 0, 0], "B": [0, 1, 1, 0], "C": [0, 0, 0, 1], "count": [1, 2, 1, 1]}
    )
    t2 = CaptureTable.from_frame(hist)
    assert t1 == t2
    assert t1.counts.tolist() == [1, 1, 0, 1, 0, 2, 0]


def test_history_strings():
    df = pd.DataFrame({"history": ["01", "10", "11"], "count": [3, 4, 5]})
    t = CaptureTable.from_histories(df, history="history", lists=["x", "y"])
    assert t.lists == ("x", "y") and t.counts.tolist() == [3, 4, 5]


def test_missing_histories_count_zero():
    t = load_table("mse_Korea_comfort_women_palembang")
    assert t.counts.tolist() == [41, 5, 0, 5, 6, 54, 12]


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (
            pd.DataFrame({"A": [0, 1], "B": [1, 1], "count": [3, -1]}),
            "f.csv, row 1: column 'count' must be a non-negative integer; got -1",
        ),
        (
            pd.DataFrame({"A": [0, 1], "B": [1, 1], "count": [3, 2.5]}),
            "f.csv, row 1: column 'count' must be a non-negative integer; got 2.5",
        ),
        (
            pd.DataFrame({"A": [0, 1], "B": [1, 1], "count": [3, None]}),
            "f.csv, row 1: column 'count' must be a non-negative integer; got a missing value",
        ),
        (
            pd.DataFrame({"A": [0, 2], "B": [1, 1], "count": [3, 4]}),
            "f.csv, row 1: column 'A' must be 0 or 1; got 2",
        ),
        (
            pd.DataFrame({"A": [0, "x"], "B": [1, 1], "count": [3, 4]}),
            "f.csv, row 1: column 'A' must be 0 or 1; got 'x'",
        ),
        (
            pd.DataFrame({"A": [0, 0], "B": [1, 0], "count": [3, 4]}),
            "f.csv, row 1: history 00 is on no list; the all-zero history cannot be observed "
            "(it is what the estimators estimate), remove it",
        ),
        (
            pd.DataFrame({"A": [0, 1, 0], "B": [1, 1, 1], "count": [3, 4, 5]}),
            "f.csv, row 2: duplicate history 01 (first given at row 0); each history must appear once",
        ),
        (
            pd.DataFrame({"A": [1, 1], "count": [3, 4]}),
            "f.csv: at least two lists are needed; got 1 (A)",
        ),
    ],
)
def test_bad_histories(frame, message):
    with pytest.raises(DataError) as err:
        CaptureTable.from_frame(frame, source="f.csv")
    assert str(err.value) == message


def test_frame_without_count_is_records():
    """Without a count column every column is a list, so a count-like column is rejected as one."""
    df = pd.DataFrame({"A": [1, 1], "B": [0, 1], "n": [1, 2]})
    with pytest.raises(DataError) as err:
        CaptureTable.from_frame(df, source="f.csv")
    assert str(err.value) == "f.csv, row 1: column 'n' must be 0 or 1; got 2"


def test_bad_history_string_length():
    df = pd.DataFrame({"h": ["011", "10"], "count": [1, 2]})
    with pytest.raises(DataError) as err:
        CaptureTable.from_histories(df, history="h", lists=["a", "b", "c"], source="g.csv")
    assert str(err.value) == "g.csv, row 1: history '10' must be a string of 3 characters 0 or 1"


def test_record_on_no_list():
    df = pd.DataFrame({"A": [1, 0], "B": [0, 0]})
    with pytest.raises(DataError) as err:
        CaptureTable.from_records(df, source="people.csv")
    assert str(err.value) == (
        "people.csv, row 1: record 00 is on no list; the all-zero history cannot be observed "
        "(it is what the estimators estimate), remove it"
    )


def test_missing_count_column_and_list_columns():
    df = pd.DataFrame({"A": [1], "B": [1]})
    with pytest.raises(DataError) as err:
        CaptureTable.from_histories(df, source="h.csv")
    assert str(err.value) == "h.csv: no 'count' column; columns are A, B"
    with pytest.raises(DataError) as err:
        CaptureTable.from_records(df, lists=["A", "Z"], source="h.csv")
    assert str(err.value) == "h.csv: list column(s) Z not found; columns are A, B"


def test_csv_errors(tmp_path):
    path = tmp_path / "lists.csv"
    path.write_text("A,B,count\n0,1,5\n1,0,-3\n")
    with pytest.raises(DataError) as err:
        read_capture_csv(path)
    # the file's line (issue 10: "row 1" was the file's line 3)
    assert str(err.value) == f"{path}, line 3: column 'count' must be a non-negative integer; got -3"
    with pytest.raises(DataError) as err:
        read_capture_csv(tmp_path / "nope.csv")
    assert str(err.value) == f"{tmp_path / 'nope.csv'}: file not found"


def test_uninformative_lists_and_dropping():
    # C is empty, D records everyone, E duplicates A.
    df = pd.DataFrame(
        {
            "A": [1, 0, 1],
            "B": [0, 1, 1],
            "C": [0, 0, 0],
            "D": [1, 1, 1],
            "E": [1, 0, 1],
            "count": [5, 7, 2],
        }
    )
    t = CaptureTable.from_histories(df, source="u.csv")
    bad = t.uninformative_lists()
    assert bad.to_dict("records") == [
        {"list": "C", "reason": "empty"},
        {"list": "D", "reason": "everyone"},
        {"list": "E", "reason": "duplicate of A"},
    ]
    clean = t.drop_uninformative()
    assert clean.lists == ("A", "B")
    assert clean.counts.tolist() == [7, 5, 2]
    assert clean.attrs["individuals_lost_by_dropping"] == "0"


def test_drop_lists_loses_those_only_on_dropped_list():
    t = load_table("spina_bifida_madigan_york1997")
    m = t.drop_lists(["rehab_M"])
    only_m = int(t.counts[0])  # history 001
    assert m.n_observed == t.n_observed - only_m
    assert m.attrs["individuals_lost_by_dropping"] == str(only_m)
    with pytest.raises(DataError) as err:
        t.drop_lists(["rehab_M", "death_cert_D"])
    assert str(err.value) == (
        "spina_bifida_madigan_york1997: dropping rehab_M, death_cert_D would leave 1 list(s); "
        "at least two are needed"
    )


def test_stratified_table_and_row_numbers():
    strat = load_table("conting_ScotPWID_stratified")
    assert isinstance(strat, StratifiedTable)
    assert len(strat) == 8
    assert strat.n_observed == 5670 == strat.collapse().n_observed
    df = load("conting_ScotPWID_stratified")
    df.loc[17, "count"] = -2
    with pytest.raises(DataError) as err:
        StratifiedTable.from_frame(df, ["Region", "Gender", "Age"], source="scot.csv")
    stratum = ", ".join(f"{c}={df.loc[17, c]}" for c in ["Region", "Gender", "Age"])
    assert str(err.value) == (
        f"scot.csv, row 17: column 'count' must be a non-negative integer; got -2 (stratum {stratum})"
    )


@settings(max_examples=40, deadline=None)
@given(
    counts=st.lists(st.integers(0, 50), min_size=15, max_size=15),
    perm=st.permutations(["A", "B", "C", "D"]),
)
def test_reorder_is_a_permutation(counts, perm):
    t = CaptureTable.from_counts(counts, ["A", "B", "C", "D"])
    r = t.reorder(list(perm))
    assert r.n_observed == t.n_observed
    assert r.list_totals()[list(t.lists)].tolist() == t.list_totals().tolist()
    assert r.reorder(["A", "B", "C", "D"]) == t
    assert np.array_equal(np.sort(r.counts), np.sort(t.counts))


@settings(max_examples=40, deadline=None)
@given(
    rows=st.lists(
        st.lists(st.integers(0, 1), min_size=3, max_size=3).filter(any), min_size=1, max_size=60
    )
)
def test_records_equal_their_aggregation(rows):
    """One row per person and the counted histories describe the same table."""
    records = pd.DataFrame(rows, columns=["A", "B", "C"])
    agg = records.value_counts().rename("count").reset_index()
    a = CaptureTable.from_records(records)
    b = CaptureTable.from_histories(agg)
    assert a == b
    assert a.n_observed == len(rows)
    assert a.list_totals().tolist() == records.sum().tolist()


def test_unknown_dataset():
    with pytest.raises(DataError) as err:
        load("nope")
    assert str(err.value).startswith("purgetoll.mse.datasets: unknown dataset 'nope'; valid: ")

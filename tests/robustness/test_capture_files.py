"""Capture CSVs, damaged at random: the table intended, or a purgetoll error naming the file and line.

Also, on valid tables of any shape: an estimate is a number only when it is one (two lists: exactly
Lincoln-Petersen, or not estimable when they share no one), and every interval respects N >= n.
"""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from purgetoll.cli import app
from purgetoll.errors import NotEstimableError, PurgetollError
from purgetoll.mse import CaptureTable, LogLinear, MinBIC, Stepwise, read_capture_csv
from tests.robustness.strategies import ROBUST, capture_cases, read_as_the_case_says

RUNNER = CliRunner()


def _expected_counts(header: list[str], table: dict[tuple[int, ...], int]) -> list[int]:
    k = len(header)
    out = [0] * (2**k - 1)
    for h, c in table.items():
        code = sum(bit << (k - 1 - j) for j, bit in enumerate(h))
        out[code - 1] = c
    return out


def check_read(path, case) -> CaptureTable | None:
    """Read ``path``; assert the outcome matches ``case``; return the table (None on error)."""
    t = read_as_the_case_says(path, case, read_capture_csv)
    if t is not None and case.expect == "same":
        lists = list(t.lists)
        assert t.counts.tolist() == _expected_counts(lists, case.table), case.what
    return t


@ROBUST
@given(case=capture_cases())
def test_a_damaged_capture_csv_is_read_right_or_refused_naming_file_and_line(tmp_path, case):
    path = tmp_path / "lists.csv"
    path.write_bytes(case.data)
    check_read(path, case)


@ROBUST
@given(case=capture_cases())
def test_the_mse_cli_on_a_damaged_file_gives_a_result_or_an_error_never_a_traceback(tmp_path, case):
    path = tmp_path / "lists.csv"
    path.write_bytes(case.data)
    res = RUNNER.invoke(app, ["mse", "estimate", str(path), "--method", "loglinear:Mt", "--format", "json"])
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    if res.exit_code != 0:
        try:  # a file refused is bad input (2); a table read whose estimate does not exist, a failure (1)
            read_capture_csv(path)
            status = 1
        except PurgetollError:
            status = 2
        assert res.exit_code == status and res.stderr.startswith("error: ") and str(path) in res.stderr, res.stderr
        assert res.stdout == ""
        return
    out = json.loads(res.stdout)
    assert case.expect != "error", case.what
    assert out["status"] == "ok" and math.isfinite(out["estimate"]) and out["estimate"] >= out["observed"]
    assert out["lower"] is None or out["observed"] <= out["lower"] <= out["estimate"]
    if out["upper"] is None:  # JSON has no infinity: the interval's text says the limit is unbounded
        assert out["interval"].endswith("the upper limit is unbounded (infinite)"), out["interval"]
    else:
        assert out["upper"] >= out["estimate"]


@ROBUST
@given(n10=st.integers(0, 300), n01=st.integers(0, 300), n11=st.integers(0, 300))
def test_two_lists_give_lincoln_petersen_or_no_number(n10, n01, n11):
    """Mt on two lists is Lincoln-Petersen, N = n + n10 n01 / n11; with no overlap there is no estimate."""
    t = CaptureTable.from_counts([n01, n10, n11], ["A", "B"])
    n = n10 + n01 + n11
    if n11 == 0:
        try:
            LogLinear("Mt").fit(t)
        except NotEstimableError:
            return
        raise AssertionError("an estimate from two lists that share no one")
    m = LogLinear("Mt", ci="wald").fit(t)
    assert m.population_ == __import__("pytest").approx(n + n10 * n01 / n11, rel=1e-7, abs=1e-7)
    assert n <= m.interval_[0] <= m.population_ <= m.interval_[1]


@ROBUST
@given(counts=st.lists(st.one_of(st.just(0), st.just(0), st.integers(1, 60)), min_size=7, max_size=7),
       method=st.sampled_from(["M0", "Mt", "Mth-Chao", "Mth-Poisson2", "Mth-Darroch", "Mt+1:2", "Mt+1:2+2:3",
                               "bic", "stepwise"]))
def test_every_estimate_on_a_sparse_table_is_a_number_only_when_it_is_one(counts, method):
    t = CaptureTable.from_counts(counts, ["A", "B", "C"], source="sparse")
    est = {"bic": MinBIC(), "stepwise": Stepwise(ci="conditional")}.get(method) or LogLinear(method)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            est.fit(t)
        except NotEstimableError as err:
            assert str(err).startswith(f"{est.method_label()} on sparse: the estimate of N ")
            marked = est.fit(t, mark_not_estimable=True)
            assert np.isnan(marked.population_) and marked.status_.startswith("not estimable: ")
            return
    assert np.isfinite(est.population_) and est.status_ == "ok"
    lo, hi = est.interval_
    assert t.n_observed <= lo <= est.population_ <= hi
    assert est.population_ < 1e6 * max(t.n_observed, 1)  # no boundary number of the 9.7e12 kind

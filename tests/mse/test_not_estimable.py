"""Issue 10: estimates that cannot be right are errors (or, when asked, results marked so), never numbers.

Before: two lists sharing no one gave 9.7e12 with exit 0 (``mle_exists: false`` buried in the
diagnostics); ``Mt+1:2`` on two lists returned its upper limit as the estimate; Wald lower limits of
strata and counts were negative; ``mse compare`` with every method failing exited 0; a BIC of -inf was
ranked first. The rules live in one place, ``Estimator.fit`` (``purgetoll/mse/_base.py``), and apply to
every estimator and every output (summary, JSON, CSV, table).
"""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from purgetoll.cli import app
from purgetoll.errors import NotEstimableError, StatisticalWarning
from purgetoll.mse import (
    CaptureTable,
    LogLinear,
    MinBIC,
    Stepwise,
    Stratified,
    StratifiedTable,
    make_estimator,
    methods,
    rank_models,
)
from purgetoll.mse._design import design_matrix, parse_model
from purgetoll.mse._existence import unobserved_estimability
from purgetoll.mse.datasets import load_table

RUNNER = CliRunner()
NO_OVERLAP = "A,B,count\n1,0,50\n0,1,40\n1,1,0\n"
TWO_LISTS = "A,B,count\n1,0,50\n0,1,40\n1,1,20\n"
HINT = ("No number is reported; to get a result marked as not estimable, pass mark_not_estimable=True "
        "(CLI: --mark-not-estimable)")
NO_OVERLAP_WHY = ("the estimate of N does not exist: no individual is on more than one of the lists A, B: "
                  "without an overlap nothing in the table bounds the number on no list")
CONFOUNDED = ("the estimate of N is not identifiable: the count of people on no list is confounded with the "
              "model's terms (the design has rank 3 for 4 parameters on 3 observable histories); choose a "
              "model with fewer interactions")


def csv_file(tmp_path, text: str, name: str = "lists.csv") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def run(*args: str):
    return RUNNER.invoke(app, ["mse", *args])


def every_method() -> list[str]:
    out = []
    for name, spec in methods().items():
        out += [name if s is None else f"{name}:{s}" for s in spec.compare]
    return out


# -- two lists without overlap: 9.7e12 with exit 0 ----------------------------------------------------------
def test_two_lists_without_overlap_is_an_error_from_python_and_the_cli(tmp_path):
    t = CaptureTable.from_counts([40, 50, 0], ["A", "B"], source="nooverlap.csv")
    with pytest.raises(NotEstimableError) as err:
        LogLinear("Mt").fit(t)
    assert str(err.value) == f"loglinear:Mt on nooverlap.csv: {NO_OVERLAP_WHY}. {HINT}"
    path = csv_file(tmp_path, NO_OVERLAP)
    res = run("estimate", path, "--method", "loglinear:Mt")
    assert res.exit_code == 1
    assert res.output == f"error: loglinear:Mt on {path}: {NO_OVERLAP_WHY}. {HINT}\n"


@pytest.mark.parametrize("method", every_method())
def test_no_method_gives_a_number_without_overlap(method):
    t = CaptureTable.from_counts([40, 50, 0], ["A", "B"], source="nooverlap.csv")
    est = make_estimator(method)
    with pytest.raises(NotEstimableError, match="no individual is on more than one of the lists A, B"):
        est.fit(t)
    est.fit(t, mark_not_estimable=True)
    s = est.summary().iloc[0]
    assert math.isnan(s["estimate"]) and math.isnan(s["lower_95"]) and math.isnan(s["upper_95"])
    assert s["status"] == f"not estimable: {NO_OVERLAP_WHY}" and s["interval"] == "no interval: no estimate"
    assert est.draws_ is None and not est.estimable_


def test_marked_in_every_output_format(tmp_path):
    path = csv_file(tmp_path, NO_OVERLAP)
    out = json.loads(run("estimate", path, "--method", "loglinear:Mt", "--mark-not-estimable").output)
    assert out["estimate"] is None and out["lower"] is None and out["upper"] is None and out["se"] is None
    assert out["status"] == f"not estimable: {NO_OVERLAP_WHY}"
    assert out["diagnostics"] == {"not_estimable": "does not exist", "reason": NO_OVERLAP_WHY.split("does not exist: ")[1]}
    res = run("estimate", path, "--method", "loglinear:Mt", "--mark-not-estimable", "--format", "csv")
    assert res.exit_code == 0
    rows = pd.read_csv(__import__("io").StringIO(res.stdout))
    assert rows["estimate"].isna().all() and rows["status"].iloc[0] == f"not estimable: {NO_OVERLAP_WHY}"
    res = run("estimate", path, "--method", "loglinear:Mt", "--mark-not-estimable", "--format", "table")
    lines = res.output.splitlines()
    assert f"  status: not estimable: {NO_OVERLAP_WHY}" in lines
    assert lines[-1].split()[:4] == ["none", "none", "none", "none"]


def test_the_existence_test_itself_on_two_lists_is_infinite():
    """Facial set {01, 10}; x0 = rows(01) + rows(10) - row(11): the unobserved count's linear
    predictor runs to +infinity along every path to the maximum (does not exist)."""
    x = design_matrix(parse_model("Mt", 2), 2)
    e = unobserved_estimability(x, np.array([40, 50, 0]))
    assert e.kind == "does not exist" and "infinite" in e.reason
    x3 = design_matrix(parse_model("Mt", 3), 3)
    # A records everyone observed: along every path the unobserved count goes to 0 (N = n): estimable
    assert unobserved_estimability(x3, np.array([0, 0, 0, 5, 6, 7, 8])).ok


# -- Mt+1:2 on two lists returned its upper limit --------------------------------------------------------------
def test_a_saturated_model_on_two_lists_is_not_identifiable(tmp_path):
    path = csv_file(tmp_path, TWO_LISTS)
    res = run("estimate", path, "--method", "loglinear:Mt+1:2")
    assert res.exit_code == 1
    assert res.output == f"error: loglinear:Mt+1:2 on {path}: {CONFOUNDED}. {HINT}\n"
    ok = json.loads(run("estimate", path, "--method", "loglinear:Mt").output)
    assert ok["estimate"] == pytest.approx(110 + 50 * 40 / 20) and ok["status"] == "ok"


# -- lower limits below the number observed ------------------------------------------------------------------
def test_wald_lower_limits_are_never_below_the_observed():
    """NewOrl, Mth Darroch: Rcapture's Wald interval is -528.9 to 5849.4 (N >= 1,105 observed is certain)."""
    t = load_table("sparsemse_NewOrl")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StatisticalWarning)
        m = LogLinear("Mth-Darroch", ci="wald").fit(t)
    assert m.diagnostics_["wald_lower"] == pytest.approx(-528.9, abs=0.1)
    assert m.interval_[0] == t.n_observed
    assert m.summary()["lower_95"].iloc[0] == t.n_observed


def test_strata_and_their_margins_never_go_below_the_observed():
    df = pd.DataFrame({"sex": ["m"] * 3 + ["f"] * 3, "A": [1, 0, 1] * 2, "B": [0, 1, 1] * 2,
                       "count": [1, 1, 1, 2, 1, 1]})
    table = StratifiedTable.from_frame(df, ["sex"], source="small.csv")
    m = Stratified(LogLinear("Mt", ci="wald")).fit(table)
    assert (m.strata_["lower_95"] >= m.strata_["n_observed"]).all()
    # the Wald total was 10 - 1.96 x 4.0 = 2.2 persons, below the 7 observed
    assert m.estimable_ and m.population_ == pytest.approx(10) and m.se_ == pytest.approx(4.0, abs=1e-3)
    assert m.interval_[0] == 7
    by = m.by("sex")
    assert (by["lower_95"] >= by["n_observed"]).all()


def test_a_stratum_that_is_not_estimable_makes_the_total_not_estimable():
    df = pd.DataFrame({"sex": ["m"] * 3 + ["f"] * 3, "A": [1, 0, 1] * 2, "B": [0, 1, 1] * 2,
                       "count": [4, 5, 2, 6, 3, 0]})
    table = StratifiedTable.from_frame(df, ["sex"], source="s.csv")
    with pytest.raises(NotEstimableError) as err:
        Stratified(LogLinear("Mt")).fit(table)
    assert str(err.value).startswith("stratum sex=f: loglinear:Mt on s.csv [sex=f]: the estimate of N does not "
                                     "exist: no individual is on more than one of the lists A, B")
    m = Stratified(LogLinear("Mt")).fit(table, mark_not_estimable=True)
    assert math.isnan(m.population_) and m.status_.startswith("not estimable: the estimate of N does not exist "
                                                              "for stratum sex=f")
    rows = m.strata_.set_index("sex")
    assert rows.loc["m", "status"] == "ok" and math.isnan(rows.loc["f", "estimate"])
    by = m.by("sex").set_index("sex")
    assert by.loc["m", "status"] == "ok" and by.loc["f", "status"].startswith("not estimable")


# -- mse compare with every method failing exited 0 ------------------------------------------------------------
def test_compare_with_no_estimate_exits_1_and_says_why_for_each(tmp_path):
    path = csv_file(tmp_path, NO_OVERLAP)
    res = run("compare", path, "--format", "json", "--n-boot", "20")
    assert res.exit_code == 1
    rows = json.loads(res.stdout)
    assert {r["method"] for r in rows} == set(every_method())
    assert all(r["estimate"] is None and r["status"] == f"not estimable: {NO_OVERLAP_WHY}" for r in rows)
    assert res.stderr == f"error: {path}: no method gave an estimate (11 tried; each row says why)\n"


def test_compare_keeps_the_methods_that_work(tmp_path):
    path = csv_file(tmp_path, TWO_LISTS)
    res = run("compare", path, "--methods", "loglinear:Mt,loglinear:Mt+1:2", "--format", "json")
    assert res.exit_code == 0
    mt, sat = json.loads(res.stdout)
    assert mt["status"] == "ok" and mt["estimate"] == pytest.approx(210)
    assert sat["estimate"] is None and sat["status"] == f"not estimable: {CONFOUNDED}"


# -- BIC of -inf ranked ------------------------------------------------------------------------------------
def test_a_table_of_zeros_ranks_nothing(tmp_path):
    """n = 0 made BIC = -2 loglik + log(0) p = -inf, ranked first with an estimate of 0."""
    path = csv_file(tmp_path, "A,B,C,count\n1,0,0,0\n0,1,0,0\n0,0,1,0\n")
    res = run("rank", path, "--family", "rcapture", "--format", "json")
    assert res.exit_code == 1
    rows = json.loads(res.stdout)
    assert all(r["bic"] is None and r["status"] == "not estimable: the estimate of N does not exist: no "
               "individual is observed on any list" for r in rows)


def test_models_that_are_not_estimable_follow_the_ranked_ones_unranked():
    t = CaptureTable.from_counts([5, 6, 0, 7, 0, 3, 0], ["A", "B", "C"], source="sparse")
    ranking = rank_models(t, max_order=2)
    ok = ranking["status"] == "ok"
    first_bad = int(np.argmin(ok.to_numpy())) if not ok.all() else len(ranking)
    assert ok.iloc[:first_bad].all() and not ok.iloc[first_bad:].any()
    assert ranking.loc[~ok, "estimate"].isna().all()
    assert ranking.loc[ok, "bic"].is_monotonic_increasing
    chosen = MinBIC(family="hierarchical").fit(t)
    assert chosen.model_ in set(ranking.loc[ok, "model"])


# -- bootstrap replicates without an estimate -----------------------------------------------------------------
def test_replicates_without_a_finite_estimate_count_as_infinite():
    """Only two people are on two lists (B and C): resamples that miss both have no one on two lists
    and no estimate (about 10% of them), so the upper limit is infinite; it used to be the
    quantile of huge boundary numbers."""
    t = CaptureTable.from_counts([20, 30, 2, 1, 0, 0, 0], ["A", "B", "C"], source="tiny")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StatisticalWarning)
        m = Stepwise(n_boot=300, seed=2).fit(t)
    bad = m.diagnostics_["not_estimable_replicates"]
    assert bad == int(np.sum(np.isinf(m.draws_))) and bad > 0.025 * 300
    assert m.interval_[1] == math.inf and m.population_ < math.inf
    assert m.interval_method_.endswith("; the upper limit is unbounded (infinite)")


# -- intervals from too few draws (issue 10: one rule for every interval from draws) ----------------------
def test_one_bootstrap_replicate_gives_no_interval_and_says_so(tmp_path):
    from importlib import resources

    hiv = str(resources.files("purgetoll.mse.datasets").joinpath("rcapture_HIV.csv"))
    out = json.loads(run("estimate", hiv, "--n-boot", "1").stdout)
    assert out["status"] == "ok" and out["estimate"] == pytest.approx(11124.58, abs=0.01)
    assert out["lower"] is None and out["upper"] is None and out["se"] is None
    assert out["interval"] == "no interval: 1 effective draw (a 95% interval needs at least 200)"
    res = run("estimate", hiv, "--n-boot", "1", "--format", "table")
    assert "  interval: no interval: 1 effective draw (a 95% interval needs at least 200)" in res.output.splitlines()
    assert res.output.splitlines()[-1].split()[1:4] == ["none", "none", "none"]
    res = run("estimate", hiv, "--method", "loglinear:Mt", "--n-boot", "5")
    assert res.exit_code == 2 and res.stderr == (
        "error: --n-boot applies to the methods that bootstrap (stepwise); loglinear:Mt does not\n")

"""Log-linear models: model grammar, boundary warnings, known-truth recovery."""

from __future__ import annotations

import numpy as np
import pytest

from purgetoll.errors import BoundaryWarning
from purgetoll.mse import CaptureTable, LogLinear
from purgetoll.mse._design import parse_model
from purgetoll.mse._rng import keyed_rng
from purgetoll.mse.datasets import load_table


def test_three_way_interaction_is_closed_hierarchically():
    spec = parse_model("Mt+1:2:3", 4)
    assert spec.interactions == {(0, 1), (0, 2), (1, 2), (0, 1, 2)}
    assert spec.cli_name() == "Mt+1:2+1:3+2:3+1:2:3"
    m = LogLinear("Mt+1:2:3", ci="wald").fit(load_table("rcapture_HIV"))
    assert m.model_ == "Mt + [c1:c2, c1:c3, c2:c3, c1:c2:c3]"
    # 15 cells - (1 + 4 main + 3 pairs + 1 triple) coefficients
    assert m.diagnostics_["df"] == 6


def test_heterogeneity_with_interactions():
    """Rcapture's lesbian help page: Darroch with interactions [12,13,14] is second by BIC."""
    t = load_table("rcapture_lesbian")
    plain = LogLinear("Mth-Darroch", ci="wald").fit(t)
    inter = LogLinear("Mth-Darroch+1:2+1:3+1:4", ci="wald").fit(t)
    assert inter.model_ == "Mth Darroch + [A:B, A:C, A:D]"
    assert inter.diagnostics_["df"] == plain.diagnostics_["df"] - 3
    assert inter.diagnostics_["deviance"] < plain.diagnostics_["deviance"]


def test_default_heterogeneity_is_chao():
    assert parse_model("Mth", 4) == parse_model("Mth-Chao", 4)
    assert parse_model("Mh-Gamma", 3) == parse_model("Mh-Gamma3.5", 3)


def test_boundary_warning_names_model_and_table():
    with pytest.warns(
        BoundaryWarning,
        match=r"LogLinear\(Mth-Gamma\) on sparsemse_Artificial_3: the fit is on the boundary",
    ):
        m = LogLinear("Mth-Gamma", ci="wald").fit(load_table("sparsemse_Artificial_3"))
    assert m.diagnostics_["boundary"] is True


def test_chao_sets_negative_eta_to_zero():
    """Rcapture: on three lists the Chao eta is negative for the spina bifida data, so
    Mth Chao collapses to Mt (reference table: both 763.9)."""
    t = load_table("spina_bifida_madigan_york1997")
    chao = LogLinear("Mth-Chao", ci="wald").fit(t)
    mt = LogLinear("Mt", ci="wald").fit(t)
    assert chao.diagnostics_["eta_set_to_zero"] == 1
    assert chao.population_ == pytest.approx(mt.population_, rel=1e-10)


def _simulate_mt(n_total: int, p: np.ndarray, rep: int) -> CaptureTable:
    """Independent lists with capture probabilities ``p``; keyed stream per replicate."""
    rng = keyed_rng(11, "test.simulate_mt", rep)
    caught = rng.random((n_total, len(p))) < p
    codes = caught.astype(np.int64) @ (1 << np.arange(len(p) - 1, -1, -1))
    counts = np.bincount(codes, minlength=2 ** len(p))[1:]
    return CaptureTable.from_counts(counts, [f"L{j + 1}" for j in range(len(p))])


def test_mt_recovers_known_population_with_nominal_coverage():
    """Lists drawn independently (the Mt model is true) from N = 1500: the profile 95%
    interval covers N in about 95% of 120 replicates (binomial sd 2%; bound 88%), and the
    mean estimate is within 1% of N."""
    n_true, p = 1500, np.array([0.2, 0.15, 0.3, 0.1])
    hits, ests = 0, []
    for rep in range(120):
        m = LogLinear("Mt").fit(_simulate_mt(n_true, p, rep))
        lo, hi = m.interval()
        hits += lo <= n_true <= hi
        ests.append(m.population_)
    assert hits / 120 >= 0.88
    assert abs(np.mean(ests) / n_true - 1) < 0.01


def test_two_lists_mt_is_lincoln_petersen():
    """With two lists Mt is saturated and N = n + n10 n01 / n11 (Lincoln-Petersen MLE)."""
    t = CaptureTable.from_counts([30, 50, 20], ["A", "B"])  # histories 01, 10, 11
    m = LogLinear("Mt", ci="wald").fit(t)
    assert m.population_ == pytest.approx(100 + 50 * 30 / 20, rel=1e-10)
    assert m.diagnostics_["df"] == 0
    with pytest.raises(Exception, match="heterogeneity models need at least 3 lists"):
        LogLinear("Mth-Chao").fit(t)


def test_large_bias_warning_and_value():
    """Rcapture 1.4-4 warns "the asymptotic bias is large" when |bias| > 10% of N; Mt on
    Artificial_3 (N = 539.1) has a bias of about 74 persons."""
    from purgetoll.errors import StatisticalWarning

    with pytest.warns(
        StatisticalWarning,
        match=r"LogLinear\(Mt\) on sparsemse_Artificial_3: the asymptotic bias is large \(73\.8 persons",
    ):
        m = LogLinear("Mt", ci="wald").fit(load_table("sparsemse_Artificial_3"))
    assert m.diagnostics_["asymptotic_bias"] == pytest.approx(73.8, abs=0.05)
    ok = LogLinear("Mt", ci="wald").fit(load_table("rcapture_HIV"))
    assert abs(ok.diagnostics_["asymptotic_bias"]) < 0.1 * ok.population_


def test_mle_existence_reported():
    """Artificial_3 has empty cells: the Mth fits run to the boundary because their MLE does
    not exist (facial LP), while Mt's does (it is finite, 539.1)."""
    import warnings

    t = load_table("sparsemse_Artificial_3")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert LogLinear("Mt", ci="wald").fit(t).diagnostics_["mle_exists"] is True
        assert LogLinear("Mth-Darroch", ci="wald").fit(t).diagnostics_["mle_exists"] is False
    assert LogLinear("Mt", ci="wald").fit(load_table("rcapture_HIV")).diagnostics_["mle_exists"]

"""Issue 10, runaway work: a 20-list table took over 3 GB within 20 s and 4.5 minutes by default;
``--n-boot 100000000`` ran without end. Each is now refused before any work, naming the declared
limit and how to raise it (``purgetoll.limits``)."""

from __future__ import annotations

import time
from importlib import resources

import numpy as np
import pytest
from typer.testing import CliRunner

from purgetoll.cli import app
from purgetoll.errors import LimitError
from purgetoll.limits import LIMITS, check, parse_overrides
from purgetoll.mse import BMA, CaptureTable, LatentClass, LogLinear, Stepwise, rank_models
from purgetoll.mse.datasets import load_table

RUNNER = CliRunner()


def wide_table(k: int, n: int = 3000) -> CaptureTable:
    rng = np.random.default_rng(1)
    caps = rng.random((n, k)) < 0.3
    codes = caps.astype(np.int64) @ (1 << np.arange(k - 1, -1, -1))
    return CaptureTable.from_counts(np.bincount(codes, minlength=2**k)[1:], [f"L{i}" for i in range(k)],
                                    source=f"{k} lists")


def test_twenty_lists_are_refused_at_once_by_the_design_methods():
    t = wide_table(20)
    for est in (LogLinear("Mt"), Stepwise()):
        t0 = time.perf_counter()
        with pytest.raises(LimitError) as err:
            est.fit(t)
        assert time.perf_counter() - t0 < 1.0  # before the 2^20-row design is built
        assert str(err.value).startswith(f"{est.method_label()} on 20 lists: 20 lists exceeds the limit "
                                         "mse_lists = 15 (lists in a capture table given to a method that builds")
        assert str(err.value).endswith("Merge lists or drop some, or use the 'lcm' method, or raise the limit with "
                                       "--limit mse_lists=20 (Python: limits={'mse_lists': 20})")
    with pytest.raises(LimitError, match="ranking models on 20 lists: 20 lists exceeds the limit mse_lists"):
        rank_models(t)


def test_raising_the_lists_limit_lets_the_next_limit_speak():
    t = wide_table(16)
    m = LogLinear("Mt", ci="wald").fit(t, limits={"mse_lists": 16})
    assert m.population_ > t.n_observed
    with pytest.raises(LimitError) as err:
        Stepwise().fit(t, limits={"mse_lists": 16})
    assert "history refits exceeds the limit mse_refit_histories = 20,000,000" in str(err.value)
    assert Stepwise(ci="conditional").fit(t, limits={"mse_lists": 16}).population_ > t.n_observed


def test_a_hundred_million_bootstrap_replicates_are_refused_at_once():
    t = load_table("rcapture_HIV")
    t0 = time.perf_counter()
    with pytest.raises(LimitError) as err:
        Stepwise(n_boot=100_000_000).fit(t)
    assert time.perf_counter() - t0 < 1.0
    assert str(err.value) == (
        "stepwise on rcapture_HIV: 100,000,000 bootstrap replicates exceeds the limit mse_boot = 10,000 "
        "(bootstrap replicates of one estimate (--n-boot); each replicate reruns the whole estimation, model "
        "selection included; the default is 1,000). Use fewer replicates, or raise the limit with --limit "
        "mse_boot=100000000 (Python: limits={'mse_boot': 100000000})")


def test_sampler_sweeps_and_the_bma_grid_are_limited():
    t = load_table("rcapture_HIV")
    with pytest.raises(LimitError, match=r"lcm on rcapture_HIV: 4,000,402,000 sweeps exceeds the limit mse_sweeps"):
        LatentClass(burn_in=10**9, warm_up=500).fit(t)
    with pytest.raises(LimitError, match=r"bma on rcapture_HIV: 61,000,000,061 graph-grid cells exceeds the "
                                         r"limit mse_grid"):
        BMA(max_missing=10**9).fit(t)


def test_the_cli_names_the_limit_and_raises_it(tmp_path):
    hiv = str(resources.files("purgetoll.mse.datasets").joinpath("rcapture_HIV.csv"))
    res = RUNNER.invoke(app, ["mse", "estimate", hiv, "--n-boot", "100000000"])
    assert res.exit_code == 2
    assert res.stderr.startswith(f"error: stepwise on {hiv}: 100,000,000 bootstrap replicates exceeds the limit "
                                 "mse_boot = 10,000")
    res = RUNNER.invoke(app, ["mse", "estimate", hiv, "--n-boot", "20000", "--limit", "mse_boot=30000",
                              "--limit", "mse_refit_histories=1"])
    assert res.exit_code == 2 and "exceeds the limit mse_refit_histories = 1 " in res.stderr
    res = RUNNER.invoke(app, ["mse", "estimate", hiv, "--limit", "nonsense=3"])
    assert res.exit_code == 2 and res.stderr == (
        f"error: --limit 'nonsense=3': expected NAME=VALUE with NAME one of {', '.join(LIMITS)}\n")
    res = RUNNER.invoke(app, ["mse", "estimate", hiv, "--limit", "mse_boot=-1"])
    assert res.stderr == "error: --limit 'mse_boot=-1': the value must be a positive number; got '-1'\n"


def test_every_limit_is_declared_with_its_reason():
    for lim in LIMITS.values():
        assert lim.default > 0 and lim.unit and lim.what and lim.why
        check(lim.name, lim.default, job="x")  # at the limit is allowed
        with pytest.raises(LimitError, match=f"exceeds the limit {lim.name} = "):
            check(lim.name, lim.default * 2, job="x")
    assert parse_overrides(["mse_boot=1_000_000"]) == {"mse_boot": 1e6}

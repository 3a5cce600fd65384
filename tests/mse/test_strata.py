"""Strata: per-stratum estimates and their combination (sum draws, never medians)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from purgetoll.errors import DataError
from purgetoll.mse import (
    CaptureTable,
    Estimator,
    Fit,
    LogLinear,
    Stepwise,
    Stratified,
    StratifiedTable,
)
from purgetoll.mse._base import SEED
from purgetoll.mse.datasets import load_table


class SkewedDraws(Estimator):
    """A test sampler: N = n + a right-skewed (exponential) posterior of the unobserved count.

    Its summed-draw median differs from the sum of medians, which is what the test needs."""

    method = "skewed"
    sampler = True
    _parameter_constraints = {"seed": SEED}

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed

    def _fit(self, table: CaptureTable) -> Fit:
        rng = np.random.default_rng(self.seed)
        draws = table.n_observed + rng.exponential(scale=0.2 * table.n_observed, size=4000)
        lo, hi = np.quantile(draws, [0.025, 0.975])
        return Fit(
            float(np.median(draws)), float(np.std(draws)), lo, hi, "skewed", {}, draws, 4000.0, 1.0
        )


@pytest.fixture(scope="module")
def scot():
    return load_table("conting_ScotPWID_stratified")


def test_loglinear_strata_sum_and_margins(scot):
    m = Stratified(LogLinear("Mt", ci="wald")).fit(scot)
    per = m.strata_
    assert len(per) == 8 and per["n_observed"].sum() == 5670 == m.n_observed_
    assert m.population_ == pytest.approx(per["estimate"].sum(), rel=1e-12)
    assert m.se_ == pytest.approx(np.sqrt((per["se"] ** 2).sum()), rel=1e-12)
    by_sex = m.by("Gender")
    assert set(by_sex["Gender"]) == {"Male", "Female"}
    assert by_sex["estimate"].sum() == pytest.approx(m.population_, rel=1e-12)
    assert by_sex["n_observed"].sum() == 5670
    two = m.by("Gender", "Age")
    assert len(two) == 4 and two["estimate"].sum() == pytest.approx(m.population_, rel=1e-12)
    with pytest.raises(
        Exception, match="by\\(\\) needs stratum columns among Region, Gender, Age; got Sex"
    ):
        m.by("Sex")


def test_sampler_total_is_median_of_summed_draws_not_sum_of_medians(scot):
    m = Stratified(SkewedDraws(), seed=5).fit(scot)
    draws = np.sum([f.draws_ for f in m.fits_.values()], axis=0)
    assert m.population_ == pytest.approx(np.median(draws))
    sum_of_medians = sum(f.population_ for f in m.fits_.values())
    # Summing medians of right-skewed posteriors understates the median of the total.
    assert sum_of_medians < m.population_
    assert m.interval_ == pytest.approx(tuple(np.quantile(draws, [0.025, 0.975])))
    assert list(m.summary().columns)[-2:] == ["ess", "r_hat"]
    # Each stratum got its own keyed seed.
    seeds = {f.seed for f in m.fits_.values()}
    assert len(seeds) == 8


def test_bootstrap_strata_sum_replicates(scot):
    small = StratifiedTable(scot.strata, dict(list(scot.tables.items())[:2]), scot.source)
    m = Stratified(Stepwise(n_boot=20), seed=1).fit(small)
    fits = list(m.fits_.values())
    assert np.array_equal(m.draws_, fits[0].draws_ + fits[1].draws_)
    assert m.population_ == pytest.approx(fits[0].population_ + fits[1].population_)
    again = Stratified(Stepwise(n_boot=20), seed=1).fit(small)
    assert np.array_equal(again.draws_, m.draws_)


def test_stratum_errors_name_the_stratum():
    df = pd.DataFrame(
        {"sex": ["male", "male", "female"], "A": [1, 0, 1], "B": [0, 1, 1], "count": [4, 5, -1]}
    )
    with pytest.raises(DataError) as err:
        StratifiedTable.from_frame(df, ["sex"], source="lists.csv")
    assert str(err.value) == (
        "lists.csv, row 2: column 'count' must be a non-negative integer; got -1 (stratum sex=female)"
    )
    with pytest.raises(DataError) as err:
        StratifiedTable.from_frame(df, ["age"], source="lists.csv")
    assert (
        str(err.value) == "lists.csv: stratum column(s) age not found; columns are sex, A, B, count"
    )
    with pytest.raises(TypeError, match="Stratified.fit expects a purgetoll.mse.StratifiedTable"):
        Stratified(LogLinear()).fit(load_table("rcapture_HIV"))

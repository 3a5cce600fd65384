"""The calibration's inputs: keyed seeds, the archive as statistics, priors, the distance."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from purgetoll.calibrate.distance import MISSING_Z, WeightedDistance
from purgetoll.calibrate.keys import derive_seed, seed_words
from purgetoll.calibrate.mechanism import (
    CALIBRATED,
    MechanismSimulator,
    declared_prior,
    default_priors,
)
from purgetoll.calibrate.priors import Prior, check_priors, pyabc_prior, to_values
from purgetoll.calibrate.statistics import RELATIVE_SD, archive_statistics, check_statistics
from purgetoll.errors import DataError, ScenarioError


def test_seeds_are_functions_of_their_key():
    assert derive_seed(7, "particle", 2, 5, 0) == derive_seed(7, "particle", 2, 5, 0)
    seeds = {derive_seed(7, "particle", t, i, a) for t in range(3) for i in range(50) for a in range(3)}
    assert len(seeds) == 450
    assert all(0 <= s < 2**63 for s in seeds)
    assert derive_seed(8, "particle", 0, 0, 0) != derive_seed(7, "particle", 0, 0, 0)
    assert seed_words(1, "x").dtype == np.uint32 and seed_words(1, "x").shape == (4,)
    with pytest.raises(ValueError, match=r"seed must be an integer in \[0, 2\*\*63\)"):
        derive_seed(-1, "x")


@pytest.fixture(scope="module")
def stats() -> pd.DataFrame:
    return archive_statistics().set_index("name")


def test_archival_figures_come_from_the_bundled_tables(stats):
    """Reference values: 1953 MVD certificate (GARF f.9401 op.1 d.4157, in Kurashvili 1996), the key
    totals, Werth's Order 00447 figures, the GARF f.9414 Gulag death series, GARF f.9413 prisons."""
    assert stats.loc["convictions_1937", "value"] == 790_665
    assert stats.loc["death_sentences_1938", "value"] == 328_618
    assert stats.loc["arrests_1937", "value"] == 936_750
    assert stats.loc["order_00447_category1", "value"] == 387_000
    assert stats.loc["gulag_deaths_1938", "value"] == 108_654
    assert stats.loc["prison_population_1939_01_01", "value"] == 352_508
    assert stats.loc["military_collegium_shot", "value"] == 30_514
    assert stats.loc["order_00447_month_share_1937-08", "value"] == pytest.approx(2062 / 7959)
    assert stats.loc["arrested_share_nationality_Poles", "value"] == pytest.approx(105_485 / 1_420_711)
    assert stats.loc["polish_shot", "value"] == 111_091
    assert stats.loc["order_00447_arrests", "value"] == 702_656


def test_uncertainty_follows_the_stated_rule(stats):
    """sd = hypot(floor x value, half the range of the disagreeing figures): the certificate's 790,665
    convictions in 1937 against the secondary 796,713; Werth's 387,000 shot against 376,202-436,000."""
    assert stats.loc["convictions_1937", "sd"] == pytest.approx(math.hypot(0.02 * 790_665, (796_713 - 790_665) / 2))
    assert stats.loc["order_00447_category1", "sd"] == pytest.approx(
        math.hypot(RELATIVE_SD["secondary"] * 387_000, (436_000 - 376_202) / 2))
    assert stats.loc["wives_arrested_order_00486", "sd"] == pytest.approx(0.5 * 18_000)  # popular source: 50%
    assert "Pospelov" in stats.loc["arrests_1937", "note"]
    assert stats.loc["arrests_1937", "sd"] > RELATIVE_SD["secondary"] * 936_750


def test_fitted_and_held_out_are_disjoint_and_cited(stats):
    held = stats[stats["role"] == "held_out"].index
    assert {"military_collegium_convicted", "order_00447_month_share_1937-10", "prison_population_1939_01_01",
            "months_arrest_to_sentence_order_00447"} <= set(held)
    assert {"arrests_1937", "death_sentences_1937", "gulag_deaths_1937"} <= set(stats[stats["role"] == "fit"].index)
    assert stats["citation"].str.len().min() > 10
    assert (stats["sd"] > 0).all()


def test_a_bad_statistics_table_names_the_row():
    df = pd.DataFrame({"name": ["a", "b"], "role": ["fit", "fit"], "value": [1.0, 2.0], "sd": [1.0, 0.0]})
    with pytest.raises(DataError, match=r"stats.csv, row 1: sd of 'b' must be a positive number; got 0.0"):
        check_statistics(df, "stats.csv")
    df = pd.DataFrame({"name": ["a", "a"], "role": ["fit", "held"], "value": [1.0, 2.0], "sd": [1.0, 1.0]})
    with pytest.raises(DataError, match=r"row 1: statistic 'a' appears twice"):
        check_statistics(df, "stats.csv")
    with pytest.raises(DataError, match=r"missing columns \['sd'\]"):
        check_statistics(df.drop(columns="sd"), "stats.csv")


def test_priors_are_checked_all_at_once():
    bad = [Prior("a.x", 2.0, 1.0), Prior("a.y", 0.0, 1.0, "log"), Prior("a.x", 0.0, 1.0), Prior("Bad", 0, 1)]
    with pytest.raises(ScenarioError) as err:
        check_priors(bad)
    text = str(err.value)
    assert "a.x: low must be below high; got [2, 1]" in text
    assert "a.y: a log-scale prior needs low > 0; got 0" in text
    assert "prior 'a.x' given twice" in text
    assert "got 'Bad'" in text


def test_priors_are_uniform_on_their_range_seen_through_the_logit():
    """pyabc's internal number is the logit of the position in the range (log10 for a log prior), so a
    uniform prior is the standard logistic on the real line and no proposal falls outside the range."""
    p = Prior("terror.prison_places_persons", 1e5, 1e7, "log")
    assert p.bounds() == (5.0, 7.0)
    assert p.median() == pytest.approx(1e6)
    assert to_values([p], {"p0": 0.0}) == {"terror.prison_places_persons": pytest.approx(1e6)}
    assert p.to_value(p.to_internal(3e5)) == pytest.approx(3e5)
    assert p.to_value(math.log(3.0)) == pytest.approx(10 ** (5 + 2 * 0.75))  # position 3/4
    assert p.to_value(-1e6) == pytest.approx(1e5) and p.to_value(50.0) == pytest.approx(1e7)
    dist = pyabc_prior([p, Prior("b.c", 0.0, 2.0)])
    assert dist.pdf({"p0": 0.0, "p1": 0.0}) == pytest.approx(0.25 * 0.25)
    # uniform on the range: the share of the prior below the value is the value's position
    draws = np.array([Prior("b.c", 0.0, 2.0).to_value(x) for x in np.random.default_rng(1).logistic(size=20000)])
    assert np.mean(draws < 0.5) == pytest.approx(0.25, abs=0.01)


def test_statistic_names_are_the_simulators():
    """Every archival statistic is a key of the mechanism's summaries (simulate_summaries' FIT and
    HELD_OUT, or the calibration's own), so none is silently dropped."""
    from purgetoll.scenarios.summaries import FIT, HELD_OUT

    own = {"camp_population_mean_1937", "camp_population_mean_1938", "prison_population_1939_01_01",
           "months_arrest_to_sentence_order_00447", "executions_1937_1938"}
    names = set(archive_statistics()["name"])
    assert names <= set(FIT) | set(HELD_OUT) | own, names - set(FIT) - set(HELD_OUT) - own


def test_default_priors_are_the_modules_declared_ranges():
    priors = {p.name: p for p in default_priors()}
    assert set(priors) == set(CALIBRATED)
    refreshed = MechanismSimulator().refreshed()
    assert "gulag.arrival_hazard_multiplier" in refreshed and "terror.cases_per_interrogator_per_month" not in refreshed
    assert declared_prior("terror.prison_places_persons") == (150_000, 600_000)
    assert (priors["terror.prison_places_persons"].low, priors["terror.prison_places_persons"].high) == (150_000, 600_000)
    assert priors["terror.cases_per_interrogator_per_month"].scale == "log"
    assert "assumption" in priors["denunciation.names_per_interrogation"].source
    with pytest.raises(ScenarioError, match=r"'terror.nope' has no default prior here"):
        default_priors(["terror.nope"])
    with pytest.raises(ScenarioError, match=r"\[terror\] unknown key 'nope' in 'terror.nope' \(valid: "):
        MechanismSimulator(priors=[Prior("terror.nope", 0.0, 1.0)])


def test_distance_weights_each_statistic_by_its_uncertainty():
    d = WeightedDistance(["a", "b"], [10.0, 1.0])
    assert d({"a": 20.0, "b": 1.0}, {"a": 0.0, "b": 1.0}) == pytest.approx(math.sqrt((2.0 ** 2 + 0) / 2))
    assert d({"a": 0.0, "b": 4.0}, {"a": 0.0, "b": 1.0}) == pytest.approx(math.sqrt(9 / 2))
    assert d({"a": float("nan"), "b": 1.0}, {"a": 0.0, "b": 1.0}) == pytest.approx(MISSING_Z / math.sqrt(2))
    with pytest.raises(ValueError):
        WeightedDistance(["a"], [0.0])

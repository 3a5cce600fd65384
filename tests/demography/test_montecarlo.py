"""Monte Carlo inputs (keyed streams, ranges) and the named census corrections."""

from __future__ import annotations

import numpy as np
import pytest

from purgetoll.demography import ArmyOmission1937, CensusCorrections, Padding1939, annual_qx
from purgetoll.demography.montecarlo import batch_qx_at, central_inputs, draw_inputs, stream
from purgetoll.errors import DataError


def test_streams_are_keyed_by_name_and_prefix_stable():
    a, b = draw_inputs(100, seed=3), draw_inputs(40, seed=3)
    assert np.array_equal(a.padding_1939[:40], b.padding_1939)
    assert np.array_equal(a.heaping_strength[:40], b.heaping_strength)
    assert not np.array_equal(a.infant_qx_multiplier, a.hazard_multiplier_age1plus)
    assert np.array_equal(stream(3, "x").uniform(size=5), stream(3, "x").uniform(size=5))


def test_draws_stay_in_their_documented_ranges():
    """The ranges of the error model: padding from ADH's upper true total (168.871M) to Volkov's lowest
    (167.6M) against the official 170,557,093; infant factor between ADH's 1926-27 infant mortality over
    the official q0 (189.5 / 187.01) and Lorimer's 1.146."""
    d = draw_inputs(5000, seed=0)
    assert 170_557_093 - 168_871_000 <= d.padding_1939.min() < 1.75e6
    assert 2.9e6 < d.padding_1939.max() <= 170_557_093 - 167_600_000
    assert d.infant_qx_multiplier.min() >= 189.5 / 187.01 - 1e-6 and d.infant_qx_multiplier.max() <= 1.146
    assert set(np.unique(d.army_age_max_1937)) == set(range(25, 35))
    assert d.annexed_scale.min() >= 0.95 and d.annexed_scale.max() <= 1.05


def test_switched_off_corrections_are_not_drawn():
    d = draw_inputs(10, seed=0, correction=None, corrections=CensusCorrections(padding_1939=None))
    assert (d.infant_qx_multiplier == 1.0).all() and (d.hazard_multiplier_age1plus == 1.0).all()
    assert (d.padding_1939 == 0.0).all()
    c = central_inputs()
    # Zhiromskaya's (1994) true total 167.6-167.7M, middle, against the official 170,557,093
    assert c.padding_1939[0] == 170_557_093 - 167_650_000 and c.army_age_max_1937[0] == 29
    assert (draw_inputs(10, seed=0, corrections=CensusCorrections(padding_1939=Padding1939(2e6))).padding_1939
            == 2e6).all()


def test_batch_mortality_equals_annual_qx():
    k0, k1 = np.array([1.0, 1.146, 1.3]), np.array([1.0, 1.2, 1.1])
    qx_at = batch_qx_at(k0, k1)
    from purgetoll.demography import UnderRegistration

    for year in (1930.0, 1944.5):
        q = qx_at(year)
        for i in range(3):
            corr = UnderRegistration(float(k0[i]), float(k1[i]))
            assert np.allclose(q[i, 0], annual_qx(year, "male", correction=corr), rtol=1e-12)
            assert np.allclose(q[i, 1], annual_qx(year, "female", correction=corr), rtol=1e-12)


def test_army_added_at_stated_ages():
    """Zhiromskaya & Polyakov (2007) p.37: army 1,681,043 men and 1,526 women; NKVD contingents
    the remainder of 162,003,225 (total with contingents) - 160,121,383 (age table)."""
    pop = np.ones((2, 101)) * 1000.0
    army = ArmyOmission1937()
    add = army.added(pop)
    assert add[0].sum() == pytest.approx(1_681_043 + 199_273)
    assert add[1].sum() == pytest.approx(1_526)
    assert 162_003_225 - 160_121_383 == 1_681_043 + 1_526 + 199_273
    assert (add[:, :20] == 0).all() and (add[:, 30:] == 0).all()
    per_draw = army.added(np.broadcast_to(pop, (2, 2, 101)), np.array([25, 34]))
    assert (per_draw[0, :, 26:] == 0).all() and (per_draw[1, :, 34] > 0).all()


def test_the_1937_age_table_total_is_the_bundled_table():
    """The NKVD remainder subtracts the age table's total: it must be the bundled table's."""
    from purgetoll.data import census
    from purgetoll.demography.corrections import AGE_TABLE_TOTAL_1937

    assert int(census(1937, include_unknown=True)["count"].sum()) == AGE_TABLE_TOTAL_1937


def test_padding_and_errors():
    with pytest.raises(DataError) as err:
        Padding1939(-5)
    assert str(err.value) == "Padding1939.persons: must be a number in [0, 1e+07]; got -5"
    with pytest.raises(DataError) as err:
        ArmyOmission1937(age_min=30, age_max=20)
    assert str(err.value) == "ArmyOmission1937: ages must be whole numbers with 15 <= age_min <= age_max <= 60; got 30..20"
    with pytest.raises(DataError) as err:
        draw_inputs(0, seed=1)
    assert str(err.value) == "montecarlo: draws must be a whole number >= 1; got 0"
    with pytest.raises(DataError) as err:
        stream(-1, "x")
    assert str(err.value) == "montecarlo: seed must be a whole number >= 0; got -1"

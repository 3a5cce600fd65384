"""Graduation of 5-year groups and age heaping."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from purgetoll.demography import graduate, myers_index, smooth_heaping, whipple_index
from purgetoll.errors import DataError


def test_sprague_is_exact_for_a_cubic():
    """Sprague's multipliers reproduce single-year counts that are a cubic in age (to rounding)."""
    a = np.arange(80)
    single = 1000 + 30 * a - 0.8 * a**2 + 0.005 * a**3
    groups = np.append(single.reshape(-1, 5).sum(axis=1), 123.0)
    out, open_count = graduate(groups, np.arange(0, 85, 5))
    assert np.allclose(out, single, atol=1e-9)
    assert open_count == 123.0


@settings(max_examples=80, deadline=None)
@given(st.lists(st.floats(0, 1e6), min_size=6, max_size=20), st.sampled_from(["sprague", "pchip"]))
def test_never_negative_and_keeps_group_totals(totals, method):
    t = np.array(totals)
    out, _ = graduate(t, np.arange(0, 5 * len(t), 5), method=method)
    assert (out >= 0).all()
    assert np.allclose(out.reshape(-1, 5).sum(axis=1), t[:-1], rtol=1e-9, atol=1e-6)


def test_sprague_falls_back_where_negative():
    """An abrupt alternation would make Sprague negative; the fallback keeps it >= 0."""
    groups = np.array([1000, 10, 1000, 10, 1000, 10, 500.0])
    from purgetoll.demography.graduation import sprague_matrix

    assert (sprague_matrix(6) @ groups[:-1] < 0).any()
    out, _ = graduate(groups, np.arange(0, 35, 5))
    assert (out >= 0).all()
    assert np.allclose(out.reshape(-1, 5).sum(axis=1), groups[:-1])


def test_pchip_unequal_widths():
    totals = np.array([50.0, 180.0, 200.0, 400.0, 300.0, 20.0])
    lower = np.array([0, 1, 5, 10, 20, 30])
    out, _ = graduate(totals, lower, method="pchip")
    assert out.shape == (30,)
    assert (out >= 0).all()
    assert [out[0], out[1:5].sum(), out[5:10].sum(), out[10:20].sum(), out[20:30].sum()] == pytest.approx(totals[:-1])


def test_graduation_errors():
    with pytest.raises(DataError) as err:
        graduate([10, -1, 5, 5, 5, 5], np.arange(0, 30, 5), name="census_1937_5y")
    assert str(err.value) == "census_1937_5y, row age_lower=5: counts must be finite and >= 0; got -1.0"
    with pytest.raises(DataError) as err:
        graduate([10, 1, 5, 5, 5, 5, 1], [0, 1, 5, 10, 15, 20, 25])
    assert str(err.value) == "graduation, row age_lower=0: Sprague needs 5-year groups; group at age 0 is 1 years wide"
    with pytest.raises(DataError) as err:
        graduate([10, 1, 5, 5], [0, 5, 10, 15])
    assert str(err.value) == "graduation: Sprague needs at least 5 closed 5-year groups; got 3"


def heaped(n: int = 101, excess: float = 0.4) -> np.ndarray:
    """A smooth population in which a share of the neighbours of each age x0/x5 report x0/x5."""
    a = np.arange(n)
    true = 1e5 * np.exp(-0.025 * a)
    c = true.copy()
    for x in range(10, 95, 5):
        for nb in (x - 2, x - 1, x + 1, x + 2):
            moved = excess * true[nb] * (0.5 if abs(nb - x) == 2 else 1.0)
            c[nb] -= moved
            c[x] += moved
    return c


def test_indices_on_known_patterns():
    flat = np.full(101, 1000.0)
    assert whipple_index(flat) == pytest.approx(100.0)
    assert myers_index(flat) == pytest.approx(0.0, abs=1e-12)
    only_round = np.where(np.arange(101) % 5 == 0, 1000.0, 0.0)
    assert whipple_index(only_round) == pytest.approx(500.0)
    only_zero = np.where(np.arange(101) % 10 == 0, 1000.0, 0.0)
    assert myers_index(only_zero) == pytest.approx(90.0)


def test_smoothing_removes_heaping_and_keeps_people():
    c = heaped()
    s = smooth_heaping(c)
    assert whipple_index(c) > 150
    assert whipple_index(s) < 105
    assert s.sum() == pytest.approx(c.sum(), rel=1e-12)
    assert (s >= 0).all()
    # a population without heaping is left essentially unchanged
    flat = np.full(101, 1000.0)
    assert np.allclose(smooth_heaping(flat), flat)


def test_heaping_errors():
    with pytest.raises(DataError) as err:
        whipple_index(np.ones(40))
    assert str(err.value) == "whipple_index: expected single-year counts from age 0 to at least 62; got shape (40,)"
    with pytest.raises(DataError) as err:
        smooth_heaping(np.ones(101), first_age=5)
    assert str(err.value) == "smooth_heaping: first_age must be 3 mod 5 (groups centred on multiples of 5); got 5"


def test_digit_preference_correction_recovers_a_smooth_population():
    """Multiply ages ending in 0 by 1.4 and in 5 by 1.15 (ages 30-89) on a smooth population: the
    correction brings Whipple back near 100 and every age within 3% of the truth, totals kept."""
    from purgetoll.demography import correct_digit_preference, digit_factors

    a = np.arange(101)
    true = 1e5 * np.exp(-0.02 * a)
    heaped = true.copy()
    span = (a >= 30) & (a <= 89)
    heaped[span & (a % 10 == 0)] *= 1.4
    heaped[span & (a % 10 == 5)] *= 1.15
    heaped[span] *= true[span].sum() / heaped[span].sum()
    f = digit_factors(heaped)
    assert f[0] > 1.3 and f[5] > 1.05 and f[3] < 1.0
    fixed = correct_digit_preference(heaped)
    assert abs(whipple_index(fixed) - 100) < 1.0 < whipple_index(heaped) - 100
    assert np.allclose(fixed[span], true[span], rtol=0.03)
    assert fixed.sum() == pytest.approx(heaped.sum(), rel=1e-12)
    assert np.array_equal(fixed[:30], heaped[:30])
    # batch of strengths: 0 leaves the counts as they are
    both = correct_digit_preference(np.stack([heaped, heaped]), np.array([0.0, 1.0]))
    assert np.allclose(both[0], heaped) and np.allclose(both[1], fixed)
    with pytest.raises(DataError) as err:
        correct_digit_preference(heaped, first=35)
    assert str(err.value) == ("correct_digit_preference: the span must be whole decades of at least 20 years "
                              "from a multiple of 10; got 35..89")

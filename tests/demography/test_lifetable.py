"""Life tables from qx and mx: identities that hold exactly, and bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from purgetoll.demography import (
    life_expectancy,
    life_table_from_mx,
    life_table_from_qx,
    partial_life_expectancy,
)
from purgetoll.errors import DataError


def gompertz_mx(n: int = 101) -> np.ndarray:
    ages = np.arange(n)
    m = 0.0003 * np.exp(0.085 * ages) + 0.0015
    m[0] = 0.12
    return m


def test_constant_rate_gives_life_expectancy_one_over_m():
    """With one death rate m at every age, mx = dx/Lx = m in every row, so e0 = 1/m exactly."""
    m = 0.025
    lt = life_table_from_mx(np.full(101, m), sex="female")
    assert np.allclose(lt["mx"], m, rtol=1e-12)
    assert life_expectancy(lt) == pytest.approx(1 / m, rel=1e-12)


def test_mx_round_trip_and_columns():
    m = gompertz_mx()
    lt = life_table_from_mx(m, sex="male")
    assert list(lt.columns) == ["age", "mx", "qx", "ax", "lx", "dx", "Lx", "Tx", "ex"]
    assert np.allclose(lt["mx"], m, rtol=1e-10)
    assert lt["lx"].iloc[0] == 100_000
    assert lt["qx"].iloc[-1] == 1.0
    assert lt["dx"].sum() == pytest.approx(100_000, rel=1e-12)
    assert lt["Tx"].iloc[0] == pytest.approx(lt["Lx"].sum(), rel=1e-12)
    # Coale-Demeny a0 for males at m0 >= 0.107 (Preston et al. 2001, Table 3.3)
    assert lt["ax"].iloc[0] == 0.33


def test_qx_round_trip_with_open_rate():
    m = gompertz_mx()
    a = life_table_from_mx(m, sex="female")
    b = life_table_from_qx(a["qx"].to_numpy(), sex="female", m_open=float(m[-1]))
    # a0 from q0 and from m0 are two published approximations; they differ slightly at age 0 only.
    assert np.allclose(a["lx"].iloc[1:], b["lx"].iloc[1:], rtol=1e-12)
    assert abs(life_expectancy(a) - life_expectancy(b)) < 0.01


def test_coale_demeny_a0_low_mortality():
    """q0 = 0.04 (females): a0 = 0.05 + 3.0 * 0.04 = 0.17."""
    q = np.full(101, 0.01)
    q[0] = 0.04
    lt = life_table_from_qx(q, sex="female")
    assert lt["ax"].iloc[0] == pytest.approx(0.17)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0.0005, 0.6), min_size=5, max_size=40), st.integers(0, 3), st.integers(1, 4))
def test_partial_life_expectancy_bounds(qs, x, span):
    q = np.array(qs + [1.0])
    lt = life_table_from_qx(q, sex="both")
    top = len(q)
    y = min(x + span, top - 1)  # up to the open age: bounded by the span
    e = partial_life_expectancy(lt, x, y)
    assert 0 <= e <= y - x + 1e-12
    # the whole remaining life: partial up to one past the open age equals ex
    assert partial_life_expectancy(lt, x, top) == pytest.approx(life_expectancy(lt, x), rel=1e-12)


def test_bad_qx_names_age():
    q = np.full(101, 0.01)
    q[5] = 1.2
    with pytest.raises(DataError) as err:
        life_table_from_qx(q)
    assert str(err.value) == "qx, row age=5: must be between 0 and 1.0; got 1.2"


def test_bad_mx_and_sex():
    with pytest.raises(DataError) as err:
        life_table_from_mx([0.1, -0.2, 0.3])
    assert str(err.value) == "mx, row age=1: must be finite and >= 0; got -0.2"
    with pytest.raises(DataError) as err:
        life_table_from_mx([0.1, 0.2, 0.0])
    assert str(err.value) == "mx, row age=2: the open age group needs a death rate > 0; got 0.0"
    with pytest.raises(DataError) as err:
        life_table_from_qx([0.1, 0.2], sex="men")
    assert str(err.value) == "life_table_from_qx: sex must be one of male, female, both; got 'men'"
    lt = life_table_from_mx(gompertz_mx())
    with pytest.raises(DataError) as err:
        partial_life_expectancy(lt, 50, 40)
    assert str(err.value) == "life table: partial life expectancy needs 0 <= x < y <= 101; got x=50, y=40"

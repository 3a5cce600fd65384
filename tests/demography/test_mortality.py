"""annual_qx: the official tables at their mid-points, interpolation, the named correction."""

from __future__ import annotations

import numpy as np
import pytest

from purgetoll.data import life_table
from purgetoll.demography import (
    UnderRegistration,
    annual_qx,
    life_expectancy,
    life_table_from_qx,
    table_qx,
)
from purgetoll.errors import DataError


@pytest.mark.parametrize(("period", "sex", "e0"), [
    ("1926-1927", "male", 41.93), ("1926-1927", "female", 46.79),
    ("1938-1939", "male", 43.99), ("1938-1939", "female", 49.69),
    ("1958-1959", "male", 64.42), ("1958-1959", "female", 71.68),
])
def test_life_table_from_official_qx_reproduces_printed_e0(period, sex, e0):
    """e0 as printed by Goskomstat SSSR (1989), rebuilt from the printed qx with Coale-Demeny a0
    and the printed open group (l100/T100); tolerance 0.02 years (the tables' own a0 differs)."""
    t = life_table(period, sex)
    lt = life_table_from_qx(t["qx"].to_numpy(), sex=sex, m_open=t["lx"].iloc[-1] / t["Tx"].iloc[-1])
    assert life_expectancy(lt) == pytest.approx(e0, abs=0.02)


@pytest.mark.parametrize("sex", ["male", "female", "both"])
def test_midpoints_give_the_printed_tables(sex):
    for year, period in [(1927.0, "1926-1927"), (1939.0, "1938-1939"), (1959.0, "1958-1959")]:
        q = annual_qx(year, sex, correction=None)
        printed = life_table(period, sex)["qx"].to_numpy()
        assert q.shape == (101,)
        assert np.allclose(q[:100], printed[:100], rtol=1e-12)
    # outside the mid-points: the nearest table, unchanged
    assert np.array_equal(annual_qx(1900.0, sex, correction=None), table_qx("1926-1927", sex))
    assert np.array_equal(annual_qx(1975.5, sex), table_qx("1958-1959", sex))


def test_interpolation_is_linear_in_log_hazard():
    h = lambda q: -np.log1p(-q)  # noqa: E731
    q39, q59 = annual_qx(1939.0, "male", correction=None), annual_qx(1959.0, "male", correction=None)
    q49 = annual_qx(1949.0, "male", correction=None)
    assert np.allclose(h(q49), np.sqrt(h(q39) * h(q59)), rtol=1e-12)
    q44 = annual_qx(1944.0, "male", correction=None)
    assert np.allclose(np.log(h(q44)), 0.75 * np.log(h(q39)) + 0.25 * np.log(h(q59)), rtol=1e-12)


def test_correction_raises_early_mortality_only():
    c = UnderRegistration(infant_qx_multiplier=1.146, hazard_multiplier_age1plus=1.2)
    raw, cor = annual_qx(1927.0, "female", correction=None), annual_qx(1927.0, "female", correction=c)
    assert cor[0] == pytest.approx(1.146 * raw[0], rel=1e-12)
    assert np.allclose(-np.log1p(-cor[1:]), 1.2 * -np.log1p(-raw[1:]), rtol=1e-12)
    assert np.array_equal(annual_qx(1959.0, "female", correction=c), annual_qx(1959.0, "female", correction=None))
    # halfway to 1959 the correction counts half (on the log scale)
    mid_raw, mid_cor = annual_qx(1949.0, "male", correction=None), annual_qx(1949.0, "male", correction=c)
    assert np.allclose(-np.log1p(-mid_cor[1:]), np.sqrt(1.2) * -np.log1p(-mid_raw[1:]), rtol=1e-12)
    # the default is documented: Lorimer's 14.6% on q0, the ages 1+ factor an assumption
    assert "assumption" in UnderRegistration().describe()


def test_bad_input():
    with pytest.raises(DataError) as err:
        annual_qx(1939.0, "men")
    assert str(err.value) == "annual_qx: sex must be 'male', 'female' or 'both'; got 'men'"
    with pytest.raises(DataError) as err:
        annual_qx(float("nan"), "male")
    assert str(err.value) == "annual_qx: year must be a finite calendar time in years; got nan"
    with pytest.raises(DataError) as err:
        UnderRegistration(infant_qx_multiplier=5)
    assert str(err.value) == "UnderRegistration: infant_qx_multiplier must be a number in [0.5, 3.0]; got 5"
    with pytest.raises(DataError) as err:
        UnderRegistration(periods=("1958-1959", "1939"))
    assert str(err.value) == ("UnderRegistration: period '1939' is not an official table; "
                              "expected one of 1926-1927, 1938-1939, 1958-1959")


def test_life_table_at_a_calendar_time():
    """At 1939.0 with the tables as printed, e0 is the printed 43.99 (men) / 49.69 (women) within
    0.02; the correction lowers it, more with a larger multiplier; at 1959.0 it does nothing."""
    from purgetoll.demography import life_table_at

    for sex, printed in (("male", 43.99), ("female", 49.69)):
        raw = life_expectancy(life_table_at(1939.0, sex, correction=None))
        assert raw == pytest.approx(printed, abs=0.02)
        mild = life_expectancy(life_table_at(1939.0, sex, correction=UnderRegistration(1.1, 1.1)))
        strong = life_expectancy(life_table_at(1939.0, sex, correction=UnderRegistration(1.3, 1.3)))
        assert strong < mild < raw
    assert life_expectancy(life_table_at(1959.0, "female")) == pytest.approx(71.68, abs=0.02)
    assert "assumption" in life_table_at(1930.0, "male").attrs["source"]

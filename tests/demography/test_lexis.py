"""Lexis tools: cohorts, ages and exposures."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from purgetoll.demography import age_of, cohort_of, decimal_year, exposure, iso_date, shift_ages
from purgetoll.errors import DataError


def test_decimal_year_and_back():
    assert decimal_year("1939-01-01") == 1939.0
    assert decimal_year("1959-01-15") == pytest.approx(1959 + 14 / 365)
    assert decimal_year("1940-07-02") == pytest.approx(1940 + 183 / 366)  # leap year
    assert iso_date(decimal_year("1937-01-06")) == "1937-01-06"
    with pytest.raises(DataError) as err:
        decimal_year("1937-13-01")
    assert str(err.value) == "date: expected an ISO date YYYY-MM-DD; got '1937-13-01'"


def test_cohort_of_census_age():
    """Aged 40 at the 1959 census (15 Jan): born 15 Jan 1918 - 15 Jan 1919, 14 days of it in 1919."""
    c = cohort_of(40, "1959-01-15")
    assert set(c) == {1918, 1919}
    assert c[1919] == pytest.approx(14 / 365)
    assert sum(c.values()) == pytest.approx(1.0)


def test_age_of_cohort():
    assert age_of(1900, "1937-01-01") == pytest.approx({36: 1.0})
    a = age_of(1900, "1937-07-02")
    assert set(a) == {36, 37}
    assert sum(a.values()) == pytest.approx(1.0)
    with pytest.raises(DataError) as err:
        age_of(1940, "1939-01-17")
    assert str(err.value) == "age_of: the cohort born in 1940 is not yet born at '1939-01-17'"


def test_add_twenty_years_for_the_1959_position():
    """Conquest: the Purge struck those 'between thirty and fifty-five'; add twenty(-two) years."""
    assert shift_ages(30, 55, "1937-01-01", "1959-01-01") == (52, 77)
    assert shift_ages(30, 55, "1937-01-06", "1959-01-15") == (52, 78)


def test_exposure_of_a_cohort_to_the_terror():
    df = exposure(1900, "1937-01-01", "1939-01-01")
    assert df["age"].tolist() == [36, 37, 38]
    assert df["person_years"].tolist() == pytest.approx([0.5, 1.0, 0.5])


@settings(max_examples=100, deadline=None)
@given(st.integers(1850, 1930), st.floats(1931, 1960), st.floats(0, 25))
def test_exposure_sums_to_period_length(cohort, start, length):
    """A cohort born before the period spends the whole period at some age."""
    df = exposure(cohort, start, start + length)
    assert df["person_years"].sum() == pytest.approx(length, abs=1e-9)
    assert (df["person_years"] <= 1.0 + 1e-12).all()


def test_lexis_bad_input():
    with pytest.raises(DataError) as err:
        exposure(1900, "1939-01-01", "1937-01-01")
    assert str(err.value) == "exposure: end must not precede start; got '1939-01-01' -> '1937-01-01'"
    with pytest.raises(DataError) as err:
        shift_ages(55, 30, 1937.0, 1959.0)
    assert str(err.value) == "shift_ages: age_upper must be >= age_lower; got 55..30"
    with pytest.raises(DataError) as err:
        cohort_of(-1, "1959-01-15")
    assert str(err.value) == "birth_interval: age must be a whole number of years >= 0; got -1"
    with pytest.raises(DataError) as err:
        decimal_year(float("inf"))
    assert str(err.value) == "date: expected a finite decimal year; got inf"

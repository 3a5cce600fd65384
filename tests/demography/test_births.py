"""Reverse survival: exact inversion of the projection, and the 1927-1959 births series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from purgetoll.demography import annual_qx, project_arrays
from purgetoll.demography.births import births_series, implied_births
from purgetoll.demography.projection import births_function
from purgetoll.errors import DataError


def test_reverse_survival_inverts_the_projection():
    """Births projected forward with annual_qx and taken back by reverse survival come back exactly."""
    years = np.arange(1927, 1939)
    rng = np.random.default_rng(1939)
    counts = rng.uniform(2e6, 4e6, size=(2, years.size))
    series = pd.DataFrame({"year": np.repeat(years, 2), "sex": ["male", "female"] * years.size,
                           "count": counts.T.reshape(-1)})

    def qx_at(t: float) -> np.ndarray:
        return np.stack([annual_qx(t, "male"), annual_qx(t, "female")])

    r = project_arrays(np.zeros((2, 101)), 1927.0, 1939.0, qx_at, births_between=births_function(series))
    back = implied_births(r.population, 1939.0, max_age=11)
    merged = back.merge(series, on=["year", "sex"], suffixes=("_back", "_true"))
    assert len(merged) == 24
    assert np.allclose(merged["count_back"], merged["count_true"], rtol=1e-10)


def test_births_series_1927_1959():
    b = births_series()
    assert b["year"].min() == 1927 and b["year"].max() == 1959
    assert len(b) == 2 * 33
    assert (b["count"] > 0).all()
    wide = b.pivot(index="year", columns="sex", values="count")
    ratio = wide["male"] / wide["female"]
    assert ratio.between(1.0, 1.10).all()  # never fewer boys than girls, never more than 10% more
    # the war troughs: 1943 births fewer than half of 1940's (1959 census cohorts, ADH 1941/1946)
    assert wide.loc[1943].sum() < 0.5 * wide.loc[1940].sum()
    assert b.loc[b["year"] == 1959, "method"].str.startswith("carried forward").all()
    assert set(b.loc[b["year"] <= 1938, "borders"]) == {"1938"}
    assert set(b.loc[b["year"] >= 1941, "borders"]) == {"1946"}


def test_births_input_errors():
    with pytest.raises(DataError) as err:
        births_series(1920, 1930)
    assert str(err.value) == "births_series: years must satisfy 1927 <= first <= last <= 1959; got 1920..1930"
    with pytest.raises(DataError) as err:
        births_function(pd.DataFrame({"year": [1930], "sex": ["male"], "count": [-5]}))
    assert str(err.value) == "births, row 0: expected sex male/female and count >= 0; got sex='male', count=np.int64(-5)"
    with pytest.raises(DataError) as err:
        implied_births(np.zeros((2, 50)), "1939-01-17")
    assert str(err.value) == "implied_births: population must have shape (2, 101); got (2, 50)"


def test_births_series_in_one_territory():
    """'1938' and '1946' rescale only the years counted in the other borders, by ADH's 1939 ratio
    of children aged 0-4 (1938 / 1946 borders: men 10,752 / 11,765 thousand)."""
    time_ = births_series().set_index(["year", "sex"])["count"]
    b38 = births_series(territory="1938").set_index(["year", "sex"])
    b46 = births_series(territory="1946").set_index(["year", "sex"])
    assert b38.loc[(1935, "male"), "count"] == time_.loc[(1935, "male")]
    assert b38.loc[(1950, "male"), "count"] == pytest.approx(time_.loc[(1950, "male")] * 10_752 / 11_765)
    assert b46.loc[(1935, "male"), "count"] == pytest.approx(time_.loc[(1935, "male")] * 11_765 / 10_752)
    assert b46.loc[(1950, "female"), "count"] == time_.loc[(1950, "female")]
    assert set(b38["borders"]) == {"1938"} and set(b46["borders"]) == {"1946"}
    assert b38.loc[(1950, "male"), "method"].endswith("(approximation)")
    with pytest.raises(DataError) as err:
        births_series(territory="1939")
    assert str(err.value) == "births_series: territory must be 'time', '1938' or '1946'; got '1939'"

"""Populations by single year from the bundled censuses and the ADH reconstruction."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from purgetoll.cli import app
from purgetoll.data import adh, census
from purgetoll.demography import adh_single, census_single, population, project_arrays
from purgetoll.demography.inputs import territory_addition
from purgetoll.demography.projection import no_mortality
from purgetoll.errors import DataError


def test_census_single_keeps_the_printed_total():
    """1959: 208,826,650 = 94,050,303 men + 114,776,347 women (unknown ages spread in)."""
    arr = census_single(1959)
    assert arr.shape == (2, 101)
    assert arr[0].sum() == pytest.approx(94_050_303)
    assert arr[1].sum() == pytest.approx(114_776_347)
    dropped = census_single(1959, unknown="drop")
    assert arr.sum() - dropped.sum() == pytest.approx(8_362)


@pytest.mark.parametrize(("year", "borders"), [(1939, "1946"), (1939, "1938"), (1946, "time"), (1926, "time")])
def test_adh_single_keeps_every_adh_group(year, borders):
    arr = adh_single(year, borders)
    df = adh(year, borders=borders)
    for i, sex in enumerate(("male", "female")):
        d = df[df["sex"] == sex].sort_values("age")
        groups = np.append(arr[i, :85].reshape(17, 5).sum(axis=1), arr[i, 85:].sum())
        assert np.allclose(groups, d["count"].to_numpy(float), rtol=1e-12)
        assert (arr[i] >= 0).all()


def test_adh_1946_keeps_the_war_birth_trough():
    """ADH 1946 ages 0-4 split like the same cohorts in the 1959 census (ages 13-17): the births
    of 1943-44 (ages 1-2 on 1 Jan 1946) are far fewer than those of 1941 (age 4)."""
    arr = adh_single(1946)
    assert arr[0, 2] < 0.6 * arr[0, 4]
    c59 = census_single(1959)
    share = arr[0, :5] / arr[0, :5].sum()
    shape = c59[0, 13:18] / c59[0, 13:18].sum()
    assert np.allclose(share, shape, rtol=1e-12)


def test_population_specs_and_errors():
    date, arr, note = population("adh:1939")
    assert date == "1939-01-01" and "1946 borders" in note
    assert arr.sum() == pytest.approx(188_793_000, rel=1e-4)  # ADH 1939 in 1946 borders: 188,793 thousand
    with pytest.raises(DataError) as err:
        population("census:1938")
    assert str(err.value).startswith("population: expected census:YEAR (YEAR in 1926, 1937, 1939, 1959)")
    with pytest.raises(DataError) as err:
        population("adh:1939:1950")
    assert str(err.value) == "adh:1939:1950: borders must be time, 1938 or 1946; got '1950'"


def test_territory_addition_bridges_the_borders():
    """ADH 1939 in 1938 borders plus the territory addition is ADH 1939 in 1946 borders."""
    add = territory_addition("1939-01-01")
    assert add.counts.sum() == pytest.approx((188_793 - 168_524) * 1000, rel=1e-4)
    a = project_arrays(adh_single(1939, "1938"), 1939.0, 1941.0, no_mortality, additions=[add])
    b = project_arrays(adh_single(1939, "1946"), 1939.0, 1941.0, no_mortality)
    assert np.allclose(a.population, b.population, rtol=1e-9)
    assert a.additions.sum() == pytest.approx(add.counts.sum())


def test_heaping_cli_reports_indices():
    res = CliRunner().invoke(app, ["demog", "heaping", "--census", "1926", "--format", "csv"])
    assert res.exit_code == 0, res.output
    df = pd.read_csv(io.StringIO(res.stdout))
    assert list(df.columns) == ["sex", "whipple_before", "whipple_after", "myers_before", "myers_after"]
    women = df.set_index("sex").loc["female"]
    assert women["whipple_before"] > 160 and abs(women["whipple_after"] - 100) < 5
    assert census(1926).attrs["table"] == "census_1926_single"

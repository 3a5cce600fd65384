"""Census loaders against the published figures.

Expected numbers: the census totals as published (1926: TsSU 1928-29 vol. 17; 1939: the official
170,557,093; 1959: 208,826,650 = 94,050,303 + 114,776,347), the 1959 excess of women aged 30-69
(18,427,008; Savchenko, Demoscope Weekly: 18.43M, 641 men per 1000 women) and the men per 1000
women of *Narodnoe khoziaistvo SSSR 1922-1972* (1972).
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from purgetoll.data import CENSUS_YEARS, census, load, sex_ratio_yearbook
from purgetoll.data._census_checks import men_per_1000_women
from purgetoll.errors import DataError

COLUMNS = ["date", "sex", "age", "age_end", "age_group", "count"]


def _total(df: pd.DataFrame, sex: str | None = None) -> int:
    sel = df if sex is None else df[df["sex"] == sex]
    return int(sel["count"].sum())


def test_1959_totals_match_the_published_census():
    df = census(1959, include_unknown=True)
    assert _total(df, "male") == 94_050_303
    assert _total(df, "female") == 114_776_347
    assert _total(df) == 208_826_650


def test_1926_total_and_1939_official_total():
    assert _total(census(1926, "5y", include_unknown=True)) == 147_027_915
    assert _total(census(1939, "10y", include_unknown=True)) == 170_557_093


def test_1937_covers_the_civilian_population_only():
    """160,058,329 of stated age + 63,054 unknown; the army (1,681,043 + 1,526) is outside."""
    stated = _total(census(1937))
    assert stated == 160_058_329
    assert _total(census(1937, include_unknown=True)) - stated == 63_054


def test_1959_women_outnumber_men_aged_30_69_by_18_427_008():
    df = census(1959, "10y")
    band = df[(df["age"] >= 30) & (df["age_end"] <= 69)]
    men, women = _total(band, "male"), _total(band, "female")
    assert women - men == 18_427_008
    assert men_per_1000_women(men, women) == 641


@pytest.mark.parametrize("ages", ["single", "5y", "10y"])
@pytest.mark.parametrize("year", CENSUS_YEARS)
def test_census_contract(year, ages):
    df = census(year, ages)
    assert list(df.columns) == COLUMNS
    assert df["count"].dtype == "int64"
    assert list(df["sex"].unique()) == ["male", "female"]
    for _, g in df.groupby("sex"):
        assert g["age"].tolist() == sorted(g["age"].tolist())
        assert g["age"].iloc[0] == 0 and pd.isna(g["age_end"].iloc[-1])
    assert (df["count"] >= 0).all()
    assert df.attrs["table"].startswith("census_")
    assert df.attrs["unit"] == "persons"
    assert "РГАЭ" in df.attrs["source"] or "ЦСУ" in df.attrs["source"] or "Жиромская" in df.attrs["source"]


@pytest.mark.parametrize("year", CENSUS_YEARS)
def test_unknown_row_is_last_of_each_sex_when_asked(year):
    df = census(year, "5y", include_unknown=True)
    for sex in ("male", "female"):
        g = df[df["sex"] == sex]
        assert g["age_group"].iloc[-1] == "unknown" and pd.isna(g["age"].iloc[-1])
    assert "unknown" not in set(census(year, "5y")["age_group"])


@pytest.mark.parametrize("year", CENSUS_YEARS)
def test_all_three_groupings_give_the_same_population(year):
    totals = {a: _total(census(year, a, include_unknown=True)) for a in ("single", "5y", "10y")}
    assert len(set(totals.values())) == 1


def test_1959_ten_year_ratios_equal_the_yearbook_exactly():
    """The yearbook prints total 819; 30-39: 753; 40-49: 623; 50-59: 565; ..."""
    yb = sex_ratio_yearbook()
    yb59 = yb[yb["date"] == "1959-01-15"].set_index("age_group")["males_per_1000_females"]
    assert yb59["total"] == 819 and yb59["30-39"] == 753 and yb59["40-49"] == 623
    df = census(1959, "10y", include_unknown=True)
    men = df[df["sex"] == "male"].set_index("age_group")["count"]
    women = df[df["sex"] == "female"].set_index("age_group")["count"]
    for group, printed in yb59.items():
        if group == "total":
            computed = men_per_1000_women(int(men.sum()), int(women.sum()))
        else:
            computed = men_per_1000_women(int(men[group]), int(women[group]))
        assert computed == printed, group


def test_1939_yearbook_column_differs_from_the_census_in_its_own_borders():
    """Documented difference: 921 in the yearbook vs 919 from the 1939 census."""
    yb = sex_ratio_yearbook().set_index(["date", "age_group"])["males_per_1000_females"]
    assert yb[("1939-01-17", "total")] == 921
    df = census(1939, include_unknown=True)
    assert men_per_1000_women(_total(df, "male"), _total(df, "female")) == 919


def test_year_may_be_any_integral_number():
    import numpy as np

    expected = census(1959, "5y")["count"].tolist()
    assert census(np.int64(1959), "5y")["count"].tolist() == expected
    assert census(1959.0, "5y")["count"].tolist() == expected


def test_bundled_table_keeps_printed_totals_and_both_sexes():
    raw = load("census_1959_5y")
    total = raw[(raw["age_group"] == "total")].set_index("sex")["count"]
    assert total.to_dict() == {"male": 94_050_303, "female": 114_776_347, "both": 208_826_650}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"year": 1940}, "census: year 1940 is not a bundled census (valid: 1926, 1937, 1939, 1959)"),
        ({"year": 1959, "ages": "1y"}, "census: ages '1y' is not one of 'single', '5y', '10y'"),
    ],
)
def test_bad_arguments_name_the_valid_values(kwargs, message):
    with pytest.raises(DataError) as err:
        census(**kwargs)
    assert str(err.value) == message


@given(men=st.integers(0, 10**9), women=st.integers(1, 10**9))
def test_men_per_1000_women_rounds_half_up(men, women):
    r = men_per_1000_women(men, women)
    exact = 1000 * men / women
    assert r - 0.5 <= exact < r + 0.5 + 1e-9

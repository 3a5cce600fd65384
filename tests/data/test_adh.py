"""The ADH reconstruction (Andreev, Darsky, Kharkova 1993, pp.122-126, thousands, 1 January).

Published totals: 1939 in pre-September-1939 borders 168,524 thousand, in post-1946 borders
188,793 thousand; 1941 195,393; 1946 170,548 (men 74,364, women 96,184)."""

from __future__ import annotations

import pytest

from purgetoll.data import ADH_YEARS, adh, load
from purgetoll.errors import DataError

PRINTED_TOTAL_THOUSANDS = {(1939, "1938"): 168_524, (1939, "1946"): 188_793, (1941, "time"): 195_393, (1946, "time"): 170_548}


@pytest.mark.parametrize(("year", "borders"), sorted(PRINTED_TOTAL_THOUSANDS))
def test_sum_of_groups_is_the_printed_total_within_rounding(year, borders):
    df = adh(year, borders)
    assert abs(int(df["count"].sum()) - PRINTED_TOTAL_THOUSANDS[(year, borders)] * 1000) <= 6_000


def test_1946_men_and_women():
    df = adh(1946)
    men, women = (int(df.loc[df["sex"] == s, "count"].sum()) for s in ("male", "female"))
    assert abs(men - 74_364_000) <= 3_000 and abs(women - 96_184_000) <= 3_000


@pytest.mark.parametrize("year", ADH_YEARS)
def test_contract(year):
    df = adh(year)
    assert list(df.columns) == ["date", "borders", "sex", "age", "age_end", "age_group", "count"]
    assert (df["date"] == f"{year}-01-01").all()
    assert df["count"].dtype == "int64" and (df["count"] % 1000 == 0).all()
    assert list(df["sex"].unique()) == ["male", "female"]
    assert df["age_group"].tolist()[:2] == ["0-4", "5-9"] and df["age_group"].iloc[-1] == "85+"
    assert df.attrs["table"] == "adh_5y" and "Андреев" in df.attrs["source"]


def test_count_is_published_thousands_times_1000():
    raw = load("adh_5y")
    row = raw[(raw["date"] == "1939-01-01") & (raw["borders"] == "1946") & (raw["sex"] == "male") & (raw["age_group"] == "30-34")]
    df = adh(1939, "1946")
    got = df[(df["sex"] == "male") & (df["age_group"] == "30-34")]["count"].iloc[0]
    assert got == int(row["count_thousands"].iloc[0]) * 1000 == 7_592_000


def test_year_may_be_any_integral_number():
    import numpy as np

    assert adh(np.int64(1939), "1946")["count"].tolist() == adh(1939, "1946")["count"].tolist()


def test_borders_that_mean_the_same_territory_give_the_same_rows():
    assert adh(1939)["count"].tolist() == adh(1939, "1938")["count"].tolist()
    assert adh(1926, "1938")["count"].tolist() == adh(1926)["count"].tolist()
    assert adh(1947, "1946")["count"].tolist() == adh(1947)["count"].tolist()
    assert adh(1939, "1946")["count"].sum() > adh(1939, "1938")["count"].sum() + 20_000_000
    assert adh(1939, "1946").attrs["territory"] == "post-1946 borders"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((1930,), "adh_5y: year 1930 is not in the reconstruction (valid: 1926, 1927, 1934, 1935, 1936, 1937, 1938, 1939, 1940, 1941, 1946, 1947)"),
        ((1939, "1959"), "adh_5y: borders '1959' is not one of 'time', '1938', '1946'"),
        ((1926, "1946"), "adh_5y: borders '1946' not available for 1926 (available: time, 1938)"),
        ((1940, "1938"), "adh_5y: borders '1938' not available for 1940 (available: time)"),
    ],
)
def test_bad_arguments(args, message):
    with pytest.raises(DataError) as err:
        adh(*args)
    assert str(err.value) == message

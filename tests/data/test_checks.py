"""Damaged copies of the bundled tables get errors naming the table, the row and the expectation.

Each test damages a copy (the bundled files are never touched) and asserts the exact messages.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from purgetoll.data import check_table, load


def _rows(df: pd.DataFrame, **where) -> pd.Series:
    """The rows of ``df`` where every column named in ``where`` has the given value."""
    mask = pd.Series(True, index=df.index)
    for k, v in where.items():
        mask &= df[k].eq(v).fillna(False)
    return mask


def _set(df: pd.DataFrame, col: str, value, **where) -> pd.DataFrame:
    """Copy of ``df`` with ``col`` set (or shifted by ``value`` if callable) where all match."""
    df = df.copy()
    mask = _rows(df, **where)
    assert mask.sum() == 1, where
    i = df.index[mask][0]
    df.loc[i, col] = value(df.loc[i, col]) if callable(value) else value
    return df


def _drop(df: pd.DataFrame, **where) -> pd.DataFrame:
    return df[~_rows(df, **where)].reset_index(drop=True)


def _msgs(name: str, df: pd.DataFrame) -> list[str]:
    return [str(p) for p in check_table(name, df)]


# ------------------------------------------------------------------------------------ censuses


def test_negative_count():
    df = _set(load("census_1959_5y"), "count", -5, sex="male", age_group="40-44")
    assert _msgs("census_1959_5y", df) == [
        "census_1959_5y, row date=1959-01-15, sex=male, age_group=40-44: count = -5 is negative "
        "(expected a count >= 0)"
    ]


def test_wrong_total():
    df = _set(load("census_1926_5y"), "count", lambda v: v + 1000, sex="male", age_group="total")
    assert _msgs("census_1926_5y", df) == [
        "census_1926_5y, row date=1926-12-17, sex=both, age_group=total: count 147027915 != "
        "male + female = 71044352 + 75984563 = 147028915",
        "census_1926_5y, row date=1926-12-17, sex=male, age_group=total: printed total 71044352 "
        "!= sum of age groups and unknown 71043352 (difference 1000; expected 0)",
    ]


@pytest.mark.parametrize(
    ("name", "sex", "expected"),
    [
        (
            "census_1959_single",
            "male",
            [
                "census_1959_single, row date=1959-01-15, sex=male: age 40 missing (group 39 ends "
                "at 39, next group 41 starts at 41)",
                "census_1959_single, row date=1959-01-15, sex=male, age_group=total: printed total "
                "94050303 != sum of age groups and unknown 93104951 (difference 945352; expected 0)",
            ],
        ),
        (
            "census_1959_5y",
            "female",
            [
                "census_1959_5y, row date=1959-01-15, sex=female: age 40-44 missing (group 35-39 "
                "ends at 39, next group 45-49 starts at 45)",
                "census_1959_5y, row date=1959-01-15, sex=female, age_group=total: printed total "
                "114776347 != sum of age groups and unknown 108366491 (difference 6409856; expected 0)",
            ],
        ),
    ],
    ids=["single_age", "five_year_group"],
)
def test_missing_age_group_starting_at_40(name, sex, expected):
    df = _drop(load(name), sex=sex, age=40)
    assert _msgs(name, df) == expected


def test_missing_sex():
    df = load("census_1937_5y")
    df = df[df["sex"] != "female"]
    msgs = _msgs("census_1937_5y", df)
    assert msgs == ["census_1937_5y, row date=1937-01-06: sex 'female' missing (expected male, female, both)"]


def test_open_group_not_last_and_bad_label():
    df = _set(load("census_1926_5y"), "age_end", pd.NA, sex="male", age_group="95-99")
    assert _msgs("census_1926_5y", df) == [
        "census_1926_5y, row date=1926-12-17, sex=male, age_group=95-99: label does not match "
        "bounds age=95, age_end=<NA> (expected '95+')",
        "census_1926_5y, row date=1926-12-17, sex=male, age_group=95-99: open age group is not "
        "the last one",
        "census_1926_5y, row date=1926-12-17, sex=male, age_group=95-99: count 16005 != sum of "
        "single years 95+ in census_1926_single = 28374 (expected equal)",
    ]


def test_five_year_table_inconsistent_with_single_years():
    """100 men moved from 40-44 to 45-49 keep every total right; only the cross-check sees it."""
    df = load("census_1939_5y")
    for sex in ("male", "both"):
        df = _set(df, "count", lambda v: v - 100, sex=sex, age_group="40-44")
        df = _set(df, "count", lambda v: v + 100, sex=sex, age_group="45-49")
    assert _msgs("census_1939_5y", df) == [
        "census_1939_5y, row date=1939-01-17, sex=male, age_group=40-44: count 3959080 != sum of "
        "single years 40..44 in census_1939_single = 3959180 (expected equal)",
        "census_1939_5y, row date=1939-01-17, sex=male, age_group=45-49: count 3099159 != sum of "
        "single years 45..49 in census_1939_single = 3099059 (expected equal)",
        "census_1939_5y, row date=1939-01-17, sex=both, age_group=40-44: count 8511446 != sum of "
        "single years 40..44 in census_1939_single = 8511546 (expected equal)",
        "census_1939_5y, row date=1939-01-17, sex=both, age_group=45-49: count 6821895 != sum of "
        "single years 45..49 in census_1939_single = 6821795 (expected equal)",
    ]


def test_ten_year_table_inconsistent_with_single_years():
    df = load("census_10y")
    for sex in ("female", "both"):
        df = _set(df, "count", lambda v: v + 7, sex=sex, age_group="90+", date="1937-01-06")
        df = _set(df, "count", lambda v: v - 7, sex=sex, age_group="80-89", date="1937-01-06")
    msgs = _msgs("census_10y", df)
    assert msgs[0] == (
        "census_10y, row date=1937-01-06, sex=female, age_group=80-89: count 463920 != sum of "
        "single years 80..89 in census_1937_single = 463927 (expected equal)"
    )
    assert msgs[1] == (
        "census_10y, row date=1937-01-06, sex=female, age_group=90+: count 102556 != sum of "
        "single years 90+ in census_1937_single = 102549 (expected equal)"
    )
    assert len(msgs) == 4


@settings(max_examples=40, deadline=None)
@given(row=st.integers(0, 308), delta=st.integers(-10**6, 10**6).filter(lambda d: d != 0))
def test_any_changed_count_of_a_single_year_census_is_caught(row, delta):
    df = load("census_1939_single")
    df.loc[row, "count"] = df.loc[row, "count"] + delta
    assert check_table("census_1939_single", df) != []


def test_yearbook_1959_ratio_that_disagrees_with_the_census():
    df = _set(load("sex_ratio_yearbook"), "males_per_1000_females", 752, date="1959-01-15", age_group="30-39")
    assert _msgs("sex_ratio_yearbook", df) == [
        "sex_ratio_yearbook, row date=1959-01-15, age_group=30-39: males_per_1000_females 752 != "
        "1959 census 753 (1000 x 13139351 / 17450057, rounded half up)"
    ]


# ----------------------------------------------------------------------------------------- ADH


def test_adh_total_within_rounding_passes_and_beyond_fails():
    """1937 women: printed 84,577 vs sum 84,576 thousand. +2 -> 3 passes; +3 -> 4 fails."""
    ok = load("adh_5y")
    for sex in ("female", "both"):
        ok = _set(ok, "count_thousands", lambda v: v + 2, date="1937-01-01", sex=sex, age_group="total")
    assert _msgs("adh_5y", ok) == []
    bad = load("adh_5y")
    for sex in ("female", "both"):
        bad = _set(bad, "count_thousands", lambda v: v + 3, date="1937-01-01", sex=sex, age_group="total")
    assert _msgs("adh_5y", bad) == [
        "adh_5y, row date=1937-01-01, borders=time, sex=female, age_group=total: printed total "
        "84580 != sum of age groups 84576 (difference 4 thousand; expected at most 3 from rounding)"
    ]


def test_adh_both_sexes_not_the_sum():
    df = _set(load("adh_5y"), "count_thousands", lambda v: v + 1, date="1939-01-01", borders="1946", sex="both", age_group="30-34")
    assert _msgs("adh_5y", df) == [
        "adh_5y, row date=1939-01-01, borders=1946, sex=both, age_group=30-34: count_thousands "
        "15333 != male + female = 7592 + 7740 = 15332"
    ]


def test_adh_missing_open_group():
    df = _drop(load("adh_5y"), date="1946-01-01", sex="male", age_group="85+")
    msgs = _msgs("adh_5y", df)
    assert msgs[0] == (
        "adh_5y, row date=1946-01-01, borders=time, sex=male: last age group 80-84 is closed "
        "(expected an open group such as 85+)"
    )


# --------------------------------------------------------------------------------- life tables


def test_life_table_whose_lx_and_dx_disagree():
    df = _set(load("life_tables"), "dx", lambda v: v + 7, period="1958-1959", sex="male", age=30)
    assert _msgs("life_tables", df) == [
        "life_tables, row period=1958-1959, sex=male, age=30: dx = 302 but lx - l(x+1) = 89845 - "
        "89550 = 295 (expected equal)",
        "life_tables, row period=1958-1959, sex=male, age=30: qx * lx = 294.69 but dx = 302 "
        "(expected within 1.45: qx printed to 5 decimals, dx from rounded lx)",
    ]


def test_life_table_damaged_lx_breaks_dx_and_ex():
    df = _set(load("life_tables"), "lx", lambda v: v + 100, period="1938-1939", sex="female", age=50)
    assert _msgs("life_tables", df) == [
        "life_tables, row period=1938-1939, sex=female, age=49: dx = 493 but lx - l(x+1) = 59888 "
        "- 59495 = 393 (expected equal)",
        "life_tables, row period=1938-1939, sex=female, age=50: dx = 511 but lx - l(x+1) = 59495 "
        "- 58884 = 611 (expected equal)",
        "life_tables, row period=1938-1939, sex=female, age=50: ex = 25.88 but Tx / lx = 1537224 "
        "/ 59495 = 25.8379 (expected within 0.0052)",
    ]


def test_life_table_as_printed_fails_the_Tx_identity_that_the_correction_fixes():
    df = load("life_tables")
    df["Lx"] = df["Lx_as_printed"]
    assert _msgs("life_tables", df) == [
        "life_tables, row period=1926-1927, sex=male, age=85: Tx = 27607 but Lx + T(x+1) = 5020 "
        "+ 22387 = 27407 (expected equal)"
    ]


def test_life_table_missing_age_and_wrong_px():
    df = _drop(load("life_tables"), period="1926-1927", sex="both", age=64)
    df = _set(df, "px", 0.5, period="1958-1959", sex="female", age=0)
    assert _msgs("life_tables", df) == [
        "life_tables, row period=1926-1927, sex=both: age(s) 64 missing (expected every age 0..100)",
        "life_tables, row period=1958-1959, sex=female, age=0: px = 0.5 but 1 - qx = 0.96323 "
        "(expected equal)",
    ]


def test_life_expectancy_summary_disagreeing_with_the_table():
    df = _set(load("life_expectancy_summary"), "ex", 41.95, period="1926-1927", sex="male", age=0)
    assert _msgs("life_expectancy_summary", df) == [
        "life_expectancy_summary, row period=1926-1927, sex=male, age=0: ex = 41.95 but "
        "life_tables gives 41.93 (expected equal)"
    ]


# ------------------------------------------------------------------------- census summaries


@pytest.mark.parametrize(
    ("name", "where", "col", "value", "message"),
    [
        (
            "census_national_totals",
            {"date": "1939-01-17", "metric": "males"},
            "value",
            lambda v: v + 10,
            "census_national_totals, row date=1939-01-17, metric=males: 81694899 differs from the "
            "printed male total of census_1939_5y 81694889 by 10 (expected equal)",
        ),
        (
            # 1937 men: the summary table prints 165 more than the age-sex table; 'fixing' it is
            # caught, because the documented difference must stay documented.
            "census_national_totals",
            {"date": "1937-01-06", "metric": "males", "unit": "persons"},
            "value",
            75_789_727,
            "census_national_totals, row date=1937-01-06, metric=males: 75789727 differs from the "
            "printed male total of census_1937_5y 75789727 by 0 (expected a documented difference of "
            "165: the summary table prints more men than the age-sex table adds up to)",
        ),
        (
            "census_by_republic_and_city",
            {"date": "1926-12-17", "unit": "RSFSR"},
            "count",
            lambda v: v + 1,
            "census_by_republic_and_city, row date=1926-12-17, unit=USSR total: printed total "
            "147027915 != sum of republics 147027916 (difference -1; expected 0)",
        ),
        (
            "census_nationality_partial",
            {"territory": "Ukrainian SSR", "nationality": "Russians", "percent": 13.5},
            "persons",
            4175300,
            "census_nationality_partial, row territory=Ukrainian SSR, year=1939, nationality=all: "
            "printed total 30946218 != sum of nationalities 30946219 (difference -1; expected 0)",
        ),
        (
            "census_nationality_partial",
            {"territory": "RSFSR", "nationality": "Tatars"},
            "percent",
            3.8,
            "census_nationality_partial, row territory=RSFSR, year=1939: percentages sum to 101.0 "
            "(expected 100 within 0.25: each printed to 1 decimal) [source: German-language "
            "geographic description of the USSR republics 'im Jahre 1939' "
            "(kunstmuseum-hamburg.de/tag/lissr/), percentages as printed]",
        ),
    ],
    ids=[
        "national_total_vs_census",
        "documented_difference_must_stay_documented",
        "republics_not_adding_up",
        "nationalities_not_adding_up",
        "nationality_percentages_not_adding_up",
    ],
)
def test_census_summary_that_disagrees(name, where, col, value, message):
    df = _set(load(name), col, value, **where)
    assert _msgs(name, df) == [message]


@settings(max_examples=40, deadline=None)
@given(
    row=st.integers(0, 908),
    col=st.sampled_from(["lx", "dx", "Lx", "Tx"]),
    delta=st.integers(-50, 50).filter(lambda d: d != 0),
)
def test_any_changed_integer_column_of_a_life_table_is_caught(row, col, delta):
    df = load("life_tables")
    if int(df.loc[row, "age"]) == 100 and col in ("dx", "Lx", "Tx"):
        # The last row is only bounded (L100 <= l100 <= T100 region); shift lx instead.
        col = "lx"
    if int(df.loc[row, "age"]) == 0 and col == "lx":
        col = "dx"
    df.loc[row, col] = df.loc[row, col] + delta
    assert check_table("life_tables", df) != []


@settings(max_examples=60, deadline=None)
@given(widths=st.lists(st.integers(1, 10), min_size=2, max_size=15), drop=st.data())
def test_age_ladder_accepts_any_partition_and_names_a_removed_group(widths, drop):
    from purgetoll.data._census_checks import age_ladder_problems

    rows, start = [], 0
    for w in widths:
        end = start + w - 1
        rows.append({"age": start, "age_end": end, "age_group": str(start) if w == 1 else f"{start}-{end}"})
        start = end + 1
    rows.append({"age": start, "age_end": pd.NA, "age_group": f"{start}+"})
    ladder = pd.DataFrame(rows)
    ladder["age_end"] = ladder["age_end"].astype("Int64")
    assert age_ladder_problems("t", "k", ladder) == []
    i = drop.draw(st.integers(1, len(rows) - 2))
    gone = rows[i]
    problems = [str(p) for p in age_ladder_problems("t", "k", ladder.drop(index=i))]
    span = str(gone["age"]) if gone["age"] == gone["age_end"] else f"{gone['age']}-{gone['age_end']}"
    assert problems == [
        f"t, row k: age {span} missing (group {rows[i - 1]['age_group']} ends at "
        f"{rows[i - 1]['age_end']}, next group {rows[i + 1]['age_group']} starts at {rows[i + 1]['age']})"
    ]

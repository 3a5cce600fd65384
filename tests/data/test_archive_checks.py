"""Damaged copies of the archival tables: every check names the table, the row and what was expected."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from purgetoll.data import check_table, load

CONV = "repression_convicted_by_year_1921_1953"
PARTS = ("death", "camps", "exile", "other")


def _messages(name: str, df: pd.DataFrame) -> list[str]:
    return [str(p) for p in check_table(name, df)]


def _loc(df: pd.DataFrame, **where) -> int:
    mask = np.ones(len(df), dtype=bool)
    for col, v in where.items():
        mask &= (df[col] == v).to_numpy()
    (idx,) = mask.nonzero()
    assert len(idx) == 1, where
    return df.index[idx[0]]


# ---------------------------------------------------------------- convictions


def test_wrong_part_breaks_its_year_and_its_column_total():
    df = load(CONV).copy()
    i = _loc(df, period="1937", category="camps")
    df.loc[i, ["value", "value_as_printed"]] = 429_000
    assert _messages(CONV, df) == [
        f"{CONV}, row series=mvd_1953, period=1937, category=total: total 790,665 does not equal death + camps + exile + other = 790,354 (expected 790,354)",
        f"{CONV}, row series=mvd_1953, period=1921-1953, category=camps: printed total 2,634,397 does not equal the sum of the yearly rows 2,631,086 plus the documented difference 3,000 (expected 2,634,086)",
    ]


@pytest.mark.parametrize(
    ("where", "column", "value", "expected"),
    [
        (
            {"period": "1937", "category": "camps"},
            "value",
            -5,
            f"{CONV}, row series=mvd_1953, period=1937, category=camps: value = -5 is negative (expected a count >= 0)",
        ),
        (
            # the document's own difference must stay documented
            {"period": "1941", "category": "total"},
            "documented_difference",
            np.nan,
            f"{CONV}, row series=mvd_1953, period=1941, category=total: total 75,411 does not equal death + camps + exile + other = 75,421 (expected 75,421)",
        ),
        (
            {"period": "1932", "category": "death"},
            "correction_note",
            np.nan,
            f"{CONV}, row series=mvd_1953, period=1932, category=death: value 2,728 differs from value_as_printed 22,728 without a correction_note (expected equal values, or a note saying why the printed figure was corrected)",
        ),
    ],
    ids=["negative_count", "undocumented_difference", "correction_without_note"],
)
def test_one_damaged_cell_of_the_certificate_is_named(where, column, value, expected):
    df = load(CONV).copy()
    df.loc[_loc(df, **where), column] = value
    assert _messages(CONV, df) == [expected]


def test_missing_year_and_missing_category():
    df = load(CONV)
    no1940 = df[df["year"].ne(1940).fillna(True)]
    msgs = _messages(CONV, no1940)
    assert msgs[0] == f"{CONV}, row series=mvd_1953: year(s) 1940 missing (the table claims 1921-1953)"
    no_exile = df.drop(index=_loc(df, period="1936", category="exile"))
    assert _messages(CONV, no_exile)[0] == (
        f"{CONV}, row series=mvd_1953, year=1936: category exile missing (expected total, death, camps, exile, other)"
    )


def test_unknown_category_and_series():
    df = load(CONV).copy()
    df.loc[_loc(df, period="1930", category="other"), "category"] = "shot"
    df.loc[_loc(df, period="1931", category="other"), "series"] = "nkvd"
    assert _messages(CONV, df) == [
        f"{CONV}, row series=mvd_1953, period=1930, category=shot: category 'shot' is not one of total, death, camps, exile, other",
        f"{CONV}, row series=nkvd, period=1931, category=other: series 'nkvd' is not one of mvd_1953, mvd_1st_special_dept, kgb",
    ]


@settings(max_examples=25, deadline=None)
@given(
    year=st.integers(1921, 1953),
    category=st.sampled_from(PARTS),
    delta=st.integers(-10_000, 10_000).filter(lambda d: d != 0),
)
def test_any_change_to_a_part_is_caught(year, category, delta):
    """Conservation: a year's total is the sum of its parts, so no single part can change unseen."""
    df = load(CONV).copy()
    i = _loc(df, period="1953-H1" if year == 1953 else str(year), category=category)
    old = df.loc[i, "value"]
    new = (0 if pd.isna(old) else int(old)) + delta
    df.loc[i, ["value", "value_as_printed"]] = new
    df.loc[i, "correction_note"] = "damaged in a test"
    msgs = _messages(CONV, df)
    if new < 0:
        assert any("is negative" in m for m in msgs)
    else:
        period = "1953-H1" if year == 1953 else str(year)
        assert any(f"period={period}, category=total: total" in m for m in msgs)
        assert any(f"period=1921-1953, category={category}: printed total" in m for m in msgs)


def test_corrections_agree_with_the_second_copy_of_the_certificate():
    """Kurashvili's printing, once corrected, equals 'Stalinskaia epokha' p.128 cell for cell."""
    df = load(CONV).copy()
    i = _loc(df, period="1932", category="death")
    df.loc[i, "value"] = 22_728
    df.loc[i, "correction_note"] = "damaged in a test"
    assert _messages(CONV, df) == [
        f"{CONV}, row series=mvd_1953, period=1932, category=total: total 141,919 does not equal death + camps + exile + other = 161,919 (expected 161,919)",
        f"{CONV}, row series=mvd_1953, period=1932, category=death: value 22,728 differs from the second copy of the document (repression_convicted_mvd_vs_kgb_1921_1952, series mvd_1st_special_dept): 2,728 (expected 2,728)",
        f"{CONV}, row series=mvd_1953, period=1921-1953, category=death: printed total 799,455 does not equal the sum of the yearly rows 819,465 plus the documented difference -10 (expected 819,455)",
    ]


def test_second_series_totals():
    name = "repression_convicted_mvd_vs_kgb_1921_1952"
    df = load(name).copy()
    df.loc[_loc(df, series="kgb", period="1921-1952", category="total"), "documented_difference"] = np.nan
    assert _messages(name, df) == [
        f"{name}, row series=kgb, period=1921-1952, category=total: printed total 3,753,490 does not equal the sum of the yearly rows 3,753,976 (expected 3,753,976)"
    ]


# ---------------------------------------------------------------- Gulag deaths, population, sex, prisons


def test_gulag_printed_total_and_years():
    name = "gulag_deaths_1930_1956"
    df = load(name).copy()
    df.loc[_loc(df, period="1938"), "deaths"] = 10_865
    assert _messages(name, df) == [
        f"{name}, row period=1930-1956: printed total 1,606,748 does not equal the sum of the yearly rows 1,508,953 plus the documented difference 6 (expected 1,508,959)"
    ]
    gap = load(name)
    gap = gap[gap["period"] != "1945"]
    assert _messages(name, gap)[0] == f"{name}, row year: year(s) 1945 missing (the table claims 1930-1956)"


def test_gulag_death_rate_must_fit_the_population():
    name = "gulag_deaths_1930_1956"
    df = load(name).copy()
    df.loc[_loc(df, period="1937"), "deaths_pct_of_average_population"] = 24.2
    assert _messages(name, df) == [
        f"{name}, row period=1937: 31,056 deaths at 24.2% imply an average population of 128,331, not within 0.5-2 x the 1,196,369 prisoners on 1937-01-01 (camps_and_colonies, gulag_population_jan1_partial) (expected a rate consistent with the population)"
    ]
    df.loc[_loc(df, period="1937"), "deaths_pct_of_average_population"] = 124.2
    assert _messages(name, df) == [
        f"{name}, row period=1937: deaths_pct_of_average_population = 124.2 (expected a percentage in (0, 100])"
    ]


def test_gulag_sex_shares_add_to_100_and_match_counts():
    name = "gulag_sex_composition_partial"
    df = load(name).copy()
    df.loc[_loc(df, date="1944-01-01", coverage="colonies", sex="female"), "pct"] = 27.7
    assert _messages(name, df) == [
        f"{name}, row date=1944-01-01, coverage=colonies: male 62.3% + female 27.7% = 90% (expected 100 within rounding 0.1)"
    ]
    df = load(name).copy()
    df.loc[_loc(df, date="1945-01-01", coverage="colonies", sex="male"), "count"] = 503_659
    assert _messages(name, df) == [
        f"{name}, row date=1945-01-01, coverage=colonies, sex=male: pct 62 does not match the counts: 503,659 of 750,655 = 67.10% (expected within 0.05 of it)"
    ]


def test_gulag_population_bad_coverage_and_date():
    name = "gulag_population_jan1_partial"
    df = load(name).copy()
    i = _loc(df, date="1937-01-01")
    df.loc[i, "coverage"] = "everything"
    df.loc[_loc(df, date="1930-01-01"), "date"] = "1930-13-01"
    assert _messages(name, df) == [
        f"{name}, row date=1930-13-01, coverage=camps: date '1930-13-01' is not an ISO date YYYY-MM-DD",
        f"{name}, row date=1937-01-01, coverage=everything: coverage 'everything' is not one of camps, colonies, camps_and_colonies, camps_colonies_prisons, unspecified",
    ]


def test_prisons_quarters_complete_and_printed_values():
    name = "prisons_population_quarterly_1939_1960"
    df = load(name)
    assert _messages(name, df[df["date"] != "1950-07-01"]) == [
        f"{name}, row date: quarter(s) 1950-07-01 missing (expected every quarter from 1939-01-01 to 1960-01-01)"
    ]
    bad = df.copy()
    bad.loc[_loc(bad, date="1941-07-01"), "correction_note"] = np.nan
    assert _messages(name, bad) == [
        f"{name}, row date=1941-07-01: count 206,430 differs from value_as_printed '206 4301' without a correction_note"
    ]


# ---------------------------------------------------------------- Order 00447 limits


LIMITS, REGIONAL = "order_00447_limits_1937", "order_00447_limits_regional"


@pytest.mark.parametrize(
    ("name", "where", "value", "expected"),
    [
        (
            LIMITS,
            {"region": "RSFSR", "category": "1"},
            47_000,
            [f"{LIMITS}, row region=USSR, stage=initial, category=1: limit 75,950 does not equal the sum of its 12 regions 75,500 (expected 75,500)"],
        ),
        (
            LIMITS,
            {"region": "USSR", "category": "total"},
            268_000,
            [f"{LIMITS}, row region=USSR, stage=initial, category=total: total 268,000 does not equal category 1 75,950 + category 2 193,000 (expected 268,950)"],
        ),
        (
            REGIONAL,
            {"region": "Omsk oblast", "stage": "raised_to"},
            800,
            [f"{REGIONAL}, row region=Omsk oblast, stage=raised_to, category=1: raised limit 800 is below the initial limit 1,000 (expected at least 1,000)"],
        ),
        (
            REGIONAL,
            {"region": "Leningrad oblast", "stage": "initial"},
            47_000,
            [
                # 750 + 1,000 + 1,500 + 47,000 + 300 (Karelia) + 1,000 (Kalinin)
                f"{REGIONAL}, row region=RSFSR, stage=initial, category=1: regions listed under RSFSR sum to 51,550, more than its limit 47,450 (expected at most 47,450)",
                f"{REGIONAL}, row region=Leningrad oblast, stage=raised_to, category=1: raised limit 5,500 is below the initial limit 47,000 (expected at least 47,000)",
            ],
        ),
    ],
    ids=["regions_sum_to_the_all_union_limit", "total_is_category_1_plus_2",
         "raised_not_below_initial", "regions_within_the_republic_table"],
)
def test_order_00447_limits(name, where, value, expected):
    df = load(name).copy()
    df.loc[_loc(df, **where), "value"] = value
    assert _messages(name, df) == expected


# ---------------------------------------------------------------- facts tables


KT = "repression_key_totals"


def test_facts_parts_and_references():
    df = load(KT).copy()
    df.loc[_loc(df, id="oso_vmn"), "part_of"] = "oso_total"
    assert _messages(KT, df) == [
        f"{KT}, row id=oso_vmn: part_of = 'oso_total' is not an id of this table (expected the id of one of its rows)",
        f"{KT}, row id=oso_convicted: value 442,531 does not equal the sum of its parts oso_liberty + oso_exile + oso_other = 432,430 (expected 432,430)",
    ]


def test_facts_partial_parts_cannot_exceed_the_whole():
    df = load(KT).copy()
    df.loc[_loc(df, id="vkvs_shot"), ["value", "value_low", "value_high", "value_as_printed"]] = 40_000
    assert _messages(KT, df) == [
        f"{KT}, row id=vkvs_convicted: parts vkvs_shot sum to 40,000, more than the total 36,157 (expected at most 36,157)"
    ]


def test_facts_dispute_needs_exactly_one_default():
    df = load(KT).copy()
    df.loc[_loc(df, id="memo1954_vmn"), "default"] = "true"
    assert _messages(KT, df) == [
        f"{KT}, row dispute=death_sentences_1921_1953: 2 default rows among memo1954_vmn, cert1953_vmn (expected exactly one default figure)"
    ]


def test_facts_negative_and_qualifier():
    df = load(KT).astype({"correction_note": object})
    df.loc[_loc(df, id="troikas_convicted"), "value_high"] = 900_000
    df.loc[_loc(df, id="pospelov_shot"), ["value", "value_low", "value_high"]] = -681_692
    df.loc[_loc(df, id="pospelov_shot"), "correction_note"] = "damaged in a test"
    assert _messages(KT, df) == [
        f"{KT}, row id=pospelov_shot: value = -681,692 is negative (expected a count >= 0 in persons)",
        f"{KT}, row id=pospelov_shot: value_low = -681,692 is negative (expected a count >= 0 in persons)",
        f"{KT}, row id=pospelov_shot: value_high = -681,692 is negative (expected a count >= 0 in persons)",
        f"{KT}, row id=troikas_convicted: qualifier 'at least' needs value_low = value and no value_high; got value=800,000, value_low=800,000, value_high=900,000",
    ]


def test_estimates_checks():
    name = "purge_victim_estimates"
    df = load(name).copy()
    df.loc[_loc(df, id="p7"), "value_low"] = 8_000_000
    df.loc[_loc(df, id="p1"), "measure"] = "deaths"
    msgs = _messages(name, df)
    assert msgs[0].startswith(f"{name}, row id=p1: measure 'deaths' is not one of arrests, executions, camp_deaths")
    assert msgs[1] == (
        f"{name}, row id=p7: qualifier 'range' needs no value and value_low <= value_high; got value=<NA>, value_low=8,000,000, value_high=7,000,000"
    )


@pytest.mark.parametrize(
    "name",
    ["repression_key_totals", "mass_and_national_operations_1937_1938", "army_purge_1935_1941",
     "gulag_flows_misc", "war_losses_and_population_milestones"],
)  # fmt: skip
def test_every_complete_total_notices_a_changed_part(name):
    """For every total with complete parts, changing any one part by 1 breaks that total."""
    df = load(name)
    kids = df[df["part_of"].notna() & df["part_of"].isin(df.loc[df["parts"] == "complete", "id"])]
    assert len(kids) > 0
    for i in kids.index:
        bad = df.astype({"correction_note": object})
        for col in ("value", "value_low", "value_high"):
            bad.loc[i, col] = bad.loc[i, col] + 1
        bad.loc[i, "correction_note"] = "damaged in a test"
        parent = df.loc[i, "part_of"]
        assert any(m.startswith(f"{name}, row id={parent}: value ") for m in _messages(name, bad)), (name, parent)


def test_facts_structure_problems():
    df = load(KT).astype({"documented_difference": object})
    df.loc[_loc(df, id="pospelov_arrested"), "documented_difference"] = 5
    df.loc[_loc(df, id="zubkin_released"), "parts"] = "complete"
    df.loc[_loc(df, id="convicted_1937_secondary"), "dispute"] = "convicted_1937_other"
    assert _messages(KT, df) == [
        f"{KT}, row id=pospelov_arrested: documented_difference is set on a row without parts = complete (expected it only on a total with complete parts)",
        f"{KT}, row id=zubkin_released: declares parts = complete but no row is part_of it (expected parts listed with part_of = zubkin_released, or no parts)",
        f"{KT}, row dispute=convicted_1937_other: only one row (convicted_1937_secondary) (expected two or more rows: the figures that disagree)",
        f"{KT}, row dispute=convicted_1937_other: 0 default rows among convicted_1937_secondary (expected exactly one default figure)",
        f"{KT}, row dispute=convicted_1937: only one row (convicted_1937_mvd1953) (expected two or more rows: the figures that disagree)",
    ]


def test_key_totals_agree_with_the_certificate_rows():
    """681,692 = 353,074 + 328,618: the headline figure is the certificate's, not retyped."""
    df = load(KT).copy()
    i = _loc(df, id="vmn_1937_1938")
    df.loc[i, ["value", "value_low", "value_high", "value_as_printed"]] = 681_962
    assert _messages(KT, df) == [
        f"{KT}, row id=vmn_1937_1938: value 681,962 differs from death 1937 + 1938 of repression_convicted_by_year_1921_1953 = 681,692 (expected 681,692)"
    ]
    gone = load(KT)
    gone = gone[gone["id"] != "convicted_1939_mvd1953"]
    assert f"{KT}, row id=convicted_1939_mvd1953: missing (expected the figure taken from repression_convicted_by_year_1921_1953)" in _messages(KT, gone)

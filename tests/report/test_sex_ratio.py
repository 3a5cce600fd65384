"""Men per 1000 women: the rounding, the census arithmetic and the yearbook equality."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from purgetoll.data import census, sex_ratio_yearbook
from purgetoll.report import ReportError
from purgetoll.report.sections.sex_ratio import census_ratios, comparison_table, yearbook_ratios
from purgetoll.report.sex_ratio import per_1000, ratio_by_group, ratio_over_ages


def test_per_1000_rounds_half_up():
    assert per_1000(1, 2000) == 1  # 0.5 -> 1
    assert per_1000(3, 2000) == 2  # 1.5 -> 2
    assert per_1000(1999, 2000) == 1000  # 999.5 -> 1000
    assert per_1000(1, 3) == 333
    assert per_1000(2, 3) == 667
    assert per_1000(np.array([0, 5]), np.array([7, 5])).tolist() == [0, 1000]


@given(st.integers(0, 10**9), st.integers(1, 10**9))
def test_per_1000_equals_exact_round_half_up(men, women):
    exact = Fraction(1000 * men, women)
    assert per_1000(men, women) == int(exact + Fraction(1, 2))  # floor(x + 1/2) for x >= 0


@pytest.mark.parametrize(("men", "women"), [(-1, 10), (10, 0), (10, -5)])
def test_per_1000_refuses_impossible_counts(men, women):
    with pytest.raises(ReportError) as err:
        per_1000(men, women)
    assert str(err.value) == f"per_1000 needs men >= 0 and women > 0; got men={men!r}, women={women!r}"


def test_1959_ratios_equal_the_yearbook_column_exactly():
    """The report's 1959 men per 1000 women by 10-year group equal the printed yearbook column.

    Yearbook: TsSU SSSR, Narodnoe khoziaistvo SSSR 1922-1972 (1972), bundled as
    ``sex_ratio_yearbook``; census: the 1959 census in 10-year groups (``census_10y``).
    """
    table = comparison_table()
    yb = sex_ratio_yearbook()
    printed = yb[yb["date"] == "1959-01-15"].set_index("age_group")["males_per_1000_females"]
    assert len(table) == len(printed) == 11
    assert set(table["age_group"]) == set(printed.index)
    for row in table.itertuples():
        assert row.census_1959 == printed[row.age_group], row.age_group
        assert row.yearbook_1959 == printed[row.age_group]
    assert table.set_index("age_group").loc["total", "census_1959"] == 819


def test_1939_census_differs_from_the_yearbook_as_documented():
    """1939: census in its own borders 919 men per 1000 women overall, the yearbook prints 921."""
    table = comparison_table().set_index("age_group")
    assert table.loc["total", "census_1939"] == 919
    assert table.loc["total", "yearbook_1939"] == 921
    assert (table["yearbook_1939"] != table["census_1939"]).sum() >= 1


def test_ratio_by_group_conserves_the_census_totals():
    """Men and women summed over the groups (unknown ages in the total) equal the printed totals
    (1959 census: 94,050,303 men, 114,776,347 women; 1939: 81,694,889 and 88,862,204)."""
    r59 = census_ratios(1959).set_index("age_group")
    r39 = census_ratios(1939).set_index("age_group")
    assert (r59.loc["total", "men"], r59.loc["total", "women"]) == (94_050_303, 114_776_347)
    assert (r39.loc["total", "men"], r39.loc["total", "women"]) == (81_694_889, 88_862_204)
    groups = r59.drop(index="total")
    # the groups leave out the 4,008 men and 4,354 women of unknown age
    assert groups["men"].sum() == 94_050_303 - 4_008
    assert groups["women"].sum() == 114_776_347 - 4_354


def test_ratio_over_ages_pools_5_year_groups():
    c59 = census(1959, "5y")
    assert ratio_over_ages(c59, 35, 39) == (4_528_340, 7_062_169, 641)
    men, women, value = ratio_over_ages(c59, 40, 54)
    assert (men, women) == (3_998_239 + 4_705_764 + 4_010_114, 6_409_856 + 7_557_730 + 6_436_659)
    assert value == 623
    men_all, women_all, _ = ratio_over_ages(c59, 0, None)
    assert (men_all, women_all) == (94_050_303 - 4_008, 114_776_347 - 4_354)


def test_ratio_over_ages_names_a_bound_inside_a_group():
    c59 = census(1959, "5y")
    with pytest.raises(ReportError, match=r"^census_1959_5y: age 37 is not the start of an age group"):
        ratio_over_ages(c59, 37, 39)
    with pytest.raises(ReportError, match=r"^census_1959_5y: age 52 is not the end of an age group"):
        ratio_over_ages(c59, 40, 52)


def test_ratio_by_group_refuses_mismatched_sexes():
    c = census(1959, "10y")
    damaged = c.drop(index=c.index[(c["sex"] == "female") & (c["age_group"] == "40-49")])
    with pytest.raises(ReportError, match=r"^census_10y: men and women have different age groups"):
        ratio_by_group(damaged)


@pytest.mark.parametrize("year", [1926, 1950])
def test_yearbook_ratios_unknown_year(year):
    with pytest.raises(ReportError) as err:
        yearbook_ratios(year)
    assert str(err.value) == f"sex_ratio_yearbook has no column for {year} (printed: 1939, 1959)"

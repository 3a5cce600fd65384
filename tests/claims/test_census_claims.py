"""The 1959 splits of the case study checked against the 1959 census, exactly.

Reference counts: 1959 census, 15 Jan 1959, 5-year groups (RGAE f.1562 op.336 d.1590-1594, as
transcribed by Demoscope Weekly; bundled as ``census_1959_5y``).
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from purgetoll.claims import ClaimVerdict, Split, check_claims, load_claims
from purgetoll.data import census


@pytest.fixture(scope="module")
def results():
    return check_claims().set_index("id")


def _counts(age: int, age_end: int | None) -> tuple[int, int]:
    df = census(1959, "5y")
    sel = (
        df[df["age"] >= age] if age_end is None else df[(df["age"] >= age) & (df["age"] <= age_end)]
    )
    return (
        int(sel.loc[sel["sex"] == "female", "count"].sum()),
        int(sel.loc[sel["sex"] == "male", "count"].sum()),
    )


def test_reference_counts_35_39():
    """The counts the 35-39 claim rests on, as printed in the 1959 census tabulation."""
    assert _counts(35, 39) == (7_062_169, 4_528_340)


def test_every_split_data_value_is_the_census_share_exactly(results):
    splits = [c for c in load_claims() if isinstance(c.figure, Split)]
    assert len(splits) == 15
    for c in splits:
        f = c.figure
        women, men = _counts(f.age, f.age_end)
        expected = Fraction(women * f.per, women + men)
        row = results.loc[c.id]
        assert row["data_value"] == float(expected), c.id
        assert row["difference"] == pytest.approx(float(Fraction(str(f.women)) - expected)), c.id
        assert row["data_table"] == "census_1959_5y"
        assert row["data_citation"].startswith("ВПН 1959")


def test_split_verdicts(results):
    agree = [
        "census1959_pct_30_34",
        "census1959_pct_35_39",
        "census1959_pct_40_54",
        "census1959_pct_55_59",
        "census1959_pct_60_69",
        "census1959_pct_70_plus",
        "census1959_permille_35_39",
        "census1959_permille_40_54",
        "census1959_permille_40_44",
        "census1959_permille_45_49",
        "census1959_permille_50_54",
        "census1959_permille_55_59",
        "census1959_permille_70_plus",
        "census1959_ratio_55_59_twice",
    ]
    for cid in agree:
        assert results.loc[cid, "verdict"] == ClaimVerdict.AGREES, cid


def test_349_to_691_is_internally_inconsistent(results):
    row = results.loc["census1959_permille_60_69"]
    assert row["verdict"] == ClaimVerdict.INCONSISTENT
    women, men = _counts(60, 69)
    assert (women, men) == (7_637_230, 4_098_900)
    # the census gives 349.25 men and 650.75 women per 1000: the men's part agrees, 691 is 40 off
    assert row["data_value"] == float(Fraction(1000 * women, women + men))
    assert row["explanation"] == (
        "claimed parts add up to 1,040, not 1000; data: women 650.75 : men 349.25 per 1000 "
        "(rounded 651:349): the women's part is off by 40 and the men's part agrees"
    )


def test_under_30_split_does_not_hold_for_ages_0_to_29_pooled(results):
    """'up to 25-29 ... 51-to-49' fails for all ages 0-29 pooled (more boys than girls under 20)."""
    row = results.loc["census1959_pct_up_to_25_29"]
    women, men = _counts(0, 29)
    assert men > women
    assert row["verdict"] == ClaimVerdict.DISAGREES
    assert row["data_value"] == pytest.approx(49.7466, abs=1e-4)
    # the detail lists each 5-year group: 20-24 and 25-29 are the ones at 51%
    assert "20-24: 50.6, 25-29: 51.0" in row["data_detail"]


def test_section_filter():
    df = check_claims(section="The aftermath")
    assert set(df["section"]) == {"The aftermath"}
    assert len(df) == 8
    with pytest.raises(ValueError, match="section must be one of 'Summary'.*got 'Aftermath'"):
        check_claims(section="Aftermath")


def test_excess_of_women_reproduces_savchenko():
    """Savchenko (Demoscope Weekly, summarised at iq.hse.ru/en/news/177669270.html): 18.43 million
    more women than men among the cohorts born 1889-1928 in the 1959 census, 641 men per 1000
    women; the bundled census gives 18,427,008 for ages 30-69 (data README)."""
    from purgetoll.claims._checks import census_excess_women

    ev = census_excess_women(1959, 30, 69)
    assert ev.value == 18_427_008
    assert ev.detail.endswith("641 men per 1000 women")


def test_wastage_of_millions_of_males_agrees(results):
    row = results.loc["wastage_of_millions_of_males"]
    assert row["verdict"] == ClaimVerdict.AGREES
    women, men = _counts(35, None)
    assert row["data_value"] == women - men == 19_540_295

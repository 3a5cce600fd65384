"""The verdict rules (pure functions), on worked examples and as properties."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from purgetoll.claims import ClaimVerdict
from purgetoll.claims._verdict import (
    judge_count,
    judge_fraction,
    judge_range,
    judge_split,
    judge_value,
    round_half_up,
)


def test_round_half_up_is_exact_at_halves():
    assert round_half_up(Fraction(1, 2)) == 1
    assert round_half_up(Fraction(3, 2)) == 2  # not banker's rounding
    assert round_half_up(Fraction(2499, 1000)) == 2
    assert round_half_up(681_692, 1_000_000) == 1_000_000
    assert round_half_up(Fraction(1994, 1000), Fraction(1, 10)) == 2
    with pytest.raises(ValueError, match="unit must be > 0; got 0"):
        round_half_up(1, 0)


def test_split_worked_examples():
    # 1959 census, ages 35-39: 7,062,169 women and 4,528,340 men (census_1959_5y).
    j = judge_split(609, 391, 1000, 7_062_169, 4_528_340)
    assert j.verdict is ClaimVerdict.AGREES
    assert j.data_value == pytest.approx(609.3062, abs=1e-4)
    # truncating instead of rounding: 61.6% written as 61 is within rounding, 60 is not
    assert judge_split(61, 39, 100, 616, 384).verdict is ClaimVerdict.WITHIN_ROUNDING
    assert judge_split(60, 40, 100, 616, 384).verdict is ClaimVerdict.DISAGREES
    bad = judge_split(691, 349, 1000, 7_637_230, 4_098_900)
    assert bad.verdict is ClaimVerdict.INCONSISTENT
    assert bad.explanation.startswith("claimed parts add up to 1,040, not 1000")
    assert "the women's part is off by 40 and the men's part agrees" in bad.explanation


def test_split_rejects_empty_counts():
    with pytest.raises(
        ValueError, match="census counts must be >= 0 and not both 0; got women=0, men=0"
    ):
        judge_split(50, 50, 100, 0, 0)


@given(
    women=st.integers(1, 10**8),
    men=st.integers(1, 10**8),
    per=st.sampled_from([100, 1000]),
)
def test_split_of_the_data_rounded_always_agrees(women, men, per):
    w = round_half_up(Fraction(women * per, women + men))
    m = round_half_up(Fraction(men * per, women + men))
    j = judge_split(w, m, per, women, men)
    if w + m == per:
        assert j.verdict is ClaimVerdict.AGREES
    else:  # both shares exactly x.5: rounding both up overshoots; the parts do not add up
        assert j.verdict is ClaimVerdict.INCONSISTENT


@given(
    women=st.integers(1, 10**8),
    men=st.integers(1, 10**8),
    per=st.sampled_from([100, 1000]),
    shift=st.integers(2, 50),
)
def test_split_off_by_two_units_or_more_disagrees(women, men, per, shift):
    exact_w = Fraction(women * per, women + men)
    w = round_half_up(exact_w) + shift
    if w > per:
        w = round_half_up(exact_w) - shift
    if w < 0:
        return
    j = judge_split(w, per - w, per, women, men)
    assert j.verdict is ClaimVerdict.DISAGREES
    assert j.difference == pytest.approx(float(w - exact_w))


@given(claimed=st.integers(0, 1000), total=st.integers(1, 10**7), women=st.integers(0, 10**7))
def test_parts_not_adding_up_are_always_inconsistent(claimed, total, women):
    men = total
    j = judge_split(claimed, 1000 - claimed + 1, 1000, women, men)
    assert j.verdict is ClaimVerdict.INCONSISTENT


def test_count_rules():
    # about 7 million arrests against the Pospelov commission's 1,548,366
    j = judge_count(7_000_000, 1_000_000, "about", 1_548_366)
    assert j.verdict is ClaimVerdict.DISAGREES
    assert j.difference == 7_000_000 - 1_548_366
    assert j.ratio == pytest.approx(4.5209, abs=1e-4)
    # about 1 million executed against 681,692: only the coarseness of the claim saves it
    j = judge_count(1_000_000, 1_000_000, "about", 681_692)
    assert j.verdict is ClaimVerdict.WITHIN_ROUNDING
    assert "46.7% of the data value" in j.explanation
    # about 35,000 against 35,020
    assert judge_count(35_000, 1_000, "about", 35_020).verdict is ClaimVerdict.AGREES
    # "just under ten million" is wrong if the data exceed it, even when rounding agrees
    assert judge_count(10_000_000, 1_000_000, "just under", 10_200_000).verdict is ClaimVerdict.DISAGREES
    assert judge_count(10_000_000, 1_000_000, "just under", 9_800_000).verdict is ClaimVerdict.AGREES
    assert judge_count(52, 1, "exact", 52).verdict is ClaimVerdict.AGREES
    assert judge_count(52, 1, "exact", 53).verdict is ClaimVerdict.DISAGREES


@given(value=st.integers(1, 10**9), precision_exp=st.integers(0, 6))
def test_count_agrees_with_itself_at_any_precision(value, precision_exp):
    p = 10**precision_exp
    claimed = round_half_up(value, p)
    if claimed == 0:
        return
    j = judge_count(int(claimed), p, "about", value)
    assert j.verdict in (ClaimVerdict.AGREES, ClaimVerdict.WITHIN_ROUNDING)
    if abs(claimed - value) <= Fraction(value, 10):
        assert j.verdict is ClaimVerdict.AGREES


def test_range_rules():
    assert judge_range(6e6, 7e6, 1e6, 6.5e6).verdict is ClaimVerdict.AGREES
    j = judge_range(6_000_000, 7_000_000, 1_000_000, 7_300_000)
    assert j.verdict is ClaimVerdict.WITHIN_ROUNDING
    assert j.difference == -300_000
    j = judge_range(6_000_000, 7_000_000, 100_000, 7_300_000)
    assert j.verdict is ClaimVerdict.DISAGREES
    assert j.explanation == "data 7,300,000 lies above 6,000,000-7,000,000 by 300,000"


@given(low=st.integers(0, 10**6), width=st.integers(0, 10**6), x=st.integers(0, 3 * 10**6))
def test_range_agrees_exactly_inside(low, width, x):
    high = low + width
    j = judge_range(low, high, 1, x)
    assert (j.verdict is ClaimVerdict.AGREES) == (low <= x <= high)


def test_share_and_ratio_rules():
    assert judge_value(5, 1, 6.1, unit="%").verdict is ClaimVerdict.DISAGREES
    assert judge_value(6, 1, 6.1).verdict is ClaimVerdict.AGREES
    assert judge_value(7, 1, 6.1).verdict is ClaimVerdict.WITHIN_ROUNDING
    assert judge_value(10, 1, 8, bound="at most").verdict is ClaimVerdict.AGREES
    assert judge_value(10, 1, 12, bound="at most").verdict is ClaimVerdict.DISAGREES
    assert judge_value(10, 1, 12, bound="at least").verdict is ClaimVerdict.AGREES
    assert judge_value(2.0, 0.1, 1.994).verdict is ClaimVerdict.AGREES


def test_fraction_rules():
    j = judge_fraction(1, 20, Fraction(1_548_366, 160_121_383))
    assert j.verdict is ClaimVerdict.DISAGREES
    assert j.data_value == pytest.approx(0.96699, abs=1e-5)
    assert "(one in 103)" in j.explanation
    assert judge_fraction(1, 20, Fraction(1, 19)).verdict is ClaimVerdict.AGREES
    assert judge_fraction(4, 6, Fraction(4, 6)).verdict is ClaimVerdict.AGREES


def test_at_least_counts():
    # "millions" (at least 2 million) of Gulag deaths against the 1,590,378 of 1930-1953
    j = judge_count(2_000_000, 1_000_000, "at least", 1_590_378)
    assert j.verdict is ClaimVerdict.WITHIN_ROUNDING
    assert judge_count(2_000_000, 1_000_000, "at least", 19_540_295).verdict is ClaimVerdict.AGREES
    j = judge_count(2_000_000, 1_000_000, "at least", 518_792)
    assert j.verdict is ClaimVerdict.DISAGREES
    assert (
        j.explanation == "data 518,792 is below 2,000,000 by 1,481,208 (3.86 times the data value)"
    )


@given(claim=st.integers(1, 10**8), data=st.integers(1, 10**9))
def test_at_least_agrees_exactly_when_data_reach_the_claim(claim, data):
    j = judge_count(claim, 1, "at least", data)
    assert (j.verdict is ClaimVerdict.AGREES) == (data >= claim)


def test_every_verdict_has_its_rule_stated():
    from purgetoll.claims import VERDICT_RULES, check_claims

    assert set(VERDICT_RULES) == set(ClaimVerdict)
    rules = check_claims(section="Summary").attrs["verdict_rules"]
    assert list(rules) == [str(v) for v in ClaimVerdict]
    assert "rounded half up" in rules["agrees"]

"""The 'How many died?' figures and the other archival claims against the bundled certificates.

Reference figures (bundled tables, as published):
- Pospelov commission report, 9 Feb 1956: 1,548,366 arrested and 681,692 shot in 1937-38
  (``repression_key_totals``, rows ``pospelov_arrested``, ``pospelov_shot``);
- Gulag deaths 1937: 31,056, 1938: 108,654 (GARF f.9414 certificate, ``gulag_deaths_1930_1956``);
- prisons on 1 Jan 1939: 352,508 (GARF f.9413 certificate);
- army 1937-38: 35,020 dismissed, of whom 9,506 arrested (GUK NKO report, ``army_purge_1935_1941``);
- 1937 census: 160,121,383 persons of stated or unknown age (``census_1937_5y``);
- ADH 1993 famine estimate 7.3 million.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from purgetoll.claims import ClaimVerdict, check_claims
from purgetoll.data import load


@pytest.fixture(scope="module")
def results():
    return check_claims().set_index("id")


def _key_total(row_id: str) -> int:
    df = load("repression_key_totals")
    return int(df.loc[df["id"] == row_id, "value"].iloc[0])


def test_reference_key_totals():
    assert _key_total("pospelov_arrested") == 1_548_366
    assert _key_total("pospelov_shot") == 681_692
    assert _key_total("zubkin_arrested") == 1_565_041


def test_conquest_1968_arrests_disagree_with_the_archival_total(results):
    row = results.loc["conquest1968_arrests"]
    assert row["verdict"] == ClaimVerdict.DISAGREES
    assert row["data_value"] == 1_548_366
    assert row["difference"] == 7_000_000 - 1_548_366
    assert row["ratio"] == pytest.approx(7_000_000 / 1_548_366)
    assert row["ratio"] == pytest.approx(4.52, abs=0.005)
    assert row["data_table"] == "repression_key_totals"
    assert "Pospelov" in row["data_citation"]
    assert "zubkin_arrested" in row["data_detail"]  # the other certificate is shown beside it


def test_conquest_1990_arrests_disagree(results):
    row = results.loc["conquest1990_arrests"]
    assert row["verdict"] == ClaimVerdict.DISAGREES
    assert row["ratio"] == pytest.approx(8_000_000 / 1_548_366)


def test_conquest_1968_executed_agrees_only_within_rounding(results):
    row = results.loc["conquest1968_executed"]
    assert row["verdict"] == ClaimVerdict.WITHIN_ROUNDING
    assert row["data_value"] == 681_692
    assert row["difference"] == 318_308


def test_camp_deaths_and_prisons(results):
    deaths = results.loc["conquest1968_died_in_camps"]
    assert deaths["verdict"] == ClaimVerdict.DISAGREES
    assert deaths["data_value"] == 31_056 + 108_654
    prison = results.loc["conquest1968_in_prison_late_1938"]
    assert prison["verdict"] == ClaimVerdict.DISAGREES
    assert prison["data_value"] == 352_508


def test_death_toll_is_sentences_plus_gulag_deaths(results):
    row = results.loc["conquest1990_death_toll"]
    assert row["verdict"] == ClaimVerdict.DISAGREES
    assert row["data_value"] == 353_074 + 328_618 + 31_056 + 108_654
    assert "a lower bound" in row["data_detail"]


def test_one_in_twenty_against_arrests_over_the_1937_census(results):
    row = results.loc["one_in_twenty_arrested"]
    assert row["verdict"] == ClaimVerdict.DISAGREES
    assert row["data_value"] == pytest.approx(float(100 * Fraction(1_548_366, 160_121_383)))
    assert "(one in 103)" in row["explanation"]
    # even every political conviction 1921-1938 (2,944,879) is one in 54, not one in 20
    assert row["data_detail"].endswith("are 2,944,879, one in 54")


def test_army_officers_claim_matches_the_dismissed_not_the_arrested(results):
    row = results.loc["army_officers_shot_or_imprisoned"]
    assert row["verdict"] == ClaimVerdict.DISAGREES
    assert row["data_value"] == 9_506
    assert row["explanation"].endswith(
        "the claimed figure does match a different quantity: "
        "Red Army: dismissed total, 1937-1938 = 35,020 (guk_dismissed_1937_1938)"
    )


def test_women_share_of_prisoners(results):
    row = results.loc["women_share_of_incarcerated"]
    assert row["verdict"] == ClaimVerdict.DISAGREES
    assert row["data_value"] == 6.1
    assert row["difference"] == pytest.approx(-1.1)


def test_famine_range_against_adh(results):
    row = results.loc["famine_1932_33_deaths"]
    assert row["data_value"] == 7_300_000
    # 7.3 million lies outside 6-7 million, but within half a unit of the stated millions
    assert row["verdict"] == ClaimVerdict.WITHIN_ROUNDING
    assert row["difference"] == -300_000


def test_camps_twelve_million_by_1953(results):
    row = results.loc["camps_12_million_by_1953"]
    assert row["verdict"] == ClaimVerdict.DISAGREES
    assert row["data_value"] == 1_727_970


def test_every_checkable_claim_carries_a_data_citation(results):
    checked = results[~results["verdict"].str.startswith("not checkable")]
    assert len(checked) >= 30
    assert checked["data_citation"].str.len().min() > 20
    unchecked = results[results["verdict"].str.startswith("not checkable")]
    assert unchecked["data_citation"].isna().all()
    assert (unchecked["explanation"].str.len() > 20).all()


def test_no_claim_is_left_waiting_for_a_loader(results):
    """Every table the claims need is bundled now: nothing is 'not checkable yet'."""
    assert (results["verdict"] != ClaimVerdict.NOT_LOADED).all()


def test_the_seed_quotes_conquest_as_published(results):
    """The 'How many died?' figures are Conquest's as the published estimates table holds them."""
    attributed = results.dropna(subset=["attribution"])
    assert len(attributed) == 6
    assert (
        attributed["attribution"].str.startswith("as published: purge_victim_estimates row").all()
    )
    assert results.loc["conquest1968_arrests", "attribution"] == (
        "as published: purge_victim_estimates row p1 (R. Conquest (The Great Terror, 1968, as "
        "restated in 1990 'Reassessment'), arrests, 1937-1938): 7,000,000"
    )


def test_a_misquotation_would_be_caught():

    from purgetoll.claims import load_claims
    from purgetoll.claims._table import check_attribution

    claim = next(c for c in load_claims() if c.id == "conquest1968_executed")
    wrong = claim.model_copy(update={"figure": claim.figure.model_copy(update={"value": 1_500_000})})
    assert check_attribution(wrong) == (
        "differs from purge_victim_estimates row p2 (R. Conquest (1968), executed, 1937-1938): "
        "1,000,000"
    )

"""The evidence tables: every reference row kept with its source and confidence, checks that catch damage."""

from __future__ import annotations

import pytest

from purgetoll.data import adh_rsfsr_death_rates, census_evidence, check_table, evidence_figure
from purgetoll.errors import DataError


def test_every_reference_row_is_bundled_with_source_and_confidence():
    ev, rates = census_evidence(), adh_rsfsr_death_rates()
    # 206 reference rows: 110 figures (one cell split in two) + 96 death rates
    assert len(ev) == 111 and len(rates) == 96
    for df in (ev, rates):
        assert df["source"].str.len().min() > 10
        assert set(df["confidence"]) <= {"high", "medium", "low"}
    assert ev["confidence"].value_counts().to_dict() == {"medium": 89, "low": 17, "high": 5}
    assert ev.attrs["table"] == "census_errors_and_terror_demography"


def test_figures_as_published_and_converted_to_persons():
    a = evidence_figure("contingent_a_total")
    assert (a.value, a.unit, a.qualifier, a.confidence, a.computed) == (270_730, "persons", "exact", "medium", False)
    assert evidence_figure("contingent_a_men").value + evidence_figure("contingent_a_women").value == 270_730
    adh = evidence_figure("true_total_1939_adh_upper")  # printed 168.871 million
    assert adh.value == 168_871_000 and "Андреев, Дарский, Харькова" in adh.source
    transit = evidence_figure("kraval_in_transit")  # printed 0.3-0.4 million
    assert (transit.low, transit.high, transit.qualifier) == (300_000, 400_000, "range")
    assert evidence_figure("adh_deaths_1937").computed  # ADH's crude rate x mid-year population, derived here
    assert not evidence_figure("adh_cdr_1937").computed
    assert evidence_figure("leningrad_shot_1937_1954_political").value == 40_485  # split out of "46771 / 40485"
    women = evidence_figure("women_shot_list")
    assert (women.value, women.low, women.qualifier) == (16_000, 16_000, "more than")
    assert "russian-executed-women.com" in women.cite() and "medium confidence" in women.cite()


def test_unknown_figure_is_a_clear_error():
    with pytest.raises(DataError, match=r"^census_errors_and_terror_demography: no figure with id 'nope' \(ids: "):
        evidence_figure("nope")


def test_rates_grid_as_published():
    r = adh_rsfsr_death_rates().set_index(["year", "sex", "age"])["rate_per_1000"]
    assert r[(1937, "male", 40)] == 20.1 and r[(1938, "female", 70)] == 56.5
    assert r[(1936, "male", 15)] == 5.3


def test_checks_catch_damaged_copies():
    ev = census_evidence()
    ev.loc[ev["id"] == "contingent_a_women", "value"] = 7000
    ev.loc[ev["id"] == "contingent_a_women", "value_low"] = 7000
    ev.loc[ev["id"] == "contingent_a_women", "value_high"] = 7000
    ev.loc[ev["id"] == "adh_cdr_1937", "confidence"] = "certain"
    ev.loc[ev["id"] == "kraval_in_transit", "value"] = 350_000
    problems = [str(p) for p in check_table("census_errors_and_terror_demography", ev)]
    assert problems == [
        "census_errors_and_terror_demography, row id=kraval_in_transit: qualifier 'range' needs value_low < "
        "value_high and no value; got 350000.0, 300000.0, 400000.0",
        "census_errors_and_terror_demography, row id=adh_cdr_1937: confidence 'certain' is not one of high, "
        "medium, low",
        "census_errors_and_terror_demography, row id=contingent_a_total: 270,730 != contingent_a_men + "
        "contingent_a_women = 270,466",
    ]
    rates = adh_rsfsr_death_rates()
    rates = rates[~((rates["year"] == 1938) & (rates["sex"] == "female") & (rates["age"] == 40))]
    assert [str(p) for p in check_table("adh_rsfsr_death_rates_1936_1939", rates)] == [
        "adh_rsfsr_death_rates_1936_1939, row year=1938, sex=female, age=40: missing (expected every year "
        "1936-1939, both sexes, groups 15-19 .. 70-74)"]

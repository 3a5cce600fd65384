"""The bundled claims file: complete, verbatim, faithful to the seed."""

from __future__ import annotations

import re

from purgetoll.claims import SECTIONS, Split, load_claims


def test_bundled_file_loads_with_unique_ids():
    claims = load_claims()
    ids = [c.id for c in claims]
    assert len(ids) == len(set(ids)) == 64


def test_every_quote_is_verbatim_on_its_seed_line(seed_lines):
    for c in load_claims():
        assert c.quote in seed_lines[c.seed_line - 1], c.id


def test_every_section_is_the_heading_above_its_line(seed_lines):
    headings = {i + 1: line for i, line in enumerate(seed_lines) if line in SECTIONS}
    for c in load_claims():
        above = max(n for n in headings if n < c.seed_line)
        assert headings[above] == c.section, c.id


def test_figures_are_written_in_their_quotes():
    """A guard against transcription slips: each figure's as_written text is in its quote, and
    the digits of a split's parts appear in the quote as printed."""
    for c in load_claims():
        assert c.figure.as_written in c.quote, c.id
        if isinstance(c.figure, Split):
            printed = {int(n) for n in re.findall(r"\d+", c.quote)}
            assert int(c.figure.women) in printed and int(c.figure.men) in printed, c.id


def test_issue_2_claims_are_all_recorded():
    """The claims issue 2 names, by the figures it lists."""
    by_id = {c.id: c for c in load_claims()}
    splits = {
        (f.age, f.age_end, f.per): (f.women, f.men)
        for f in (c.figure for c in by_id.values())
        if isinstance(f, Split)
    }
    assert splits[(0, 29, 100)] == (51, 49)
    assert splits[(30, 34, 100)] == (55, 45)
    assert splits[(35, 39, 1000)] == (609, 391)
    assert splits[(40, 54, 1000)] == (616, 384)
    for age in (40, 45, 50):
        assert splits[(age, age + 4, 1000)] == (616, 384)
    assert splits[(55, 59, 1000)] == (666, 334)
    assert splits[(60, 69, 1000)] == (691, 349)
    assert splits[(60, 69, 100)] == (65, 35)
    assert splits[(70, None, 1000)] == (681, 319)
    assert splits[(70, None, 100)] == (68, 32)
    expected = {
        "conquest1968_arrests": 7_000_000,
        "conquest1968_executed": 1_000_000,
        "conquest1968_died_in_camps": 2_000_000,
        "conquest1968_in_prison_late_1938": 1_000_000,
        "conquest1968_in_camps_late_1938": 8_000_000,
        "conquest1990_arrests": 8_000_000,
        "conquest1990_in_camps": 7_000_000,
        "conquest1990_death_toll": 10_000_000,
        "army_officers_shot_or_imprisoned": 35_000,
        "camps_12_million_by_1953": 12_000_000,
        "velyki_solontsi_52_men": 52,
        "poles_sent_to_camps_1939": 500_000,
        "polish_pows_sent_to_camps_1939": 200_000,
        "census1959_population_20m_lower": 20_000_000,
        "relatives_children_down_to_twelve": 12,
    }
    for cid, value in expected.items():
        assert by_id[cid].figure.value == value, cid
    shares = {
        "women_share_of_executed": 2,
        "women_share_of_incarcerated": 5,
        "dead_98pct_male": 98,
        "pipes_men_16_49_lost_by_1920": 29,
        "conquest_camp_survival_10pct": 10,
        "half_urban_population_on_lists": 50,
    }
    for cid, pct in shares.items():
        assert by_id[cid].figure.percent == pct, cid
    one_in = by_id["one_in_twenty_arrested"].figure
    assert (one_in.numerator, one_in.denominator) == (1, 20)
    politburo = by_id["politburo_four_of_six_1939_41"].figure
    assert (politburo.numerator, politburo.denominator) == (4, 6)
    famine = by_id["famine_1932_33_deaths"].figure
    assert (famine.low, famine.high) == (6_000_000, 7_000_000)
    kiev = by_id["kiev_jail_men_shot_per_night"].figure
    assert (kiev.low, kiev.high) == (70, 120)


def test_kolyma_claim_is_in_the_seed(seed_lines):
    """Issue 2 lists 'Kolyma survival 2-3%'; the seed does say it (so it is recorded, not invented)."""
    c = next(c for c in load_claims() if c.id == "kolyma_survival_rate")
    assert "Kolyma" in c.quote and "2 or 3 percent" in c.quote
    assert c.quote in seed_lines[c.seed_line - 1]
    assert (c.figure.low, c.figure.high) == (2, 3)


def test_cited_as_gives_speaker_work_and_pages():
    by_id = {c.id: c for c in load_claims()}
    assert by_id["census1959_permille_35_39"].cited_as == (
        "Robert Conquest, The Great Terror: Stalin's Purge of the Thirties "
        "[New York: The Macmillan Company, 1968], pp. 711-12"
    )
    assert by_id["frenkel_first_three_months"].cited_as.endswith("vol. 2, p. 49")

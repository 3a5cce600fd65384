"""Section 3: men per 1000 women, census against yearbook and against the case study's splits."""

from __future__ import annotations

import pandas as pd
import pytest

from purgetoll.claims import run_claim_checks
from purgetoll.data import census, sex_ratio_yearbook
from purgetoll.report import preview_context
from purgetoll.report.sections import sex_ratio
from purgetoll.report.sex_ratio import ratio_over_ages


@pytest.fixture(scope="module")
def ctx():
    return preview_context(["sex_ratio"])


@pytest.fixture(scope="module")
def splits(ctx):
    """The claims checks' splits, as the run stores them."""
    return ctx.result("claims").splits


def test_seed_splits_come_from_the_claims_records(splits):
    """Conquest's table as quoted in the seed: 7 percent splits and 8 per-1000 splits of 1959."""
    seed = sex_ratio.seed_splits(splits)
    assert (seed["series"] == sex_ratio.SEED_PERCENT).sum() == 7
    assert (seed["series"] == sex_ratio.SEED_PER_1000).sum() == 8
    row = seed.set_index("claim_id").loc["census1959_permille_35_39"]
    assert (row["men"], row["women"], row["per"], row["age"], row["age_end"]) == (
        391,
        609,
        1000,
        35,
        39,
    )


def test_seed_conversion_to_men_per_1000_women(splits):
    """1000 x men / women as written, rounded half up: 391:609 -> 642.04 -> 642; 319:681 -> 468.4
    -> 468; women:men 51:49 percent -> 960.8 -> 961; the inconsistent 349:691 -> 505.1 -> 505."""
    table = sex_ratio.seed_table(sex_ratio.seed_splits(splits)).set_index("claim_id")
    assert table.loc["census1959_permille_35_39", "men_per_1000_women"] == 642
    assert table.loc["census1959_permille_70_plus", "men_per_1000_women"] == 468
    assert table.loc["census1959_pct_up_to_25_29", "men_per_1000_women"] == 961
    assert table.loc["census1959_permille_60_69", "men_per_1000_women"] == 505
    # the census over the same ages (1959, 5-year groups pooled)
    assert table.loc["census1959_permille_35_39", "census_1959"] == 641
    assert table.loc["census1959_permille_70_plus", "census_1959"] == 468
    assert table.loc["census1959_pct_up_to_25_29", "census_1959"] == 1010
    assert (table["difference"] == table["men_per_1000_women"] - table["census_1959"]).all()


def test_only_the_split_that_does_not_add_up_is_flagged(splits):
    table = sex_ratio.seed_table(sex_ratio.seed_splits(splits))
    assert table.loc[~table["parts_add_up"], "claim_id"].tolist() == ["census1959_permille_60_69"]


def test_figure_data_1959_census_equals_the_yearbook_column(splits):
    """The figure's 1959 census steps (10-year groups) are the yearbook's printed values exactly."""
    data = sex_ratio.figure_data(sex_ratio.seed_splits(splits))
    census59 = data[(data["series"] == sex_ratio.CENSUS) & (data["year"] == 1959)]
    yb = sex_ratio_yearbook()
    printed = yb[(yb["date"] == "1959-01-15") & (yb["age_group"] != "total")]
    assert census59["age_group"].tolist() == printed["age_group"].tolist()
    assert census59["men_per_1000_women"].tolist() == printed["males_per_1000_females"].tolist()
    book59 = data[(data["series"] == sex_ratio.YEARBOOK) & (data["year"] == 1959)]
    assert book59["men_per_1000_women"].tolist() == printed["males_per_1000_females"].tolist()


def test_section_parts_sources_and_caption(ctx):
    section = sex_ratio.build(ctx)
    (fig,) = section.figures
    assert [t.name for t in section.tables] == [
        "sex_ratio_10y_census_vs_yearbook",
        "sex_ratio_case_study_vs_census",
    ]
    tables = {s.table for s in fig.sources}
    assert {"census_10y", "census_1959_5y", "sex_ratio_yearbook"} <= tables
    assert any("Conquest" in s.citation and "711-12" in s.citation for s in fig.sources)
    assert (
        "census1959_permille_60_69 ('349 to 691', ages 60-69) has parts adding up to 1040"
        in fig.caption
    )
    assert "819 over all ages" in section.intro
    assert "equal the yearbook's printed column in every 10-year group" in section.intro
    assert not fig.estimate and not any(t.estimate for t in section.tables)
    assert isinstance(section.tables[0].data, pd.DataFrame)


def test_the_census_over_a_splits_ages_is_what_its_check_counted(splits):
    """The section does not check the claims again: the census counts beside each split are those
    of the stored claims checks, and equal the 1959 census pooled over the same 5-year groups."""
    c59 = census(1959, "5y")
    fresh = run_claim_checks().splits
    for r in sex_ratio.seed_splits(splits).itertuples():
        end = None if r.age_end is pd.NA else int(r.age_end)
        assert ratio_over_ages(c59, int(r.age), end)[:2] == (r.census_men, r.census_women)
    assert fresh.equals(splits)

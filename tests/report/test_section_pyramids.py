"""Section 2: the population pyramids of the 1939 and 1959 censuses."""

from __future__ import annotations

import pandas as pd

from purgetoll.data import census
from purgetoll.report import RunContext
from purgetoll.report.sections import pyramids

CTX = RunContext("t", "purgetoll run --name t", "2026-11-28T12:00:00Z", "0.1.0", ("pyramids",))


def test_pyramid_data_keeps_every_counted_person_of_known_age():
    """Totals as published: 1939 170,557,093 (35,872 of unknown age), 1959 208,826,650 (8,362)."""
    data = pyramids.pyramid_data()
    assert len(data) == 2 * 2 * 21  # two censuses, two sexes, 0-4 .. 95-99 and 100+
    totals = data.groupby("census_year")["count"].sum()
    assert totals[1939] == 170_557_093 - 35_872
    assert totals[1959] == 208_826_650 - 8_362
    men59 = data[(data["census_year"] == 1959) & (data["sex"] == "male")]["count"].sum()
    assert men59 == 94_050_303 - 4_008
    assert list(data.columns) == [
        "panel",
        "census_year",
        "date",
        "sex",
        "age",
        "age_end",
        "age_group",
        "count",
    ]


def test_pyramid_rows_are_the_census_rows():
    data = pyramids.pyramid_data()
    c59 = census(1959, "5y")
    mine = data[data["census_year"] == 1959][["sex", "age_group", "count"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(mine, c59[["sex", "age_group", "count"]].reset_index(drop=True))


def test_section_shows_both_caveats_and_both_sources():
    section = pyramids.build(CTX)
    (fig,) = section.figures
    assert census(1939, "5y").attrs["caveats"] in fig.caption  # the padding of the 1939 count
    assert census(1959, "5y").attrs["caveats"] in fig.caption  # the post-1945 borders
    assert "PADDED" in fig.caption and "POST-1945 BORDERS" in fig.caption
    assert [s.table for s in fig.sources] == ["census_1939_5y", "census_1959_5y"]
    assert not fig.estimate
    assert "35,872 of unknown age" in fig.caption and "8,362 of unknown age" in fig.caption

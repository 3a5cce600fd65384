"""Section 2: population pyramids of the 1939 and 1959 censuses, in 5-year age groups.

Data: ``purgetoll.data.census(year, "5y")`` for 1939 and 1959, as counted (persons). The caption
carries each table's own caveats from the catalog (the 1939 count is padded; the 1959 census is in
post-1945 borders), so the figure never says less than the data does.
"""

from __future__ import annotations

import pandas as pd

from purgetoll.data import CENSUS_DATES, census
from purgetoll.report.model import Figure, RunContext, Section, Source
from purgetoll.report.plots import draw_pyramids

TITLE = "The 1939 and 1959 censuses by age and sex"
YEARS = (1939, 1959)


def pyramid_data(years: tuple[int, ...] = YEARS) -> pd.DataFrame:
    """The figure's data: one row per (census, sex, 5-year group), count in persons.

    Columns ``panel, census_year, date, sex, age, age_end, age_group, count``; persons of unknown
    age are left out (they are counted in the caption).
    """
    frames = []
    for year in years:
        df = census(year, "5y")
        frames.append(
            df.assign(panel=f"{year} census ({CENSUS_DATES[year]})", census_year=year)[
                ["panel", "census_year", "date", "sex", "age", "age_end", "age_group", "count"]
            ]
        )
    return pd.concat(frames, ignore_index=True)


def _summary(year: int) -> str:
    """Totals of one census as counted, with its unknown ages, and the catalog's caveats."""
    df = census(year, "5y", include_unknown=True)
    unknown = df[df["age_group"] == "unknown"]["count"].sum()
    men = df[df["sex"] == "male"]["count"].sum()
    women = df[df["sex"] == "female"]["count"].sum()
    return (
        f"{year}: {men + women:,} persons counted ({men:,} men, {women:,} women; "
        f"{unknown:,} of unknown age, not drawn). Caveats of the table: {df.attrs['caveats']}"
    )


def build(ctx: RunContext) -> Section:
    """The two pyramids on one scale, with each census's caveats."""
    data = pyramid_data()
    sources = tuple(Source.of(census(year, "5y")) for year in YEARS)
    caption = (
        "Population counted by sex and 5-year age group (men to the left, women to the right), "
        "both censuses on the same scale; the last group, 100 and over, is open and drawn 10 "
        "years wide. The outline on the men's side is the women's profile mirrored: where the "
        "men's bars fall short of it, the census counted fewer men than women of that age.\n\n" + "\n\n".join(_summary(year) for year in YEARS)
    )
    intro = (
        "The censuses of January 1939 and January 1959 bracket the Great Purge, the Second World "
        "War and the post-war years. The 1959 pyramid shows the deficit of men above the age of "
        "about 30 that the case study reads as the imprint of the Purge and the war: at those "
        "ages the bars on the left fall short of those on the right. The two counts are not "
        "directly comparable: the 1939 total is known to be padded, and the 1959 census counted "
        "the population within the borders after 1945, not those of 1939 (see the caption). "
        "These are counts as published, not estimates."
    )
    figure = Figure(
        name="census_pyramids_1939_1959",
        title="Population by sex and age, censuses of 1939 and 1959 (persons, as counted)",
        data=data,
        plot=draw_pyramids,
        caption=caption,
        sources=sources,
        size_inches=(9.5, 5.5),
    )
    return Section(title=TITLE, intro=intro, figures=[figure])

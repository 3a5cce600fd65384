"""Section 3: men per 1000 women by age in 1939 and 1959: census, yearbook and the case study.

Three sources side by side:

- the censuses of 1939 and 1959 (``census(year, "10y")``, and ``"5y"`` for the case study's age
  ranges): men per 1000 women computed from the counts and rounded as the yearbook rounds
  (:func:`purgetoll.report.sex_ratio.per_1000`);
- the column printed by the 1972 yearbook (``sex_ratio_yearbook()``); for 1959 it equals the
  census exactly (the section's test asserts it digit for digit);
- the case study's splits of the 1959 population (Conquest's table), as the claims checks stored
  them (``NEEDS``, shared with the claims section: the parts as written and the census's men and
  women over the same ages), converted to men per 1000 women: ``1000 * men / women`` of the split
  as written, rounded the same way. A split whose parts do not add up to its base is shown and
  flagged, never corrected.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from purgetoll.data import CENSUS_DATES, census, sex_ratio_yearbook
from purgetoll.report.model import Figure, ReportError, RunContext, Section, Source, Table
from purgetoll.report.plots import draw_sex_ratio
from purgetoll.report.sex_ratio import per_1000, ratio_by_group
from purgetoll.results import Need

TITLE = "Men per 1000 women by age, 1939 and 1959"
YEARS = (1939, 1959)
#: The stored results the section renders: the claims checks (shared with the claims section).
NEEDS = {"claims": Need("claims.checks")}

#: Series names used in the figure's data (the case study's two are below).
CENSUS = "census, 10-year groups"
CENSUS_5Y = "census, 5-year groups"
YEARBOOK = "yearbook"


def census_ratios(year: int) -> pd.DataFrame:
    """Men per 1000 women by 10-year group (and total) from the census counts of ``year``.

    Unknown ages count in the total only (the printed totals include them).
    """
    return ratio_by_group(census(year, "10y", include_unknown=True))


def yearbook_ratios(year: int) -> pd.DataFrame:
    """The yearbook's printed column for ``year``: ``age_group, men_per_1000_women``."""
    yb = sex_ratio_yearbook()
    part = yb[yb["date"] == CENSUS_DATES.get(year, "")]
    if part.empty:
        printed = ", ".join(sorted({d[:4] for d in yb["date"]}))
        raise ReportError(f"sex_ratio_yearbook has no column for {year!r} (printed: {printed})")
    return (
        part[["age_group", "age", "age_end", "males_per_1000_females"]]
        .rename(columns={"males_per_1000_females": "men_per_1000_women"})
        .reset_index(drop=True)
    )


def comparison_table() -> pd.DataFrame:
    """One row per 10-year group and the total: census and yearbook, 1939 and 1959, side by side.

    Columns ``age_group, census_1939, yearbook_1939, census_1959, yearbook_1959`` (men per 1000
    women). Groups are those of the census tables (0-9 .. 80-89, 90+); a group missing from the
    yearbook raises :class:`ReportError` naming it.
    """
    out = census_ratios(YEARS[0])[["age_group"]].copy()
    for year in YEARS:
        c = census_ratios(year).set_index("age_group")["men_per_1000_women"]
        y = yearbook_ratios(year).set_index("age_group")["men_per_1000_women"]
        missing = sorted(set(c.index) - set(y.index))
        if missing or list(c.index) != list(out["age_group"]):
            raise ReportError(
                f"sex_ratio_yearbook {year}: age groups {missing or list(c.index)} do not match "
                f"the census groups {list(out['age_group'])}"
            )
        out[f"census_{year}"] = c.loc[out["age_group"]].to_numpy().astype("int64")
        out[f"yearbook_{year}"] = y.loc[out["age_group"]].to_numpy().astype("int64")
    return out


#: Series names of the case study's two renderings of Conquest's table.
SEED_PERCENT = "case study's percentages (per 100)"
SEED_PER_1000 = "Conquest as quoted (per 1000)"


def seed_splits(checked: pd.DataFrame) -> pd.DataFrame:
    """The case study's women-to-men splits of the 1959 census, from the stored claims checks.

    ``checked``: their ``splits`` table (:class:`purgetoll.claims.ClaimChecks`). One row per split
    claim of 1959: ``claim_id, series, age, age_end, men, women, per, as_written, cited_as,
    census_men, census_women``. ``series`` tells the case study's percent paraphrase (per 100)
    from Conquest's own figures (per 1000).
    """
    rows = checked[checked["year"] == 1959]
    if rows.empty:
        raise ReportError("the claims records hold no split of the 1959 census")
    out = rows[["claim_id"]].assign(series=[SEED_PERCENT if per == 100 else SEED_PER_1000 for per in rows["per"]])
    cols = ["age", "age_end", "men", "women", "per", "as_written", "cited_as", "census_men", "census_women"]
    return pd.concat([out, rows[cols]], axis=1).reset_index(drop=True)


def _whole(value: Any, claim_id: str, key: str) -> int:
    number = float(value)
    if not number.is_integer() or number < 0:
        raise ReportError(
            f"claim {claim_id!r}: {key} = {value!r} is not a whole non-negative number"
        )
    return int(number)


def seed_table(splits: pd.DataFrame) -> pd.DataFrame:
    """The case study's 1959 splits converted to men per 1000 women, beside the census.

    ``splits``: rows of :func:`seed_splits` (``claim_id, series, age, age_end`` (``<NA>``: and
    over), ``men, women`` (the parts as written), ``per`` (100 or 1000), ``as_written``). Returns
    ``claim_id, series, ages, as_written, per, parts_add_up`` (men + women == per),
    ``men_per_1000_women`` (1000 * men / women, rounded half up), ``census_1959`` (the census over
    the same ages, 5-year groups pooled) and ``difference`` (claimed minus census).
    """
    rows = []
    for rec in splits.itertuples(index=False):
        end = None if pd.isna(rec.age_end) else int(rec.age_end)
        men = _whole(rec.men, rec.claim_id, "men")
        women = _whole(rec.women, rec.claim_id, "women")
        if pd.isna(rec.census_men) or pd.isna(rec.census_women):
            raise ReportError(f"claim {rec.claim_id!r}: its check found no census counts for ages "
                              f"{int(rec.age)}-{'' if end is None else end}")
        census_value = int(per_1000(int(rec.census_men), int(rec.census_women)))
        rows.append(
            {
                "claim_id": rec.claim_id,
                "series": rec.series,
                "ages": f"{int(rec.age)}-{end}" if end is not None else f"{int(rec.age)}+",
                "as_written": rec.as_written,
                "per": int(rec.per),
                "parts_add_up": men + women == int(rec.per),
                "men_per_1000_women": int(per_1000(men, women)),
                "census_1959": census_value,
            }
        )
    out = pd.DataFrame(rows)
    out["difference"] = out["men_per_1000_women"] - out["census_1959"]
    return out


def figure_data(splits: pd.DataFrame) -> pd.DataFrame:
    """The figure's tidy data: ``series, year, age, age_end, age_group, men_per_1000_women,
    parts_add_up``.

    Series: the census in 10-year groups (1939, 1959) and, for 1959, in 5-year groups (the
    resolution of the case study's table); the yearbook's printed column (1939, 1959); the case
    study's two renderings of Conquest's table (:data:`SEED_PERCENT`, :data:`SEED_PER_1000`).
    ``parts_add_up`` is False only for a claimed split whose parts do not add up to its base.
    """
    frames = []
    series_frames = [(CENSUS, year, census_ratios(year)) for year in YEARS]
    # 1959 also in 5-year groups: the resolution of the case study's table
    series_frames.append((CENSUS_5Y, 1959, ratio_by_group(census(1959, "5y"))))
    series_frames += [(YEARBOOK, year, yearbook_ratios(year)) for year in YEARS]
    for series, year, df in series_frames:
        df = df[df["age_group"] != "total"]
        frames.append(
            pd.DataFrame(
                {
                    "series": series,
                    "year": year,
                    "age": df["age"].to_numpy(),
                    "age_end": df["age_end"].to_numpy(),
                    "age_group": df["age_group"].to_numpy(),
                    "men_per_1000_women": df["men_per_1000_women"].to_numpy(),
                    "parts_add_up": True,
                }
            )
        )
    seed = seed_table(splits)
    frames.append(
        pd.DataFrame(
            {
                "series": seed["series"].to_numpy(),
                "year": 1959,
                "age": splits["age"].to_numpy(),
                "age_end": splits["age_end"].to_numpy(),
                "age_group": seed["ages"].to_numpy(),
                "men_per_1000_women": seed["men_per_1000_women"].to_numpy(),
                "parts_add_up": seed["parts_add_up"].to_numpy(),
            }
        )
    )
    out = pd.concat(frames, ignore_index=True)
    out["age"] = out["age"].astype("Int64")
    out["age_end"] = out["age_end"].astype("Int64")
    out["men_per_1000_women"] = out["men_per_1000_women"].astype("int64")
    out["parts_add_up"] = out["parts_add_up"].astype(bool)
    return out


def _claim_sources(splits: pd.DataFrame) -> list[Source]:
    return [
        Source(
            f"{cited}; quoted in the case study (the seed text of purgetoll), as recorded in the claims records"
        )
        for cited in dict.fromkeys(splits["cited_as"])
    ]


def build(ctx: RunContext) -> Section:
    """The figure and the two tables: census against yearbook, and the case study against the census."""
    splits = seed_splits(ctx.result("claims").splits)
    table10 = comparison_table()
    seeds = seed_table(splits)
    yearbook = sex_ratio_yearbook()
    c10 = census(1959, "10y")
    c5 = census(1959, "5y")
    data_sources = [Source.of(c10), Source.of(c5), Source.of(yearbook)]
    claim_sources = _claim_sources(splits)

    by_group = table10.set_index("age_group")
    same_1959 = bool((table10["census_1959"] == table10["yearbook_1959"]).all())
    differ_1939 = int((table10["census_1939"] != table10["yearbook_1939"]).sum())
    bad = seeds[~seeds["parts_add_up"]]
    bad_text = (
        " ".join(
            f"Claim {r.claim_id} ('{r.as_written}', ages {r.ages}) has parts adding up to "
            f"{_parts_total(splits, r.claim_id)} instead of {r.per}: it is inconsistent in itself; "
            "it is shown dashed, converted as written (men divided by women), not corrected."
            for r in bad.itertuples()
        )
        if len(bad)
        else "Every split's two parts add up to its base."
    )
    intro = (
        "The number of men per 1000 women at each age is the simplest trace that mass deaths of "
        "men leave in a census. At ages 30-39, 40-49 and 50-59 the 1939 census counted "
        f"{by_group.loc['30-39', 'census_1939']}, {by_group.loc['40-49', 'census_1939']} and "
        f"{by_group.loc['50-59', 'census_1939']} men per 1000 women; the 1959 census "
        f"{by_group.loc['30-39', 'census_1959']}, {by_group.loc['40-49', 'census_1959']} and "
        f"{by_group.loc['50-59', 'census_1959']} "
        f"({by_group.loc['total', 'census_1959']} over all ages). The case study (quoting Robert "
        "Conquest's table of the 1959 census) makes the same argument with women-to-men splits; "
        "here they are converted to men per 1000 women and set beside the census at the same ages.\n\n"
        "Ratios from the census counts are rounded to whole numbers half up, as the yearbook "
        "prints them. "
        + (
            "For 1959 they equal the yearbook's printed column in every 10-year group and in the "
            "total. "
            if same_1959
            else "For 1959 they do NOT all equal the yearbook's printed column: see the table. "
        )
        + f"For 1939 they differ in {differ_1939} of {len(table10)} rows; the table's caveat: "
        f"{yearbook.attrs.get('caveats', '')}\n\n"
        "These are published counts and the case study's own figures; nothing here is an estimate."
    )
    caption = (
        "Men per 1000 women by age at the census: the 1939 and 1959 censuses in 10-year groups "
        "(steps), the 1959 census in 5-year groups (thin steps), the yearbook's printed column "
        "(open circles, at the middle of each group), and the case study's splits converted to "
        "men per 1000 women (bars over the ages each covers; '70 or older' is drawn to 100, the "
        "census's open group 90+ is drawn 90-100). " + bad_text
    )
    figure = Figure(
        name="sex_ratio_by_age_1939_1959",
        title="Men per 1000 women by age, 1939 and 1959: census, yearbook and the case study",
        data=figure_data(splits),
        plot=draw_sex_ratio,
        caption=caption,
        sources=[*data_sources, *claim_sources],
        size_inches=(9.5, 5.8),
    )
    int_format: dict[str, str | Callable[[Any], str]] = {c: "{:d}" for c in table10.columns if c != "age_group"}
    t10 = Table(
        name="sex_ratio_10y_census_vs_yearbook",
        caption=(
            "Men per 1000 women by 10-year age group: from the census counts (rounded half up) "
            "and as printed in the yearbook Narodnoe khoziaistvo SSSR 1922-1972."
        ),
        data=table10,
        sources=data_sources[:1] + data_sources[2:],
        formats=int_format,
    )
    tseed = Table(
        name="sex_ratio_case_study_vs_census",
        caption=(
            "The case study's splits of the 1959 population, converted to men per 1000 women "
            "(1000 x men / women as written, rounded half up), beside the 1959 census over the "
            "same ages (5-year groups pooled); difference = claimed minus census."
        ),
        data=seeds,
        sources=[data_sources[1], *claim_sources],
        html_columns=[c for c in seeds.columns if c != "series"],
        formats={
            "per": "{:d}",
            "men_per_1000_women": "{:d}",
            "census_1959": "{:d}",
            "difference": "{:+d}",
        },
    )
    return Section(title=TITLE, intro=intro, figures=[figure], tables=[t10, tseed])


def _parts_total(splits: pd.DataFrame, claim_id: str) -> str:
    row = splits[splits["claim_id"] == claim_id].iloc[0]
    return f"{float(row['men']) + float(row['women']):g}"

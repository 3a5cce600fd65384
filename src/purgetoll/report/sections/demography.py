"""Report section: the missing men and women of 1959 by birth cohort, and 1937-1939 survival.

Every number here is computed by :mod:`purgetoll.demography` with fixed seeds (the section's
``NEEDS``: computed once, stored with the run, and rendered from there):

- the 1959 deficit: ADH's 1 January 1939 population in post-1946 borders projected to the 1959
  census date under "normal" mortality (official life tables interpolated by year, with the
  under-registration correction), against the 1959 census, by sex and 5-year birth cohort, with
  95% Monte Carlo intervals (:func:`purgetoll.demography.deficit`);
- cohort survival 1939 to 1959 of those born 1890-1926 beside Vishnevsky's published 53% / 82%;
- 1937 to 1939 (the Terror): two-year survival by sex and 10-year cohort, expected under normal
  mortality against what the censuses (corrected for the army omission and the padding) and ADH's
  reconstruction counted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from purgetoll.data import adh, census, life_table
from purgetoll.report.model import Figure, RunContext, Section, Source, Table
from purgetoll.report.plots import FEMALE_COLOR, MALE_COLOR
from purgetoll.results import Need

if TYPE_CHECKING:
    import matplotlib.figure

TITLE = "The missing men and women: the censuses read with a demographic engine"
DRAWS, SEED = 1000, 0
#: The two comparisons of 1937 to 1939 (label, start, end): the censuses, and ADH's reconstruction.
TERROR_SOURCES = (("censuses 1937 -> 1939 (army added, padding removed)", "census:1937", "census:1939"),
                  ("ADH reconstruction 1 Jan 1937 -> 1 Jan 1939", "adh:1937", "adh:1939:1938"))
#: The stored results the section renders.
NEEDS = {
    "deficit_1959": Need("demography.deficit", start="adh:1939", end="census:1959", draws=DRAWS, seed=SEED),
    "cohort_survival_1939_1959": Need("demography.cohort_survival", start="adh:1939", end="census:1959",
                                      cohorts="1890-1926", draws=DRAWS, seed=SEED),
    **{f"deficit_1937_1939_{start.split(':')[0]}": Need("demography.deficit", start=start, end=end,
                                                         cohorts="1872-1921", width=10, draws=DRAWS, seed=SEED)
       for _, start, end in TERROR_SOURCES},
}
#: Published cohort survival 1939 -> 1959 of the cohorts born 1890-1926, percent (Vishnevsky,
#: "Demographic consequences of the Great Patriotic War"; via war_losses_and_population_milestones).
VISHNEVSKY = {"male": 53.0, "female": 82.0}
VISHNEVSKY_CITATION = ("A. G. Vishnevsky, 'Demographic consequences of the Great Patriotic War' (cyberleninka): "
                       "of the cohorts born 1890-1926, 53% of the men and 82% of the women counted in 1939 were "
                       "counted again in 1959")


def _sources() -> list[Source]:
    return [Source.of(adh(1939, borders="1946")), Source.of(census(1959)), Source.of(census(1937)),
            Source.of(census(1939)), Source.of(life_table("1938-1939", "male"))]


def draw_deficit(fig: matplotlib.figure.Figure, data: pd.DataFrame) -> None:
    """Bars of the deficit (millions) by birth cohort, men and women side by side, with intervals."""
    ax = fig.subplots()
    labels = list(dict.fromkeys(data["cohort"]))
    x = np.arange(len(labels))
    for k, (sex, color, name) in enumerate((("male", MALE_COLOR, "men"), ("female", FEMALE_COLOR, "women"))):
        part = data[data["sex"] == sex].set_index("cohort").loc[labels]
        mid = part["deficit"].to_numpy() / 1e6
        err = np.vstack([mid - part["deficit_lower_95"].to_numpy() / 1e6, part["deficit_upper_95"].to_numpy() / 1e6 - mid])
        ax.bar(x + (k - 0.5) * 0.4, mid, width=0.4, color=color, label=name, yerr=err, capsize=2,
               error_kw={"elinewidth": 0.8, "ecolor": "#333333"})
    ax.axhline(0, color="#333333", linewidth=0.6)
    ax.set_xticks(x)
    ax.set_xticklabels(labels, rotation=60, ha="right", fontsize=8)
    ax.set_xlabel("birth cohort")
    ax.set_ylabel("missing in 1959 (millions; estimate)")
    ax.legend(loc="upper left")


def draw_terror(fig: matplotlib.figure.Figure, data: pd.DataFrame) -> None:
    """Persons missing per 100 expected, 1937 -> 1939, by 10-year cohort: one panel per source."""
    panels = list(dict.fromkeys(data["source"]))
    axes = fig.subplots(1, len(panels), sharey=True, squeeze=False)[0]
    for ax, panel in zip(axes, panels, strict=True):
        part = data[data["source"] == panel]
        labels = list(dict.fromkeys(part["cohort"]))
        x = np.arange(len(labels))
        for k, (sex, color, name) in enumerate((("male", MALE_COLOR, "men"), ("female", FEMALE_COLOR, "women"))):
            p = part[part["sex"] == sex].set_index("cohort").loc[labels]
            mid = p["missing_per_100"].to_numpy()
            err = np.vstack([mid - p["missing_per_100_lower_95"].to_numpy(), p["missing_per_100_upper_95"].to_numpy() - mid])
            ax.bar(x + (k - 0.5) * 0.4, mid, width=0.4, color=color, label=name, yerr=err, capsize=2,
                   error_kw={"elinewidth": 0.8, "ecolor": "#333333"})
        ax.axhline(0, color="#333333", linewidth=0.6)
        ax.set_xticks(x)
        ax.set_xticklabels(labels, rotation=30, ha="right", fontsize=8)
        ax.set_title(panel, fontsize=9)
        ax.set_xlabel("birth cohort")
    axes[0].set_ylabel("missing per 100 expected (estimate)")
    axes[0].legend(loc="upper left")


def terror_data(ctx: RunContext) -> pd.DataFrame:
    """Deficits 1937 -> 1939 by 10-year cohort born 1872-1921, from the censuses and from ADH."""
    frames = []
    for label, start, _ in TERROR_SOURCES:
        d = ctx.result(f"deficit_1937_1939_{start.split(':')[0]}")
        frames.append(pd.DataFrame({
            "source": label, "sex": d["sex"], "cohort": d["cohort"], "start": d["start"],
            "expected_survival": d["expected"] / d["start"], "observed_survival": d["observed"] / d["start"],
            "missing_per_100": 100 * d["deficit"] / d["expected"],
            "missing_per_100_lower_95": 100 * d["deficit_lower_95"] / d["expected"],
            "missing_per_100_upper_95": 100 * d["deficit_upper_95"] / d["expected"],
            "deficit": d["deficit"], "deficit_lower_95": d["deficit_lower_95"], "deficit_upper_95": d["deficit_upper_95"],
        }))
        frames[-1].attrs["assumptions"] = d.attrs["assumptions"]
    out = pd.concat(frames, ignore_index=True)
    out.attrs["assumptions"] = [a for f in frames for a in f.attrs["assumptions"]]
    return out


def build(ctx: RunContext) -> Section:
    """Figures and tables of the 1959 deficit and the 1937-1939 survival, with their assumptions."""
    sources = _sources()
    d59 = ctx.result("deficit_1959")
    surv = ctx.result("cohort_survival_1939_1959")
    terror = terror_data(ctx)
    tot = d59.groupby("sex")[["deficit", "expected"]].sum()
    s = surv.set_index("sex")
    t = terror[terror["source"].str.startswith("censuses")].groupby("sex")[["deficit", "start"]].sum()
    ta = terror[terror["source"].str.startswith("ADH")].groupby("sex")[["deficit", "start"]].sum()
    assumptions = list(dict.fromkeys(d59.attrs["assumptions"] + terror.attrs["assumptions"]))
    intro = (
        "Each population is projected forward under 'normal' mortality (the official life tables of "
        "1926-27, 1938-39 and 1958-59 interpolated by year, the two earlier ones corrected for the "
        "under-registration of deaths) and compared, cohort by cohort and sex by sex, with what the next "
        "census counted. The difference is the number missing: deaths above normal mortality (the "
        "Terror, the war, the camps, the famine of 1946-47) and emigration, plus the errors of the two "
        "counts. Every figure is an estimate with a 95% interval over "
        f"{DRAWS} Monte Carlo draws of the uncertain inputs (seed {SEED}).\n\n"
        f"1939 to 1959: of the cohorts alive on 1 January 1939 (ADH, in the borders of the 1959 census), "
        f"{tot.loc['male', 'deficit'] / 1e6:.1f} million men and {tot.loc['female', 'deficit'] / 1e6:.1f} million "
        "women were missing from the 1959 census beyond normal mortality. Of those born 1890-1926, "
        f"{100 * s.loc['male', 'survival']:.1f}% of the men ({100 * s.loc['male', 'survival_lower_95']:.1f}-"
        f"{100 * s.loc['male', 'survival_upper_95']:.1f}) and {100 * s.loc['female', 'survival']:.1f}% of the "
        f"women ({100 * s.loc['female', 'survival_lower_95']:.1f}-{100 * s.loc['female', 'survival_upper_95']:.1f}) "
        f"were counted again; Vishnevsky published {VISHNEVSKY['male']:.0f}% and {VISHNEVSKY['female']:.0f}%.\n\n"
        "1937 to 1939: is the Terror visible in the censuses? Over the cohorts born 1872-1921, the net "
        "deficit beyond normal mortality (negative: more counted in 1939 than survival from 1937 allows) is "
        f"{t.loc['male', 'deficit'] / 1e3:+,.0f} thousand men and {t.loc['female', 'deficit'] / 1e3:+,.0f} "
        f"thousand women in the census comparison ({100 * t.loc['male', 'deficit'] / t.loc['male', 'start']:+.2f}% "
        f"and {100 * t.loc['female', 'deficit'] / t.loc['female', 'start']:+.2f}% of those counted in 1937), and "
        f"{ta.loc['male', 'deficit'] / 1e3:+,.0f} thousand men and {ta.loc['female', 'deficit'] / 1e3:+,.0f} "
        "thousand women in ADH's reconstruction. The two-year window is short, so "
        "the coverage corrections of the two censuses (the army left out of 1937, the padding of 1939, "
        "digit preference) are of the same order as the losses: read the intervals and the cohort "
        "pattern, not one number.\n\nAssumptions:\n" + "\n".join(f"- {a}" for a in assumptions)
    )
    fig59 = Figure(
        name="deficit_1959_by_cohort",
        title="Missing in the 1959 census beyond normal mortality, by sex and birth cohort (estimate)",
        data=d59,
        plot=draw_deficit,
        caption=("Expected (ADH 1 Jan 1939, post-1946 borders, projected to 15 Jan 1959 under normal mortality) "
                 "minus observed (1959 census), by 5-year birth cohort; bars are central estimates, whiskers "
                 f"95% intervals over {DRAWS} Monte Carlo draws. Persons, shown in millions."),
        sources=sources,
        estimate=True,
        size_inches=(10.0, 5.5),
    )
    figt = Figure(
        name="survival_1937_1939",
        title="1937 to 1939: persons missing per 100 expected under normal mortality (estimate)",
        data=terror,
        plot=draw_terror,
        caption=("Deficit per 100 expected survivors, by 10-year birth cohort, from the two censuses "
                 "(left) and from ADH's reconstruction (right); whiskers 95% intervals. Negative values "
                 "mean more people were counted in 1939 than survival from 1937 allows: coverage "
                 "differences between the counts."),
        sources=sources,
        estimate=True,
        size_inches=(10.0, 5.0),
    )
    tsurv = surv.assign(published_percent=surv["sex"].map(VISHNEVSKY))
    tables = [
        Table(name="cohort_survival_1939_1959",
              caption=("Cohort survival 1939 -> 1959, born 1890-1926 (ADH 1939 in 1946 borders -> 1959 census), "
                       "beside the published percentage."),
              data=tsurv, sources=[*sources, Source(VISHNEVSKY_CITATION)], estimate=True,
              formats={c: "{:.3f}" for c in ("survival", "survival_lower_95", "survival_upper_95")}),
        Table(name="deficit_1959_by_cohort", caption="Expected, observed and missing in 1959 by sex and 5-year birth cohort (persons).",
              data=d59, sources=sources, estimate=True,
              html_columns=["sex", "cohort", "expected", "observed", "deficit", "deficit_lower_95", "deficit_upper_95"],
              formats={c: "{:,.0f}" for c in ("expected", "observed", "deficit", "deficit_lower_95", "deficit_upper_95")}),
        Table(name="survival_1937_1939", caption="Two-year survival 1937 -> 1939, expected and observed, by sex and 10-year cohort.",
              data=terror, sources=sources, estimate=True,
              html_columns=["source", "sex", "cohort", "expected_survival", "observed_survival", "deficit",
                            "deficit_lower_95", "deficit_upper_95"],
              formats={"expected_survival": "{:.4f}", "observed_survival": "{:.4f}",
                       **{c: "{:,.0f}" for c in ("deficit", "deficit_lower_95", "deficit_upper_95")}}),
    ]
    return Section(title=TITLE, intro=intro, figures=[fig59, figt], tables=tables)

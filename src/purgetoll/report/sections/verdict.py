"""Report section: the censuses' verdict on the published accounts of the Terror.

Runs every bundled account among ``archival``, ``conquest_1968``, ``conquest_1990`` and the
``no_terror`` counterfactual through the same mechanism (``purgetoll.verdict.compare``) at a small
scale and a few fixed seeds (so the report is reproducible to the byte and ``purgetoll run`` stays
short), then shows: the simulated 17 Jan 1939 population by sex and 5-year group against the
census (padding removed) and ADH, the verdict by sex and measure with its test, the pairs the
census cannot tell apart, each account against its own published figures, and each scenario's
totals in persons. For intervals from more seeds or
a larger scale, ``purgetoll compare ... --scale 0.01 --seeds 10``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from purgetoll.report.model import Figure, RunContext, Section, Source, Table
from purgetoll.scenarios import bundled_names

if TYPE_CHECKING:
    import matplotlib.figure

TITLE = "The censuses' verdict on the accounts of the Terror"
#: Scenarios shown, in this order, when bundled.
ACCOUNTS = ("archival", "conquest_1968", "conquest_1990", "no_terror")
SCALE, SEEDS, FIRST_SEED = 0.001, 3, 1
CENSUS_SOURCES = (
    Source("1939 census, form 11 (RGAE f.1562 op.336 d.604), padding removed after V.B. Zhiromskaya (1994): "
           "true total 167.6-167.7M (the distribution by age and sex of the padding is an assumption)",
           "census_1939_single"),
    Source("Andreev, Darsky, Kharkova, Naselenie Sovetskogo Soiuza 1922-1991 (1993): 1 January 1939, "
           "pre-September-1939 borders", "adh_5y"),
    Source("Zhiromskaya & Polyakov, Vsesoiuznaia perepis' naseleniia 1937 goda (2007): the 1937 census with "
           "the army and NKVD contingents (p. 37) added back", "census_1937_single"),
)
SIM_SOURCE = Source("purgetoll agent simulation: each scenario file's cited figures run through the same "
                    "mechanism (purgetoll compare), Monte Carlo over seeds")


def _number(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 10 else f"{x:.3f}"


def accounts() -> list[str]:
    """The bundled scenarios the section compares."""
    have = set(bundled_names())
    return [n for n in ACCOUNTS if n in have]


def _draw(fig: matplotlib.figure.Figure, data: pd.DataFrame) -> None:
    for i, sex in enumerate(("male", "female")):
        ax = fig.add_subplot(1, 2, i + 1)
        part = data[data["sex"] == sex]
        for name, rows in part.groupby("series", sort=False):
            style = "k--" if name == "ADH 1939" else "-"
            ax.plot(rows["age"], rows["difference_thousands"], style, label=name, marker="o", markersize=3)
            if name != "ADH 1939":
                ax.fill_between(rows["age"], rows["lower_thousands"], rows["upper_thousands"], alpha=0.2)
        ax.axhline(0, color="grey", linewidth=0.8)
        ax.set_title(f"{sex}: minus the 1939 census (padding removed)")
        ax.set_xlabel("age on 17 Jan 1939 (5-year group, lower bound)")
        ax.set_ylabel("thousands")
        ax.legend(fontsize=7)


def _figure_data(census: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for (name, sex), part in census.groupby(["scenario", "sex"], sort=False):
        for r in part.itertuples():
            rows.append({"series": name, "sex": sex, "age": r.age, "age_group": r.age_group,
                         "difference_thousands": (r.simulated - r.census_corrected) / 1e3,
                         "lower_thousands": (r.lower_95 - r.census_corrected) / 1e3,
                         "upper_thousands": (r.upper_95 - r.census_corrected) / 1e3})
    first = census[census["scenario"] == census["scenario"].iloc[0]]
    for r in first.itertuples():
        d = (r.adh_1939 - r.census_corrected) / 1e3
        rows.append({"series": "ADH 1939", "sex": r.sex, "age": r.age, "age_group": r.age_group,
                     "difference_thousands": d, "lower_thousands": d, "upper_thousands": d})
    return pd.DataFrame(rows)


def build(ctx: RunContext) -> Section:
    from purgetoll.verdict.compare import TEST_STATEMENT, compare

    names = accounts()
    v = compare(names, scale=SCALE, seeds=SEEDS, first_seed=FIRST_SEED, workers=1)
    missing = [n for n in ACCOUNTS if n not in names]
    intro = (
        f"Each account of the Terror ({', '.join(names)}) is a scenario file in which every number carries its "
        "citation; all run through the same mechanism from the census of 6 January 1937 (the army and NKVD "
        "contingents added back) to the census of 17 January 1939, with the same people and the same random "
        f"numbers, so they differ only where their mechanisms differ. Scale {SCALE} ({1 / SCALE:,.0f} persons "
        f"per agent), seeds {FIRST_SEED}-{FIRST_SEED + SEEDS - 1}; every count is for the whole population."
        "\n\n" + TEST_STATEMENT +
        "\n\nWhere the answer depends on an assumption: the baseline mortality (the official life tables "
        "with their under-registration correction), the births series, the ages of the army in 1937, and "
        "where the 1939 padding sits (spread in proportion here). The no_terror rows show how far the "
        "baseline alone sits from the census; read every other row against them. Each verdict is also "
        "taken over the range of the life table's under-registration correction (the 'any baseline' "
        "column); where the two differ, the answer depends on that assumption (robust = no)."
        + (f"\n\nNot yet bundled: {', '.join(missing)}." if missing else "")
        + f"\n\nTo redo with more seeds or a larger scale:\n\n    purgetoll compare {' '.join(names)} "
        "--scale 0.01 --seeds 10 --format table"
    )
    verdict = v.verdict.copy()
    verdict["robust"] = verdict["robust"].map({True: "yes", False: "no"})
    fmt_big = "{:,.0f}".format
    return Section(
        title=TITLE,
        intro=intro,
        figures=[Figure("verdict_census_1939", "Simulated 17 Jan 1939 population minus the census, by sex and age",
                        _figure_data(v.census_1939), _draw, estimate=True, sources=(SIM_SOURCE, *CENSUS_SOURCES),
                        caption="Lines: each scenario's simulated population minus the 1939 census with its padding "
                                "removed, thousands, with the 95% Monte Carlo band over seeds; dashed: ADH's "
                                "reconstruction minus the same census. Two artefacts are not the Terror: the "
                                "zig-zag by age is the different digit preference (heaping) of the 1937 census the "
                                "run starts from and of the 1939 census; the dip of men at 20-24 follows from the "
                                "assumed ages of the army added back to the 1937 census (20-29; the census "
                                "caveat's range), so age-group differences there depend on that assumption.",
                        size_inches=(11.0, 4.5))],
        tables=[
            Table("verdict_by_measure", "Verdict by sex and measure: simulated (95% interval over seeds) against "
                  "the census range and ADH", verdict, estimate=True, sources=(SIM_SOURCE, *CENSUS_SOURCES),
                  html_columns=("scenario", "sex", "measure", "simulated", "lower_95", "upper_95", "census_low",
                                "census_high", "adh", "vs_census", "vs_adh", "vs_census_any_baseline", "robust"),
                  formats={"simulated": "{:,.4g}", "lower_95": "{:,.4g}", "upper_95": "{:,.4g}",
                           "census_low": "{:,.4g}", "census_high": "{:,.4g}", "adh": "{:,.4g}",
                           "baseline_lower": "{:,.4g}", "baseline_upper": "{:,.4g}"}),
            Table("verdict_deficits", "Persons missing on 17 Jan 1939 against no_terror (paired by seed: the same "
                  "people and random numbers), and the deficit the census implies against the same baseline, over "
                  "the padding range and over the baseline mortality's range", v.deficits, estimate=True,
                  sources=(SIM_SOURCE, *CENSUS_SOURCES),
                  formats={c: fmt_big for c in ("missing", "lower_95", "upper_95", "census_implied_low",
                                                "census_implied_high", "census_implied_low_any_baseline",
                                                "census_implied_high_any_baseline")}),
            Table("verdict_pairs", "Which accounts the census can and cannot tell apart", v.pairs, estimate=True,
                  sources=(SIM_SOURCE, *CENSUS_SOURCES)),
            Table("verdict_targets", "Each account against its own published figures (the [targets] of its "
                  "file): published and simulated, persons", v.targets, estimate=True, sources=(SIM_SOURCE,),
                  formats={"published": fmt_big, "simulated": fmt_big, "lower_95": fmt_big, "upper_95": fmt_big,
                           "simulated_over_published": "{:.3f}"}),
            Table("verdict_totals", "Totals per scenario: persons for the whole population (shares as fractions)",
                  v.totals, estimate=True, sources=(SIM_SOURCE,),
                  formats={c: _number for c in ("value", "lower_95", "upper_95")}),
            Table("verdict_survival", "Cohort survival 1937-1939 by sex and age in 1937: simulated, census, ADH",
                  v.survival, estimate=True, sources=(SIM_SOURCE, *CENSUS_SOURCES),
                  formats={c: "{:.4f}" for c in ("simulated", "lower_95", "upper_95", "census", "census_low",
                                                 "census_high", "adh")}),
        ],
    )

"""Report section: the toll the censuses imply, and their verdict on the published accounts of the Terror.

Renders the stored verdict (``NEEDS``, computed once and kept): every bundled account among
``archival``, ``conquest_1968``, ``conquest_1990``, ``teplyakov`` and the ``no_terror``
counterfactual run through the same mechanism (``purgetoll.verdict.compare``) at a small scale and a
few fixed seeds (so the report is reproducible to the byte and ``purgetoll run`` stays short), the
1937 and 1939 censuses read through the error model of the evidence. It shows: the
implied excess deaths beside each account's simulated excess and the archive's documented floor (a
figure and a table), the verdict with its rule, the anchors, every assumption of the error model with
its range and source, the simulated 1939 population against the census as read, the pairs the census
tells apart, and each account against its own sources. For more seeds or a larger scale,
``purgetoll verdict ... --scale 0.01 --seeds 10``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from purgetoll.report.model import Figure, RunContext, Section, Source, Table
from purgetoll.results import Need
from purgetoll.scenarios import bundled_names
from purgetoll.verdict.compare import TEST_STATEMENT

if TYPE_CHECKING:
    import matplotlib.figure

TITLE = "The censuses' verdict on the accounts of the Terror"
#: Scenarios shown, in this order, when bundled.
ACCOUNTS = ("archival", "teplyakov", "ellman_2002", "conquest_1968", "conquest_1990", "no_terror")
SCALE, SEEDS, FIRST_SEED = 0.001, 3, 1
CENSUS_SOURCES = (
    Source("1937 census (Zhiromskaya & Polyakov 2007, tables 10-11; army p.37) and 1939 census, form 11 (RGAE "
           "f.1562 op.336 d.604), both read through the error model of the evidence (purgetoll.demography.evidence): "
           "padding, coverage, digit preference, contingents, baseline mortality and births, each with its range",
           "census_1939_single"),
    Source("Errors of the censuses and the Terror's demography: ADH 1993 and 1998, Zhiromskaya 1994 and 2001, "
           "Zhiromskaya & Polyakov 2007, Volkov 1997, Tolts 2020 and others (row-level sources)",
           "census_errors_and_terror_demography"),
    Source("Andreev, Darsky, Kharkova, Naselenie Sovetskogo Soiuza 1922-1991 (1993): 1 January 1939, "
           "pre-September-1939 borders", "adh_5y"),
)
FLOOR_SOURCES = (
    Source("Death sentences 1937-38: 1953 MVD certificate, GARF f.9401 op.1 d.4157", "repression_key_totals"),
    Source("Gulag deaths 1937 and 1938: certificate on mortality in the Gulag 1930-1956, GARF f.9414",
           "gulag_deaths_1930_1956"),
)
SIM_SOURCE = Source("purgetoll agent simulation: each scenario file's cited figures run through the same "
                    "mechanism (purgetoll verdict), paired with no_terror by seed")
LABELS = {"implied": "census-implied (95%)", "floor": "documented floor (excess)"}


def accounts() -> list[str]:
    """The bundled scenarios the section compares."""
    have = set(bundled_names())
    return [n for n in ACCOUNTS if n in have]


def toll_data(v) -> pd.DataFrame:
    """The figure's numbers: one row per (sex, ages, series) with estimate and 95% bounds, thousands."""
    rows = []
    floor = v.documented_floor.set_index("sex")
    for r in v.implied_excess.itertuples():
        rows.append({"sex": r.sex, "ages": r.ages, "series": LABELS["implied"], "estimate_thousands": r.estimate / 1e3,
                     "lower_thousands": r.lower_95 / 1e3, "upper_thousands": r.upper_95 / 1e3})
        if r.ages == "all":
            f = floor.loc[r.sex]
            scale = f["excess_deaths"] / f["deaths"]  # the interval of the deaths, as excess
            rows.append({"sex": r.sex, "ages": r.ages, "series": LABELS["floor"],
                         "estimate_thousands": f["excess_deaths"] / 1e3, "lower_thousands": f["lower_95"] * scale / 1e3,
                         "upper_thousands": f["upper_95"] * scale / 1e3})
    for r in v.verdict.itertuples():
        if r.scenario == "no_terror":
            continue
        rows.append({"sex": r.sex, "ages": r.ages, "series": r.scenario, "estimate_thousands": r.simulated / 1e3,
                     "lower_thousands": r.sim_lower_95 / 1e3, "upper_thousands": r.sim_upper_95 / 1e3})
    return pd.DataFrame(rows)


def _draw_toll(fig: matplotlib.figure.Figure, data: pd.DataFrame) -> None:
    panels = [(s, a) for s in ("male", "female") for a in ("all", "20-59")]
    series = list(dict.fromkeys(data["series"]))
    for k, (sex, ages) in enumerate(panels):
        ax = fig.add_subplot(2, 2, k + 1)
        part = data[(data["sex"] == sex) & (data["ages"] == ages)].set_index("series")
        for y, name in enumerate(series):
            if name not in part.index:
                continue
            r = part.loc[name]
            color = "black" if name == LABELS["implied"] else ("tab:red" if name == LABELS["floor"] else "tab:blue")
            if np.isfinite(r["lower_thousands"]):
                ax.plot([r["lower_thousands"], r["upper_thousands"]], [y, y], color=color, linewidth=2)
            ax.plot([r["estimate_thousands"]], [y], "o", color=color)
        if LABELS["floor"] not in part.index and LABELS["floor"] in series:
            ax.text(0.02, series.index(LABELS["floor"]), "documented for all ages only", transform=ax.get_yaxis_transform(),
                    va="center", fontsize=7, color="tab:red")
        imp = part.loc[LABELS["implied"]] if LABELS["implied"] in part.index else None
        if imp is not None and np.isfinite(imp["lower_thousands"]):
            ax.axvspan(imp["lower_thousands"], imp["upper_thousands"], color="grey", alpha=0.15)
        ax.axvline(0, color="grey", linewidth=0.8)
        ax.set_yticks(range(len(series)))
        ax.set_yticklabels(series, fontsize=7)
        ax.invert_yaxis()
        ax.set_xlabel("excess deaths 6 Jan 1937 - 17 Jan 1939, thousands")
        ax.set_title(f"{'men' if sex == 'male' else 'women'}, {'all ages' if ages == 'all' else 'aged 20-59 in 1939'}",
                     fontsize=9)


def _draw_census(fig: matplotlib.figure.Figure, data: pd.DataFrame) -> None:
    for i, sex in enumerate(("male", "female")):
        ax = fig.add_subplot(1, 2, i + 1)
        part = data[data["sex"] == sex]
        for name, rows in part.groupby("series", sort=False):
            style = "k--" if name == "ADH 1939" else "-"
            ax.plot(rows["age"], rows["difference_thousands"], style, label=name, marker="o", markersize=3)
            if name != "ADH 1939":
                ax.fill_between(rows["age"], rows["lower_thousands"], rows["upper_thousands"], alpha=0.2)
        ax.axhline(0, color="grey", linewidth=0.8)
        ax.set_title(f"{'men' if sex == 'male' else 'women'}: simulated minus the 1939 census as read")
        ax.set_xlabel("age on 17 Jan 1939 (5-year group, lower bound)")
        ax.set_ylabel("thousands")
        ax.legend(fontsize=7)


def census_data(census: pd.DataFrame) -> pd.DataFrame:
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


def _k(x: float) -> str:
    return "-" if x != x else f"{x:,.0f}"


#: The stored result the section renders.
NEEDS = {"verdict": Need("verdict", names=accounts(), scale=SCALE, seeds=SEEDS, first_seed=FIRST_SEED, workers=1)}


def build(ctx: RunContext) -> Section:
    names = accounts()
    v = ctx.result("verdict")
    missing = [n for n in ACCOUNTS if n not in names]
    men = v.implied_excess.set_index(["sex", "ages"])
    m_all, m_w = men.loc[("male", "all")], men.loc[("male", "20-59")]
    floor = v.documented_floor.set_index("sex")
    intro = (
        f"Each account of the Terror ({', '.join(names)}) is a scenario file in which every number carries its "
        "citation; all run through the same mechanism from the census of 6 January 1937 to the census of 17 January "
        "1939, with the same people and the same random numbers, so they differ only where their mechanisms differ. "
        f"Scale {SCALE} ({1 / SCALE:,.0f} persons per agent), seeds {FIRST_SEED}-{FIRST_SEED + SEEDS - 1}; every "
        "count is for the whole population."
        "\n\nThe toll the censuses imply. " + v.settings["method"] +
        f"\n\nRead so, the censuses imply {m_all['estimate'] / 1e6:.2f} million excess deaths of men "
        f"(95%: {m_all['lower_95'] / 1e6:.2f}-{m_all['upper_95'] / 1e6:.2f} million), "
        f"{m_w['estimate'] / 1e6:.2f} million of them aged 20-59 in 1939 "
        f"({m_w['lower_95'] / 1e6:.2f}-{m_w['upper_95'] / 1e6:.2f}); the archive documents "
        f"{floor.loc['both', 'deaths'] / 1e6:.2f} million deaths (death sentences carried out and Gulag deaths), "
        f"{floor.loc['male', 'excess_deaths'] / 1e6:.2f} million excess deaths of men. The interval is wide because "
        "the sources disagree on the 1939 padding (1.69-2.96 million) and no source says where it sat by age and "
        "sex: the figure shows which accounts the censuses can exclude all the same."
        "\n\n" + TEST_STATEMENT +
        f"\n\n{v.settings['draws']:,} draws of the error model, {v.settings['effective_draws']:,.0f} effective after "
        "the anchors. Every assumption is listed below with its range and source ('error model' table); those "
        "marked assumption have no bundled source. The verdicts' 'closes it' column names, for an excluded account, "
        "any single assumption that would bring the census's reading to it within its stated range."
        + (f"\n\nNot yet bundled: {', '.join(missing)}." if missing else "")
        + f"\n\nTo redo with more seeds or a larger scale, or with your own settings of the error model:\n\n"
        f"    purgetoll verdict {' '.join(names)} --scale 0.01 --seeds 10 --format table\n"
        "    purgetoll verdict archival no_terror --set padding_1939_persons=2.9e6 --errors my_errors.toml"
    )
    big = "{:,.0f}".format
    verdict = v.verdict
    error_model = v.error_model.copy()
    error_model["assumption"] = error_model["assumption"].map({True: "yes", False: ""})
    return Section(
        title=TITLE,
        intro=intro,
        figures=[
            Figure("verdict_implied_toll", "The toll the censuses imply beside each account and the archive's floor",
                   toll_data(v), _draw_toll, estimate=True, sources=(SIM_SOURCE, *CENSUS_SOURCES, *FLOOR_SOURCES),
                   caption="Excess deaths 6 Jan 1937 - 17 Jan 1939, thousands, by sex, all ages and ages 20-59 on 17 "
                           "Jan 1939. Black, with the grey band: the censuses' implied excess and its 95% interval "
                           "over the error model anchored on women and children. Red: the archive's documented "
                           "deaths (death sentences carried out and Gulag deaths) as excess deaths, all ages only "
                           "(the share carried out and the sex split are assumptions). Blue: each account's "
                           "simulated excess (paired with no_terror by seed), Student-t 95% over seeds. An account "
                           "is excluded when implied minus simulated excludes 0 jointly (see the verdict table).",
                   size_inches=(11.0, 6.5)),
            Figure("verdict_census_1939", "Simulated 17 Jan 1939 population minus the census as read, by sex and age",
                   census_data(v.census_1939), _draw_census, estimate=True, sources=(SIM_SOURCE, *CENSUS_SOURCES),
                   caption="Each scenario's simulated population minus the 1939 census corrected through the error "
                           "model (weighted median of the draws), thousands, with the 95% band over seeds; dashed: "
                           "ADH's reconstruction minus the same. The zig-zag by age is the different digit preference "
                           "of the 1937 census the runs start from and of the 1939 census (heaps reaching further than "
                           "the two years either side the error model returns; they cancel in the 20-59 total); the "
                           "men of 20-24 follow the assumed ages of the army added back to the 1937 census.",
                   size_inches=(11.0, 4.5)),
        ],
        tables=[
            Table("verdict_implied_excess", "The toll the censuses imply: excess deaths 6 Jan 1937 - 17 Jan 1939 by "
                  "sex and age on 17 Jan 1939 (persons), against the archive's documented floor",
                  v.implied_excess, estimate=True, sources=CENSUS_SOURCES,
                  html_columns=("sex", "ages", "estimate", "lower_95", "upper_95", "documented_floor_excess",
                                "vs_floor", "closed_by", "depends_on"),
                  formats={c: _k for c in ("estimate", "lower_95", "upper_95", "documented_floor_excess")}),
            Table("verdict_documented_floor", "The archive's documented floor: deaths recorded 1937-38 (persons); "
                  "only the total is archival", v.documented_floor, estimate=True, sources=FLOOR_SOURCES,
                  html_columns=("sex", "deaths", "lower_95", "upper_95", "excess_deaths", "assumption"),
                  formats={c: big for c in ("deaths", "lower_95", "upper_95", "excess_deaths")}),
            Table("verdict_by_measure", "Verdict by scenario, sex and measure: simulated excess (95% over seeds), "
                  "implied excess, and their joint difference (persons)", verdict, estimate=True,
                  sources=(SIM_SOURCE, *CENSUS_SOURCES),
                  html_columns=("scenario", "sex", "ages", "simulated", "implied", "difference", "lower_95",
                                "upper_95", "vs_census", "vs_adh", "closed_by"),
                  formats={c: _k for c in ("simulated", "sim_lower_95", "sim_upper_95", "implied", "implied_lower_95",
                                           "implied_upper_95", "difference", "lower_95", "upper_95", "adh_implied")}),
            Table("verdict_anchors", "The anchors: women's and children's implied excess before and after weighting "
                  "(persons; targets and tolerances in the CSV)",
                  v.anchors, estimate=True, sources=CENSUS_SOURCES,
                  html_columns=("anchor", "weighted", "prior_estimate", "prior_lower_95", "prior_upper_95",
                                "estimate", "lower_95", "upper_95", "closed_by"),
                  formats={c: _k for c in ("tolerance", "prior_estimate", "prior_lower_95", "prior_upper_95",
                                           "estimate", "lower_95", "upper_95", "effective_draws")}),
            Table("verdict_error_model", "The error model of the evidence: every assumption, its range, how it is "
                  "drawn and its source", error_model, sources=CENSUS_SOURCES[1:2],
                  html_columns=("name", "group", "unit", "central", "distribution", "low", "high", "assumption",
                                "source"),
                  formats={c: "{:,.6g}" for c in ("central", "low", "high")}),
            Table("verdict_deficits", "Persons missing on 17 Jan 1939 against no_terror (paired by seed), beside the "
                  "excess the census implies", v.deficits, estimate=True, sources=(SIM_SOURCE, *CENSUS_SOURCES),
                  formats={c: _k for c in ("missing", "lower_95", "upper_95", "census_implied", "census_implied_low",
                                           "census_implied_high")}),
            Table("verdict_pairs", "Which accounts the census can and cannot tell apart", v.pairs, estimate=True,
                  sources=(SIM_SOURCE, *CENSUS_SOURCES)),
            Table("verdict_targets", "Each account against its own published figures (the [targets] of its "
                  "file): published and simulated, persons", v.targets, estimate=True, sources=(SIM_SOURCE,),
                  formats={"published": big, "simulated": _k, "lower_95": _k, "upper_95": _k,
                           "simulated_over_published": "{:.3f}"}),
            Table("verdict_totals", "Totals per scenario: persons for the whole population (shares as fractions)",
                  v.totals, estimate=True, sources=(SIM_SOURCE,),
                  formats={c: (lambda x: "-" if x != x else (f"{x:,.0f}" if abs(x) >= 10 else f"{x:.3f}"))
                           for c in ("value", "lower_95", "upper_95")}),
            Table("verdict_survival", "Cohort survival 1937-1939 by sex and age in 1937: simulated, censuses as read, "
                  "ADH", v.survival, estimate=True, sources=(SIM_SOURCE, *CENSUS_SOURCES),
                  formats={c: "{:.4f}" for c in ("simulated", "lower_95", "upper_95", "census", "census_low",
                                                 "census_high", "adh")}),
        ],
    )

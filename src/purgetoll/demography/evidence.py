"""The error model of the evidence: every known error of the censuses and of the baseline, declared once.

Each component is a :class:`purgetoll.params.Param` (name with its unit, default, valid range,
doc with its source or "assumption") plus how the Monte Carlo *draws* it (uniform over a stated
range, a whole number in a range, or held fixed). The demography engine's Monte Carlo
(:mod:`.montecarlo`, ``purgetoll demog deficit``) and the verdict (``purgetoll verdict``) draw
from this one model; :mod:`.census_errors` applies a draw to a census, :mod:`.baseline` projects
the 1937 census under the drawn baseline. Defaults and ranges are computed from the bundled tables
(``census_errors_and_terror_demography``, ``adh_rsfsr_death_rates_1936_1939``, the censuses, ADH,
the life tables), each doc naming the rows it rests on.

Components, by group (see :func:`components` for every range and source):

* **1937 census** -- digit preference (sized from each census by its local heaps at the ages ending
  in 0 or 5, removed at a drawn strength); a general under-count (Zhiromskaya: very low; ADH's 1 Jan 1937
  population is about 0.5M above census + army; a revisionist 1-1.5%, low confidence); the infants
  ADH add at ages 0 and 1; persons in transit (Kraval's 0.3-0.4M) if they were not counted; the army
  (sourced) and the NKVD contingent left out of the age table (from the remainder of the census
  total to contingent A, ``contingent_a_total``) and their ages.
* **1939 census** -- the padding total (ADH's true totals imply 1.69-2.11M, Volkov, Tolts,
  Bogoyavlensky and Zhiromskaya 2.86-2.96M: the range spans both) and where it sits: in proportion
  to every age and sex, or concentrated where the padding mechanisms place it (Tolts: double
  counting of temporarily absent persons and control forms, i.e. mobile working-age adults; the
  share so placed and the men's weight are assumptions), with a Dirichlet spread of the 5-year
  groups' shares around that shape (a named concentration).
* **Baseline** -- the death hazard at ages 1+ of the 1938-39 life table (range from ADH's RSFSR
  death rates of women in 1937-38 against the official table); the men's factor relative to the
  women's (ADH's RSFSR rates of 1936, before the Terror, give men and women the same factor); the
  infant death probability (ADH's infant mortality against the official q0, and Lorimer's 1926
  factor); births in 1937-38 (the reverse-survival series against ADH's crude birth rates).
* **Floor and anchors** (used by the verdict) -- the share of death sentences carried out, women's
  share among the executed and among camp deaths (none published nationally: assumptions with the
  bundled figures that bound them), and the tolerances of the anchors.

An :class:`ErrorModel` holds the user's settings over the defaults (a TOML file, ``--set KEY=VALUE``
to fix a value, ``--set KEY=LOW..HIGH`` to draw over another range); every problem is reported at
once, naming the key.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from purgetoll.data import adh, adh_rsfsr_death_rates, census, evidence_figure, life_table, load
from purgetoll.demography.births import births_series
from purgetoll.demography.corrections import AGE_TABLE_TOTAL_1937, ARMY_1937, CENSUS_TOTAL_1937
from purgetoll.demography.mortality import DEFAULT_CORRECTION
from purgetoll.demography.streams import stream
from purgetoll.errors import DataError, ScenarioError
from purgetoll.params import Param, format_number

__all__ = ["Component", "ErrorModel", "ErrorDraws", "components", "component", "DEFAULT_MODEL_SEED",
           "N_PADDING_CELLS", "Setting"]

Draw = Literal["uniform", "integers", "fixed"]
#: Cells of the padding's Dirichlet spread: 2 sexes x 18 five-year groups (0-4 .. 80-84, 85+).
N_PADDING_CELLS = 36
DEFAULT_MODEL_SEED = 0


@dataclass(frozen=True)
class Component:
    """One component of the error model: its declaration, how it is drawn, the rows it rests on."""

    param: Param
    group: str
    draw: Draw = "fixed"
    prior: tuple[float, float] | None = None
    evidence: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.param.name

    def __post_init__(self) -> None:
        if self.draw != "fixed":
            if self.prior is None or not self.prior[0] <= self.prior[1]:
                raise ValueError(f"component {self.name!r}: a drawn component needs a prior (low <= high)")
            for bound in self.prior:
                problem = self.param.check(int(bound) if self.param.kind == "integer" else float(bound))
                if problem:
                    raise ValueError(f"component {self.name!r}: prior outside the valid range: {problem}")


# -- the numbers the components rest on, read from the bundled tables -------------------------------
@lru_cache(maxsize=1)
def _facts() -> dict[str, Any]:
    """Figures computed from the bundled tables (each named where it is used)."""
    c39 = load("census_1939_5y")
    official_1939 = float(c39.loc[(c39["sex"] == "both") & (c39["age_group"] == "total"), "count"].iloc[0])
    true_totals = {k: evidence_figure(k).value for k in (
        "true_total_1939_adh_lower", "true_total_1939_adh_upper", "true_total_1939_volkov_1997",
        "true_total_1939_volkov_tolts", "true_total_1939_bogoyavlensky")}
    wl = load("war_losses_and_population_milestones").set_index("id")
    zh = wl.loc["census_1939_true_zhiromskaya"]
    zh_mid = (float(zh["value_low"]) + float(zh["value_high"])) / 2
    # baseline mortality: ADH's RSFSR rates against the official 1938-39 table, 5-year groups 15-74
    rates = adh_rsfsr_death_rates()
    ratio: dict[tuple[int, str], list[float]] = {}
    for sex in ("male", "female"):
        t = life_table("1938-1939", sex).sort_values("age")
        dx, lx_years = t["dx"].to_numpy(float), t["Lx"].to_numpy(float)
        for year in (1936, 1937, 1938, 1939):
            part = rates[(rates["sex"] == sex) & (rates["year"] == year)].sort_values("age")
            official = np.array([dx[a:a + 5].sum() / lx_years[a:a + 5].sum() * 1000 for a in part["age"]])
            ratio[(year, sex)] = list(part["rate_per_1000"].to_numpy(float) / official)
    women_37_38 = ratio[(1937, "female")] + ratio[(1938, "female")]
    q0 = {p: float(life_table(p, "both").set_index("age").loc[0, "qx"]) * 1000 for p in ("1926-1927", "1938-1939")}
    infant = {"adh_imr_1926_1927": evidence_figure("adh_imr_1926_1927").value / q0["1926-1927"],
              **{k: evidence_figure(k).value / evidence_figure("official_q0_1938_1939").value
                 for k in ("adh_imr_1937", "adh_imr_1938", "adh_imr_1938_1939")}}
    # births 1937-38: ADH's crude birth rates x mid-year population (mean of 1 January totals) against
    # the reverse-survival series the projection uses
    jan1 = {y: float(adh(y, borders="1938" if y == 1939 else "time")["count"].sum()) for y in (1937, 1938, 1939)}
    adh_births = sum(evidence_figure(f"adh_cbr_{y}").value / 1000 * (jan1[y] + jan1[y + 1]) / 2 for y in (1937, 1938))
    series = births_series(1937, 1938)
    births_ratio = adh_births / float(series["count"].sum())
    # 1937: ADH's 1 January population above census + army + NKVD; ADH's additions at ages 0 and 1
    c37 = census(1937, "single", include_unknown=False)
    age01 = [float(c37.loc[c37["age"] == a, "count"].sum()) for a in (0, 1)]
    infants = (evidence_figure("adh_age_0_1937").value - age01[0], evidence_figure("adh_age_1_1937").value - age01[1])
    adh_above = jan1[1937] - CENSUS_TOTAL_1937
    return {
        "official_1939": official_1939, "true_totals": true_totals, "zhiromskaya_mid": zh_mid,
        "padding_default": official_1939 - zh_mid,
        "padding_low": official_1939 - max(true_totals.values()),
        "padding_high": official_1939 - min(true_totals.values()),
        "k_low": float(min(women_37_38)), "k_high": float(max(women_37_38)), "k_mean": float(np.mean(women_37_38)),
        "male_female_1936": float(np.mean(ratio[(1936, "male")]) / np.mean(ratio[(1936, "female")])),
        "male_1937_38": float(np.mean(ratio[(1937, "male")] + ratio[(1938, "male")])),
        "infant": infant, "births_ratio": births_ratio, "adh_births": adh_births,
        "infants_1937": infants, "adh_above_1937": adh_above,
        "undercount_default": max(adh_above - sum(infants), 0.0) / CENSUS_TOTAL_1937,
        "nkvd_remainder": CENSUS_TOTAL_1937 - AGE_TABLE_TOTAL_1937 - sum(ARMY_1937),
        "contingent_a": (evidence_figure("contingent_a_total").value, evidence_figure("contingent_a_women").value),
        "transit": (evidence_figure("kraval_in_transit").low, evidence_figure("kraval_in_transit").high),
        "revisionist": (evidence_figure("coverage_1937_revisionist").low, evidence_figure("coverage_1937_revisionist").high),
    }


def _k(x: float) -> str:
    return f"{x / 1e3:,.0f}k" if abs(x) < 1e6 else f"{x / 1e6:.3f}M"


@lru_cache(maxsize=1)
def components() -> tuple[Component, ...]:
    """Every component of the error model (built once from the bundled tables)."""
    f = _facts()
    pad_lo, pad_hi, pad_mid = f["padding_low"], f["padding_high"], f["padding_default"]
    inf_lo = min(min(f["infant"].values()), DEFAULT_CORRECTION.infant_qx_multiplier)
    inf_hi = max(max(f["infant"].values()), DEFAULT_CORRECTION.infant_qx_multiplier)
    inf_text = ", ".join(f"{k} {v:.3f}" for k, v in f["infant"].items())
    b_lo, b_hi = min(1.0, f["births_ratio"]) - 0.02, max(1.0, f["births_ratio"]) + 0.02
    nk_lo, (nk_hi, nk_women) = f["nkvd_remainder"], f["contingent_a"]
    tr_lo, tr_hi = f["transit"]
    rev_hi = f["revisionist"][1] / 100
    P = Param
    out = [
        # -- 1937 census ----------------------------------------------------------------------
        Component(P("digit_preference_strength", 0.5, "share",
                    "share of the persons misreported to round ages that the 1937 and 1939 censuses' local heaps "
                    "are taken to be: each census's own excess at every age ending in 0 or 5 from 10 to 85 over its "
                    "four neighbours (demography.heaping.local_heaps), moved back to them; 0 = the census as "
                    "counted, 1 = every local heap is misreporting, none a real peak. It moves people across the "
                    "14/15, 19/20 and 59/60 boundaries of the anchors and the working-age measure (assumption: no "
                    "source says how much of a heap is misreporting)", low=0, high=1, assumption=True),
                  "1937 and 1939 censuses", "uniform", (0.0, 1.0)),
        Component(P("undercount_1937_share", round(f["undercount_default"], 5), "share",
                    "persons the 1937 census missed, as a share of its total, spread in proportion to age and sex "
                    "(assumption); default: ADH's 1 Jan 1937 population "
                    f"({_k(f['adh_above_1937'])} above census + army + NKVD, computed from adh_5y) less their infants "
                    "(infant_undercount_1937_scale); range 0 (Zhiromskaya: 'very low under-count', "
                    f"coverage_1937_zhiromskaya) to {rev_hi:.1%} (a revisionist reading, at least 1-1.5%, low "
                    "confidence: coverage_1937_revisionist)", low=0, high=0.1),
                  "1937 census", "uniform", (0.0, rev_hi), ("coverage_1937_zhiromskaya", "coverage_1937_revisionist")),
        Component(P("infant_undercount_1937_scale", 1.0, "share",
                    "infants the 1937 census missed, as a multiple of ADH's additions at ages 0 and 1 "
                    f"({_k(f['infants_1937'][0])} and {_k(f['infants_1937'][1])}: adh_age_0_1937, adh_age_1_1937 "
                    "minus the census; computed); range 0-1.5 (assumption)", low=0, high=3, assumption=True),
                  "1937 census", "uniform", (0.0, 1.5), ("adh_age_0_1937", "adh_age_1_1937")),
        Component(P("in_transit_1937_persons", 0, "persons",
                    "persons in transit on census night (trains, boats) whom the 1937 census missed: 0 if the "
                    f"special counts covered them, up to Kraval's estimate of {_k(tr_lo)}-{_k(tr_hi)} (report of "
                    "25 Jan 1937, kraval_in_transit) if none was counted (assumption); spread like the mobile "
                    "working-age adults (mobile_male_weight)", low=0, high=2_000_000, assumption=True),
                  "1937 census", "uniform", (0.0, tr_hi), ("kraval_in_transit",)),
        Component(P("nkvd_contingent_1937_persons", nk_hi, "persons",
                    "NKVD contingent outside the 1937 age table (besides the army): contingent A, "
                    f"{nk_hi:,.0f} of whom {nk_women:,.0f} women (Zhiromskaya & Polyakov 2007 pp.246-251: "
                    "contingent_a_total, contingent_a_women; RKKA + A is close to the gap between the census "
                    "total and the age table, gap_census_total_age_table_1937); as low as the remainder "
                    f"{nk_lo:,.0f} (census total - age table with unknown ages - army) if those of unknown age "
                    "belong to it; women in A's proportion", low=0, high=2_000_000),
                  "1937 census", "uniform", (nk_lo, nk_hi), ("contingent_a_total", "gap_census_total_age_table_1937")),
        Component(P("army_1937_age_min", 20, "years",
                    "youngest age at which the army and the NKVD contingent are added to the 1937 census, in "
                    "proportion to the persons counted there (assumption; the census caveat places the omission "
                    "at ages 20-29)", kind="integer", low=15, high=40, assumption=True),
                  "1937 census", "integers", (18, 20)),
        Component(P("army_1937_age_max", 29, "years",
                    "oldest age at which the army and the NKVD contingent are added (assumption, range 25-34)",
                    kind="integer", low=20, high=60, assumption=True), "1937 census", "integers", (25, 34)),
        # -- 1939 census ----------------------------------------------------------------------
        Component(P("padding_1939_persons", pad_mid, "persons",
                    f"padding of the 1939 census against its official total {f['official_1939']:,.0f}: default "
                    f"{_k(pad_mid)} from Zhiromskaya's (1994) true total (middle of its range; "
                    "war_losses_and_population_milestones census_1939_true_zhiromskaya); range "
                    f"{_k(pad_lo)} (ADH's upper true total, true_total_1939_adh_upper) to {_k(pad_hi)} (Volkov's "
                    "lowest, endorsed by Tolts 2020, true_total_1939_volkov_tolts); every value between equally "
                    "likely (assumption: the sources disagree)", low=0, high=10_000_000),
                  "1939 census", "uniform", (pad_lo, pad_hi),
                  ("true_total_1939_adh_lower", "true_total_1939_adh_upper", "true_total_1939_volkov_tolts",
                   "true_total_1939_volkov_1997", "true_total_1939_bogoyavlensky")),
        Component(P("padding_1939_working_age_share", 0.5, "share",
                    "share of the padding placed among mobile working-age adults (ages padding_1939_mobile_age_min-"
                    "max, men weighted by mobile_male_weight), the rest in proportion to every age and sex. No "
                    "published breakdown by age exists (padding_age_structure); Tolts names the mechanisms, double "
                    "counting of temporarily absent persons and control forms (padding_mechanism_double_counting), "
                    "which point at mobile adults (assumption)", low=0, high=1, assumption=True),
                  "1939 census", "uniform", (0.0, 1.0), ("padding_age_structure", "padding_mechanism_double_counting")),
        Component(P("padding_1939_mobile_age_min", 16, "years", "youngest age of the mobile working-age adults "
                    "(assumption: the Soviet working ages)", kind="integer", low=0, high=60, assumption=True),
                  "1939 census"),
        Component(P("padding_1939_mobile_age_max", 59, "years", "oldest age of the mobile working-age adults "
                    "(assumption: the Soviet working ages of men)", kind="integer", low=16, high=100, assumption=True),
                  "1939 census"),
        Component(P("mobile_male_weight", 1.5, "ratio",
                    "how much more likely a man than a woman of the same age is to be among the mobile adults "
                    "double counted in 1939 or in transit in 1937 (1 = in proportion to the population; "
                    "assumption, range 1-3)", low=0.2, high=10, assumption=True), "1939 census", "uniform", (1.0, 3.0)),
        Component(P("padding_1939_dirichlet_concentration", 500.0, "",
                    "concentration of the Dirichlet spread of the padding's shares by sex and 5-year group around "
                    "the chosen shape (a group holding a share s varies by about sqrt(s/(1+c)); assumption)",
                    low=1, high=1e6, assumption=True), "1939 census"),
        # -- baseline -------------------------------------------------------------------------
        Component(P("hazard_multiplier_age1plus", DEFAULT_CORRECTION.hazard_multiplier_age1plus, "ratio",
                    "factor on the 1926-27 and 1938-39 life tables' death hazard at ages 1+ (death under-"
                    f"registration). Range {f['k_low']:.3f}-{f['k_high']:.3f}: ADH's RSFSR death rates of women "
                    "in 1937 and 1938 (adh_rsfsr_death_rates_1936_1939) over the official 1938-39 female table, "
                    f"lowest and highest 5-year group 15-74 (mean {f['k_mean']:.3f}); women, whom the Terror "
                    "barely reached; the RSFSR, not the USSR; ages 1-14 and 75+ assumed alike. Default 1.146 "
                    "(the simulation's baseline, inside the range)", low=0.5, high=3.0),
                  "baseline", "uniform", (f["k_low"], f["k_high"])),
        Component(P("male_hazard_ratio", 1.0, "ratio",
                    "men's under-registration factor over the women's. ADH's RSFSR rates of 1936, the year before "
                    f"the Terror, give men {f['male_female_1936']:.3f} times the women's factor over the official "
                    f"table (in 1937-38, with the Terror, men {f['male_1937_38']:.2f}); range 0.95-1.05 "
                    "(assumption)", low=0.5, high=2.0), "baseline", "uniform", (0.95, 1.05)),
        Component(P("infant_qx_multiplier", DEFAULT_CORRECTION.infant_qx_multiplier, "ratio",
                    "factor on the infant death probability q0 of the 1926-27 and 1938-39 tables. Range "
                    f"{inf_lo:.3f}-{inf_hi:.3f}: ADH's infant mortality over the official q0 ({inf_text}; "
                    "adh_imr_*, official_q0_1938_1939) and Lorimer's 1.146 for 1926 (default, the simulation's)",
                    low=0.5, high=3.0), "baseline", "uniform", (inf_lo, inf_hi),
                  ("adh_imr_1937", "adh_imr_1938", "adh_imr_1938_1939", "official_q0_1938_1939")),
        Component(P("births_1937_1938_scale", 1.0, "ratio",
                    "factor on the births of 1937-38 (the reverse-survival series of demography.births). ADH's "
                    f"crude birth rates x mid-year population give {f['births_ratio']:.3f} times the series "
                    f"({_k(f['adh_births'])}: adh_cbr_1937, adh_cbr_1938 and adh_5y; computed); range from the "
                    "lower to the higher of the two, widened by 0.02 either side (assumption)", low=0.5, high=2.0),
                  "baseline", "uniform", (b_lo, b_hi), ("adh_cbr_1937", "adh_cbr_1938")),
        Component(P("annexed_scale", 1.0, "ratio",
                    "factor on the population of the territories annexed in 1939-40 (ADH's 1939 in both borders); "
                    "range 0.95-1.05 (assumption about ADH's precision there; only the 1939-1959 comparisons use it)",
                    low=0.0, high=2.0, assumption=True), "territory", "uniform", (0.95, 1.05)),
        # -- floor and anchors (the verdict) ---------------------------------------------------
        Component(P("death_sentences_carried_out_share", 0.95, "share",
                    "share of the death sentences of 1937-38 carried out. No national figure was found (the "
                    "Kuybyshev list of 1938 shows list cases dropped before sentence: kuybyshev_list_dropped_share); "
                    "range 0.9-1 (assumption)", low=0, high=1, assumption=True),
                  "floor", "uniform", (0.9, 1.0), ("kuybyshev_list_dropped_share",)),
        Component(P("women_share_executed", 0.02, "share",
                    "women's share among those executed in 1937-38. No national figure was found. Default 0.02: the "
                    "case study's 'perhaps 2 percent' of the executed (seed text, 'Yezhov crushes the traitors'); "
                    "the list of women shot names more than 16,000 (women_shot_list, 1918-1953, most in 1937-38); "
                    "range 0.015-0.05, the top from the Tambov elite sample's 'less than 5 percent' "
                    "(tambov_elite_women_share; assumption)", low=0, high=1, assumption=True),
                  "floor", "uniform", (0.015, 0.05), ("women_shot_list", "tambov_elite_women_share")),
        Component(P("women_share_camp_deaths", 0.061, "share",
                    "women's share among the Gulag's deaths of 1937-38. Not published; default: women's share "
                    "among the inmates in 1937, 6.1% (gulag_sex_composition_partial); range 0.03-0.081 (8.1% in "
                    "1941; women survived camps better than men, Conquest in the seed: assumption)",
                    low=0, high=1, assumption=True), "floor", "uniform", (0.03, 0.081)),
        Component(P("anchor_women_tolerance_persons", 50_000, "persons",
                    "how far women's excess deaths may stray from women's share of the documented deaths applied "
                    "to the men's (deaths of women outside executions and camps: exile, prison, transport; "
                    "assumption)", low=1, high=10_000_000, assumption=True), "anchors"),
        Component(P("anchor_children_tolerance_persons", 50_000, "persons",
                    "how far the excess deaths of children under 15 in 1939 may stray from 0 (the Terror's deaths "
                    "of children; assumption)", low=1, high=10_000_000, assumption=True), "anchors"),
    ]
    return tuple(out)


def component(name: str) -> Component:
    """The component ``name``; :class:`DataError` listing the valid names if unknown."""
    for c in components():
        if c.name == name:
            return c
    raise DataError("error model", f"unknown component {name!r} (valid: {', '.join(c.name for c in components())})")


# -- the user's settings ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Setting:
    """A component as the user set it: a fixed ``value``, or a range ``low``..``high`` to draw over."""

    value: float | None = None
    low: float | None = None
    high: float | None = None
    source: str = ""


_RANGE = re.compile(r"^\s*([^.]+(?:\.\d+)?(?:e[+-]?\d+)?)\s*\.\.\s*(.+)$", re.IGNORECASE)


def _number(text: str) -> float | None:
    try:
        v = float(text.replace(",", "").replace("_", ""))
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def _check_setting(c: Component, s: Setting, where: str) -> list[str]:
    p = c.param
    problems = []
    vals = [v for v in (s.value, s.low, s.high) if v is not None]
    for v in vals:
        x: Any = int(v) if p.kind == "integer" and float(v).is_integer() else v
        problem = p.check(x)
        if problem:
            problems.append(f"{where}{problem}")
    if s.low is not None and s.high is not None and s.low > s.high:
        problems.append(f"{where}{c.name}: low {format_number(s.low)} is above high {format_number(s.high)}")
    return problems


@dataclass(frozen=True)
class ErrorModel:
    """The error model with the user's settings over the declared defaults and priors."""

    settings: Mapping[str, Setting] = field(default_factory=dict)
    origin: str = "defaults"

    @classmethod
    def default(cls) -> ErrorModel:
        return cls()

    # -- building --------------------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: Mapping[str, Any], origin: str = "<dict>") -> ErrorModel:
        """Settings from parsed TOML: ``key = { value = ..., source = "..." }`` or
        ``key = { low = ..., high = ..., source = "..." }``; every problem reported at once."""
        names = {c.name: c for c in components()}
        problems: list[str] = []
        out: dict[str, Setting] = {}
        for key, raw in data.items():
            if key not in names:
                problems.append(f"unknown key {key!r} (valid: {', '.join(sorted(names))})")
                continue
            if not isinstance(raw, Mapping):
                shown = format_number(raw) if isinstance(raw, int | float) and not isinstance(raw, bool) else repr(raw)
                problems.append(f"{key} = {shown} has no source: write {key} = {{ value = {shown}, source = \"...\" }} "
                                f"or {key} = {{ low = ..., high = ..., source = \"...\" }}")
                continue
            extra = set(raw) - {"value", "low", "high", "source"}
            if extra:
                problems.append(f"{key}: unknown field(s) {', '.join(sorted(extra))} (valid: value, low, high, source)")
                continue
            source = raw.get("source", "")
            if not isinstance(source, str) or not source.strip():
                problems.append(f"{key} has no source: every number needs its citation (or 'assumption: why')")
                continue
            fields_ = {k: raw[k] for k in ("value", "low", "high") if k in raw}
            if any(isinstance(v, bool) or not isinstance(v, int | float) for v in fields_.values()):
                problems.append(f"{key}: value, low and high must be numbers; got {fields_!r}")
                continue
            if ("value" in fields_) == ("low" in fields_ or "high" in fields_) or (
                    "value" not in fields_ and not ("low" in fields_ and "high" in fields_)):
                problems.append(f"{key}: give either value, or low and high")
                continue
            s = Setting(**{k: float(v) for k, v in fields_.items()}, source=source.strip())
            if s.value is None and names[key].draw == "fixed":
                problems.append(f"{key} is not drawn (a fixed setting of the method): give a value, not a range")
                continue
            problems += _check_setting(names[key], s, "")
            out[key] = s
        if problems:
            raise ScenarioError(origin, problems)
        return cls(out, origin)

    @classmethod
    def from_toml(cls, path: str | Path) -> ErrorModel:
        """Read an error-model file (see :meth:`from_dict`); one :class:`ScenarioError` lists every problem."""
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8")
        except OSError as exc:
            raise ScenarioError(str(p), [f"cannot read the file ({exc.strerror or exc})"]) from None
        except UnicodeDecodeError:
            raise ScenarioError(str(p), ["not a UTF-8 text file"]) from None
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ScenarioError(str(p), [f"not valid TOML: {exc}"]) from None
        return cls.from_dict(data, origin=str(p))

    def with_sets(self, items: Iterable[str]) -> ErrorModel:
        """These settings plus ``KEY=VALUE`` (fixed) or ``KEY=LOW..HIGH`` (drawn over that range) items."""
        names = {c.name: c for c in components()}
        problems: list[str] = []
        out = dict(self.settings)
        for item in items:
            key, sep, text = item.partition("=")
            key, text = key.strip(), text.strip()
            if not sep or not key or not text:
                problems.append(f"{item!r}: expected KEY=VALUE or KEY=LOW..HIGH")
                continue
            if key not in names:
                problems.append(f"unknown key {key!r} (valid: {', '.join(sorted(names))})")
                continue
            if ".." in text:
                lo_text, _, hi_text = text.partition("..")
                lo, hi = _number(lo_text), _number(hi_text)
                if lo is None or hi is None:
                    problems.append(f"{key}: expected LOW..HIGH as two numbers; got {text!r}")
                    continue
                if names[key].draw == "fixed":
                    problems.append(f"{key} is not drawn (a fixed setting of the method): give a value, not a range")
                    continue
                s = Setting(low=lo, high=hi, source="set on the command line")
            else:
                v = _number(text)
                if v is None:
                    problems.append(f"{key}: expected a number; got {text!r}")
                    continue
                s = Setting(value=v, source="set on the command line")
            problems += _check_setting(names[key], s, "")
            out[key] = s
        if problems:
            raise ScenarioError("--set", problems)
        origin = self.origin if not out or out == dict(self.settings) else f"{self.origin} + --set"
        return ErrorModel(out, origin)

    # -- reading ---------------------------------------------------------------------------------
    def central(self, name: str) -> float:
        """The component's central value: the user's fixed value, the middle of the user's range, or
        the declared default."""
        s = self.settings.get(name)
        if s is not None and s.value is not None:
            return s.value
        if s is not None and s.low is not None and s.high is not None:
            return (s.low + s.high) / 2
        return float(component(name).param.default)

    def prior(self, name: str) -> tuple[Draw, float, float]:
        """How ``name`` is drawn: ``("fixed", v, v)`` or ``(kind, low, high)``."""
        c = component(name)
        s = self.settings.get(name)
        if s is not None and s.value is not None:
            return "fixed", s.value, s.value
        if s is not None and s.low is not None and s.high is not None:
            return c.draw, s.low, s.high
        if c.draw == "fixed" or c.prior is None:
            v = float(c.param.default)
            return "fixed", v, v
        return c.draw, float(c.prior[0]), float(c.prior[1])

    def table(self) -> pd.DataFrame:
        """One row per component: ``name, group, unit, default, distribution, low, high, set_by, source,
        assumption, evidence, doc`` (for the outputs that list the assumptions)."""
        rows = []
        for c in components():
            draw, lo, hi = self.prior(c.name)
            s = self.settings.get(c.name)
            rows.append({"name": c.name, "group": c.group, "unit": c.param.unit, "central": self.central(c.name),
                         "distribution": draw, "low": lo, "high": hi,
                         "set_by": "user" if s is not None else "default",
                         "source": s.source if s is not None else c.param.doc,
                         "assumption": (s.source.lower().startswith("assumption") or s.source.startswith("set on"))
                         if s is not None else c.param.assumption,
                         "evidence": ", ".join(c.evidence), "doc": c.param.doc})
        return pd.DataFrame(rows)

    def describe(self) -> list[str]:
        """One line per component: name, how drawn, set by whom (for every output)."""
        out = []
        for r in self.table().itertuples():
            how = (f"{format_number(r.low)}" if r.distribution == "fixed"
                   else f"{r.distribution} {format_number(r.low)}..{format_number(r.high)}")
            tag = " (assumption)" if r.assumption else ""
            who = f"; set by the user: {r.source}" if r.set_by == "user" else ""
            out.append(f"{r.name}: {how} {r.unit}{tag}{who}".replace("  ", " "))
        return out

    # -- drawing ---------------------------------------------------------------------------------
    def draw(self, n: int, seed: int = DEFAULT_MODEL_SEED) -> ErrorDraws:
        """``n`` draws of every component (keyed streams: a component's draws depend only on the seed,
        its name and its prior)."""
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
            raise DataError("error model", f"draws must be a whole number >= 1; got {n!r}")
        values: dict[str, np.ndarray] = {}
        for c in components():
            kind, lo, hi = self.prior(c.name)
            if kind == "fixed":
                values[c.name] = np.full(n, lo, dtype=float)
            elif kind == "integers":
                values[c.name] = stream(seed, c.name).integers(int(lo), int(hi) + 1, size=n).astype(float)
            else:
                values[c.name] = stream(seed, c.name).uniform(lo, hi, size=n)
        z = stream(seed, "padding_1939_dirichlet").standard_normal(size=(n, N_PADDING_CELLS))
        return ErrorDraws(values, z, self)

    def central_draw(self) -> ErrorDraws:
        """One "draw" at the central values, with no Dirichlet spread."""
        values = {c.name: np.array([self.central(c.name)]) for c in components()}
        return ErrorDraws(values, None, self)


@dataclass(frozen=True)
class ErrorDraws:
    """``n`` draws of the error model: one array (n,) per component, the padding spread's normals."""

    values: Mapping[str, np.ndarray]
    dirichlet_normals: np.ndarray | None  # (n, N_PADDING_CELLS) keyed standard normals; None: no spread
    model: ErrorModel

    @property
    def n(self) -> int:
        return int(next(iter(self.values.values())).shape[0])

    def __getitem__(self, name: str) -> np.ndarray:
        try:
            return self.values[name]
        except KeyError:
            raise DataError("error model", f"unknown component {name!r}") from None

    def chunk(self, lo: int, hi: int) -> ErrorDraws:
        z = None if self.dirichlet_normals is None else self.dirichlet_normals[lo:hi]
        return ErrorDraws({k: v[lo:hi] for k, v in self.values.items()}, z, self.model)

    def frame(self) -> pd.DataFrame:
        """The drawn values, one column per component."""
        return pd.DataFrame({k: np.asarray(v) for k, v in self.values.items()})

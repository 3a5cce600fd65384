"""Kinds and checks of the archival tables with a regular shape (series by year, quotas).

- ``convictions``: convictions for "counter-revolutionary" crimes by year and category
  (``total``, ``death``, ``camps``, ``exile``, ``other``) for one or more ``series``; a row with no
  ``year`` is a printed column total over the table's years. Checks: ``total = death + camps +
  exile + other`` in every year, and each printed column total = the sum of its years, both up to
  the ``documented_difference`` the document itself shows; every year of the table's span
  present with the same categories; a value that differs from ``value_as_printed`` has a
  ``correction_note``; where the catalog names a ``second_copy`` of the same document, every
  common cell agrees with it (after the corrections).
- ``gulag_deaths``: deaths by year and as percent of the average population; printed total =
  sum of the years (+ documented difference); years complete; percentages plausible against the
  bundled 1 January population counts.
- ``gulag_population``, ``gulag_sex``, ``prisons``: stocks of prisoners (dates valid, coverage
  named, male + female shares = 100 and matching the counts, quarters complete).
- ``quota_limits``: Order 00447 limits by region and category: ``total = 1 + 2``; regions sum
  exactly to the all-Union limits (or at most to their parent's); raised limits not below the
  initial ones.
- ``estimates``: published estimates with author, measure, period and low/high bounds.
- ``key_totals``: the ``facts`` checks, plus: the figures taken or computed from the 1953
  certificate (``vmn_1937_1938``, the death sentences of 1937-38; convicted 1937, 1938, 1939; the printed
  totals ``cert1953_convicted`` and ``cert1953_vmn``) equal its corrected yearly rows (:data:`KEY_LINKS`).
"""

from __future__ import annotations

import re

import pandas as pd

from purgetoll.data import _archive_facts as facts
from purgetoll.data._archive_facts import (
    FACT_COLUMNS,
    choice_problems,
    fmt,
    iso_date,
    negative_problems,
    number,
    qualifier_problems,
    sum_problems,
    text,
)
from purgetoll.data._catalog import load
from purgetoll.data._registry import Problem, TableInfo, register_check, register_kind

__all__: list[str] = []

CATEGORIES = ("total", "death", "camps", "exile", "other")
PARTS = ("death", "camps", "exile", "other")
SERIES = ("mvd_1953", "mvd_1st_special_dept", "kgb")

register_kind(
    "convictions",
    required=("series", "period", "year", "category", "value", "value_as_printed", "correction_note",
              "documented_difference", "source", "note"),
    keys=("series", "period", "category"),
    counts=("value", "value_as_printed"),
)
register_kind(
    "gulag_deaths",
    required=("period", "year", "deaths", "deaths_pct_of_average_population", "documented_difference",
              "source", "note"),
    keys=("period",),
    counts=("deaths",),
)
register_kind(
    "gulag_population",
    required=("date", "date_as_printed", "coverage", "coverage_as_printed", "prisoners", "qualifier",
              "source", "note"),
    keys=("date", "coverage"),
    counts=("prisoners",),
)
register_kind(
    "gulag_sex",
    required=("date", "coverage", "coverage_as_printed", "sex", "count", "pct", "source", "note"),
    keys=("date", "coverage", "sex"),
    counts=("count",),
)
register_kind(
    "prisons",
    required=("date", "count", "value_as_printed", "correction_note", "source", "note"),
    keys=("date",),
    counts=("count",),
)
register_kind(
    "quota_limits",
    required=("date", "stage", "region", "region_type", "parent_region", "category", "value",
              "value_as_printed", "computed", "source", "note"),
    keys=("region", "stage", "date", "category"),
    counts=("value",),
)
# The key certificates are a facts table whose computed and repeated figures must also agree
# with the yearly rows of the 1953 certificate.
register_kind("key_totals", required=FACT_COLUMNS, keys=("id",))
for _fn in (facts.rows_check, facts.parts_check, facts.disputes_check):
    register_check("key_totals")(_fn)
register_kind(
    "estimates",
    required=("id", "author", "year_of_estimate", "subject", "measure", "metric", "period", "territory",
              "value", "value_low", "value_high", "qualifier", "unit", "value_as_printed", "source", "note"),
    keys=("id",),
)

COVERAGES = ("camps", "colonies", "camps_and_colonies", "camps_colonies_prisons", "unspecified")
SEXES = ("male", "female", "unspecified")
STAGES = ("initial", "increase", "raised_to")
QUOTA_CATEGORIES = ("1", "2", "total")
MEASURES = (
    "arrests", "executions", "camp_deaths", "prison_population", "camp_population", "repressed",
    "detained_population", "repression_deaths", "sentenced", "famine_deaths", "",
)
ESTIMATE_SUBJECTS = ("purge", "famine")
# Implied average population (deaths / rate) against the population of 1 January of the same or
# the next year: the two can differ in coverage (camps only vs camps and colonies) and the
# population grows or shrinks within a year, but not by more than a factor of two.
PLAUSIBLE_RATIO = (0.5, 2.0)
#: How a printed column total's message names the sum it is checked against.
YEARLY_SUM = "the sum of the yearly rows "


def _span(info: TableInfo) -> tuple[int, int] | None:
    """The catalog's ``years = "1921-1953"``: the span a series claims to cover completely."""
    raw = info.extra.get("years")
    if not raw:
        return None
    a, b = str(raw).split("-")
    return int(a), int(b)


def _year_problems(info: TableInfo, key: str, years: list[int]) -> list[Problem]:
    """Every year of the catalog's span present (no gap, nothing outside)."""
    span = _span(info)
    if span is None:
        return []
    have = set(years)
    want = set(range(span[0], span[1] + 1))
    out = []
    missing = sorted(want - have)
    if missing:
        out.append(Problem(info.name, key, f"year(s) {', '.join(map(str, missing))} missing (the table claims {span[0]}-{span[1]})"))
    extra = sorted(have - want)
    if extra:
        out.append(Problem(info.name, key, f"year(s) {', '.join(map(str, extra))} outside the claimed span {span[0]}-{span[1]}"))
    return out


# ---------------------------------------------------------------- convictions


@register_check("convictions")
def _convictions(info: TableInfo, df: pd.DataFrame) -> list[Problem]:
    problems: list[Problem] = []
    t = info.name
    d = df.assign(_cat=df["category"].map(text), _series=df["series"].map(text), _period=df["period"].map(text))
    for _, row in d.iterrows():
        key = f"series={row['_series']}, period={row['_period']}, category={row['_cat']}"
        problems += choice_problems(t, key, "category", row["_cat"], CATEGORIES)
        problems += choice_problems(t, key, "series", row["_series"], SERIES)
        v, p = number(row["value"]), number(row["value_as_printed"])
        if not text(row["correction_note"]) and ((v is None) != (p is None) or (v is not None and v != p)):
            problems.append(
                Problem(t, key, f"value {fmt(v)} differs from value_as_printed {fmt(p)} without a correction_note (expected equal values, or a note saying why the printed figure was corrected)")
            )
        if text(row["documented_difference"]) and not (row["_cat"] == "total" or pd.isna(row["year"])):
            problems.append(Problem(t, key, "documented_difference is set on a part (expected only on a year's total or on a printed column total)"))
    if problems:
        return problems
    years = d[d["year"].notna()]
    totals = d[d["year"].isna()]
    for series, g in years.groupby("_series", sort=False):
        cats_by_year = g.groupby("year")["_cat"].apply(frozenset)
        expected_cats = frozenset(g["_cat"])
        for y, cats in cats_by_year.items():
            if cats != expected_cats:
                missing = ", ".join(c for c in CATEGORIES if c in expected_cats - cats)
                problems.append(Problem(t, f"series={series}, year={y}", f"category {missing} missing (expected {', '.join(c for c in CATEGORIES if c in expected_cats)})"))
        problems += _year_problems(info, f"series={series}", [int(y) for y in g["year"].unique()])
        if not set(PARTS) <= expected_cats or "total" not in expected_cats:
            continue
        for period, pg in g.groupby("_period", sort=False):
            vals = {c: number(v) for c, v in zip(pg["_cat"], pg["value"], strict=True)}
            if set(vals) != set(CATEGORIES):
                continue  # a missing category is reported above
            tot_row = pg[pg["_cat"] == "total"].iloc[0]
            problems += sum_problems(
                t, f"series={series}, period={period}, category=total", ("total", vals["total"]),
                ("death + camps + exile + other = ", sum(vals[c] or 0.0 for c in PARTS)),
                number(tot_row["documented_difference"]),
            )
    problems += _second_copy(info, years)
    for _, row in totals.iterrows():
        series, cat = row["_series"], row["_cat"]
        g = years[(years["_series"] == series) & (years["_cat"] == cat)]
        problems += sum_problems(
            t, f"series={series}, period={row['_period']}, category={cat}", ("printed total", number(row["value"])),
            (YEARLY_SUM, sum(number(v) or 0.0 for v in g["value"])), number(row["documented_difference"]),
        )
    return problems


def _second_copy(info: TableInfo, years: pd.DataFrame) -> list[Problem]:
    """The catalog's ``second_copy = "table:series"``: another printing of the same document.

    The 1953 certificate is printed by Kurashvili (with typos) and by 'Stalinskaia epokha' p.128
    (totals and death sentences only); after the corrections every common cell must agree.
    """
    ref = info.extra.get("second_copy")
    if not ref:
        return []
    table, series = str(ref).split(":")
    other = load(table)
    other = other[(other["series"] == series) & other["year"].notna()]
    want = {(int(y), text(c)): number(v) for y, c, v in zip(other["year"], other["category"], other["value"], strict=True)}
    problems = []
    for _, row in years.iterrows():
        key = (int(row["year"]), row["_cat"])
        if key not in want:
            continue
        v, w = number(row["value"]), want[key]
        if v != w:
            problems.append(
                Problem(info.name, f"series={row['_series']}, period={row['_period']}, category={row['_cat']}", f"value {fmt(v)} differs from the second copy of the document ({table}, series {series}): {fmt(w)} (expected {fmt(w)})")
            )
    return problems


# id in repression_key_totals -> (category, years of the certificate summed; None = printed total)
KEY_LINKS: dict[str, tuple[str, tuple[int, ...] | None]] = {
    "vmn_1937_1938": ("death", (1937, 1938)),
    "convicted_1937_1938": ("total", (1937, 1938)),
    "convicted_1937_mvd1953": ("total", (1937,)),
    "convicted_1938_mvd1953": ("total", (1938,)),
    "convicted_1939_mvd1953": ("total", (1939,)),
    "cert1953_convicted": ("total", None),
    "cert1953_vmn": ("death", None),
}


@register_check("key_totals")
def _key_totals_vs_certificate(info: TableInfo, df: pd.DataFrame) -> list[Problem]:
    """Figures taken or computed from the 1953 certificate equal its (corrected) rows."""
    table = str(info.extra.get("certificate_table", ""))
    if not table:
        return []
    cert = load(table)
    cert = cert[cert["series"] == "mvd_1953"]
    problems = []
    ids = df["id"].map(text)
    for id_, (cat, years) in KEY_LINKS.items():
        rows = df[ids == id_]
        if rows.empty:
            problems.append(Problem(info.name, f"id={id_}", f"missing (expected the figure taken from {table})"))
            continue
        c = cert[cert["category"] == cat]
        if years is None:
            want = float(c.loc[c["year"].isna(), "value"].sum())
            what = f"the printed {cat} total of {table}"
        else:
            want = float(c.loc[c["year"].isin(years), "value"].sum())
            what = f"{cat} {' + '.join(map(str, years))} of {table}"
        got = number(rows["value"].iloc[0])
        if got != want:
            problems.append(Problem(info.name, f"id={id_}", f"value {fmt(got)} differs from {what} = {fmt(want)} (expected {fmt(want)})"))
    return problems


# ---------------------------------------------------------------- Gulag deaths and stocks


@register_check("gulag_deaths")
def _gulag_deaths(info: TableInfo, df: pd.DataFrame) -> list[Problem]:
    t = info.name
    problems: list[Problem] = []
    years = df[df["year"].notna()]
    problems += _year_problems(info, "year", [int(y) for y in years["year"]])
    for _, row in years.iterrows():
        pct = number(row["deaths_pct_of_average_population"])
        if pct is not None and not 0 < pct <= 100:
            problems.append(Problem(t, f"period={text(row['period'])}", f"deaths_pct_of_average_population = {fmt(pct)} (expected a percentage in (0, 100])"))
    s = float(sum(number(v) or 0 for v in years["deaths"]))
    for _, row in df[df["year"].isna()].iterrows():
        problems += sum_problems(
            t, f"period={text(row['period'])}", ("printed total", number(row["deaths"])), (YEARLY_SUM, s),
            number(row["documented_difference"]),
        )
    if problems:
        return problems
    return problems + _deaths_vs_population(info, years)


def _deaths_vs_population(info: TableInfo, years: pd.DataFrame) -> list[Problem]:
    """deaths / rate gives the average population; compare with the 1 January counts."""
    pop_name = info.extra.get("population_table")
    if not pop_name:
        return []
    pop = load(str(pop_name))
    jan1: dict[int, list[tuple[str, str, float]]] = {}
    for _, p in pop.iterrows():
        d = text(p["date"])
        n = number(p["prisoners"])
        if d.endswith("-01-01") and n is not None:
            jan1.setdefault(int(d[:4]), []).append((d, text(p["coverage"]), n))
    problems = []
    lo, hi = PLAUSIBLE_RATIO
    for _, row in years.iterrows():
        y = int(row["year"])
        deaths, pct = number(row["deaths"]), number(row["deaths_pct_of_average_population"])
        if deaths is None or pct is None:
            continue
        implied = deaths * 100.0 / pct
        for d, cov, n in jan1.get(y, []) + jan1.get(y + 1, []):
            if not lo <= implied / n <= hi:
                problems.append(
                    Problem(info.name, f"period={y}", f"{fmt(deaths)} deaths at {fmt(pct)}% imply an average population of {fmt(round(implied))}, not within {lo:g}-{hi:g} x the {fmt(n)} prisoners on {d} ({cov}, {pop_name}) (expected a rate consistent with the population)")
                )
    return problems


def _date_problems(table: str, key: str, d: str) -> list[Problem]:
    """The row's ``date`` must be an ISO date."""
    if iso_date(d) is None:
        return [Problem(table, key, f"date {d!r} is not an ISO date YYYY-MM-DD")]
    return []


@register_check("gulag_population")
def _gulag_population(info: TableInfo, df: pd.DataFrame) -> list[Problem]:
    problems = []
    for _, row in df.iterrows():
        key = f"date={text(row['date'])}, coverage={text(row['coverage'])}"
        problems += _date_problems(info.name, key, text(row["date"]))
        problems += choice_problems(info.name, key, "coverage", text(row["coverage"]), COVERAGES)
        if text(row["qualifier"]) not in ("exact", "about"):
            problems.append(Problem(info.name, key, f"qualifier {text(row['qualifier'])!r} (expected exact or about)"))
        n = number(row["prisoners"])
        if n is None or n <= 0:
            problems.append(Problem(info.name, key, f"prisoners = {fmt(n)} (expected a positive count)"))
    return problems


@register_check("gulag_sex")
def _gulag_sex(info: TableInfo, df: pd.DataFrame) -> list[Problem]:
    problems = []
    for _, row in df.iterrows():
        key = f"date={text(row['date'])}, coverage={text(row['coverage'])}, sex={text(row['sex'])}"
        problems += choice_problems(info.name, key, "sex", text(row["sex"]), SEXES)
        pct = number(row["pct"])
        if pct is not None and not 0 <= pct <= 100:
            problems.append(Problem(info.name, key, f"pct = {fmt(pct)} (expected a percentage in [0, 100])"))
        problems += _date_problems(info.name, key, text(row["date"]))
    if problems:
        return problems
    for (d, cov), g in df.groupby([df["date"].map(text), df["coverage"].map(text)], sort=False):
        by = {text(r["sex"]): r for _, r in g.iterrows()}
        if "male" not in by or "female" not in by:
            continue
        m, f = by["male"], by["female"]
        pm, pf = number(m["pct"]), number(f["pct"])
        key = f"date={d}, coverage={cov}"
        if pm is not None and pf is not None and abs(pm + pf - 100) > 0.1 + 1e-9:
            problems.append(Problem(info.name, key, f"male {fmt(pm)}% + female {fmt(pf)}% = {fmt(pm + pf)}% (expected 100 within rounding 0.1)"))
        cm, cf = number(m["count"]), number(f["count"])
        if cm is not None and cf is not None and pm is not None and cm + cf > 0:
            share = 100.0 * cm / (cm + cf)
            if abs(share - pm) > 0.05 + 1e-9:
                problems.append(Problem(info.name, f"{key}, sex=male", f"pct {fmt(pm)} does not match the counts: {fmt(cm)} of {fmt(cm + cf)} = {share:.2f}% (expected within 0.05 of it)"))
    return problems


@register_check("prisons")
def _prisons(info: TableInfo, df: pd.DataFrame) -> list[Problem]:
    problems = []
    dates = []
    for _, row in df.iterrows():
        d = text(row["date"])
        key = f"date={d}"
        if iso_date(d) is None or d[5:] not in ("01-01", "04-01", "07-01", "10-01"):
            problems.append(Problem(info.name, key, f"date {d!r} is not the first day of a quarter (expected YYYY-01-01, -04-01, -07-01 or -10-01)"))
            continue
        dates.append(d)
        printed = re.sub(r"\D", "", text(row["value_as_printed"]))
        v = number(row["count"])
        if not text(row["correction_note"]) and v is not None and printed and int(printed) != v:
            problems.append(Problem(info.name, key, f"count {fmt(v)} differs from value_as_printed {text(row['value_as_printed'])!r} without a correction_note"))
    if problems or not dates:
        return problems
    q = sorted(int(d[:4]) * 4 + (int(d[5:7]) - 1) // 3 for d in dates)
    have = set(q)
    missing = [f"{i // 4}-{(i % 4) * 3 + 1:02d}-01" for i in range(q[0], q[-1] + 1) if i not in have]
    if missing:
        problems.append(Problem(info.name, "date", f"quarter(s) {', '.join(missing)} missing (expected every quarter from {dates[0]} to {dates[-1]})"))
    return problems


# ---------------------------------------------------------------- Order 00447 limits


@register_check("quota_limits")
def _quota_limits(info: TableInfo, df: pd.DataFrame) -> list[Problem]:
    t = info.name
    problems: list[Problem] = []
    d = df.assign(_cat=df["category"].map(lambda v: text(v).removesuffix(".0")), _stage=df["stage"].map(text),
                  _region=df["region"].map(text), _parent=df["parent_region"].map(text), _date=df["date"].map(text))
    for _, row in d.iterrows():
        key = f"region={row['_region']}, stage={row['_stage']}, category={row['_cat']}"
        problems += choice_problems(t, key, "stage", row["_stage"], STAGES)
        problems += choice_problems(t, key, "category", row["_cat"], QUOTA_CATEGORIES)
        if row["_date"]:
            problems += _date_problems(t, key, row["_date"])
    if problems:
        return problems
    init = d[d["_stage"] == "initial"]
    val = {(r["_region"], r["_cat"]): number(r["value"]) for _, r in init.iterrows()}
    for region in dict.fromkeys(init["_region"]):
        tot, c1, c2 = (val.get((region, c)) for c in ("total", "1", "2"))
        if tot is not None and c1 is not None and c2 is not None and tot != c1 + c2:
            problems.append(Problem(t, f"region={region}, stage=initial, category=total", f"total {fmt(tot)} does not equal category 1 {fmt(c1)} + category 2 {fmt(c2)} (expected {fmt(c1 + c2)})"))
    # Regions under a parent: exactly the parent's limit when the catalog says the list is
    # complete (the republic table), at most the parent's otherwise (regional examples).
    complete = bool(info.extra.get("regions_complete", False))
    parents_table = info.extra.get("parent_table")
    parent_val = dict(val)
    if parents_table:
        p = load(str(parents_table))
        p = p[p["stage"].map(text) == "initial"]
        parent_val.update({(text(r["region"]), text(r["category"]).removesuffix(".0")): number(r["value"]) for _, r in p.iterrows()})
    for (parent, cat), g in init[init["_parent"] != ""].groupby(["_parent", "_cat"], sort=False):
        pv = parent_val.get((parent, cat))
        if pv is None:
            continue
        s = sum(number(v) or 0.0 for v in g["value"])
        key = f"region={parent}, stage=initial, category={cat}"
        if complete and s != pv:
            problems.append(Problem(t, key, f"limit {fmt(pv)} does not equal the sum of its {len(g)} regions {fmt(s)} (expected {fmt(s)})"))
        elif not complete and s > pv:
            problems.append(Problem(t, key, f"regions listed under {parent} sum to {fmt(s)}, more than its limit {fmt(pv)} (expected at most {fmt(pv)})"))
    for _, row in d[d["_stage"] == "raised_to"].iterrows():
        base = val.get((row["_region"], row["_cat"]))
        v = number(row["value"])
        if base is not None and v is not None and v < base:
            problems.append(Problem(t, f"region={row['_region']}, stage=raised_to, category={row['_cat']}", f"raised limit {fmt(v)} is below the initial limit {fmt(base)} (expected at least {fmt(base)})"))
    return problems


# ---------------------------------------------------------------- published estimates


@register_check("estimates")
def _estimates(info: TableInfo, df: pd.DataFrame) -> list[Problem]:
    problems: list[Problem] = []
    for _, row in df.iterrows():
        key = f"id={text(row['id'])}"
        problems += qualifier_problems(info.name, key, row)
        problems += negative_problems(info.name, key, row)
        problems += choice_problems(info.name, key, "subject", text(row["subject"]), ESTIMATE_SUBJECTS)
        problems += choice_problems(info.name, key, "measure", text(row["measure"]), MEASURES)
        if not text(row["author"]):
            problems.append(Problem(info.name, key, "author is empty (expected who made the estimate)"))
    return problems


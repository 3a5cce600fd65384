"""Maintainer tool: re-tabulate the archival reference files into the bundled tidy tables.

Run by a maintainer (``python tools/retabulate.py``), never by the package at run time. It reads
the archival and machinery reference CSVs (their folder is the argument) and writes the tables
listed in ``catalog/archive.toml`` and ``catalog/machinery.toml`` into ``tables/``. The
citations and caveats live in the catalogs (written by hand); this tool moves numbers and records
every decision in the tables themselves: a corrected typo keeps ``value_as_printed`` and a
``correction_note``; a difference the document itself shows is a ``documented_difference``; a
figure split out of a note or out of an "a / b" cell keeps its row's source and says so; a figure
computed here is marked ``computed``. A re-run on the same inputs gives byte-identical tables
(tested).

This module: convictions by year, the Gulag and prisons series, estimates, the Order 00447
limits, and :func:`build_tables` / :func:`write_tables`. The facts tables of the archive are built in
:mod:`retab.archive_facts`, the machinery tables in :mod:`retab.machinery`.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from retab import archive_facts, machinery
from retab.cells import Retab, bounds, dec, norm_num, parse_value, resolve_same

CONV_COLS = ["series", "period", "year", "category", "value", "value_as_printed", "correction_note",
             "documented_difference", "source", "note"]
CATS = [("total", "convicted_total_as_printed"), ("death", "death_sentences_VMN"),
        ("camps", "camps_colonies_prisons"), ("exile", "exile_ssylka_vysylka"),
        ("other", "other_measures")]

# Corrections of printed typos, each argued by the transcriber's consistency_note.
CORR_1953 = {
    ("1932", "death"): (2728, "printed 22728; the row sum implies 2,728 and the MVD column of the second source (Stalinskaia epokha p.128) prints 2,728"),
    ("1937", "total"): (790665, "printed truncated as '0665'; the components sum to 790,665 and the second source (Stalinskaia epokha p.128) prints 790,665"),
    ("1938", "exile"): (16842, "printed 16342; the row total implies 16,842 and so does the printed column total (413,512 after corrections)"),
    ("1948", "total"): (73269, "printed 73263; the components sum to 73,269 and the second source (Stalinskaia epokha p.128) prints 73,269"),
}
# Differences the document itself contains and that no second source resolves: printed value minus
# the sum of its parts (a year's categories, or a category's years for the printed column totals).
DIFF_1953 = {
    ("1941", "total"): (-10, "printed total 75,411 is 10 less than its components (75,421); the second source also prints 75,411 and VMN 8,011, so the document's own difference is kept"),
    ("1921-1953", "death"): (-10, "printed column total 799,455 is 10 less than the sum of the yearly rows (799,465, with 1932 corrected)"),
    ("1921-1953", "camps"): (3000, "printed column total 2,634,397 is 3,000 more than the sum of the yearly rows (2,631,397)"),
    ("1921-1953", "exile"): (10000, "printed column total 423,512 is 10,000 more than the sum of the yearly rows (413,512, with 1938 corrected)"),
}


def _convictions_1953(ctx: Retab) -> list[dict[str, str]]:
    rows = ctx.read("repression_convicted_by_year_1921_1953.csv")
    out = []
    for r in rows:
        y = r["year"].strip()
        if y.startswith("TOTAL"):
            period, year, note = "1921-1953", "", "printed column totals of the certificate; " + r["consistency_note"]
        elif y == "1953 (1st half)":
            period, year, note = "1953-H1", "1953", "first half of 1953 only"
        else:
            period, year, note = y, y, ""
        cn = r["consistency_note"].strip()
        for cat, col in CATS:
            printed = r[col].strip()
            key = (period if year == "" else year, cat)
            corr = CORR_1953.get(key)
            value = str(corr[0]) if corr else (str(int(printed)) if printed else "")
            dd = DIFF_1953.get(key)
            rnote = note
            if year and cn and not corr and not dd:
                rnote = (rnote + "; " if rnote else "") + "row note: " + cn
            if dd:
                rnote = (rnote + "; " if rnote else "") + dd[1]
            if printed == "" and cat == "death" and year in ("1948", "1949"):
                rnote = (rnote + "; " if rnote else "") + "blank as printed (the death penalty was abolished from May 1947 to January 1950)"
            out.append(dict(series="mvd_1953", period=period, year=year, category=cat, value=value,
                            value_as_printed=printed, correction_note=corr[1] if corr else "",
                            documented_difference=str(dd[0]) if dd else "", source=r["source"],
                            note=rnote))
    return out


def _convictions_mvd_kgb(ctx: Retab) -> list[dict[str, str]]:
    rows = ctx.read("repression_convicted_mvd_vs_kgb_1921_1952.csv")
    out = []
    cols = [("mvd_1st_special_dept", "total", "mvd_1st_special_dept_convicted"),
            ("mvd_1st_special_dept", "death", "mvd_death_sentences"),
            ("kgb", "total", "kgb_convicted"), ("kgb", "death", "kgb_death_sentences")]
    years = {}
    for r in rows:
        y = r["year"].strip()
        is_total = y.startswith("total")
        for series, cat, col in cols:
            printed = r[col].strip()
            period = "1921-1952" if is_total else y
            note = "printed column total" if is_total else ""
            if not is_total:
                years.setdefault((series, cat), []).append(int(printed) if printed else 0)
            out.append(dict(series=series, period=period, year="" if is_total else y, category=cat,
                            value=str(int(printed)) if printed else "", value_as_printed=printed,
                            correction_note="", documented_difference="", source=r["source"],
                            note=note))
    # The printed totals of this second source: compare with the sum of its rows and keep the
    # difference as the document's own (computed here, stated in the note).
    for row in out:
        if row["year"] == "":
            s = sum(years[(row["series"], row["category"])])
            d = int(row["value"]) - s
            if d:
                row["documented_difference"] = str(d)
                row["note"] += f"; printed total differs from the sum of the yearly rows ({s:,}) by {d:+,} (computed when bundling)"
    return out


def convictions(ctx: Retab) -> None:
    """The two tables of convictions by year (kind ``convictions``)."""
    ctx.emit("repression_convicted_by_year_1921_1953", CONV_COLS, _convictions_1953(ctx))
    ctx.emit("repression_convicted_mvd_vs_kgb_1921_1952", CONV_COLS, _convictions_mvd_kgb(ctx))


def limits(ctx: Retab) -> None:
    """Order 00447 limits: republic level (initial) and regional examples with increases."""
    rows = ctx.read("mass_and_national_operations_1937_1938.csv")
    cols = ["date", "stage", "region", "region_type", "parent_region", "category", "value",
            "value_as_printed", "computed", "source", "note"]
    src = resolve_same(rows, "source")
    out = []
    werth = src[2]
    out.append(dict(date="1937-07-30", stage="initial", region="USSR", region_type="country",
                    parent_region="", category="total", value="268950", value_as_printed="268950",
                    computed="false", source=src[0], note=rows[0]["note"]))
    out.append(dict(date="1937-07-30", stage="initial", region="USSR", region_type="country",
                    parent_region="", category="1", value="75950", value_as_printed="75950",
                    computed="false", source=src[1], note="75.95 thousand"))
    out.append(dict(date="1937-07-30", stage="initial", region="USSR", region_type="country",
                    parent_region="", category="2", value="193000", value_as_printed="",
                    computed="true", source=src[1],
                    note="computed 268,950 - 75,950 as the source row states; the regional limits (Werth) sum exactly to 75,950 category 1 and 193,000 category 2"))
    for i in range(2, 14):
        r = rows[i]
        region = r["metric"].replace(" cat1/cat2", "")
        c1, c2 = r["value"].split("/")
        rtype = "camps" if region == "NKVD labour camps" else "republic"
        for cat, v in (("1", c1), ("2", c2)):
            note = ""
            if v == "":
                note = "no category-2 limit printed for the camps (blank)"
            out.append(dict(date="1937-07-30", stage="initial", region=region, region_type=rtype,
                            parent_region="USSR", category=cat, value=v, value_as_printed=r["value"],
                            computed="false", source=src[i], note=note))
    assert src[i] == werth
    ctx.emit("order_00447_limits_1937", cols, out)

    # Regional examples (oblast/krai/ASSR): initial limits and later increases.
    reg = []
    k = rows[17]
    ksrc = src[17]
    for region, rtype, a, b in [("Krasnoyarsk krai", "krai", 750, 7350), ("Omsk oblast", "oblast", 1000, 8000),
                                ("Orenburg oblast", "oblast", 1500, 3500), ("Leningrad oblast", "oblast", 4000, 5500)]:
        note = ("row 'Krasnoyarsk krai cat.1: 750->7350'" if region.startswith("Krasnoyarsk") else
                "listed in the note of the Krasnoyarsk row ('" + k["note"] + "'); category 1 is read from that row's heading")
        note += "; date of the increase not given; low-confidence secondary (partisan author)"
        reg.append(dict(date="1937-07-30", stage="initial", region=region, region_type=rtype,
                        parent_region="RSFSR", category="1", value=str(a), value_as_printed=f"{a}->{b}",
                        computed="false", source=ksrc, note=note, origin="mass_and_national_operations_1937_1938.csv"))
        reg.append(dict(date="", stage="raised_to", region=region, region_type=rtype,
                        parent_region="RSFSR", category="1", value=str(b), value_as_printed=f"{a}->{b}",
                        computed="false", source=ksrc, note=note, origin="mass_and_national_operations_1937_1938.csv"))
    sup = ctx.read("machinery/national_operations_supplement.csv")
    kar, kal = sup[4], sup[5]
    o = "machinery/national_operations_supplement.csv"
    reg += [
        dict(date="1937-07-30", stage="initial", region="Karelian ASSR", region_type="assr", parent_region="RSFSR",
             category="total", value="1000", value_as_printed=kar["value"], computed="false", source=kar["source"], note=kar["note"], origin=o),
        dict(date="1937-07-30", stage="initial", region="Karelian ASSR", region_type="assr", parent_region="RSFSR",
             category="1", value="300", value_as_printed=kar["value"], computed="false", source=kar["source"], note=kar["note"], origin=o),
        dict(date="1937-07-30", stage="initial", region="Karelian ASSR", region_type="assr", parent_region="RSFSR",
             category="2", value="700", value_as_printed="", computed="true", source=kar["source"], note="computed: total 1,000 minus category 1 300", origin=o),
        dict(date="1937-07-30", stage="initial", region="Kalinin oblast", region_type="oblast", parent_region="RSFSR",
             category="total", value="4000", value_as_printed=kal["value"], computed="false", source=kal["source"], note=kal["note"], origin=o),
        dict(date="1937-07-30", stage="initial", region="Kalinin oblast", region_type="oblast", parent_region="RSFSR",
             category="1", value="1000", value_as_printed=kal["value"], computed="false", source=kal["source"], note="", origin=o),
        dict(date="1937-07-30", stage="initial", region="Kalinin oblast", region_type="oblast", parent_region="RSFSR",
             category="2", value="3000", value_as_printed="", computed="true", source=kal["source"], note="computed: total 4,000 minus category 1 1,000", origin=o),
    ]
    for date, cat, v, pr in [("1937-09-16", "1", "1500", "+1,500 cat.1 on 16 Sep 1937"),
                             ("1937-12-13", "1", "700", "+700 cat.1 and +1,000 cat.2 on 13 Dec 1937"),
                             ("1937-12-13", "2", "1000", "+700 cat.1 and +1,000 cat.2 on 13 Dec 1937"),
                             ("1938-01-31", "1", "1500", "31 Jan 1938: 1,500 cat.1 and 500 cat.2"),
                             ("1938-01-31", "2", "500", "31 Jan 1938: 1,500 cat.1 and 500 cat.2")]:
        reg.append(dict(date=date, stage="increase", region="Kalinin oblast", region_type="oblast",
                        parent_region="RSFSR", category=cat, value=v, value_as_printed=pr, computed="false",
                        source=kal["source"], note="increase of the limit (not a new level); the same source counts 117 category-1 sentences under the Polish and German operations, which are not part of Order 00447",
                        origin=o))
    ctx.emit("order_00447_limits_regional", cols + ["origin"], reg)



DEATH_COLS = ["period", "year", "deaths", "deaths_pct_of_average_population", "documented_difference",
              "source", "note"]


def deaths(ctx: Retab) -> None:
    rows = ctx.read("gulag_deaths_1930_1956.csv")
    out = []
    for r in rows:
        y = r["year"].strip()
        if y.startswith("TOTAL"):
            out.append(dict(period="1930-1956", year="", deaths=r["deaths"], deaths_pct_of_average_population="",
                            documented_difference="6", source=r["source"],
                            note="printed total; the yearly rows sum to 1,606,742, 6 less than printed (the document's own difference)"))
        else:
            out.append(dict(period=y, year=y, deaths=r["deaths"],
                            deaths_pct_of_average_population=r["deaths_pct_of_average_list_population"],
                            documented_difference="", source=r["source"], note=r["note"]))
    ctx.emit("gulag_deaths_1930_1956", DEATH_COLS, out)


POP_COLS = ["date", "date_as_printed", "coverage", "coverage_as_printed", "prisoners", "qualifier", "source", "note"]
COVERAGE = {
    "ITL (camps) only": "camps", "GULAG total (camps+colonies)": "camps_and_colonies",
    "ITL + ITK": "camps_and_colonies", "camps and colonies": "camps_and_colonies",
    "camps (per Wikipedia-derived text)": "camps",
}


def population(ctx: Retab) -> None:
    rows = ctx.read("gulag_population_jan1_partial.csv")
    src = resolve_same(rows, "source")
    out = []
    for r, s in zip(rows, src, strict=True):
        d = r["date"].strip()
        date, q, note = d, "exact", ""
        if d.startswith("1941-06"):
            date, q, note = "1941-06-22", "about", "date printed as 'start of war' (22 Jun 1941); '2.3 million' is rounded"
        if d.startswith("1953"):
            note = "low confidence (Wikipedia-derived text)"
        if d.startswith("1932"):
            note = "Applebaum prints 268,000"
        if d.startswith("1940-03"):
            note = "centralized count; of which colonies (ITK) 352,000"
        out.append(dict(date=date, date_as_printed=d, coverage=COVERAGE[r["coverage"]], coverage_as_printed=r["coverage"],
                        prisoners=r["prisoners"], qualifier=q, source=s, note=note))
    ctx.emit("gulag_population_jan1_partial", POP_COLS, out)


SEX_COLS = ["date", "coverage", "coverage_as_printed", "sex", "count", "pct", "source", "note"]


def sex(ctx: Retab) -> None:
    rows = ctx.read("gulag_sex_composition_partial.csv")
    src = resolve_same(rows, "source")
    out = []
    unk_note = ("column 'sex_unknown_count' as labelled by the transcriber; its meaning is not stated in the "
                "consulted copy (for the 1946 colonies it exceeds men plus women), so it is kept but not used in any total")
    for r, s in zip(rows, src, strict=True):
        d = r["date"].strip()
        cov = {"colonies (ITK)": "colonies", "camps (ITL)": "camps", "Gulag inmates (all)": "camps_and_colonies"}[r["coverage"]]
        date = d if len(d) == 10 else f"{d}-01-01"
        base = dict(date=date, coverage=cov, coverage_as_printed=r["coverage"], source=s)
        yearly = len(d) == 4
        ynote = "share for the year as printed (no date within the year); secondary (student essay citing secondary literature)" if yearly else ""
        if r["men"] or r["men_pct"]:
            out.append(dict(base, sex="male", count=r["men"], pct=r["men_pct"], note=ynote))
        if r["women"] or r["women_pct"]:
            out.append(dict(base, sex="female", count=r["women"], pct=r["women_pct"], note=ynote))
        if r["sex_unknown_count"]:
            out.append(dict(base, sex="unspecified", count=r["sex_unknown_count"], pct="", note=unk_note))
    ctx.emit("gulag_sex_composition_partial", SEX_COLS, out)


PRISON_COLS = ["date", "count", "value_as_printed", "correction_note", "source", "note"]


def prisons(ctx: Retab) -> None:
    rows = ctx.read("prisons_population_quarterly_1939_1960.csv")
    out = []
    q = {"jan1": "01-01", "apr1": "04-01", "jul1": "07-01", "oct1": "10-01"}
    for r in rows:
        for col, md in q.items():
            v = r[col].strip()
            if not v:
                continue
            printed, corr = v, ""
            if r["year"] == "1941" and col == "jul1":
                printed, corr = "206 4301", "trailing footnote marker '1' stripped from the printed '206 4301'"
            if r["year"] == "1941" and col == "oct1":
                printed, corr = "249 3492", "trailing footnote marker '2' stripped from the printed '249 3492'"
            out.append(dict(date=f"{r['year']}-{md}", count=v, value_as_printed=printed, correction_note=corr,
                            source=r["source"], note=""))
    ctx.emit("prisons_population_quarterly_1939_1960", PRISON_COLS, out)


EST_COLS = ["id", "author", "year_of_estimate", "subject", "measure", "metric", "period", "territory", "value",
            "value_low", "value_high", "qualifier", "unit", "value_as_printed", "source", "note"]

MEASURE = {
    "arrests": "arrests", "executed": "executions", "died in camps": "camp_deaths",
    "in prison late 1938": "prison_population", "in camps late 1938": "camp_population",
    "arrests implied by Kursk data": "arrests", "repressed": "repressed",
    "max detained population (camps+exile+prisons)": "detained_population",
    "repression deaths (executions+detention deaths+shortly after release)": "repression_deaths",
    "arrested (at least)": "arrests", "sentenced (at least)": "sentenced", "executed (at least)": "executions",
    "executions": "executions", "executed in 16 months": "executions", "died in Gulag": "camp_deaths",
}


def _fmt(d: Decimal | None) -> str:
    return norm_num(d) if d is not None else ""


def _purge_estimates(ctx: Retab) -> list[dict[str, str]]:
    rows = ctx.read("purge_victim_estimates.csv")
    src = resolve_same(rows, "source")
    out = []
    for i, r in enumerate(rows, 1):
        metric = r["metric"]
        q = "exact"
        if "(at least)" in metric:
            q = "at least"
        unit = r["unit"] or ""
        if "approx" in unit:
            q = "about"
        if "nearly" in unit:
            q = "nearly"
        lo, hi = r["value_low"].strip(), r["value_high"].strip()
        if lo and hi:
            v, vl, vh, q = "", lo, hi, "range"
        elif lo:
            vv, vl_, vh_ = bounds(dec(lo), None, None, q)
            v, vl, vh = _fmt(vv), _fmt(vl_), _fmt(vh_)
        else:
            v = vl = vh = ""
            q = "not retrieved"
        printed = f"{lo}-{hi}" if lo and hi else lo
        out.append(dict(id=f"p{i}", author=r["author_or_body"], year_of_estimate=r["year_of_estimate"], subject="purge",
                        measure=MEASURE.get(metric.replace(" (at least)", ""), MEASURE.get(metric, "")), metric=metric,
                        period=r["period"], territory="USSR", value=v, value_low=vl, value_high=vh, qualifier=q,
                        unit="persons" if unit else "", value_as_printed=printed, source=src[i - 1], note=r["note"]))
        if i == 6:
            out.append(dict(out[-1], id="p6.1", measure="executions", metric="executed, implied by Irkutsk data",
                            value="1500000", value_low="1500000", value_high="", qualifier="more than",
                            value_as_printed=">1.5M", note="from the row note of the Kursk row"))
    return out


def _famine_estimates(ctx: Retab) -> list[dict[str, str]]:
    rows = ctx.read("famine_1932_1933_estimates.csv")
    out = []
    for i, r in enumerate(rows, 1):
        raw = r["deaths_estimate"].strip()
        terr = "USSR"
        base = dict(author=r["author"], year_of_estimate=r["year_of_estimate"], subject="famine", measure="famine_deaths",
                    metric="famine deaths", period="1932-1933", unit="persons", source=r["source"], note="")
        if raw == "3 - 8.8":
            out.append(dict(base, id=f"f{i}", territory=terr, value="", value_low="3000000", value_high="8800000",
                            qualifier="range", value_as_printed="3 - 8.8 million", note="range of estimates in the infobox"))
            continue
        if raw.startswith("3.238"):
            terr = "Ukrainian SSR"
            for k, (v, p) in enumerate([("3.238", "1933"), ("0.144", "1932")], 1):
                vv = norm_num(dec(v), 1_000_000)
                out.append(dict(base, id=f"f{i}.{k}", territory=terr, period=p, value=vv, value_low=vv, value_high=vv,
                                qualifier="exact", value_as_printed=f"{raw} million",
                                note="printed as a sum '3.238 (1933) + 0.144 (1932)' million; kept as two rows"))
            continue
        v, _, _, q = parse_value(raw)
        vv = norm_num(v, 1_000_000)
        out.append(dict(base, id=f"f{i}", territory=terr, value=vv, value_low=vv, value_high=vv, qualifier=q,
                        value_as_printed=f"{raw} million",
                        note="the source lists these as maximum estimates" if i <= 10 else ""))
    return out


def estimates(ctx: Retab) -> None:
    """Published estimates of the Purge and the famine (kind ``estimates``)."""
    ctx.emit("purge_victim_estimates", EST_COLS, _purge_estimates(ctx))
    ctx.emit("famine_1932_1933_estimates", EST_COLS, _famine_estimates(ctx))


def build_tables(shared: Path) -> dict[str, str]:
    """Every archive and machinery table as CSV text, by name, from the reference folder."""
    ctx = Retab(Path(shared))
    convictions(ctx)
    limits(ctx)
    deaths(ctx)
    population(ctx)
    sex(ctx)
    prisons(ctx)
    estimates(ctx)
    archive_facts.build(ctx)
    machinery.build(ctx)
    return dict(sorted(ctx.tables.items()))


def write_tables(shared: Path, tables: Path) -> None:
    """Write every archive and machinery table into ``tables``; print one line per table."""
    for name, text in build_tables(shared).items():
        (tables / f"{name}.csv").write_text(text, encoding="utf-8", newline="")
        print(f"{name}: {text.count(chr(10)) - 1} rows")

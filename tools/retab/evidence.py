"""Maintainer tool: the census-error and terror-demography tables from the reference folder.

Rebuilds the two tables of the ``evidence`` catalog from ``census_errors_and_terror_demography.csv``
of the reference folder (206 rows), every row keeping its source and confidence (run by
``python tools/retabulate.py``):

* ``census_errors_and_terror_demography`` (kind ``evidence``, 111 rows): the 110 rows that are
  not ADH's RSFSR death rates, one figure per row with an ``id``; the one cell holding two figures
  ("46771 / 40485") becomes two rows. Figures printed in thousands or millions of persons are
  converted to persons (``value_as_printed`` and ``unit_as_printed`` keep the printed cell);
  ranges ("0.5-1.5") fill ``value_low``/``value_high``; qualitative rows have no value.
  ``computed`` is true where the reference file says the figure itself was computed (by the
  transcriber or when the file was gathered), not printed by the source.
* ``adh_rsfsr_death_rates_1936_1939`` (kind ``death_rates``, 96 rows): ADH's death rates of the
  RSFSR by sex and 5-year group 15-19 .. 70-74, 1936-1939, per 1000.

The package never runs this module; ``tests/tools/test_retabulate_evidence.py`` checks that a
re-run gives the bundled files byte for byte.
"""

from __future__ import annotations

import calendar
import csv
import io
import re
from decimal import Decimal
from pathlib import Path

__all__ = ["build_tables", "write_tables", "ORIGIN"]

ORIGIN = "census_errors_and_terror_demography.csv"
EVIDENCE_COLUMNS = ("id", "topic", "metric", "period", "date_start", "date_end", "value", "value_low",
                    "value_high", "qualifier", "unit", "value_as_printed", "unit_as_printed", "computed",
                    "confidence", "source", "note")
RATE_COLUMNS = ("year", "sex", "age", "age_end", "age_group", "rate_per_1000", "confidence", "source", "note")
RATES_TOPIC = "age-specific death rates RSFSR (ADH)"

#: The id of each origin row (0-based data row of the reference file), in file order. Rows the
#: error model reads are named for what they hold; the ADH RSFSR rates (rows 92-187) go to the
#: other table.
IDS: dict[int, str] = {
    0: "true_total_1939_adh_lower", 1: "true_total_1939_adh_upper", 2: "padding_adh_control_forms_share",
    3: "padding_zhiromskaya_undercount_allowance", 4: "true_total_1939_volkov_1997",
    5: "true_total_1939_volkov_tolts", 6: "true_total_1939_tolts_initial", 7: "true_total_1939_bogoyavlensky",
    8: "population_1939_tsaplin", 9: "padding_age_structure", 10: "padding_mechanism_double_counting",
    11: "padding_mechanism_prisoner_forms", 12: "padding_mechanism_special_counts",
    13: "padding_mechanism_no_tracking", 14: "padding_added_wikipedia",
    15: "contingent_a_total", 16: "contingent_a_men", 17: "contingent_a_women", 18: "contingent_a_urban",
    19: "contingent_a_rural", 20: "contingents_bv_total", 21: "contingents_bv_men", 22: "contingents_bv_women",
    23: "contingents_bv_18_plus", 24: "contingents_bv_urban", 25: "contingents_bv_rural",
    26: "gap_census_total_age_table_1937", 27: "kraval_nkvd_rkka_estimate", 28: "kraval_in_transit",
    29: "coverage_1937_urban_presented", 30: "coverage_1937_zhiromskaya", 31: "coverage_1937_revisionist",
    32: "coverage_1937_expected_from_registration", 33: "zags_increase_1926_1937", 34: "zags_excess_over_census",
    35: "rsfsr_check_omitted_persons_1938", 36: "rsfsr_check_omitted_settlements_1938",
    37: "ukraine_additionally_registered_1938", 38: "leningrad_missing_house_books_1938",
    39: "letter_implied_omitted_1937", 40: "adh_age_0_1937", 41: "adh_age_1_1937", 42: "adh_age_0_1939",
    43: "adh_age_1_1939", 44: "adh_age_2_1939", 45: "adh_age_3_1939", 46: "adh_corrected_total_1926",
    47: "census_1937_erratum_urban_males_28", 48: "census_1937_erratum_urban_females_12",
    49: "census_1937_erratum_age_27", 50: "census_1937_erratum_unknown_age",
    **{51 + i: f"adh_cdr_{y}" for i, y in enumerate((1926, 1927, 1934, 1935, 1936, 1937, 1938, 1939, 1940, 1946))},
    **{61 + i: f"adh_cbr_{y}" for i, y in enumerate((1926, 1927, 1934, 1935, 1936, 1937, 1938, 1939, 1940, 1946))},
    **{71 + i: f"adh_imr_{y}" for i, y in enumerate(range(1934, 1941))},
    78: "adh_imr_1926_1927", 79: "adh_imr_1938_1939", 80: "official_q0_1938_1939",
    81: "adh_deaths_1936", 82: "adh_deaths_1937", 83: "adh_deaths_1938", 84: "tsu_cdr_1926",
    85: "unregistered_deaths_share_1926", 86: "official_cdr_1938_1939", 87: "unregistered_deaths_share_1938_1939",
    88: "adh_ussr_rates_by_age", 89: "adh_rsfsr_cdr_1939", 90: "adh_rsfsr_cdr_1940", 91: "adh_rsfsr_cdr_1946",
    188: "gulag_itl_mortality_1937_1938", 189: "gulag_itl_mortality_1939", 190: "gulag_itk_mortality_1939",
    191: "women_shot_list", 192: "women_shot_youngest_age", 193: "women_shot_oldest_age",
    194: "women_shot_modal_age", 195: "women_arrests_war_vs_1937_1938", 196: "tambov_elite_women_share",
    197: "kuybyshev_list_death_sentences", 198: "kuybyshev_list_dropped_share", 199: "altai_victims_modal_age",
    200: "butovo_youngest_shot_age", 201: "butovo_oldest_shot_age", 202: "leningrad_shot_1937",
    203: "leningrad_shot_1938", 204: "leningrad_shot_1937_1938", 205: "leningrad_shot_1937_1954",
}
#: Cells holding two figures: origin row -> (id, metric) of each.
SPLITS: dict[int, tuple[tuple[str, str], ...]] = {
    205: (("leningrad_shot_1937_1954", "shot in Leningrad, all charges"),
          ("leningrad_shot_1937_1954_political", "shot in Leningrad, of which on political charges")),
}
#: Printed units of counts in thousands or millions, and their factor to persons.
SCALES = {"million": 1_000_000, "thousand": 1000, "thousand persons": 1000}
NUMBER = r"\d+(?:\.\d+)?"


def _num(s: str, scale: int = 1) -> str:
    v = Decimal(s) * scale
    return str(int(v)) if v == v.to_integral_value() else format(v.normalize(), "f")


def parse_cell(value: str, unit: str) -> dict[str, str]:
    """``value``, ``value_low``, ``value_high``, ``qualifier`` and ``unit`` of one printed cell."""
    scale = SCALES.get(unit, 1)
    out_unit = "persons" if unit in SCALES else unit
    if unit == "persons (more than)":
        out_unit, value = "persons", f"more than {value}"
    v = value.strip()
    pats = ((rf"^({NUMBER})$", "exact"), (rf"^about ({NUMBER})$", "about"), (rf"^at least ({NUMBER})$", "at least"),
            (rf"^more than ({NUMBER})$", "more than"), (rf"^less than ({NUMBER})$", "less than"))
    for pat, q in pats:
        m = re.match(pat, v)
        if m:
            x = _num(m.group(1), scale)
            low = x if q in ("exact", "about", "at least", "more than") else ""
            high = x if q in ("exact", "about", "less than") else ""
            return {"value": x, "value_low": low, "value_high": high, "qualifier": q, "unit": out_unit}
    m = re.match(rf"^(?:at least )?({NUMBER})-({NUMBER})$", v)
    if m:
        return {"value": "", "value_low": _num(m.group(1), scale), "value_high": _num(m.group(2), scale),
                "qualifier": "at least, range" if v.startswith("at least") else "range", "unit": out_unit}
    if unit == "qualitative":
        return {"value": "", "value_low": "", "value_high": "", "qualifier": "text", "unit": "text"}
    raise ValueError(f"cannot parse {value!r} ({unit})")


def parse_period(p: str) -> tuple[str, str]:
    """ISO ``date_start``, ``date_end`` of a printed period ('' where it is not a plain span)."""

    def span(tok: str) -> tuple[str, str] | None:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", tok):
            return tok, tok
        if re.fullmatch(r"\d{4}-\d{2}", tok):
            y, m = int(tok[:4]), int(tok[5:])
            return f"{tok}-01", f"{tok}-{calendar.monthrange(y, m)[1]:02d}"
        if re.fullmatch(r"\d{4}", tok):
            return f"{tok}-01-01", f"{tok}-12-31"
        return None

    whole = span(p)
    if whole:
        return whole
    m = re.fullmatch(r"(\d{4})-(\d{4})", p)
    if m:
        return f"{m.group(1)}-01-01", f"{m.group(2)}-12-31"
    if ".." in p:
        a, b = p.split("..", 1)
        sa = span(a)
        if sa is None:
            return "", ""
        sb = span(b) or (span(f"{a[:4]}-{b}") if re.fullmatch(r"\d{2}", b) else None)
        if sb:
            return sa[0], sb[1]
    return "", ""


def _computed(row: dict[str, str]) -> str:
    """True where the figure itself was computed (the source or the metric says so)."""
    src, metric = row["source"].lower(), row["metric"].lower()
    return "true" if src.startswith("computed") or "(computed)" in metric or "computed by" in src else "false"


def _sources(rows: list[dict[str, str]]) -> list[str]:
    """The ``source`` column with "same ..." replaced by the previous row's source."""
    out, prev = [], ""
    for r in rows:
        s = r["source"].strip()
        if s.lower().startswith("same") and prev:
            s = prev if s.lower().rstrip(".") in ("same", "same as above") else f"{prev} [{s}]"
        out.append(s)
        prev = s
    return out


def _csv(cols: tuple[str, ...], rows: list[dict[str, str]]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(cols), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def build_tables(shared: Path) -> dict[str, str]:
    """``{table name: CSV text}`` of the two tables, from the reference folder ``shared``."""
    with open(Path(shared) / ORIGIN, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    if len(rows) != 206:
        raise ValueError(f"{ORIGIN}: expected 206 rows; got {len(rows)}")
    sources = _sources(rows)
    evidence, rates = [], []
    for i, (row, source) in enumerate(zip(rows, sources, strict=True)):
        note = row["note"].strip()
        if row["topic"] == RATES_TOPIC:
            m = re.fullmatch(r"death rate mx, (male|female), age (\d+)-(\d+)", row["metric"])
            if m is None or row["unit"] != "per 1000":
                raise ValueError(f"{ORIGIN} row {i}: not a death rate by sex and age: {row['metric']!r}")
            lo, hi = int(m.group(2)), int(m.group(3))
            rates.append({"year": row["date_or_period"], "sex": m.group(1), "age": str(lo), "age_end": str(hi),
                          "age_group": f"{lo}-{hi}", "rate_per_1000": _num(row["value"]),
                          "confidence": row["confidence"], "source": source, "note": note})
            continue
        if i not in IDS:
            raise ValueError(f"{ORIGIN} row {i}: no id assigned ({row['metric']!r})")
        start, end = parse_period(row["date_or_period"])
        parts = SPLITS.get(i, ((IDS[i], row["metric"]),))
        values = [v.strip() for v in row["value"].split(" / ")] if i in SPLITS else [row["value"]]
        for (fid, metric), printed in zip(parts, values, strict=True):
            cell = parse_cell(printed, row["unit"])
            evidence.append({
                "id": fid, "topic": row["topic"], "metric": metric, "period": row["date_or_period"],
                "date_start": start, "date_end": end, **cell, "value_as_printed": printed,
                "unit_as_printed": row["unit"], "computed": _computed(row), "confidence": row["confidence"],
                "source": source, "note": note if i not in SPLITS else f"{note}; printed as '{row['value']}'".lstrip("; "),
            })
    return {"census_errors_and_terror_demography": _csv(EVIDENCE_COLUMNS, evidence),
            "adh_rsfsr_death_rates_1936_1939": _csv(RATE_COLUMNS, rates)}


def write_tables(shared: Path, tables: Path) -> None:
    """Write the two tables into ``tables`` (one line printed per table)."""
    for name, text in build_tables(shared).items():
        (tables / f"{name}.csv").write_text(text, encoding="utf-8")
        print(f"wrote tables/{name}.csv ({text.count(chr(10)) - 1} rows)")

"""The ``facts`` kind: published figures one per row, with parts, ranges and disputes.

Most archival and machinery tables are lists of separate published figures ("arrested under
Order 00447, 1 Oct 1936 - 1 Nov 1938", ``zubkin_arrested_00447``), not a regular grid. They share one tidy schema:

- ``id``: a key unique within the table (``zubkin_arrested``; ``r12.1`` = the first figure split
  out of row 12 of the reference file);
- ``subject`` (who or where), ``metric`` (what), ``period`` as printed, ``date_start`` and
  ``date_end`` (ISO, empty where the printed period is vague, such as "late 1930s");
- ``value``, ``value_low``, ``value_high`` and ``qualifier``: ``exact`` and ``about`` give
  ``value = value_low = value_high``; ``at least``/``more than`` give ``value_low = value`` and
  no ``value_high``; ``up to``/``nearly`` give ``value_high = value`` and no ``value_low``;
  ``range`` ("8000-25000") gives ``value_low``/``value_high`` and no ``value``; ``not printed``,
  ``not retrieved`` and ``text`` (a statement without a number) give none;
- ``unit``: ``persons``, ``percent``, ``cases``, ``months``, ... (figures printed in thousands or
  millions are converted to persons; ``value_as_printed`` keeps the printed cell);
- ``value_as_printed`` and ``correction_note`` (a printed typo corrected in ``value``);
- ``part_of`` / ``parts`` / ``documented_difference``: a row with ``parts = complete`` equals the
  sum of the rows whose ``part_of`` is its ``id`` (plus ``documented_difference``, the difference
  the source itself shows); ``parts = partial`` means the parts listed sum to at most the whole;
- ``dispute`` / ``default``: rows giving different figures for the same quantity share a
  ``dispute`` key; exactly one of them is ``default = true`` (the archival figure where there
  is one, see the row's note); every row outside a dispute is ``default = true``;
- ``computed``: ``true`` when the figure was computed from printed figures (by the source's
  transcriber or when bundling), not printed; ``source`` and ``note`` as in the reference file.
"""

from __future__ import annotations

import math
import re
from datetime import date

import pandas as pd

from purgetoll.data._registry import Problem, TableInfo, register_check, register_kind

__all__: list[str] = []

FACT_COLUMNS = (
    "id", "subject", "metric", "period", "date_start", "date_end", "value", "value_low",
    "value_high", "qualifier", "unit", "value_as_printed", "correction_note", "part_of", "parts",
    "documented_difference", "dispute", "default", "computed", "source", "note",
)
QUALIFIERS = (
    "exact", "about", "at least", "more than", "up to", "nearly", "range", "not printed",
    "not retrieved", "text",
)
PARTS = ("complete", "partial")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")

register_kind("facts", required=FACT_COLUMNS, keys=("id",))


def text(v: object) -> str:
    """A cell as stripped text ('' for a missing value)."""
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return ""
    return str(v).strip()


def number(v: object) -> float | None:
    """A cell as a float (None when missing or not a number)."""
    s = text(v)
    if not s:
        return None
    try:
        return float(s)
    except ValueError:
        return None


def flag(v: object) -> bool | None:
    """``true``/``false`` cells (or booleans) as bool; None for anything else."""
    if isinstance(v, bool):
        return v
    s = text(v).lower()
    return {"true": True, "false": False}.get(s)


def fmt(x: float | None) -> str:
    """A number as printed in messages: thousands separated by commas (1,234,567) or 22.4."""
    if x is None:
        return "<NA>"
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,.6g}"


def close(a: float, b: float) -> bool:
    """Equal up to float rounding of decimal figures (exact for whole numbers)."""
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def iso_date(s: str) -> date | None:
    """``s`` as a date when written ``YYYY-MM-DD`` and on the calendar; None otherwise."""
    if not _ISO.match(s):
        return None
    try:
        return date.fromisoformat(s)
    except ValueError:
        return None


def choice_problems(
    table: str, key: str, column: str, value: str, allowed: tuple[str, ...]
) -> list[Problem]:
    """``value`` of ``column`` outside its vocabulary (an empty string allowed but not listed)."""
    if value in allowed:
        return []
    shown = ", ".join(a for a in allowed if a)
    return [Problem(table, key, f"{column} {value!r} is not one of {shown}")]


def sum_problems(
    table: str,
    key: str,
    total: tuple[str, float | None],
    parts: tuple[str, float],
    documented_difference: float | None = None,
) -> list[Problem]:
    """A total against the sum of its parts plus the difference the source itself prints.

    ``total`` and ``parts`` are (label, value) pairs that phrase the message, e.g.
    ``("printed total", 1000.0)`` and ``("the sum of the yearly rows ", 994.0)``; a
    missing total is not compared.
    """
    (total_label, value), (parts_label, s) = total, parts
    dd = documented_difference or 0.0
    if value is None or close(value, s + dd):
        return []
    extra = f" plus the documented difference {fmt(dd)}" if dd else ""
    return [
        Problem(table, key, f"{total_label} {fmt(value)} does not equal {parts_label}{fmt(s)}{extra} (expected {fmt(s + dd)})")
    ]


def qualifier_problems(table: str, key: str, row: pd.Series) -> list[Problem]:
    """Is ``value``/``value_low``/``value_high`` consistent with the row's ``qualifier``?"""
    q = text(row["qualifier"])
    v, lo, hi = number(row["value"]), number(row["value_low"]), number(row["value_high"])
    for col in ("value", "value_low", "value_high"):
        if text(row[col]) and number(row[col]) is None:
            return [Problem(table, key, f"{col} = {text(row[col])!r} is not a number")]
    if q not in QUALIFIERS:
        return choice_problems(table, key, "qualifier", q, QUALIFIERS)
    got = f"value={fmt(v)}, value_low={fmt(lo)}, value_high={fmt(hi)}"
    expected: str | None = None
    if q in ("exact", "about"):
        if v is None or lo is None or hi is None or not (close(lo, v) and close(hi, v)):
            expected = "value = value_low = value_high"
    elif q in ("at least", "more than"):
        if v is None or lo is None or hi is not None or not close(lo, v):
            expected = "value_low = value and no value_high"
    elif q in ("up to", "nearly"):
        if v is None or hi is None or lo is not None or not close(hi, v):
            expected = "value_high = value and no value_low"
    elif q == "range":
        if v is not None or lo is None or hi is None or lo > hi:
            expected = "no value and value_low <= value_high"
    elif v is not None or lo is not None or hi is not None:
        expected = "no value, value_low or value_high"
    if expected:
        return [Problem(table, key, f"qualifier {q!r} needs {expected}; got {got}")]
    return []


def negative_problems(table: str, key: str, row: pd.Series) -> list[Problem]:
    """Counts are never negative; only percent figures (over/under-representation) may be."""
    if text(row["unit"]).startswith("percent"):
        return []
    out = []
    for col in ("value", "value_low", "value_high"):
        x = number(row[col])
        if x is not None and x < 0:
            out.append(
                Problem(table, key, f"{col} = {fmt(x)} is negative (expected a count >= 0 in {text(row['unit']) or 'its unit'})")
            )
    return out


def _date_problems(table: str, key: str, row: pd.Series) -> list[Problem]:
    out = []
    parsed = {}
    for col in ("date_start", "date_end"):
        s = text(row[col])
        if not s:
            continue
        d = iso_date(s)
        if d is None:
            out.append(Problem(table, key, f"{col} = {s!r} is not an ISO date YYYY-MM-DD"))
        else:
            parsed[col] = d
    if len(parsed) == 2 and parsed["date_start"] > parsed["date_end"]:
        out.append(
            Problem(table, key, f"date_start {parsed['date_start']} is after date_end {parsed['date_end']}")
        )
    return out


@register_check("facts")
def rows_check(info: TableInfo, df: pd.DataFrame) -> list[Problem]:
    """Per row: qualifier vs values, no negative counts, valid dates, flags, vocabularies."""
    problems: list[Problem] = []
    for _, row in df.iterrows():
        key = f"id={text(row['id'])}"
        problems += qualifier_problems(info.name, key, row)
        problems += negative_problems(info.name, key, row)
        problems += _date_problems(info.name, key, row)
        for col in ("default", "computed"):
            if flag(row[col]) is None:
                problems.append(Problem(info.name, key, f"{col} = {text(row[col])!r} (expected true or false)"))
        parts = text(row["parts"])
        if parts and parts not in PARTS:
            problems.append(Problem(info.name, key, f"parts = {parts!r} (expected complete, partial or empty)"))
        if text(row["documented_difference"]) and parts != "complete":
            problems.append(
                Problem(info.name, key, "documented_difference is set on a row without parts = complete (expected it only on a total with complete parts)")
            )
        if not text(row["correction_note"]) and text(row["qualifier"]) in ("exact", "about"):
            # a plain printed number must be the value, possibly converted from thousands or
            # millions; anything else is a correction and needs its note
            printed, v = number(row["value_as_printed"]), number(row["value"])
            if printed is not None and v is not None and not close(printed, v) and not _scaled(printed, v):
                problems.append(
                    Problem(info.name, key, f"value {fmt(v)} differs from value_as_printed {text(row['value_as_printed'])!r} without a correction_note")
                )
    return problems


def _scaled(printed: float, v: float) -> bool:
    """Figures printed in thousands or millions and converted to persons."""
    return any(close(printed * s, v) for s in (1_000, 1_000_000))


@register_check("facts")
def parts_check(info: TableInfo, df: pd.DataFrame) -> list[Problem]:
    """Totals equal the sum of their parts (``complete``) or bound it (``partial``)."""
    problems: list[Problem] = []
    ids = [text(x) for x in df["id"]]
    by_id = {i: row for i, (_, row) in zip(ids, df.iterrows(), strict=True)}
    children: dict[str, list[pd.Series]] = {}
    for i, (_, row) in zip(ids, df.iterrows(), strict=True):
        parent = text(row["part_of"])
        if not parent:
            continue
        if parent == i:
            problems.append(Problem(info.name, f"id={i}", "part_of names the row itself (expected the id of another row)"))
            continue
        if parent not in by_id:
            problems.append(Problem(info.name, f"id={i}", f"part_of = {parent!r} is not an id of this table (expected the id of one of its rows)"))
            continue
        children.setdefault(parent, []).append(row)
    for pid, kids in children.items():
        parent = by_id[pid]
        key = f"id={pid}"
        kind = text(parent["parts"])
        if kind not in PARTS:
            names = ", ".join(text(k["id"]) for k in kids)
            problems.append(
                Problem(info.name, key, f"rows {names} are part_of it but it declares no parts (expected parts = complete or partial)")
            )
            continue
        units = {text(k["unit"]) for k in kids} - {text(parent["unit"])}
        if units:
            problems.append(
                Problem(info.name, key, f"parts in unit(s) {', '.join(sorted(units))} differ from the total's unit {text(parent['unit'])!r}")
            )
            continue
        total = number(parent["value"])
        if total is None:
            continue
        s = sum(number(k["value"]) or 0.0 for k in kids)
        names = " + ".join(text(k["id"]) for k in kids)
        if kind == "complete":
            problems += sum_problems(
                info.name, key, ("value", total), (f"the sum of its parts {names} = ", s),
                number(parent["documented_difference"]),
            )
        elif s > total and not close(s, total):
            problems.append(
                Problem(info.name, key, f"parts {names} sum to {fmt(s)}, more than the total {fmt(total)} (expected at most {fmt(total)})")
            )
    for i, (_, row) in zip(ids, df.iterrows(), strict=True):
        if text(row["parts"]) in PARTS and i not in children:
            problems.append(Problem(info.name, f"id={i}", f"declares parts = {text(row['parts'])} but no row is part_of it (expected parts listed with part_of = {i}, or no parts)"))
    return problems


@register_check("facts")
def disputes_check(info: TableInfo, df: pd.DataFrame) -> list[Problem]:
    """Sources that disagree: each dispute has two or more rows and exactly one default."""
    problems: list[Problem] = []
    disputes: dict[str, list[pd.Series]] = {}
    for _, row in df.iterrows():
        d = text(row["dispute"])
        if d:
            disputes.setdefault(d, []).append(row)
        elif flag(row["default"]) is False:
            problems.append(
                Problem(info.name, f"id={text(row['id'])}", "default = false outside a dispute (expected true, or a dispute key)")
            )
    for d, rows in disputes.items():
        ids = ", ".join(text(r["id"]) for r in rows)
        n_default = sum(flag(r["default"]) is True for r in rows)
        if len(rows) < 2:
            problems.append(Problem(info.name, f"dispute={d}", f"only one row ({ids}) (expected two or more rows: the figures that disagree)"))
        if n_default != 1:
            problems.append(
                Problem(info.name, f"dispute={d}", f"{n_default} default rows among {ids} (expected exactly one default figure)")
            )
    return problems


def tidy_facts(df: pd.DataFrame) -> pd.DataFrame:
    """A facts table with typed columns: floats for figures, bools for flags, text elsewhere."""
    out = df.copy()
    for col in ("value", "value_low", "value_high", "documented_difference"):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype("float64")
    for col in ("default", "computed"):
        out[col] = out[col].map(lambda v: bool(flag(v)))
    for col in ("id", "subject", "metric", "period", "date_start", "date_end", "qualifier", "unit",
                "value_as_printed", "correction_note", "part_of", "parts", "dispute", "source", "note"):
        out[col] = out[col].map(text)
    out.attrs = dict(df.attrs)
    return out

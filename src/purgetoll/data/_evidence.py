"""The evidence of the censuses' errors: ``census_evidence()``, ``evidence_figure(id)``,
``adh_rsfsr_death_rates()``.

Two bundled tables (catalog ``evidence.toml``), re-tabulated by the maintainer tool
``tools/retab/evidence.py``:

* ``census_errors_and_terror_demography`` (kind ``evidence``): one published figure per row, with
  ``id``, ``topic``, ``metric``, ``period`` (as printed) and ISO ``date_start``/``date_end``,
  ``value``/``value_low``/``value_high`` with a ``qualifier`` (``exact``, ``about``: all three
  equal; ``at least``, ``more than``: ``value = value_low``; ``less than``: ``value = value_high``;
  ``range`` and ``at least, range``: only the bounds; ``text``: a statement without a number),
  ``unit`` (counts in persons), the printed cell and unit, ``computed`` (derived, not printed),
  ``confidence`` (``high``/``medium``/``low``), ``source`` and ``note``;
* ``adh_rsfsr_death_rates_1936_1939`` (kind ``death_rates``): ``year, sex, age, age_end,
  age_group, rate_per_1000, confidence, source, note``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import pandas as pd

from purgetoll.data._archive_facts import number, text
from purgetoll.data._catalog import load
from purgetoll.data._registry import Problem, TableInfo, register_check, register_kind
from purgetoll.errors import DataError

__all__ = ["EvidenceFigure", "census_evidence", "evidence_figure", "adh_rsfsr_death_rates"]

EVIDENCE_TABLE = "census_errors_and_terror_demography"
RATES_TABLE = "adh_rsfsr_death_rates_1936_1939"
CONFIDENCE = ("high", "medium", "low")
QUALIFIERS = ("exact", "about", "at least", "more than", "less than", "range", "at least, range", "text")

register_kind(
    "evidence",
    required=("id", "topic", "metric", "period", "date_start", "date_end", "value", "value_low", "value_high",
              "qualifier", "unit", "value_as_printed", "unit_as_printed", "computed", "confidence", "source",
              "note"),
    keys=("id",),
)
register_kind(
    "death_rates",
    required=("year", "sex", "age", "age_end", "age_group", "rate_per_1000", "confidence", "source", "note"),
    keys=("year", "sex", "age"),
)

#: Figures that must add up in the evidence table: whole -> its parts (each decomposition complete).
SUMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("contingent_a_total", ("contingent_a_men", "contingent_a_women")),
    ("contingent_a_total", ("contingent_a_urban", "contingent_a_rural")),
    ("contingents_bv_total", ("contingents_bv_men", "contingents_bv_women")),
    ("contingents_bv_total", ("contingents_bv_urban", "contingents_bv_rural")),
    ("leningrad_shot_1937_1938", ("leningrad_shot_1937", "leningrad_shot_1938")),
)


@dataclass(frozen=True)
class EvidenceFigure:
    """One row of the evidence table, typed (``value`` NaN where the row gives only bounds or text)."""

    id: str
    metric: str
    value: float
    low: float
    high: float
    qualifier: str
    unit: str
    computed: bool
    confidence: str
    source: str
    note: str

    def cite(self) -> str:
        """``metric (id): source [confidence; computed]`` for outputs."""
        tags = [f"{self.confidence} confidence"] + (["computed"] if self.computed else [])
        return f"{self.metric} ({EVIDENCE_TABLE} {self.id}): {self.source} [{'; '.join(tags)}]"


def census_evidence() -> pd.DataFrame:
    """The evidence table (see the module docstring), ``attrs`` with its citation."""
    return load(EVIDENCE_TABLE)


def _float(v: object) -> float:
    try:
        f = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan
    return f


def evidence_figure(figure_id: str) -> EvidenceFigure:
    """One figure of the evidence table by ``id``; :class:`DataError` naming the table if unknown."""
    df = census_evidence()
    rows = df[df["id"] == figure_id]
    if rows.empty:
        raise DataError(EVIDENCE_TABLE, f"no figure with id {figure_id!r} (ids: {', '.join(df['id'])})")
    r = rows.iloc[0]
    return EvidenceFigure(figure_id, str(r["metric"]), _float(r["value"]), _float(r["value_low"]),
                          _float(r["value_high"]), str(r["qualifier"]), str(r["unit"]),
                          str(r["computed"]).lower() == "true", str(r["confidence"]), str(r["source"]),
                          "" if pd.isna(r["note"]) else str(r["note"]))


def adh_rsfsr_death_rates() -> pd.DataFrame:
    """ADH's RSFSR death rates by year, sex and 5-year group 15-19 .. 70-74 (per 1000), 1936-1939."""
    return load(RATES_TABLE)


# -- checks ---------------------------------------------------------------------------------------
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@register_check("evidence")
def evidence_rows(info: TableInfo, df: pd.DataFrame) -> list[Problem]:
    """Vocabulary, the value/bounds convention of each qualifier, dates, sources."""
    out: list[Problem] = []
    for _, r in df.iterrows():
        key = f"id={r['id']}"

        def bad(msg: str, key: str = key) -> None:
            out.append(Problem(info.name, key, msg))

        if text(r["confidence"]) not in CONFIDENCE:
            bad(f"confidence {text(r['confidence'])!r} is not one of {', '.join(CONFIDENCE)}")
        if text(r["computed"]).lower() not in ("true", "false"):
            bad(f"computed must be true or false; got {text(r['computed'])!r}")
        if not text(r["source"]):
            bad("source is empty (every figure needs its citation)")
        q = text(r["qualifier"])
        v, lo, hi = number(r["value"]), number(r["value_low"]), number(r["value_high"])
        cells = {"value": text(r["value"]), "value_low": text(r["value_low"]), "value_high": text(r["value_high"])}
        for name, cell in cells.items():
            if cell and number(cell) is None:
                bad(f"{name} = {cell!r} is not a number")
        if q not in QUALIFIERS:
            bad(f"qualifier {q!r} is not one of {', '.join(QUALIFIERS)}")
        elif q in ("exact", "about") and not (v is not None and v == lo == hi):
            bad(f"qualifier {q!r} needs value = value_low = value_high; got {v}, {lo}, {hi}")
        elif q in ("at least", "more than") and not (v is not None and v == lo and hi is None):
            bad(f"qualifier {q!r} needs value = value_low and no value_high; got {v}, {lo}, {hi}")
        elif q == "less than" and not (v is not None and v == hi and lo is None):
            bad(f"qualifier 'less than' needs value = value_high and no value_low; got {v}, {lo}, {hi}")
        elif q in ("range", "at least, range") and not (v is None and lo is not None and hi is not None and lo < hi):
            bad(f"qualifier {q!r} needs value_low < value_high and no value; got {v}, {lo}, {hi}")
        elif q == "text" and any(cells.values()):
            bad("a text row has no value")
        if text(r["unit"]).startswith("percent") and any(x is not None and not 0 <= x <= 100 for x in (v, lo, hi)):
            bad(f"a percentage must be within [0, 100]; got {v}, {lo}, {hi}")
        start, end = text(r["date_start"]), text(r["date_end"])
        for name, d in (("date_start", start), ("date_end", end)):
            if d and not _ISO.match(d):
                bad(f"{name} {d!r} is not an ISO date YYYY-MM-DD")
        if start and end and _ISO.match(start) and _ISO.match(end) and start > end:
            bad(f"date_start {start} is after date_end {end}")
    return out


@register_check("evidence")
def evidence_sums(info: TableInfo, df: pd.DataFrame) -> list[Problem]:
    """Each complete decomposition adds up (the contingents by sex and by urban/rural; Leningrad by year)."""
    values = {str(r["id"]): number(r["value"]) for _, r in df.iterrows()}
    out: list[Problem] = []
    for whole, parts in SUMS:
        have = [values.get(p) for p in (whole, *parts)]
        if any(x is None for x in have):
            missing = [p for p, x in zip((whole, *parts), have, strict=True) if x is None]
            out.append(Problem(info.name, f"id={whole}", f"figures {', '.join(missing)} are missing"))
            continue
        total = sum(x for x in have[1:] if x is not None)
        if total != have[0]:
            out.append(Problem(info.name, f"id={whole}", f"{have[0]:,.0f} != {' + '.join(parts)} = {total:,.0f}"))
    return out


#: The grid of the RSFSR death rates: years, and the lower bounds of the 5-year groups.
RATE_YEARS = (1936, 1937, 1938, 1939)
RATE_AGES = tuple(range(15, 75, 5))


@register_check("death_rates")
def death_rates_grid(info: TableInfo, df: pd.DataFrame) -> list[Problem]:
    """Every year, sex and 5-year group 15-19 .. 70-74 once; rates > 0; labels consistent."""
    out: list[Problem] = []
    for _, r in df.iterrows():
        key = f"year={r['year']}, sex={r['sex']}, age={r['age']}"
        rate = number(r["rate_per_1000"])
        if r["sex"] not in ("male", "female"):
            out.append(Problem(info.name, key, f"sex must be male or female; got {r['sex']!r}"))
        if rate is None or not rate > 0:
            out.append(Problem(info.name, key, f"rate_per_1000 must be a number > 0; got {r['rate_per_1000']!r}"))
        if r["age_end"] != r["age"] + 4 or r["age_group"] != f"{r['age']}-{r['age_end']}":
            out.append(Problem(info.name, key, f"expected a 5-year group {r['age']}-{r['age'] + 4}; got "
                                               f"age_end {r['age_end']}, age_group {r['age_group']!r}"))
        if text(r["confidence"]) not in CONFIDENCE:
            out.append(Problem(info.name, key, f"confidence {text(r['confidence'])!r} is not one of "
                                               f"{', '.join(CONFIDENCE)}"))
    have = {(int(r["year"]), str(r["sex"]), int(r["age"])) for _, r in df.iterrows()}
    for year in RATE_YEARS:
        for sex in ("male", "female"):
            for age in RATE_AGES:
                if (year, sex, age) not in have:
                    out.append(Problem(info.name, f"year={year}, sex={sex}, age={age}", "missing (expected every "
                                       "year 1936-1939, both sexes, groups 15-19 .. 70-74)"))
    return out

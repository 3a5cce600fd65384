"""One figure of a bundled table named by table and key: ``"repression_key_totals:pospelov_arrested"``.

Every archival number has one home, its row in a bundled table. Code and scenario files name the
row instead of typing the number:

* in Python, ``figure("repression_key_totals:pospelov_arrested")`` (the value, an ``int`` when
  whole) or ``reference(...)`` (a :class:`Figure`: value, unit and citation);
* in a scenario file, ``key = { ref = "TABLE:KEY" }`` (see :mod:`purgetoll.scenarios.settings`).

A reference is ``TABLE:KEY``. ``TABLE`` is a catalog name; ``KEY`` is the row's key, the values of
its kind's key columns (``register_kind(keys=...)``) joined by ``/`` in their declared order:

=================================  =====================================================
kind (key columns)                 example
=================================  =====================================================
facts, key_totals, ... (``id``)    ``repression_key_totals:pospelov_arrested``
gulag_deaths (``period``)          ``gulag_deaths_1930_1956:1937``
convictions (series, period,       ``repression_convicted_by_year_1921_1953:mvd_1953/1937/total``
category)
gulag_population (date, coverage)  ``gulag_population_jan1_partial:1937-01-01/camps_and_colonies``
=================================  =====================================================

Trailing key columns may be left out where one row matches the rest
(``census_national_totals:1937-01-06/total population`` leaves out the ``source`` column).

The figure is the row's value column (the kind's first count column, else ``value``); its unit
the row's ``unit`` cell where the table has that column, else the catalog's unit (up to its first
``;`` or ``(``); its citation the row's ``source`` cell where there is one, else the catalog's.
An unknown table, an unknown key or a row without a number is a :class:`DataError` naming the
reference.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass

import pandas as pd

from purgetoll.data._catalog import load, table_info
from purgetoll.data._registry import kind_schema
from purgetoll.errors import DataError

__all__ = ["Figure", "figure", "reference", "REF_PATTERN"]

#: The form of a reference (checked before any table is read).
REF_PATTERN = re.compile(r"^([a-z0-9_]+):(\S(?:.*\S)?)$")


@dataclass(frozen=True)
class Figure:
    """One bundled figure: where it lives, its value, unit and citation."""

    ref: str
    table: str
    key: str
    value: int | float
    unit: str
    source: str

    def citation(self) -> str:
        """``"<source> (<table>:<key>)"``: what an output shows beside the figure."""
        return f"{self.source} ({self.ref})"


@functools.cache
def _rows(table: str) -> tuple[dict[str, int], pd.DataFrame, str]:
    """The table's rows by key, the table, and its value column."""
    df = load(table)
    schema = kind_schema(table_info(table).kind)
    keys = list(schema.keys) if schema is not None else ["id"]
    column = schema.counts[0] if schema is not None and schema.counts else "value"
    by_key = {"/".join(_cell(v) for v in row): i for i, row in enumerate(df[keys].itertuples(index=False))}
    return by_key, df, column


def _cell(v: object) -> str:
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA else str(v)


@functools.cache
def reference(ref: str) -> Figure:
    """The figure ``ref`` (``TABLE:KEY``) names; :class:`DataError` naming ``ref`` when it names none."""
    m = REF_PATTERN.match(ref) if isinstance(ref, str) else None
    if m is None:
        raise DataError(str(ref), "a reference is TABLE:KEY (e.g. repression_key_totals:pospelov_arrested)")
    table, key = m.groups()
    try:
        info = table_info(table)
    except DataError as exc:
        raise DataError(ref, f"unknown table {table!r} (`purgetoll data list` names them)") from exc
    by_key, df, column = _rows(table)
    if key not in by_key:  # trailing key columns may be left out where one row matches the rest
        matches = [k for k in by_key if k.startswith(key + "/")]
        key = matches[0] if len(matches) == 1 else key
    if key not in by_key:
        near = [k for k in by_key if k.split("/")[0] == key.split("/")[0] or key in k][:8] or list(by_key)[:8]
        raise DataError(ref, f"unknown key {key!r} in table {table} (keys like: {', '.join(near)})")
    row = df.iloc[by_key[key]]
    try:
        number = float(row[column])
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number):
        raise DataError(ref, f"row {key!r} of {table} has no number in its {column!r} column")
    value: int | float = int(number) if number.is_integer() else number
    unit = str(row["unit"]) if "unit" in df.columns and not pd.isna(row["unit"]) else _catalog_unit(info.unit)
    source = str(row["source"]) if "source" in df.columns and not pd.isna(row["source"]) else info.source
    return Figure(ref, table, key, value, unit, source)


def figure(ref: str) -> int | float:
    """The value of the bundled figure ``ref`` (``TABLE:KEY``): an ``int`` when it is whole."""
    return reference(ref).value


def _catalog_unit(unit: str) -> str:
    return re.split(r"[;(]", unit, maxsplit=1)[0].strip()

"""The user's own inputs to a projection: a births series and an age-specific fertility schedule.

Both are CSV files read by :func:`purgetoll.files.read_csv` (a directory, a non-UTF-8 file, a
column named twice or a row of the wrong length is refused there), then checked row by row here:
every problem raises :class:`~purgetoll.errors.DataError` naming the file, the line of the file
and what was expected.

* births (``--births FILE``): columns ``year, sex, count``: persons born in a calendar year, by
  sex (``male``/``female``); each (year, sex) once (two rows for one year would be summed without
  a word otherwise);
* fertility (``--asfr FILE``): columns ``age, births_per_woman``: births per woman per year at
  completed age 0..100, each age once; ages not given are 0.
"""

from __future__ import annotations

import math
import os

import numpy as np
import pandas as pd

from purgetoll.errors import DataError
from purgetoll.files import CsvText, read_csv

__all__ = ["read_asfr_csv", "read_births_csv"]

SEXES = ("male", "female")


def _columns(text: CsvText, needed: tuple[str, ...], what: str) -> dict[str, int]:
    missing = [c for c in needed if c not in text.header]
    if missing:
        raise DataError(text.source, f"missing column(s) {', '.join(missing)}; a {what} CSV has columns "
                                     f"{', '.join(needed)} (found {', '.join(text.header)})", line=text.header_line)
    return {c: text.header.index(c) for c in needed}


def _number(text: CsvText, i: int, col: str, raw: str, expected: str) -> float:
    try:
        v = float(raw)
    except ValueError:
        v = math.nan
    if not math.isfinite(v):
        shown = "nothing" if not raw.strip() else repr(raw)
        raise DataError(text.source, f"{col} must be {expected}; got {shown}", line=text.lines[i])
    return v


def read_births_csv(path: str | os.PathLike[str]) -> pd.DataFrame:
    """A births series ``year, sex, count`` (persons) from a CSV; see the module docstring."""
    text = read_csv(path)
    cols = _columns(text, ("year", "sex", "count"), "births")
    rows = []
    seen: dict[tuple[int, str], int] = {}
    for i, fields in enumerate(text.rows):
        year = _number(text, i, "year", fields[cols["year"]], "a whole calendar year")
        if year != int(year) or not 1 <= year <= 9999:
            raise DataError(text.source, f"year must be a whole calendar year; got {fields[cols['year']]!r}",
                            line=text.lines[i])
        sex = fields[cols["sex"]].strip()
        if sex not in SEXES:
            raise DataError(text.source, f"sex must be male or female; got {sex!r}", line=text.lines[i])
        count = _number(text, i, "count", fields[cols["count"]], "a number of persons >= 0")
        if count < 0:
            raise DataError(text.source, f"count must be a number of persons >= 0; got {count:g}", line=text.lines[i])
        key = (int(year), sex)
        if key in seen:
            raise DataError(text.source, f"year {key[0]}, {sex} given twice (first on line {seen[key]}); give each "
                                         "year and sex once", line=text.lines[i])
        seen[key] = text.lines[i]
        rows.append({"year": int(year), "sex": sex, "count": count})
    if not rows:
        raise DataError(text.source, "no data rows: expected year, sex, count")
    return pd.DataFrame(rows, columns=["year", "sex", "count"])


def read_asfr_csv(path: str | os.PathLike[str]) -> np.ndarray:
    """Births per woman per year by single age 0..100 from a CSV ``age, births_per_woman``."""
    text = read_csv(path)
    cols = _columns(text, ("age", "births_per_woman"), "fertility")
    out = np.zeros(101)
    seen: dict[int, int] = {}
    for i, fields in enumerate(text.rows):
        age = _number(text, i, "age", fields[cols["age"]], "a whole number in 0..100")
        if age != int(age) or not 0 <= age <= 100:
            raise DataError(text.source, f"age must be a whole number in 0..100; got {fields[cols['age']]!r}",
                            line=text.lines[i])
        rate = _number(text, i, "births_per_woman", fields[cols["births_per_woman"]], "in [0, 1] per year")
        if not 0 <= rate <= 1:
            raise DataError(text.source, f"births_per_woman must be in [0, 1] per year; got {rate:g}",
                            line=text.lines[i])
        if int(age) in seen:
            raise DataError(text.source, f"age {int(age)} given twice (first on line {seen[int(age)]})",
                            line=text.lines[i])
        seen[int(age)] = text.lines[i]
        out[int(age)] = rate
    if not seen:
        raise DataError(text.source, "no data rows: expected age, births_per_woman")
    return out

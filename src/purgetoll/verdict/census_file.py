"""A 1939 census given by the user (``purgetoll verdict ... --census PATH``), checked and read.

The schema is the bundled ``census_1939_5y.csv``'s: columns ``date, sex, age, age_end, age_group,
count`` (in any order; no other column); one row per sex (``male``, ``female``) and age group, the
groups of each sex tiling the ages from 0 without gap or overlap and ending with an open group
(``age`` 85-100, ``age_end`` empty, ``age_group`` ``"85+"`` .. ``"100+"``); optional rows ``unknown``
(age not stated) and ``total`` (checked against the groups), and optional ``both`` rows (each a group
of men and women, their unknown ages or their total, checked against men + women). ``date`` is the
census day, 1939-01-17; counts are persons as enumerated (padding included: the error model removes
it as it does from the real census), whole numbers from 0 to :data:`MAX_COUNT`. Single-year groups
(``age_end == age``) are accepted as well. Every row is given once.

The file is opened by :func:`purgetoll.files.read_csv` (not found, a directory, not UTF-8, a column
named twice or a row of the wrong length are refused there, naming the line; a byte order mark,
CRLF line endings, blank lines and spaces around cells are harmless). Every problem of a cell names
the file, the data row with its line in the file, and the column:
``census.csv, row 9 (line 10): column count: expected a whole number of persons ...``.

The groups are split into single years like the bundled 1939 census within the same ages (an
assumption for a synthetic census; exact for the real one), the unknown ages spread in proportion.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from purgetoll.demography import census_single
from purgetoll.errors import DataError
from purgetoll.files import read_csv

__all__ = ["read_census_file", "census_array", "census_frame", "COLUMNS", "CENSUS_DATE", "MAX_COUNT"]

COLUMNS = ("date", "sex", "age", "age_end", "age_group", "count")
CENSUS_DATE = "1939-01-17"
SEXES = ("male", "female")
N_AGES = 101
#: The largest count of one row: more people than the world held in 1939, and small enough that
#: every sum of a file's counts is exact in floating point (so totals are checked to the person).
MAX_COUNT = 10**10
#: A number written in decimal (ASCII digits, optional sign, point and exponent); Python's float()
#: would also take ``1_000``, ``inf``, ``nan`` and other scripts' digits.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


@dataclass(frozen=True)
class _Row:
    """One checked row: ``kind`` is ``group``, ``unknown`` or ``total``; ``end`` None for an open group."""

    sex: str
    kind: str
    age: int
    end: int | None
    count: int
    where: str

    def span(self) -> str:
        return f"{self.age}+" if self.end is None else (str(self.age) if self.end == self.age else
                                                       f"{self.age}-{self.end}")


def _whole(text: str) -> int | None:
    if not _NUMBER.fullmatch(text):
        return None
    v = float(text)
    return int(v) if abs(v) <= MAX_COUNT and v == int(v) else None


def _text(value: object) -> str:
    if isinstance(value, str):
        return value.strip()
    if value is None or pd.isna(value):
        return ""
    return str(value).strip()


def _check_columns(cols: list[str], name: str, line: int | None) -> None:
    doubled = sorted({c for c in cols if cols.count(c) > 1})
    if doubled:
        raise DataError(name, f"column(s) {', '.join(map(repr, doubled))} given twice; give each column once",
                        line=line)
    missing = [c for c in COLUMNS if c not in cols]
    extra = [c for c in cols if c not in COLUMNS]
    if missing or extra:
        what = "; ".join(x for x in (f"missing column(s) {', '.join(missing)}" if missing else "",
                                     f"unknown column(s) {', '.join(extra)}" if extra else "") if x)
        raise DataError(name, f"{what} (expected {', '.join(COLUMNS)}, as in the bundled census_1939_5y.csv)",
                        line=line)


def _parse_row(row: dict[str, str], name: str, where: str) -> _Row:
    def bad(column: str, problem: str) -> DataError:
        return DataError(name, f"column {column}: {problem}", where)

    if row["date"] != CENSUS_DATE:
        raise bad("date", f"expected the census day {CENSUS_DATE}; got {row['date']!r}")
    sex = row["sex"]
    if sex not in ("male", "female", "both"):
        raise bad("sex", f"expected male, female or both; got {sex!r}")
    count = _whole(row["count"])
    if count is None or count < 0:
        raise bad("count", f"expected a whole number of persons from 0 to {MAX_COUNT:,}; got {row['count']!r}")
    label = row["age_group"]
    if label in ("unknown", "total"):
        if row["age"] or row["age_end"]:
            raise bad("age", f"a {label!r} row has no age or age_end; got {row['age']!r}, {row['age_end']!r}")
        return _Row(sex, label, -1, None, count, where)
    age = _whole(row["age"])
    if age is None or not 0 <= age <= 100:
        raise bad("age", f"expected a whole number 0-100; got {row['age']!r}")
    end: int | None = None
    if row["age_end"]:
        end = _whole(row["age_end"])
        if end is None or end < age or end > 100:
            raise bad("age_end", f"expected a whole number from age ({age}) to 100, or empty for an open group; "
                                 f"got {row['age_end']!r}")
    parsed = _Row(sex, "group", age, end, count, where)
    if label != parsed.span():
        raise bad("age_group", f"expected {parsed.span()!r} for age {row['age']} and age_end "
                               f"{row['age_end'] or 'empty'}; got {label!r}")
    return parsed


def _check_tiling(groups: list[_Row], sex: str, name: str) -> None:
    if not groups:
        raise DataError(name, f"no age groups for {sex} (expected groups tiling ages 0 to an open group)")
    nxt = 0
    for k, g in enumerate(groups):
        if g.age != nxt:
            raise DataError(name, f"column age: the {sex} groups {'overlap' if g.age < nxt else 'leave a gap'} at "
                                  f"age {min(g.age, nxt)} (expected the next group to start at {nxt}); got {g.age}",
                            g.where)
        if g.end is None:
            if k + 1 < len(groups):
                raise DataError(name, f"column age: the {sex} groups go on after the open group {g.span()} (only "
                                      "the last group may be open)", groups[k + 1].where)
            if not 85 <= g.age <= 100:
                raise DataError(name, f"column age: the {sex} groups must end with an open group starting at "
                                      f"85-100; got {g.span()}", g.where)
            return
        nxt = g.end + 1
    raise DataError(name, f"column age_end: the {sex} groups must end with an open group starting at 85-100 "
                          "(age_end empty)", groups[-1].where)


def census_array(df: pd.DataFrame, name: str, *, lines: Sequence[int] | None = None,
                 header_line: int | None = None) -> np.ndarray:
    """Persons (2, 101) by sex and single age from a census table in the bundled schema (cells as text or
    numbers; missing values empty); :class:`DataError` naming ``name``, the row and the column of the first
    problem. ``lines`` are the lines of the file the rows were read from (default: row i on line i + 2,
    after a header on line 1), ``header_line`` the header's."""
    cols = [str(c).strip() for c in df.columns]
    _check_columns(cols, name, header_line)
    if df.empty:
        raise DataError(name, "no rows (expected one row per sex and age group)")
    at = {c: cols.index(c) for c in COLUMNS}
    rows: list[_Row] = []
    seen: dict[tuple[str, str, int, int | None], _Row] = {}
    for i, values in enumerate(df.itertuples(index=False, name=None)):
        where = f"{i + 1} (line {lines[i] if lines is not None else i + 2})"
        r = _parse_row({c: _text(values[at[c]]) for c in COLUMNS}, name, where)
        key = (r.sex, r.kind, r.age, r.end)
        if key in seen:
            who = "both sexes" if r.sex == "both" else r.sex
            what = f"the {r.kind} row of {who}" if r.kind != "group" else f"the group {r.span()} of {who}"
            raise DataError(name, f"column {'age_group' if r.kind != 'group' else 'age'}: {what} is given twice "
                                  f"(first on row {seen[key].where}); give each row once", where)
        seen[key] = r
        rows.append(r)

    def of(sex: str, kind: str) -> list[_Row]:
        return sorted((r for r in rows if r.sex == sex and r.kind == kind), key=lambda r: r.age)

    out = np.zeros((2, N_AGES))
    shape = census_single(1939)
    persons: dict[str, int] = {}
    for s, sex in enumerate(SEXES):
        groups = of(sex, "group")
        _check_tiling(groups, sex, name)
        for g in groups:
            hi = N_AGES if g.end is None else g.end + 1
            ref = shape[s, g.age:hi]
            out[s, g.age:hi] = g.count * (ref / ref.sum() if ref.sum() > 0 else np.full(hi - g.age, 1 / (hi - g.age)))
        stated = sum(g.count for g in groups)
        unknown = sum(r.count for r in of(sex, "unknown"))
        persons[sex] = stated + unknown
        for t in of(sex, "total"):
            if t.count != persons[sex]:
                raise DataError(name, f"column count: the {sex} total {t.count:,} differs from its groups and "
                                      f"unknown ages ({persons[sex]:,})", t.where)
        if stated <= 0:
            raise DataError(name, f"column count: no {sex} persons of stated age")
        out[s] *= 1 + unknown / stated
    _check_both(rows, name, persons)
    return out


def _check_both(rows: list[_Row], name: str, persons: dict[str, int]) -> None:
    """Each ``both`` row against men + women: a group against the same group of each sex, the unknown ages
    against theirs, the total against all persons."""
    by_key = {(r.sex, r.kind, r.age, r.end): r for r in rows}
    for r in rows:
        if r.sex != "both":
            continue
        if r.kind == "group":
            pair = [by_key.get((sex, "group", r.age, r.end)) for sex in SEXES]
            lacking = [sex for sex, p in zip(SEXES, pair, strict=True) if p is None]
            if lacking:
                raise DataError(name, f"column age: both sexes' group {r.span()} has no {' or '.join(lacking)} group "
                                      f"{r.span()} to be checked against (both rows repeat the groups of men and "
                                      "women)", r.where)
            have = sum(p.count for p in pair if p is not None)
            what = f"both sexes {r.count:,} differ from men + women ({have:,}) in the same group"
        elif r.kind == "unknown":
            have = sum(u.count for u in rows if u.sex in SEXES and u.kind == "unknown")
            what = f"both sexes' unknown ages {r.count:,} differ from men's + women's ({have:,})"
        else:
            have = sum(persons.values())
            what = f"the total of both sexes {r.count:,} differs from men + women ({have:,})"
        if r.count != have:
            raise DataError(name, f"column count: {what}", r.where)


def read_census_file(path: str | os.PathLike[str]) -> np.ndarray:
    """Persons (2, 101) from a census file in the bundled schema (see the module docstring)."""
    text = read_csv(path)
    name = text.source
    _check_columns(list(text.header), name, text.header_line)
    if not text.rows:
        raise DataError(name, "no rows (expected one row per sex and age group)")
    return census_array(text.frame(), name, lines=text.lines, header_line=text.header_line)


def census_frame(pop: np.ndarray, *, unknown: tuple[float, float] = (0.0, 0.0)) -> pd.DataFrame:
    """A census table in the bundled schema (5-year groups 0-4 .. 95-99, 100+; whole persons) from persons
    (2, 101) by sex and single age: what a synthetic census looks like."""
    rows = []
    p = np.asarray(pop, dtype=float)
    for s, sex in enumerate(SEXES):
        counts = [(a, a + 4, p[s, a:a + 5].sum()) for a in range(0, 100, 5)] + [(100, None, p[s, 100])]
        for a, e, c in counts:
            rows.append({"date": CENSUS_DATE, "sex": sex, "age": a, "age_end": e, "age_group": f"{a}-{e}" if e else "100+",
                         "count": int(round(c))})
        if unknown[s]:
            rows.append({"date": CENSUS_DATE, "sex": sex, "age": None, "age_end": None, "age_group": "unknown",
                         "count": int(round(unknown[s]))})
    return pd.DataFrame(rows, columns=list(COLUMNS)).astype({"age": "Int64", "age_end": "Int64"})

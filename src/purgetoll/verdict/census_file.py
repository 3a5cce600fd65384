"""A 1939 census given by the user (``purgetoll verdict ... --census PATH``), checked and read.

The schema is the bundled ``census_1939_5y.csv``'s: columns ``date, sex, age, age_end, age_group,
count``; one row per sex (``male``, ``female``) and age group, the groups of each sex tiling the ages
from 0 without gap or overlap and ending with an open group (``age`` 85-100, ``age_end`` empty,
``age_group`` ``"85+"`` .. ``"100+"``); optional rows ``unknown`` (age not stated) and ``total`` (checked
against the groups), and optional ``both`` rows (checked against men + women). ``date`` is the census
day, 1939-01-17; counts are persons as enumerated (padding included: the error model removes it as
it does from the real census). Single-year groups (``age_end == age``) are accepted as well.

Every problem names the file, the row (1-based data row and its line in the file) and the column.
The groups are split into single years like the bundled 1939 census within the same ages (an
assumption for a synthetic census; exact for the real one), the unknown ages spread in proportion.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np
import pandas as pd

from purgetoll.demography import census_single
from purgetoll.errors import DataError

__all__ = ["read_census_file", "census_array", "census_frame", "COLUMNS", "CENSUS_DATE"]

COLUMNS = ("date", "sex", "age", "age_end", "age_group", "count")
CENSUS_DATE = "1939-01-17"
SEXES = ("male", "female")
N_AGES = 101


def _where(i: int) -> str:
    return f"{i + 1} (line {i + 2})"


def _whole(text: str) -> int | None:
    try:
        v = float(text)
    except ValueError:
        return None
    return int(v) if math.isfinite(v) and v == int(v) else None


def _check_columns(cols: list[str], name: str) -> None:
    missing = [c for c in COLUMNS if c not in cols]
    extra = [c for c in cols if c not in COLUMNS]
    if missing or extra:
        what = "; ".join(x for x in (f"missing column(s) {', '.join(missing)}" if missing else "",
                                     f"unknown column(s) {', '.join(extra)}" if extra else "") if x)
        raise DataError(name, f"{what} (expected {', '.join(COLUMNS)}, as in the bundled census_1939_5y.csv)")


def census_array(df: pd.DataFrame, name: str) -> np.ndarray:
    """Persons (2, 101) by sex and single age from a census table in the bundled schema (cells as text or
    numbers); :class:`DataError` naming ``name``, the row and the column of the first problem."""
    cols = [str(c).strip() for c in df.columns]
    _check_columns(cols, name)
    df = df.set_axis(cols, axis=1)
    if df.empty:
        raise DataError(name, "no rows (expected one row per sex and age group)")
    groups: dict[str, list[tuple[int, int | None, float, int]]] = {"male": [], "female": [], "both": []}
    unknown: dict[str, float] = {}
    totals: dict[str, tuple[float, int]] = {}
    for i, r in enumerate(df.astype(str).itertuples(index=False)):
        row = {c: (getattr(r, c) if getattr(r, c) not in ("nan", "None", "<NA>") else "").strip() for c in COLUMNS}

        def bad(column: str, problem: str, i: int = i) -> DataError:
            return DataError(name, f"column {column}: {problem}", _where(i))

        if row["date"] != CENSUS_DATE:
            raise bad("date", f"expected the census day {CENSUS_DATE}; got {row['date']!r}")
        sex = row["sex"]
        if sex not in ("male", "female", "both"):
            raise bad("sex", f"expected male, female or both; got {sex!r}")
        count = _whole(row["count"])
        if count is None or count < 0:
            raise bad("count", f"expected a whole number of persons >= 0; got {row['count']!r}")
        label = row["age_group"]
        if label in ("unknown", "total"):
            if row["age"] or row["age_end"]:
                raise bad("age", f"a {label!r} row has no age or age_end; got {row['age']!r}, {row['age_end']!r}")
            if sex in (unknown if label == "unknown" else totals):
                raise bad("age_group", f"a second {label!r} row for {sex}")
            if label == "unknown":
                unknown[sex] = float(count)
            else:
                totals[sex] = (float(count), i)
            continue
        age = _whole(row["age"])
        if age is None or not 0 <= age <= 100:
            raise bad("age", f"expected a whole number 0-100; got {row['age']!r}")
        if row["age_end"]:
            end = _whole(row["age_end"])
            if end is None or end < age or end > 100:
                raise bad("age_end", f"expected a whole number from age ({age}) to 100, or empty for an open group; "
                                     f"got {row['age_end']!r}")
            expect = str(age) if end == age else f"{age}-{end}"
        else:
            end = None
            expect = f"{age}+"
        if label != expect:
            raise bad("age_group", f"expected {expect!r} for age {row['age']} and age_end {row['age_end'] or 'empty'}; "
                                   f"got {label!r}")
        groups[sex].append((age, end, float(count), i))
    out = np.zeros((2, N_AGES))
    shape = census_single(1939)
    for s, sex in enumerate(SEXES):
        g = sorted(groups[sex], key=lambda x: x[0])
        if not g:
            raise DataError(name, f"no age groups for {sex} (expected groups tiling ages 0 to an open group)")
        nxt = 0
        for age, end, _, i in g:
            if age != nxt:
                raise DataError(name, f"column age: the {sex} groups {'overlap' if age < nxt else 'leave a gap'} at "
                                      f"age {min(age, nxt)} (expected the next group to start at {nxt}); got {age}",
                                _where(i))
            if end is None:
                nxt = None  # type: ignore[assignment]
                break
            nxt = end + 1
        last_age, last_end, _, last_i = g[-1]
        if nxt is not None or last_end is not None or not 85 <= last_age <= 100:
            raise DataError(name, f"column age_end: the {sex} groups must end with an open group starting at 85-100 "
                                  "(age_end empty)", _where(last_i))
        if len([x for x in g if x[1] is None]) != 1:
            raise DataError(name, f"column age_end: only the last {sex} group may be open", _where(last_i))
        for age, end, count, _ in g:
            hi = N_AGES if end is None else end + 1
            ref = shape[s, age:hi]
            out[s, age:hi] = count * (ref / ref.sum() if ref.sum() > 0 else np.full(hi - age, 1 / (hi - age)))
        stated = out[s].sum()
        if sex in totals:
            total, i = totals[sex]
            have = stated + unknown.get(sex, 0.0)
            if abs(total - have) > 0.5:
                raise DataError(name, f"column count: the {sex} total {total:,.0f} differs from its groups and unknown "
                                      f"ages ({have:,.0f})", _where(i))
        if stated <= 0:
            raise DataError(name, f"column count: no {sex} persons of stated age")
        out[s] *= 1 + unknown.get(sex, 0.0) / stated
    both = {(a, e): (c, i) for a, e, c, i in groups["both"]}
    for (age, end), (both_count, both_row) in both.items():
        hi = N_AGES if end is None else end + 1
        have = float(sum(c for sx in SEXES for a, e, c, _ in groups[sx] if a == age and e == end))
        if abs(have - both_count) > 0.5:
            raise DataError(name, f"column count: both sexes {both_count:,.0f} differ from men + women ({have:,.0f}) in the "
                                  f"same group", _where(both_row))
    if "both" in totals:
        total, i = totals["both"]
        have = sum(totals[s][0] for s in SEXES if s in totals) if all(s in totals for s in SEXES) else \
            out.sum()
        if abs(total - have) > 0.5:
            raise DataError(name, f"column count: the total of both sexes {total:,.0f} differs from men + women "
                                  f"({have:,.0f})", _where(i))
    return out


def read_census_file(path: str | Path) -> np.ndarray:
    """Persons (2, 101) from a census file in the bundled schema (see the module docstring)."""
    p = Path(path)
    name = str(p)
    if p.is_dir():
        raise DataError(name, "is a directory, not a census file (CSV)")
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(name, "no such file") from None
    except UnicodeDecodeError as exc:
        raise DataError(name, f"not a UTF-8 text file (byte {exc.start})") from None
    except OSError as exc:
        raise DataError(name, f"cannot read the file ({exc.strerror or exc})") from None
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise DataError(name, f"not a CSV file ({exc})") from None
    if not rows:
        raise DataError(name, "empty file (expected a header: " + ", ".join(COLUMNS) + ")")
    header, body = rows[0], rows[1:]
    _check_columns([h.strip() for h in header], name)
    for i, r in enumerate(body):
        if len(r) != len(header):
            raise DataError(name, f"{len(r)} cells for {len(header)} columns", _where(i))
    return census_array(pd.DataFrame(body, columns=header, dtype=str), name)


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

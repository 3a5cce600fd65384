"""Hypothesis strategies for malformed user files: start from a valid file, damage it, say what to expect.

Every strategy draws a :class:`Case`: the bytes of a file and what a correct reader must do with it.

* ``expect == "same"``: the damage is harmless (line endings, a byte order mark, blank lines, spaces,
  quotes, row order): the reader must give exactly the table of the undamaged file.
* ``expect == "error"``: the reader must raise a purgetoll error naming the file, and ``line`` (when
  set) is the line of the file the message must name.
* ``expect == "either"``: a blind cut or a flipped byte; the file may still be valid. The reader
  must give a result or a purgetoll error naming the file, never a traceback.

The number of examples is bounded for CI (``PURGETOLL_ROBUST_EXAMPLES``, default 40 per test, run
derandomized so that a failure reproduces); raise it to search harder.
"""

from __future__ import annotations

import csv
import io
import os
import re
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from purgetoll.errors import PurgetollError

#: Bounded, reproducible examples (the whole suite must stay well under 15 minutes on 2 cores).
ROBUST = settings(
    max_examples=int(os.environ.get("PURGETOLL_ROBUST_EXAMPLES", 40)),
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
    database=None,
)

#: Values a careless spreadsheet puts where a number belongs.
GARBAGE = ("", " ", "x", "-1", "1.5", "1e400", "inf", "nan", "NaN", "0x1", "True", "\u22121", "2.5e-3",
           "--", "1,000", "N/A")
#: Written differently, the same whole number: a harmless rewrite.
SAME_NUMBER = {"0": ("0.0", " 0", "0 ", "+0", "00"), "1": ("1.0", " 1", "1 ", "+1", "01")}


@dataclass
class Case:
    """A file to read and what a correct reader does with it (see the module docstring)."""

    data: bytes
    expect: str
    what: str
    line: int | None = None
    table: object = None  # the intended content, for "same"
    extra: dict = field(default_factory=dict)


def read_as_the_case_says(path: Path, case: Case, read: Callable[[Path], Any],
                          error: type[Exception] = PurgetollError) -> Any:
    """``read(path)``, asserting the outcome ``case`` expects: an ``error`` whose message starts with
    the file and names what the case knows (the line, or the row, line and one of the columns of
    ``extra["columns"]``; the byte offset) for damage that is not harmless; a result for damage that
    is not fatal. The result, or None on an error."""
    try:
        got = read(path)
    except error as err:
        text = str(err)
        assert text.startswith(str(path)), text
        assert case.expect != "same", f"{case.what}: harmless damage refused: {text}"
        columns = case.extra.get("columns")
        if case.line is not None and columns:
            where = rf"{re.escape(str(path))}, row {case.line - 1} \(line {case.line}\): column ({'|'.join(columns)}): "
            assert re.match(where, text), (case.what, text)
        elif case.line is not None:
            assert text.startswith(f"{path}, line {case.line}: "), (case.what, text)
        if "offset" in case.extra:
            assert f"at byte offset {case.extra['offset']} " in text, text
        return None
    assert case.expect != "error", f"{case.what}: damaged file accepted as {got!r}"
    return got


def _encode(rows: list[list[str]], newline: str = "\n") -> bytes:
    return (newline.join(",".join(r) for r in rows) + newline).encode()


# -- capture tables ---------------------------------------------------------------------------------------
list_names = st.text(alphabet=string.ascii_uppercase, min_size=1, max_size=3).filter(lambda s: s != "count")


@st.composite
def capture_rows(draw, max_lists: int = 4) -> tuple[list[str], list[list[str]], dict[tuple[int, ...], int]]:
    """A valid aggregated capture table: header, data rows (one per history with its count), content."""
    k = draw(st.integers(2, max_lists))
    names = draw(st.lists(list_names, min_size=k, max_size=k, unique=True))
    histories = [tuple((h >> (k - 1 - j)) & 1 for j in range(k)) for h in range(1, 2**k)]
    chosen = draw(st.lists(st.sampled_from(histories), min_size=1, max_size=len(histories), unique=True))
    counts = {h: draw(st.integers(0, 400)) for h in chosen}
    rows = [[*map(str, h), str(c)] for h, c in counts.items()]
    return [*names, "count"], rows, counts


@st.composite
def capture_cases(draw) -> Case:
    header, rows, counts = draw(capture_rows())
    k = len(header) - 1
    kind = draw(st.sampled_from([
        "crlf", "bom", "blank_lines", "shuffle", "spaces_in_header", "quoted", "same_number",
        "bad_count", "bad_list_value", "duplicate_history", "all_zero_history", "duplicate_column",
        "empty_column_name", "extra_field", "missing_field", "invalid_utf8", "truncate", "flip_byte",
    ]))
    body = [header] + rows
    if kind == "crlf":
        return Case(_encode(body, "\r\n"), "same", kind, table=counts)
    if kind == "bom":
        return Case(b"\xef\xbb\xbf" + _encode(body), "same", kind, table=counts)
    if kind == "blank_lines":
        at = draw(st.integers(1, len(body)))
        return Case(_encode(body[:at] + [[""]] * draw(st.integers(1, 3)) + body[at:]), "same", kind, table=counts)
    if kind == "shuffle":
        return Case(_encode([header] + draw(st.permutations(rows))), "same", kind, table=counts)
    if kind == "spaces_in_header":
        return Case(_encode([[f" {h} " for h in header]] + rows), "same", kind, table=counts)
    if kind == "quoted":
        return Case(_encode([[f'"{v}"' for v in r] for r in body]), "same", kind, table=counts)
    if kind == "same_number":
        i = draw(st.integers(0, len(rows) - 1))
        j = draw(st.integers(0, k - 1))
        rows[i][j] = draw(st.sampled_from(SAME_NUMBER[rows[i][j]]))
        return Case(_encode([header] + rows), "same", kind, table=counts)
    i = draw(st.integers(0, len(rows) - 1))
    line = i + 2  # the header is line 1
    if kind == "bad_count":
        rows[i][k] = draw(st.sampled_from(GARBAGE))
        return Case(_encode([header] + rows), "error", kind, line=line)
    if kind == "bad_list_value":
        j = draw(st.integers(0, k - 1))
        rows[i][j] = draw(st.sampled_from(("2", "-1", "x", "", "0.5", "nan")))
        return Case(_encode([header] + rows), "error", kind, line=line)
    if kind == "duplicate_history":
        return Case(_encode([header] + rows + [list(rows[i])]), "error", kind, line=len(rows) + 2)
    if kind == "all_zero_history":
        return Case(_encode([header] + rows[: i + 1] + [["0"] * k + ["3"]] + rows[i + 1:]), "error", kind,
                    line=i + 3)
    if kind == "duplicate_column":
        j = draw(st.integers(0, k - 1))
        return Case(_encode([header + [header[j]]] + [r + ["0"] for r in rows]), "error", kind, line=1)
    if kind == "empty_column_name":
        j = draw(st.integers(0, k - 1))
        bad = list(header)
        bad[j] = draw(st.sampled_from(("", "  ")))
        return Case(_encode([bad] + rows), "error", kind, line=1)
    if kind == "extra_field":
        rows[i] = rows[i] + ["1"]
        return Case(_encode([header] + rows), "error", kind, line=line)
    if kind == "missing_field":
        rows[i] = rows[i][:-1]
        return Case(_encode([header] + rows), "error", kind, line=line)
    data = _encode(body)
    if kind == "invalid_utf8":
        at = draw(st.integers(0, len(data) - 1))
        return Case(data[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xe9", b"\x80"])) + data[at:], "error",
                    kind, extra={"offset": at})
    if kind == "truncate":
        return Case(data[: draw(st.integers(0, len(data) - 1))], "either", kind)
    at = draw(st.integers(0, len(data) - 1))
    return Case(data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1:], "either", kind)


# -- births and fertility CSVs of the demography verbs -------------------------------------------------------
@st.composite
def asfr_cases(draw) -> Case:
    ages = draw(st.lists(st.integers(12, 55), min_size=1, max_size=12, unique=True))
    rates = {a: draw(st.sampled_from([0.0, 0.01, 0.05, 0.1, 0.25])) for a in ages}
    header = ["age", "births_per_woman"]
    rows = [[str(a), str(r)] for a, r in rates.items()]
    i = draw(st.integers(0, len(rows) - 1))
    kind = draw(st.sampled_from(["crlf", "bom", "shuffle", "blank_lines", "bad_age", "bad_rate", "duplicate_age",
                                 "missing_column", "extra_field", "invalid_utf8", "truncate"]))
    if kind == "crlf":
        return Case(_encode([header] + rows, "\r\n"), "same", kind, table=rates)
    if kind == "bom":
        return Case(b"\xef\xbb\xbf" + _encode([header] + rows), "same", kind, table=rates)
    if kind == "shuffle":
        return Case(_encode([header] + draw(st.permutations(rows))), "same", kind, table=rates)
    if kind == "blank_lines":
        return Case(_encode([header] + rows[:i] + [[""]] + rows[i:]), "same", kind, table=rates)
    if kind == "bad_age":
        rows[i][0] = draw(st.sampled_from(("-1", "101", "20.5", "x", "", "inf")))
        return Case(_encode([header] + rows), "error", kind, line=i + 2)
    if kind == "bad_rate":
        rows[i][1] = draw(st.sampled_from(("-0.1", "1.5", "x", "", "nan", "1e400")))
        return Case(_encode([header] + rows), "error", kind, line=i + 2)
    if kind == "duplicate_age":
        return Case(_encode([header] + rows + [list(rows[i])]), "error", kind, line=len(rows) + 2)
    if kind == "missing_column":
        return Case(_encode([["age", "rate"]] + rows), "error", kind, line=1)
    if kind == "extra_field":
        rows[i] = rows[i] + ["1"]
        return Case(_encode([header] + rows), "error", kind, line=i + 2)
    data = _encode([header] + rows)
    if kind == "invalid_utf8":
        at = draw(st.integers(0, len(data) - 1))
        return Case(data[:at] + b"\xff" + data[at:], "error", kind)
    return Case(data[: draw(st.integers(0, len(data) - 1))], "either", kind)


@st.composite
def births_cases(draw) -> Case:
    years = draw(st.lists(st.integers(1927, 1965), min_size=1, max_size=6, unique=True))
    table = {(y, s): draw(st.integers(0, 3_000_000)) for y in years for s in ("male", "female")}
    header = ["year", "sex", "count"]
    rows = [[str(y), s, str(c)] for (y, s), c in table.items()]
    i = draw(st.integers(0, len(rows) - 1))
    kind = draw(st.sampled_from(["crlf", "shuffle", "quoted", "bad_year", "bad_sex", "bad_count", "duplicate",
                                 "missing_column", "missing_field", "invalid_utf8", "truncate"]))
    if kind == "crlf":
        return Case(_encode([header] + rows, "\r\n"), "same", kind, table=table)
    if kind == "shuffle":
        return Case(_encode([header] + draw(st.permutations(rows))), "same", kind, table=table)
    if kind == "quoted":
        return Case(_encode([[f'"{v}"' for v in r] for r in [header] + rows]), "same", kind, table=table)
    if kind == "bad_year":
        rows[i][0] = draw(st.sampled_from(("1950.5", "x", "", "-3", "1e9")))
        return Case(_encode([header] + rows), "error", kind, line=i + 2)
    if kind == "bad_sex":
        rows[i][1] = draw(st.sampled_from(("men", "M", "", "both")))
        return Case(_encode([header] + rows), "error", kind, line=i + 2)
    if kind == "bad_count":
        rows[i][2] = draw(st.sampled_from(("-5", "x", "", "inf", "nan")))
        return Case(_encode([header] + rows), "error", kind, line=i + 2)
    if kind == "duplicate":
        return Case(_encode([header] + rows + [list(rows[i])]), "error", kind, line=len(rows) + 2)
    if kind == "missing_column":
        return Case(_encode([["year", "sex", "births"]] + rows), "error", kind, line=1)
    if kind == "missing_field":
        rows[i] = rows[i][:2]
        return Case(_encode([header] + rows), "error", kind, line=i + 2)
    data = _encode([header] + rows)
    if kind == "invalid_utf8":
        at = draw(st.integers(0, len(data) - 1))
        return Case(data[:at] + b"\xfe" + data[at:], "error", kind)
    return Case(data[: draw(st.integers(0, len(data) - 1))], "either", kind)


# -- TOML files (scenarios, claims) ----------------------------------------------------------------------------
TOML_VALUES = ("-1", "1e400", "nan", "inf", '"text"', "true", "[]", "{}", "0", "999999999999", '"1937-13"',
               "1937-01-01", '{ value = -5, source = "x" }', '{ value = "a", source = "x" }',
               '{ value = { "1950-01" = 5 }, source = "x" }', '{ value = { "1937-13" = 5 }, source = "x" }',
               '{ value = 193913, source = "x" }', '{ value = 1 }', '{ source = "x" }')


@st.composite
def toml_cases(draw, base: str) -> Case:
    """A damaged copy of a valid TOML file ``base``: a value replaced, a line dropped or doubled, a
    section or key invented, the bytes cut, flipped or not UTF-8."""
    lines = base.splitlines()
    kind = draw(st.sampled_from(["replace_value", "drop_line", "double_line", "unknown_key", "unknown_section",
                                 "truncate", "invalid_utf8", "flip_byte", "crlf"]))
    assignments = [i for i, text in enumerate(lines) if "=" in text and not text.lstrip().startswith("#")]
    if kind == "replace_value" and assignments:
        i = draw(st.sampled_from(assignments))
        key = lines[i].split("=", 1)[0]
        lines[i] = f"{key}= {draw(st.sampled_from(TOML_VALUES))}"
        return Case("\n".join(lines).encode() + b"\n", "either", kind, extra={"line": i + 1})
    if kind == "drop_line" and lines:
        i = draw(st.integers(0, len(lines) - 1))
        return Case("\n".join(lines[:i] + lines[i + 1:]).encode() + b"\n", "either", kind)
    if kind == "double_line" and assignments:
        i = draw(st.sampled_from(assignments))
        return Case("\n".join(lines[: i + 1] + [lines[i]] + lines[i + 1:]).encode() + b"\n", "error", kind)
    if kind == "unknown_key" and assignments:
        i = draw(st.sampled_from(assignments))
        return Case("\n".join(lines[: i + 1] + ["no_such_key_xyz = 1"] + lines[i + 1:]).encode() + b"\n", "error",
                    kind)
    if kind == "unknown_section":
        return Case((base + '\n[no_such_section_xyz]\nenabled = true\n').encode(), "error", kind)
    data = base.encode()
    if kind == "crlf":
        return Case(data.replace(b"\n", b"\r\n"), "same", kind)
    if kind == "invalid_utf8":
        at = draw(st.integers(0, len(data) - 1))
        return Case(data[:at] + b"\xff" + data[at:], "error", kind, extra={"offset": at})
    if kind == "truncate":
        return Case(data[: draw(st.integers(0, len(data) - 1))], "either", kind)
    at = draw(st.integers(0, len(data) - 1))
    return Case(data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1:], "either", kind)


# -- the 1939 census of `purgetoll verdict --census` --------------------------------------------------------
CENSUS_HEADER = ("date", "sex", "age", "age_end", "age_group", "count")
CENSUS_DAY = "1939-01-17"
#: Counts that are not a whole number of persons 0..10^10 (``1,000`` is quoted by the CSV writer).
BAD_COUNTS = GARBAGE + ("1_000", "1e11", "-0.5", "\u0661\u0660", "12 000")


@dataclass(frozen=True)
class CensusRow:
    """One row of a census file: ``kind`` is ``group``, ``unknown`` or ``total``; ``end`` None for an open group."""

    sex: str
    kind: str
    age: int | None
    end: int | None
    count: int

    def label(self) -> str:
        if self.kind != "group":
            return self.kind
        return f"{self.age}+" if self.end is None else (str(self.age) if self.end == self.age else f"{self.age}-{self.end}")

    def cells(self) -> list[str]:
        age = "" if self.age is None else str(self.age)
        end = "" if self.end is None else str(self.end)
        return [CENSUS_DAY, self.sex, age, end, self.label(), str(self.count)]


def census_bytes(rows: list[list[str]], newline: str = "\n", quote_all: bool = False) -> bytes:
    """Rows (the header first) as a CSV file, quoted where a cell needs it (or everywhere)."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator=newline, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL).writerows(rows)
    return buf.getvalue().encode()


@st.composite
def census_tables(draw) -> list[CensusRow]:
    """A valid 1939 census in the bundled schema: for each sex the same groups (single years 0-4 or one
    group 0-4, then 5-year groups, an open group at 85, 90, 95 or 100), optional unknown and total rows,
    optional rows of both sexes (the groups, the unknown ages, the total)."""
    open_at = draw(st.sampled_from([85, 90, 95, 100]))
    first = [(a, a) for a in range(5)] if draw(st.booleans()) else [(0, 4)]
    spans: list[tuple[int, int | None]] = [*first, *[(a, a + 4) for a in range(5, open_at, 5)], (open_at, None)]
    rows: list[CensusRow] = []
    for sex in ("male", "female"):
        groups = [CensusRow(sex, "group", a, e, draw(st.integers(1 if j == 0 else 0, 5_000_000)))
                  for j, (a, e) in enumerate(spans)]
        rows += groups
        unknown = draw(st.one_of(st.none(), st.integers(0, 50_000)))
        if unknown is not None:
            rows.append(CensusRow(sex, "unknown", None, None, unknown))
        if draw(st.booleans()):
            rows.append(CensusRow(sex, "total", None, None, sum(g.count for g in groups) + (unknown or 0)))
    if draw(st.booleans()):
        def of(sex: str, kind: str, age: int | None = None, end: int | None = None) -> int:
            return sum(r.count for r in rows if r.sex == sex and r.kind == kind and (kind != "group" or
                                                                                     (r.age, r.end) == (age, end)))
        both = [CensusRow("both", "group", a, e, of("male", "group", a, e) + of("female", "group", a, e))
                for a, e in spans]
        if draw(st.booleans()):
            both.append(CensusRow("both", "unknown", None, None, of("male", "unknown") + of("female", "unknown")))
        if draw(st.booleans()):
            both.append(CensusRow("both", "total", None, None, sum(r.count for r in rows if r.kind != "total")))
        rows += both
    return rows


CENSUS_HARMLESS = ("crlf", "bom", "blank_lines", "shuffle_rows", "shuffle_columns", "spaces", "quoted", "same_number")
CENSUS_DAMAGING = ("bad_count", "bad_date", "bad_sex", "bad_age", "bad_age_end", "bad_label", "age_on_unknown",
                   "duplicate_row", "extra_sex", "drop_group", "shift_end", "count_off", "both_without_partner",
                   "missing_column", "duplicate_column", "rename_column", "extra_column", "extra_field",
                   "missing_field", "invalid_utf8", "empty", "header_only")
CENSUS_BLIND = ("truncate", "flip_byte", "replace_cell")


@st.composite
def census_cases(draw, kinds: tuple[str, ...] = CENSUS_HARMLESS + CENSUS_DAMAGING + CENSUS_BLIND) -> Case:
    """A damaged census file. ``line`` is the line the error must name (data rows start on line 2);
    ``extra["columns"]`` the column(s) it may name (empty: a fault of the file's structure, named by line
    alone); ``extra["clean"]`` the undamaged file; ``table`` its rows (:class:`CensusRow`)."""
    rows = draw(census_tables())
    header = list(CENSUS_HEADER)
    body = [r.cells() for r in rows]
    clean = census_bytes([header, *body])
    kind = draw(st.sampled_from(kinds))

    def case(data: bytes, expect: str, line: int | None = None, columns: tuple[str, ...] = (), **extra) -> Case:
        return Case(data, expect, kind, line=line, table=rows, extra={"columns": columns, "clean": clean, **extra})

    def pick(*wanted: str) -> int | None:
        """A row of one of the ``wanted`` kinds (group, unknown, total; ``closed`` / ``open`` groups,
        ``sexed`` groups of men or women, ``checked`` totals and rows of both sexes)."""
        def fits(r: CensusRow) -> bool:
            return any({"group": r.kind == "group", "unknown": r.kind == "unknown", "total": r.kind == "total",
                        "closed": r.kind == "group" and r.end is not None and r.sex != "both",
                        "open": r.kind == "group" and r.end is None,
                        "sexed": r.kind == "group" and r.sex != "both",
                        "checked": r.kind == "total" or r.sex == "both", "any": True}[w] for w in wanted)
        fitting = [j for j, r in enumerate(rows) if fits(r)]
        return draw(st.sampled_from(fitting)) if fitting else None

    if kind == "crlf":
        return case(census_bytes([header, *body], "\r\n"), "same")
    if kind == "bom":
        return case(b"\xef\xbb\xbf" + clean, "same")
    if kind == "blank_lines":
        at = draw(st.integers(0, len(body) + 1))
        lines = [header, *body]
        return case(census_bytes([*lines[:at], *[[]] * draw(st.integers(1, 3)), *lines[at:]]), "same")
    if kind == "shuffle_rows":
        return case(census_bytes([header, *draw(st.permutations(body))]), "same")
    if kind == "shuffle_columns":
        order = draw(st.permutations(range(len(header))))
        return case(census_bytes([[r[c] for c in order] for r in [header, *body]]), "same")
    if kind == "spaces":
        return case(census_bytes([[f" {v} " for v in r] for r in [header, *body]]), "same")
    if kind == "quoted":
        return case(census_bytes([header, *body], quote_all=True), "same")
    if kind == "same_number":
        j = pick("any")
        assert j is not None
        col = draw(st.sampled_from([c for c in (2, 3, 5) if body[j][c]]))
        v = body[j][col]
        body[j][col] = draw(st.sampled_from((f"{v}.0", f"+{v}", f"0{v}", f"{v}.", f"{v}e0")))
        return case(census_bytes([header, *body]), "same")
    j = pick("any")
    assert j is not None
    line = j + 2
    if kind == "age_on_unknown" and pick("unknown", "total") is None:
        kind = "bad_count"
    if kind == "count_off" and pick("checked") is None:
        kind = "bad_count"
    if kind == "bad_count":
        body[j][5] = draw(st.sampled_from(BAD_COUNTS))
        return case(census_bytes([header, *body]), "error", line, ("count",))
    if kind == "bad_date":
        body[j][0] = draw(st.sampled_from(("1939-01-18", "1937-01-06", "17.01.1939", "", "1939-1-17", "x",
                                           "1939-01-17T00:00")))
        return case(census_bytes([header, *body]), "error", line, ("date",))
    if kind == "bad_sex":
        body[j][1] = draw(st.sampled_from(("men", "M", "", "Male", "other", "unknown", "women", "total")))
        return case(census_bytes([header, *body]), "error", line, ("sex",))
    if kind == "age_on_unknown":
        j = pick("unknown", "total")
        assert j is not None
        body[j][2] = draw(st.sampled_from(("0", "5", "85")))
        return case(census_bytes([header, *body]), "error", j + 2, ("age",))
    if kind == "count_off":
        j = pick("checked")
        assert j is not None
        off = draw(st.integers(1, 1000))
        count = rows[j].count
        body[j][5] = str(count + off if count < off or draw(st.booleans()) else count - off)
        return case(census_bytes([header, *body]), "error", j + 2, ("count",))
    if kind == "duplicate_row":
        at = draw(st.sampled_from((j + 1, len(body))))
        return case(census_bytes([header, *body[:at], list(body[j]), *body[at:]]), "error", at + 2,
                    ("age", "age_group"))
    if kind == "extra_sex":
        g = pick("group")
        assert g is not None
        at = draw(st.integers(0, len(body)))
        other = [*body[g][:1], draw(st.sampled_from(("other", "unknown", "all"))), *body[g][2:]]
        return case(census_bytes([header, *body[:at], other, *body[at:]]), "error", at + 2, ("sex",))
    if kind == "both_without_partner":
        span = (1, 3) if any(r.end == 4 and r.age == 0 for r in rows) else (0, 4)
        extra_row = CensusRow("both", "group", span[0], span[1], 0).cells()
        return case(census_bytes([header, *body, extra_row]), "error", len(body) + 2, ("age",))
    if kind in ("bad_age", "bad_age_end", "bad_label", "drop_group", "shift_end"):
        j = pick("closed") if kind == "shift_end" else pick("sexed") if kind == "drop_group" else pick("group")
        assert j is not None
        r = rows[j]
        if kind == "bad_age":
            body[j][2] = draw(st.sampled_from(("-1", "101", "x", "2.5", "", "nan", "1e400", "inf", "\u0665")))
            return case(census_bytes([header, *body]), "error", j + 2, ("age",))
        if kind == "bad_age_end":
            choices = ["x", "101", "nan", "2.5", "-1"] + ([str(r.age - 1)] if r.end is not None and r.age else [])
            body[j][3] = draw(st.sampled_from(choices))
            return case(census_bytes([header, *body]), "error", j + 2, ("age_end",))
        if kind == "bad_label":
            assert r.age is not None
            wrong = ([f"{r.age}-{r.end + 1}", f"{r.age}+"] if r.end is not None else [f"{r.age}-100", str(r.age)])
            body[j][4] = draw(st.sampled_from(["", "x", *wrong]))
            return case(census_bytes([header, *body]), "error", j + 2, ("age_group",))
        if kind == "drop_group":
            rest = [q for q in rows if q is not r]
            same = [q for q in rest if q.sex == r.sex and q.kind == "group"]
            named = (next(q for q in same if q.age == r.end + 1) if r.end is not None
                     else max(same, key=lambda q: q.age or 0))
            return case(census_bytes([header, *[q.cells() for q in rest]]), "error", rest.index(named) + 2,
                        ("age", "age_end"))
        assert r.age is not None and r.end is not None
        ends = [e for e in (r.end - 2, r.end - 1, r.end + 1, r.end + 2) if r.age <= e <= 100]
        moved = CensusRow(r.sex, "group", r.age, draw(st.sampled_from(ends)), r.count)
        nxt = next(i for i, q in enumerate(rows) if q.sex == r.sex and q.kind == "group" and q.age == r.end + 1)
        return case(census_bytes([header, *[moved.cells() if q is r else q.cells() for q in rows]]), "error",
                    nxt + 2, ("age",))
    c = draw(st.integers(0, len(header) - 1))
    if kind == "missing_column":
        return case(census_bytes([[v for i, v in enumerate(r) if i != c] for r in [header, *body]]), "error", 1)
    if kind == "duplicate_column":
        return case(census_bytes([[*r, r[c]] for r in [header, *body]]), "error", 1)
    if kind == "rename_column":
        header[c] = draw(st.sampled_from(("Count", "persons", "", "sex2", "age group")))
        return case(census_bytes([header, *body]), "error", 1)
    if kind == "extra_column":
        return case(census_bytes([[*header, "note"], *[[*r, ""] for r in body]]), "error", 1)
    if kind == "extra_field":
        body[j] = [*body[j], draw(st.sampled_from(("", "1", "x")))]
        return case(census_bytes([header, *body]), "error", line)
    if kind == "missing_field":
        body[j] = body[j][:-1]
        return case(census_bytes([header, *body]), "error", line)
    if kind == "invalid_utf8":
        at = draw(st.integers(0, len(clean) - 1))
        return case(clean[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xe9", b"\x80"])) + clean[at:], "error",
                    offset=at)
    if kind == "empty":
        return case(b"", "error")
    if kind == "header_only":
        return case(census_bytes([header]), "error")
    if kind == "truncate":
        return case(clean[: draw(st.integers(0, len(clean) - 1))], "either")
    if kind == "flip_byte":
        at = draw(st.integers(0, len(clean) - 1))
        return case(clean[:at] + bytes([draw(st.integers(0, 255))]) + clean[at + 1:], "either")
    body[j][c] = draw(st.one_of(st.text(max_size=6), st.sampled_from(BAD_COUNTS),
                                st.integers(0, 10**7).map(str)))
    return case(census_bytes([header, *body]), "either")

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

import os
import string
from dataclasses import dataclass, field

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

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

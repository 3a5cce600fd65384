"""Reading a user's file: one place for what can go wrong before its content is even looked at.

Every reader of a file a user names (capture CSVs, scenario and claims TOML, fertility and births
CSVs) opens it here (:func:`read_text`, :func:`read_toml`, :func:`read_csv`), so the same mistakes
get the same clear message naming the file (and, for a CSV, the line of the file):

* the path does not exist (``file not found``) or is a directory (``is a directory, not a file``);
* it cannot be read (``cannot read the file (Permission denied)``, an I/O error);
* it is not UTF-8 text: ``not UTF-8 text: byte 0xff at byte offset 10 (line 2)``. A UTF-8 byte
  order mark (as spreadsheet programs write) is accepted and dropped.

Errors are :class:`purgetoll.errors.DataError` unless the caller passes another ``error`` factory
(the TOML readers raise :class:`~purgetoll.errors.ScenarioError`, which lists problems).
"""

from __future__ import annotations

import csv
import io
import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from purgetoll.errors import DataError, ScenarioError

__all__ = ["read_text", "read_toml", "read_csv", "CsvText", "ErrorFactory"]

ErrorFactory = Callable[[str, str], Exception]


def _data_error(source: str, problem: str) -> Exception:
    return DataError(source, problem)


def read_text(path: str | os.PathLike[str], *, error: ErrorFactory = _data_error) -> str:
    """The text of a UTF-8 file; ``error(path, problem)`` is raised when it cannot be had."""
    p = Path(path)
    source = str(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise error(source, "file not found") from None
    except IsADirectoryError:
        raise error(source, "is a directory, not a file") from None
    except OSError as exc:
        if p.is_dir():
            raise error(source, "is a directory, not a file") from None
        raise error(source, f"cannot read the file ({exc.strerror or exc})") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bom = 3 if raw.startswith(b"\xef\xbb\xbf") else 0
        offset = exc.start + bom
        line = raw.count(b"\n", 0, offset) + 1
        raise error(source, f"not UTF-8 text: byte 0x{raw[offset]:02x} at byte offset {offset} (line {line}); "
                            "save the file as UTF-8") from None


def read_toml(path: str | os.PathLike[str], error: type[ScenarioError] = ScenarioError) -> dict[str, Any]:
    """A TOML file as a dict; every problem (missing, directory, not UTF-8, not TOML) raises ``error``
    (a :class:`~purgetoll.errors.ScenarioError` class: ``error(path, [problem])``)."""
    text = read_text(path, error=lambda source, problem: error(source, [problem]))
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(str(path), [f"not valid TOML: {exc}"]) from None


@dataclass(frozen=True)
class CsvText:
    """A CSV file read as text: the header, the data rows (lists of strings) and the line of the
    file each data row starts on (1-based; the header is on ``header_line``)."""

    source: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    lines: tuple[int, ...]
    header_line: int

    def frame(self):
        """The rows as a pandas DataFrame of strings (columns = header)."""
        import pandas as pd  # start-up: +0.37 s CPU on --help (which imports this module)

        return pd.DataFrame(list(self.rows), columns=list(self.header), dtype=object)


def read_csv(path: str | os.PathLike[str], *, error: ErrorFactory = _data_error) -> CsvText:
    """Read a comma-separated file with a header row, checking what pandas would let pass.

    Problems raise ``DataError(path, problem, line=...)`` (the file's own line numbers): not UTF-8,
    a NUL byte, no header, a column without a name, a column name given twice (pandas would
    rename the second ``A.1`` and carry on), a row with more or fewer fields than the header.
    Blank lines are skipped; names are stripped of surrounding spaces.
    """
    source = str(path)
    text = read_text(path, error=error)
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    header_line = 0
    rows: list[tuple[str, ...]] = []
    lines: list[int] = []
    last = 0
    try:
        for fields in reader:
            start, last = last + 1, reader.line_num
            if not fields or all(not f.strip() for f in fields):
                continue
            if header is None:
                header = [f.strip() for f in fields]
                header_line = start
                for i, name in enumerate(header):
                    if not name:
                        raise DataError(source, f"column {i + 1} of the header has no name", line=start)
                    if name in header[:i]:
                        raise DataError(source, f"column {name!r} appears twice in the header (columns "
                                                f"{header.index(name) + 1} and {i + 1}); give each column its own "
                                                "name", line=start)
                continue
            if len(fields) != len(header):
                raise DataError(source, f"{len(fields)} fields where the header has {len(header)} "
                                        f"({', '.join(header)})", line=start)
            rows.append(tuple(fields))
            lines.append(start)
    except csv.Error as exc:
        raise DataError(source, f"not a readable CSV file ({exc})", line=reader.line_num or 1) from None
    if header is None:
        raise DataError(source, "the file is empty: expected a header row and data rows")
    return CsvText(source, tuple(header), tuple(rows), tuple(lines), header_line)

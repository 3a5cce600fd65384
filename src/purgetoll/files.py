"""Reading a user's file: one place for what can go wrong before its content is even looked at.

Every reader of a file a user names (capture CSVs, scenario and claims TOML, fertility and births
CSVs) opens it here, so the same mistakes get the same clear message naming the file:

* the path does not exist (``file not found``) or is a directory (``is a directory, not a file``);
* it cannot be read (``cannot read the file (Permission denied)``, an I/O error);
* it is not UTF-8 text: ``not UTF-8 text: byte 0xff at byte offset 10 (line 2)``. A UTF-8 byte
  order mark (as spreadsheet programs write) is accepted and dropped.

Errors are :class:`purgetoll.errors.DataError` unless the caller passes another ``error`` factory
(the TOML readers raise :class:`~purgetoll.errors.ScenarioError`, which lists problems).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from purgetoll.errors import DataError, ScenarioError

__all__ = ["read_text", "read_toml", "ErrorFactory"]

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

"""The stored form of every result: a folder of Parquet tables and a JSON manifest.

Layout of a stored result (any kind: a verdict, a deficit, the claims checked, ...)::

    DIR/manifest.json            what it is and how it was made: "format", "kind", purgetoll's
                                 version, "created" (UTC) and "command", "settings", "seeds",
                                 "inputs" (SHA-256 of every bundled data file and of any file the
                                 settings name), "versions" (Python and libraries), "attributes"
                                 (the result's other fields, JSON), "tables" (file, rows, columns,
                                 the DataFrame's attrs), then every file's size and SHA-256 and
                                 the manifest's own seal
    DIR/tables/<name>.parquet    one table each

Any of it opens without purgetoll: ``pandas.read_parquet("DIR/tables/verdict.parquet")``,
``json.load(open("DIR/manifest.json"))``, or in DuckDB ``SELECT * FROM 'DIR/tables/*.parquet'``.

It is written through :class:`purgetoll.folders.RunFolder` (built beside the target under its
lock and swapped in whole, never over files no run wrote) and read back only after the manifest's
seal and every file's SHA-256 have been checked (:func:`load_stored`), so a damaged result is a
:class:`~purgetoll.errors.DamagedError` naming the file, never a wrong number.

Which Python type each kind loads into is the business of :mod:`purgetoll.results`; this module
(base layer) knows only tables and JSON.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import platform
import shlex
import shutil
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from purgetoll import __version__
from purgetoll.atomic import atomic_file
from purgetoll.errors import DataError
from purgetoll.folders import (
    MANIFEST,
    RunFolder,
    file_entries,
    read_sealed,
    seal,
    sha256_file,
    verify_entries,
)

__all__ = [
    "FORMAT",
    "SCHEMA",
    "Stored",
    "bundled_inputs",
    "copy_stored",
    "file_inputs",
    "jsonable",
    "library_versions",
    "load_stored",
    "package_fingerprint",
    "save_stored",
    "seal_into",
    "stored_kind",
    "write_stored",
    "write_table",
]

#: The ``format`` of every stored result's manifest, and the version of its layout.
FORMAT = "purgetoll.stored"
SCHEMA = 1
TABLES_DIR = "tables"

_LIBRARIES = ("numpy", "pandas", "matplotlib", "scipy", "pyarrow")
#: Files of the package that are not its data: code, and what Python makes of it.
_CODE_SUFFIXES = (".py", ".pyc", ".pyi", ".typed")


def library_versions() -> dict[str, str]:
    """Python and the installed versions of the libraries the numbers go through."""
    versions = {"python": platform.python_version()}
    for lib in _LIBRARIES:
        try:
            versions[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:  # an optional library that is not installed
            versions[lib] = "not installed"
    return versions


# The package's own files do not change while it runs, so they are hashed once per process.
@functools.cache
def _package_files() -> tuple[tuple[str, str], ...]:
    """``(path relative to the package's parent, SHA-256)`` of every file of the purgetoll package."""
    root = Path(__file__).resolve().parent
    out = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts or path.suffix == ".pyc":
            continue
        out.append((path.relative_to(root.parent).as_posix(), sha256_file(path)[1]))
    return tuple(out)


def bundled_inputs() -> dict[str, str]:
    """SHA-256 of every data file bundled with the package (tables, catalog, scenario and claims
    files, MSE datasets), by path (``purgetoll/data/tables/census_1939_5y.csv``)."""
    return {p: h for p, h in _package_files() if not p.endswith(_CODE_SUFFIXES)}


def package_fingerprint() -> dict[str, str]:
    """The installed package in two digests: ``code`` (every Python file) and ``data`` (every
    bundled data file), so an edited checkout never passes for another of the same version."""
    code, data = hashlib.sha256(), hashlib.sha256()
    for path, digest in _package_files():
        (code if path.endswith(_CODE_SUFFIXES) else data).update(f"{path}\0{digest}\n".encode())
    return {"code": code.hexdigest(), "data": data.hexdigest()}


def file_inputs(paths: Mapping[str, str | os.PathLike[str]]) -> dict[str, str]:
    """SHA-256 of files named by settings (``{"capture file": "lists.csv"}`` -> ``{"capture file:
    lists.csv": "<sha256>"}``); a missing file is a :class:`DataError` naming it."""
    out = {}
    for label, path in paths.items():
        if not Path(path).is_file():
            raise DataError(str(path), f"the {label} is not a file")
        out[f"{label}: {path}"] = sha256_file(path)[1]
    return out


def jsonable(value: Any) -> Any:
    """``value`` in plain JSON types: numpy scalars as numbers, tuples as lists, paths as text;
    a float that is not finite becomes None (JSON has no NaN)."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [jsonable(v) for v in items]
    if hasattr(value, "item") and callable(value.item) and getattr(value, "ndim", 0) == 0:
        value = value.item()  # numpy scalar
    if isinstance(value, bool | int | str) or value is None:
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    raise DataError("stored result", f"{value!r} ({type(value).__name__}) cannot be stored as JSON")


def write_table(df: pd.DataFrame, path: Path) -> dict[str, Any]:
    """Write ``df`` as Parquet at ``path`` (atomically); return its manifest entry (without ``file``).

    The DataFrame's index is kept (a default range index as metadata only); its ``attrs`` go in the
    entry, so that readers without purgetoll find them in the manifest.
    """
    bare = df.copy(deep=False)
    bare.attrs = {}
    table = pa.Table.from_pandas(bare)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(path, "wb") as fh:
        pq.write_table(table, fh, compression="zstd")
    return {"rows": len(df), "columns": [str(c) for c in df.columns], "attrs": jsonable(df.attrs)}


def _read_table(path: Path, entry: Mapping[str, Any]) -> pd.DataFrame:
    df = pq.read_table(path).to_pandas()
    df.attrs = dict(entry.get("attrs") or {})
    return df


def _command_text(command: str | Sequence[str] | None) -> str:
    if command is None:
        command = ["purgetoll", *sys.argv[1:]] if sys.argv and sys.argv[0].endswith("purgetoll") else sys.argv
    return command if isinstance(command, str) else shlex.join(command)


def write_stored(
    directory: str | os.PathLike[str],
    kind: str,
    tables: Mapping[str, pd.DataFrame],
    *,
    settings: Mapping[str, Any],
    seeds: Sequence[int] | Mapping[str, Any] | int | None = None,
    inputs: Mapping[str, str] | None = None,
    attributes: Mapping[str, Any] | None = None,
    files: Mapping[str, bytes] | None = None,
    holds: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
    command: str | Sequence[str] | None = None,
    created: datetime | None = None,
) -> dict[str, Any]:
    """Write the files of a stored result into ``directory`` and return its manifest, unwritten.

    For a folder that is already being built whole (a :class:`RunFolder`'s ``path``, or a folder
    inside one): :func:`save_stored` commits the manifest through the folder; inside a larger
    folder, :func:`seal_into` writes it. Parameters: see :func:`save_stored`.
    """
    directory = Path(directory)
    names = [str(n) for n in tables]
    bad = [n for n in names if not n or "/" in n or n.startswith(".")]
    if bad:
        raise DataError(kind, f"table names must be plain file names; got {bad}")
    listing = {}
    for name, df in tables.items():
        rel = f"{TABLES_DIR}/{name}.parquet"
        entry = write_table(df, directory / rel)
        listing[str(name)] = {"file": rel, **entry, **({"holds": holds[name]} if holds and name in holds else {})}
    for rel, data in (files or {}).items():
        path = directory / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_file(path, "wb") as fh:
            fh.write(data)
    return {
        "format": FORMAT,
        "schema": SCHEMA,
        "kind": kind,
        "purgetoll_version": __version__,
        "created": (created or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": _command_text(command),
        "settings": jsonable(settings),
        "seeds": jsonable(seeds),
        "inputs": dict(bundled_inputs() if inputs is None else inputs),
        "versions": library_versions(),
        "attributes": jsonable(attributes or {}),
        **jsonable(extra or {}),
        "tables": listing,
    }


def seal_into(directory: str | os.PathLike[str], manifest: Mapping[str, Any]) -> None:
    """Write ``manifest.json`` into ``directory``, listing every file in it with its SHA-256, sealed
    (what :meth:`RunFolder.commit` does, for a stored result inside a folder being built whole)."""
    directory = Path(directory)
    body = {k: v for k, v in manifest.items() if k not in ("files", "volatile_files")}
    body["files"] = file_entries(directory, exclude=[MANIFEST])
    body["volatile_files"] = []
    text = json.dumps(seal(body), indent=1, ensure_ascii=False)
    with atomic_file(directory / MANIFEST, encoding="utf-8") as fh:
        fh.write(text + "\n")


def save_stored(
    out: str | os.PathLike[str] | RunFolder,
    kind: str,
    tables: Mapping[str, pd.DataFrame],
    *,
    force: bool = False,
    **fields: Any,
) -> Path:
    """Write a stored result as the folder ``out`` (whole, under its lock); return the folder.

    Parameters
    ----------
    out:
        The folder (created; an existing result is replaced only with ``force``), or a
        :class:`RunFolder` already opened (claimed before a long computation); it is committed.
    kind:
        What the result is (``"verdict"``, ``"demography.deficit"``, ...): how it is loaded again.
    tables:
        Name -> DataFrame, each written to ``tables/<name>.parquet``.
    settings, seeds:
        What made it (JSON-able); ``seeds`` also when they are among the settings, for readers.
    inputs:
        SHA-256 of the inputs by name; default :func:`bundled_inputs`. Pass those of the files the
        settings name as well (:func:`file_inputs`).
    attributes:
        The result's other fields (JSON-able), given back by :func:`load_stored`.
    files:
        Other files by relative path (a figure's PNG), written as given.
    holds:
        Table name -> what it holds, in words, for the manifest's reader.
    extra:
        More manifest keys of the kind's own.
    command, created:
        The command line and time recorded; default ``sys.argv`` and now.
    """
    folder = out if isinstance(out, RunFolder) else RunFolder(out, kind=kind, force=force)
    with folder:
        manifest = write_stored(folder.path, kind, tables, **fields)
        return folder.commit(manifest, indent=1, sort_keys=False)


@dataclass(frozen=True)
class Stored:
    """A stored result as read back: its kind, tables, manifest (settings, attributes, ...) and
    extra files (bytes), from folder ``path``."""

    path: Path
    kind: str
    tables: dict[str, pd.DataFrame]
    manifest: dict[str, Any]
    files: dict[str, bytes]

    @property
    def settings(self) -> dict[str, Any]:
        return dict(self.manifest.get("settings") or {})

    @property
    def attributes(self) -> dict[str, Any]:
        return dict(self.manifest.get("attributes") or {})


def stored_kind(path: str | os.PathLike[str]) -> str | None:
    """The kind of the stored result in ``path`` as its manifest says (unchecked), or None."""
    try:
        data = json.loads((Path(path) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    kind = data.get("kind")
    return kind if isinstance(kind, str) else None


def load_stored(path: str | os.PathLike[str], kind: str | Sequence[str] | None = None,
                *, files: Sequence[str] = ()) -> Stored:
    """Read the stored result in ``path`` after checking its manifest's seal and every file's SHA-256.

    ``kind`` (one or several) is what the caller expects; ``files`` the extra files to read back.
    A folder that is not a stored result, or of another kind, is a :class:`DataError`; a damaged
    or truncated file a :class:`~purgetoll.errors.DamagedError` naming it.
    """
    folder = Path(path)
    if not (folder / MANIFEST).is_file():
        what = "no such folder" if not folder.exists() else "not a stored result: no manifest.json"
        raise DataError(str(folder), what)
    manifest = read_sealed(folder / MANIFEST, "stored result's manifest")
    if manifest.get("format") != FORMAT:
        raise DataError(str(folder / MANIFEST), f"not a stored result (format {manifest.get('format')!r}, "
                        f"expected {FORMAT!r})")
    if manifest.get("schema") != SCHEMA:
        raise DataError(str(folder / MANIFEST), f"stored result of schema {manifest.get('schema')!r}; "
                        f"this purgetoll reads schema {SCHEMA}")
    wanted = (kind,) if isinstance(kind, str) else tuple(kind or ())
    if wanted and manifest.get("kind") not in wanted:
        raise DataError(str(folder / MANIFEST), f"a stored {manifest.get('kind')!r}, where "
                        f"{' or '.join(map(repr, wanted))} was expected")
    verify_entries(folder, manifest.get("files", []))  # DamagedError naming the first damaged file
    listed = {e["path"] for e in manifest.get("files", [])}
    tables = {}
    for name, entry in (manifest.get("tables") or {}).items():
        if entry["file"] not in listed:
            raise DataError(str(folder / MANIFEST), f"table {name!r}: {entry['file']} is not among the files "
                            "the manifest checks")
        tables[name] = _read_table(folder / entry["file"], entry)
    extra = {}
    for rel in files:
        if rel not in listed:
            raise DataError(str(folder / MANIFEST), f"{rel} is not among the files the manifest checks")
        extra[rel] = (folder / rel).read_bytes()
    return Stored(folder, str(manifest["kind"]), tables, manifest, extra)


def copy_stored(source: str | os.PathLike[str], directory: str | os.PathLike[str],
                kind: str | Sequence[str] | None = None) -> Stored:
    """Copy the stored result in ``source`` into ``directory`` (a folder inside one being built
    whole), file for file, after checking every file against its SHA-256; return it as read."""
    stored = load_stored(source, kind)
    directory = Path(directory)
    for rel in [*(f["path"] for f in stored.manifest["files"]), MANIFEST]:
        target = directory / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(stored.path / rel, "rb") as src, atomic_file(target, "wb") as dst:
            shutil.copyfileobj(src, dst)
    return stored

"""Save any result in the stored form and load it back: :func:`save_result`, :func:`load_result`.

    from purgetoll.results import load_result, save_result

    save_result(verdict.compare(["archival", "no_terror"]), "out/verdict")
    v = load_result("out/verdict")            # a Verdict again, checked against its SHA-256 sums

The folder is the stored form of :mod:`purgetoll.stored` (Parquet tables and a JSON manifest),
which pandas, pyarrow or DuckDB read without purgetoll.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from purgetoll.folders import RunFolder
from purgetoll.results.kinds import Kind, kind_named, kind_of
from purgetoll.stored import bundled_inputs, file_inputs, load_stored, save_stored, write_stored

__all__ = ["load_result", "save_result", "stored_fields", "write_result"]


def stored_fields(result: Any, kind: Kind, settings: Mapping[str, Any] | None = None,
                  extra: Mapping[str, Any] | None = None, command: str | Sequence[str] | None = None
                  ) -> dict[str, Any]:
    """What :func:`purgetoll.stored.write_stored` needs to store ``result`` of ``kind``: its tables,
    attributes, settings (``settings``, default those the result records), seeds and inputs."""
    dump = kind.dump(result)
    chosen = dict(dump.settings if settings is None else settings)
    inputs = {**bundled_inputs(), **file_inputs(kind.input_files(chosen))}
    return {"tables": dump.tables, "settings": chosen, "seeds": dump.seeds, "inputs": inputs,
            "attributes": dump.attributes, "extra": {"description": kind.holds, **(extra or {})},
            "command": command}


def save_result(result: Any, path: str | os.PathLike[str] | RunFolder, *, kind: str | None = None,
                settings: Mapping[str, Any] | None = None, command: str | Sequence[str] | None = None,
                force: bool = False, extra: Mapping[str, Any] | None = None) -> Path:
    """Store ``result`` as the folder ``path`` (whole, under its lock; an existing one only with
    ``force``); return the folder.

    ``kind`` defaults to the result's own (by its type; a DataFrame by its ``attrs["table"]``);
    ``settings`` to those the result records; ``command`` to ``sys.argv``.
    """
    k = kind_named(kind) if kind is not None else kind_of(result)
    fields = stored_fields(result, k, settings, extra, command)
    return save_stored(path, k.name, fields.pop("tables"), force=force, **fields)


def write_result(result: Any, directory: str | os.PathLike[str], kind: Kind,
                 settings: Mapping[str, Any] | None = None, extra: Mapping[str, Any] | None = None,
                 command: str | Sequence[str] | None = None) -> dict[str, Any]:
    """Write ``result``'s files into ``directory`` (inside a folder being built whole) and return
    its manifest, for :func:`purgetoll.stored.seal_into`."""
    fields = stored_fields(result, kind, settings, extra, command)
    return write_stored(directory, kind.name, fields.pop("tables"), **fields)


def load_result(path: str | os.PathLike[str], kind: str | None = None) -> Any:
    """The result stored in ``path``, as the Python type of its kind, after checking every file
    against its SHA-256; ``kind`` is what the caller expects (a :class:`DataError` otherwise)."""
    stored = load_stored(path, kind)
    return kind_named(stored.kind).load(stored)

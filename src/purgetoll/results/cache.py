"""Results computed once and kept, keyed by everything they are computed from.

A :class:`Need` is a result asked for: its kind and its settings. The cache keeps each computed
result in the stored form under ``ROOT/<kind>/<key>/``, where the key is the SHA-256 of

- the kind and its settings (canonical JSON),
- purgetoll's version and a fingerprint of the installed package: the SHA-256 of its code and of
  every data file bundled with it (so an edited checkout never reuses the results of other code or
  other data),
- the SHA-256 of any file the settings name (a capture CSV, a scenario file).

An entry is used only after its manifest's seal, every file's SHA-256 and the key it records have
been checked; a damaged or stale entry is moved aside to ``ROOT/damaged/`` and recomputed, never
trusted. Entries are
written whole under their lock (:class:`purgetoll.folders.RunFolder`), so two processes never
see half an entry; when another process is writing the same entry, this one computes for itself.

The root is ``$PURGETOLL_CACHE``, else ``$XDG_CACHE_HOME/purgetoll``, else ``~/.cache/purgetoll``.
Deleting it loses nothing but time.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from purgetoll import __version__
from purgetoll.errors import DataError, FolderInUseError, ForeignContentError, RunExistsError
from purgetoll.folders.checksums import canonical_json
from purgetoll.results.io import save_result, write_result
from purgetoll.results.kinds import Kind, kind_named
from purgetoll.stored import (
    copy_stored,
    file_inputs,
    jsonable,
    load_stored,
    package_fingerprint,
    save_stored,
    seal_into,
)

__all__ = ["ENV", "Need", "ResultCache", "default_cache_dir"]

#: The environment variable naming the cache's root folder.
ENV = "PURGETOLL_CACHE"


def default_cache_dir() -> Path:
    """``$PURGETOLL_CACHE``, else ``$XDG_CACHE_HOME/purgetoll``, else ``~/.cache/purgetoll``."""
    if os.environ.get(ENV):
        return Path(os.environ[ENV])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "purgetoll"


class Need:
    """A result asked for: ``Need("demography.deficit", start="adh:1939", draws=1000, seed=0)``.

    The settings are the keyword arguments its kind's computation takes.
    """

    __slots__ = ("kind", "settings")

    def __init__(self, kind: str, /, **settings: Any) -> None:
        self.kind = kind
        self.settings = settings

    def __repr__(self) -> str:
        args = "".join(f", {k}={v!r}" for k, v in self.settings.items())
        return f"Need({self.kind!r}{args})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Need) and (self.kind, jsonable(self.settings)) == (other.kind, jsonable(other.settings))

    def __hash__(self) -> int:
        return hash((self.kind, canonical_json(jsonable(self.settings))))


@dataclass
class Placed:
    """Where a needed result came from: its key, and whether a stored one was reused."""

    need: Need
    key: str
    reused: bool


@dataclass
class _Entry:
    kind: Kind
    key: str
    path: Path | None  # the checked entry; None when not kept (no cache, or another process writes it)
    reused: bool
    computed: Any = None  # the result, when computed here


@dataclass
class ResultCache:
    """The cache in folder ``root`` (default :func:`default_cache_dir`); ``root=None`` when no
    cache is to be used (everything computed afresh, nothing kept).

    ``log`` lists what each call did: ``(kind, key, what)``, ``what`` being ``"reused"``,
    ``"computed"``, ``"recomputed: <why the entry was not trusted>"`` or ``"not kept: <why>"``.
    """

    root: Path | None = field(default_factory=default_cache_dir)
    log: list[tuple[str, str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.root = None if self.root is None else Path(self.root)

    # -- keys and entries --------------------------------------------------------------------------
    def key(self, kind: str, settings: Mapping[str, Any], files: Mapping[str, str] | None = None) -> str:
        """The SHA-256 of what a result of ``kind`` with ``settings`` is computed from."""
        fields = {"kind": kind, "settings": jsonable(settings), "purgetoll_version": __version__,
                  "package": package_fingerprint(), "files": dict(files or {})}
        return hashlib.sha256(canonical_json(fields)).hexdigest()

    def entry(self, kind: str, key: str) -> Path:
        """The folder of the entry ``key`` of ``kind``."""
        if self.root is None:
            raise DataError("cache", "no cache folder (root=None)")
        return self.root / kind / key[:32]

    def _checked(self, path: Path, kind: str, key: str, files: tuple[str, ...] = ()) -> tuple[Any, str]:
        """``(stored, "reused")`` for a sound entry at ``path``; ``(None, what to log)`` otherwise.

        A damaged or stale entry is moved aside, to ``ROOT/damaged/`` (kept for a look, never
        read), so that a sound one can take its place.
        """
        if not path.exists():
            return None, "computed"
        try:
            stored = load_stored(path, kind, files=files)
            if stored.manifest.get("cache_key") != key:
                raise DataError(str(path), "stale: made from other inputs than its key says")
        except DataError as exc:  # DamagedError too: a damaged entry is recomputed, never trusted
            aside = path.parent.parent / "damaged" / kind / f"{path.name}-{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}"
            try:
                aside.parent.mkdir(parents=True, exist_ok=True)
                path.rename(aside)
            except OSError as err:
                return None, f"recomputed: {exc} (and it could not be moved aside: {err.strerror or err})"
            return None, f"recomputed: {exc} (the entry moved to {aside})"
        return stored, "reused"

    def _keep(self, save: Callable[[bool], Path], path: Path, kind: str, key: str, what: str) -> bool:
        """Run ``save(replace)``; False (logged) when another process writes or wrote the entry."""
        try:
            save(path.exists())
        except (FolderInUseError, RunExistsError, ForeignContentError) as exc:
            self.log.append((kind, key, f"not kept: {exc}"))
            return False
        self.log.append((kind, key, what))
        return True

    def _ensure(self, need: Need) -> _Entry:
        kind = kind_named(need.kind)
        key = self.key(kind.name, need.settings, file_inputs(kind.input_files(need.settings)))
        path = None if self.root is None else self.entry(kind.name, key)
        what = "computed"
        if path is not None:
            stored, what = self._checked(path, kind.name, key)
            if stored is not None:
                self.log.append((kind.name, key, what))
                return _Entry(kind, key, path, True)
        if kind.compute is None:
            raise DataError(need.kind, "results of this kind are not computed here; store one with save_result")
        result = kind.compute(**need.settings)
        if path is None:
            self.log.append((kind.name, key, what))
        elif self._keep(lambda replace: save_result(result, path, kind=kind.name, settings=need.settings,
                                                    force=replace, extra={"cache_key": key}),
                        path, kind.name, key, what):
            return _Entry(kind, key, path, False)
        return _Entry(kind, key, None, False, result)

    # -- what callers use ----------------------------------------------------------------------------
    def obtain(self, need: Need) -> Any:
        """The result ``need`` asks for, loaded from its checked entry (computed and kept if missing;
        without a cache, computed)."""
        e = self._ensure(need)
        if e.path is None:
            return e.computed
        return e.kind.load(load_stored(e.path, e.kind.name))

    def place(self, need: Need, directory: str | os.PathLike[str], *,
              command: str | Sequence[str] | None = None) -> Placed:
        """Put the stored result ``need`` asks for into ``directory`` (a folder inside one being built
        whole): the checked cache entry's files copied as they are, or the result computed and
        written there."""
        directory = Path(directory)
        e = self._ensure(need)
        if e.path is None:
            manifest = write_result(e.computed, directory, e.kind, need.settings, {"cache_key": e.key}, command)
            seal_into(directory, manifest)
            return Placed(need, e.key, e.reused)
        copy_stored(e.path, directory, e.kind.name)  # checked again, just before the copy
        return Placed(need, e.key, e.reused)

    def file(self, kind: str, settings: Mapping[str, Any], name: str, make: Callable[[], bytes]) -> bytes:
        """The bytes of file ``name`` that ``make()`` gives for ``settings``, kept as an entry of
        ``kind`` (a report's figure: ``kind="report.figure"``)."""
        key = self.key(kind, settings)
        if self.root is None:
            self.log.append((kind, key, "computed"))
            return make()
        path = self.entry(kind, key)
        stored, what = self._checked(path, kind, key, (name,))
        if stored is not None:
            self.log.append((kind, key, what))
            return stored.files[name]
        data = make()
        self._keep(lambda replace: save_stored(path, kind, {}, settings=settings, files={name: data},
                                               extra={"cache_key": key}, force=replace), path, kind, key, what)
        return data

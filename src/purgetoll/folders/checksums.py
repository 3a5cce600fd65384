"""SHA-256 of the files a run writes, recorded when written and checked when read back.

A run's ``manifest.json`` lists every file it wrote as ``{"path", "bytes", "sha256"}``
(:func:`file_entries`); :func:`verify_entries` checks a folder against such a list and names the
first file that is missing, truncated, extended or altered. A JSON file that holds the checksums of
others (a checkpoint's ``meta.json``, a manifest) is *sealed*: it carries the SHA-256 of its own
canonical form (:func:`seal`), so an edit of it is caught too (:func:`read_sealed`).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from purgetoll.errors import DamagedError

__all__ = [
    "HashingWriter",
    "SEAL_KEY",
    "canonical_json",
    "file_entries",
    "read_sealed",
    "seal",
    "sha256_file",
    "verify_entries",
    "verify_file",
]

_CHUNK = 1 << 23

#: The key under which a sealed JSON object keeps the SHA-256 of the rest of itself.
SEAL_KEY = "sealed_sha256"


def sha256_file(path: str | os.PathLike[str]) -> tuple[int, str]:
    """``(bytes, sha256 hex)`` of the file at ``path`` (read in 8 MiB chunks).

    A file that cannot be read is a :class:`DamagedError` naming it.
    """
    h = hashlib.sha256()
    size = 0
    try:
        with open(path, "rb", buffering=0) as fh:
            buf = bytearray(_CHUNK)
            view = memoryview(buf)
            while n := fh.readinto(buf):
                h.update(view[:n])
                size += n
    except FileNotFoundError:
        raise DamagedError(str(path), "missing (deleted since it was written)") from None
    except IsADirectoryError:
        raise DamagedError(str(path), "is a folder, where a file was written") from None
    except OSError as exc:
        raise DamagedError(str(path), f"cannot be read: {exc.strerror or exc}") from None
    return size, h.hexdigest()


class HashingWriter:
    """A binary file-like that writes to ``handle`` and keeps the SHA-256 and size of what passed."""

    def __init__(self, handle: Any) -> None:
        self._handle = handle
        self._sha = hashlib.sha256()
        self.bytes = 0

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        self._handle.write(view)
        self._sha.update(view)
        self.bytes += view.nbytes
        return view.nbytes

    def hexdigest(self) -> str:
        return self._sha.hexdigest()

    def entry(self) -> dict[str, Any]:
        """``{"bytes", "sha256"}`` of what was written."""
        return {"bytes": self.bytes, "sha256": self.hexdigest()}


def file_entries(folder: str | os.PathLike[str], exclude: Iterable[str] = ()) -> list[dict[str, Any]]:
    """``{"path", "bytes", "sha256"}`` of every file under ``folder`` (paths relative, with ``/``),
    sorted by path, except the relative paths in ``exclude``."""
    folder = Path(folder)
    skip = set(exclude)
    out = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        if rel in skip:
            continue
        size, digest = sha256_file(path)
        out.append({"path": rel, "bytes": size, "sha256": digest})
    return out


def verify_file(path: str | os.PathLike[str], expected: Mapping[str, Any]) -> None:
    """Check the file at ``path`` against ``{"bytes", "sha256"}``; :class:`DamagedError` naming it."""
    path = Path(path)
    if not path.exists():
        raise DamagedError(str(path), "missing (deleted since it was written)")
    size = path.stat().st_size
    want = int(expected["bytes"])
    if size != want:
        how = "truncated" if size < want else "extended"
        raise DamagedError(str(path), f"{how}: {size:,} bytes where {want:,} were written")
    _, digest = sha256_file(path)
    if digest != expected["sha256"]:
        raise DamagedError(
            str(path), f"altered since it was written: SHA-256 {digest[:16]}... where "
            f"{str(expected['sha256'])[:16]}... was recorded")


def verify_entries(folder: str | os.PathLike[str], entries: Iterable[Mapping[str, Any]]) -> int:
    """Check every ``{"path", "bytes", "sha256"}`` of ``entries`` under ``folder``; return how many.

    Raises :class:`DamagedError` naming the first file that is missing, truncated or altered.
    """
    folder = Path(folder)
    n = 0
    for e in entries:
        verify_file(folder / e["path"], e)
        n += 1
    return n


def canonical_json(obj: Any) -> bytes:
    """The bytes a seal is computed over: sorted keys, no spaces, UTF-8."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def seal(obj: Mapping[str, Any]) -> dict[str, Any]:
    """``obj`` plus ``SEAL_KEY``: the SHA-256 of its canonical JSON (without that key)."""
    body = {k: v for k, v in obj.items() if k != SEAL_KEY}
    return {**body, SEAL_KEY: hashlib.sha256(canonical_json(body)).hexdigest()}


def read_sealed(path: str | os.PathLike[str], what: str = "file") -> dict[str, Any]:
    """The JSON object in ``path``, checked against its seal; :class:`DamagedError` naming ``path``
    if it is missing, unreadable, not JSON, not sealed or altered."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DamagedError(str(path), f"missing: the {what} is incomplete") from None
    except OSError as exc:
        raise DamagedError(str(path), f"cannot be read: {exc.strerror or exc}") from None
    try:
        obj = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise DamagedError(str(path), f"damaged: not valid JSON ({exc})") from None
    if not isinstance(obj, dict) or not isinstance(obj.get(SEAL_KEY), str):
        raise DamagedError(str(path), f"damaged: not a sealed purgetoll {what} (no {SEAL_KEY})")
    if seal(obj)[SEAL_KEY] != obj[SEAL_KEY]:
        raise DamagedError(
            str(path), "altered since it was written: its content does not match its SHA-256 seal")
    return obj

"""Yearly checkpoints: the whole state at a window boundary, written atomically, checked on resume.

A checkpoint lives in the run's staging folder (``purgetoll.folders.RunFolder.work``), beside the
run's files: ``<work>/checkpoint/`` holds one ``<column>.npy`` per person column (used slots only),
``__snapshots.npy`` (the snapshot counts so far) and ``meta.json``: the step, the next person id,
the settings it was made with, the snapshot dates, event counts, module states, and ``files``, the
size and SHA-256 of every ``.npy`` and of every event part published so far (paths relative to
``<work>``). ``meta.json`` is sealed with the SHA-256 of its own content. The folder is built beside
the old one and swapped in whole (``purgetoll.atomic.atomic_dir``), so a run killed while
checkpointing keeps the previous checkpoint.

Resuming (:func:`read_checkpoint`) trusts nothing: the seal of ``meta.json``, then the size and
SHA-256 of every file it lists, then the settings (named key) and the step; a file that is missing,
truncated, altered or edited is a :class:`purgetoll.errors.DamagedError` naming it.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from purgetoll.atomic import atomic_dir, atomic_file
from purgetoll.errors import DamagedError, DataError
from purgetoll.folders import CHECKPOINT, read_sealed, seal, verify_entries

__all__ = ["write_checkpoint", "read_checkpoint", "write_npy", "CHECKPOINT_DIR"]

CHECKPOINT_DIR = CHECKPOINT
META = "meta.json"
_CHUNK = 1 << 26  # bytes per write: the arrays go out as views, never copied whole


def _npy_header(arr: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, np.lib.format.header_data_from_array_1_0(arr))
    return buf.getvalue()


def write_npy(handle: Any, arr: np.ndarray) -> None:
    """Write ``arr`` in ``.npy`` format (version 1.0, as ``np.save``) to the binary ``handle``,
    without copying it: the header, then the array's memory in slices."""
    arr = np.ascontiguousarray(arr)
    handle.write(_npy_header(arr))
    view = memoryview(arr.reshape(-1)).cast("B")
    for start in range(0, view.nbytes, _CHUNK):
        handle.write(view[start:start + _CHUNK])


def _digest(arr: np.ndarray) -> dict[str, Any]:
    """Size and SHA-256 of ``arr`` as :func:`write_npy` writes it (hashlib releases the GIL)."""
    header = _npy_header(arr)
    sha = hashlib.sha256(header)
    sha.update(memoryview(arr.reshape(-1)).cast("B"))
    return {"bytes": len(header) + arr.nbytes, "sha256": sha.hexdigest()}


def write_checkpoint(work: Path, arrays: Mapping[str, np.ndarray], meta: dict[str, Any],
                     also: Sequence[dict[str, Any]] = ()) -> None:
    """Write ``arrays`` and ``meta`` (JSON-able) as ``work/checkpoint``, replacing any earlier one.

    ``also`` lists other files the checkpoint depends on (the event parts published so far) as
    ``{"path" (relative to work), "bytes", "sha256"}``: they are checked on resume too. The arrays'
    SHA-256 are computed on a second thread while they are written (the arrays do not change
    meanwhile), so the checksums cost little more than the writes.
    """
    arrays = {name: np.ascontiguousarray(arr) for name, arr in arrays.items()}
    files: list[dict[str, Any]] = []
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="purgetoll-sha256") as pool:
        digests = {name: pool.submit(_digest, arr) for name, arr in arrays.items()}
        with atomic_dir(work / CHECKPOINT_DIR, overwrite=True) as tmp:
            for name, arr in arrays.items():
                with atomic_file(tmp / f"{name}.npy", "wb", durable=False) as fh:
                    write_npy(fh, arr)
            files = [{"path": f"{CHECKPOINT_DIR}/{name}.npy", **digests[name].result()} for name in arrays]
            body = {**meta, "files": files + list(also)}
            with atomic_file(tmp / META, durable=False) as fh:
                fh.write(json.dumps(seal(body), sort_keys=True))


def read_checkpoint(work: Path, settings: dict[str, Any], n_steps: int, every: int
                    ) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Read and check ``work/checkpoint``; its settings must equal ``settings``.

    Raises :class:`DamagedError` naming the first damaged file, or :class:`DataError` naming the key
    of a setting that differs.
    """
    folder = work / CHECKPOINT_DIR
    meta_file = folder / META
    if not folder.is_dir():
        raise DataError(str(folder), "no checkpoint to resume from (run without --resume to start afresh)")
    meta = read_sealed(meta_file, "checkpoint")
    saved = meta.get("settings")
    if not isinstance(saved, dict):
        raise DamagedError(str(meta_file), "damaged: no settings")
    for key in sorted(set(saved) | set(settings)):
        if saved.get(key) != settings.get(key):
            raise DataError(
                str(meta_file),
                f"cannot resume: setting {key!r} is {settings.get(key)!r} but the checkpoint was made with "
                f"{saved.get(key)!r}",
            )
    step = meta.get("step")
    if not (isinstance(step, int) and 0 <= step < n_steps and step % every == 0):
        raise DamagedError(str(meta_file), f"damaged: step {step!r} is not a window boundary of this "
                           f"run (0 to {n_steps - 1} in steps of {every})")
    files = meta.get("files")
    if not isinstance(files, list) or not all(isinstance(e, dict) and "path" in e for e in files):
        raise DamagedError(str(meta_file), "damaged: no list of files")
    verify_entries(work, files)
    arrays = {}
    for e in files:
        path = work / e["path"]
        if path.parent == folder and path.suffix == ".npy":
            try:
                arrays[path.stem] = np.load(path, allow_pickle=False)
            except (ValueError, OSError, EOFError) as exc:  # cannot happen to a file that matched
                raise DamagedError(str(path), f"damaged: not a numpy array ({exc})") from None
    return arrays, meta

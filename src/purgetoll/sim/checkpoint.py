"""Yearly checkpoints: the whole state at a window boundary, written atomically, checked on resume.

A checkpoint lives in the run's staging folder (``purgetoll.folders.RunFolder.work``), beside the
run's files: ``<work>/checkpoint/`` holds one ``<column>.npy`` per person column (used slots only),
``__snapshots.npy`` (the snapshot counts so far) and ``meta.json``: the step, the next person id,
the settings it was made with, the snapshot dates, event counts, module states, and ``files``, the
size and SHA-256 of every ``.npy`` and of every event part published so far (paths relative to
``<work>``). ``meta.json`` is sealed with the SHA-256 of its own content. The folder is built beside
the old one and swapped in whole, so a run killed while checkpointing keeps the previous checkpoint.
The files are hashed on a second thread while the run goes on, and the folder becomes the
checkpoint half a window later (:class:`Checkpointer`), or at once when the run stops on an error.

Resuming (:func:`read_checkpoint`) trusts nothing: the seal of ``meta.json``, then the size and
SHA-256 of every file it lists, then the settings (named key) and the step; a file that is missing,
truncated, altered or edited is a :class:`purgetoll.errors.DamagedError` naming it.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from purgetoll.atomic import atomic_file, swap_dir, temp_dir
from purgetoll.errors import DamagedError, DataError
from purgetoll.folders import CHECKPOINT, read_sealed, seal, sha256_file, verify_entries

__all__ = ["Checkpointer", "write_checkpoint", "read_checkpoint", "write_npy", "CHECKPOINT_DIR"]

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
    view = memoryview(arr.reshape(-1).data).cast("B")
    for start in range(0, view.nbytes, _CHUNK):
        handle.write(view[start:start + _CHUNK])


class Checkpointer:
    """Writes the checkpoints of one run into ``work/checkpoint``, hashing them off the main thread.

    :meth:`write` puts the arrays on disk at once (views of the people, never copied) in a folder
    beside the checkpoint, and a second thread hashes those files while the run goes on. When the
    run reaches step ``finalize_at`` (:meth:`due`), at the next :meth:`write`, or when it stops on
    an error or an interrupt, :meth:`finalize` waits for the hashes, writes the sealed ``meta.json``
    and swaps the folder in as *the* checkpoint. A run killed before that resumes from the checkpoint
    before, to the same bytes. Every step of it happens at a fixed point of the run, on the main
    thread, so a run does the same file-system calls in the same order every time.
    """

    def __init__(self, work: Path) -> None:
        self.work = work
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="purgetoll-sha256")
        self._pending: tuple[Path, dict[str, Any], Future, int] | None = None

    def write(self, arrays: Mapping[str, np.ndarray], meta: dict[str, Any],
              also: Sequence[dict[str, Any]] = (), finalize_at: int = 0) -> bool:
        """Finalize a pending checkpoint, then write the next; return whether one was finalized.

        ``meta`` (JSON-able) is frozen now; ``also`` lists other files the checkpoint depends on (the
        event parts published so far) as ``{"path" (relative to work), "bytes", "sha256"}``, checked on
        resume too; ``finalize_at`` is the step from which :meth:`due` says it is time to finalize.
        """
        finalized = self.finalize()
        body = json.loads(json.dumps({**meta, "files": list(also)}, default=str))
        tmp = temp_dir(self.work, CHECKPOINT_DIR)
        try:
            for name, arr in arrays.items():
                with atomic_file(tmp / f"{name}.npy", "wb", durable=False) as fh:
                    write_npy(fh, arr)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        self._pending = (tmp, body, self._pool.submit(_hash_files, tmp, list(arrays)), finalize_at)
        return finalized

    def due(self, step: int) -> bool:
        """Whether a checkpoint is pending and the run has reached its ``finalize_at``."""
        return self._pending is not None and step >= self._pending[3]

    def finalize(self) -> bool:
        """Make the pending checkpoint the checkpoint (waiting for its hashes); False if none."""
        if self._pending is None:
            return False
        tmp, body, future, _ = self._pending
        self._pending = None
        try:
            body["files"] = future.result() + body["files"]
            with atomic_file(tmp / META, durable=False) as fh:
                fh.write(json.dumps(seal(body), sort_keys=True))
            if swap_dir(tmp, self.work / CHECKPOINT_DIR):
                shutil.rmtree(tmp, ignore_errors=True)  # the checkpoint it replaces
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return True

    def close(self) -> None:
        """Drop a pending checkpoint and stop the hashing thread."""
        if self._pending is not None:
            tmp, _, future, _ = self._pending
            self._pending = None
            with contextlib.suppress(BaseException):
                future.result()
            shutil.rmtree(tmp, ignore_errors=True)
        self._pool.shutdown(wait=True)


def _hash_files(folder: Path, names: list[str]) -> list[dict[str, Any]]:
    entries = []
    for name in names:
        size, digest = sha256_file(folder / f"{name}.npy")
        entries.append({"path": f"{CHECKPOINT_DIR}/{name}.npy", "bytes": size, "sha256": digest})
    return entries


def write_checkpoint(work: Path, arrays: Mapping[str, np.ndarray], meta: dict[str, Any],
                     also: Sequence[dict[str, Any]] = ()) -> None:
    """Write one checkpoint into ``work/checkpoint`` at once (what :class:`Checkpointer` does in two
    steps)."""
    writer = Checkpointer(work)
    try:
        writer.write(arrays, meta, also)
        writer.finalize()
    finally:
        writer.close()


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

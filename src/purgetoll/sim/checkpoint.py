"""Yearly checkpoints: the whole state at a window boundary, written atomically.

Layout of ``<out>/checkpoint/``: one ``<column>.npy`` per person column (used slots only),
``__snapshots.npy`` (the snapshot counts so far) and ``meta.json`` (the step, the next person
id, the settings it was made with, the snapshot dates, event counts, module states). The folder is built beside the old one and swapped in whole
(``purgetoll.atomic.atomic_dir``), so a run killed while checkpointing keeps the previous
checkpoint. Resuming checks that the settings match and names the first key that differs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from purgetoll.atomic import atomic_dir
from purgetoll.errors import DataError

__all__ = ["write_checkpoint", "read_checkpoint", "CHECKPOINT_DIR"]

CHECKPOINT_DIR = "checkpoint"


def write_checkpoint(out: Path, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> None:
    """Write ``arrays`` and ``meta`` (JSON-able) as ``out/checkpoint``, replacing any earlier one."""
    with atomic_dir(out / CHECKPOINT_DIR, overwrite=True) as tmp:
        for name, arr in arrays.items():
            np.save(tmp / f"{name}.npy", arr, allow_pickle=False)
        (tmp / "meta.json").write_text(json.dumps(meta, sort_keys=True))


def read_checkpoint(out: Path, settings: dict[str, Any]) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Read ``out/checkpoint``; its settings must equal ``settings`` (else DataError naming the key)."""
    folder = out / CHECKPOINT_DIR
    meta_file = folder / "meta.json"
    if not meta_file.exists():
        raise DataError(str(folder), "no checkpoint to resume from (run without --resume to start afresh)")
    meta = json.loads(meta_file.read_text())
    saved = meta["settings"]
    for key in sorted(set(saved) | set(settings)):
        if saved.get(key) != settings.get(key):
            raise DataError(
                str(meta_file),
                f"cannot resume: setting {key!r} is {settings.get(key)!r} but the checkpoint was made with "
                f"{saved.get(key)!r}",
            )
    arrays = {p.stem: np.load(p, allow_pickle=False) for p in sorted(folder.glob("*.npy"))}
    return arrays, meta

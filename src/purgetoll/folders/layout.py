"""What is in an output folder: a finished run, nothing, or files that no run wrote.

A finished run is a folder with a ``manifest.json`` that names purgetoll's version and lists every
file the run wrote (``files``: path, bytes, SHA-256; ``volatile_files``: files such as timings whose
content differs from run to run, listed without a checksum). Anything else in it was not written by
the run, and purgetoll never removes it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from purgetoll.folders.checksums import SEAL_KEY, seal

__all__ = ["MANIFEST", "TargetState", "inspect_target", "owned_paths", "read_manifest"]

MANIFEST = "manifest.json"


def read_manifest(folder: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The manifest of the run in ``folder`` if it is one purgetoll wrote (names its version), else None."""
    try:
        data = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and "purgetoll_version" in data else None


def owned_paths(manifest: dict[str, Any]) -> set[str] | None:
    """The relative paths of the files the run wrote (its manifest included), or None if the
    manifest does not list them (written before runs listed their files)."""
    files = manifest.get("files")
    if not isinstance(files, list):
        return None
    paths = {MANIFEST}
    for entry in files:
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
            return None
        paths.add(entry["path"])
    for p in manifest.get("volatile_files", []) or []:
        if isinstance(p, str):
            paths.add(p)
    return paths


def _walk(folder: Path) -> tuple[list[str], list[str]]:
    """Relative paths of the non-folders and of the folders under ``folder`` (symlinks not followed)."""
    files, dirs = [], []
    for root, dirnames, filenames in os.walk(folder):
        rel = Path(root).relative_to(folder)
        for d in list(dirnames):
            full = Path(root) / d
            if full.is_symlink():
                files.append((rel / d).as_posix())
                dirnames.remove(d)
            else:
                dirs.append((rel / d).as_posix())
        files.extend((rel / f).as_posix() for f in filenames)
    return sorted(files), sorted(dirs)


def _damaged_manifest(path: Path) -> bool:
    try:
        json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return True
    except OSError:
        return False
    return False


@dataclass
class TargetState:
    """What :func:`inspect_target` found at an output folder."""

    kind: str  # "absent", "empty", "run", "foreign", "file"
    manifest: dict[str, Any] | None = None
    foreign: list[str] = field(default_factory=list)  # entries no run wrote (relative paths)
    legacy: bool = False  # a purgetoll run whose manifest does not list its files
    damaged_manifest: bool = False  # a manifest.json that is not JSON (or not UTF-8)
    altered: bool = False  # a sealed manifest.json whose content no longer matches its seal


def inspect_target(target: str | os.PathLike[str]) -> TargetState:
    """Classify ``target``: absent, an empty folder, a finished run (with the entries in it that the
    run did not write, if any), a folder of something else, or a file."""
    target = Path(target)
    if not os.path.lexists(target):
        return TargetState("absent")
    if not target.is_dir():
        return TargetState("file")
    files, dirs = _walk(target)
    if not files and not dirs:
        return TargetState("empty")
    manifest = read_manifest(target)
    if manifest is None:
        damaged = MANIFEST in files and _damaged_manifest(target / MANIFEST)
        return TargetState("foreign", foreign=files + [d + "/" for d in dirs if not any(
            f.startswith(d + "/") for f in files)], damaged_manifest=damaged)
    if SEAL_KEY in manifest and seal(manifest)[SEAL_KEY] != manifest[SEAL_KEY]:
        return TargetState("run", manifest, altered=True)
    owned = owned_paths(manifest)
    if owned is None:
        return TargetState("run", manifest, legacy=True)
    foreign = [f for f in files if f not in owned]
    parents = {str(Path(p).parent.as_posix()) for p in owned}
    parents |= {"/".join(p.split("/")[:i]) for p in owned for i in range(1, p.count("/") + 1)}
    foreign += [d + "/" for d in dirs if d not in parents and not any(f.startswith(d + "/") for f in files)]
    return TargetState("run", manifest, foreign=sorted(foreign))

"""Check a run folder against the checksums recorded when it was written (``purgetoll verify``).

A finished run is checked against its sealed ``manifest.json``: every file listed must be there
with its size and SHA-256. An unfinished run kept for ``--resume`` is checked against its
checkpoint's sealed ``meta.json``, whose ``files`` lists the checkpoint's files and the event parts
written so far (paths relative to the staging folder). Files in a finished run that it did not
write are reported, not judged.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from purgetoll.errors import DamagedError
from purgetoll.folders.checksums import read_sealed, verify_entries, verify_file
from purgetoll.folders.layout import MANIFEST, inspect_target
from purgetoll.folders.runfolder import CHECKPOINT, find_stagings

__all__ = ["VerifyReport", "verify_folder", "verify_run_files", "CHECKPOINT_META"]

CHECKPOINT_META = "meta.json"


@dataclass
class VerifyReport:
    """What :func:`verify_folder` found: files checked, problems (damage), notes (the rest)."""

    target: str
    checked: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _check_list(base: Path, entries: object, report: VerifyReport, where: Path) -> None:
    if not isinstance(entries, list):
        report.problems.append(f"{where}: damaged: no list of files")
        return
    for e in entries:
        try:
            if not isinstance(e, dict) or not {"path", "bytes", "sha256"} <= set(e):
                raise DamagedError(str(where), f"damaged: a file entry is not path, bytes, sha256: {e!r}")
            verify_file(base / e["path"], e)
            report.checked += 1
        except DamagedError as exc:
            report.problems.append(str(exc))


def verify_folder(target: str | os.PathLike[str]) -> VerifyReport:
    """Check the finished run in ``target`` and any unfinished run of it kept for a resume."""
    target = Path(target)
    report = VerifyReport(str(target))
    state = inspect_target(target)
    real = Path(os.path.abspath(target))
    unfinished = [s for s in find_stagings(real.parent, real.name) if s.resumable]
    if state.kind == "run":
        try:
            manifest = read_sealed(target / MANIFEST, "manifest")
        except DamagedError as exc:
            report.problems.append(str(exc))
        else:
            _check_list(target, manifest.get("files"), report, target / MANIFEST)
            for rel in manifest.get("volatile_files", []):
                if not (target / rel).is_file():
                    report.problems.append(f"{target / rel}: missing (deleted since it was written)")
        for rel in state.foreign:
            report.notes.append(f"{target / rel}: not written by the run (not in its manifest.json)")
    elif state.kind == "file":
        report.problems.append(f"{target}: is a file, not a run folder")
    elif state.kind == "foreign" and (target / MANIFEST).is_file():
        try:  # a manifest that no longer parses: say so, naming it
            read_sealed(target / MANIFEST, "manifest")
            report.problems.append(f"{target / MANIFEST}: not a purgetoll manifest (no purgetoll_version)")
        except DamagedError as exc:
            report.problems.append(str(exc))
    elif state.kind == "foreign":
        report.problems.append(f"{target}: holds no purgetoll run (no manifest.json naming purgetoll)")
    elif not unfinished:
        report.problems.append(f"{target}: no run here, finished or unfinished")
    for s in unfinished:
        meta = s.path / CHECKPOINT / CHECKPOINT_META
        report.notes.append(f"{target}: unfinished run in {s.path} (resume it with --resume)")
        try:
            index = read_sealed(meta, "checkpoint")
        except DamagedError as exc:
            report.problems.append(str(exc))
            continue
        _check_list(s.path, index.get("files"), report, meta)
    return report


def verify_run_files(run: str | os.PathLike[str], under: str = "") -> int:
    """Check the files of the finished run in ``run`` below ``under`` (``"events/"``) before they are
    read: each must match its size and SHA-256 in the sealed manifest, and no other file may be
    there (it would be read as the run's). Returns how many were checked; raises
    :class:`DamagedError` naming the first file that does not fit.
    """
    run = Path(run)
    manifest = read_sealed(run / MANIFEST, "manifest")
    files = manifest.get("files")
    if not isinstance(files, list):
        raise DamagedError(str(run / MANIFEST), "damaged: no list of files")
    entries = [e for e in files if isinstance(e, dict) and str(e.get("path", "")).startswith(under)]
    listed = {e["path"] for e in entries}
    base = run / under if under else run
    if base.is_dir():
        for p in sorted(base.rglob("*")):
            rel = p.relative_to(run).as_posix()
            if p.is_file() and rel not in listed and rel != MANIFEST and rel not in manifest.get("volatile_files", []):
                raise DamagedError(str(p), "not part of the run (not in its manifest.json); it would be read "
                                   "as the run's: move it out of the run folder")
    return verify_entries(run, entries)

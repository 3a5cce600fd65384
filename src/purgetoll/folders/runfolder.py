"""A run folder: written beside the old one, swapped in whole when complete, one writer at a time.

Every verb that writes a folder (``purgetoll sim run``, ``purgetoll run``) does it through
:class:`RunFolder`::

    with RunFolder(out, kind="sim", force=force, resume=resume) as folder:
        ...write the run's files under folder.path...      # state for a resume under folder.work
        folder.commit(manifest)                            # checksums, manifest.json, swap

What it guarantees:

* **One writer.** It holds the folder's lock (:class:`~purgetoll.folders.lock.FolderLock`) from
  open to close; a second process stops with :class:`FolderInUseError` naming the holder.
* **Atomic replacement.** The new run is built in a staging folder beside the target,
  ``PARENT/.NAME.<host>-<pid>-<random>.tmp/`` (a ``staging.json`` marker saying whose it is, the
  run's files in ``run/``, its resume state in ``checkpoint/``), and swapped with the old run in one
  step when complete. Until then the old run is untouched, whatever fails; after it, the old run's
  files are removed.
* **Nothing foreign removed.** A folder that holds files no run wrote (not listed in its manifest)
  is refused, even with ``force``; files found in a replaced run that it did not write are kept.
* **Checksums.** :meth:`RunFolder.commit` lists every file with its size and SHA-256 in
  ``manifest.json``, which is itself sealed (``purgetoll.folders.checksums``).
* **Debris.** Staging folders and temporaries of processes that are gone from this host are
  removed by the next run writing beside them; an unfinished run that can be resumed is kept until
  it is resumed or replaced (``force``).
* **Clear errors.** Every failure is a :class:`purgetoll.errors.PurgetollError` naming the path.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from purgetoll.atomic import (
    HOST_TAG,
    atomic_file,
    fsync_dir,
    output_error,
    parse_temp_name,
    pid_alive,
    remove_stale_temps,
    swap_dir,
    temp_dir,
    temp_entries,
)
from purgetoll.errors import (
    DamagedError,
    DataError,
    FolderInUseError,
    ForeignContentError,
    OutputError,
    PurgetollError,
    RunExistsError,
)
from purgetoll.folders.checksums import SEAL_KEY, file_entries, seal
from purgetoll.folders.layout import MANIFEST, inspect_target, owned_paths, read_manifest
from purgetoll.folders.lock import FolderLock
from purgetoll.folders.owner import Owner

__all__ = ["RunFolder", "Staging", "dispose_run", "find_stagings", "clean_debris", "repair", "STAGING_MARK",
           "PAYLOAD", "CHECKPOINT"]

STAGING_MARK = "staging.json"
PAYLOAD = "run"
CHECKPOINT = "checkpoint"


def _shown(path: Path) -> str:
    return str(path)


class Staging:
    """A staging folder found beside a target: its path and its marker."""

    def __init__(self, path: Path, marker: dict[str, Any]) -> None:
        self.path = path
        self.marker = marker

    @property
    def target_name(self) -> str:
        return str(self.marker.get("target", ""))

    @property
    def owner(self) -> Owner | None:
        return Owner.from_json(self.marker.get("owner"))

    @property
    def state(self) -> str:
        return str(self.marker.get("state", "building"))

    @property
    def resumable(self) -> bool:
        return bool(self.marker.get("resumable")) and (self.path / CHECKPOINT).is_dir()

    def owner_gone(self) -> bool:
        owner = self.owner
        return owner is None or owner.is_gone() is True

    def write_marker(self, **changes: Any) -> None:
        self.marker = {**self.marker, **changes}
        with atomic_file(self.path / STAGING_MARK, durable=False) as fh:
            fh.write(json.dumps(self.marker, indent=1, sort_keys=True))


def _read_marker(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((path / STAGING_MARK).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("purgetoll") == "staging" else None


def find_stagings(parent: Path, name: str | None = None) -> list[Staging]:
    """The staging folders in ``parent`` (of target ``name``, or all), oldest first."""
    out: list[Staging] = []
    for entry, _ in temp_entries(parent):
        if not entry.is_dir(follow_symlinks=False):
            continue
        marker = _read_marker(Path(entry.path))
        if marker is None or (name is not None and marker.get("target") != name):
            continue
        out.append(Staging(Path(entry.path), marker))
    return sorted(out, key=lambda s: (str(s.marker.get("created", "")), s.path.name))


def _damaged_markers(parent: Path, name: str) -> list[Path]:
    """Markers of staging folders of target ``name`` that cannot be read (their run is kept)."""
    out = []
    for entry in os.scandir(parent):
        parsed = parse_temp_name(entry.name)
        marker = Path(entry.path) / STAGING_MARK
        if parsed and parsed[0] == name and entry.is_dir() and marker.exists() and _read_marker(Path(entry.path)) is None:
            out.append(marker)
    return out


def dispose_run(folder: Path) -> list[str]:
    """Remove the files a run wrote from ``folder`` (those its manifest lists), then the folders
    they leave empty; return what remains (files no run wrote, kept), relative to ``folder``.

    A folder without a purgetoll manifest is left whole (everything in it "remains").
    """
    manifest = read_manifest(folder)
    owned = owned_paths(manifest) if manifest is not None else None
    if owned is None:
        return [p.relative_to(folder).as_posix() for p in folder.rglob("*")] if folder.exists() else []
    parents: set[Path] = set()
    for rel in sorted(owned - {MANIFEST}) + [MANIFEST]:  # the manifest last: it says what is ours
        path = folder / rel
        try:
            if path.is_file() and not path.is_symlink():
                path.unlink()
        except FileNotFoundError:
            pass
        parents.update(path.parents)
    for d in sorted((p for p in parents if folder in p.parents), key=lambda p: len(p.parts), reverse=True):
        with contextlib.suppress(OSError):  # not empty: something no run wrote is in it
            d.rmdir()
    try:
        folder.rmdir()
        return []
    except OSError:
        return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def _remove_staging(staging: Path, displaced: bool = False) -> list[str]:
    """Remove a staging folder that nobody writes any more; return what was kept (files no run
    wrote, relative to ``staging``).

    Its own files (marker, checkpoint, temporaries) go whole. Its ``run/`` goes whole while it is a
    run being built (every file in it ours); once it holds a finished run, or whatever an exchange
    displaced from the target (``displaced``, or a marker in state ``complete``), only the files a
    manifest lists are removed, and a folder without one only if it is empty.
    """
    payload = staging / PAYLOAD
    marker = _read_marker(staging) or {}
    displaced = displaced or marker.get("state") == "complete"
    kept: list[str] = []
    if payload.is_dir() and not payload.is_symlink():
        if read_manifest(payload) is not None:
            kept = [f"{PAYLOAD}/{p}" for p in dispose_run(payload)]
        elif displaced:
            try:
                payload.rmdir()
            except OSError:
                kept = [f"{PAYLOAD}/{p.relative_to(payload).as_posix()}" for p in sorted(payload.rglob("*"))]
        else:
            shutil.rmtree(payload, ignore_errors=True)  # a run being built: every file in it is ours
    if not kept:
        shutil.rmtree(staging, ignore_errors=True)
        return []
    for entry in staging.iterdir():  # keep the run's leftovers and the marker that explains them
        if entry.name not in (PAYLOAD, STAGING_MARK):
            shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink(missing_ok=True)
    return kept


def _dispose_aside(parent: Path, notes: list[str]) -> None:
    """Old runs moved aside by a replacement without an atomic exchange, whose process is gone and
    whose target is back in place: their files are removed by the manifest rule."""
    for entry in list(os.scandir(parent)):
        parsed = parse_temp_name(entry.name)
        if (parsed is None or not entry.name.endswith("-aside.tmp") or parsed[1] != HOST_TAG
                or pid_alive(parsed[2]) or not os.path.lexists(parent / parsed[0])):
            continue
        kept = dispose_run(Path(entry.path))
        if kept:  # marked, so that nothing ever removes what is left: files no run wrote
            Staging(Path(entry.path), {"purgetoll": "staging", "target": parsed[0], "kind": "aside",
                                       "state": "kept"}).write_marker()
        notes.append(f"kept {entry.path}: it holds files no run wrote ({', '.join(kept[:5])})" if kept
                     else f"removed {entry.path}, left by a purgetoll process that was stopped")


def _unswapped(st: Staging) -> bool:
    """Whether a staging folder in state ``complete`` still holds its new run (not yet swapped in):
    its ``run/`` carries the manifest whose seal the marker recorded."""
    if st.state != "complete":
        return False
    manifest = read_manifest(st.path / PAYLOAD)
    return manifest is not None and manifest.get(SEAL_KEY) == st.marker.get("commit")


def repair(parent: Path, name: str) -> list[str]:
    """Finish what a killed replacement of ``parent/name`` left half done; the caller holds its lock.

    A staging folder whose new run was complete but not yet swapped in (marker ``complete``, its
    ``run/`` still the new run) is swapped in now, unless the target holds files no run wrote. Where
    two renames stood in for an atomic exchange and a kill fell between them, the target is missing:
    the complete new run is moved in, or else the old run moved back from aside. Returns notes.
    """
    target = parent / name
    notes: list[str] = []
    for st in reversed(find_stagings(parent, name)):
        if not _unswapped(st):
            continue
        state = inspect_target(target)
        if state.kind in ("absent", "empty") or (state.kind == "run" and not state.foreign
                                                 and not state.legacy and not state.altered):
            displaced = swap_dir(st.path / PAYLOAD, target)
            notes.append(f"finished the replacement of {target} that a stopped process had completed "
                         "but not swapped in")
            if _remove_staging(st.path, displaced=displaced):
                st.write_marker(state="kept")
        return notes
    if os.path.lexists(target):
        return notes
    for entry in os.scandir(parent):
        parsed = parse_temp_name(entry.name)
        if (parsed and parsed[0] == name and entry.name.endswith("-aside.tmp")
                and read_manifest(Path(entry.path)) is not None and not pid_alive(parsed[2])):
            swap_dir(Path(entry.path), target)
            notes.append(f"moved back {target}, left aside by a stopped process")
            break
    return notes


def clean_debris(parent: Path, *, skip: str | None = None) -> list[str]:
    """Remove what killed purgetoll processes left in ``parent``; return notes of what was done.

    Staging folders whose owner is gone from this host (and whose target's lock is free) are removed
    (the runs they hold by the manifest rule), unless they hold a resumable unfinished run or files
    no run wrote; stale temporaries go too (:func:`purgetoll.atomic.remove_stale_temps`). ``skip``
    names a target whose stagings the caller handles itself (it holds that lock).
    """
    notes: list[str] = []
    names = {st.target_name for st in find_stagings(parent)}
    names |= {p[0] for e in os.scandir(parent) if e.name.endswith("-aside.tmp") and (p := parse_temp_name(e.name))}
    for name in sorted(names - {skip, ""}):
        lock = FolderLock(parent / name)
        try:
            lock.acquire()
        except PurgetollError:
            continue  # its writer runs (or cannot be checked): nothing of it is touched
        try:
            notes += repair(parent, name)
            for st in find_stagings(parent, name):
                if st.state == "kept" or not st.owner_gone() or _unswapped(st):
                    continue  # a new run kept from a target holding files no run wrote stays too
                if st.resumable and st.state != "complete":
                    continue  # an unfinished run: kept for --resume, removed by --force
                kept = _remove_staging(st.path)
                if kept:
                    st.write_marker(state="kept")
                    notes.append(f"kept {st.path}: it holds files no run wrote ({', '.join(kept[:5])})")
                else:
                    notes.append(f"removed {st.path}, left by a purgetoll process that was stopped")
        except PurgetollError:
            continue
        finally:
            lock.release()
    _dispose_aside(parent, notes)
    for stale in remove_stale_temps(parent):
        notes.append(f"removed {stale}, left by a purgetoll process that was stopped")
    return notes


class RunFolder:
    """The output folder ``target`` of one run of ``kind`` (see the module docstring).

    Parameters
    ----------
    target:
        The folder that will hold the run.
    kind:
        What writes it (``"sim"``, ``"report"``, ...), recorded in the staging marker.
    force:
        Replace a finished run, or discard an unfinished one, in ``target``.
    resume:
        Continue the unfinished run of ``target`` (``folder.resumed`` is then True).
    volatile:
        Relative paths of files whose content differs from run to run by nature (timings): listed in
        the manifest without a checksum.
    """

    def __init__(self, target: str | os.PathLike[str], *, kind: str, force: bool = False,
                 resume: bool = False, volatile: Iterable[str] = ()) -> None:
        given = Path(target)
        real = Path(os.path.abspath(given))
        if real.is_symlink() and real.resolve().is_dir():
            real = real.resolve()  # replace the folder the link points to, never the link
        if not real.name or real.parent == real:
            raise OutputError(str(given), "cannot hold a run: give a folder below the root, by name")
        self.given = given
        self.target = real
        self.parent = real.parent
        self.name = real.name
        self.kind = kind
        self.force = force
        self.resume = resume
        self.volatile = tuple(volatile)
        self.lock = FolderLock(real)
        self.staging: Staging | None = None
        self.resumed = False
        self.committed = False
        #: what the folder did besides writing (a stale lock taken over, debris removed, files kept)
        self.notes: list[str] = []

    # -- paths ------------------------------------------------------------------------------------
    @property
    def work(self) -> Path:
        """The staging folder (the run's resume state goes in ``work / CHECKPOINT``)."""
        if self.staging is None:
            raise RuntimeError("RunFolder is not open")
        return self.staging.path

    @property
    def path(self) -> Path:
        """Where the run's files are written (becomes ``target`` at commit)."""
        return self.work / PAYLOAD

    def _where(self) -> str:
        return str(self.given)

    # -- opening ----------------------------------------------------------------------------------
    def open(self) -> RunFolder:
        """Take the lock, clean debris, check the target and prepare the staging folder."""
        if os.path.lexists(self.target) and not self.target.is_dir():
            raise ForeignContentError(self._where(), "is a file, not a folder; give a folder for the run")
        try:
            self.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise output_error(self.parent, "create the folder", exc) from exc
        reclaimed = self.lock.acquire()
        if reclaimed is not None:
            self.notes.append(f"took over the lock of {reclaimed.describe()}, which is gone")
        try:
            self._open_locked()
        except BaseException:
            self.lock.release()
            raise
        return self

    def _open_locked(self) -> None:
        self._recover()
        self.notes += clean_debris(self.parent, skip=self.name)
        mine = find_stagings(self.parent, self.name)
        unfinished = [s for s in mine if s.resumable and s.state != "complete"]
        for s in mine:  # anything else of this target left by a stopped process is debris
            if s not in unfinished and s.state != "kept":
                kept = _remove_staging(s.path)
                if kept:
                    s.write_marker(state="kept")
        state = inspect_target(self.target)
        if self.resume and unfinished:
            self.force = bool(unfinished[-1].marker.get("force"))  # as the interrupted run was asked
            if state.kind != "absent":
                self._check_replaceable(state)
        if self.resume:
            if not unfinished:
                for path in _damaged_markers(self.parent, self.name):
                    raise DamagedError(str(path), "damaged: not a purgetoll staging marker, so the "
                                       "unfinished run beside it cannot be resumed (run with --force to "
                                       "start afresh)")
                if state.kind == "run":
                    done = " (" + "; ".join(self.notes) + ")" if self.notes else ""
                    raise DataError(self._where(), "the run is already finished (manifest.json is there); "
                                    f"nothing to resume{done}")
                raise DataError(self._where(), "no unfinished run to resume (run without --resume to "
                                "start afresh)")
            self.staging = unfinished[-1]
            for old in unfinished[:-1]:
                _remove_staging(old.path)
            self.staging.write_marker(owner=Owner.me().to_json(), state="building")
            self._clean_inside(self.staging.path)
            self.resumed = True
            return
        self._check_replaceable(state)
        if unfinished and not self.force:
            raise RunExistsError(
                self._where(), f"holds an unfinished run (in {unfinished[-1].path}); pass --resume "
                "to continue it or --force to start afresh")
        for s in unfinished:
            _remove_staging(s.path)
        for marker in _damaged_markers(self.parent, self.name):  # ours by name and marker file
            _remove_staging(marker.parent)
        self._create_staging()

    def _check_replaceable(self, state) -> None:
        if state.kind == "file":
            raise ForeignContentError(self._where(), "is a file, not a folder; give a folder for the run")
        if state.kind == "foreign" and state.damaged_manifest:
            raise ForeignContentError(
                self._where(), "its manifest.json is damaged (not valid JSON), so which files are a "
                "run's cannot be told; move the folder away or delete it yourself")
        if state.kind == "foreign":
            shown = ", ".join(state.foreign[:3]) + (", ..." if len(state.foreign) > 3 else "")
            raise ForeignContentError(
                self._where(), f"exists and holds no purgetoll run ({len(state.foreign)} entries: {shown}); "
                "give a new or empty folder (purgetoll never writes over files it did not write)")
        if state.kind == "run":
            if not self.force:
                raise RunExistsError(self._where(), "already holds a finished run; pass --force "
                                     "to replace it (only once the new one is complete)")
            if state.altered:
                raise ForeignContentError(
                    self._where(), "its manifest.json was altered since it was written (its SHA-256 seal "
                    "does not match), so which files are the run's cannot be trusted; move the folder "
                    "away or delete it yourself")
            if state.legacy:
                raise ForeignContentError(
                    self._where(), "holds a run written before purgetoll listed a run's files in its "
                    "manifest.json, so which files are the run's cannot be told; move it away or "
                    "delete it yourself")
            if state.foreign:
                raise ForeignContentError(
                    self._where(), f"holds {state.foreign[0]}" + (f" and {len(state.foreign) - 1} more"
                    if len(state.foreign) > 1 else "") + ", which the run in it did not write (not in "
                    "its manifest.json); purgetoll never removes such files: move them out first")

    def _create_staging(self) -> None:
        try:
            path = temp_dir(self.parent, self.name)
        except OSError as exc:
            raise output_error(self.parent / f".{self.name}.*.tmp", "create the staging folder", exc) from exc
        staging = Staging(path, {"purgetoll": "staging", "target": self.name, "kind": self.kind,
                                 "owner": Owner.me().to_json(), "state": "building", "resumable": False, "force": self.force,
                                 "host_tag": HOST_TAG, "created": Owner.me().since})
        try:
            staging.write_marker()
            (path / PAYLOAD).mkdir()
        except OSError as exc:
            shutil.rmtree(path, ignore_errors=True)
            raise output_error(path, "create the staging folder", exc) from exc
        except BaseException:
            shutil.rmtree(path, ignore_errors=True)
            raise
        self.staging = staging

    def _clean_inside(self, folder: Path) -> None:
        """Temporaries of the killed writer inside a staging folder we now own (every one is ours)."""
        for root, dirs, files in os.walk(folder, topdown=True):
            for name in [*dirs, *files]:
                parsed = parse_temp_name(name)
                if parsed is None or (parsed[1] == HOST_TAG and parsed[2] == os.getpid()):
                    continue
                p = Path(root) / name
                if p.is_dir() and not p.is_symlink():
                    shutil.rmtree(p, ignore_errors=True)
                    dirs.remove(name)
                else:
                    p.unlink(missing_ok=True)

    def _recover(self) -> None:
        self.notes += repair(self.parent, self.name)

    # -- during the run ---------------------------------------------------------------------------
    def mark_resumable(self) -> None:
        """Say that ``work`` now holds a state to resume from (kept if the run fails or is killed)."""
        if self.staging is not None and not self.staging.marker.get("resumable"):
            self.staging.write_marker(resumable=True)

    # -- finishing --------------------------------------------------------------------------------
    def commit(self, manifest: dict[str, Any], *, indent: int = 1, sort_keys: bool = True) -> Path:
        """Write ``manifest.json`` (plus ``files``, ``volatile_files`` and a seal) and swap the run in.

        Returns the target. Until the swap the old run in ``target`` is untouched; after it the old
        run's files are removed and files it did not write are kept (see :attr:`notes`).
        """
        payload = self.path
        volatile = [v for v in self.volatile if (payload / v).is_file()]
        body = {k: v for k, v in manifest.items() if k not in ("files", "volatile_files")}
        body["files"] = file_entries(payload, exclude=[MANIFEST, *volatile])
        body["volatile_files"] = volatile
        sealed = seal(body)
        text = json.dumps(sealed, indent=indent, sort_keys=sort_keys, ensure_ascii=False, default=str)
        with atomic_file(payload / MANIFEST, encoding="utf-8") as fh:
            fh.write(text + "\n")
        for d in [payload, *(p for p in payload.rglob("*") if p.is_dir())]:
            fsync_dir(d)
        state = inspect_target(self.target)  # files may have been put there while we ran
        if state.kind != "absent":
            self._check_replaceable(state)
        # from here the new run is complete: a process killed before the swap is finished by the
        # next one (_recover), which knows the new run by the seal of its manifest
        staging = self.staging
        if staging is None:
            raise RuntimeError("commit() before begin(): the run has no staging folder")
        staging.write_marker(state="complete", commit=sealed[SEAL_KEY])
        displaced = swap_dir(payload, self.target)
        self.committed = True
        try:  # the run is in place: what follows only tidies up, and never fails the run
            fsync_dir(self.parent)
        except OutputError as exc:
            self.notes.append(f"the run is in place but {exc}")
        kept = _remove_staging(self.work, displaced=displaced)
        if kept:
            staging.write_marker(state="kept")
            self.notes.append(f"the replaced run held files it did not write; they are kept in "
                              f"{self.work / PAYLOAD}: {', '.join(p.removeprefix(PAYLOAD + '/') for p in kept[:5])}")
        return self.target

    def close(self, failed: bool = False) -> None:
        """Release the lock; after a failure, remove the staging folder unless it can be resumed."""
        try:
            if self.staging is not None and not self.committed and failed:
                if not self.staging.marker.get("resumable"):
                    shutil.rmtree(self.staging.path, ignore_errors=True)
                else:
                    self._clean_inside(self.staging.path)
        finally:
            self.lock.release()

    def __enter__(self) -> RunFolder:
        return self if self.staging is not None else self.open()

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self.close(failed=exc_type is not None)


# FolderInUseError is re-exported for callers that catch it next to RunFolder
_ = FolderInUseError

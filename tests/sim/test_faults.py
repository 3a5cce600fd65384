"""Faults during a simulation run: nothing already written is lost or altered, and every fault is a
clear error naming the file (issue 10).

* a replacement that fails part way (ENOSPC, EIO, EROFS at any write) or is killed at any step of a
  checkpoint or of the final swap leaves the finished run it replaces byte for byte, and
  ``--resume`` (or a rerun) then gives the reference run byte for byte;
* a damaged checkpoint or event part is named on resume (the issue's examples, one by one);
* two runs into one folder: the second is refused naming the first; a killed run's lock is taken
  over; its debris is removed;
* a file as ``--out``, a read-only or full file system: clear errors, nothing lost.

Faults are injected through the write seam of ``purgetoll.atomic`` (``tests/faults.py``), kills are
real SIGKILLs of a forked child, and two tests mount small tmpfs file systems (root only).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import purgetoll.sim.sources as sources
from purgetoll.cli import app
from purgetoll.errors import (
    DamagedError,
    DataError,
    FolderInUseError,
    ForeignContentError,
    OutputError,
)
from purgetoll.folders import FolderLock, RunFolder, find_stagings, verify_folder
from purgetoll.sim import Demography, Interrupted, Sim, SimSettings, Territory
from tests.faults import KILL, Seam, in_child, tree

SETTINGS = dict(start="1926-12-17", end="1931-03-01", scale=0.002, seed=5, event_chunk_rows=20_000)


def make_sim(inputs, **overrides) -> Sim:
    return Sim(SimSettings(**{**SETTINGS, **overrides}), [Territory(inputs), Demography(inputs)])


def outputs(out: Path) -> dict[str, bytes]:
    """The run's files by relative path, timings excluded (wall time is not reproducible)."""
    return {k: v for k, v in tree(out).items() if k != "timings.json"}


def error_line(stderr: str) -> str:
    """The one ``error: ...`` line of a command's stderr (the progress bar may come before it)."""
    (line,) = [ln for ln in stderr.splitlines() if ln.startswith("error: ")]
    return line


def staging_of(out: Path) -> Path | None:
    found = [s for s in find_stagings(out.parent, out.name) if s.resumable]
    return found[0].path if found else None


@pytest.fixture(scope="module")
def runs(tmp_path_factory, toy_inputs):
    """The reference run (seed 5), an older finished run of seed 6, and the seam's calls of a
    forced replacement of the latter by the former."""
    base = tmp_path_factory.mktemp("runs")
    make_sim(toy_inputs).run(base / "ref")
    make_sim(toy_inputs, seed=6).run(base / "old")
    work = base / "count"
    shutil.copytree(base / "old", work / "r")
    seam = Seam()
    with seam:
        make_sim(toy_inputs).run(work / "r", force=True)
    assert outputs(work / "r") == outputs(base / "ref")
    return {"ref": outputs(base / "ref"), "old_dir": base / "old", "old": tree(base / "old"), "calls": seam.calls}


def _checkpoint_steps(calls) -> list[int]:
    """The seam calls to fault: every distinct step of the second checkpoint (its folder, the first
    array's create, open, write and rename, each other array's rename, every step of meta.json, the
    swap of the folder), of an event part (open, first, middle and last write, rename), of the
    marker saying the run can be resumed, and of the final commit (each file's open, first write and
    rename, the flush of the folders, the marker, the swap and the flush after it)."""

    def first(op, name, after=0):
        return next(n for n, o, d in calls if n > after and o == op and name in d)

    ck = [n for n, op, d in calls if op == "mkdtemp" and d.startswith(".checkpoint.")][1]
    picked = [ck]
    for name in ("person_id", "meta"):
        suffix = ".npy" if name != "meta" else ".json"
        opened = first("open", f".{name}{suffix}.", ck)
        picked += [opened - 1, opened, opened + 1, first("replace", f"{name}{suffix}", ck)]
    picked += [first("replace", f"{a}.npy", ck) for a in ("birth_month", "sex", "alive", "death_step", "__snapshots")]
    picked.append(first("exchange", "checkpoint", ck))
    part_open, part_done = first("open", ".part-0002.parquet."), first("replace", "part-0002.parquet")
    writes = [n for n, op, _ in calls if part_open < n < part_done and op == "write"]
    picked += [part_open, writes[0], writes[len(writes) // 2], part_done - 1, part_done]
    mark = first("replace", "staging.json", [n for n, op, d in calls if op == "rename" and d == "checkpoint"][0])
    picked += [mark - 2, mark]
    commit = first("mkstemp", ".snapshots.parquet.")
    for name in ("snapshots.parquet", "manifest.json", "staging.json"):
        opened = first("open", f".{name}.", commit)
        picked += [opened, opened + 1, first("replace", name, commit)]
    picked.append(first("replace", "timings.json", commit))
    swap = first("exchange", "r", commit)
    picked += [swap - 5, swap, swap + 1]  # flushing the run's folder, the swap, flushing its parent
    assert calls[swap - 6][1] == "fsync" and calls[swap][1] == "fsync"  # calls[n - 1] is call n
    return sorted(set(picked))


def _finish_after_fault(out: Path, toy_inputs, ref: dict[str, bytes], old: dict[str, bytes]) -> str:
    """After a fault: the target holds the old run byte for byte (or, after the swap, the new one);
    then resume or rerun and get the reference byte for byte, with no debris left. Returns how."""
    now = tree(out)
    assert now == old or outputs(out) == ref, sorted(now)
    left = find_stagings(out.parent, out.name)
    if outputs(out) == ref:
        how = "swapped"
    elif left and left[0].state == "complete":  # killed between the last write and the swap
        with pytest.raises(DataError, match="the run is already finished"):
            make_sim(toy_inputs).run(out, resume=True)  # the next run finishes the swap first
        how = "completed"
    elif staging_of(out) is not None:
        make_sim(toy_inputs).run(out, resume=True)
        how = "resumed"
    else:
        make_sim(toy_inputs).run(out, force=True)
        how = "rerun"
    assert outputs(out) == ref
    with RunFolder(out.parent / "other", kind="test") as later:  # any later run beside cleans the debris
        later.commit({"purgetoll_version": "test"})
    assert sorted(p.name for p in out.parent.iterdir()) == ["other", "r"]
    return how


@pytest.mark.slow
def test_a_kill_at_every_checkpoint_step_loses_nothing_and_resumes_byte_for_byte(runs, toy_inputs, tmp_path):
    """SIGKILL (no cleanup code runs) at every step of a checkpoint, an event part and the final
    swap, while a finished run of another seed is being replaced: that run survives byte for byte
    until the swap, and the killed run resumes to the reference bytes."""
    steps = _checkpoint_steps(runs["calls"])
    assert len(steps) == 35, steps
    hows = []
    for at in steps:
        case = tmp_path / str(at)
        shutil.copytree(runs["old_dir"], case / "r")

        def killed(case=case, at=at):
            with Seam(at=at, fault=KILL):
                make_sim(toy_inputs).run(case / "r", force=True)

        assert in_child(killed) == -signal.SIGKILL, at
        hows.append(_finish_after_fault(case / "r", toy_inputs, runs["ref"], runs["old"]))
        shutil.rmtree(case)
    assert set(hows) == {"resumed", "rerun", "completed", "swapped"}


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EIO, errno.EROFS])
def test_a_failing_forced_replacement_keeps_the_finished_run_byte_for_byte(runs, toy_inputs, tmp_path, code):
    """Issue 10: ``sim run --force`` over a finished run on a full disk deleted the old manifest and
    every event part before failing. A write failing at any of these steps is an OutputError naming
    the file, the old run is untouched, and the run resumes (or reruns) once the disk is fine."""
    steps = _checkpoint_steps(runs["calls"])
    for at in steps[::3] if code == errno.ENOSPC else steps[1::9]:
        out = tmp_path / str(at) / "r"
        shutil.copytree(runs["old_dir"], out)
        try:
            with Seam(at=at, fault=code):
                make_sim(toy_inputs).run(out, force=True)
        except OutputError as exc:
            assert exc.errno == code
            assert str(exc).startswith(str(out.parent)) and ": cannot " in str(exc), str(exc)
        else:  # only the flush of the parent folder after the swap may fail without failing the run
            assert runs["calls"][at - 1][1] == "fsync" and at == len(runs["calls"])
        _finish_after_fault(out, toy_inputs, runs["ref"], runs["old"])
        shutil.rmtree(out.parent)


# -- damaged checkpoints: the examples, one by one ------------------------------------------


@pytest.fixture(scope="module")
def interrupted(tmp_path_factory, toy_inputs):
    """An unfinished run (checkpoint at step 24, event parts 0 and 1), to copy and damage."""
    base = tmp_path_factory.mktemp("interrupted")
    with pytest.raises(Interrupted):
        make_sim(toy_inputs).run(base / "r", stop_at=31)
    return base


def _damage_and_resume(interrupted, toy_inputs, tmp_path, rel: str, damage) -> tuple[Path, DamagedError]:
    shutil.copytree(interrupted, tmp_path / "case")
    out = tmp_path / "case" / "r"
    work = staging_of(out)
    path = work / rel
    damage(path)
    before = tree(work)
    with pytest.raises(DamagedError) as err:
        make_sim(toy_inputs).run(out, resume=True)
    after = tree(work)
    assert after.pop("staging.json") and before.pop("staging.json")  # the marker names who took it last
    assert after == before  # nothing of the unfinished run is removed or changed
    assert not out.exists()
    return path, err.value


def _truncate(n):
    return lambda p: p.write_bytes(p.read_bytes()[:n])


def _overwrite(offset, data):
    def damage(p):
        raw = bytearray(p.read_bytes())
        raw[offset:offset + len(data)] = data
        p.write_bytes(bytes(raw))

    return damage


def _set_step(p):
    meta = json.loads(p.read_text())
    meta["step"] = 9999
    p.write_text(json.dumps(meta))


@pytest.mark.parametrize(
    ("rel", "damage", "problem"),
    [
        ("checkpoint/alive.npy", _truncate(1000), "truncated: 1,000 bytes where {size} were written"),
        ("checkpoint/meta.json", _overwrite(10, b"}}garbled{{"), "damaged: not valid JSON (Extra data: "),
        ("checkpoint/meta.json", _truncate(100), "damaged: not valid JSON ("),
        ("checkpoint/sex.npy", _truncate(0), "truncated: 0 bytes where {size} were written"),
        ("checkpoint/sex.npy", _overwrite(128, b"\x07" * 5000), "altered since it was written: SHA-256 "),
        ("checkpoint/death_step.npy", _overwrite(4000, b"\x00\x01" * 100), "altered since it was written: SHA-256 "),
        ("checkpoint/meta.json", _set_step, "altered since it was written: its content does not match its "
         "SHA-256 seal"),
        ("run/events/part-0001.parquet", Path.unlink, "missing (deleted since it was written)"),
        ("run/events/part-0000.parquet", _truncate(50), "truncated: 50 bytes where {size} were written"),
        ("checkpoint/birth_month.npy", lambda p: p.write_bytes(p.read_bytes() + b"\0"), "extended: "),
    ],
    ids=["truncated-alive", "garbled-meta", "cut-meta", "emptied-sex", "overwritten-sex",
         "partly-overwritten-death-step", "meta-step-past-the-end", "deleted-part", "truncated-part",
         "extended-birth-month"],
)
def test_a_damaged_checkpoint_is_named_on_resume(interrupted, toy_inputs, tmp_path, rel, damage, problem):
    """Issue 10: these gave a traceback, "Aborted.", a segfault, or resumed into wrong results."""
    size = (staging_of(interrupted / "r") / rel).stat().st_size
    path, err = _damage_and_resume(interrupted, toy_inputs, tmp_path, rel, damage)
    assert str(err).startswith(f"{path}: " + problem.format(size=f"{size:,}")), str(err)
    assert err.table == str(path)


def test_a_damaged_checkpoint_via_the_cli_exits_1_naming_the_file(interrupted, toy_inputs, tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "demography_sim", lambda settings: make_sim(toy_inputs))
    shutil.copytree(interrupted, tmp_path / "case")
    out = tmp_path / "case" / "r"
    alive = staging_of(out) / "checkpoint" / "alive.npy"
    alive.write_bytes(alive.read_bytes()[:-7])
    result = CliRunner().invoke(app, ["sim", "run", "--out", str(out), "--resume"])
    assert result.exit_code == 1
    assert error_line(result.stderr).startswith(f"error: {alive}: truncated: ")
    report = verify_folder(out)
    assert report.problems[0].startswith(f"{alive}: truncated: ")
    verify = CliRunner().invoke(app, ["verify", str(out)])
    assert verify.exit_code == 1 and f"error: {alive}: truncated: " in verify.stderr
    # --force starts afresh (the damaged unfinished run goes) and gives the reference run
    assert CliRunner().invoke(app, ["sim", "run", "--out", str(out), "--force"]).exit_code == 0
    assert verify_folder(out).ok and staging_of(out) is None


def test_a_damaged_event_part_of_a_finished_run_is_named_when_read(tmp_path, toy_inputs):
    from purgetoll.sim.summaries import read_events

    out = tmp_path / "r"
    make_sim(toy_inputs).run(out)
    part = out / "events" / "part-0002.parquet"
    part.write_bytes(part.read_bytes()[:-10])
    with pytest.raises(DamagedError, match=f"^{part}: truncated: "):
        read_events(out)
    part.unlink()
    with pytest.raises(DamagedError, match=f"^{part}: missing"):
        read_events(out)
    assert CliRunner().invoke(app, ["verify", str(out)]).exit_code == 1


# -- concurrency, stale locks, debris ---------------------------------------------------------------


def test_two_runs_into_one_folder_the_second_is_refused(tmp_path, toy_inputs):
    """Issue 10: two ``sim run`` with different seeds into one folder both printed "wrote"."""
    out = tmp_path / "r"
    ready, release = tmp_path / "ready", tmp_path / "release"

    def first():
        def progress(k, n, date, alive, rss):
            if k == 5:
                ready.write_text("")
                while not release.exists():
                    time.sleep(0.01)

        make_sim(toy_inputs, seed=1).run(out, progress=progress)

    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            first()
        except BaseException:  # noqa: BLE001
            code = 1
        os._exit(code)
    try:
        while not ready.exists():
            time.sleep(0.01)
        with pytest.raises(FolderInUseError, match=rf"^{out}: in use by another purgetoll process \(pid {pid} on host "):
            make_sim(toy_inputs, seed=2).run(out)
    finally:
        release.write_text("")
        _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert json.loads((out / "manifest.json").read_text())["seed"] == 1 and verify_folder(out).ok
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r", "ready", "release"]


def test_the_cli_says_which_process_holds_the_folder(tmp_path, toy_inputs, monkeypatch):
    monkeypatch.setattr(sources, "demography_sim", lambda settings: make_sim(toy_inputs))
    out = tmp_path / "r"
    with FolderLock(out):
        result = CliRunner().invoke(app, ["sim", "run", "--out", str(out)])
    assert result.exit_code == 1
    assert error_line(result.stderr).startswith(f"error: {out}: in use by another purgetoll process (pid {os.getpid()} on host ")
    assert "wrote" not in result.output and not out.exists()


def test_a_killed_run_leaves_a_lock_and_debris_that_a_resume_takes_over(tmp_path, toy_inputs, runs):
    """Issue 10: a killed ``sim run`` left ``events/.part-*.tmp`` that later runs never cleaned."""
    out = tmp_path / "r"
    calls = runs["calls"]
    mid_part = next(n for n, op, d in calls if op == "open" and "part-0003.parquet" in d) + 3

    def killed():
        with Seam(at=mid_part, fault=KILL):
            make_sim(toy_inputs).run(out)

    assert in_child(killed) == -signal.SIGKILL
    work = staging_of(out)
    left = list((work / "run" / "events").glob(".part-0003.parquet.*.tmp"))
    assert len(left) == 1 and (tmp_path / ".r.lock").exists()
    user = work.parent / ".r.keep.tmp"  # the user's file with a name alike: never removed
    user.write_text("mine")
    result = make_sim(toy_inputs).run(out, resume=True)
    assert result.notes[0].startswith("took over the lock of pid ") and result.notes[0].endswith(", which is gone")
    assert outputs(out) == runs["ref"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".r.keep.tmp", "r"]


# -- the file system: a file as --out, read-only, full ----------------------------------------------


def test_out_naming_a_file_is_a_clear_error(tmp_path, toy_inputs, monkeypatch):
    monkeypatch.setattr(sources, "demography_sim", lambda settings: make_sim(toy_inputs))
    target = tmp_path / "notes.txt"
    target.write_text("mine")
    result = CliRunner().invoke(app, ["sim", "run", "--out", str(target)])
    assert result.exit_code == 2
    assert error_line(result.stderr) == f"error: {target}: is a file, not a folder; give a folder for the run"
    assert target.read_text() == "mine" and sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    with pytest.raises(ForeignContentError):
        make_sim(toy_inputs).run(target, force=True)


def _mount(path: Path, options: str) -> None:
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")


@pytest.fixture
def mounts(tmp_path):
    made: list[Path] = []

    def mount(name: str, options: str) -> Path:
        path = tmp_path / name
        _mount(path, options)
        made.append(path)
        return path

    yield mount
    for path in made:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def test_a_read_only_file_system_is_a_clear_error(mounts, toy_inputs, monkeypatch):
    monkeypatch.setattr(sources, "demography_sim", lambda settings: make_sim(toy_inputs))
    ro = mounts("ro", "ro,size=1m")
    result = CliRunner().invoke(app, ["sim", "run", "--out", str(ro / "run")])
    assert result.exit_code == 1
    assert error_line(result.stderr) == (f"error: {ro / '.run.lock'}: cannot create the lock file of the "
                                         "output folder: the file system is read-only (EROFS)")
    assert list(ro.iterdir()) == []


def test_a_full_file_system_keeps_the_finished_run_byte_for_byte(mounts, runs, toy_inputs, monkeypatch):
    """A real ENOSPC: a tmpfs with room for the old run and part of a new one."""
    monkeypatch.setattr(sources, "demography_sim", lambda settings: make_sim(toy_inputs))
    size = sum(len(b) for b in runs["old"].values())
    full = mounts("full", f"size={int(size * 1.6) // 4096 * 4096}")
    out = full / "r"
    shutil.copytree(runs["old_dir"], out)
    result = CliRunner().invoke(app, ["sim", "run", "--out", str(out), "--force"])
    assert result.exit_code == 1, result.output
    line = error_line(result.stderr)
    assert line.startswith(f"error: {full}/") and line.endswith("no space left on the device (ENOSPC)"), line
    assert tree(out) == runs["old"]
    # once there is room again (the unfinished run is discarded), the replacement goes through
    subprocess.run(["mount", "-o", "remount,size=64m", str(full)], check=True)
    again = CliRunner().invoke(app, ["sim", "run", "--out", str(out), "--force"])
    assert again.exit_code == 0, again.output
    assert outputs(out) == runs["ref"]


def test_checkpoint_arrays_are_written_as_numpy_saves_them(tmp_path):
    """``write_npy`` streams an array's memory without a copy, in the format ``np.save`` writes."""
    import io

    from purgetoll.sim.checkpoint import write_npy

    for arr in (np.arange(100_000, dtype=np.uint32), np.array([True, False, True]), np.zeros(0, np.int16),
                np.arange(12, dtype=np.int64).reshape(2, 6)):
        mine, theirs = io.BytesIO(), io.BytesIO()
        write_npy(mine, arr)
        np.save(theirs, arr, allow_pickle=False)
        assert mine.getvalue() == theirs.getvalue()


class _Founders:
    """A module that logs an event for some people in ``setup`` (as the Gulag's people in camps at
    the start do): a resume must give them again."""

    name = "founders"
    plan_order = 900
    runs_by_default = False
    parameter_specs = ()
    columns = ()
    event_meanings = {"founder": "logged at setup"}
    event_kinds = ("founder",)
    event_columns = ()
    steps = ()

    def capacity(self, sim):
        return 0

    def prepare(self, sim):
        pass

    def setup(self, sim):
        p = sim.people
        first = slice(0, 500)
        sim.events.log(0, "founder", p["person_id"][first], p["sex"][first], sim.ages(p["birth_month"][first], 0))

    def begin_window(self, sim, first, stop):
        pass

    def state_dict(self):
        return {}

    def load_state_dict(self, state):
        pass

    def describe(self):
        return {"parameters": {}, "tables": {}, "assumptions": {}}


@pytest.mark.parametrize("stop", [8, 20])
def test_events_logged_at_setup_survive_a_kill_in_the_first_windows(tmp_path, toy_inputs, stop):
    """A run killed in its first window starts afresh (there is no checkpoint at step 0, whose
    resume would lose the events ``setup`` logged); one killed after its checkpoint at step 12 was
    made (at 18) resumes from it; both to the same bytes."""

    def sim():
        return Sim(SimSettings(**SETTINGS), [Territory(toy_inputs), Demography(toy_inputs), _Founders()])

    sim().run(tmp_path / "whole")

    def killed():
        def progress(k, n, date, alive, rss):
            if k == stop:
                os.kill(os.getpid(), signal.SIGKILL)

        sim().run(tmp_path / "cut", progress=progress)

    assert in_child(killed) == -signal.SIGKILL
    if stop < 18:
        assert staging_of(tmp_path / "cut") is None  # nothing to resume: start afresh
        sim().run(tmp_path / "cut")
    else:
        sim().run(tmp_path / "cut", resume=True)
    assert outputs(tmp_path / "cut") == outputs(tmp_path / "whole")

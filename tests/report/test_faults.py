"""``purgetoll run`` under faults: a write failing part way or a kill leaves the earlier run byte for
byte; a killed run's ``OUT/.NAME.*.tmp/`` is removed by a later run; two runs of one name cannot
write at once (issue 10)."""

from __future__ import annotations

import errno
import json
import os
import signal
from datetime import UTC, datetime

import pytest

from purgetoll.errors import FolderInUseError, OutputError
from purgetoll.folders import FolderLock
from purgetoll.report import write_run
from tests.faults import KILL, Seam, in_child, tree
from tests.report.conftest import tiny_section

NOON = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)
SECTIONS = [("tiny", tiny_section)]


def _calls(tmp_path) -> list:
    write_run(tmp_path / "count", "r", sections=SECTIONS, now=NOON)
    seam = Seam()
    with seam:
        write_run(tmp_path / "count", "r", force=True, sections=SECTIONS, now=NOON)
    return seam.calls


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EIO, errno.EROFS])
def test_a_replacement_failing_at_any_step_keeps_the_earlier_run(tmp_path, code):
    calls = _calls(tmp_path)
    out = tmp_path / "runs"
    write_run(out, "r", sections=SECTIONS, now=NOON)
    write_run(out, "r", force=True, sections=SECTIONS, now=NOON)  # the same command as the restore below
    before = tree(out / "r")
    steps = [n for n, op, _ in calls if op != "write" or calls[n - 2][1] != "write"]
    assert len(steps) > 20
    for at in (steps[::3] if code == errno.ENOSPC else steps[1::7]) + [len(calls)]:
        try:
            with Seam(at=at, fault=code):
                write_run(out, "r", force=True, sections=SECTIONS, now=datetime(2027, 1, 1, tzinfo=UTC))
        except OutputError as exc:
            assert exc.errno == code and str(exc).startswith(f"{out}/"), str(exc)
            assert tree(out / "r") == before, at
        else:  # the one call after the swap (flushing OUT) does not fail the run
            assert at == len(calls) and calls[at - 1][1] == "fsync"
            write_run(out, "r", force=True, sections=SECTIONS, now=NOON)
            assert tree(out / "r") == before
        assert sorted(p.name for p in out.iterdir()) == ["r"], at


def test_a_killed_run_leaves_debris_that_a_later_run_removes(tmp_path):
    """Issue 10: a killed ``run`` left ``OUT/.NAME.*.tmp/`` that later runs never cleaned."""
    calls = _calls(tmp_path)
    out = tmp_path / "runs"
    write_run(out, "r", force=False, sections=SECTIONS, now=NOON)
    before = tree(out / "r")
    user = out / ".r.mine.tmp"  # the user's folder with a name alike: never removed
    user.mkdir()
    (user / "notes").write_text("keep")
    csv = next(n for n, op, d in calls if op == "open" and ".tiny_ratio.csv." in d) + 1
    swap = next(n for n, op, d in calls if op == "exchange")
    for i, (at, name) in enumerate([(csv, "r"), (csv, "new"), (swap, "r")]):  # mid-CSV; just before the swap

        def killed(at=at, name=name):
            with Seam(at=at, fault=KILL):
                write_run(out, name, force=name == "r", sections=SECTIONS, now=datetime(2027, 1, 1, tzinfo=UTC))

        assert in_child(killed) == -signal.SIGKILL
        left = {p.name for p in out.iterdir()} - {".r.mine.tmp", "r"} - {f"later{j}" for j in range(i)}
        assert len(left) == 2 and f".{name}.lock" in left, left  # its lock and its staging folder
        assert tree(out / "r") == before  # the finished run is untouched
        write_run(out, f"later{i}", sections=SECTIONS, now=NOON)  # another run beside cleans it all
        assert sorted(p.name for p in out.iterdir()) == sorted([".r.mine.tmp", "r", *(f"later{j}" for j in range(i + 1))])
    assert (user / "notes").read_text() == "keep"
    # the last run was killed complete, just before its swap: the later run beside finished it
    assert sorted(tree(out / "r")) == sorted(before) and tree(out / "r") != before
    assert json.loads((out / "r" / "manifest.json").read_text())["created_utc"] == "2027-01-01T00:00:00Z"


def test_two_runs_of_one_name_cannot_write_at_once(tmp_path):
    out = tmp_path / "runs"
    out.mkdir()
    with FolderLock(out / "r"), pytest.raises(FolderInUseError, match=rf"^{out / 'r'}: in use by another "
                                               rf"purgetoll process \(pid {os.getpid()} on host "):
        write_run(out, "r", sections=SECTIONS, now=NOON)
    # a default name taken by a run in progress is skipped, not shared
    with FolderLock(out / "20261128T120000Z"):
        path = write_run(out, sections=SECTIONS, now=NOON)
    assert path.parent.name == "20261128T120000Z-2"

"""Atomic writes leave either the whole new file/folder or the old one, never a half."""

import errno
import os

import pytest

from purgetoll.atomic import (
    HOST_TAG,
    atomic_dir,
    atomic_file,
    parse_temp_name,
    remove_stale_temps,
    swap_dir,
    temp_prefix,
)
from purgetoll.errors import OutputError
from tests.faults import Seam, in_child


def test_atomic_file_keeps_old_content_on_error(tmp_path):
    target = tmp_path / "report.html"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_file(target) as fh:
        fh.write("half")
        raise RuntimeError("killed")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_atomic_file_replaces_on_success(tmp_path):
    target = tmp_path / "a.csv"
    with atomic_file(target) as fh:
        fh.write("x,y\n")
    assert target.read_text() == "x,y\n"


def test_atomic_dir_refuses_to_overwrite_without_flag(tmp_path):
    target = tmp_path / "run1"
    target.mkdir()
    (target / "keep.txt").write_text("earlier run")
    with pytest.raises(FileExistsError, match="run1 already exists"), atomic_dir(target):
        pass
    assert (target / "keep.txt").read_text() == "earlier run"


def test_atomic_dir_failure_leaves_nothing_and_keeps_old(tmp_path):
    target = tmp_path / "run1"
    target.mkdir()
    (target / "keep.txt").write_text("earlier run")
    with pytest.raises(ValueError), atomic_dir(target, overwrite=True) as tmp:
        (tmp / "half.html").write_text("...")
        raise ValueError("figure failed")
    assert [p.name for p in target.iterdir()] == ["keep.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run1"]


def test_atomic_dir_overwrite_replaces_whole(tmp_path):
    target = tmp_path / "run1"
    target.mkdir()
    (target / "old.txt").write_text("x")
    with atomic_dir(target, overwrite=True) as tmp:
        (tmp / "new.txt").write_text("y")
    assert [p.name for p in target.iterdir()] == ["new.txt"]


def test_atomic_dir_never_replaces_a_directory_that_appears_meanwhile(tmp_path):
    target = tmp_path / "run1"
    with (
        pytest.raises(FileExistsError, match="appeared while it was being written"),
        atomic_dir(target) as tmp,
    ):
        (tmp / "new.html").write_text("mine")
        target.mkdir()  # a concurrent run with the same name finished first
        (target / "theirs.html").write_text("theirs")
    assert [p.name for p in target.iterdir()] == ["theirs.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run1"]


# -- temporary names, the seam's errors, stale temporaries ----------------------------------------

def test_temporary_names_say_which_process_on_which_host_made_them():
    name = temp_prefix("report.html") + "ab12cd.tmp"
    assert name == f".report.html.{HOST_TAG}-{os.getpid()}-ab12cd.tmp"
    assert parse_temp_name(name) == ("report.html", HOST_TAG, os.getpid())
    assert parse_temp_name(".report.html.old.tmp") is None  # anybody's hidden file is not ours
    assert parse_temp_name("report.html") is None


@pytest.mark.parametrize(
    ("code", "cause"),
    [
        (errno.ENOSPC, "no space left on the device (ENOSPC)"),
        (errno.EIO, "input/output error (the device failed) (EIO)"),
        (errno.EROFS, "the file system is read-only (EROFS)"),
    ],
)
def test_a_write_failing_part_way_names_the_file_and_keeps_the_old_one(tmp_path, code, cause):
    target = tmp_path / "table.csv"
    target.write_text("old\n")
    with pytest.raises(OutputError) as err, Seam(at=2, fault=code, ops=("write",)), atomic_file(target) as fh:
        for _ in range(3):
            fh.write("x" * 1000)
    assert str(err.value) == f"{target}: cannot write: {cause}"
    assert err.value.errno == code and isinstance(err.value, OSError)
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["table.csv"]


@pytest.mark.parametrize("op", ["open", "fsync", "replace", "mkstemp"])
def test_every_step_of_an_atomic_write_fails_cleanly(tmp_path, op):
    target = tmp_path / "a.json"
    target.write_text("{}")
    with pytest.raises(OutputError, match=f"^{target}: cannot .*: no space left on the device"), \
            Seam(at=1, ops=(op,)), atomic_file(target) as fh:
        fh.write("[1, 2]")
    assert target.read_text() == "{}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json"]


def test_a_killed_writer_leaves_a_temporary_that_the_next_write_removes(tmp_path):
    target = tmp_path / "part.parquet"

    def killed():
        with Seam(at=2, fault="kill", ops=("write",)), atomic_file(target, "wb") as fh:
            fh.write(b"a" * 10)
            fh.write(b"b" * 10)

    assert in_child(killed) == -9
    (left,) = [p for p in tmp_path.iterdir()]
    assert parse_temp_name(left.name)[0] == "part.parquet"
    user = tmp_path / ".part.parquet.mine.tmp"  # looks alike, but no host tag and pid: not ours
    user.write_text("keep")
    with atomic_file(target, "wb") as fh:
        fh.write(b"new")
    assert sorted(p.name for p in tmp_path.iterdir()) == [user.name, "part.parquet"]
    assert user.read_text() == "keep"


def test_stale_temporaries_of_live_processes_or_other_hosts_are_kept(tmp_path):
    live = tmp_path / f"{temp_prefix('x')}live.tmp"  # this process: alive
    other_host = tmp_path / ".x.00000000-1-abc.tmp"
    other_host.write_text("?")
    live.write_text("writing")
    assert remove_stale_temps(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, other_host.name])


def _swap_two_folders(tmp_path):
    """Swap ``new`` (holding b) with ``run`` (holding a), check they exchanged contents; return ``run``."""
    old, new = tmp_path / "run", tmp_path / "new"
    old.mkdir()
    (old / "a").write_text("old")
    new.mkdir()
    (new / "b").write_text("new")
    assert swap_dir(new, old) is True
    assert [p.name for p in old.iterdir()] == ["b"] and [p.name for p in new.iterdir()] == ["a"]
    return old


def test_swap_dir_exchanges_whole_folders(tmp_path):
    _swap_two_folders(tmp_path)


def test_swap_dir_without_an_atomic_exchange_moves_aside_and_back(tmp_path, monkeypatch):
    import purgetoll.atomic as atomic

    def unsupported(a, b):
        raise NotImplementedError("no RENAME_EXCHANGE here")

    monkeypatch.setattr(atomic, "_exchange", unsupported)
    old = _swap_two_folders(tmp_path)
    # the second rename fails: the old folder goes back where it was
    new2 = tmp_path / "new2"
    new2.mkdir()
    with pytest.raises(OutputError, match="cannot move the finished folder into place: input/output"), \
            Seam(at=2, fault=errno.EIO, ops=("rename",)):
        swap_dir(new2, old)
    assert [p.name for p in old.iterdir()] == ["b"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new", "new2", "run"]

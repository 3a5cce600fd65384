"""Atomic writes leave either the whole new file/folder or the old one, never a half."""

import pytest

from purgetoll.atomic import atomic_dir, atomic_file


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

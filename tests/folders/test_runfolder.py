"""RunFolder: a run appears whole or not at all, replaces its predecessor in one step, never removes
what it did not write, and cleans only the debris of stopped purgetoll processes."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import signal

import pytest

from purgetoll.errors import (
    DamagedError,
    FolderInUseError,
    ForeignContentError,
    OutputError,
    RunExistsError,
)
from purgetoll.folders import RunFolder, find_stagings, read_sealed, verify_folder
from tests.faults import Seam, in_child, tree


def write(target, files: dict[str, str], force=False, **manifest):
    with RunFolder(target, kind="test", force=force) as folder:
        for rel, text in files.items():
            (folder.path / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder.path / rel).write_text(text)
        folder.commit({"purgetoll_version": "test", **manifest})
    return folder


def test_commit_lists_every_file_with_its_sha256_and_seals_the_manifest(tmp_path):
    target = tmp_path / "run"
    write(target, {"a.csv": "x\n", "events/part-0000.parquet": "p"})
    m = read_sealed(target / "manifest.json")
    assert m["files"] == [
        {"path": "a.csv", "bytes": 2, "sha256": hashlib.sha256(b"x\n").hexdigest()},
        {"path": "events/part-0000.parquet", "bytes": 1, "sha256": hashlib.sha256(b"p").hexdigest()},
    ]
    assert m["volatile_files"] == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]  # no lock, no staging left
    assert verify_folder(target).ok


def test_nothing_appears_at_the_target_until_commit(tmp_path):
    target = tmp_path / "run"
    with RunFolder(target, kind="test") as folder:
        (folder.path / "a").write_text("1")
        assert not target.exists()
        assert folder.work.parent == tmp_path and folder.work.name.startswith(".run.")
        folder.commit({"purgetoll_version": "t"})
    assert sorted(p.name for p in target.iterdir()) == ["a", "manifest.json"]


def test_a_finished_run_is_replaced_only_with_force_and_only_whole(tmp_path):
    target = tmp_path / "run"
    write(target, {"a": "old", "sub/b": "old"})
    before = tree(target)
    with pytest.raises(RunExistsError) as err:
        write(target, {"c": "new"})
    assert str(err.value) == (f"{target}: already holds a finished run; pass --force to replace it (only "
                              "once the new one is complete)")
    assert tree(target) == before
    with pytest.raises(ZeroDivisionError), RunFolder(target, kind="test", force=True) as folder:
        (folder.path / "c").write_text("new")
        raise ZeroDivisionError("a section failed")
    assert tree(target) == before
    write(target, {"c": "new"}, force=True)
    assert sorted(tree(target)) == ["c", "manifest.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_a_users_file_in_a_run_folder_is_never_removed(tmp_path):
    """Issue 10: ``sim run --out DIR`` deleted the user's DIR/events/part-9999.parquet."""
    target = tmp_path / "run"
    write(target, {"events/part-0000.parquet": "ours"})
    (target / "events" / "part-9999.parquet").write_text("the user's")
    before = tree(target)
    with pytest.raises(ForeignContentError) as err:
        write(target, {"x": "y"}, force=True)
    assert str(err.value) == (f"{target}: holds events/part-9999.parquet, which the run in it did not "
                              "write (not in its manifest.json); purgetoll never removes such files: "
                              "move them out first")
    assert tree(target) == before


def test_a_folder_of_someone_elses_files_or_a_file_is_refused(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "events").mkdir()
    (tmp_path / "mine" / "events" / "part-9999.parquet").write_text("the user's")
    with pytest.raises(ForeignContentError, match="exists and holds no purgetoll run .1 entries: "
                       "events/part-9999.parquet.; give a new or empty folder"):
        write(tmp_path / "mine", {"a": "b"}, force=True)
    (tmp_path / "afile").write_text("text")
    with pytest.raises(ForeignContentError, match="afile: is a file, not a folder; give a folder for the run$"):
        write(tmp_path / "afile", {"a": "b"})
    assert (tmp_path / "afile").read_text() == "text"
    assert (tmp_path / "mine" / "events" / "part-9999.parquet").read_text() == "the user's"
    (tmp_path / "empty").mkdir()
    write(tmp_path / "empty", {"a": "b"})  # an empty folder is fine
    assert sorted(tree(tmp_path / "empty")) == ["a", "manifest.json"]


def test_a_file_put_into_the_target_while_the_run_was_written_is_kept(tmp_path):
    target = tmp_path / "run"
    write(target, {"a": "old"})
    with pytest.raises(ForeignContentError, match="holds notes.txt, which the run in it did not write"), \
            RunFolder(target, kind="test", force=True) as folder:
        (folder.path / "a").write_text("new")
        (target / "notes.txt").write_text("written meanwhile")
        folder.commit({"purgetoll_version": "t"})
    assert (target / "notes.txt").read_text() == "written meanwhile" and (target / "a").read_text() == "old"


def test_a_run_of_an_older_purgetoll_without_a_file_list_is_not_replaced(tmp_path):
    target = tmp_path / "run"
    target.mkdir()
    (target / "manifest.json").write_text(json.dumps({"purgetoll_version": "0.0.1"}))
    (target / "snapshots.parquet").write_text("...")
    with pytest.raises(ForeignContentError, match="holds a run written before purgetoll listed a run's files"):
        write(target, {"a": "b"}, force=True)
    assert sorted(tree(target)) == ["manifest.json", "snapshots.parquet"]


def test_two_writers_of_one_folder(tmp_path):
    target = tmp_path / "run"
    with RunFolder(target, kind="test") as first:
        with pytest.raises(FolderInUseError, match=f"^{target}: in use by another purgetoll process .pid {os.getpid()}"):
            RunFolder(target, kind="test").open()
        (first.path / "a").write_text("1")
        first.commit({"purgetoll_version": "t"})
    assert sorted(tree(target)) == ["a", "manifest.json"]


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EIO, errno.EROFS])
def test_a_failing_replacement_leaves_the_finished_run_byte_for_byte(tmp_path, code):
    target = tmp_path / "run"
    write(target, {"a": "old", "sub/b": "old"})
    before = tree(target)
    seam = Seam()
    with seam:
        write(target, {"a": "new", "c": "new"}, force=True)
    n = seam.n
    write(target, {"a": "old", "sub/b": "old"}, force=True)
    before = tree(target)
    assert 10 < n < 40, seam.calls
    for at in range(1, n + 1):
        try:
            with Seam(at=at, fault=code):
                write(target, {"a": "new", "c": "new"}, force=True)
            failed = None
        except OutputError as exc:
            failed = exc
        if tree(target) == before:  # the old run, byte for byte, and the error says why
            assert failed is not None and failed.errno == code, at
        else:  # only a fault after the swap (flushing the parent folder) leaves the new run...
            assert failed is None and seam.calls[at - 1][:2] == (at, "fsync") and at == n
            assert sorted(tree(target)) == ["a", "c", "manifest.json"]  # ...whole
            write(target, {"a": "old", "sub/b": "old"}, force=True)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["run"], at


def test_debris_of_a_killed_writer_is_removed_and_the_lock_taken_over(tmp_path):
    target = tmp_path / "run"
    write(target, {"a": "old"})
    before = tree(target)

    def killed():
        with RunFolder(target, kind="test", force=True) as folder:
            (folder.path / "a").write_text("new")
            os.kill(os.getpid(), signal.SIGKILL)

    assert in_child(killed) == -9
    assert len(find_stagings(tmp_path, "run")) == 1 and (tmp_path / ".run.lock").exists()
    user = tmp_path / ".run.backup.tmp"  # the user's: a name alike, without our tag or marker
    user.mkdir()
    (user / "x").write_text("keep")
    folder = write(target, {"a": "newer"}, force=True)
    assert folder.notes[0].startswith("took over the lock of pid ")
    assert tree(target)["a"] == b"newer"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".run.backup.tmp", "run"]
    assert before != tree(target)


def test_debris_of_a_live_run_beside_is_left_alone(tmp_path):
    """A run writing ``other`` beside ``run`` keeps its staging folder while ``run`` is written."""
    with RunFolder(tmp_path / "other", kind="test") as other:
        (other.path / "x").write_text("1")
        write(tmp_path / "run", {"a": "b"})
        assert other.work.exists() and (other.path / "x").exists()
        other.commit({"purgetoll_version": "t"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other", "run"]


def test_a_replaced_run_holding_a_users_file_keeps_it(tmp_path, monkeypatch):
    """If a file lands in the old run between the last check and the swap, it is kept, not removed."""
    import purgetoll.folders.runfolder as rf

    target = tmp_path / "run"
    write(target, {"a": "old"})
    real_swap = rf.swap_dir

    def swap_after_a_late_file(new, old):
        (old / "late.txt").write_text("user")
        return real_swap(new, old)

    monkeypatch.setattr(rf, "swap_dir", swap_after_a_late_file)
    folder = write(target, {"a": "new"}, force=True)
    assert folder.notes[0].startswith("the replaced run held files it did not write; they are kept in ")
    assert (folder.work / "run" / "late.txt").read_text() == "user"
    assert tree(target)["a"] == b"new"


def test_verify_names_every_damaged_file(tmp_path):
    target = tmp_path / "run"
    write(target, {"a": "1234", "b": "abcd", "c": "x"})
    (target / "a").write_text("12")
    (target / "b").write_text("abce")
    (target / "c").unlink()
    (target / "extra").write_text("mine")
    report = verify_folder(target)
    assert report.problems == [
        f"{target / 'a'}: truncated: 2 bytes where 4 were written",
        f"{target / 'b'}: altered since it was written: SHA-256 "
        f"{hashlib.sha256(b'abce').hexdigest()[:16]}... where {hashlib.sha256(b'abcd').hexdigest()[:16]}... was recorded",
        f"{target / 'c'}: missing (deleted since it was written)",
    ]
    assert report.notes == [f"{target / 'extra'}: not written by the run (not in its manifest.json)"]
    m = json.loads((target / "manifest.json").read_text())
    m["purgetoll_version"] = "edited"
    (target / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(DamagedError, match="altered since it was written: its content does not match its SHA-256 seal"):
        read_sealed(target / "manifest.json")


def test_without_an_atomic_exchange_a_kill_between_the_renames_is_repaired(tmp_path, monkeypatch):
    """On a file system without RENAME_EXCHANGE the swap is two renames; a process killed between
    them leaves no run at the target: the next run on the folder moves the complete new run in and
    removes the old one by its manifest (a file the old run did not write is kept)."""
    import purgetoll.atomic as atomic

    def unsupported(a, b):
        raise NotImplementedError("no RENAME_EXCHANGE here")

    monkeypatch.setattr(atomic, "_exchange", unsupported)
    target = tmp_path / "run"
    write(target, {"a": "old"})

    def killed():
        seam = Seam(at=None)
        with seam:
            real = atomic._rename

            def second_rename_kills(src, dst):
                if dst == target:  # the new run about to move in; the old one is aside already
                    os.kill(os.getpid(), signal.SIGKILL)
                return real(src, dst)

            atomic._rename = second_rename_kills
            write(target, {"a": "new"}, force=True)

    assert in_child(killed) == -signal.SIGKILL
    assert not target.exists()
    (aside,) = [p for p in tmp_path.iterdir() if p.name.endswith("-aside.tmp")]
    (aside / "late.txt").write_text("put there by hand")
    with RunFolder(tmp_path / "other", kind="test") as later:  # any run beside repairs it
        later.commit({"purgetoll_version": "t"})
    assert tree(target)["a"] == b"new" and verify_folder(target).ok
    assert sorted(p.name for p in tmp_path.iterdir()) == [aside.name, "other", "run"]
    assert sorted(tree(aside)) == ["late.txt", "staging.json"]  # the old run's own files went, the user's stayed
    assert any(n.startswith(f"kept {aside}: it holds files no run wrote (late.txt)") for n in later.notes)

"""The output folder's lock: one writer; a killed writer's lock taken over only when it is gone."""

from __future__ import annotations

import json
import os
import signal
import socket
import time

import pytest

from purgetoll.errors import FolderInUseError, ForeignContentError
from purgetoll.folders import FolderLock, Owner, lock_path
from tests.faults import in_child


def _hold_in_child(target, ready, release):
    """A child that takes the lock, says so, and waits for ``release`` to appear."""

    def child():
        with FolderLock(target):
            ready.write_text(str(os.getpid()))
            while not release.exists():
                time.sleep(0.01)

    return child


def test_the_lock_is_a_file_beside_the_folder_removed_on_release(tmp_path):
    target = tmp_path / "run"
    with FolderLock(target) as lock:
        assert lock.path == tmp_path / ".run.lock"
        assert json.loads(lock.path.read_text())["pid"] == os.getpid()
        assert FolderLock.is_held(target)
    assert not lock.path.exists() and not FolderLock.is_held(target)


def test_a_second_writer_is_refused_naming_the_first(tmp_path):
    target = tmp_path / "run"
    ready, release = tmp_path / "ready", tmp_path / "release"
    pid = os.fork()
    if pid == 0:
        try:
            _hold_in_child(target, ready, release)()
        finally:
            os._exit(0)
    try:
        while not ready.exists():
            time.sleep(0.01)
        child = int(ready.read_text())
        with pytest.raises(FolderInUseError) as err:
            FolderLock(target).acquire()
        msg = str(err.value)
        assert msg.startswith(f"{target}: in use by another purgetoll process (pid {child} on host "
                              f"{socket.gethostname()} since ")
        assert msg.endswith("; wait for it to finish or stop it")
    finally:
        release.write_text("")
        os.waitpid(pid, 0)
    with FolderLock(target):  # free again once the child finished
        pass


def test_the_lock_of_a_killed_writer_is_taken_over(tmp_path):
    target = tmp_path / "run"

    def killed():
        FolderLock(target).acquire()
        os.kill(os.getpid(), signal.SIGKILL)

    assert in_child(killed) == -9
    stale = Owner.from_json(json.loads(lock_path(target).read_text()))
    assert stale is not None and stale.is_gone() is True
    lock = FolderLock(target)
    assert lock.acquire() == stale
    assert json.loads(lock.path.read_text())["pid"] == os.getpid()
    lock.release()


def test_a_lock_of_another_host_or_of_a_running_process_is_never_taken_over(tmp_path):
    target = tmp_path / "run"
    me = Owner.me().to_json()
    lock_path(target).write_text(json.dumps({**me, "host": "elsewhere", "pid": 4242}))
    with pytest.raises(FolderInUseError) as err:
        FolderLock(target).acquire()
    assert str(err.value).startswith(f"{target}: locked by pid 4242 on host elsewhere since ")
    assert str(err.value).endswith(
        f", which runs on another host, where this one cannot check it; if that process has ended, "
        f"remove {lock_path(target)} and try again")
    # this process runs (the lock file's flock is free, as on a file system without locks)
    lock_path(target).write_text(json.dumps(me))
    with pytest.raises(FolderInUseError, match="which still runs; if that process has ended, remove"):
        FolderLock(target).acquire()
    assert json.loads(lock_path(target).read_text()) == me  # untouched


def test_a_file_at_the_lock_path_that_is_not_a_lock_is_not_overwritten(tmp_path):
    target = tmp_path / "run"
    lock_path(target).write_text("my own notes")
    with pytest.raises(ForeignContentError) as err:
        FolderLock(target).acquire()
    assert str(err.value) == (f"{lock_path(target)}: exists and is not a purgetoll lock; remove it if "
                              f"nothing is writing {target}")
    assert lock_path(target).read_text() == "my own notes"


def test_a_reused_pid_is_a_gone_owner(tmp_path):
    me = Owner.me()
    assert me.is_gone() is False
    assert Owner(**{**me.to_json(), "started": me.started - 1000}).is_gone() is True
    assert Owner(**{**me.to_json(), "boot_id": "another-boot"}).is_gone() is (bool(me.boot_id) or False)

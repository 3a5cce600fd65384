"""The lock of an output folder: one writer at a time, and a killed writer's lock reclaimed safely.

The lock of ``PARENT/NAME`` is the file ``PARENT/.NAME.lock``, held with ``flock`` for as long as the
run writes, and holding its owner (:class:`~purgetoll.folders.owner.Owner`) as JSON. A second
process finds it held and stops with :class:`FolderInUseError` naming the holder. The holder
removes the file when it finishes; the kernel drops the ``flock`` of a process that is killed, so a
later run can take the lock, and takes it only when the process the file names is gone from this
host. A lock naming a process on another host, or one that still runs, is never taken over: the
message says which process and which file to remove once it is known to have ended.
"""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path

from purgetoll.atomic import output_error
from purgetoll.errors import FolderInUseError, ForeignContentError
from purgetoll.folders.owner import Owner

__all__ = ["FolderLock", "lock_path"]


def lock_path(target: str | os.PathLike[str]) -> Path:
    """The lock file of output folder ``target``: ``PARENT/.NAME.lock``."""
    target = Path(target)
    return target.parent / f".{target.name}.lock"


def _read(fd: int) -> str:
    chunks = []
    offset = 0
    while True:
        block = os.pread(fd, 1 << 16, offset)
        if not block:
            break
        chunks.append(block)
        offset += len(block)
    return b"".join(chunks).decode("utf-8", errors="replace")


class FolderLock:
    """The lock of output folder ``target`` (``with FolderLock(target): ...``)."""

    def __init__(self, target: str | os.PathLike[str]) -> None:
        self.target = Path(target)
        self.path = lock_path(self.target)
        self._fd: int | None = None
        #: the owner of a stale lock this process took over, if it did
        self.reclaimed: Owner | None = None

    @property
    def held(self) -> bool:
        """Whether this object holds the lock now."""
        return self._fd is not None

    def acquire(self) -> Owner | None:
        """Take the lock or raise :class:`FolderInUseError`; returns the owner of a stale lock taken
        over (its process gone from this host), else None."""
        if self._fd is not None:
            return self.reclaimed
        for _ in range(50):
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            except OSError as exc:
                raise output_error(self.path, "create the lock file of the output folder", exc) from exc
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = Owner.from_json(self._parse(_read(fd)))
                os.close(fd)
                who = holder.describe() if holder else "which has not yet recorded who it is"
                raise FolderInUseError(
                    str(self.target), f"in use by another purgetoll process ({who}); wait for it to "
                    "finish or stop it") from None
            except OSError as exc:
                os.close(fd)
                raise output_error(self.path, "lock the output folder", exc) from exc
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(self.path))
            except FileNotFoundError:
                same = False
            if not same:  # its holder removed it on release while we waited: take the new one
                os.close(fd)
                continue
            try:
                self.reclaimed = self._check_previous(_read(fd))
                data = json.dumps(Owner.me().to_json(), indent=1).encode()
                os.ftruncate(fd, 0)
                os.pwrite(fd, data, 0)
                os.fsync(fd)
            except OSError as exc:
                os.close(fd)
                raise output_error(self.path, "write the lock file of the output folder", exc) from exc
            except BaseException:
                os.close(fd)
                raise
            self._fd = fd
            return self.reclaimed
        raise FolderInUseError(str(self.target), "its lock kept changing hands; try again")

    @staticmethod
    def _parse(text: str) -> object:
        try:
            return json.loads(text)
        except ValueError:
            return None

    def _check_previous(self, text: str) -> Owner | None:
        """The owner of a lock left behind by a killed process, if it may be taken over."""
        if not text.strip():
            return None
        previous = Owner.from_json(self._parse(text))
        if previous is None:
            raise ForeignContentError(
                str(self.path), f"exists and is not a purgetoll lock; remove it if nothing is writing "
                f"{self.target}")
        gone = previous.is_gone()
        if gone is True:
            return previous
        why = ("runs on another host, where this one cannot check it" if gone is None
               else "still runs")
        raise FolderInUseError(
            str(self.target), f"locked by {previous.describe()}, which {why}; if that process has "
            f"ended, remove {self.path} and try again")

    def release(self) -> None:
        """Give the lock back (removing its file); nothing happens if it is not held."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            if os.path.samestat(os.fstat(fd), os.stat(self.path)):
                os.unlink(self.path)
        except OSError:
            pass  # left behind: the next run finds this process gone and takes it over
        finally:
            os.close(fd)

    def __enter__(self) -> FolderLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    @staticmethod
    def is_held(target: str | os.PathLike[str]) -> bool:
        """Whether some process holds the lock of ``target`` now."""
        path = lock_path(target)
        try:
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        except OSError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        except OSError:
            return False
        finally:
            os.close(fd)
        return False

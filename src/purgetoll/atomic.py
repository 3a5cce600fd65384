"""Atomic writes: a file or a folder appears whole or not at all, and a failed write says why.

A run killed part way must never leave a half-written report, table or snapshot. Everything is
written under a temporary name in the same directory and renamed into place, which is atomic on
POSIX file systems; a folder that already exists is swapped with its replacement in one step
(``renameat2(RENAME_EXCHANGE)`` on Linux).

Temporary names say who made them: ``.NAME.<host>-<pid>-<random>.tmp``, where ``<host>`` is
:data:`HOST_TAG` (eight hex digits of the host name). A temporary left by a process that was
killed is removed by the next write of the same ``NAME`` (:func:`remove_stale_temps`) only when that
process is gone from this host; nothing else is ever removed.

Every file-system call that writes goes through the small seam at the bottom of this module
(``_open``, ``_fsync``, ``_replace``, ``_rename``, ``_exchange``, ``_mkdtemp``), so tests can make any
of them fail (ENOSPC, EIO, EROFS) or kill the process there. An ``OSError`` of a write becomes a
:class:`purgetoll.errors.OutputError` naming the path and the cause.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno as errno_mod
import hashlib
import os
import re
import shutil
import socket
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from purgetoll.errors import OutputError

__all__ = [
    "HOST_TAG",
    "atomic_dir",
    "atomic_file",
    "describe_oserror",
    "exchange",
    "fsync_dir",
    "output_error",
    "parse_temp_name",
    "pid_alive",
    "remove_stale_temps",
    "swap_dir",
    "temp_dir",
    "temp_entries",
    "temp_prefix",
]

#: Eight hex digits of this host's name: temporary names and locks carry it so that a later run
#: can tell whether their writer ran here (and so whether it can check that the writer is gone).
HOST_TAG = hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]

_TEMP = re.compile(r"^\.(?P<name>.+)\.(?P<host>[0-9a-f]{8})-(?P<pid>[0-9]+)-[A-Za-z0-9_]+\.tmp$")

_CAUSES = {
    errno_mod.ENOSPC: "no space left on the device",
    errno_mod.EROFS: "the file system is read-only",
    errno_mod.EIO: "input/output error (the device failed)",
    errno_mod.EDQUOT: "disk quota exceeded",
    errno_mod.EACCES: "permission denied",
    errno_mod.EPERM: "operation not permitted",
    errno_mod.ENOTDIR: "a part of the path is a file, not a folder",
    errno_mod.EISDIR: "it is a folder, not a file",
    errno_mod.EEXIST: "it already exists",
    errno_mod.ENOTEMPTY: "it already exists and is not empty",
    errno_mod.ENOENT: "no such file or folder",
    errno_mod.EFBIG: "the file is too large for the file system",
    errno_mod.ENAMETOOLONG: "the name is too long",
}


def describe_oserror(exc: OSError) -> str:
    """``no space left on the device (ENOSPC)``: the cause of ``exc`` in words and its errno name."""
    code = exc.errno
    if code is None:
        return str(exc) or type(exc).__name__
    words = _CAUSES.get(code) or (exc.strerror or os.strerror(code)).lower()
    return f"{words} ({errno_mod.errorcode.get(code, code)})"


def output_error(path: str | os.PathLike[str], action: str, exc: OSError) -> OutputError:
    """An :class:`OutputError` ``PATH: cannot ACTION: CAUSE (ERRNO)`` from the ``OSError`` ``exc``."""
    if isinstance(exc, OutputError):
        return exc
    return OutputError(str(path), f"cannot {action}: {describe_oserror(exc)}", exc.errno)


def temp_prefix(name: str) -> str:
    """The start of a temporary name for ``name`` made by this process: ``.NAME.<host>-<pid>-``."""
    return f".{name}.{HOST_TAG}-{os.getpid()}-"


def parse_temp_name(filename: str) -> tuple[str, str, int] | None:
    """``(name, host_tag, pid)`` of a purgetoll temporary name, or None for any other name."""
    m = _TEMP.match(filename)
    return (m["name"], m["host"], int(m["pid"])) if m else None


def temp_entries(folder: str | os.PathLike[str]) -> list[tuple[os.DirEntry[str], tuple[str, str, int]]]:
    """The entries of ``folder`` with a purgetoll temporary name, each with its parsed
    ``(name, host_tag, pid)``, in directory order; none when the folder cannot be read."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    return [(entry, parsed) for entry in entries if (parsed := parse_temp_name(entry.name)) is not None]


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` exists on this host (a zombie counts as gone)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, owned by someone else
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return True


def remove_stale_temps(folder: str | os.PathLike[str], name: str | None = None) -> list[Path]:
    """Remove purgetoll temporaries in ``folder`` (of target ``name``, or of any) whose writer is gone.

    Only entries whose name is a purgetoll temporary name, made on this host by a process that no
    longer runs, are removed. A folder holding a ``staging.json`` or a ``manifest.json`` holds a run
    (being written, or displaced by its replacement) and is left to the rules of
    ``purgetoll.folders``, which remove only the files a run wrote. Returns what was removed.
    """
    folder = Path(folder)
    removed: list[Path] = []
    for entry, (target, host, pid) in temp_entries(folder):
        if name is not None and target != name:
            continue
        if host != HOST_TAG or pid_alive(pid):
            continue
        path = Path(entry.path)
        try:
            if entry.is_dir(follow_symlinks=False):
                if (entry.name.endswith("-aside.tmp") or (path / "staging.json").exists()
                        or (path / "manifest.json").exists()):
                    continue
                shutil.rmtree(path)
            else:
                path.unlink()
        except FileNotFoundError:
            continue
        except OSError:
            continue  # a read-only or failing device: the next write will say so
        removed.append(path)
    return removed


class _Handle:
    """A file opened by :func:`atomic_file`: writes that fail raise an :class:`OutputError`."""

    def __init__(self, raw: Any, target: Path) -> None:
        self._raw = raw
        self._target = target

    def write(self, data: Any) -> int:
        try:
            return self._raw.write(data)
        except OSError as exc:
            raise output_error(self._target, "write", exc) from exc

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        try:
            self._raw.flush()
        except OSError as exc:
            raise output_error(self._target, "write", exc) from exc

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._raw, attr)

    def __iter__(self) -> Iterator:
        return iter(self._raw)


@contextmanager
def atomic_file(path: str | os.PathLike[str], mode: str = "w", *, durable: bool = True,
                **open_kwargs: Any) -> Iterator[Any]:
    """Open ``path`` for writing so that it appears only once the block finishes without error.

    The file is written as a hidden temporary sibling, flushed to the device (unless
    ``durable=False``: a file whose checksum is recorded elsewhere, where a power cut is caught by
    that checksum) and renamed over ``path`` at the end; on an exception the temporary file is
    removed and any earlier ``path`` is left untouched. A failing write, flush or rename raises
    :class:`OutputError` naming ``path``.
    """
    target = Path(path)
    tmp = _temp_beside(target, _mkstemp, "file")
    try:
        try:
            raw = _open(tmp, mode, **open_kwargs)
        except OSError as exc:
            raise output_error(target, "write", exc) from exc
        with raw:
            handle = _Handle(raw, target)
            yield handle
            handle.flush()
            if durable:
                try:
                    _fsync(raw.fileno())
                except OSError as exc:
                    raise output_error(target, "write", exc) from exc
        try:
            _replace(tmp, target)
        except OSError as exc:
            raise output_error(target, "move the finished file into place", exc) from exc
    except BaseException:
        with contextlib.suppress(OSError):  # if the device refuses even that, a later write will
            tmp.unlink(missing_ok=True)
        raise


def temp_dir(folder: str | os.PathLike[str], name: str) -> Path:
    """A new, empty temporary folder for target ``name`` in ``folder`` (a purgetoll temporary name)."""
    try:
        return Path(_mkdtemp(temp_prefix(name), Path(folder)))
    except OSError as exc:
        raise output_error(Path(folder) / name, "create a temporary folder beside it", exc) from exc


def fsync_dir(path: str | os.PathLike[str]) -> None:
    """Flush a folder's entries (renames into it) to the device; errors are ``OutputError``."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise output_error(path, "open the folder", exc) from exc
    try:
        _fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno_mod.EINVAL, errno_mod.ENOTSUP):  # folders that cannot be flushed
            raise output_error(path, "flush the folder to the device", exc) from exc
    finally:
        os.close(fd)


def exchange(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> None:
    """Swap the two existing paths ``a`` and ``b`` in one atomic step (Linux ``RENAME_EXCHANGE``).

    Raises ``NotImplementedError`` where the system or file system cannot, ``OSError`` otherwise.
    """
    _exchange(Path(a), Path(b))


def swap_dir(new: str | os.PathLike[str], target: str | os.PathLike[str]) -> bool:
    """Put the finished folder ``new`` at ``target``; return whether an old ``target`` was displaced.

    An absent ``target`` is created by a rename (which fails, changing nothing, if a non-empty
    folder appeared there meanwhile). An existing one is exchanged with ``new`` in one step, so
    ``target`` always holds either the old or the new folder, whole; afterwards the old one is at
    ``new``'s path for the caller to dispose of. Without an exchange (a file system that lacks it)
    the old folder is moved aside to a temporary name and moved back if the second rename fails.
    """
    new, target = Path(new), Path(target)
    if not os.path.lexists(target):
        try:
            _rename(new, target)
        except OSError as exc:
            raise output_error(target, "move the finished folder into place", exc) from exc
        return False
    try:
        _exchange(new, target)
        return True
    except NotImplementedError:
        pass
    except OSError as exc:
        raise output_error(target, "swap the finished folder into place", exc) from exc
    aside = target.with_name(f"{temp_prefix(target.name)}aside.tmp")
    try:
        _rename(target, aside)
    except OSError as exc:
        raise output_error(target, "move the old folder aside", exc) from exc
    try:
        _rename(new, target)
    except OSError as exc:
        try:
            _rename(aside, target)
        except OSError:
            raise OutputError(str(target), f"cannot move the finished folder into place "
                              f"({describe_oserror(exc)}) nor the old one back: the old one is "
                              f"whole at {aside}", exc.errno) from exc
        raise output_error(target, "move the finished folder into place", exc) from exc
    with contextlib.suppress(OSError):  # else the old folder stays aside, for a later run to remove
        _rename(aside, new)
    return True


@contextmanager
def atomic_dir(path: str | os.PathLike[str], *, overwrite: bool = False) -> Iterator[Path]:
    """Build a directory in a temporary sibling and move it to ``path`` when the block succeeds.

    Yields the temporary directory to write into. With ``overwrite=False`` an existing ``path`` is an
    error (raised before anything is written); with ``overwrite=True`` the old directory is replaced
    whole, in one step, only after the new one is complete, and then removed: use it only for
    folders that purgetoll alone writes (a checkpoint); a folder a user may add files to is a
    run folder (``purgetoll.folders.RunFolder``). On an exception the temporary directory is removed
    and an existing ``path`` is left as it was.
    """
    target = Path(path)
    if target.exists() and not overwrite:
        raise FileExistsError(f"{target} already exists; pass overwrite (--force) to replace it")
    tmp = _temp_beside(target, _mkdtemp, "folder")
    try:
        yield tmp
        if target.exists() and not overwrite:
            # the target appeared while we were building (a concurrent run with the same name)
            raise FileExistsError(
                f"{target} appeared while it was being written; pass overwrite (--force) to replace it"
            )
        try:
            displaced = swap_dir(tmp, target)
        except OutputError as exc:
            if not overwrite and exc.errno in (errno_mod.ENOTEMPTY, errno_mod.EEXIST):
                raise FileExistsError(
                    f"{target} appeared while it was being written; pass overwrite (--force) to replace it"
                ) from exc
            raise
        if displaced:
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


# -- the seam: every write to the file system goes through these -------------------------------


def _temp_beside(target: Path, make: Callable[[str, Path], str], what: str) -> Path:
    """A new temporary file or folder (``make``: :func:`_mkstemp` or :func:`_mkdtemp`) beside ``target``:
    its folder made, the temporaries of stopped processes removed first."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise output_error(target.parent, "create the folder", exc) from exc
    remove_stale_temps(target.parent, target.name)
    try:
        return Path(make(temp_prefix(target.name), target.parent))
    except OSError as exc:
        raise output_error(target, f"create a temporary {what} beside it", exc) from exc


def _mkstemp(prefix: str, folder: Path) -> str:
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=folder)
    os.close(fd)
    return name


def _mkdtemp(prefix: str, folder: Path) -> str:
    return tempfile.mkdtemp(prefix=prefix, suffix=".tmp", dir=folder)


def _open(path: Path, mode: str, **kwargs: Any) -> Any:
    return open(path, mode, **kwargs)  # noqa: SIM115 (closed by atomic_file)


def _fsync(fd: int) -> None:
    os.fsync(fd)


def _replace(src: Path, dst: Path) -> None:
    os.replace(src, dst)


def _rename(src: Path, dst: Path) -> None:
    os.rename(src, dst)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_libc: Any = None


def _exchange(a: Path, b: Path) -> None:
    global _libc
    if _libc is None:
        try:
            _libc = ctypes.CDLL(None, use_errno=True)
            _libc.renameat2  # noqa: B018 (present in glibc >= 2.28)
        except (OSError, AttributeError):
            _libc = False
    if _libc is False:
        raise NotImplementedError("renameat2 is not available")
    if _libc.renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) != 0:
        code = ctypes.get_errno()
        if code in (errno_mod.ENOSYS, errno_mod.EINVAL, errno_mod.ENOTSUP):
            raise NotImplementedError(f"RENAME_EXCHANGE not supported here ({errno_mod.errorcode[code]})")
        raise OSError(code, os.strerror(code), str(b))

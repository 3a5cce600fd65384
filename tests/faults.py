"""Fault injection for the tests: file-system calls that fail or kill the process, at a chosen call.

Every write of purgetoll goes through the seam of ``purgetoll.atomic`` (``_open`` and the writes of
the file it returns, ``_fsync``, ``_replace``, ``_rename``, ``_exchange``, ``_mkdtemp``,
``_mkstemp``). :class:`Seam` patches it so that each call is counted, and the ``at``-th call either
raises ``OSError(code)`` (a full disk, a failing device, a read-only file system) or kills the
process with SIGKILL, where no cleanup code runs, exactly as ``kill -9``. :func:`in_child` runs a
function in a forked child (the suite's imports and compiled code are inherited, so a child costs
milliseconds) and returns how it ended.

Tests run as root here, where file permissions do not bind: faults are injected, never made with
``chmod``.
"""

from __future__ import annotations

import errno
import os
import signal
from collections.abc import Callable
from typing import Any

import purgetoll.atomic as atomic

SEAM = ("_open", "_fsync", "_replace", "_rename", "_exchange", "_mkdtemp", "_mkstemp")
KILL = "kill"


class _FaultyFile:
    """A file whose writes go through the seam's counter (a write can fail or kill part way)."""

    def __init__(self, raw: Any, seam: Seam) -> None:
        self._raw = raw
        self._seam = seam

    def write(self, data: Any) -> int:
        n = len(memoryview(data).cast("B")) if not isinstance(data, str) else len(data)
        if self._seam.tick("write"):
            if n > 1:
                self._raw.write(data[: n // 2])  # half of it reaches the file, then the fault
                self._raw.flush()
            self._seam.fire("write")
        return self._raw.write(data)

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._raw, attr)

    def __enter__(self) -> _FaultyFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._raw.close()


class Seam:
    """Count the seam's calls; make call number ``at`` (1-based) fail with ``fault``.

    ``fault`` is an errno (``errno.ENOSPC``, ...) or :data:`KILL`. ``ops`` limits which calls count
    (default: all, including each write). ``calls`` records ``(number, op, file name)`` of every
    call (the name of the file or folder it acts on, or its prefix for a temporary; '' for writes).
    """

    def __init__(self, at: int | None = None, fault: int | str = errno.ENOSPC, ops: tuple[str, ...] | None = None,
                 ) -> None:
        self.at = at
        self.fault = fault
        self.ops = ops
        self.n = 0
        self.calls: list[tuple[int, str]] = []
        self._saved: dict[str, Callable] = {}

    def tick(self, op: str, detail: str = "") -> bool:
        """Count a call of ``op`` (on ``detail``, a file name); True if it is the one to fail."""
        if self.ops is not None and op not in self.ops:
            return False
        self.n += 1
        self.calls.append((self.n, op, detail))
        return self.at is not None and self.n == self.at

    def fire(self, op: str) -> None:
        if self.fault == KILL:
            os.kill(os.getpid(), signal.SIGKILL)
        raise OSError(self.fault, os.strerror(self.fault), f"<injected at {op} #{self.n}>")

    def _wrap(self, name: str, fn: Callable) -> Callable:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            detail = os.path.basename(str(args[1] if name in ("_replace", "_rename", "_exchange") else args[0]))
            if name in ("_mkstemp", "_mkdtemp"):
                detail = str(args[0])
            if self.tick(name.lstrip("_"), detail if name != "_fsync" else ""):
                self.fire(name)
            out = fn(*args, **kwargs)
            return _FaultyFile(out, self) if name == "_open" else out

        return wrapped

    def __enter__(self) -> Seam:
        for name in SEAM:
            self._saved[name] = getattr(atomic, name)
            setattr(atomic, name, self._wrap(name, self._saved[name]))
        return self

    def __exit__(self, *exc: object) -> None:
        for name, fn in self._saved.items():
            setattr(atomic, name, fn)
        self._saved.clear()


def in_child(fn: Callable[[], Any], timeout: float = 120.0) -> int:
    """Run ``fn`` in a forked child; return its exit code (0 ok, 1 exception, -9 killed)."""
    import time

    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        code = 0
        try:
            fn()
        except BaseException:  # noqa: BLE001
            import traceback

            traceback.print_exc()
            code = 1
        finally:
            os._exit(code)
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise TimeoutError("child did not finish")
        time.sleep(0.005)


def tree(folder: os.PathLike[str] | str) -> dict[str, bytes]:
    """Every file under ``folder`` by relative path, with its bytes (a byte-for-byte snapshot)."""
    from pathlib import Path

    root = Path(folder)
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

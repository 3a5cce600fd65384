"""Who is writing: the process, its host and when it started, as recorded in locks and staging markers.

A lock or a half-written run left by a process that was killed names that process, so a later run
can tell whether it is gone: on this host a process is gone when no process has its id, or the
process with its id started at another time (the id was reused), or the machine was rebooted since
(another boot id). A process on another host cannot be checked from here and is taken as alive.
"""

from __future__ import annotations

import os
import socket
import sys
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import psutil

from purgetoll.atomic import pid_alive

__all__ = ["Owner", "boot_id"]


def boot_id() -> str:
    """This boot's id (Linux), or '' where the system has none."""
    try:
        with open("/proc/sys/kernel/random/boot_id") as fh:
            return fh.read().strip()
    except OSError:
        return ""


def _started(pid: int) -> float:
    try:
        return round(psutil.Process(pid).create_time(), 2)
    except (psutil.Error, OSError):
        return 0.0


@dataclass(frozen=True)
class Owner:
    """A process that writes an output folder."""

    pid: int
    host: str
    boot_id: str
    started: float  # the process's start time, seconds since the epoch (to detect a reused pid)
    since: str  # when it took the folder, UTC ISO
    command: str

    @classmethod
    def me(cls) -> Owner:
        """This process."""
        pid = os.getpid()
        return cls(pid=pid, host=socket.gethostname(), boot_id=boot_id(), started=_started(pid),
                   since=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                   command=" ".join(sys.argv)[:300])

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> Owner | None:
        """The owner recorded in ``data``, or None if ``data`` is not one."""
        if not isinstance(data, dict):
            return None
        try:
            return cls(pid=int(data["pid"]), host=str(data["host"]), boot_id=str(data.get("boot_id", "")),
                       started=float(data.get("started", 0.0)), since=str(data.get("since", "?")),
                       command=str(data.get("command", "")))
        except (KeyError, TypeError, ValueError):
            return None

    def is_gone(self) -> bool | None:
        """True if the process surely no longer runs, False if it runs, None if it cannot be told
        (another host)."""
        if self.host != socket.gethostname():
            return None
        mine = boot_id()
        if self.boot_id and mine and self.boot_id != mine:
            return True
        if not pid_alive(self.pid):
            return True
        return bool(self.started) and abs(_started(self.pid) - self.started) > 1.0

    def describe(self) -> str:
        """``pid 123 on host h since 2026-01-01T00:00:00Z (purgetoll sim run ...)``."""
        cmd = f" ({self.command})" if self.command else ""
        return f"pid {self.pid} on host {self.host} since {self.since}{cmd}"

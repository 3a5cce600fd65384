"""What the benchmark scripts share: the machine's load, and one measurement in a fresh interpreter.

The scripts run as ``python bench/bench_<part>.py`` (this folder first on ``sys.path``), so they
import this module as ``_child``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

__all__ = ["loadavg", "run_child"]


def loadavg() -> list[float]:
    """The load average over 1, 5 and 15 minutes, to two decimals."""
    return [round(x, 2) for x in os.getloadavg()]


def run_child(script: str | Path, args: Sequence[str], env: Mapping[str, str] | None = None) -> dict:
    """Run ``python script *args`` in a fresh interpreter and return the JSON object its last line
    of stdout prints, with the load average before and after (``loadavg_before``, ``loadavg_after``);
    a child that fails raises a RuntimeError with the end of its stderr."""
    before = loadavg()
    proc = subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True,
                          env=None if env is None else dict(env))
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-3000:])
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    res["loadavg_before"], res["loadavg_after"] = before, loadavg()
    return res

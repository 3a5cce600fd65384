"""Benchmark: start-up of the ``purgetoll`` command (``purgetoll --help``) and what it imports.

``purgetoll --help`` imports every part's CLI, and each CLI imports its package. The packages
give their public names on first use (:mod:`purgetoll._lazy`), so ``--help`` loads none of pandas,
scipy or numba; this measures what that saves. Three commands, each run ``--repeat`` times in a
fresh interpreter:

* ``help``: ``purgetoll --help`` (the console script);
* ``import cli``: ``import purgetoll.cli`` alone (no help text printed, no rich rendering);
* ``eager``: ``import purgetoll.cli`` and then every public name of every package, i.e. what each
  ``--help`` would cost if the packages imported their mathematics eagerly.

Wall time (median and best) and CPU time of the child (user + system; less sensitive than wall
time to other developers' work on this shared machine) with the load average. Prints a table and
writes ``bench/results/cli.json``, keeping earlier results under their ``--label``.

Run: ``.venv/bin/python bench/bench_cli.py [--repeat 15] [--label after]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from purgetoll.atomic import atomic_file

RESULTS = Path(__file__).parent / "results" / "cli.json"
SCRIPT = Path(sys.executable).parent / "purgetoll"
EAGER = (
    "import purgetoll.cli, importlib\n"
    "for p in ('data', 'demography', 'mse', 'sim', 'claims', 'verdict', 'report'):\n"
    "    m = importlib.import_module('purgetoll.' + p)\n"
    "    [getattr(m, n) for n in m.__all__]\n"
)
COMMANDS = {
    "help": [str(SCRIPT), "--help"],
    "import cli": [sys.executable, "-c", "import purgetoll.cli"],
    "eager": [sys.executable, "-c", EAGER],
}


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``cmd`` (output discarded)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--label", default="current")
    args = ap.parse_args()
    rows = {}
    for name, cmd in COMMANDS.items():
        timed(cmd)  # warm the file cache and the bytecode
        load = os.getloadavg()[0]
        runs = [timed(cmd) for _ in range(args.repeat)]
        walls, cpus = [r[0] for r in runs], [r[1] for r in runs]
        rows[name] = {"wall_median_s": statistics.median(walls), "wall_best_s": min(walls),
                      "cpu_median_s": statistics.median(cpus), "cpu_best_s": min(cpus),
                      "loadavg_1min": load}
    print(f"{'command':<12} {'wall median':>12} {'wall best':>10} {'cpu median':>11} {'cpu best':>9} {'load':>5}")
    for name, r in rows.items():
        print(f"{name:<12} {r['wall_median_s']:>11.3f}s {r['wall_best_s']:>9.3f}s "
              f"{r['cpu_median_s']:>10.3f}s {r['cpu_best_s']:>8.3f}s {r['loadavg_1min']:>5.2f}")
    doc = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    doc["benchmark"] = "purgetoll --help start-up"
    doc.setdefault("results", {})[args.label] = {
        "repeat": args.repeat, "commands": rows, "loadavg_end": list(os.getloadavg()),
        "cpu_count": os.cpu_count(), "python": platform.python_version(),
    }
    with atomic_file(RESULTS, encoding="utf-8") as fh:
        fh.write(json.dumps(doc, indent=1) + "\n")


if __name__ == "__main__":
    main()

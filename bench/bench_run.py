"""Benchmark: ``purgetoll run`` twice in a row, with an empty results cache and then with it filled.

The first run computes every result the report shows (the demography deficits, the claims checks,
the censuses' verdict: the agent simulation of four accounts over three seeds) and draws every
figure, keeping them in the cache; the second takes them from it, after checking their SHA-256,
and only renders. Issue 11 asks the second to take under a third of the first. ``--repeat`` pairs,
each with a new cache folder, in fresh interpreters (the console script); wall time and CPU time of
the child (user + system: less sensitive than wall time to other work on this shared machine), with
the load average. Also ``purgetoll report RUN_DIR`` (the run rendered again from its stored
results). Prints a table and writes ``bench/results/run.json``, keeping earlier results under their
``--label``.

Run: ``.venv/bin/python bench/bench_run.py [--repeat 3] [--label current]``
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
import tempfile
import time
from pathlib import Path

from purgetoll.atomic import atomic_file

RESULTS = Path(__file__).parent / "results" / "run.json"
SCRIPT = Path(sys.executable).parent / "purgetoll"


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall and CPU seconds of one run of ``cmd``, and its stderr."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stderr.strip()


def one_pair(folder: Path) -> dict[str, dict[str, float | str]]:
    env = {**os.environ, "PURGETOLL_CACHE": str(folder / "cache")}
    out = {}
    for name, cmd in (("first", [str(SCRIPT), "run", "--out", str(folder / "runs"), "--name", "first"]),
                      ("second", [str(SCRIPT), "run", "--out", str(folder / "runs"), "--name", "second"]),
                      ("report", [str(SCRIPT), "report", str(folder / "runs" / "first")])):
        load = os.getloadavg()[0]
        wall, cpu, said = timed(cmd, env)
        out[name] = {"wall_s": wall, "cpu_s": cpu, "loadavg_1min": load, "said": said}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--label", default="current")
    args = ap.parse_args()
    pairs = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="bench_run-") as tmp:
            pairs.append(one_pair(Path(tmp)))
    rows = {}
    for name in ("first", "second", "report"):
        walls = [p[name]["wall_s"] for p in pairs]
        cpus = [p[name]["cpu_s"] for p in pairs]
        rows[name] = {"wall_median_s": statistics.median(walls), "wall_best_s": min(walls),
                      "cpu_median_s": statistics.median(cpus), "cpu_best_s": min(cpus),
                      "loadavg_1min": [p[name]["loadavg_1min"] for p in pairs], "said": pairs[-1][name]["said"]}
    ratio = {"wall": rows["second"]["wall_median_s"] / rows["first"]["wall_median_s"],
             "cpu": rows["second"]["cpu_median_s"] / rows["first"]["cpu_median_s"]}
    print(f"{'command':<8} {'wall median':>12} {'wall best':>10} {'cpu median':>11} {'cpu best':>9}  load")
    for name, r in rows.items():
        print(f"{name:<8} {r['wall_median_s']:>11.2f}s {r['wall_best_s']:>9.2f}s {r['cpu_median_s']:>10.2f}s "
              f"{r['cpu_best_s']:>8.2f}s  {', '.join(f'{x:.1f}' for x in r['loadavg_1min'])}")
    print(f"second / first: wall {ratio['wall']:.3f}, cpu {ratio['cpu']:.3f} (issue 11 asks < 1/3)")
    doc = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    doc["benchmark"] = "purgetoll run twice in a row: empty results cache, then filled"
    doc.setdefault("results", {})[args.label] = {
        "repeat": args.repeat, "commands": rows, "second_over_first": ratio,
        "loadavg_end": list(os.getloadavg()), "cpus": os.cpu_count(), "python": platform.python_version(),
        "when_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(RESULTS) as fh:
        fh.write(json.dumps(doc, indent=1) + "\n")


if __name__ == "__main__":
    main()

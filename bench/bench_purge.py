"""Benchmark of the Terror: whole runs of each scenario, and the snowball's cost.

1. **Scenario runs**, 6 Jan 1937 to 17 Jan 1939 (24 months), each in its own process so its peak
   memory is its own: wall time (building inputs, the 1937 population and its attributes, 24
   months, event log, snapshots, checkpoints), peak resident memory, events. Targets (issue 6): at
   scale 1 (every person) under 3 minutes and 12 GB on the 2-core machine.
2. **The snowball's cost** (``denunciation.arrest_and_interrogate``, summed over the 24 months),
   with only the ``terror`` and ``denunciation`` modules on (plus demography and attributes):

   * against the number of arrests, at a fixed population: capacity x 1, 4, 16;
   * against the population, at a fixed number of arrests (in agents): scales 0.005-0.04 with
     the capacity and the initial lists divided by the scale.

   The monthly cost should grow with the arrests and stay flat with the population; the group
   indexes are rebuilt once a window (``denunciation.begin_window``, a counting sort: linear in
   the population, reported apart).

    .venv/bin/python bench/bench_purge.py                     # snowball + scenario runs at 0.01
    .venv/bin/python bench/bench_purge.py --scales 0.01 1     # add the 1:1 runs (several minutes)

Prints tables and writes bench/results/purge.json, with the load average before and after each run
(the machine is shared by other developers).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from _child import run_child

HERE = Path(__file__).resolve().parent
SCENARIOS = ("archival", "conquest_1968", "conquest_1990", "no_terror")


def scenario_run(name: str, scale: float, out: str, seed: int) -> dict:
    """One run of a bundled scenario in this process."""
    import resource

    from purgetoll.scenarios import Scenario, build_sim

    t0 = time.perf_counter()
    sim = build_sim(Scenario.load(name), scale=scale, seed=seed)
    t_inputs = time.perf_counter() - t0
    result = sim.run(out, force=True)
    wall = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak = usage.ru_maxrss * 1024
    timings = {f"{r['module']}.{r['method']}": r["seconds"] for r in sim.timings().to_dict(orient="records")}
    commit = subprocess.run(["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    return {"kind": "scenario", "scenario": name, "scale": scale, "seed": seed, "months": sim.n_steps, "commit": commit,
            "wall_seconds": round(wall, 2), "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2), "inputs_seconds": round(t_inputs, 2),
            "peak_rss_gib": round(peak / 2**30, 3), "people_ever_agents": result.manifest["people_ever"],
            "bytes_per_person_state": sim.people.bytes_per_person, "events": result.event_counts,
            "timings_seconds": {k: v for k, v in timings.items() if v >= 0.01}}


def snowball_run(scale: float, capacity_per_month_agents: float, listed_agents: float, seed: int,
                 warm_up: bool = True) -> dict:
    """Terror and denunciation only: the snowball's cost at a given scale and arrests (agents).

    A small warm-up run first loads the compiled kernels (numba's cache), so the timing is the
    snowball's work, not the first call's loading.
    """
    from purgetoll.scenarios import Scenario, build_sim

    if warm_up:
        snowball_run(0.0005, 20, 100, seed, warm_up=False)

    months = {f"{y}-{m:02d}": capacity_per_month_agents / scale for y in (1937, 1938) for m in range(1, 13)}
    data = {"scenario": {"name": "snowball_bench", "title": "snowball bench"},
            "terror": {"enabled": True},
            "denunciation": {"enabled": True,
                             "arrests_capacity_by_month_persons": {"value": months, "source": "bench"},
                             "initial_listed_persons": {"value": listed_agents / scale, "source": "bench"},
                             "prison_capacity_persons": {"value": 1e7, "source": "bench"}}}
    sim = build_sim(Scenario.from_dict(data), scale=scale, seed=seed, write_events=False)
    t0 = time.perf_counter()
    result = sim.run(None)
    wall = time.perf_counter() - t0
    t = {f"{r['module']}.{r['method']}": r["seconds"] for r in sim.timings().to_dict(orient="records")}
    den = sim.module("denunciation")
    return {"kind": "snowball", "scale": scale, "population_agents": int(sim.people.n),
            "arrests_agents": int(result.event_counts["arrest"]), "interrogated_agents": den.interrogated_total,
            "named_agents": den.named_total,
            "monthly_step_seconds": round(t.get("denunciation.arrest_and_interrogate", 0.0), 4),
            "index_build_seconds": round(t.get("denunciation.begin_window", 0.0), 4),
            "run_seconds": round(wall, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[0.01])
    parser.add_argument("--scenarios", nargs="+", default=list(SCENARIOS))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-snowball", action="store_true")
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)  # scenario scale
    parser.add_argument("--snow", nargs=3, type=float, help=argparse.SUPPRESS)  # scale capacity listed
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(scenario_run(args.one[0], float(args.one[1]), args.out, args.seed)))
        return
    if args.snow is not None:
        print(json.dumps(snowball_run(args.snow[0], args.snow[1], args.snow[2], args.seed)))
        return

    path = HERE / "results" / "purge.json"
    previous = json.loads(path.read_text()) if path.exists() else {}
    snowball = previous.get("snowball", {})
    if not args.skip_snowball:
        snowball = {"vs_arrests": [], "vs_population": []}
        print("snowball cost vs arrests (scale 0.01, fixed population)")
        for factor in (1, 4, 16):
            r = run_child(__file__, ["--snow", "0.01", str(250 * factor), "5000"])
            snowball["vs_arrests"].append(r)
            print(f"  arrests {r['arrests_agents']:>8,}  monthly step {r['monthly_step_seconds']:>7.3f} s  "
                  f"index build {r['index_build_seconds']:>6.3f} s  population {r['population_agents']:>10,}")
        print("snowball cost vs population (fixed arrests in agents)")
        for scale in (0.005, 0.01, 0.02, 0.04):
            r = run_child(__file__, ["--snow", str(scale), "1000", "5000"])
            snowball["vs_population"].append(r)
            print(f"  population {r['population_agents']:>10,}  arrests {r['arrests_agents']:>7,}  monthly step "
                  f"{r['monthly_step_seconds']:>7.3f} s  index build {r['index_build_seconds']:>6.3f} s")
    # a rerun replaces only the (scale, scenario) pairs it runs; the replaced runs' headline numbers
    # are kept under "superseded" (before/after comparisons across commits and machine loads)
    rerun = {(float(s), n) for s in args.scales for n in args.scenarios}
    runs = [r for r in previous.get("runs", []) if (float(r.get("scale")), r.get("scenario")) not in rerun]
    superseded = previous.get("superseded", []) + [
        {k: r.get(k) for k in ("scenario", "scale", "commit", "wall_seconds", "cpu_seconds", "peak_rss_gib",
                               "loadavg_before", "loadavg_after")}
        for r in previous.get("runs", []) if (float(r.get("scale")), r.get("scenario")) in rerun]
    for scale in args.scales:
        for name in args.scenarios:
            work = Path(tempfile.mkdtemp(prefix="purgetoll-bench-purge-"))
            try:
                r = run_child(__file__, ["--one", name, str(scale), "--out", str(work / "run"), "--seed", str(args.seed)])
            finally:
                shutil.rmtree(work, ignore_errors=True)
            runs.append(r)
            print(f"{name:<14} scale {scale:<6} wall {r['wall_seconds']:>8.1f} s  cpu {r['cpu_seconds']:>7.1f} s  "
                  f"peak {r['peak_rss_gib']:>6.2f} GiB  arrests {r['events'].get('arrest', 0):>10,}  "
                  f"load {r['loadavg_before'][0]} -> {r['loadavg_after'][0]}", flush=True)
    import psutil

    out = {
        "benchmark": "purgetoll Terror: scenario runs 1937-01-06 to 1939-01-17, and the snowball's cost",
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                    "mem_total_gib": round(psutil.virtual_memory().total / 2**30, 1)},
        "targets": {"1.0": {"wall_seconds": 180, "peak_rss_gib": 12}},
        "snowball": snowball,
        "runs": sorted(runs, key=lambda r: (r["scale"], r["scenario"])),
        "superseded": superseded,
    }
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {path}")
    print(f"\n{'scenario':<14} {'scale':>6} {'wall s':>8} {'cpu s':>8} {'peak GiB':>9} {'arrests':>10} {'load 1m':>8}  commit")
    for r in out["runs"]:
        print(f"{r['scenario']:<14} {r['scale']:>6} {r['wall_seconds']:>8.1f} {r.get('cpu_seconds') or float('nan'):>8.1f} "
              f"{r['peak_rss_gib']:>9.2f} {r['events'].get('arrest', 0):>10,} {r['loadavg_before'][0]:>8}  {r.get('commit', '?')}")


if __name__ == "__main__":
    main()

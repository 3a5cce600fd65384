"""Benchmark of the agent engine, demography only, 17 Dec 1926 to 15 Jan 1959 (385 months).

Each scale runs in its own process (so peak memory is that run's own): wall time of the whole
run (building inputs, synthesis, 385 months, event log, snapshots, yearly checkpoints), peak
resident memory, people ever simulated and events written. Targets (issue 4): scale 0.01 under
20 s; scale 1 (every person) under 10 minutes and 12 GB on the 2-core 24 GB machine.

    .venv/bin/python bench/bench_sim.py                 # scales 0.01 and 0.1
    .venv/bin/python bench/bench_sim.py --scales 0.01 1 # add the 1:1 run (about 5-10 minutes)

Prints a table and writes bench/results/sim.json. The machine is shared: the load average before
and after each run is recorded next to its timings.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import tempfile
import time
from pathlib import Path

from _child import run_child

HERE = Path(__file__).resolve().parent
START, END = "1926-12-17", "1959-01-15"


def one(scale: float, out: str, seed: int) -> dict:
    """Run once in this process and return its measurements."""
    import resource

    from purgetoll.sim import SimSettings, demography_sim

    t0 = time.perf_counter()
    settings = SimSettings(start=START, end=END, scale=scale, seed=seed)
    sim = demography_sim(settings)
    t_inputs = time.perf_counter() - t0
    result = sim.run(out, force=True)
    wall = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    timings = {f"{r['module']}.{r['method']}": r["seconds"] for r in sim.timings().to_dict(orient="records")}
    events_bytes = sum(p.stat().st_size for p in Path(out, "events").glob("*.parquet"))
    return {
        "scale": scale, "seed": seed, "months": sim.n_steps, "wall_seconds": round(wall, 2),
        "inputs_seconds": round(t_inputs, 2), "peak_rss_gib": round(peak / 2**30, 3),
        "people_ever_agents": result.manifest["people_ever"], "alive_at_end_agents": result.people_alive,
        "events": result.event_counts, "events_bytes": events_bytes,
        "bytes_per_person_state": sim.people.bytes_per_person, "timings_seconds": timings,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[0.01, 0.1])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--one", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(one(args.one, args.out, args.seed)))
        return
    runs = []
    for scale in args.scales:
        work = Path(tempfile.mkdtemp(prefix="purgetoll-bench-"))
        try:
            runs.append(run_child(__file__, ["--one", str(scale), "--out", str(work / "run"), "--seed", str(args.seed)]))
        finally:
            shutil.rmtree(work, ignore_errors=True)
        r = runs[-1]
        print(f"scale {scale:<6} wall {r['wall_seconds']:>8.1f} s  peak {r['peak_rss_gib']:>6.2f} GiB  "
              f"agents ever {r['people_ever_agents']:>12,}  events {sum(r['events'].values()):>12,}  "
              f"load {r['loadavg_before'][0]:.1f}->{r['loadavg_after'][0]:.1f}", flush=True)
    targets = {"0.01": {"wall_seconds": 20}, "1.0": {"wall_seconds": 600, "peak_rss_gib": 12}}
    report = {
        "benchmark": "purgetoll.sim demography only, 1926-12-17 to 1959-01-15",
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                    "mem_total_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)},
        "targets": targets,
        "runs": runs,
    }
    out = HERE / "results" / "sim.json"
    old = json.loads(out.read_text()) if out.exists() else {}
    # keep earlier runs of scales not rerun now (the 1:1 run is expensive and run rarely)
    kept = [r for r in old.get("runs", []) if r["scale"] not in {x["scale"] for x in runs}]
    report["runs"] = sorted(kept + runs, key=lambda r: r["scale"])
    if "experiments" in old:  # notes of earlier trials (kept by hand, see the report)
        report["experiments"] = old["experiments"]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()

"""Benchmark of mechanism mode: whole runs, the machinery's two regimes, scale invariance, the calibration call.

1. **Runs** of ``archival`` in mechanism mode, 6 Jan 1937 to 17 Jan 1939, each in its own process so its
   peak memory is its own: wall and CPU time, peak resident memory, events, the slowest steps. Target
   (issue 12): at scale 1 (every person) under 3 minutes and 12 GB on the 2-core machine. Runs at
   scale 0.1 and above take ``/work/locks/bigmem`` first (never two big runs at once).
2. **The two regimes** at scale 0.001 (seeds 1-3): 1937-38 arrests at the defaults, with half the
   interrogators, with ten times the interrogators (not binding) and with twice the names per
   interrogation on top.
3. **Scale invariance**: the headline totals at 0.001 (seeds 1-3) and at 0.01 (seed 1).
4. **simulate_summaries** at 0.001: seconds per call after the first.

    .venv/bin/python bench/bench_mechanism.py                    # 2-4, and runs at 0.01
    .venv/bin/python bench/bench_mechanism.py --scales 0.01 1    # add the 1:1 run (a few minutes)

Prints tables and writes bench/results/mechanism.json, with the load average before and after each
measurement (the machine is shared).
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import platform
import resource
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from _child import loadavg, run_child

HERE = Path(__file__).resolve().parent
BIGMEM = Path("/work/locks/bigmem")
KEYS = ("arrests_1937", "arrests_1938", "arrests_1937_1938", "convictions_1937_1938", "death_sentences_1937_1938",
        "executions_1937_1938", "camp_deaths_1937", "camp_deaths_1938", "camp_population_1938_01_01",
        "camp_population_1939_01_01", "deaths_in_custody_1937_1938", "women_share_arrested_1937_1938",
        "women_share_executed_1937_1938", "women_share_camp_end")


def one_run(scale: float, seed: int, out: str) -> dict:
    """One mechanism-mode run of ``archival`` in this process."""
    from purgetoll.scenarios import Scenario, build_sim
    from purgetoll.sim.summaries import read_events, totals

    t0 = time.perf_counter()
    sim = build_sim(Scenario.load("archival"), scale=scale, seed=seed, mode="mechanism")
    result = sim.run(out)
    wall = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    t = {f"{r['module']}.{r['method']}": r["seconds"] for r in sim.timings().to_dict(orient="records")}
    tot = totals(read_events(out), scale)
    commit = subprocess.run(["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    return {"scenario": "archival", "mode": "mechanism", "scale": scale, "seed": seed, "commit": commit,
            "wall_seconds": round(wall, 1), "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
            "peak_rss_gib": round(usage.ru_maxrss / 2**20, 2), "people_ever_agents": result.manifest["people_ever"],
            "events": result.event_counts, "totals": {k: tot[k] for k in KEYS},
            "slowest_steps_seconds": dict(sorted(((k, round(v, 2)) for k, v in t.items() if v >= 0.5),
                                                 key=lambda kv: -kv[1])[:12])}


@contextlib.contextmanager
def _bigmem(scale: float):
    if scale < 0.1 or not BIGMEM.parent.exists():
        yield
        return
    with open(BIGMEM, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def regimes(seeds: tuple[int, ...]) -> dict:
    """1937-38 arrests in the machinery's two regimes (scale 0.001)."""
    from purgetoll.scenarios import sections
    from purgetoll.scenarios.summaries import simulate_summaries

    staff = float(sections()["terror"].param("interrogators_persons").default)
    names = float(sections()["denunciation"].param("names_per_interrogation").default)
    cases = {"defaults": {}, "half_interrogators": {"terror.interrogators_persons": staff / 2},
             "ten_times_interrogators": {"terror.interrogators_persons": 10 * staff},
             "ten_times_interrogators_twice_the_names": {"terror.interrogators_persons": 10 * staff,
                                                         "denunciation.names_per_interrogation": 2 * names}}
    out = {"loadavg_before": loadavg()}
    for name, values in cases.items():
        got = [simulate_summaries(values, seed=s) for s in seeds]
        arrests = [g["arrests_1937"] + g["arrests_1938"] for g in got]
        out[name] = {"set": values, "arrests_1937_1938_by_seed": arrests, "mean": sum(arrests) / len(arrests)}
    base, ample = out["defaults"]["mean"], out["ten_times_interrogators"]["mean"]
    out["half_interrogators_change"] = round(out["half_interrogators"]["mean"] / base - 1, 4)
    out["twice_the_names_change_with_ample_capacity"] = round(
        out["ten_times_interrogators_twice_the_names"]["mean"] / ample - 1, 4)
    out["loadavg_after"] = loadavg()
    return out


def summaries_timing(n: int) -> dict:
    from purgetoll.scenarios.summaries import simulate_summaries

    before = loadavg()
    simulate_summaries({}, seed=100)  # loads the compiled kernels and the bundled inputs
    t0 = time.perf_counter()
    for s in range(n):
        simulate_summaries({"terror.interrogators_persons": 20_000.0 + 1000 * s}, seed=s)
    per = (time.perf_counter() - t0) / n
    return {"scale": 0.001, "calls": n, "seconds_per_call": round(per, 3), "loadavg_before": before,
            "loadavg_after": loadavg()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[0.01])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-small", action="store_true", help="only the runs of --scales")
    parser.add_argument("--one", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(one_run(args.one, args.seed, args.out)))
        return

    path = HERE / "results" / "mechanism.json"
    previous = json.loads(path.read_text()) if path.exists() else {}
    runs = [r for r in previous.get("runs", []) if float(r["scale"]) not in {float(s) for s in args.scales}]
    superseded = previous.get("superseded", []) + [
        {k: r.get(k) for k in ("scale", "commit", "wall_seconds", "cpu_seconds", "peak_rss_gib", "loadavg_before")}
        for r in previous.get("runs", []) if float(r["scale"]) in {float(s) for s in args.scales}]
    for scale in args.scales:
        work = Path(tempfile.mkdtemp(prefix="purgetoll-bench-mechanism-"))
        try:
            with _bigmem(scale):
                r = run_child(__file__, ["--one", str(scale), "--seed", str(args.seed), "--out", str(work / "run")])
        finally:
            shutil.rmtree(work, ignore_errors=True)
        runs.append(r)
        print(f"scale {scale:<6} wall {r['wall_seconds']:>7.1f} s  cpu {r['cpu_seconds']:>7.1f} s  peak "
              f"{r['peak_rss_gib']:>6.2f} GiB  arrests 1937-38 {r['totals']['arrests_1937_1938']:>12,.0f}  "
              f"load {r['loadavg_before'][0]} -> {r['loadavg_after'][0]}", flush=True)
    out = {"benchmark": "purgetoll mechanism mode: archival 1937-01-06 to 1939-01-17",
           "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
           "targets": {"1.0": {"wall_seconds": 180, "peak_rss_gib": 12}, "simulate_summaries_0.001_seconds": 0.3},
           "runs": sorted(runs, key=lambda r: r["scale"]), "superseded": superseded,
           "regimes": previous.get("regimes"), "scale_invariance": previous.get("scale_invariance"),
           "simulate_summaries": previous.get("simulate_summaries")}
    if not args.skip_small:
        out["regimes"] = regimes((1, 2, 3))
        print(f"half the interrogators: {out['regimes']['half_interrogators_change']:+.1%} arrests 1937-38; "
              f"ten times the interrogators and twice the names: "
              f"{out['regimes']['twice_the_names_change_with_ample_capacity']:+.1%}")
        small = [run_child(__file__, ["--one", "0.001", "--seed", str(s), "--out", tempfile.mkdtemp() + "/run"]) for s in (1, 2, 3)]
        big = next((r for r in runs if r["scale"] == 0.01), None) or run_child(
            __file__, ["--one", "0.01", "--seed", "1", "--out", tempfile.mkdtemp() + "/run"])
        inv = {}
        for k in KEYS:
            vals = [r["totals"][k] for r in small]
            inv[k] = {"scale_0.001_seeds_1_3": vals, "scale_0.001_mean": sum(vals) / 3, "scale_0.01_seed_1": big["totals"][k]}
        out["scale_invariance"] = inv
        out["simulate_summaries"] = summaries_timing(20)
        print(f"simulate_summaries at 0.001: {out['simulate_summaries']['seconds_per_call']} s a call "
              f"(load {out['simulate_summaries']['loadavg_before'][0]})")
        print(f"\n{'total':<34} {'0.001 mean (3 seeds)':>22} {'0.01':>14}")
        for k, v in inv.items():
            print(f"{k:<34} {v['scale_0.001_mean']:>22,.3f} {v['scale_0.01_seed_1']:>14,.3f}")
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()

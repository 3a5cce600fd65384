"""Benchmark of what the output-folder guarantees cost (issue 10): checksums, staging, locks.

For a demography-only run at each scale (17 Dec 1926 to 15 Jan 1959, 385 months, yearly
checkpoints), in its own process:

* the run's wall time, its CPU time (all threads), and its checkpoint and event-log seconds
  (``Sim.timings()``);
* the same with the code of another source tree (``--baseline-src``: e.g. the package before the
  checksums, extracted with ``git archive``), in alternation, for the overhead;
* resuming from the last checkpoint: the time to check every checkpoint file and event part
  against its SHA-256 before the resume starts;
* ``purgetoll verify`` of the finished run (every file's SHA-256), and SHA-256 throughput here.

    .venv/bin/python bench/bench_folders.py --scales 0.1
    git archive c663ddb src | tar -x -C /tmp/old && .venv/bin/python bench/bench_folders.py --baseline-src /tmp/old/src

Prints a table and writes bench/results/folders.json. The machine is shared: the load average
before and after each run is recorded next to its timings.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import platform
import resource
import shutil
import tempfile
import time
from pathlib import Path

from _child import run_child

HERE = Path(__file__).resolve().parent
START, END = "1926-12-17", "1959-01-15"


def one(scale: float, out: str, seed: int, measure_resume: bool) -> dict:
    """Run once in this process (whichever purgetoll is first on the path) and measure."""
    from purgetoll.sim import SimSettings, demography_sim

    t0 = time.perf_counter()
    sim = demography_sim(SimSettings(start=START, end=END, scale=scale, seed=seed))
    t_inputs = time.perf_counter() - t0
    sim.run(out, force=True)
    wall = time.perf_counter() - t0
    timings = {f"{r['module']}.{r['method']}": r["seconds"] for r in sim.timings().to_dict(orient="records")}
    usage = resource.getrusage(resource.RUSAGE_SELF)
    res = {"wall_seconds": round(wall, 2), "run_seconds": round(wall - t_inputs, 2),
           "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
           "checkpoint_seconds": round(timings.get("engine.checkpoint", 0.0), 3),
           "events_seconds": round(timings.get("engine.events", 0.0), 3),
           "output_bytes": sum(p.stat().st_size for p in Path(out).rglob("*") if p.is_file())}
    if measure_resume:
        from purgetoll.folders import find_stagings, verify_folder
        from purgetoll.sim import Interrupted
        from purgetoll.sim.checkpoint import read_checkpoint

        t = time.perf_counter()
        report = verify_folder(out)
        res["verify_seconds"] = round(time.perf_counter() - t, 3)
        res["verify_files"] = report.checked
        assert report.ok, report.problems
        part = Path(out).parent / "part"
        sim2 = demography_sim(SimSettings(start=START, end=END, scale=scale, seed=seed))
        stop = (sim2.n_steps // 12 - 1) * 12 + 1
        with contextlib.suppress(Interrupted):  # stopped after its last checkpoint, as if killed
            sim2.run(part, stop_at=stop)
        (staging,) = find_stagings(part.parent, part.name)
        ck = staging.path / "checkpoint"
        res["checkpoint_bytes"] = sum(p.stat().st_size for p in ck.iterdir())
        t = time.perf_counter()
        read_checkpoint(staging.path, sim2.settings.fingerprint(), sim2.n_steps, 12)
        res["resume_check_seconds"] = round(time.perf_counter() - t, 3)
    return res


def sha256_gb_per_s() -> float:
    data = os.urandom(1 << 28)
    t = time.perf_counter()
    hashlib.sha256(data).digest()
    return round(len(data) / (time.perf_counter() - t) / 1e9, 2)


def _child(scale: float, seed: int, src: str | None, measure_resume: bool) -> dict:
    work = Path(tempfile.mkdtemp(prefix="purgetoll-bench-folders-"))
    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = src
    try:
        return run_child(__file__, ["--one", str(scale), "--out", str(work / "run"), "--seed", str(seed)]
                         + (["--resume-check"] if measure_resume else []), env=env)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[0.1])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--baseline-src", help="src/ folder of the code to compare with (PYTHONPATH)")
    parser.add_argument("--one", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--resume-check", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(one(args.one, args.out, args.seed, args.resume_check)))
        return
    rows = []
    for scale in args.scales:
        for rep in range(args.repeats):
            for label, src in [("now", None)] + ([("baseline", args.baseline_src)] if args.baseline_src else []):
                res = {"scale": scale, "code": label, "repeat": rep,
                       **_child(scale, args.seed, src, measure_resume=label == "now" and rep == 0)}
                rows.append(res)
                print(f"scale {scale:<5} {label:<8} run {res['run_seconds']:>7.1f} s  cpu {res['cpu_seconds']:>6.1f} s  checkpoints "
                      f"{res['checkpoint_seconds']:>6.2f} s  events {res['events_seconds']:>5.2f} s  "
                      + (f"verify {res['verify_seconds']:.2f} s  resume check {res['resume_check_seconds']:.2f} s  "
                         if "verify_seconds" in res else "")
                      + f"load {res['loadavg_before'][0]:.1f}", flush=True)
    report = {
        "benchmark": "purgetoll.folders: cost of checksums, staging and locks on a demography-only run "
                     f"{START} to {END}",
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                    "sha256_gb_per_s": sha256_gb_per_s()},
        "baseline_src": args.baseline_src,
        "runs": rows,
    }
    out = HERE / "results" / "folders.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    from purgetoll.atomic import atomic_file

    with atomic_file(out) as fh:
        fh.write(json.dumps(report, indent=1) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()

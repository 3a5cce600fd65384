"""Benchmark: 10,000 Monte Carlo draws of a 1939 -> 1959 single-year projection by sex.

Issue 3's target: under 5 seconds on the 2-core machine. Each draw has its own under-registration
correction, heaping strength and annexed-territory scale; the base is ADH 1 Jan 1939 in 1946
borders, projected to the 1959 census date (20 whole years and a 14-day step) under the official
life tables interpolated by year. Also times the full ``deficit`` (projection + observed + cohort
aggregation + intervals). Prints a table and writes ``bench/results/demography.json`` with the
load average (other developers share the machine).

Run: ``.venv/bin/python bench/bench_demography.py [--draws 10000] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

from purgetoll.atomic import atomic_file
from purgetoll.demography.corrections import DEFAULT_CORRECTIONS
from purgetoll.demography.endpoints import endpoint_draws, resolve
from purgetoll.demography.intercensal import deficit
from purgetoll.demography.montecarlo import batch_qx_at, draw_inputs
from purgetoll.demography.projection import project_arrays

RESULTS = Path(__file__).parent / "results" / "demography.json"


def projection_draws(n: int, seed: int = 0) -> tuple[float, float, np.ndarray]:
    """Seconds to build the n bases, seconds to project them; the projected totals by sex."""
    start, end = resolve("adh:1939"), resolve("census:1959")
    t0 = time.perf_counter()
    d = draw_inputs(n, seed)
    base, _ = endpoint_draws(start, d, DEFAULT_CORRECTIONS)
    qx_at = batch_qx_at(d.infant_qx_multiplier, d.hazard_multiplier_age1plus)
    t1 = time.perf_counter()
    r = project_arrays(base, start.t, end.t, qx_at)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, r.population.sum(-1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    projection_draws(10)  # warm the data caches (bundled tables read once)
    runs = []
    for _ in range(args.repeat):
        load = os.getloadavg()[0]
        cpu = time.process_time()
        setup, proj, totals = projection_draws(args.draws)
        cpu = time.process_time() - cpu
        runs.append({"setup_s": setup, "projection_s": proj, "total_s": setup + proj, "cpu_s": cpu, "loadavg_1min": load})
    t = time.perf_counter()
    deficit("adh:1939", "census:1959", draws=args.draws)
    deficit_s = time.perf_counter() - t
    best = min(runs, key=lambda r: r["total_s"])
    out = {
        "benchmark": "monte carlo 1939->1959 single-year projection by sex",
        "draws": args.draws,
        "target_s": 5.0,
        "best_total_s": best["total_s"],
        "runs": runs,
        "deficit_full_s": deficit_s,
        "male_total_1959_median": float(np.median(totals[:, 0])),
        "female_total_1959_median": float(np.median(totals[:, 1])),
        "loadavg_end": os.getloadavg(),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
    }
    print(f"{'run':>4} {'setup s':>9} {'project s':>10} {'total s':>9} {'cpu s':>7} {'load':>6}")
    for i, r in enumerate(runs):
        print(f"{i:>4} {r['setup_s']:>9.3f} {r['projection_s']:>10.3f} {r['total_s']:>9.3f} {r['cpu_s']:>7.3f} {r['loadavg_1min']:>6.2f}")
    print(f"best {best['total_s']:.3f} s for {args.draws} draws (target < 5 s); full deficit() {deficit_s:.2f} s")
    with atomic_file(RESULTS) as fh:
        json.dump(out, fh, indent=1)
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()

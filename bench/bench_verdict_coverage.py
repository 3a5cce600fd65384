"""Benchmark: the verdict on worlds whose truth is known (coverage, false exclusion, power).

For each scenario, ``--worlds`` synthetic worlds (``purgetoll.verdict.coverage``): errors drawn from the
error model, the world's 1939 census built from them and from one run of the scenario (its ensemble of
``--seeds`` runs at ``--scale`` shared across its worlds), the census read as the real one and every
scenario judged. Prints, per scenario and measure: coverage of the implied toll's 95% interval (target
90-98%), how often the true scenario is excluded (target at most 5%), how often each other scenario is
(power; conquest_1968 on men 20-59 in archival worlds: target at least 80%), and writes
``bench/results/verdict_coverage.json`` (summary, per-world rows, settings, load average).

Run: ``.venv/bin/python bench/bench_verdict_coverage.py [--worlds 200] [--scale 0.01] [--seeds 3]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import pandas as pd

from purgetoll.atomic import atomic_file
from purgetoll.scenarios import bundled_names
from purgetoll.verdict.coverage import coverage_study

RESULTS = Path(__file__).parent / "results" / "verdict_coverage.json"
SCENARIOS = ("archival", "teplyakov", "ellman_2002", "conquest_1968", "conquest_1990", "no_terror")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--worlds", type=int, default=200)
    ap.add_argument("--scale", type=float, default=0.01)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--pool", type=int, default=40_000, help="prior draws shared by every world")
    ap.add_argument("--draws", type=int, default=8000, help="draws from a proposal, for a world the pool serves badly")
    ap.add_argument("--scenarios", nargs="*", default=[s for s in SCENARIOS if s in bundled_names()])
    args = ap.parse_args()
    load0 = os.getloadavg()
    t0 = time.perf_counter()
    study = coverage_study(list(args.scenarios), worlds=args.worlds, scale=args.scale, seeds=args.seeds,
                           draws=args.draws, pool=args.pool, progress=True)
    seconds = time.perf_counter() - t0
    s = study.summary
    pd.set_option("display.width", 220)
    cols = ["truth", "sex", "ages", "worlds", "coverage", "true_excluded", "no_interval"] + \
        [c for c in s.columns if c.startswith("excluded_")]
    print(s[cols].to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    arch = s[(s["truth"] == "archival") & (s["sex"] == "male") & (s["ages"] == "20-59")]
    if len(arch) and "excluded_conquest_1968" in arch:
        print(f"\npower: conquest_1968 excluded on men 20-59 in {arch['excluded_conquest_1968'].iloc[0]:.1%} of "
              "archival worlds (target >= 80%)")
    print(f"{seconds:.0f} s ({study.settings['seconds_runs']:.0f} s of runs), load {load0[0]:.1f} -> "
          f"{os.getloadavg()[0]:.1f}")
    out = {"bench": "verdict_coverage", "settings": study.settings, "seconds": seconds,
           "loadavg_1min_start": load0[0], "loadavg_1min_end": os.getloadavg()[0], "machine": platform.machine(),
           "python": platform.python_version(), "targets": {"coverage": [0.90, 0.98], "true_excluded_max": 0.05,
                                                             "power_conquest_1968_men_20_59_archival_min": 0.80},
           "summary": s.to_dict(orient="records"),
           "worlds": study.worlds.to_dict(orient="records")}
    RESULTS.parent.mkdir(exist_ok=True)
    with atomic_file(RESULTS, "w") as fh:
        json.dump(out, fh, indent=1, default=str)
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()

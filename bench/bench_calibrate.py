"""Benchmark of the calibration: a full ABC-SMC of the mechanism on Dask, and coverage on a known truth.

1. **Full calibration** (``--part full``): ``purgetoll calibrate run``'s work, a budget of 5,000
   simulations (``--simulations``; kept: at most that many are made, noise replicates included, and
   the generations' sizes, shrunk or skipped for the budget, are reported) of the archival scenario in
   mechanism mode at scale 0.001, on a Dask LocalCluster
   (``--workers``, default 2), with the posterior predictive (200 draws at 0.001, 40 of them again at
   0.01). Target (issue 12): the calibration within 30 minutes on the 2-core machine. Checked: the
   95% posterior predictive intervals contain the archival arrests, death sentences and Gulag deaths
   of 1937 and 1938; the held-out coverage; 0.001 against 0.01. The calibration is stored in
   ``--out`` (default ``runs/bench_calibration``) for the report (``purgetoll run --calibration``).
2. **Reproducibility across workers** (``--part workers``): a small calibration of the mechanism on a
   LocalCluster of 1 worker and of 2 workers: the posterior tables must be identical bit for bit.
3. **Coverage on a known truth** (``--part toy``): the toy machine (``purgetoll.calibrate.toy``)
   makes ``--datasets`` synthetic archives at its known parameters; each is calibrated at scale
   0.001 like the real one; the share of 95% credible intervals that contain the truth, by
   parameter.

    .venv/bin/python bench/bench_calibrate.py                     # all three
    .venv/bin/python bench/bench_calibrate.py --part toy --datasets 20

Prints a table and writes bench/results/calibrate.json with the load average before and after each
part (the machine is shared by other developers: timings taken under load are slower).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from _child import loadavg

HERE = Path(__file__).resolve().parent
KEY_CHECKS = ("arrests_1937", "arrests_1938", "death_sentences_1937", "death_sentences_1938", "gulag_deaths_1937",
              "gulag_deaths_1938")


def _children_cpu() -> float:
    """CPU seconds (user + system) of this process's children and theirs: the Dask workers' work."""
    import psutil

    total = 0.0
    for child in psutil.Process().children(recursive=True):
        try:
            t = child.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total


def _commit() -> str:
    return subprocess.run(["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"], capture_output=True,
                          text=True).stdout.strip()


def full(args: argparse.Namespace) -> dict:
    from purgetoll.calibrate.fit import Calibration
    from purgetoll.calibrate.mechanism import MechanismSimulator
    from purgetoll.calibrate.result import run_calibration
    from purgetoll.calibrate.store import save_calibration
    from purgetoll.ensemble import dask_mapper

    load_before = loadavg()
    t0 = time.perf_counter()
    cal = Calibration(MechanismSimulator(args.scenario), scale=0.001, simulations=args.simulations,
                      population_size=args.population, seed=args.seed, noise_replicates=20)
    cpu_fit = {}

    def stage(name: str, t: int, n: int) -> None:  # worker CPU seconds when the predictive starts
        if name == "posterior predictive":
            cpu_fit["seconds"] = _children_cpu()
            cpu_fit["wall"] = time.perf_counter() - t0

    with dask_mapper(workers=args.workers) as mapper:
        workers = mapper.n_workers
        result = run_calibration(cal, mapper=mapper, predictive_draws=200, scale_draws=40, high_scale=0.01,
                                 on_stage=stage)
        cpu_all = _children_cpu()
    wall = time.perf_counter() - t0
    load_after = loadavg()
    out = save_calibration(result, args.out, force=True,
                           command=["python", "bench/bench_calibrate.py", "--part", "full", "--simulations",
                                    str(args.simulations), "--population", str(args.population), "--seed",
                                    str(args.seed), "--workers", str(args.workers)],
                           workers=f"{workers} (Dask LocalCluster)")
    d = result.diagnostics
    check = result.tables["predictive_check"].set_index("name")
    params = result.tables["parameters"]
    toll = result.tables["toll"]
    return {
        "kind": "full", "scenario": args.scenario, "scale": 0.001, "seed": args.seed, "population": args.population,
        "budget": args.simulations, "workers": workers, "commit": _commit(), "stored": str(out),
        "simulations": d["simulations"], "simulations_fit": d["simulations_fit"],
        "within_budget": d["simulations"] <= args.simulations,
        "generations": d["generations"], "stopped_because": d["stopped_because"],
        "generation_sizes": d["generation_sizes"], "budget_notes": d["budget_notes"],
        "wall_seconds": round(wall, 1), "seconds": {k: (round(v, 1) if isinstance(v, float) else v)
                                                    for k, v in result.seconds.items() if k != "generations"},
        "fit_seconds": round(result.seconds["fit"], 1), "seconds_per_simulation_per_worker":
            round(result.seconds["fit"] * workers / max(d["simulations_fit"] + d["simulations_noise"], 1), 3),
        "worker_cpu_seconds_fit": round(cpu_fit.get("seconds", float("nan")), 1),
        "worker_cpu_seconds_all": round(cpu_all, 1),
        "cpu_seconds_per_simulation": round(cpu_fit.get("seconds", float("nan"))
                                            / max(d["simulations_fit"] + d["simulations_noise"], 1), 3),
        "fit_wall_if_cores_free_estimate_seconds": round(cpu_fit.get("seconds", float("nan")) / max(workers, 1), 1),
        "load_before": load_before, "load_after": load_after,
        "final_epsilon": d["final_epsilon"], "final_ess": d["final_ess"],
        "generations_table": result.tables["generations"].to_dict(orient="records"),
        "key_checks": {n: {"archive": float(check.loc[n, "observed"]), "lower_95": float(check.loc[n, "lower_95"]),
                           "upper_95": float(check.loc[n, "upper_95"]), "sim_median": float(check.loc[n, "sim_median"]),
                           "inside": bool(check.loc[n, "inside"]) if check.loc[n, "inside"] is not None else None}
                       for n in KEY_CHECKS},
        "fitted_inside": d["fitted_inside"], "held_out_coverage": d["held_out_coverage"],
        "held_out": [{"name": r.name, "archive": r.observed, "lower_95": r.lower_95, "upper_95": r.upper_95,
                      "inside": r.inside} for r in result.tables["predictive_check"].itertuples() if r.role == "held_out"],
        "scale_agreement": d["scale_agreement"],
        "parameters": params[["parameter", "estimate", "lower_95", "upper_95", "unit", "prior_low",
                              "prior_high"]].to_dict(orient="records"),
        "toll": toll[toll["sex"] == "all"][["label", "estimate", "lower_95", "upper_95"]].to_dict(orient="records"),
        "mechanism_claims": result.tables["mechanism_claims"][["quantity", "estimate", "lower_95",
                                                               "upper_95"]].to_dict(orient="records"),
    }


def _digest(tables: dict) -> str:
    h = hashlib.sha256()
    for name in ("posterior", "generations", "statistics"):
        h.update(tables[name].to_csv(index=False).encode())
    return h.hexdigest()


def workers_part(args: argparse.Namespace) -> dict:
    from purgetoll.calibrate.fit import Calibration
    from purgetoll.calibrate.mechanism import MechanismSimulator
    from purgetoll.ensemble import dask_mapper

    out = {"kind": "workers", "load_before": loadavg(), "digests": {}, "seconds": {}}
    for n in (1, 2):
        t0 = time.perf_counter()
        cal = Calibration(MechanismSimulator(args.scenario), scale=0.001, simulations=220, population_size=40,
                          seed=args.seed, noise_replicates=4)
        with dask_mapper(workers=n) as mapper:
            cal.fit(mapper)
        out["seconds"][str(n)] = round(time.perf_counter() - t0, 1)
        out["digests"][str(n)] = _digest({"posterior": cal.posterior_, "generations": cal.generations_,
                                          "statistics": cal.statistics_})
    out["identical"] = len(set(out["digests"].values())) == 1
    out["load_after"] = loadavg()
    return out


def toy(args: argparse.Namespace) -> dict:
    from purgetoll.calibrate.fit import Calibration
    from purgetoll.calibrate.toy import TOY_TRUTH, ToyMachine, toy_statistics

    load_before = loadavg()
    t0 = time.perf_counter()
    hits = {k: 0 for k in TOY_TRUTH}
    have = {k: 0 for k in TOY_TRUTH}
    widths = {k: [] for k in TOY_TRUTH}
    for i in range(args.datasets):
        cal = Calibration(ToyMachine(), statistics=toy_statistics(1000 + i), scale=0.001, simulations=args.toy_simulations,
                          population_size=250, seed=2000 + i, noise_replicates=10).fit()
        s = cal.summary().set_index("parameter")
        for k, truth in TOY_TRUTH.items():
            lo, hi = s.loc[k, "lower_95"], s.loc[k, "upper_95"]
            if lo == lo and hi == hi:
                have[k] += 1
                hits[k] += int(lo <= truth <= hi)
                widths[k].append((hi - lo) / (s.loc[k, "prior_high"] - s.loc[k, "prior_low"]))
    return {"kind": "toy", "datasets": args.datasets, "simulations_each": args.toy_simulations, "truth": TOY_TRUTH,
            "coverage": {k: hits[k] / have[k] if have[k] else None for k in TOY_TRUTH},
            "intervals": have, "mean_width_share_of_prior": {k: (sum(v) / len(v) if v else None)
                                                             for k, v in widths.items()},
            "wall_seconds": round(time.perf_counter() - t0, 1), "load_before": load_before, "load_after": loadavg()}


def _print(results: list[dict]) -> None:
    for r in results:
        if r["kind"] == "full":
            sizes = ", ".join(f"{g['generation']}: {g['particles']} {g['status']}" for g in r["generation_sizes"])
            print(f"\nbudget {r['budget']}: {r['simulations']} simulations made; generations' particles {sizes}")
            print(f"\nfull calibration: {r['simulations']} simulations ({r['simulations_fit']} in ABC-SMC, "
                  f"{r['generations']} generations, {r['workers']} Dask workers) in {r['fit_seconds']:.0f} s; "
                  f"workers' CPU {r['worker_cpu_seconds_fit']:.0f} s ({r['cpu_seconds_per_simulation']:.2f} s a "
                  f"simulation: {r['fit_wall_if_cores_free_estimate_seconds']:.0f} s with the cores free) "
                  f"(whole job with predictive and scale check {r['wall_seconds']:.0f} s); load {r['load_before']} -> "
                  f"{r['load_after']}; {r['stopped_because']}")
            print(f"{'statistic':28s} {'archive':>12s} {'95% predictive interval':>30s}  inside")
            for n, c in r["key_checks"].items():
                print(f"{n:28s} {c['archive']:12,.0f} [{c['lower_95']:12,.0f}, {c['upper_95']:12,.0f}]  {c['inside']}")
            cov = r["held_out_coverage"]
            print(f"held-out coverage {cov['inside']}/{cov['checked']}; fitted inside {r['fitted_inside']['inside']}/"
                  f"{r['fitted_inside']['checked']}")
            sa = r["scale_agreement"]
            if sa:
                print(f"0.001 vs {sa['high_scale']}: {sa['agree']}/{sa['quantities']} agree (max |z| {sa['max_abs_z']:.2f})")
            for p in r["parameters"]:
                digits = ".6g" if p["unit"] == "YYYYMM" else ".4g"  # a month: all six digits
                print(f"  {p['parameter']:60s} {p['estimate']:12{digits}} [{p['lower_95']:{digits}}, "
                      f"{p['upper_95']:{digits}}]")
            for t in r["toll"]:
                print(f"  {t['label']:50s} {t['estimate']:12,.0f} [{t['lower_95']:,.0f}, {t['upper_95']:,.0f}]")
        elif r["kind"] == "workers":
            print(f"\nreproducibility: 1 worker {r['digests']['1'][:12]}, 2 workers {r['digests']['2'][:12]}: "
                  f"identical={r['identical']} ({r['seconds']})")
        else:
            print(f"\ntoy coverage over {r['datasets']} synthetic archives ({r['simulations_each']} simulations each, "
                  f"{r['wall_seconds']:.0f} s, load {r['load_before']} -> {r['load_after']}):")
            for k, c in r["coverage"].items():
                print(f"  {k:40s} coverage {c:.2f} of {r['intervals'][k]} intervals, mean width "
                      f"{r['mean_width_share_of_prior'][k]:.2f} of the prior")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--part", choices=("all", "full", "workers", "toy"), default="all")
    ap.add_argument("--scenario", default="archival")
    ap.add_argument("--simulations", type=int, default=5000)
    ap.add_argument("--population", type=int, default=400)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--datasets", type=int, default=40)
    ap.add_argument("--toy-simulations", type=int, default=1500)
    ap.add_argument("--out", default="runs/bench_calibration")
    args = ap.parse_args()
    results = []
    if args.part in ("all", "workers"):
        results.append(workers_part(args))
    if args.part in ("all", "toy"):
        results.append(toy(args))
    if args.part in ("all", "full"):
        results.append(full(args))
    _print(results)
    path = HERE / "results" / "calibrate.json"
    old = json.loads(path.read_text()) if path.exists() else {}
    parts = {p["kind"]: p for p in old.get("parts", [])}
    for r in results:
        if r["kind"] in parts:
            old.setdefault("superseded", []).append(parts[r["kind"]])
        parts[r["kind"]] = r
    doc = {"benchmark": "calibrate", "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0],
                                                 "platform": platform.platform()},
           "targets": {"full": "at least 5,000 simulations within 30 minutes on 2 cores (issue 12)",
                       "key_checks": "95% predictive intervals contain arrests, death sentences, Gulag deaths 1937-38"},
           "parts": list(parts.values()), "superseded": old.get("superseded", [])[-5:]}
    path.write_text(json.dumps(doc, indent=1, default=str) + "\n")
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()

"""The scale check of a stored calibration, paired: its draws at the high scale rerun at the low one.

``python bench/bench_scale_pairs.py CALIBRATION [--draws N] [--rerun-high] [--label TEXT]`` reads the
calibration's ``scale_draws`` table (parameters, particle and seed of each draw at the high scale),
runs the same parameters and seeds at the calibration's scale (``simulate_summaries``) and prints the
paired agreement (``scale_agreement``) and one JSON line: quantities, how many agree, the largest |z|,
the load. The line is also added to ``bench/results/scale_pairs.json`` (with the table, the commit and
``--label``). ``--rerun-high`` runs the high scale's draws again too (same parameters and seeds) with
the code as it is: the stored high-scale results were made by the code of the calibration, so after a
change of the mechanisms only this compares like with like (about 4 s a draw at 0.01).

Why: a calibration stored before the check paired its draws compared the first draws of the
predictive resample (the first particles only) with other particles at 0.01, so its 'disagreements'
(27 of 59 in /tmp/cal/bench_full) were mostly the posterior's spread; this reruns the true pairs.
About 0.4 s a draw at 0.001.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import time
from pathlib import Path

import pandas as pd

from _child import loadavg
from purgetoll.calibrate.predictive import scale_agreement
from purgetoll.calibrate.store import load_calibration
from purgetoll.scenarios.summaries import simulate_summaries

RESULTS = Path(__file__).parent / "results" / "scale_pairs.json"


def _commit() -> str:
    """The checkout's commit (short), with ``+`` when the work tree has changes."""
    here = Path(__file__).parent
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=here, capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=here, capture_output=True,
                           text=True).stdout.strip()
    return head + ("+" if dirty else "")


def _run(high: pd.DataFrame, params: list[str], scale: float) -> pd.DataFrame:
    """The summaries of ``high``'s draws (parameters and seeds) at ``scale``."""
    rows = []
    for r in high.itertuples(index=False):
        values = {k: float(high.loc[high["draw"] == r.draw, k].iloc[0]) for k in params}
        rows.append({"draw": r.draw, "particle": r.particle, "seed": r.seed,
                     **simulate_summaries(values, int(r.seed), scale=scale)})
    return pd.DataFrame(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("calibration")
    ap.add_argument("--draws", type=int, default=40)
    ap.add_argument("--rerun-high", action="store_true", help="run the high scale's draws again with this code")
    ap.add_argument("--label", default="", help="what the run is for (kept in the results)")
    a = ap.parse_args()
    res = load_calibration(a.calibration)
    high = res.tables["scale_draws"].sort_values("draw").head(a.draws)
    low_scale = float(res.tables["predictive_draws"]["scale"].iloc[0])
    params = [c for c in high.columns if "." in c]
    high_scale = float(high["scale"].iloc[0]) if "scale" in high.columns else 0.01
    t0, before = time.perf_counter(), loadavg()
    low = _run(high, params, low_scale)
    if a.rerun_high:
        high = _run(high, params, high_scale).assign(scale=high_scale)
    names = [n for n in res.tables["scale_agreement"]["name"] if n in low.columns]
    agree = scale_agreement(low, high, names)
    with pd.option_context("display.width", 200, "display.max_rows", 200):
        print(agree.to_string(index=False))
    ok = agree["agree"].dropna().astype(bool)
    line = {"calibration": a.calibration, "draws": len(high), "low_scale": low_scale, "high_scale": high_scale,
            "high_rerun": a.rerun_high, "commit": _commit(), "label": a.label,
            "quantities": int(ok.size), "agree": int(ok.sum()),
            "max_abs_z": float(agree["z"].abs().max()), "seconds": round(time.perf_counter() - t0, 1),
            "loadavg_before": before, "loadavg_after": loadavg()}
    print(json.dumps(line))
    runs = json.loads(RESULTS.read_text())["runs"] if RESULTS.exists() else []
    runs.append({**line, "table": agree.to_dict(orient="records")})
    RESULTS.write_text(json.dumps({"bench": "bench/bench_scale_pairs.py: a stored calibration's scale check, paired",
                                   "runs": runs}, indent=1, default=float) + "\n")


if __name__ == "__main__":
    main()

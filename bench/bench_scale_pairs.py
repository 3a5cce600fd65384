"""The scale check of a stored calibration, paired: its draws at the high scale rerun at the low one.

``python bench/bench_scale_pairs.py CALIBRATION [--draws N]`` reads the calibration's ``scale_draws``
table (parameters, particle and seed of each draw at the high scale), runs the same parameters and
seeds at the calibration's scale (``simulate_summaries``) and prints the paired agreement
(``scale_agreement``) and one JSON line: quantities, how many agree, the largest |z|, the load.

Why: a calibration stored before the check paired its draws compared the first draws of the
predictive resample (the first particles only) with other particles at 0.01, so its 'disagreements'
(27 of 59 in /tmp/cal/bench_full) were mostly the posterior's spread; this reruns the true pairs.
About 0.4 s a draw at 0.001.
"""

from __future__ import annotations

import argparse
import json
import time

import pandas as pd

from _child import loadavg
from purgetoll.calibrate.predictive import scale_agreement
from purgetoll.calibrate.store import load_calibration
from purgetoll.scenarios.summaries import simulate_summaries


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("calibration")
    ap.add_argument("--draws", type=int, default=40)
    a = ap.parse_args()
    res = load_calibration(a.calibration)
    high = res.tables["scale_draws"].sort_values("draw").head(a.draws)
    low_scale = float(res.tables["predictive_draws"]["scale"].iloc[0])
    params = [c for c in high.columns if "." in c]
    t0, before = time.perf_counter(), loadavg()
    rows = []
    for r in high.itertuples(index=False):
        values = {k: float(high.loc[high["draw"] == r.draw, k].iloc[0]) for k in params}
        rows.append({"draw": r.draw, "particle": r.particle, "seed": r.seed,
                     **simulate_summaries(values, int(r.seed), scale=low_scale)})
    low = pd.DataFrame(rows)
    names = [n for n in res.tables["scale_agreement"]["name"] if n in low.columns]
    agree = scale_agreement(low, high, names)
    with pd.option_context("display.width", 200, "display.max_rows", 200):
        print(agree.to_string(index=False))
    ok = agree["agree"].dropna().astype(bool)
    print(json.dumps({"calibration": a.calibration, "draws": len(high), "low_scale": low_scale,
                      "quantities": int(ok.size), "agree": int(ok.sum()),
                      "max_abs_z": float(agree["z"].abs().max()), "seconds": round(time.perf_counter() - t0, 1),
                      "loadavg_before": before, "loadavg_after": loadavg()}))


if __name__ == "__main__":
    main()

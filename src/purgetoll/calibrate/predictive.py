"""The posterior predictive: runs at posterior draws, checked against the archive and across scales.

* :func:`posterior_predictive`: ``draws`` particles resampled by weight (keyed), each run once with
  the seed ``derive_seed(seed, "predictive", j)`` at a given scale; one row per draw with the
  parameters and every summary the simulator returns.
* :func:`predictive_check`: for each archival statistic (fitted and held out), the posterior
  predictive of the simulated figure (median and 95% interval) and of the archival figure itself
  (the simulated figure plus the archive's own error, a normal with the statistic's sd, drawn
  keyed, kept within the quantity's bounds: 0 and above, shares at most 1), whether the archive falls inside the latter, and a standardised residual. The *coverage*
  of the held-out statistics is the share of them inside their 95% interval (about 95% expected if
  the model and the stated uncertainties are right).
* :func:`scale_agreement`: the same particles run at two scales (0.001 and 0.01); per summary, the
  mean of the paired differences and its Monte Carlo standard error (sd / sqrt(draws)): the scales
  agree when the difference is within two standard errors.
* :func:`posterior_quantities`: the toll and the mechanism's own quantities, as intervals.

Intervals follow :mod:`purgetoll.intervals`: quantiles from at least 200 draws, otherwise none.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from purgetoll.calibrate.keys import seed_words
from purgetoll.calibrate.sampler import Mapper, serial_map
from purgetoll.calibrate.simulator import SimulationError, Simulator
from purgetoll.intervals import MIN_DRAWS_QUANTILE, quantile_interval

__all__ = ["posterior_predictive", "predictive_check", "held_out_coverage", "scale_agreement", "spread_draws",
           "posterior_quantities", "CHECK_COLUMNS", "AGREEMENT_COLUMNS", "QUANTITY_COLUMNS"]

CHECK_COLUMNS = ("name", "role", "group", "observed", "sd_archive", "produced", "sim_median", "sim_lower_95",
                 "sim_upper_95", "lower_95", "upper_95", "inside", "z", "draws", "method")
AGREEMENT_COLUMNS = ("name", "mean_low_scale", "mean_high_scale", "difference", "se", "z", "agree", "draws")
QUANTITY_COLUMNS = ("quantity", "estimate", "lower_95", "upper_95", "draws", "method")
_META = ("draw", "particle", "seed", "scale")


def _one(shared: tuple[Simulator, float], job: tuple[int, int, dict[str, float], int]) -> dict[str, float]:
    simulator, scale = shared
    j, particle, values, seed = job
    try:
        out = simulator(values, seed, scale)
    except Exception as exc:  # noqa: BLE001 - re-raised with the run's coordinates
        raise SimulationError(f"posterior predictive draw {j} (particle {particle}) failed at values {values}, "
                              f"seed {seed}, scale {scale}: {type(exc).__name__}: {exc}") from exc
    return {"draw": j, "particle": particle, "seed": seed, "scale": scale, **values,
            **{k: float(v) for k, v in out.items()}}


def posterior_predictive(calibration, draws: int, *, scale: float | None = None,
                         mapper: Mapper = serial_map, only: Sequence[int] | None = None) -> pd.DataFrame:
    """``draws`` keyed runs at posterior particles (see the module docstring); ``scale`` defaults to
    the calibration's. Draw ``j`` of ``draws`` has the same particle and seed at every scale (paired);
    ``only`` runs just those draw numbers of the ``draws`` (the particles a resample of ``draws`` gives
    are not those of a smaller resample: a paired check must name its draws, not ask for fewer)."""
    if not (isinstance(draws, int) and draws >= 1):
        raise ValueError(f"draws must be a positive integer; got {draws!r}")
    scale = calibration.scale if scale is None else scale
    idx = calibration.resample(draws)
    post = calibration.posterior_
    names = [p.name for p in calibration.priors_]
    wanted = range(draws) if only is None else sorted({int(j) for j in only})
    if wanted and not (min(wanted) >= 0 and max(wanted) < draws):
        raise ValueError(f"only: draw numbers must be in [0, {draws}); got {list(wanted)}")
    jobs = [(j, int(idx[j]), {n: float(post[n].iloc[int(idx[j])]) for n in names}, calibration.draw_seed(j))
            for j in wanted]
    rows = mapper(_one, (calibration.simulator, float(scale)), jobs)
    df = pd.DataFrame(rows)
    df.attrs["scale"] = scale
    return df


def spread_draws(draws: int, n: int) -> list[int]:
    """``n`` draw numbers spread evenly over ``0..draws-1`` (the resample is in particle order, so the
    first ``n`` draws would be the first particles only, not a sample of the posterior)."""
    n = max(0, min(int(n), int(draws)))
    return sorted({int(k * draws // n) for k in range(n)}) if n else []


def predictive_check(draws: pd.DataFrame, statistics: pd.DataFrame, seed: int, level: float = 0.95,
                     min_draws: float = MIN_DRAWS_QUANTILE) -> pd.DataFrame:
    """One row per statistic: the posterior predictive against the archive (see the module docstring).

    ``min_draws`` is the fewest draws for an interval (the project's rule, :mod:`purgetoll.intervals`;
    only a smoke test lowers it, and says so)."""
    rng = np.random.default_rng(seed_words(seed, "predictive-check", len(draws)))
    rows = []
    for st in statistics.itertuples(index=False):
        row = {"name": st.name, "role": st.role, "group": getattr(st, "group", ""), "observed": float(st.value),
               "sd_archive": float(st.sd), "produced": st.name in draws.columns}
        z_noise = rng.standard_normal(len(draws))  # drawn for every statistic, so each keeps its stream
        if not row["produced"]:
            rows.append({**row, "inside": None, "method": "not produced by the simulator"})
            continue
        x = draws[st.name].to_numpy(float)
        ok = np.isfinite(x)
        if ok.sum() == 0:
            rows.append({**row, "inside": None, "draws": 0, "method": "no draw could compute it"})
            continue
        sim = quantile_interval(x[ok], level=level, min_draws=min_draws)
        # the archive's error is normal, but a count, a duration or a share it could have printed stays
        # within the quantity's bounds
        high = 1.0 if getattr(st, "unit", "") == "share" else np.inf
        recorded = np.clip(x[ok] + float(st.sd) * z_noise[ok], 0.0, high)
        obs = quantile_interval(recorded, level=level, min_draws=min_draws)
        sd_sim = float(np.std(x[ok], ddof=1)) if ok.sum() > 1 else 0.0
        z = (float(st.value) - float(np.mean(x[ok]))) / math.sqrt(sd_sim ** 2 + float(st.sd) ** 2)
        inside = bool(obs.lower <= float(st.value) <= obs.upper) if obs.exists else None
        rows.append({**row, "sim_median": sim.estimate, "sim_lower_95": sim.lower, "sim_upper_95": sim.upper,
                     "lower_95": obs.lower, "upper_95": obs.upper, "inside": inside, "z": z, "draws": int(ok.sum()),
                     "method": f"posterior predictive of the archival figure (simulation + archival error); "
                               f"{obs.describe()}"})
    out = pd.DataFrame(rows, columns=list(CHECK_COLUMNS))
    out["inside"] = out["inside"].astype("object")
    return out


def held_out_coverage(check: pd.DataFrame) -> dict[str, float | int]:
    """Share of the held-out statistics inside their 95% predictive interval (those with an interval)."""
    held = check[(check["role"] == "held_out") & check["inside"].notna()]
    n = len(held)
    inside = int(held["inside"].astype(bool).sum())
    return {"held_out": int((check["role"] == "held_out").sum()), "checked": n, "inside": inside,
            "coverage": inside / n if n else math.nan,
            "not_produced": int(((check["role"] == "held_out") & ~check["produced"].astype(bool)).sum())}


def scale_agreement(low: pd.DataFrame, high: pd.DataFrame, names: Sequence[str] | None = None,
                    threshold: float = 2.0) -> pd.DataFrame:
    """Paired differences of the same draws at two scales (``high`` minus ``low``): mean, Monte Carlo
    se, ``z = difference / se``; ``agree`` when ``|z| <= threshold``. Rows are paired by ``draw``; a
    draw whose particle or seed differs between the two is an error (the difference would then mix the
    scale with the posterior's spread)."""
    common = low.merge(high, on="draw", suffixes=("_low", "_high"))
    for key in ("particle", "seed"):
        if f"{key}_low" in common.columns and f"{key}_high" in common.columns:
            bad = common[common[f"{key}_low"] != common[f"{key}_high"]]
            if len(bad):
                raise ValueError(f"scale_agreement: draws {bad['draw'].tolist()[:5]} have a different {key} at the two "
                                 f"scales; the check needs the same draws (posterior_predictive(..., only=...))")
    if names is None:
        names = [c for c in low.columns if c not in _META and c in high.columns
                 and pd.api.types.is_numeric_dtype(low[c])]
    rows = []
    for n in names:
        a, b = common[f"{n}_low"].to_numpy(float), common[f"{n}_high"].to_numpy(float)
        ok = np.isfinite(a) & np.isfinite(b)
        d = b[ok] - a[ok]
        if d.size < 2:
            rows.append({"name": n, "draws": int(d.size), "agree": None})
            continue
        se = float(np.std(d, ddof=1) / math.sqrt(d.size))
        diff = float(d.mean())
        z = diff / se if se > 0 else (0.0 if diff == 0 else math.inf)
        rows.append({"name": n, "mean_low_scale": float(a[ok].mean()), "mean_high_scale": float(b[ok].mean()),
                     "difference": diff, "se": se, "z": z, "agree": bool(abs(z) <= threshold), "draws": int(d.size)})
    return pd.DataFrame(rows, columns=list(AGREEMENT_COLUMNS))


def posterior_quantities(draws: pd.DataFrame, names: Sequence[str], level: float = 0.95) -> pd.DataFrame:
    """Median and 95% interval over the draws of each of ``names`` (absent or all-NaN: no interval)."""
    rows = []
    for n in names:
        if n not in draws.columns:
            rows.append({"quantity": n, "estimate": math.nan, "lower_95": math.nan, "upper_95": math.nan,
                         "draws": 0, "method": "not produced by the simulator"})
            continue
        x = draws[n].to_numpy(float)
        x = x[np.isfinite(x)]
        if x.size == 0:
            rows.append({"quantity": n, "estimate": math.nan, "lower_95": math.nan, "upper_95": math.nan,
                         "draws": 0, "method": "no draw could compute it"})
            continue
        iv = quantile_interval(x, level=level)
        rows.append({"quantity": n, "estimate": iv.estimate, "lower_95": iv.lower, "upper_95": iv.upper,
                     "draws": int(x.size), "method": f"posterior predictive; {iv.describe()}"})
    return pd.DataFrame(rows, columns=list(QUANTITY_COLUMNS))

"""A whole calibration as one result: the fit, its posterior predictive, its checks and what it implies.

:func:`run_calibration` is what ``purgetoll calibrate run`` and the benchmark call:

1. :class:`~purgetoll.calibrate.fit.Calibration` ``.fit`` (ABC-SMC at ``scale``);
2. ``predictive_draws`` posterior predictive runs at ``scale``
   (:func:`~purgetoll.calibrate.predictive.posterior_predictive`), checked against every archival
   statistic, fitted and held out (:func:`~purgetoll.calibrate.predictive.predictive_check`), with
   the held-out coverage;
3. the toll of 1937-38 (executed, died in prisons and transit, died in camps; by sex and age group)
   and the mechanism's answers to the seed's claims, as posterior predictive intervals;
4. ``scale_draws`` of the same draws (particles and seeds; spread evenly over the predictive draws,
   :func:`~purgetoll.calibrate.predictive.spread_draws`) at ``high_scale`` (0.01 by default) against
   their runs at ``scale``: do the two scales agree within Monte Carlo error
   (:func:`~purgetoll.calibrate.predictive.scale_agreement`), for every statistic, the toll's totals
   and the mechanism's quantities?

The :class:`CalibrationResult` holds every table (tidy DataFrames) and the settings; it is saved
and loaded by :mod:`purgetoll.calibrate.store`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from purgetoll.calibrate.fit import Calibration
from purgetoll.calibrate.predictive import (
    held_out_coverage,
    posterior_predictive,
    posterior_quantities,
    predictive_check,
    scale_agreement,
    spread_draws,
)
from purgetoll.calibrate.priors import prior_frame
from purgetoll.calibrate.sampler import Mapper, serial_map
from purgetoll.calibrate.summaries import AGE_GROUPS, CLAIM_SUMMARIES, TOLL_KINDS, toll_key
from purgetoll.errors import ScenarioError
from purgetoll.limits import check

__all__ = ["CalibrationResult", "run_calibration", "check_run", "toll_table", "claim_table", "PREDICTIVE_DEFAULTS"]

#: Posterior predictive runs by default: enough draws for a 95% interval (intervals module), and a
#: smaller paired set at the higher scale.
PREDICTIVE_DEFAULTS = {"predictive_draws": 200, "scale_draws": 40, "high_scale": 0.01}
_TOLL_LABELS = {"executed": "executed", "died_in_custody": "died in prisons and transit",
                "died_in_camps": "died in camps (every prisoner)",
                "died_in_camps_arrested": "died in camps (arrested in 1937-38)"}


@dataclass
class CalibrationResult:
    """Every table of a calibration and how it was made (see the module docstring)."""

    settings: dict[str, Any]
    simulator: dict[str, Any]
    tables: dict[str, pd.DataFrame]
    diagnostics: dict[str, Any]
    seconds: dict[str, Any] = field(default_factory=dict)
    #: How it was made, once stored: command, created (UTC), versions, the workers, the folder.
    made: dict[str, Any] = field(default_factory=dict)

    def table(self, name: str) -> pd.DataFrame:
        """One table by name (KeyError listing the tables)."""
        try:
            return self.tables[name]
        except KeyError:
            raise KeyError(f"no table {name!r}; tables are {sorted(self.tables)}") from None


def toll_table(draws: pd.DataFrame) -> pd.DataFrame:
    """The toll of 1937-38 as posterior predictive intervals: ``kind, label, sex, age_group`` and the
    quantity columns; ``sex`` and ``age_group`` are ``all`` on the totals."""
    keys, meta = [], []
    for kind in TOLL_KINDS:
        keys.append(toll_key(kind))
        meta.append((kind, "all", "all"))
        for sex in ("male", "female"):
            for lo, hi in AGE_GROUPS:
                keys.append(toll_key(kind, sex, (lo, hi)))
                meta.append((kind, sex, f"{lo}-{hi}" if hi is not None else f"{lo}+"))
    keys.append("toll_dead_1937_1938")
    meta.append(("dead", "all", "all"))
    q = posterior_quantities(draws, keys)
    q.insert(0, "kind", [m[0] for m in meta])
    q.insert(1, "label", [_TOLL_LABELS.get(m[0], "executed, died in prisons, transit and camps") for m in meta])
    q.insert(2, "sex", [m[1] for m in meta])
    q.insert(3, "age_group", [m[2] for m in meta])
    q.attrs["unit"] = "persons, 1937-1938"
    return q


def claim_table(draws: pd.DataFrame) -> pd.DataFrame:
    """The mechanism's answers to the seed's claims (:data:`CLAIM_SUMMARIES`) as intervals."""
    q = posterior_quantities(draws, list(CLAIM_SUMMARIES))
    q.insert(1, "description", [CLAIM_SUMMARIES[k] for k in q["quantity"]])
    return q


def check_run(calibration: Calibration, *, predictive_draws: int = 200, scale_draws: int = 40,
              high_scale: float | None = 0.01) -> None:
    """Refuse, before any work, a calibration whose settings are wrong (:class:`ScenarioError`, every
    problem) or beyond its declared limits (:class:`~purgetoll.errors.LimitError`): the fit's settings
    and the predictive runs, the scale check's ``high_scale`` under the limit ``calibrate_scale``."""
    problems = []
    for name, v in (("predictive_draws", predictive_draws), ("scale_draws", scale_draws)):
        if not (isinstance(v, int) and not isinstance(v, bool) and v >= 0):
            problems.append(f"{name} must be an integer >= 0; got {v!r}")
    if not problems and scale_draws > predictive_draws:
        problems.append(f"scale_draws ({scale_draws}) cannot exceed predictive_draws ({predictive_draws})")
    checked = high_scale is not None and scale_draws > 0
    if checked and not (isinstance(high_scale, int | float) and 0 < high_scale <= 1):
        problems.append(f"high_scale must be in (0, 1] (agents per person); got {high_scale!r}")
    if problems:
        raise ScenarioError("calibration settings", problems)
    calibration.check_settings()
    if checked:
        check("calibrate_scale", float(high_scale or 0), calibration.limits,
              job=f"scale check of {scale_draws} posterior draws at scale {high_scale:g}",
              advice="use a smaller scale (--high-scale)")


def run_calibration(calibration: Calibration, *, mapper: Mapper = serial_map, predictive_draws: int = 200,
                    scale_draws: int = 40, high_scale: float | None = 0.01,
                    on_stage: Callable[[str, int, int], None] | None = None) -> CalibrationResult:
    """Fit, then the posterior predictive, the checks, the toll and the scale check (module docstring);
    everything is checked first (:func:`check_run`)."""
    check_run(calibration, predictive_draws=predictive_draws, scale_draws=scale_draws, high_scale=high_scale)
    t0 = time.perf_counter()
    calibration.fit(mapper, on_stage=on_stage)
    t_fit = time.perf_counter() - t0
    if on_stage:
        on_stage("posterior predictive", -3, predictive_draws)
    draws = posterior_predictive(calibration, predictive_draws, mapper=mapper)
    t_pred = time.perf_counter() - t0 - t_fit
    stats = calibration.statistics_
    check = predictive_check(draws, stats, calibration.seed)
    tables: dict[str, pd.DataFrame] = {
        "priors": prior_frame(calibration.priors_),
        "statistics": stats,
        "posterior": calibration.posterior_,
        "parameters": calibration.summary(),
        "generations": calibration.generations_,
        "predictive_draws": draws,
        "predictive_check": check,
        "toll": toll_table(draws),
        "mechanism_claims": claim_table(draws),
    }
    agreement_summary: dict[str, Any] = {}
    t_scale = 0.0
    if high_scale is not None and scale_draws > 0:
        if on_stage:
            on_stage(f"scale check at {high_scale:g}", -4, scale_draws)
        t1 = time.perf_counter()
        # the same draws (particles and seeds) as the runs at the calibration's scale, spread over them
        picked = spread_draws(predictive_draws, scale_draws)
        high = posterior_predictive(calibration, predictive_draws, scale=high_scale, mapper=mapper, only=picked)
        t_scale = time.perf_counter() - t1
        low = draws[draws["draw"].isin(picked)]
        extra = [toll_key(k) for k in TOLL_KINDS] + ["toll_dead_1937_1938", *CLAIM_SUMMARIES]
        names = [n for n in [*stats["name"], *extra] if n in low.columns and n in high.columns]
        agreement = scale_agreement(low, high, names)
        tables["scale_draws"] = high
        tables["scale_agreement"] = agreement
        ok = agreement["agree"].dropna()
        agreement_summary = {"high_scale": high_scale, "draws": scale_draws, "quantities": int(len(ok)),
                             "agree": int(ok.astype(bool).sum()),
                             "max_abs_z": float(agreement["z"].abs().max()) if len(agreement) else math.nan,
                             "expected_to_differ_by_chance": round(0.0455 * len(ok), 1),
                             "rule": "paired differences of the same draws; agree when |mean| <= 2 Monte Carlo se "
                                     "(about 4.6% of quantities that truly agree exceed it by chance)"}
    coverage = held_out_coverage(check)
    fitted = check[check["role"] == "fit"]
    diagnostics = {
        "stopped_because": calibration.stopped_because_,
        "generations": int(((calibration.generations_["generation"] >= 0) & calibration.generations_["completed"]).sum()),
        "final_generation": int(calibration.generation_),
        "simulations_fit": int(calibration.generations_["simulations"].sum()),
        "simulations_noise": int(calibration.noise_replicates),
        # the budget is kept: simulations (noise replicates included) <= budget; what it cost each generation
        "budget": int(calibration.simulations),
        "simulations": int(calibration.simulations_),
        "generation_sizes": [{"generation": int(r.generation), "requested": int(r.requested),
                              "particles": int(r.particles), "simulations": int(r.simulations), "status": str(r.status)}
                             for r in calibration.generations_.itertuples()],
        "budget_notes": list(calibration.budget_notes_),
        "final_epsilon": float(calibration.generations_.dropna(subset=["epsilon"])["epsilon"].iloc[-1]),
        "final_ess": float(calibration.generations_.dropna(subset=["ess"])["ess"].iloc[-1]),
        "held_out_coverage": coverage,
        "fitted_inside": {"checked": int(fitted["inside"].notna().sum()),
                          "inside": int(fitted["inside"].dropna().astype(bool).sum())},
        "scale_agreement": agreement_summary,
        "predictive_draws": predictive_draws,
    }
    seconds = {"generations": calibration.generation_seconds_, "fit": t_fit, "noise": calibration.noise_seconds_, "predictive": t_pred, "scale_check": t_scale,
               "total": time.perf_counter() - t0}
    settings = {**calibration.settings(), **{"predictive_draws": predictive_draws, "scale_draws": scale_draws,
                                             "high_scale": high_scale}}
    return CalibrationResult(settings, calibration.simulator.describe(), tables, diagnostics, seconds)

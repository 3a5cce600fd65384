"""Report section: the machinery calibrated to the archive (a stored calibration, never run here).

A calibration takes tens of minutes (``purgetoll calibrate run``, ABC-SMC on Dask); the report only
shows one that is stored: the folder given to ``purgetoll run --calibration DIR``, or else
``OUT/calibration`` beside the report's runs if it holds one, copied into the run's
``results/calibration`` (``ctx.results["calibration"]``, a
:class:`~purgetoll.calibrate.CalibrationResult`) so that ``purgetoll report RUN_DIR`` renders it
again. Without one, the section says that none is stored and how to make one.

Shown: how and when the calibration was made (its command, date, settings, why it stopped); the
posterior of each parameter against its prior; the tolerance and acceptance rate per generation;
every archival statistic against its 95% posterior predictive interval, fitted and held out, with
the held-out coverage; the toll of 1937-38 by kind, sex and age group; the scale check (0.001
against 0.01); and the seed's mechanisms where the model can now speak (the urban population on
the NKVD's lists, the months interrogators and prisons saturate, Kolyma survival, the first three
months), judged against the claims' own figures (``purgetoll.claims``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from purgetoll.calibrate.result import CalibrationResult
from purgetoll.claims import load_claims
from purgetoll.params import month_text
from purgetoll.report.model import Figure, RunContext, Section, Source, Table

if TYPE_CHECKING:
    import matplotlib.figure

TITLE = "The machinery calibrated to the archive"
#: The key of the stored calibration among the run's results (``purgetoll run`` puts it there).
RESULT = "calibration"
SIM_SOURCE = Source("purgetoll mechanism-mode simulation calibrated by ABC-SMC (pyabc) to the archival statistics "
                    "(purgetoll calibrate run); posterior predictive draws")
#: The seed's mechanisms the model speaks to: claim id (claims.toml, or None with the seed's words), the
#: model's quantity, how the claim's figure reads in the quantity's unit, and the parameter that drives it.
MODEL_CLAIMS: tuple[dict[str, Any], ...] = (
    {"claim": "half_urban_population_on_lists", "quantity": "listed_share_urban_end_1938", "unit": "share",
     "driver": "denunciation.names_per_interrogation"},
    {"claim": "kolyma_survival_rate", "quantity": "far_north_survival_10y_at_1938_rate", "unit": "share",
     "driver": "gulag.camp_mortality_per_1000_per_year"},
    {"claim": "frenkel_first_three_months", "quantity": "camp_deaths_first_3_months_share", "unit": "share",
     "driver": "gulag.arrival_hazard_multiplier",
     "reading": "if the first three months were when prisoners were used up, most of the deaths in the first year "
                "would fall in them: read as more than half (a constant hazard gives about a quarter)"},
    {"claim": None, "quantity": "saturation_month_interrogators", "unit": "months after January 1937",
     "quote": "interrogators, prisons, and camps, already grotesquely overloaded (seed, 'The aftermath', line 101)",
     "low": 0.0, "high": 23.0, "reading": "overloaded by the end of 1938: saturated in a month up to December 1938",
     "driver": "terror.cases_per_interrogator_per_month"},
    {"claim": None, "quantity": "saturation_month_prisons", "unit": "months after January 1937",
     "quote": "interrogators, prisons, and camps, already grotesquely overloaded (seed, 'The aftermath', line 101)",
     "low": 0.0, "high": 23.0, "reading": "overloaded by the end of 1938: over their places in a month up to "
                                          "December 1938", "driver": "terror.prison_places_persons"},
)


def _fmt(x: float | str) -> str:
    if isinstance(x, str):  # already shown as it should be (a month: _months_shown)
        return x
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


_SHOWN = ("estimate", "lower_95", "upper_95", "prior_low", "prior_high")


def _months_shown(parameters: pd.DataFrame) -> pd.DataFrame:
    """The parameters with a YYYYMM parameter's values written as the month they name (``1938-06``)."""
    out = parameters.astype({c: object for c in _SHOWN})
    months = out["unit"] == "YYYYMM"
    for c in _SHOWN:
        out.loc[months, c] = [month_text(v) if v == v else "-" for v in out.loc[months, c]]
    return out


def _claim_range(claim: Any, spec: dict[str, Any]) -> tuple[float, float, str]:
    """The claim's figure as (low, high) in the quantity's unit, and how it was read."""
    if claim is None:
        return float(spec["low"]), float(spec["high"]), spec["reading"]
    fig = claim.figure
    if spec["quantity"] == "camp_deaths_first_3_months_share":
        return 0.5, 1.0, spec["reading"]
    if fig.kind == "share":
        half = float(fig.precision) / 2
        return (float(fig.percent) - half) / 100, (float(fig.percent) + half) / 100, \
            f"'{fig.as_written}': {fig.percent}% +/- {half:g} (the claim's precision)"
    if fig.kind == "range":
        return float(fig.low) / 100, float(fig.high) / 100, f"'{fig.as_written}': {fig.low}-{fig.high}% surviving"
    raise ValueError(f"claim {claim.id}: no reading of a {fig.kind} figure as a {spec['unit']}")


def model_claims(quantities: pd.DataFrame, parameters: pd.DataFrame) -> pd.DataFrame:
    """The seed's mechanisms against the calibrated model: one row per claim with the claimed range, the
    model's posterior predictive interval and a verdict (consistent, disagrees, no interval, or not
    identified when the parameter that drives it stays at its prior)."""
    claims = {c.id: c for c in load_claims()}
    q = quantities.set_index("quantity")
    p = parameters.set_index("parameter")
    rows = []
    for spec in MODEL_CLAIMS:
        claim = claims.get(spec["claim"]) if spec["claim"] else None
        low, high, reading = _claim_range(claim, spec)
        row = q.loc[spec["quantity"]] if spec["quantity"] in q.index else None
        est, lo, hi = (float(row["estimate"]), float(row["lower_95"]), float(row["upper_95"])) if row is not None \
            else (math.nan, math.nan, math.nan)
        driver = spec["driver"]
        identified = True
        if driver in p.index:
            d = p.loc[driver]
            width = float(d["upper_95"] - d["lower_95"])
            identified = not (math.isfinite(width) and width > 0.8 * float(d["prior_high"] - d["prior_low"]))
        if not (math.isfinite(lo) and math.isfinite(hi)):
            verdict = "no interval (too few draws could compute it)"
        elif hi < low:
            verdict = "disagrees: the model is lower"
        elif lo > high:
            verdict = "disagrees: the model is higher"
        else:
            verdict = "consistent"
        if not identified:
            verdict += f"; rests on a prior ({driver} is not narrowed by the archive)"
        rows.append({"claim": spec["claim"] or "(seed, not recorded as a claim)",
                     "quote": claim.quote if claim is not None else spec["quote"],
                     "quantity": spec["quantity"], "claimed_low": low, "claimed_high": high, "reading": reading,
                     "model_estimate": est, "model_lower_95": lo, "model_upper_95": hi, "verdict": verdict})
    return pd.DataFrame(rows)


def _draw_parameters(fig: matplotlib.figure.Figure, data: pd.DataFrame) -> None:
    ax = fig.add_subplot()
    y = np.arange(len(data))[::-1]
    ax.hlines(y, 0, 1, color="lightgrey", linewidth=6, label="prior range")
    ax.hlines(y, data["lower_position"], data["upper_position"], color="C0", linewidth=4,
              label="posterior 95% interval")
    ax.plot(data["estimate_position"], y, "ko", markersize=4, label="posterior median")
    ax.set_yticks(y, data["parameter"], fontsize=7)
    ax.set_xlim(-0.02, 1.02)
    ax.set_xlabel("position within the prior range (log scale where the prior is)")
    ax.legend(fontsize=7, loc="lower right")


def _position(x: float, row: pd.Series) -> float:
    lo, hi = float(row["prior_low"]), float(row["prior_high"])
    if row["prior_scale"] == "log" and lo > 0 and x > 0:
        return (math.log10(x) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))
    return (x - lo) / (hi - lo)


def _parameter_data(parameters: pd.DataFrame) -> pd.DataFrame:
    df = parameters.copy()
    for col in ("estimate", "lower_95", "upper_95"):
        key = {"estimate": "estimate", "lower_95": "lower", "upper_95": "upper"}[col]
        df[f"{key}_position"] = [(_position(r[col], r) if math.isfinite(r[col]) else math.nan)
                                 for _, r in df.iterrows()]
    return df


def _draw_generations(fig: matplotlib.figure.Figure, data: pd.DataFrame) -> None:
    ax = fig.add_subplot(1, 2, 1)
    ax.plot(data["generation"], data["epsilon"], "o-")
    ax.set_xlabel("generation")
    ax.set_ylabel("tolerance (combined sds)")
    ax.set_yscale("log")
    ax2 = fig.add_subplot(1, 2, 2)
    ax2.plot(data["generation"], data["acceptance_rate"], "o-", label="acceptance rate")
    ax2.plot(data["generation"], data["ess"] / data["particles"], "s--", label="ESS / particles")
    ax2.set_xlabel("generation")
    ax2.set_ylim(0, 1.05)
    ax2.legend(fontsize=7)


def _draw_check(fig: matplotlib.figure.Figure, data: pd.DataFrame) -> None:
    ax = fig.add_subplot()
    y = np.arange(len(data))[::-1]
    colors = np.where(data["role"] == "fit", "C0", "C1")
    for yi, r, c in zip(y, data.itertuples(), colors, strict=True):
        ax.hlines(yi, r.lower_ratio, r.upper_ratio, color=c, linewidth=3)
        ax.plot(r.median_ratio, yi, "o", color=c, markersize=3)
    ax.axvline(1.0, color="k", linewidth=0.8)
    ax.set_yticks(y, [f"{n} ({'fit' if r == 'fit' else 'held out'})" for n, r in zip(data["name"], data["role"],
                                                                                    strict=True)], fontsize=6)
    ax.set_xscale("log")
    ax.set_xlabel("posterior predictive 95% interval / archival figure (1 = the archive)")


def _check_data(check: pd.DataFrame) -> pd.DataFrame:
    df = check[check["produced"].astype(bool) & check["lower_95"].notna() & (check["observed"] != 0)].copy()
    df["lower_ratio"] = (df["lower_95"] / df["observed"]).clip(lower=1e-3)
    df["upper_ratio"] = (df["upper_95"] / df["observed"]).clip(lower=1e-3)
    df["median_ratio"] = (df["sim_median"] / df["observed"]).clip(lower=1e-3)
    return df[["name", "role", "observed", "lower_95", "upper_95", "sim_median", "lower_ratio", "upper_ratio",
               "median_ratio", "inside"]]


def _draw_toll(fig: matplotlib.figure.Figure, data: pd.DataFrame) -> None:
    kinds = list(dict.fromkeys(data["kind"]))
    for i, kind in enumerate(kinds):
        ax = fig.add_subplot(1, len(kinds), i + 1)
        part = data[data["kind"] == kind]
        groups = list(dict.fromkeys(part["age_group"]))
        x = np.arange(len(groups))
        for j, sex in enumerate(("male", "female")):
            rows = part[part["sex"] == sex].set_index("age_group").reindex(groups)
            est = rows["estimate"].to_numpy(float) / 1e3
            err = np.vstack([est - rows["lower_95"].to_numpy(float) / 1e3, rows["upper_95"].to_numpy(float) / 1e3 - est])
            ax.bar(x + (j - 0.5) * 0.4, est, width=0.4, label=sex, yerr=np.nan_to_num(err), capsize=2)
        ax.set_xticks(x, groups, fontsize=6, rotation=45)
        ax.set_title(str(part["label"].iloc[0]), fontsize=8)
        ax.set_ylabel("thousands, 1937-38")
        ax.legend(fontsize=6)


def _what(sim: dict[str, Any]) -> str:
    if sim.get("simulator") == "mechanism":
        return f"Scenario {sim.get('scenario')} in mechanism mode"
    return f"The {sim.get('simulator')} simulator (a test of the machinery, not history)"


def _none() -> Section:
    return Section(TITLE, intro=(
        "No calibration is stored (none given to `purgetoll run --calibration DIR`, none in the runs' folder "
        "as OUT/calibration). A calibration is not run by this report: it takes tens of "
        "minutes (ABC-SMC, thousands of simulations on Dask). Make one, then run the report again:\n\n"
        "    purgetoll calibrate run --scenario archival --simulations 5000 --scale 0.001 --seed 1 --out "
        "runs/calibration\n    purgetoll run --calibration runs/calibration"))


def build(ctx: RunContext) -> Section:
    result = ctx.results.get(RESULT)
    if result is None:
        return _none()
    if not isinstance(result, CalibrationResult):
        raise TypeError(f"results[{RESULT!r}] must be a CalibrationResult; got {type(result).__name__}")
    tables, d, s, made = result.tables, result.diagnostics, result.settings, result.made
    cov = d["held_out_coverage"]
    sa = d.get("scale_agreement") or {}
    sim = result.simulator
    libs = made.get("libraries") or {}
    intro = (
        f"A stored calibration, made on {made.get('created')} (purgetoll {made.get('purgetoll_version')}) by:\n\n    "
        f"{made.get('command')}"
        f"\n\n{_what(sim)} at scale {s['scale']} (one agent "
        f"for {1 / s['scale']:,.0f} people), seed {s['seed']}, {s['population_size']} particles. ABC-SMC (pyabc "
        f"{libs.get('pyabc')}) made {d['simulations_fit']:,} simulations in {d['generations']} "
        f"generations and stopped because {d['stopped_because']}; final tolerance {d['final_epsilon']:.3g} combined "
        f"sds, effective sample size {d['final_ess']:.0f}. The distance weighs each archival statistic by its "
        "stated uncertainty plus the simulation's own noise at the scale; the priors are the modules' declared "
        "ranges, assumptions where no source gives one.\n\n"
        f"Held out of the fit, {cov['inside']} of {cov['checked']} statistics fall inside their 95% posterior "
        f"predictive intervals" + (f" ({cov['not_produced']} not produced by the simulator)" if cov.get('not_produced')
                                     else "") + "."
        + (f" At scale {sa['high_scale']}, {sa['agree']} of {sa['quantities']} quantities (statistics, the toll, the mechanism's answers) agree with scale "
           f"{s['scale']} within two Monte Carlo standard errors ({sa['draws']} paired draws; about "
           f"{sa.get('expected_to_differ_by_chance', 0):.0f} would differ by chance alone)." if sa else "")
        + "\n\nEvery figure here is an estimate from the model, conditional on its mechanisms and priors.")
    parameters = tables["parameters"]
    pdata = _parameter_data(parameters)
    pdata.attrs["source"] = SIM_SOURCE.citation
    gens = tables["generations"]
    gens = gens[gens["generation"] >= 0].reset_index(drop=True)
    check = tables["predictive_check"]
    cdata = _check_data(check)
    toll = tables["toll"]
    tdata = toll[(toll["sex"] != "all") & toll["kind"].isin(["executed", "died_in_custody", "died_in_camps"])]
    claims = model_claims(tables["mechanism_claims"], parameters)
    figures = [
        Figure("calibration_parameters", "Posterior of the parameters within their priors", pdata, _draw_parameters,
               caption="Each bar is a parameter's prior range (grey) and its posterior 95% interval (blue), as "
                       "positions within the range.", sources=[SIM_SOURCE], estimate=True, size_inches=(9.0, 6.0)),
        Figure("calibration_generations", "Tolerance and acceptance per generation", gens, _draw_generations,
               sources=[SIM_SOURCE], estimate=True, size_inches=(9.0, 3.5)),
        Figure("calibration_predictive_check", "The archive against the posterior predictive", cdata, _draw_check,
               caption="Each line is the 95% posterior predictive interval of an archival figure (the simulation "
                       "plus the archive's stated error), divided by the figure: 1 is the archive. Blue: fitted; "
                       "orange: held out.", sources=[SIM_SOURCE], estimate=True, size_inches=(9.0, 8.0)),
        Figure("calibration_toll", "The toll of 1937-38 by sex and age group", tdata, _draw_toll,
               caption="Posterior predictive median and 95% interval (thousands) of those executed, those who died "
                       "in prisons and transit, and those who died in the camps.", sources=[SIM_SOURCE],
               estimate=True, size_inches=(11.0, 4.0)),
    ]
    totals = toll[toll["sex"] == "all"][["label", "estimate", "lower_95", "upper_95", "draws", "method"]]
    tables_out = [
        Table("calibration_parameters_table", "Parameters: posterior median and 95% interval",
              _months_shown(parameters),
              sources=[SIM_SOURCE], estimate=True,
              html_columns=("parameter", "estimate", "lower_95", "upper_95", "unit", "prior_low", "prior_high",
                            "assumption"),
              formats={c: _fmt for c in _SHOWN}),
        Table("calibration_check_table", "Each statistic against its 95% posterior predictive interval",
              check, sources=[SIM_SOURCE], estimate=True,
              html_columns=("name", "role", "observed", "lower_95", "upper_95", "inside"),
              formats={c: _fmt for c in ("observed", "lower_95", "upper_95")}),
        Table("calibration_toll_table", "The toll of 1937-38", totals, sources=[SIM_SOURCE], estimate=True,
              formats={c: _fmt for c in ("estimate", "lower_95", "upper_95")}),
        Table("calibration_claims_table", "The seed's mechanisms against the calibrated model", claims,
              sources=[SIM_SOURCE, Source("Gendercide Watch, 'Case study: Stalin's Purges' (the seed text); claims "
                                          "as recorded in purgetoll.claims")], estimate=True,
              html_columns=("quote", "reading", "model_estimate", "model_lower_95", "model_upper_95", "verdict"),
              formats={c: _fmt for c in ("model_estimate", "model_lower_95", "model_upper_95")}),
    ]
    if "scale_agreement" in tables:
        tables_out.append(Table("calibration_scale_table", f"Scale {s['scale']} against {sa.get('high_scale')}: "
                                "paired differences and their Monte Carlo standard errors", tables["scale_agreement"],
                                sources=[SIM_SOURCE], estimate=True))
    return Section(TITLE, intro=intro, figures=figures, tables=tables_out)

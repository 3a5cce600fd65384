"""``purgetoll mse``: estimate how many individuals no list recorded, from a capture CSV.

The CSV has one 0/1 column per list and a ``count`` column (aggregated histories) or one row
per person (no ``count`` column); stratum columns are named with ``--strata``. Methods come
from the registry (:func:`purgetoll.mse.methods`): ``loglinear:M0``, ``loglinear:Mt``,
``loglinear:Mth-Chao``, ``loglinear:Mth-Poisson2``, ``loglinear:Mth-Darroch``,
``loglinear:Mth-Gamma``, ``loglinear:Mt+1:2+2:3``, ``bic``, ``aic``, ``stepwise``, and the
Bayesian ``bma`` and ``lcm``.
"""

from __future__ import annotations

import json
import math
import time
import warnings
from pathlib import Path
from typing import Annotated, Any

import typer

from purgetoll import mse  # its names load on first use: --help loads no numpy, pandas or scipy
from purgetoll.errors import PurgetollError
from purgetoll.terminal import fail

app = typer.Typer(
    name="mse",
    help=(
        "Multiple systems estimation: estimate the number of victims no list recorded from "
        "overlapping incomplete lists (log-linear, stepwise, Bayesian model averaging, latent "
        "classes). Every number printed is an estimate with its 95% interval."
    ),
    no_args_is_help=True,
)


def _jsonable(value: Any) -> Any:
    """Plain JSON types; non-finite numbers become null (JSON has no inf)."""
    import numpy as np

    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return None  # draws are not printed
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        v = float(value)
        return v if math.isfinite(v) else None
    return value if value is None or isinstance(value, str) else str(value)


def _read(file: Path, strata: str | None):
    cols = [c.strip() for c in strata.split(",") if c.strip()] if strata else None
    return mse.read_capture_csv(file, strata=cols)


def _result(est, table, method: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "file": str(table.source),
        "method": method,
        "lists": list(table.lists),
        "observed": est.n_observed_,
        "estimate": est.population_,
        "lower": est.interval_[0],
        "upper": est.interval_[1],
        "se": est.se_,
        "model": est.model_,
        "label": "estimate of the population size (persons), 95% interval",
        "diagnostics": dict(est.diagnostics_),
    }
    if est.ess_ is not None:
        out["diagnostics"]["ess"] = est.ess_
    if est.r_hat_ is not None:
        out["diagnostics"]["r_hat"] = est.r_hat_
    if isinstance(est, mse.Stratified):
        out["strata"] = est.strata_.drop(columns=["method"]).to_dict("records")
        out["by"] = {
            col: est.by(col).drop(columns=["method"]).to_dict("records")
            for col in est.strata_names_
        }
    return out


def _make(method: str, seed: int, n_boot: int | None):
    est = mse.make_estimator(method, seed=seed)
    if n_boot is not None and "n_boot" in est.get_params():
        est.set_params(n_boot=n_boot)
    return est


@app.command()
def estimate(
    file: Annotated[Path, typer.Argument(help="capture CSV: 0/1 list columns and a count column")],
    method: str = typer.Option("stepwise", "--method", "-m", help="method, e.g. loglinear:Mt"),
    output_format: str = typer.Option("json", "--format", help="json or table"),
    strata: str | None = typer.Option(None, "--strata", help="stratum columns, comma separated"),
    seed: int = typer.Option(0, "--seed", help="seed of bootstrap and MCMC streams"),
    n_boot: int | None = typer.Option(
        None, "--n-boot", help="bootstrap replicates (methods that bootstrap; default 1000)"
    ),
    drop_uninformative: bool = typer.Option(
        False,
        "--drop-uninformative",
        help="drop lists that are empty, record everyone or repeat another",
    ),
) -> None:
    """Estimate the population size with one method; print one JSON object (or a table)."""
    if output_format not in ("json", "table"):
        fail(ValueError(f"--format must be json or table; got {output_format!r}"))
    try:
        table = _read(file, strata)
        parts = [t for _, t in table] if isinstance(table, mse.StratifiedTable) else [table]
        useless = sorted(
            {f"{r.list} ({r.reason})" for t in parts for r in t.uninformative_lists().itertuples()}
        )
        if useless and drop_uninformative and isinstance(table, mse.StratifiedTable):
            raise ValueError("--drop-uninformative is not available with --strata")
        if useless and drop_uninformative:
            table = table.drop_uninformative()
        est = _make(method, seed, n_boot)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            if isinstance(table, mse.StratifiedTable):
                est = mse.Stratified(est, seed=seed).fit(table)
            else:
                est.fit(table)
    except (PurgetollError, ValueError, TypeError) as err:
        fail(err)
    out = _result(est, table, method)
    if useless:
        out["uninformative_lists"] = useless
        out["uninformative_lists_dropped"] = drop_uninformative
    if caught:
        out["warnings"] = sorted({f"{w.category.__name__}: {w.message}" for w in caught})
    if output_format == "json":
        typer.echo(json.dumps(_jsonable(out), indent=2))
    else:
        est.print_summary()
        for w in out.get("warnings", []):
            typer.echo(f"warning: {w}")


@app.command()
def compare(
    file: Annotated[Path, typer.Argument(help="capture CSV: 0/1 list columns and a count column")],
    output_format: str = typer.Option("table", "--format", help="table or json"),
    seed: int = typer.Option(0, "--seed", help="seed of bootstrap and MCMC streams"),
    only: str | None = typer.Option(
        None, "--methods", help="comma-separated methods to run (default: all registered)"
    ),
    n_boot: int | None = typer.Option(
        None, "--n-boot", help="bootstrap replicates (methods that bootstrap; default 1000)"
    ),
) -> None:
    """Run every registered method (and each log-linear variant) side by side."""
    try:
        table = mse.read_capture_csv(file)
    except PurgetollError as err:
        fail(err)
    specs: list[str] = []
    for name, spec in mse.methods().items():
        specs += [name if s is None else f"{name}:{s}" for s in spec.compare]
    if only:
        specs = [m.strip() for m in only.split(",") if m.strip()]
    rows = []
    for m in specs:
        t0 = time.perf_counter()
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                est = _make(m, seed, n_boot).fit(table)
            row = {
                "method": m,
                "model": est.model_,
                "observed": est.n_observed_,
                "estimate": est.population_,
                "lower": est.interval_[0],
                "upper": est.interval_[1],
                "warnings": len(caught),
            }
        except Exception as err:  # one failing method must not hide the others
            row = {"method": m, "model": f"error: {err}", "observed": table.n_observed}
        row["seconds"] = round(time.perf_counter() - t0, 3)
        rows.append(row)
    if output_format == "json":
        typer.echo(json.dumps(_jsonable(rows), indent=2))
        return
    typer.echo(f"{table.source}: {table.n_observed} observed on {table.n_lists} lists")
    typer.echo("estimates of the population size (persons) with 95% intervals")
    header = f"{'method':24s} {'estimate':>10s} {'lower':>10s} {'upper':>10s} {'sec':>7s}  model"
    typer.echo(header)
    for r in rows:
        if "estimate" not in r:
            typer.echo(
                f"{r['method']:24s} {'':>10s} {'':>10s} {'':>10s} {r['seconds']:7.2f}  {r['model']}"
            )
            continue
        warn = f" ({r['warnings']} warnings)" if r["warnings"] else ""
        typer.echo(
            f"{r['method']:24s} {r['estimate']:10.1f} {r['lower']:10.1f} {r['upper']:10.1f} "
            f"{r['seconds']:7.2f}  {r['model']}{warn}"
        )


@app.command()
def rank(
    file: Annotated[Path, typer.Argument(help="capture CSV: 0/1 list columns and a count column")],
    family: str = typer.Option("hierarchical", "--family", help="hierarchical or rcapture"),
    max_order: int = typer.Option(2, "--max-order", help="highest interaction order"),
    criterion: str = typer.Option("bic", "--criterion", help="bic or aic"),
    top: int = typer.Option(20, "--top", help="how many models to show"),
    output_format: str = typer.Option("table", "--format", help="table or json"),
) -> None:
    """Rank log-linear models by BIC or AIC (estimates of the population size, persons)."""
    try:
        table = mse.read_capture_csv(file)
        if isinstance(table, mse.StratifiedTable):
            raise ValueError("rank works on one table; give no --strata")
        ranking = mse.rank_models(table, family=family, max_order=max_order, criterion=criterion)
    except (PurgetollError, ValueError) as err:
        fail(err)
    shown = ranking.head(top)
    if output_format == "json":
        typer.echo(json.dumps(_jsonable(shown.to_dict("records")), indent=2))
        return
    typer.echo(
        f"{table.source}: {len(ranking)} models ranked by {criterion.upper()} "
        f"(estimate of the population size, persons; Wald s.e.)"
    )
    cols = ["model", "n_params", "deviance", "aic", "bic", "estimate", "se"]
    typer.echo(shown[cols].to_string(index=False, float_format=lambda v: f"{v:.1f}"))


@app.command("methods")
def list_methods() -> None:
    """List the registered methods."""
    for name, spec in mse.methods().items():
        typer.echo(f"{name:12s} {spec.description}")

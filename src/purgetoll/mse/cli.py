"""``purgetoll mse``: estimate how many individuals no list recorded, from a capture CSV.

The CSV has one 0/1 column per list and a ``count`` column (aggregated histories) or one row
per person (no ``count`` column); stratum columns are named with ``--strata``. Methods come
from the registry (:func:`purgetoll.mse.methods`): ``loglinear:M0``, ``loglinear:Mt``,
``loglinear:Mth-Chao``, ``loglinear:Mth-Poisson2``, ``loglinear:Mth-Darroch``,
``loglinear:Mth-Gamma``, ``loglinear:Mt+1:2+2:3``, ``bic``, ``aic``, ``stepwise``, and the
Bayesian ``bma`` and ``lcm``.

An estimate that does not exist or is not identifiable (two lists that share no one, a model
with as many terms as histories) is an error (exit 1) naming why; with ``--mark-not-estimable``
it is a result whose estimate and interval are empty (JSON null, CSV empty, "none" in tables)
and whose ``status`` says why. Declared limits (:mod:`purgetoll.limits`) are checked before any
work and raised with ``--limit NAME=VALUE``. Errors go to stderr as ``error: ...``.
"""

from __future__ import annotations

import json
import math
import sys
import warnings
from pathlib import Path
from typing import Annotated, Any

import typer

from purgetoll import mse  # its names load on first use: --help loads no numpy, pandas or scipy
from purgetoll.errors import NotEstimableError, PurgetollError
from purgetoll.limits import parse_overrides
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


#: Output fields renamed to the names of ``Estimator.summary()`` (old name -> new name); the old
#: names are written too, as aliases, until purgetoll 0.2.
RENAMED = {"observed": "n_observed", "lower": "lower_95", "upper": "upper_95"}


def _with_aliases(record: dict[str, Any]) -> dict[str, Any]:
    return {**record, **{old: record[new] for old, new in RENAMED.items() if new in record}}


def _jsonable(value: Any) -> Any:
    """Plain JSON types; non-finite numbers become null (JSON has no inf)."""
    import numpy as np  # start-up: +85 ms CPU on --help (the estimators have loaded it by now)

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


def _one_table(file: Path, limit: list[str] | None, refusal: str) -> tuple[dict[str, float], Any]:
    """The declared limits as raised by ``--limit`` and the capture table of ``file``, one table
    (``refusal``: the message for a stratified one)."""
    limits = parse_overrides(limit)
    table = mse.read_capture_csv(file)
    if isinstance(table, mse.StratifiedTable):  # pragma: no cover - read_capture_csv without strata
        raise ValueError(refusal)
    return limits, table


def _result(est, table, method: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "file": str(table.source),
        "method": method,
        "lists": list(table.lists),
        "n_observed": est.n_observed_,
        "estimate": est.population_,
        "lower_95": est.interval_[0],
        "upper_95": est.interval_[1],
        "se": est.se_,
        "status": est.status_,
        "interval": est.interval_method_,
        "model": est.model_,
        "label": "estimate of the population size (persons), 95% interval",
        "diagnostics": dict(est.diagnostics_),
    }
    if est.ess_ is not None:
        out["diagnostics"]["ess"] = est.ess_
    if est.r_hat_ is not None:
        out["diagnostics"]["r_hat"] = est.r_hat_
    out = _with_aliases(out)  # the old names, until 0.2
    if isinstance(est, mse.Stratified):
        out["strata"] = est.strata_.drop(columns=["method"]).to_dict("records")
        out["by"] = {
            col: est.by(col).drop(columns=["method"]).to_dict("records")
            for col in est.strata_names_
        }
    return out


def _csv_out(df) -> None:
    sys.stdout.write(df.to_csv(index=False))


FORMATS = ("json", "table", "csv")
LimitOpt = typer.Option(None, "--limit", help="raise a declared limit, NAME=VALUE (repeatable; "
                                               "e.g. mse_boot=50000; names: python -c 'import purgetoll.limits')")
MarkOpt = typer.Option(False, "--mark-not-estimable", help="report an estimate that does not exist or is not "
                                                           "identifiable as a result marked so (empty numbers, "
                                                           "status saying why) instead of an error")


@app.command()
def estimate(
    file: Annotated[Path, typer.Argument(help="capture CSV: 0/1 list columns and a count column")],
    method: str = typer.Option("stepwise", "--method", "-m", help="method, e.g. loglinear:Mt"),
    output_format: str = typer.Option("json", "--format", help="json, table or csv"),
    strata: str | None = typer.Option(None, "--strata", help="stratum columns, comma separated"),
    seed: int = typer.Option(0, "--seed", help="seed of bootstrap and MCMC streams"),
    n_boot: int | None = typer.Option(
        None, "--n-boot", help="bootstrap replicates (methods that bootstrap; default 1000; fewer than 200 "
                               "give no interval)"
    ),
    drop_uninformative: bool = typer.Option(
        False,
        "--drop-uninformative",
        help="drop lists that are empty, record everyone or repeat another",
    ),
    mark: bool = MarkOpt,
    limit: list[str] | None = LimitOpt,
) -> None:
    """Estimate the population size with one method; print one JSON object (or a table, or CSV)."""
    if output_format not in FORMATS:
        fail(ValueError(f"--format must be json, table or csv; got {output_format!r}"))
    try:
        limits = parse_overrides(limit)
        table = _read(file, strata)
        parts = [t for _, t in table] if isinstance(table, mse.StratifiedTable) else [table]
        useless = sorted(
            {f"{r.list} ({r.reason})" for t in parts for r in t.uninformative_lists().itertuples()}
        )
        if useless and drop_uninformative and isinstance(table, mse.StratifiedTable):
            raise ValueError("--drop-uninformative is not available with --strata")
        if useless and drop_uninformative:
            table = table.drop_uninformative()
        est = mse.configured_estimator(method, seed, n_boot)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            if isinstance(table, mse.StratifiedTable):
                est = mse.Stratified(est, seed=seed).fit(table, mark_not_estimable=mark, limits=limits)
            else:
                est.fit(table, mark_not_estimable=mark, limits=limits)
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
    elif output_format == "csv":
        _csv_out(mse.summary_rows(est))
        for w in out.get("warnings", []):
            typer.echo(f"# warning: {w}", err=True)
    else:
        est.print_summary()
        for w in out.get("warnings", []):
            typer.echo(f"warning: {w}")


@app.command()
def compare(
    file: Annotated[Path, typer.Argument(help="capture CSV: 0/1 list columns and a count column")],
    output_format: str = typer.Option("table", "--format", help="table, json or csv"),
    seed: int = typer.Option(0, "--seed", help="seed of bootstrap and MCMC streams"),
    only: str | None = typer.Option(
        None, "--methods", help="comma-separated methods to run (default: all registered)"
    ),
    n_boot: int | None = typer.Option(
        None, "--n-boot", help="bootstrap replicates (methods that bootstrap; default 1000)"
    ),
    limit: list[str] | None = LimitOpt,
) -> None:
    """Compare the estimators: every registered MSE method (and each log-linear variant) on one
    table, side by side.

    (This compares estimation methods on victim lists; the censuses' verdict on the published
    accounts is `purgetoll verdict`.) One row per method, in the columns of an estimator's summary
    (n_observed, estimate, se, lower_95, upper_95, status, ...); JSON and CSV also carry the old
    names observed, lower, upper until purgetoll 0.2. A method that fails, or whose estimate does
    not exist, has a row saying so and no number; when no method gives an estimate the command
    exits 1.
    """
    if output_format not in ("table", "json", "csv"):
        fail(ValueError(f"--format must be table, json or csv; got {output_format!r}"))
    try:
        limits, table = _one_table(file, limit, "compare works on one table")
    except PurgetollError as err:
        fail(err)
    specs = [m.strip() for m in only.split(",") if m.strip()] if only else None
    frame = mse.compare_methods(table, specs, seed=seed, n_boot=n_boot, limits=limits)
    rows = frame.to_dict("records")
    if output_format == "json":
        typer.echo(json.dumps(_jsonable([_with_aliases(r) for r in rows]), indent=2))
    elif output_format == "csv":
        _csv_out(frame.assign(**{old: frame[new] for old, new in RENAMED.items()}))
    else:
        _print_compare(table, rows)
    if not (frame["status"] == "ok").any():
        fail(NotEstimableError(f"{table.source}: no method gave an estimate ({len(rows)} tried; each row says why)"))


def _print_compare(table, rows: list[dict[str, Any]]) -> None:
    def num(v: Any) -> str:
        return "none" if v is None or not math.isfinite(v) else f"{v:.1f}"

    typer.echo(f"{table.source}: {table.n_observed} observed on {table.n_lists} lists")
    typer.echo("estimates of the population size (persons) with 95% intervals")
    header = f"{'method':24s} {'estimate':>10s} {'lower':>10s} {'upper':>10s} {'sec':>7s}  model"
    typer.echo(header)
    for r in rows:
        if r["status"] != "ok":
            typer.echo(f"{r['method']:24s} {'':>10s} {'':>10s} {'':>10s} {r['seconds']:7.2f}  {r['status']}")
            continue
        warn = f" ({r['warnings']} warnings)" if r["warnings"] else ""
        note = "" if math.isfinite(r["lower_95"]) else f" [{r['interval']}]"
        typer.echo(
            f"{r['method']:24s} {num(r['estimate']):>10s} {num(r['lower_95']):>10s} {num(r['upper_95']):>10s} "
            f"{r['seconds']:7.2f}  {r['model']}{warn}{note}"
        )


@app.command()
def rank(
    file: Annotated[Path, typer.Argument(help="capture CSV: 0/1 list columns and a count column")],
    family: str = typer.Option("hierarchical", "--family", help="hierarchical or rcapture"),
    max_order: int | None = typer.Option(None, "--max-order", help="highest interaction order (default 2, or 1 "
                                                                    "on two lists)"),
    criterion: str = typer.Option("bic", "--criterion", help="bic or aic"),
    top: int = typer.Option(20, "--top", help="how many models to show"),
    output_format: str = typer.Option("table", "--format", help="table, json or csv"),
    limit: list[str] | None = LimitOpt,
) -> None:
    """Rank log-linear models by BIC or AIC (estimates of the population size, persons).

    Models whose estimate does not exist or is not identifiable, or whose criterion is not
    finite, are listed after the ranked ones with the reason, and never ranked.
    """
    if output_format not in ("table", "json", "csv"):
        fail(ValueError(f"--format must be table, json or csv; got {output_format!r}"))
    if top < 1:
        fail(ValueError(f"--top must be >= 1; got {top}"))
    try:
        limits, table = _one_table(file, limit, "rank works on one table; give no --strata")
        order = min(2, table.n_lists - 1) if max_order is None else max_order
        ranking = mse.rank_models(table, family=family, max_order=order, criterion=criterion, limits=limits)
    except (PurgetollError, ValueError) as err:
        fail(err)
    ranked = int((ranking["status"] == "ok").sum())
    shown = ranking.head(top)
    if output_format == "json":
        typer.echo(json.dumps(_jsonable(shown.to_dict("records")), indent=2))
    elif output_format == "csv":
        _csv_out(shown)
    else:
        typer.echo(
            f"{table.source}: {ranked} of {len(ranking)} models ranked by {criterion.upper()} "
            f"(estimate of the population size, persons; Wald s.e.)"
        )
        cols = ["model", "n_params", "deviance", "aic", "bic", "estimate", "se"]
        ok = shown[shown["status"] == "ok"]
        if len(ok):
            typer.echo(ok[cols].to_string(index=False, float_format=lambda v: f"{v:.1f}"))
        for r in shown[shown["status"] != "ok"].itertuples():
            typer.echo(f"{r.model}: {r.status}")
    if ranked == 0:
        fail(NotEstimableError(f"{table.source}: no model gives an estimate ({len(ranking)} candidates; each says "
                               "why)"))


@app.command("methods")
def list_methods() -> None:
    """List the registered methods."""
    for name, spec in mse.methods().items():
        typer.echo(f"{name:12s} {spec.description}")

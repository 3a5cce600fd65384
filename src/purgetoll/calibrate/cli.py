"""``purgetoll calibrate run`` and ``purgetoll calibrate show``.

    purgetoll calibrate run --scenario archival --simulations 13000 --scale 0.001 --seed 1 --out runs/cal
    purgetoll calibrate run ... --scheduler tcp://host:8786      # a running Dask cluster
    purgetoll calibrate run ... --workers 2                      # a LocalCluster of 2 processes (default: CPUs)
    purgetoll calibrate run ... --scale 0.05 --limit calibrate_scale=0.05   # past a declared limit
    purgetoll calibrate show runs/cal                            # what it found
    purgetoll calibrate show runs/cal --table parameters --format csv

Imports of purgetoll's mathematics are inside the commands (each says its cost), so ``purgetoll --help``
stays fast.
"""

from __future__ import annotations

import json
import math
import sys
from io import StringIO
from pathlib import Path
from typing import Annotated, Any

import typer

from purgetoll.errors import DataError, OutputError, PurgetollError, ScenarioError
from purgetoll.files import read_text, read_toml
from purgetoll.limits import parse_overrides
from purgetoll.params import month_text
from purgetoll.terminal import Format, fail

__all__ = ["app", "run_cmd", "show_cmd"]

app = typer.Typer(name="calibrate", no_args_is_help=True, add_completion=False,
                  help="Calibrate the mechanism's parameters to the archive by simulation-based inference "
                       "(ABC-SMC with pyabc, simulations on Dask), and show a stored calibration.")


def _command(ctx: typer.Context) -> list[str]:
    """The command as a reader can rerun it: the verb and every option with its value (defaults too)."""
    out = ctx.command_path.split()
    out[0] = "purgetoll"
    for name, value in ctx.params.items():
        flag = "--" + name.rstrip("_").replace("_", "-")
        if value is None or value is False:
            continue
        if isinstance(value, list | tuple):
            out += [x for item in value for x in (flag, str(item))]
        else:
            out += [flag] if value is True else [flag, str(value)]
    return out


class _Progress:
    """A progress bar on stderr when it is a terminal; nothing when piped."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.task: Any = None
        if sys.stderr.isatty():
            # start-up: rich's live display (rich.progress), +6 ms CPU on --help
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TimeElapsedColumn(), console=Console(stderr=True), transient=False)

    def __enter__(self) -> _Progress:
        if self.bar is not None:
            self.bar.start()
            self.task = self.bar.add_task("starting", total=None)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def stage(self, name: str, t: int, n: int) -> None:
        if self.bar is not None:
            unit = "particles" if t >= -1 else "runs"
            self.bar.update(self.task, description=f"{name} ({n} {unit})", total=n, completed=0)

    def advance(self, done: int, total: int) -> None:
        if self.bar is not None:
            self.bar.update(self.task, completed=done, total=total)


def _serial_with_progress(progress: _Progress):
    def mapper(function, shared, items):
        out = []
        for i, item in enumerate(items):
            out.append(function(shared, item))
            progress.advance(i + 1, len(items))
        return out

    return mapper


def _read_priors(path: Path) -> list[Any]:
    """Priors from a TOML file of ``[[prior]]`` tables (name, low, high, scale, unit, source)."""
    # start-up: pyabc, +2.9 s CPU on --help
    from purgetoll.calibrate.priors import Prior, check_priors

    data = read_toml(path)
    rows = data.get("prior")
    if not isinstance(rows, list) or not rows:
        raise ScenarioError(str(path), ["expected [[prior]] tables with name, low, high (and scale, unit, source)"])
    problems, priors = [], []
    known = {"name", "low", "high", "scale", "unit", "source"}
    for i, row in enumerate(rows, start=1):
        extra = sorted(set(row) - known)
        if extra:
            problems.append(f"[[prior]] {i}: unknown key(s) {extra} (valid: {', '.join(sorted(known))})")
        missing = [k for k in ("name", "low", "high") if k not in row]
        if missing:
            problems.append(f"[[prior]] {i}: missing {missing}")
            continue
        prior = Prior(row["name"], row["low"], row["high"], row.get("scale", "linear"), row.get("unit", ""),
                      row.get("source", "assumption"))
        problems.extend(f"[[prior]] {i}: {p}" for p in prior.problems())
        priors.append(prior)
    if problems:
        raise ScenarioError(str(path), problems)
    return check_priors(priors, str(path))


def _read_statistics(path: Path):
    # start-up: pandas and the data loaders, +0.5 s CPU on --help
    import pandas as pd

    from purgetoll.calibrate.statistics import check_statistics

    text = read_text(path)
    try:
        df = pd.read_csv(StringIO(text))
    except (ValueError, pd.errors.ParserError) as exc:
        raise DataError(str(path), f"not a CSV table: {exc}") from None
    return check_statistics(df, str(path))


@app.command("run")
def run_cmd(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="Folder of the calibration (Parquet tables + manifest).")],
    scenario: Annotated[str, typer.Option(help="Scenario run in mechanism mode: a bundled name or a .toml "
                                               "path.")] = "archival",
    simulations: Annotated[int, typer.Option(help="Budget: the most simulations the calibration makes "
                                                  "(noise replicates, prior sample and generations; a "
                                                  "generation is shrunk or not run to keep it; at most the "
                                                  "limit calibrate_simulations). The default gives the "
                                                  "archival scenario three generations of 500 particles, "
                                                  "about 10,600 simulations, 22 min on 2 cores.")] = 13000,
    scale: Annotated[float, typer.Option(help="Agents per person of every simulation (at most the limit "
                                              "calibrate_scale).")] = 0.001,
    seed: Annotated[int, typer.Option(help="Seed of the calibration (every random number is keyed by it).")] = 1,
    scheduler: Annotated[str | None, typer.Option(help="Address of a running Dask scheduler (default: a "
                                                       "LocalCluster).")] = None,
    workers: Annotated[int | None, typer.Option(help="Local Dask workers (default: CPUs); 0 runs in this "
                                                     "process without Dask.")] = None,
    population: Annotated[int, typer.Option(help="Particles per generation (intervals need 200 effective "
                                                 "ones; the archival scenario keeps about 45% of them).")] = 500,
    noise_replicates: Annotated[int, typer.Option(help="Runs at the reference point measuring the Monte Carlo "
                                                       "noise.")] = 20,
    predictive_draws: Annotated[int, typer.Option(help="Posterior predictive runs at --scale.")] = 200,
    scale_draws: Annotated[int, typer.Option(help="Of those, runs repeated at --high-scale (0: no scale "
                                                  "check).")] = 40,
    high_scale: Annotated[float, typer.Option(help="Scale of the scale check.")] = 0.01,
    priors: Annotated[Path | None, typer.Option(help="TOML file of [[prior]] tables (name = SECTION.KEY, low, "
                                                     "high, scale, unit, source); default: the modules' "
                                                     "declared priors.")] = None,
    statistics: Annotated[Path | None, typer.Option(help="CSV of statistics (name, role, value, sd, ...); "
                                                         "default: the bundled archive's.")] = None,
    simulator: Annotated[str, typer.Option(help="mechanism (the scenario), or toy (a known-truth toy, for "
                                                "trying the machinery).")] = "mechanism",
    limit: Annotated[list[str] | None, typer.Option("--limit", help="Raise a declared limit, NAME=VALUE "
                                                                    "(repeatable): calibrate_simulations, "
                                                                    "calibrate_scale (purgetoll.limits).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace a calibration already in --out.")] = False,
    connect_timeout: Annotated[float, typer.Option(help="Seconds to wait for --scheduler.")] = 30.0,
) -> None:
    """Calibrate the mechanism's parameters to the archive (ABC-SMC), then check the posterior predictive
    against the fitted and held-out statistics and at a second scale, and store everything in --out.
    The settings and the declared limits (--limit NAME=VALUE raises one) are checked before any work."""
    # start-up: pyabc, Dask and the engine, +2.9 s CPU on --help
    from purgetoll.calibrate.fit import Calibration
    from purgetoll.calibrate.result import check_run, run_calibration
    from purgetoll.calibrate.store import open_folder, save_calibration
    from purgetoll.ensemble import ClusterError, dask_mapper

    if simulator not in ("mechanism", "toy"):
        fail(f"--simulator must be mechanism or toy; got {simulator!r}")
    if scheduler is not None and workers is not None:
        fail("give --scheduler (a running cluster) or --workers (a local one), not both")
    if workers is not None and workers < 0:
        fail(f"--workers must be 0 (no Dask) or more; got {workers}")
    for name, v in (("--predictive-draws", predictive_draws), ("--scale-draws", scale_draws)):
        if v < 0:
            fail(f"{name} must be >= 0; got {v}")
    if scale_draws > predictive_draws:
        fail(f"--scale-draws ({scale_draws}) cannot exceed --predictive-draws ({predictive_draws})")
    if not 0 < high_scale <= 1:
        fail(f"--high-scale must be in (0, 1] (agents per person); got {high_scale:g}")
    try:
        limits = parse_overrides(limit)
        prior_list = _read_priors(priors) if priors is not None else None
        stats = _read_statistics(statistics) if statistics is not None else None
        if simulator == "toy":
            # start-up: +2.9 s CPU on --help, as above
            from purgetoll.calibrate.toy import ToyMachine, toy_statistics

            sim: Any = ToyMachine()
            stats = toy_statistics(seed) if stats is None else stats
        else:
            # start-up: +2.9 s CPU on --help, as above
            from purgetoll.calibrate.mechanism import MechanismSimulator

            sim = MechanismSimulator(scenario, priors=prior_list)
        cal = Calibration(sim, prior_list, stats, scale=scale, simulations=simulations, population_size=population,
                          seed=seed, noise_replicates=noise_replicates,
                          limits=limits)
        check_run(cal, predictive_draws=predictive_draws, scale_draws=scale_draws, high_scale=high_scale)
        folder = open_folder(out, force=force)
    except PurgetollError as exc:
        fail(exc)
    except OSError as exc:
        fail(OutputError(out, f"cannot open the folder ({exc.strerror or exc})", exc.errno))
    failed = True
    try:
        with _Progress() as progress:
            if workers == 0:
                mapper_cm = None
                where = "this process (no Dask)"
            else:
                mapper_cm = dask_mapper(scheduler, workers, progress.advance, timeout_seconds=connect_timeout)
                where = f"the Dask scheduler at {scheduler}" if scheduler else "a Dask LocalCluster"
            if mapper_cm is None:
                result = run_calibration(cal, mapper=_serial_with_progress(progress),
                                         predictive_draws=predictive_draws, scale_draws=scale_draws,
                                         high_scale=high_scale, on_stage=progress.stage)
                n_workers = "0 (in process)"
            else:
                with mapper_cm as mapper:
                    n_workers = f"{mapper.n_workers} ({where})"
                    result = run_calibration(cal, mapper=mapper, predictive_draws=predictive_draws,
                                             scale_draws=scale_draws, high_scale=high_scale, on_stage=progress.stage)
        target = save_calibration(result, folder, workers=n_workers, command=_command(ctx))
        failed = False
    except (ClusterError, PurgetollError) as exc:
        fail(exc)
    finally:
        folder.close(failed=failed)
    d = result.diagnostics
    typer.echo(f"wrote {target}: {d['simulations']} simulations of a budget of {d['budget']} in {d['generations']} "
               "generations "
               f"({d['stopped_because']}); held-out coverage {d['held_out_coverage']['inside']}/"
               f"{d['held_out_coverage']['checked']}; `purgetoll calibrate show {target}`")


def _fmt(x: Any, unit: str = "") -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if unit == "YYYYMM":  # a month, as the year and month it names
        return month_text(x)
    if isinstance(x, float):
        return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"
    return str(x)


@app.command("show")
def show_cmd(
    folder: Annotated[Path, typer.Argument(help="A calibration folder (written by `purgetoll calibrate run`).")],
    table: Annotated[str | None, typer.Option(help="Print this table only (see the manifest's tables).")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table, csv (with --table) or json.")] = Format.table,
) -> None:
    """What a stored calibration found: how it was made, its diagnostics, the posterior of the parameters
    and of the toll, the predictive checks (fitted and held out), the scale check and the seed's claims."""
    from purgetoll.calibrate.store import load_calibration  # start-up: pyabc, +2.9 s CPU on --help

    try:
        result = load_calibration(folder)
    except PurgetollError as exc:
        fail(exc)
    tables = result.tables
    if table is not None:
        if table not in tables:
            fail(f"no table {table!r} in {folder}; tables: {', '.join(sorted(tables))}")
        df = tables[table]
        if fmt == "json":
            typer.echo(df.to_json(orient="records", indent=1))
        elif fmt == "csv":
            typer.echo(df.to_csv(index=False), nl=False)
        else:
            typer.echo(df.to_string(index=False))
        return
    if fmt == "csv":
        fail("--format csv prints one table: add --table NAME")
    if fmt == "json":
        typer.echo(json.dumps({"made": result.made, "settings": result.settings, "simulator": result.simulator,
                               "diagnostics": result.diagnostics}, indent=1, default=str))
        return
    d, s, made = result.diagnostics, result.settings, result.made
    libs = made.get("libraries") or {}
    typer.echo(f"calibration {folder}")
    typer.echo(f"  made by: {made.get('command')}")
    typer.echo(f"  on {made.get('created')} with purgetoll {made.get('purgetoll_version')}, pyabc "
               f"{libs.get('pyabc')}, dask {libs.get('dask')}; workers {made.get('workers')}")
    typer.echo(f"  scale {s['scale']}, seed {s['seed']}, {s['population_size']} particles, budget {s['simulations']}")
    made = d.get("simulations", d["simulations_fit"] + d.get("simulations_noise", 0))
    typer.echo(f"  {made} simulations of the budget of {s['simulations']}, {d['generations']} generations; "
               f"stopped: {d['stopped_because']}")
    for note in d.get("budget_notes") or []:
        typer.echo(f"  budget: {note}")
    typer.echo(f"  final tolerance {d['final_epsilon']:.3g}, ESS {d['final_ess']:.0f}")
    typer.echo("\ngenerations")
    typer.echo(tables["generations"].to_string(index=False))
    typer.echo("\nparameters (posterior median and 95% interval)")
    for r in tables["parameters"].itertuples():
        flag = " [prior is an assumption]" if r.assumption else ""
        est, lo, hi = (_fmt(x, r.unit) for x in (r.estimate, r.lower_95, r.upper_95))
        typer.echo(f"  {r.parameter:60s} {est:>10s} [{lo}, {hi}] {r.unit}{flag}")
    chk = tables["predictive_check"]
    typer.echo("\nposterior predictive against the archive (95% interval of the archival figure)")
    for r in chk.itertuples():
        mark = "no interval" if r.inside is None else ("inside" if r.inside else "OUTSIDE")
        if not r.produced:
            mark = "not produced by the simulator"
        typer.echo(f"  {r.role:8s} {r.name:45s} {_fmt(r.observed):>12s}  [{_fmt(r.lower_95)}, {_fmt(r.upper_95)}] "
                   f"{mark}")
    cov = d["held_out_coverage"]
    typer.echo(f"  held-out coverage: {cov['inside']} of {cov['checked']} inside their 95% intervals"
               + (f" ({cov['not_produced']} not produced)" if cov.get("not_produced") else ""))
    sa = d.get("scale_agreement") or {}
    if sa:
        typer.echo(f"\nscale {s['scale']} against {sa['high_scale']}: {sa['agree']} of {sa['quantities']} "
                   f"quantities agree within 2 Monte Carlo se (largest |z| {sa['max_abs_z']:.2f}, {sa['draws']} "
                   f"paired draws; about {sa.get('expected_to_differ_by_chance', 0):.0f} would differ by chance)")
    toll = tables["toll"]
    tot = toll[toll["sex"] == "all"]
    typer.echo("\nthe toll of 1937-38 (posterior predictive, persons)")
    for r in tot.itertuples():
        typer.echo(f"  {r.label:50s} {_fmt(r.estimate):>10s} [{_fmt(r.lower_95)}, {_fmt(r.upper_95)}]")
    typer.echo("\nthe mechanism on the seed's claims")
    for r in tables["mechanism_claims"].itertuples():
        typer.echo(f"  {r.quantity:40s} {_fmt(r.estimate):>8s} [{_fmt(r.lower_95)}, {_fmt(r.upper_95)}]  "
                   f"{r.description}")

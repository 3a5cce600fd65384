"""``purgetoll sim run --scenario``: run one scenario, in position or mechanism mode, with values set.

    purgetoll sim run --scenario archival --mode mechanism --scale 0.001 --seed 1 --out runs/a
    purgetoll sim run --scenario archival --mode mechanism --set terror.interrogators_persons=12500 \\
        --scale 0.001 --seed 1 --out runs/b --format json
    purgetoll sim run --keys                       # every SECTION.KEY --set accepts, with unit and range

A scenario runs from its own start to its own end. The folder gets the run's snapshots, its event
log (``events/part-NNNN.parquet``: the demographic events and the terror's, each terror event with the
person's id, month, sex, age, region, urban or rural, nationality, social group, party membership,
operation, household and for sentences the body and category; read the terror's with
:func:`purgetoll.sim.summaries.read_events`) and its manifest. ``--format json`` prints the run's
totals under the names of the verdict's totals table (:func:`purgetoll.sim.summaries.totals`:
``arrests_1937_1938``, ``death_sentences_1937_1938``, ``camp_deaths_1938``, ...).

Without ``--scenario`` the command is the demography-only run of :mod:`purgetoll.sim.cli` (this
command calls it): the engine's package cannot import the scenarios above it, so the top-level CLI
registers this command as ``sim run``. The scenarios and the engine are imported inside the
commands (each import says its cost), so that ``purgetoll --help`` stays fast.
"""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path
from typing import Annotated, Any

import typer

from purgetoll.errors import PurgetollError
from purgetoll.limits import parse_overrides
from purgetoll.sim.cli import EventsOption, LimitOption, PastDataOption, ScaleOption, SeedOption
from purgetoll.sim.cli import run_cmd as demography_run
from purgetoll.sim.coverage import past_data_note
from purgetoll.terminal import Format, fail

__all__ = ["run_cmd", "parse_set"]


def parse_set(items: list[str]) -> dict[str, Any]:
    """``["terror.mode=mechanism", "gulag.arrival_months=2"]`` -> ``{"terror.mode": "mechanism", ...}``.

    A value is read as TOML (numbers, ``true``/``false``, quoted strings, inline tables such as
    ``{ "1937" = 5000 }``); anything TOML cannot read is taken as a plain string. An item that is not
    ``SECTION.KEY=VALUE`` raises ``ValueError`` naming it.
    """
    out: dict[str, Any] = {}
    for item in items:
        key, eq, raw = item.partition("=")
        if not eq or "." not in key:
            raise ValueError(f"--set {item!r}: write SECTION.KEY=VALUE (e.g. terror.interrogators_persons=12500)")
        try:
            value = tomllib.loads(f"v = {raw}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw
        out[key.strip()] = value
    return out


def _keys(fmt: Format) -> None:
    # start-up: the modules' declarations (pandas, the engine), +0.6 s CPU on --help
    from purgetoll.scenarios.registry import keys_frame

    df = keys_frame()
    df.insert(0, "key_path", df["section"] + "." + df["key"])
    if fmt == Format.json:
        typer.echo(df.drop(columns=["section", "key"]).to_json(orient="records", indent=1))
        return
    if fmt == Format.csv:
        typer.echo(df.drop(columns=["section", "key"]).to_csv(index=False), nl=False)
        return
    for row in df.itertuples():
        lo = "-inf" if row.low is None or row.low != row.low else f"{row.low:g}"
        hi = "inf" if row.high is None or row.high != row.high else f"{row.high:g}"
        rng = f"[{lo}, {hi}]" if row.kind in ("number", "integer", "series") else row.kind
        flag = " (assumption)" if row.assumption else ""
        prior = f"  prior [{row.prior[0]:g}, {row.prior[1]:g}]" if row.prior else ""
        typer.echo(f"{row.key_path:60s} {rng:22s} {row.unit}{flag}{prior}")


def run_cmd(
    out: Annotated[Path | None, typer.Option("--out", help="Folder of the run (snapshots, events, manifest).")] = None,
    scenario: Annotated[str | None, typer.Option("--scenario", help="A bundled scenario's name (archival, "
                                                "conquest_1990, ...) or a path to a .toml file.")] = None,
    mode: Annotated[str | None, typer.Option("--mode", help="position (impose the account's totals) or mechanism "
                                            "(impose only the historical inputs; the rest emerges).")] = None,
    set_: Annotated[list[str] | None, typer.Option("--set", help="SECTION.KEY=VALUE, repeatable (see --keys).")] = None,
    keys: Annotated[bool, typer.Option("--keys", help="List the keys --set accepts and exit.")] = False,
    fmt: Annotated[Format, typer.Option("--format", help="table to read, csv or json: the run's totals on stdout "
                                        "(with --keys: the keys).")] = Format.table,
    start: Annotated[str, typer.Option(help="Without --scenario: start date (ISO); the 1926 census date.")] = "1926-12-17",
    end: Annotated[str, typer.Option(help="Without --scenario: end date (ISO).")] = "1959-01-15",
    scale: ScaleOption = 0.01,
    seed: SeedOption = 1,
    resume: Annotated[bool, typer.Option("--resume", help="Continue from the last checkpoint in --out.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace a finished or unfinished run in --out.")] = False,
    events: EventsOption = True,
    limit: LimitOption = None,
    past_data: PastDataOption = False,
) -> None:
    """Run a scenario (--scenario) in position or mechanism mode, or the demography-only simulation. A run
    past the bundled data (an end after 1960-01-01) is refused unless --past-data asks for it."""
    if keys:
        _keys(fmt)
        return
    if out is None:
        fail("--out is required (the folder of the run)")
    if scenario is None:
        if mode is not None or set_:
            fail("--mode and --set need --scenario")
        demography_run(out=out, start=start, end=end, scale=scale, seed=seed, resume=resume, force=force,
                       events=events, limit=limit, past_data=past_data)
        return
    # start-up: the scenarios and the engine (pandas, pydantic, numba), +0.9 s CPU on --help
    from purgetoll.scenarios.build import build_sim
    from purgetoll.scenarios.settings import Scenario
    from purgetoll.sim.summaries import read_events, totals

    if mode is not None and mode not in ("position", "mechanism"):
        fail(f"--mode must be position or mechanism; got {mode!r}")
    try:
        values = parse_set(list(set_ or []))
    except ValueError as exc:
        fail(exc)
    if fmt != Format.table and not events:
        fail(f"--format {fmt.value} reads the totals from the event log: drop --no-events")
    try:
        limits = parse_overrides(limit)
        sc = Scenario.load(scenario)
        if mode is not None and sc.enabled("terror"):
            values["terror.mode"] = mode
        elif mode is not None:
            typer.echo(f"note: scenario {sc.name} runs no terror module: --mode {mode} changes nothing", err=True)
        if values:
            sc = sc.with_values(values)
        sim = build_sim(sc, scale=scale, seed=seed, write_events=events, past_data=past_data)
        result = sim.run(out, resume=resume, force=force, progress=_progress(sim, scale), limits=limits)
    except (PurgetollError, FileExistsError) as exc:
        fail(exc)
    for note in result.notes:
        typer.echo(f"note: {note}", err=True)
    run_mode = sim.module("terror").values["mode"] if "terror" in sim.modules else "none"
    tot = totals(read_events(out), scale) if events and "terror" in sim.modules else {}
    past = past_data_note(sim)
    if fmt == Format.csv:
        typer.echo("name,value")
        for k, v in tot.items():
            typer.echo(f"{k},{v!r}")
        return
    if fmt == Format.json:
        typer.echo(json.dumps({"scenario": sc.name, "mode": run_mode, "scale": scale, "seed": seed,
                               "start": sc.start, "end": sc.end, "out": str(out), "set": values,
                               "totals": tot, "unit": "persons (agents / scale; estimates when scale < 1)",
                               "past_data": past}, indent=1, default=str))
        return
    typer.echo(f"wrote {out}: scenario {sc.name} ({run_mode} mode), {sim.n_steps} months, scale {scale}, seed {seed}; "
               f"peak memory {result.peak_rss_bytes / 2**30:.2f} GiB")
    if past is not None:
        typer.echo(f"  {past}")
    for k in ("arrests_1937_1938", "convictions_1937", "convictions_1938", "death_sentences_1937_1938",
              "executions_1937_1938", "camp_deaths_1937", "camp_deaths_1938"):
        if k in tot:
            typer.echo(f"  {k:28s} {tot[k]:>12,.0f}")


def _progress(sim: Any, scale: float):
    """A progress line on stderr when it is a terminal (nothing when piped)."""
    if not sys.stderr.isatty():
        return None

    def show(k: int, n: int, date: Any, n_alive: int, rss: int) -> None:
        end = "\n" if k == n else ""
        sys.stderr.write(f"\r{date.isoformat()}  {k}/{n} months  mem {rss / 2**30:.2f} GiB{end}")
        sys.stderr.flush()

    return show

"""``purgetoll sim``: run the agent engine.

``purgetoll sim run --start 1926-12-17 --end 1959-01-15 --scale 0.01 --seed 1 --out DIR`` writes
``DIR/snapshots.parquet``, ``DIR/events/part-NNNN.parquet``, ``DIR/timings.json`` and finally
``DIR/manifest.json`` (every file's SHA-256), all at once: the run is built beside ``DIR`` and
swapped in when finished (``purgetoll.folders.RunFolder``); ``--resume`` continues a killed run from
its last yearly checkpoint to the identical result, after checking the checkpoint's checksums.
``purgetoll sim plan`` prints the monthly order of module steps.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from purgetoll.errors import PurgetollError
from purgetoll.limits import parse_overrides
from purgetoll.sim.coverage import check_data_ends, past_data_note
from purgetoll.terminal import fail

app = typer.Typer(
    name="sim",
    help="The agent engine: every Soviet citizen (or one in 1/scale), month by month, reproducible to the bit.",
    no_args_is_help=True,
)


# options shared with the scenario-aware `sim run` (purgetoll.scenarios.cli), declared once
ScaleOption = Annotated[float, typer.Option(help="Agents per person in (0, 1]; 1 = every person.")]
SeedOption = Annotated[int, typer.Option(help="Seed of all keyed random streams.")]
EventsOption = Annotated[bool, typer.Option("--events/--no-events", help="Write the event log.")]
LimitOption = Annotated[list[str] | None, typer.Option("--limit", help="Raise a declared limit, NAME=VALUE (repeatable): "
                                                                      "sim_agent_months, sim_memory_share.")]
PastDataOption = Annotated[bool, typer.Option("--past-data", help="Run past the end of the bundled data (the births "
                                                                  "series and life tables end with 1959): no births "
                                                                  "after it, mortality held at the last table; "
                                                                  "stated in the manifest and the output.")]


@app.command("run")
def run_cmd(
    out: Annotated[Path, typer.Option("--out", help="Folder of the run: snapshots, events, manifest (written whole when finished).")],
    start: Annotated[str, typer.Option(help="Start date (ISO); the 1926 census date.")] = "1926-12-17",
    end: Annotated[str, typer.Option(help="End date (ISO).")] = "1959-01-15",
    scale: ScaleOption = 0.01,
    seed: SeedOption = 1,
    resume: Annotated[bool, typer.Option("--resume", help="Continue the unfinished run of --out from its last checkpoint.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace the finished run in --out (once the new one is complete), or discard an unfinished one.")] = False,
    events: EventsOption = True,
    limit: LimitOption = None,
    past_data: PastDataOption = False,
) -> None:
    """Run the demography-only simulation (births, deaths, ageing, the 1939-40 annexations).

    An --end past the bundled data (after 1960-01-01) is refused unless --past-data asks for it. The
    run's size (agents x months) and estimated peak memory are checked against declared limits
    before anything is written; ``--limit NAME=VALUE`` raises them."""
    # start-up: the engine (pandas, pyarrow, numba) and rich's live display, +0.8 s CPU on --help
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from purgetoll.sim.budget import check_run
    from purgetoll.sim.loop import SimSettings
    from purgetoll.sim.sources import demography_sim

    console = Console(stderr=True)
    try:
        limits = parse_overrides(limit)
        settings = SimSettings(start=start, end=end, scale=scale, seed=seed, write_events=events, past_data=past_data)
        sim = demography_sim(settings)
        check_data_ends(sim)
        check_run(sim, limits)
    except PurgetollError as exc:
        fail(exc)
    alive = {"n": -1}
    with Progress(
        TextColumn("[bold]{task.fields[date]}"), BarColumn(), TextColumn("{task.completed}/{task.total} months"),
        TextColumn("alive {task.fields[alive]}"), TextColumn("mem {task.fields[mem]}"), TimeElapsedColumn(),
        console=console, transient=False,
    ) as bar:
        task = bar.add_task("sim", total=sim.n_steps, date=start, alive="...", mem="...")

        def progress(k: int, n: int, date, n_alive: int, rss: int) -> None:
            if n_alive >= 0:
                alive["n"] = n_alive
            shown = f"{alive['n'] / scale:,.0f}" if alive["n"] >= 0 else "..."
            bar.update(task, completed=k, date=date.isoformat(), alive=shown, mem=f"{rss / 2**30:.2f} GiB")

        try:
            result = sim.run(out, resume=resume, force=force, progress=progress, limits=limits)
        except PurgetollError as exc:
            bar.stop()
            fail(exc)
    for note in result.notes:
        typer.echo(f"note: {note}", err=True)
    counts = result.event_counts
    typer.echo(f"wrote {out} ({sim.n_steps} months; scale {scale}, seed {seed}); alive at end "
               f"{result.people_alive / scale:,.0f} persons (estimate from {result.people_alive:,} agents); "
               f"births {counts.get('birth', 0):,}, deaths {counts.get('death', 0):,}, annexed {counts.get('annexed', 0):,} agents; "
               f"peak memory {result.peak_rss_bytes / 2**30:.2f} GiB")
    past = past_data_note(sim)
    if past is not None:
        typer.echo(f"  {past}")


@app.command("plan")
def plan_cmd() -> None:
    """Print the fixed monthly order of module steps of the demography-only run."""
    # start-up: the engine, +0.7 s CPU on --help
    from purgetoll.sim.loop import plan_frame
    from purgetoll.sim.modules import Demography, Territory

    typer.echo(plan_frame([Territory, Demography]).to_string(index=False))

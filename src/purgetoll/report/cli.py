"""``purgetoll run``: the main job, writing the report of the evidence into ``runs/<name>/``;
``purgetoll report RUN_DIR``: the same run rendered again from the results stored in it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from purgetoll import report, results  # their names load on first use: --help loads no pandas
from purgetoll.errors import PurgetollError
from purgetoll.terminal import fail

CacheOpt = typer.Option(
    "--cache", help="Folder of the results cache (default: $PURGETOLL_CACHE, else ~/.cache/purgetoll).",
    file_okay=False)
NoCacheOpt = typer.Option(
    "--no-cache", help="Compute every result afresh and keep nothing in the cache (the run still stores "
    "its results).")


def _cache(folder: Path | None, no_cache: bool) -> results.ResultCache:
    if no_cache:
        return results.ResultCache(None)
    return results.ResultCache() if folder is None else results.ResultCache(folder)


def _say_what_was_reused(cache: results.ResultCache) -> None:
    """One line on stderr: what came from the cache and what was computed (stdout stays the path)."""
    if not cache.log:
        return
    count = {"results": [0, 0], "figures": [0, 0]}
    for kind, _, what in cache.log:
        count["figures" if kind == "report.figure" else "results"][what != "reused"] += 1
    for kind, key, what in cache.log:
        if what not in ("reused", "computed"):
            typer.echo(f"note: {kind} {key[:12]}: {what}", err=True)
    where = cache.root if cache.root is not None else "no cache"
    typer.echo(f"results: {count['results'][0]} reused, {count['results'][1]} computed; figures: "
               f"{count['figures'][0]} reused, {count['figures'][1]} drawn ({where})", err=True)


def run(
    name: Annotated[
        str | None,
        typer.Option(
            "--name",
            help="Name of the run folder under --out (default: the UTC time, so a rerun never "
            "overwrites an earlier run).",
        ),
    ] = None,
    out: Annotated[
        Path, typer.Option("--out", help="Folder that holds the runs.", file_okay=False)
    ] = Path("runs"),
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Replace an existing run of the same --name (only once the new one is complete)."
        ),
    ] = False,
    cache: Annotated[Path | None, CacheOpt] = None,
    no_cache: Annotated[bool, NoCacheOpt] = False,
    calibration: Annotated[
        Path | None,
        typer.Option(
            "--calibration",
            help="A stored calibration (`purgetoll calibrate run --out DIR`) to show; default: OUT/calibration "
            "if it holds one. The report never runs a calibration.",
        ),
    ] = None,
) -> None:
    """The main job: write the report into OUT/NAME/ and print the path of report.html.

    The report is one self-contained HTML page (no network needed to view it): population pyramids
    of the 1939 and 1959 censuses, men per 1000 women by age in 1939 and 1959 against the case
    study's table, and the case study's claims with their verdicts. Each figure's and table's data
    is written beside it as CSV, with a manifest.json of versions and sources. A rerun never
    overwrites an earlier run unless --force is given, and a run that fails leaves nothing behind.

    The results it shows (deficits, the claims checked, the censuses' verdict) are computed once
    and kept in a cache keyed by their settings, purgetoll's version and the SHA-256 of its code
    and bundled data; a second run reuses them (and the figures), after checking their checksums.
    They are stored with the run, in OUT/NAME/results/ (Parquet and JSON), so `purgetoll report
    OUT/NAME` renders the run again without computing.
    """
    used = _cache(cache, no_cache)
    try:
        path = report.write_run(out, name, force=force, cache=used, calibration=calibration)
    except PurgetollError as exc:  # bad input, a folder in use, a full or read-only disk: named
        fail(exc)
    _say_what_was_reused(used)
    typer.echo(str(path))


def rerender(
    run_dir: Annotated[Path, typer.Argument(help="A run folder written by `purgetoll run`.", file_okay=False)],
    to: Annotated[
        Path | None,
        typer.Option("--to", help="Write the new rendering to this folder instead of replacing RUN_DIR.",
                     file_okay=False),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace a run already in --to.")] = False,
    cache: Annotated[Path | None, CacheOpt] = None,
    no_cache: Annotated[bool, NoCacheOpt] = False,
) -> None:
    """Render a run of `purgetoll run` again from the results stored in it, computing nothing.

    Every stored result is checked against its SHA-256 first. The run folder is replaced whole by
    the new rendering (or it goes to --to); with the same purgetoll, every CSV comes out byte for
    byte the same. Prints the path of report.html.
    """
    used = _cache(cache, no_cache)
    try:
        path = report.rerender_run(run_dir, to=to, force=force, cache=used)
    except PurgetollError as exc:
        fail(exc)
    typer.echo(str(path))

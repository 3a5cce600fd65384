"""``purgetoll run``: the main job, writing the report of the evidence into ``runs/<name>/``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from purgetoll.errors import PurgetollError


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
) -> None:
    """The main job: write the report into OUT/NAME/ and print the path of report.html.

    The report is one self-contained HTML page (no network needed to view it): population pyramids
    of the 1939 and 1959 censuses, men per 1000 women by age in 1939 and 1959 against the case
    study's table, and the case study's claims with their verdicts. Each figure's and table's data
    is written beside it as CSV, with a manifest.json of versions and sources. A rerun never
    overwrites an earlier run unless --force is given, and a run that fails leaves nothing behind.
    """
    from purgetoll.report.run import write_run

    try:
        path = write_run(out, name, force=force)
    except PurgetollError as exc:  # bad input, a folder in use, a full or read-only disk: named
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=1) from exc
    typer.echo(str(path))

"""``purgetoll verify DIR``: check a run folder against the checksums written with it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from purgetoll.folders.verify import verify_folder
from purgetoll.terminal import BAD_INPUT, FAILED


def verify(
    folders: Annotated[list[Path], typer.Argument(help="Run folders (of `sim run`, `run`, ...).")],
) -> None:
    """Check that every file of a run is as it was written (size and SHA-256 in its manifest.json).

    An unfinished run kept for --resume is checked against its checkpoint. Exit code 0 when every
    file matches, 1 when one is missing, truncated or altered (each named), 2 when a folder given
    holds no run (the rule of every command, purgetoll.terminal: 2 for what was given, 1 for what
    could not be done; a damaged file outranks a folder without a run).
    """
    codes = set()
    for folder in folders:
        report = verify_folder(folder)
        for note in report.notes:
            typer.echo(f"note: {note}", err=True)
        for problem in report.problems:
            typer.echo(f"error: {problem}", err=True)
        if report.ok:
            typer.echo(f"{folder}: {report.checked} files match their SHA-256")
        else:
            codes.add(BAD_INPUT if report.checked == 0 and "no run here" in report.problems[0] else FAILED)
    if codes:
        raise typer.Exit(min(codes))

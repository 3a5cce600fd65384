"""What every ``purgetoll`` command shares on the terminal.

- :class:`Format`: the output formats a command offers (``--format table|csv|json``);
- :func:`fail`: end a command on an error: ``error: <message>`` on stderr, exit status 1 (or the
  command's own);
- :func:`deprecated`: the warning of a renamed command, on stderr (stdout stays clean);
- :func:`progress`: a progress bar over a long job's steps (the runs of ``purgetoll verdict``, and
  the calibrations and linkages to come) on a terminal, nothing when the output is piped.

Base layer: it imports typer and nothing of purgetoll, so any part's CLI may use it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence, Sized
from enum import StrEnum
from typing import NoReturn, TextIO, TypeVar

import typer

T = TypeVar("T")


class Format(StrEnum):
    """Output formats: ``table`` to read, ``csv`` (stdout stays a clean CSV; notes go to stderr)
    and ``json`` (notes embedded)."""

    table = "table"
    csv = "csv"
    json = "json"


def fail(error: Exception | str | Sequence[Exception | str], *, code: int = 1) -> NoReturn:
    """Print ``error: <error>`` on stderr (one line per error of a list) and end the command with exit
    status ``code`` (1; ``purgetoll verdict`` and ``purgetoll sim run`` say 2 for bad input)."""
    for e in [error] if isinstance(error, Exception | str) else error:
        typer.echo(f"error: {e}", err=True)
    raise typer.Exit(code)


def deprecated(old: str, new: str, until: str) -> None:
    """Say on stderr that command ``old`` is now ``new`` and goes in version ``until``."""
    typer.echo(f"warning: `{old}` is deprecated: it is now `{new}` (same arguments and options); "
               f"`{old}` goes in purgetoll {until}", err=True)


def progress(items: Iterable[T], description: str, *, total: int | None = None,
             stream: TextIO | None = None) -> Iterator[T]:
    """Yield ``items`` while a progress bar advances on ``stream`` (default stderr).

    The bar shows only when ``stream`` is a terminal: piped or redirected (CI, ``> out.json``,
    tests) nothing is written, so a command's JSON or CSV on stdout and its messages on stderr
    stay as they were. ``total`` defaults to ``len(items)`` when it has one.
    """
    stream = sys.stderr if stream is None else stream
    if not stream.isatty():
        yield from items
        return
    # start-up: rich's live display (rich.progress, +6 ms CPU on --help) loads only when a bar shows
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    if total is None and isinstance(items, Sized):
        total = len(items)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(file=stream, force_terminal=True)) as bar:
        task = bar.add_task(description, total=total)
        for item in items:
            yield item
            bar.advance(task)

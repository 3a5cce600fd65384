"""What every ``purgetoll`` command shares on the terminal.

- :class:`Format`: the output formats a command offers (``--format table|csv|json``);
- :func:`fail`: end a command on an error: ``error: <message>`` on stderr and the exit status of
  :func:`exit_status`, one rule for every command (:data:`BAD_INPUT` 2, :data:`FAILED` 1);
- :func:`deprecated`: the warning of a renamed command, on stderr (stdout stays clean);
- :func:`progress`: a progress bar over a long job's steps (the runs of ``purgetoll verdict``, and
  the calibrations and linkages to come) on a terminal, nothing when the output is piped.

Base layer: it imports typer and the error classes of :mod:`purgetoll.errors`, so any part's CLI
may use it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence, Sized
from enum import StrEnum
from typing import NoReturn, TextIO, TypeVar

import typer

from purgetoll.errors import (
    DamagedError,
    ForeignContentError,
    NotEstimableError,
    OutputError,
    RunExistsError,
)

T = TypeVar("T")

#: Exit status of a command refused for what it was given, before any work (as click exits on a usage
#: error): a bad option or argument, a file that is missing, unreadable or wrong, a job over a
#: declared limit, an output folder that holds a run or someone else's files.
BAD_INPUT = 2
#: Exit status of a command that could not do what it was given: a write that failed (a full or
#: read-only disk), a folder another process holds, a file purgetoll wrote that is damaged, an
#: estimate that does not exist, a fit that did not converge, a cluster that cannot be reached.
FAILED = 1


class Format(StrEnum):
    """Output formats: ``table`` to read, ``csv`` (stdout stays a clean CSV; notes go to stderr)
    and ``json`` (notes embedded)."""

    table = "table"
    csv = "csv"
    json = "json"


def exit_status(error: Exception | str) -> int:
    """The exit status of a command ended by ``error``: :data:`FAILED` (1) when it could not be done
    (:class:`~purgetoll.errors.OutputError` but for an output folder given that holds a run or someone
    else's files, :class:`~purgetoll.errors.DamagedError`, :class:`~purgetoll.errors.NotEstimableError`,
    a ``RuntimeError`` such as :class:`~purgetoll.errors.ConvergenceError`, and anything but a
    ``ValueError`` or ``TypeError``); :data:`BAD_INPUT` (2) for what was given (a message, a
    ``ValueError`` such as :class:`~purgetoll.errors.DataError`, the problems of a file or of settings, a
    :class:`~purgetoll.errors.LimitError`, or a ``TypeError``; a :class:`~purgetoll.errors.RunExistsError`
    or :class:`~purgetoll.errors.ForeignContentError`)."""
    if isinstance(error, str | RunExistsError | ForeignContentError):
        return BAD_INPUT
    if isinstance(error, OutputError | DamagedError | NotEstimableError | RuntimeError):
        return FAILED
    return BAD_INPUT if isinstance(error, ValueError | TypeError) else FAILED


def fail(error: Exception | str | Sequence[Exception | str], *, code: int | None = None) -> NoReturn:
    """Print ``error: <error>`` on stderr (one line per error of a list) and end the command with the exit
    status of :func:`exit_status` (of a list, :data:`FAILED` if any of them failed), or ``code``
    where a message says what the rule cannot see (``purgetoll data check`` finding a bundled table
    wrong: :data:`FAILED`)."""
    errors = [error] if isinstance(error, Exception | str) else list(error)
    for e in errors:
        typer.echo(f"error: {e}", err=True)
    raise typer.Exit(code if code is not None else min(exit_status(e) for e in errors))


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

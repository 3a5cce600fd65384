"""What every ``purgetoll`` command shares on the terminal.

- :class:`Format`: the output formats a command offers (``--format table|csv|json``);
- :func:`fail`: end a command on an error: ``error: <message>`` on stderr, exit status 1.

Base layer: it imports typer and nothing of purgetoll, so any part's CLI may use it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NoReturn

import typer


class Format(StrEnum):
    """Output formats: ``table`` to read, ``csv`` (stdout stays a clean CSV; notes go to stderr)
    and ``json`` (notes embedded)."""

    table = "table"
    csv = "csv"
    json = "json"


def fail(error: Exception | str) -> NoReturn:
    """Print ``error: <error>`` on stderr and end the command with exit status 1."""
    typer.echo(f"error: {error}", err=True)
    raise typer.Exit(1)

"""``purgetoll data``: list, show (export) and check the bundled tables.

- ``purgetoll data list``: every table with its kind, unit and period;
- ``purgetoll data show NAME [--format table|csv|json]``: one table with its citation (for
  ``csv`` the citation goes to stderr so stdout stays a clean CSV; ``json`` embeds it);
- ``purgetoll data check [--table NAME]``: run every check; exit 1 listing table, row and
  expectation for each problem.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from purgetoll import data  # its names load on first use (data.load, ...): --help stays light
from purgetoll.errors import DataError
from purgetoll.terminal import FAILED, Format, fail

if TYPE_CHECKING:
    import pandas as pd

app = typer.Typer(
    help=(
        "Browse, export and verify the bundled published figures (censuses, life tables, the ADH "
        "reconstruction, archival series). Every table carries its citation and caveats."
    ),
    no_args_is_help=True,
)


@app.command("list")
def list_tables() -> None:
    """List every bundled table: name, kind, period and title."""
    cat = data.catalog()
    out = Table(title=f"{len(cat)} bundled tables (`purgetoll data show NAME`: rows, unit, source, caveats)")
    out.add_column("name", no_wrap=True)  # names are typed back into `show`: never broken
    out.add_column("kind", overflow="fold", max_width=14)
    out.add_column("period", overflow="fold", max_width=20)
    out.add_column("title", overflow="fold", ratio=1)
    for _, r in cat.iterrows():
        out.add_row(r["name"], r["kind"], r["period"], r["title"])
    Console(width=max(140, Console().width)).print(out)


def _records(df: pd.DataFrame) -> list[dict]:
    clean = df.astype(object).where(df.notna(), None)
    return [
        {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
        for row in clean.to_dict(orient="records")
    ]


@app.command()
def show(
    name: Annotated[str, typer.Argument(help="Table name (see `purgetoll data list`).")],
    format: Annotated[
        Format, typer.Option("--format", "-f", help="table, csv or json.")
    ] = Format.table,
) -> None:
    """Show or export one table with its citation, unit and caveats."""
    try:
        info = data.table_info(name)
        df = data.load(name)
    except DataError as exc:
        fail(exc)
    citation = f"Source: {info.source}\nUnit: {info.unit}\nCaveats: {info.caveats}"
    if format is Format.csv:
        typer.echo(df.to_csv(index=False, lineterminator="\n"), nl=False)
        typer.echo(citation, err=True)
        return
    if format is Format.json:
        doc = {
            "table": info.name,
            "title": info.title,
            "source": info.source,
            "unit": info.unit,
            "territory": info.territory,
            "period": info.period,
            "caveats": info.caveats,
            "rows": _records(df),
        }
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=1))
        return
    out = Table(title=f"{info.name}: {info.title}")
    for col in df.columns:
        out.add_column(str(col), overflow="fold")
    for row in _records(df):
        out.add_row(*("" if v is None else str(v) for v in row.values()))
    console = Console(width=max(120, Console().width))
    console.print(out)
    console.print(citation, markup=False)


@app.command()
def check(
    table: Annotated[
        str | None, typer.Option("--table", "-t", help="Check only this table.")
    ] = None,
) -> None:
    """Check every bundled table (sums, completeness, identities); exit 1 on any problem."""
    try:
        if table is None:
            problems = data.check_all()
            n = len(data.catalog())
        else:
            problems = data.check_table(table, data.load(table))
            n = 1
    except DataError as exc:
        fail(exc)
    for p in problems:
        typer.echo(str(p))
    if problems:
        fail(f"{len(problems)} problem(s) in {n} table(s) checked", code=FAILED)
    typer.echo(f"all {n} table(s) pass")
    sys.stdout.flush()

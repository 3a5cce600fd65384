"""``purgetoll compare``: run scenarios over seeds and give the censuses' verdict on them.

``purgetoll compare archival conquest_1968 conquest_1990 no_terror --scale 0.001 --seeds 3
--format table`` runs each scenario (bundled name or path to a ``.toml``) over the seeds, fanned
out over processes, and prints: totals per scenario (every event kind, in persons for the whole
population whatever the scale), the verdict (1939 population and 1937-1939 survival by sex
against the corrected census and ADH), and which scenarios the censuses cannot tell apart.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import Annotated

import typer

__all__ = ["compare_cmd"]


class Format(StrEnum):
    csv = "csv"
    json = "json"
    table = "table"


class Which(StrEnum):
    verdict = "verdict"
    totals = "totals"
    targets = "targets"
    deficits = "deficits"
    census_1939 = "census_1939"
    survival = "survival"
    pairs = "pairs"


def compare_cmd(
    scenarios: Annotated[list[str] | None, typer.Argument(help="Scenario names (bundled) or paths to .toml "
                                                               "files.")] = None,
    scale: Annotated[float, typer.Option(help="Agents per person in (0, 1]; counts are always for the whole "
                                              "population.")] = 0.001,
    seeds: Annotated[int, typer.Option(help="Runs per scenario (seeds first-seed .. first-seed + N - 1).")] = 3,
    first_seed: Annotated[int, typer.Option(help="First seed.")] = 1,
    start: Annotated[str | None, typer.Option(help="Start census (1926-12-17 or 1937-01-06); default: each "
                                                   "scenario's own.")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="csv (one table, --table), json (all tables) or "
                                                         "table (readable).")] = Format.table,
    table: Annotated[Which, typer.Option(help="The table --format csv prints.")] = Which.verdict,
    workers: Annotated[int | None, typer.Option(help="Processes (default: CPUs).")] = None,
    keys: Annotated[bool, typer.Option("--keys", help="List every valid scenario key (section, unit, range, "
                                                      "default, source or assumption) and the bundled scenarios, "
                                                      "then exit.")] = False,
) -> None:
    """The censuses' verdict on published accounts of the Terror: each scenario's simulated 1939 census and
    1937-1939 survival against the real census (padding corrected) and ADH, with Monte Carlo intervals."""
    from purgetoll.errors import PurgetollError
    from purgetoll.verdict.compare import TEST_STATEMENT, compare

    if keys:
        _print_keys(fmt)
        return
    problems = []
    if not scenarios:
        from purgetoll.scenarios import bundled_names

        problems.append(f"give at least one scenario (bundled: {', '.join(bundled_names())}; or a path to a .toml file)")
    if not 0 < scale <= 1:
        problems.append(f"--scale must be in (0, 1]; got {scale}")
    if seeds < 1:
        problems.append(f"--seeds must be >= 1; got {seeds}")
    if workers is not None and workers < 1:
        problems.append(f"--workers must be >= 1; got {workers}")
    if problems:
        for p in problems:
            typer.echo(f"error: {p}", err=True)
        raise typer.Exit(2)
    try:
        v = compare(list(scenarios), scale=scale, seeds=seeds, first_seed=first_seed, start=start, workers=workers)
    except PurgetollError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if fmt is Format.csv:
        v.tables()[table.value].to_csv(sys.stdout, index=False)
    elif fmt is Format.json:
        typer.echo(json.dumps(v.to_json(), indent=1, default=str))
    else:
        _print_tables(v)
        typer.echo("\n" + TEST_STATEMENT)


def _print_tables(v) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=160)
    s = v.settings
    console.print(f"scale {s['scale']} ({s['persons_per_agent']:,.0f} persons per agent), seeds {s['seeds']}; "
                  "counts in persons for the whole population; intervals: mean +/- 1.96 sd over seeds")
    t = Table(title="Totals per scenario (persons for the whole population; shares as fractions)")
    for c in ("scenario", "measure", "value", "95% interval"):
        t.add_column(c)
    for r in v.totals.itertuples():
        if r.measure.startswith("events_") and r.measure not in ("events_death", "events_birth"):
            continue  # the headline figures say the same, by year
        f = (lambda x: f"{x:.3f}") if r.unit == "share" else (lambda x: f"{x:,.0f}")
        t.add_row(r.scenario, r.measure, f(r.value), f"{f(r.lower_95)} - {f(r.upper_95)}")
    console.print(t)
    if len(v.targets):
        t = Table(title="Each scenario against its own sources (\\[targets] of its file)")
        for c in ("scenario", "target", "published", "simulated (95%)", "ratio", "source"):
            t.add_column(c)
        for r in v.targets.itertuples():
            t.add_row(r.scenario, r.target, f"{r.published:,.0f}",
                      f"{r.simulated:,.0f} ({r.lower_95:,.0f} - {r.upper_95:,.0f})" if r.measure else "not simulated",
                      f"{r.simulated_over_published:.3f}" if r.measure else "", r.source[:60])
        console.print(t)
    if len(v.deficits):
        t = Table(title="Persons missing on 17 Jan 1939 against no_terror (paired by seed), and what the census "
                        "implies against the same baseline")
        for c in ("scenario", "sex", "measure", "missing (95%)", "census implies", "census implies, any baseline"):
            t.add_column(c)
        for r in v.deficits.itertuples():
            t.add_row(r.scenario, r.sex, r.measure, f"{k(r.missing)} ({k(r.lower_95)} - {k(r.upper_95)})",
                      f"{k(r.census_implied_low)} - {k(r.census_implied_high)}",
                      f"{k(r.census_implied_low_any_baseline)} - {k(r.census_implied_high_any_baseline)}")
        console.print(t)
    t = Table(title="Verdict: simulated 17 Jan 1939 against the census (padding removed) and ADH")
    for c in ("scenario", "sex", "measure", "simulated (95%)", "census range", "ADH", "vs census", "vs ADH",
              "any baseline", "robust"):
        t.add_column(c)
    for r in v.verdict.itertuples():
        f = (lambda x: f"{x:.4f}") if r.measure.startswith("survival") else (lambda x: f"{x / 1e6:,.2f}M")
        t.add_row(r.scenario, r.sex, r.measure, f"{f(r.simulated)} ({f(r.lower_95)} - {f(r.upper_95)})",
                  f"{f(r.census_low)} - {f(r.census_high)}", f(r.adh), r.vs_census, r.vs_adh,
                  r.vs_census_any_baseline, "yes" if r.robust else "no: depends on the baseline mortality")
    console.print(t)
    t = Table(title="Which accounts the census tells apart (as simulated, and over the baseline mortality's range)")
    for c in ("sex", "measure", "scenario a", "scenario b", "tells apart", "why", "over the baseline range"):
        t.add_column(c)
    for r in v.pairs.itertuples():
        t.add_row(r.sex, r.measure, r.scenario_a, r.scenario_b, "yes" if r.census_tells_apart else "no", r.why,
                  ("yes: " if r.census_tells_apart_any_baseline else "no: ") + r.why_any_baseline)
    console.print(t)


def _print_keys(fmt: Format) -> None:
    from purgetoll.scenarios import bundled_names
    from purgetoll.scenarios.registry import keys_frame

    df = keys_frame()
    if fmt is Format.csv:
        df.to_csv(sys.stdout, index=False)
        return
    if fmt is Format.json:
        typer.echo(json.dumps({"bundled": bundled_names(), "keys": df.astype(object).where(df.notna(), None)
                               .to_dict(orient="records")}, indent=1, default=str))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(width=160)
    console.print(f"bundled scenarios: {', '.join(bundled_names())}")
    console.print("a number is written key = { value = ..., source = \"...\" }; switches and choices bare")
    t = Table(title="Valid scenario keys (section = module name)")
    for c in ("section", "key"):
        t.add_column(c, no_wrap=True)
    for c in ("unit", "range", "default", "assumption", "doc"):
        t.add_column(c, overflow="fold")
    for r in df.itertuples():
        rng = "" if r.kind in ("bool", "choice") else f"[{_b(r.low, '-inf')}, {_b(r.high, 'inf')}]"
        t.add_row(r.section, r.key, r.unit, rng, str(r.default)[:24], "yes" if r.assumption else "",
                  r.doc[:100] + ("..." if len(r.doc) > 100 else ""))
    console.print(t)


def k(x: float) -> str:
    """Thousands, as ``1,234k``."""
    return f"{x / 1e3:,.0f}k"


def _b(x, open_text: str) -> str:
    from purgetoll.params import format_number

    return open_text if x is None or x != x else format_number(x)

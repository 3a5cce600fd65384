"""``purgetoll verdict``: run scenarios over seeds and give the censuses' verdict on them.

``purgetoll verdict archival conquest_1968 conquest_1990 no_terror --scale 0.01 --seeds 3 --format
table`` runs each scenario (bundled name or path to a ``.toml``; ``no_terror`` always runs, as the
baseline of the paired excess) over the seeds, fanned out over processes, reads the 1939 census (or
``--census PATH``) through the error model of the evidence (``--errors FILE``, ``--set KEY=VALUE``;
``--error-keys`` lists the components) and prints: the excess deaths the censuses imply beside the
archive's documented floor, the anchors, each account's verdict, the pairs the census tells apart,
and each scenario's totals and published figures. ``--format json`` gives every table.

``purgetoll compare`` is the old name of the verb, kept for one release (until 0.2): the same
arguments and options, the same output on stdout, and a warning on stderr.
"""

from __future__ import annotations

import functools
import json
import sys
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from purgetoll.errors import PurgetollError
from purgetoll.params import format_number
from purgetoll.terminal import Format, deprecated, fail

__all__ = ["compare_cmd", "verdict_cmd"]


class Which(StrEnum):
    verdict = "verdict"
    implied_excess = "implied_excess"
    documented_floor = "documented_floor"
    totals = "totals"
    targets = "targets"
    deficits = "deficits"
    census_1939 = "census_1939"
    survival = "survival"
    pairs = "pairs"
    anchors = "anchors"
    error_model = "error_model"


def verdict_cmd(
    scenarios: Annotated[list[str] | None, typer.Argument(help="Scenario names (bundled) or paths to .toml "
                                                               "files.")] = None,
    scale: Annotated[float, typer.Option(help="Agents per person in (0, 1]; counts are always for the whole "
                                              "population.")] = 0.001,
    seeds: Annotated[int, typer.Option(help="Runs per scenario (seeds first-seed .. first-seed + N - 1); a verdict "
                                            "needs at least 2.")] = 3,
    first_seed: Annotated[int, typer.Option(help="First seed.")] = 1,
    start: Annotated[str | None, typer.Option(help="Start census (1926-12-17 or 1937-01-06); default: each "
                                                   "scenario's own.")] = None,
    census: Annotated[str | None, typer.Option("--census", help="A 1939 census to judge against instead of the real "
                                                                "one: CSV in the schema of the bundled "
                                                                "census_1939_5y.csv (date, sex, age, age_end, "
                                                                "age_group, count; counts as enumerated, padding "
                                                                "included).")] = None,
    errors: Annotated[str | None, typer.Option("--errors", help="TOML file of error-model settings: key = { value = "
                                                                "..., source = \"...\" } fixes a component, key = "
                                                                "{ low = ..., high = ..., source = \"...\" } draws "
                                                                "it over that range (--error-keys lists them).")] = None,
    sets: Annotated[list[str] | None, typer.Option("--set", help="KEY=VALUE fixes an error-model component, "
                                                                 "KEY=LOW..HIGH draws it over that range "
                                                                 "(repeatable; over --errors).")] = None,
    draws: Annotated[int, typer.Option(help="Draws of the error model (at least 200 must stay effective after the anchors for an interval).")] = 40_000,
    error_seed: Annotated[int, typer.Option(help="Seed of the error model's draws.")] = 0,
    fmt: Annotated[Format, typer.Option("--format", help="csv (one table, --table), json (all tables) or "
                                                         "table (readable).")] = Format.table,
    table: Annotated[Which, typer.Option(help="The table --format csv prints.")] = Which.verdict,
    workers: Annotated[int | None, typer.Option(help="Processes (default: CPUs).")] = None,
    keys: Annotated[bool, typer.Option("--keys", help="List every valid scenario key (section, unit, range, "
                                                      "default, source or assumption) and the bundled scenarios, "
                                                      "then exit.")] = False,
    error_keys: Annotated[bool, typer.Option("--error-keys", help="List every component of the error model (unit, "
                                                                  "range drawn, default, source or assumption), "
                                                                  "then exit.")] = False,
) -> None:
    """The censuses' verdict on published accounts of the Terror: the excess deaths the 1937 and 1939
    censuses imply (read through the error model of the evidence, anchored on women and children), the
    archive's documented floor, and which accounts the censuses exclude. (`purgetoll mse compare` is
    another thing: it compares MSE estimators on victim lists.)"""
    # start-up: the error model and the scenarios (pandas, numba, pydantic), +0.84 s CPU on --help
    from purgetoll.demography.evidence import ErrorModel
    from purgetoll.scenarios import bundled_names

    if keys:
        _print_keys(fmt)
        return
    problems = []
    if error_keys:
        try:
            model = _model(errors, sets or [], ErrorModel)
        except PurgetollError as exc:
            fail(exc)
        _print_error_keys(model, fmt)
        return
    if not scenarios:
        problems.append(f"give at least one scenario (bundled: {', '.join(bundled_names())}; or a path to a .toml file)")
    if not 0 < scale <= 1:
        problems.append(f"--scale must be in (0, 1]; got {scale}")
    if seeds < 1:
        problems.append(f"--seeds must be >= 1; got {seeds}")
    if workers is not None and workers < 1:
        problems.append(f"--workers must be >= 1; got {workers}")
    if draws < 1:
        problems.append(f"--draws must be >= 1; got {draws}")
    if error_seed < 0:
        problems.append(f"--error-seed must be >= 0; got {error_seed}")
    if problems:
        fail(problems)
    # start-up: the verdict and the engine (pyarrow, the sim), +0.12 s CPU on --keys and --error-keys
    from purgetoll.verdict.compare import TEST_STATEMENT, compare

    try:
        model = _model(errors, sets or [], ErrorModel)
        v = compare(list(scenarios or []), scale=scale, seeds=seeds, first_seed=first_seed, start=start, workers=workers,
                    errors=model, census=census, draws=draws, error_seed=error_seed)
    except PurgetollError as exc:
        fail(exc)
    if fmt is Format.csv:
        v.tables()[table.value].to_csv(sys.stdout, index=False)
        typer.echo(f"# {v.settings['method']}", err=True)
    elif fmt is Format.json:
        typer.echo(json.dumps(v.to_json(), indent=1, default=str))
    else:
        _print_tables(v)
        typer.echo("\n" + TEST_STATEMENT + "\n\nMethod: " + v.settings["method"])


@functools.wraps(verdict_cmd)
def compare_cmd(*args: Any, **kwargs: Any) -> None:
    """Deprecated: the old name of `purgetoll verdict` (same arguments and options), until 0.2."""
    deprecated("purgetoll compare", "purgetoll verdict", "0.2")
    verdict_cmd(*args, **kwargs)


def _model(errors: str | None, sets: list[str], error_model):
    model = error_model.from_toml(errors) if errors else error_model.default()
    return model.with_sets(sets) if sets else model


def _print_error_keys(model, fmt: Format) -> None:
    df = model.table()
    if fmt is Format.csv:
        df.to_csv(sys.stdout, index=False)
        return
    if fmt is Format.json:
        typer.echo(json.dumps(df.astype(object).where(df.notna(), None).to_dict(orient="records"), indent=1,
                              default=str))
        return
    console = Console(width=180)
    t = Table(title=f"The error model of the evidence ({model.origin}): every component, how it is drawn")
    for c in ("name", "group", "unit", "central", "drawn", "assumption"):
        t.add_column(c, no_wrap=c == "name")
    t.add_column("source", overflow="fold")
    for r in df.itertuples():
        drawn = "fixed" if r.distribution == "fixed" else f"{r.distribution} {_b(r.low, '')}..{_b(r.high, '')}"
        t.add_row(r.name, r.group, r.unit, _b(r.central, ""), drawn, "yes" if r.assumption else "",
                  r.source[:160] + ("..." if len(r.source) > 160 else ""))
    console.print(t)


def _fmt(x: float) -> str:
    return "-" if x != x else f"{x / 1e3:,.0f}k"


def _span(lo: float, hi: float) -> str:
    return "no interval" if lo != lo else f"{_fmt(lo)} - {_fmt(hi)}"


def _print_tables(v) -> None:
    console = Console(width=180)
    s = v.settings
    console.print(f"scale {s['scale']} ({s['persons_per_agent']:,.0f} persons per agent), seeds {s['seeds']}; "
                  f"counts in persons for the whole population; {s['draws']:,} draws of the error model "
                  f"({s['effective_draws']:,.0f} effective after the anchors); census: {s.get('census', '')}")
    t = Table(title="The toll the censuses imply: excess deaths 6 Jan 1937 - 17 Jan 1939 (persons), with the "
                    "archive's documented floor")
    for c in ("sex", "ages (1939)", "implied (95%)", "documented floor (excess)", "against the floor",
              "moves most with"):
        t.add_column(c, overflow="fold")
    for r in v.implied_excess.itertuples():
        t.add_row(r.sex, r.ages, f"{_fmt(r.estimate)} ({_span(r.lower_95, r.upper_95)})",
                  _fmt(r.documented_floor_excess), r.vs_floor + (f"; closes it: {r.closed_by}" if r.closed_by else ""),
                  r.depends_on)
    console.print(t)
    t = Table(title="The archive's documented floor (deaths recorded; sex split and share carried out assumed)")
    for c in ("sex", "deaths (95%)", "as excess deaths", "assumption"):
        t.add_column(c, overflow="fold")
    for r in v.documented_floor.itertuples():
        t.add_row(r.sex, f"{_fmt(r.deaths)} ({_span(r.lower_95, r.upper_95)})", _fmt(r.excess_deaths), r.assumption)
    console.print(t)
    t = Table(title="Anchors: where the Terror barely reached")
    for c in ("anchor", "target", "tolerance", "before weighting (95%)", "after (95%)", "closes it"):
        t.add_column(c, overflow="fold")
    for r in v.anchors.itertuples():
        before = f"{_fmt(r.prior_estimate)} ({_span(r.prior_lower_95, r.prior_upper_95)})"
        after = f"{_fmt(r.estimate)} ({_span(r.lower_95, r.upper_95)})"
        t.add_row(r.anchor, r.target, _fmt(r.tolerance), before, after, r.closed_by)
    console.print(t)
    t = Table(title="Verdict: each account's simulated excess deaths (paired with no_terror by seed) against the "
                    "census-implied excess")
    for c in ("scenario", "sex", "ages", "simulated (95%)", "implied (95%)", "implied - simulated (95%)",
              "vs census", "vs ADH", "closes it"):
        t.add_column(c, overflow="fold")
    for r in v.verdict.itertuples():
        t.add_row(r.scenario, r.sex, r.ages, f"{_fmt(r.simulated)} ({_span(r.sim_lower_95, r.sim_upper_95)})",
                  f"{_fmt(r.implied)} ({_span(r.implied_lower_95, r.implied_upper_95)})",
                  f"{_fmt(r.difference)} ({_span(r.lower_95, r.upper_95)})", r.vs_census, r.vs_adh, r.closed_by)
    console.print(t)
    t = Table(title="Which accounts the census tells apart")
    for c in ("sex", "measure", "scenario a", "scenario b", "tells apart", "why"):
        t.add_column(c)
    for r in v.pairs.itertuples():
        apart = "not judged" if r.census_tells_apart is None else ("yes" if r.census_tells_apart else "no")
        t.add_row(r.sex, r.measure, r.scenario_a, r.scenario_b, apart, r.why)
    console.print(t)
    t = Table(title="Totals per scenario (persons for the whole population; shares as fractions)")
    for c in ("scenario", "measure", "value", "95% interval"):
        t.add_column(c)
    for r in v.totals.itertuples():
        if r.measure.startswith("events_") and r.measure not in ("events_death", "events_birth"):
            continue  # the headline figures say the same, by year
        f = (lambda x: f"{x:.3f}") if r.unit == "share" else (lambda x: f"{x:,.0f}")
        none = "-" if r.value != r.value else ("none (one run)" if r.n_seeds < 2 else "none")
        t.add_row(r.scenario, r.measure, f(r.value) if r.value == r.value else "-",
                  none if r.lower_95 != r.lower_95 else f"{f(r.lower_95)} - {f(r.upper_95)}")
    console.print(t)
    if len(v.targets):
        t = Table(title="Each scenario against its own sources (\\[targets] of its file)")
        for c in ("scenario", "target", "published", "simulated (95%)", "ratio", "source"):
            t.add_column(c)
        for r in v.targets.itertuples():
            t.add_row(r.scenario, r.target, f"{r.published:,.0f}",
                      f"{r.simulated:,.0f} ({_span(r.lower_95, r.upper_95)})" if r.measure else "not simulated",
                      f"{r.simulated_over_published:.3f}" if r.measure else "", r.source[:60])
        console.print(t)


def _print_keys(fmt: Format) -> None:
    # start-up: the scenarios and the modules' declarations (pandas, pydantic), +0.7 s CPU on --help
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
    return open_text if x is None or x != x else format_number(x)

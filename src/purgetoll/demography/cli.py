"""``purgetoll demog``: projection, cohort survival, deficits and births from the command line.

- ``purgetoll demog project --base census:1959 --to 1970-01-15 --life-table 1958-1959 --format csv``
  prints ``sex,age,count`` of the projected population (persons, rounded to whole persons).
- ``purgetoll demog survival --from census:1939 --to census:1959 --cohorts 1890-1926 [--by cohort]``
- ``purgetoll demog deficit --from adh:1939 --to census:1959``
- ``purgetoll demog births`` (births 1927-1959 implied by reverse survival).

For ``csv`` the assumptions go to stderr (lines starting ``# ``) so stdout stays a clean CSV;
``json`` embeds them; ``table`` prints them under the table. Bad input exits 1 with the error.
Monte Carlo intervals need at least 200 draws (``purgetoll.intervals``): with fewer the bounds are
empty and the notes say there is no interval. ``--limit NAME=VALUE`` raises a declared limit
(``demog_draws``, ``demog_years``; :mod:`purgetoll.limits`), which is checked before any work.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from purgetoll import demography  # its names load on first use: --help loads no numpy, numba, scipy
from purgetoll.errors import DataError, PurgetollError
from purgetoll.limits import parse_overrides
from purgetoll.terminal import Format, fail

if TYPE_CHECKING:  # numpy and pandas load with the first command, not with --help
    import pandas as pd

app = typer.Typer(
    help=(
        "The census read with a demographic engine: project a population under normal mortality, "
        "cohort survival between two censuses, the missing men and women by birth cohort with "
        "intervals, and births implied by the young cohorts. Every output lists its assumptions."
    ),
    no_args_is_help=True,
)


def _emit(df: pd.DataFrame, fmt: Format, assumptions: list[str], *, digits: int | None = None) -> None:
    import pandas as pd  # start-up: +0.37 s CPU on --help (the command has loaded it by now)

    out = df.copy()
    if digits is not None:
        for col in out.columns:
            if pd.api.types.is_float_dtype(out[col]):
                out[col] = out[col].round(digits)
    if fmt == Format.csv:
        sys.stdout.write(out.to_csv(index=False))
        for note in assumptions:
            typer.echo(f"# {note}", err=True)
    elif fmt == Format.json:
        clean = out.astype(object).where(out.notna(), None)
        records = [{k: (v.item() if hasattr(v, "item") else v) for k, v in r.items()}
                   for r in clean.to_dict(orient="records")]
        typer.echo(json.dumps({"rows": records, "assumptions": assumptions}, ensure_ascii=False, indent=1))
    else:
        typer.echo(out.to_string(index=False))
        typer.echo("\nAssumptions:")
        for note in assumptions:
            typer.echo(f"  - {note}")


def _corrections(no_army: bool, no_padding: bool, no_territory: bool, padding: float | None):
    return demography.CensusCorrections(
        **({"army_1937": None} if no_army else {}),
        **({"padding_1939": None} if no_padding else ({"padding_1939": demography.Padding1939(padding)} if padding is not None else {})),
        **({"territory": None} if no_territory else {}),
    )


FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="table, csv or json.")]
DrawsOpt = Annotated[int, typer.Option("--draws", help="Monte Carlo draws over the uncertain inputs.")]
SeedOpt = Annotated[int, typer.Option("--seed", help="Seed of the Monte Carlo draws (same seed, same output).")]
NoUnderOpt = Annotated[bool, typer.Option("--no-underregistration", help="Use the 1926-27 and 1938-39 life tables as printed.")]
NoArmyOpt = Annotated[bool, typer.Option("--no-army-1937", help="Do not add the army and NKVD contingents to the 1937 census.")]
NoPadOpt = Annotated[bool, typer.Option("--no-padding-1939", help="Do not remove the padding of the 1939 census.")]
PadOpt = Annotated[float | None, typer.Option("--padding-1939", help="Persons of padding removed from the 1939 census, fixed (default: drawn by the error model over 1.69-2.96M, the published range).")]
NoTerrOpt = Annotated[bool, typer.Option("--no-territory", help="Do not bring 1939 (1938 borders) to the 1946 borders of the 1959 census.")]
FromOpt = Annotated[str, typer.Option("--from", help="Start: census:YEAR or adh:YEAR[:BORDERS].")]
ToOpt = Annotated[str, typer.Option("--to", help="End: census:YEAR or adh:YEAR[:BORDERS].")]


LimitOpt = Annotated[list[str] | None, typer.Option("--limit", help="Raise a declared limit, NAME=VALUE (repeatable): "
                                                                   "demog_draws, demog_years.")]


def _interval_note(df: pd.DataFrame) -> list[str]:
    """The assumptions of a Monte Carlo result and how its interval was made (or why there is none)."""
    return [*df.attrs["assumptions"], df.attrs["interval"]]


@app.command()
def project(
    base: Annotated[str, typer.Option("--base", help="census:YEAR or adh:YEAR[:BORDERS], e.g. census:1959.")],
    to: Annotated[str, typer.Option("--to", help="End date, ISO YYYY-MM-DD.")],
    life_table: Annotated[str, typer.Option("--life-table", help="An official period (1926-1927, 1938-1939, 1958-1959) held constant, or 'interpolated'.")] = "interpolated",
    births: Annotated[str | None, typer.Option("--births", help="CSV of births (columns year, sex, count), or 'implied' for the 1927-1959 reverse-survival series.")] = None,
    asfr: Annotated[str | None, typer.Option("--asfr", help="CSV of age-specific fertility (columns age, births_per_woman: births per woman per year).")] = None,
    sex_ratio_at_birth: Annotated[float, typer.Option("--sex-ratio-at-birth", help="Males per female born, with --asfr (default 1.05: an assumption).")] = 1.05,
    no_underregistration: NoUnderOpt = False,
    limit: LimitOpt = None,
    format: FormatOpt = Format.table,
) -> None:
    """Project a population by single year of age and sex to a date (births only if given)."""
    # start-up: numpy, pandas and the user files' readers, +0.36 s CPU on --help
    import numpy as np

    from purgetoll.demography.userfiles import read_asfr_csv, read_births_csv

    try:
        limits = parse_overrides(limit)
        date, arr, note = demography.population(base)
        series = None
        if births == "implied":
            series = demography.births_series()
        elif births is not None:
            series = read_births_csv(births)
        if births is not None and asfr is not None:
            raise DataError("project", "give --births or --asfr, not both (each says how many are born)")
        rates = None if asfr is None else read_asfr_csv(asfr)
        kwargs: dict[str, Any] = {} if not no_underregistration else {"correction": None}
        demography.decimal_year(to)  # a bad date is named as such before anything is read
        r = demography.project(arr, date, to, mortality=life_table, births=series, asfr=rates,
                               sex_ratio_at_birth=sex_ratio_at_birth, limits=limits, **kwargs)
        df = r.to_frame()[["sex", "age", "count"]]
        df["count"] = np.rint(df["count"]).astype(np.int64)
    except PurgetollError as exc:
        fail(exc)
    _emit(df, format, [f"base: {note}", *r.assumptions, f"projected to {to}"])


@app.command()
def survival(
    from_: FromOpt = "adh:1939",
    to: ToOpt = "census:1959",
    cohorts: Annotated[str, typer.Option("--cohorts", help="Birth years FIRST-LAST.")] = "1890-1926",
    by: Annotated[str, typer.Option("--by", help="sex (one row per sex) or cohort (per single birth year).")] = "sex",
    draws: DrawsOpt = 1000,
    seed: SeedOpt = 0,
    no_army_1937: NoArmyOpt = False,
    no_padding_1939: NoPadOpt = False,
    padding_1939: PadOpt = None,
    no_territory: NoTerrOpt = False,
    limit: LimitOpt = None,
    format: FormatOpt = Format.table,
) -> None:
    """Cohort survival between two censuses by sex: the share of the cohorts counted again."""
    try:
        df = demography.cohort_survival(from_, to, cohorts, by=by, draws=draws, seed=seed, limits=parse_overrides(limit),
                                        corrections=_corrections(no_army_1937, no_padding_1939, no_territory, padding_1939))
    except PurgetollError as exc:
        fail(exc)
    _emit(df, format, _interval_note(df), digits=6)


@app.command()
def deficit(
    from_: FromOpt = "adh:1939",
    to: ToOpt = "census:1959",
    cohorts: Annotated[str | None, typer.Option("--cohorts", help="Birth years FIRST-LAST (default: all alive at the start, under 100 at the end).")] = None,
    width: Annotated[int, typer.Option("--width", help="Years per birth-cohort group.")] = 5,
    life_table: Annotated[str, typer.Option("--life-table", help="'interpolated' or one official period held constant.")] = "interpolated",
    draws: DrawsOpt = 1000,
    seed: SeedOpt = 0,
    no_underregistration: NoUnderOpt = False,
    no_army_1937: NoArmyOpt = False,
    no_padding_1939: NoPadOpt = False,
    padding_1939: PadOpt = None,
    no_territory: NoTerrOpt = False,
    limit: LimitOpt = None,
    format: FormatOpt = Format.table,
) -> None:
    """Expected (normal mortality), observed and missing persons by sex and birth cohort, with intervals."""
    try:
        df = demography.deficit(from_, to, cohorts=cohorts, width=width, mortality=life_table,
                                correction=None if no_underregistration else demography.DEFAULT_CORRECTION,
                                draws=draws, seed=seed, limits=parse_overrides(limit),
                                corrections=_corrections(no_army_1937, no_padding_1939, no_territory, padding_1939))
    except PurgetollError as exc:
        fail(exc)
    _emit(df, format, _interval_note(df), digits=0)


@app.command()
def births(
    first: Annotated[int, typer.Option("--first", help="First calendar year (>= 1927).")] = 1927,
    last: Annotated[int, typer.Option("--last", help="Last calendar year (<= 1959).")] = 1959,
    format: FormatOpt = Format.table,
) -> None:
    """Births by calendar year and sex implied by reverse survival of the young cohorts."""
    try:
        df = demography.births_series(first, last)
    except PurgetollError as exc:
        fail(exc)
    notes = [df.attrs["source"], *dict.fromkeys(df["method"]), *dict.fromkeys(df["source"])]
    _emit(df[["year", "sex", "count", "borders"]], format, notes, digits=0)


@app.command()
def heaping(
    year: Annotated[int, typer.Option("--census", help="Census year: 1926, 1937, 1939 or 1959.")] = 1959,
    format: FormatOpt = Format.table,
) -> None:
    """Age heaping of a census: Whipple's and Myers' indices before and after the digit correction."""
    try:
        pop = demography.census_single(year)
    except PurgetollError as exc:
        fail(exc)
    df = demography.heaping_report({"male": pop[0], "female": pop[1]})
    notes = [f"census {year}, single years, unknown ages spread in proportion",
             "Whipple: ages 23-62, 100 = no preference for 0 and 5, 500 = maximal; Myers: ages 10-89, 0 = none, 90 = maximal",
             "after = digit preference of ages 30-89 divided out at full strength (Myers' blended digit shares)"]
    _emit(df, format, notes, digits=2)

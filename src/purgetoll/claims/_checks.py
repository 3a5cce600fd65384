"""The check methods: what the bundled data say about the quantity a claim is about.

Each method takes the claim's check parameters and returns :class:`Evidence` (the data value(s),
the table, the citation and a detail line). Comparing the evidence with the claimed figure is
the job of :mod:`purgetoll.claims._verdict`; nothing here knows what the claim says, so no
verdict can be tuned to a claim. The methods and their parameters are declared in
:mod:`purgetoll.claims._methods`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import pandas as pd

from purgetoll.claims._access import facts_table, source_of, table, table_name


@dataclass(frozen=True)
class Evidence:
    """What the data give for a claim's quantity.

    Exactly one of ``value`` (a count, a percentage or a ratio, in ``unit``), ``women``/``men``
    (census counts, persons) or ``share`` (a proportion in [0, 1]) is set.
    """

    table: str
    citation: str
    unit: str
    value: float | None = None
    women: int | None = None
    men: int | None = None
    share: Fraction | None = None
    detail: str = ""
    #: Related figures of the same table (the row this one is part of, rows named in ``also``),
    #: as (label, value): the claim is judged against them too, so a reader learns when a claimed
    #: figure matches a different quantity (35,000 officers "shot or imprisoned" = those dismissed).
    related: tuple[tuple[str, float], ...] = ()


class CheckParameterError(ValueError):
    """A check's parameters do not fit the data (e.g. an age range that cuts a 5-year group)."""


def _fmt(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() else f"{x:,.1f}"


# ----------------------------------------------------------------------------------------- census


def _census_range(year: int, age: int, age_end: int | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The 5-year census groups tiling ages ``age``..``age_end`` (open when None), and the table."""
    df = table(f"census_{year}_5y", loader="census", year=year, ages="5y")
    sel = (
        df[df["age"] >= age] if age_end is None else df[(df["age"] >= age) & (df["age"] <= age_end)]
    )
    if sel.empty:
        raise CheckParameterError(f"no {year} census group starts within ages {age}-{age_end}")
    first = int(sel["age"].min())
    last = sel["age_end"].max() if sel["age_end"].notna().all() else None
    if first != age or (age_end is not None and (last is None or int(last) != age_end)):
        raise CheckParameterError(
            f"ages {age}-{age_end if age_end is not None else ''} do not coincide with the 5-year "
            f"groups of the {year} census (groups found from {first} to {last})"
        )
    return sel, df


def census_split(year: int, age: int, age_end: int | None = None) -> Evidence:
    """Women and men counted by the census ``year`` at ages ``age``..``age_end`` (open if None).

    The 5-year groups of ``purgetoll.data.census(year, "5y")`` are pooled; the detail lists the
    women's share (percent) of each group.
    """
    sel, df = _census_range(year, age, age_end)
    women = int(sel.loc[sel["sex"] == "female", "count"].sum())
    men = int(sel.loc[sel["sex"] == "male", "count"].sum())
    groups = []
    for g, part in sel.groupby("age_group", sort=False):
        w = int(part.loc[part["sex"] == "female", "count"].sum())
        m = int(part.loc[part["sex"] == "male", "count"].sum())
        groups.append(f"{g}: {100 * w / (w + m):.1f}")
    return Evidence(
        table=table_name(df, f"census_{year}_5y"),
        citation=source_of(df),
        unit="persons",
        women=women,
        men=men,
        detail=f"{year} census, women {women:,}, men {men:,}; women's share by group (%): "
        + ", ".join(groups),
    )


def census_ratio(year: int, age: int, age_end: int | None = None) -> Evidence:
    """Women per man counted by the census ``year`` at ages ``age``..``age_end``."""
    ev = census_split(year, age, age_end)
    assert ev.women is not None and ev.men is not None  # set by census_split
    return Evidence(
        table=ev.table,
        citation=ev.citation,
        unit="women per man",
        value=ev.women / ev.men,
        detail=f"{year} census, women {ev.women:,} / men {ev.men:,}",
    )


def census_excess_women(year: int, age: int, age_end: int | None = None) -> Evidence:
    """Women minus men counted by the census ``year`` at ages ``age``..``age_end`` (persons).

    The usual measure of the men missing from a census (a lower bound of the deficit of men:
    women died too, and at older ages women outnumber men in any population).
    """
    ev = census_split(year, age, age_end)
    assert ev.women is not None and ev.men is not None  # set by census_split
    label = f"{age}+" if age_end is None else f"{age}-{age_end}"
    return Evidence(
        table=ev.table,
        citation=ev.citation,
        unit="persons",
        value=float(ev.women - ev.men),
        detail=f"{year} census, ages {label}: women {ev.women:,} - men {ev.men:,} = "
        f"{ev.women - ev.men:,}; {1000 * ev.men / ev.women:.0f} men per 1000 women",
    )


# ---------------------------------------------------------------------------------------- archive


def _first(selected: pd.DataFrame, missing: str) -> pd.Series:
    """The first selected row; an empty selection is a :class:`CheckParameterError` ``missing``."""
    if selected.empty:
        raise CheckParameterError(missing)
    return selected.iloc[0]


def _row(df: pd.DataFrame, name: str, row: str) -> pd.Series:
    return _first(df[df["id"] == row], f"table {name} has no row with id {row!r}")


def _row_text(r: pd.Series) -> str:
    return f"{r['subject']}: {r['metric']}, {r['period']} = {_fmt(float(r['value']))} ({r['id']})"


def _archive_row(name: str, row: str, also: list[str] | None = None) -> Evidence:
    df = facts_table(name)
    r = _row(df, name, row)
    notes = [_row_text(r)]
    related: list[tuple[str, float]] = []
    parent = r.get("part_of")
    others = [("part of", parent)] if isinstance(parent, str) and parent.strip() else []
    others += [("compare", other) for other in also or []]
    for how, other in others:
        o = _row(df, name, other)
        notes.append(f"{how} {_row_text(o)}")
        if pd.notna(o["value"]):
            related.append((_row_text(o), float(o["value"])))
    note = r.get("note")
    if isinstance(note, str) and note.strip():
        notes.append(f"note: {note}")
    return Evidence(
        table=table_name(df, name),
        citation=source_of(df, r),
        unit=str(r.get("unit", "persons")),
        value=float(r["value"]),
        detail="; ".join(notes),
        related=tuple(related),
    )


def key_total(row: str, also: list[str] | None = None) -> Evidence:
    """One row of the archival key totals (``purgetoll.data.key_totals()``), by its id."""
    return _archive_row("repression_key_totals", row, also)


def fact(table: str, row: str, also: list[str] | None = None) -> Evidence:
    """One row (by id) of any table of the ``facts`` schema (``purgetoll.data.load(table)``)."""
    return _archive_row(table, row, also)


def army_purge(row: str) -> Evidence:
    """One row of the army purge table (``purgetoll.data.army_purge()``), with its parent row."""
    return _archive_row("army_purge_1935_1941", row)


def _every_year(
    years: pd.Series, values: pd.Series, first_year: int, last_year: int, series: str
) -> dict[int, int]:
    """``{year: value}`` for every year ``first_year``..``last_year``, in order; a gap is an error."""
    by_year = {int(y): int(v) for y, v in zip(years, values, strict=True)}
    missing = [y for y in range(first_year, last_year + 1) if y not in by_year]
    if missing:
        raise CheckParameterError(f"the {series} series has no row for {missing}")
    return {y: by_year[y] for y in range(first_year, last_year + 1)}


def _gulag_deaths_by_year(first_year: int, last_year: int) -> tuple[dict[int, int], pd.DataFrame]:
    df = table("gulag_deaths_1930_1956", loader="gulag", what="deaths")
    years = df[df["year"].notna() & df["deaths"].notna()]
    return _every_year(years["year"], years["deaths"], first_year, last_year, "Gulag death"), df


def gulag_deaths(first_year: int, last_year: int) -> Evidence:
    """Deaths in the Gulag summed over the years (GARF f.9414 certificate, camps and colonies)."""
    by_year, df = _gulag_deaths_by_year(first_year, last_year)
    caveat = str(df.attrs.get("caveats", "")).strip()
    return Evidence(
        table=table_name(df, "gulag_deaths_1930_1956"),
        citation=source_of(df, df.iloc[0]),
        unit="persons",
        value=float(sum(by_year.values())),
        detail=", ".join(f"{y}: {d:,}" for y, d in by_year.items())
        + (f"; caveat: {caveat}" if caveat else ""),
    )


def _death_sentences_by_year(
    first_year: int, last_year: int
) -> tuple[dict[int, int], pd.DataFrame]:
    df = table(
        "repression_convicted_by_year_1921_1953",
        loader="repression",
        series="mvd_1953",
        category="death",
        years=(first_year, last_year),
    )
    sel = df[
        (df["series"] == "mvd_1953")
        & (df["category"] == "death")
        & df["year"].notna()
        & df["value"].notna()
    ]
    return _every_year(sel["year"], sel["value"], first_year, last_year, "death-sentence"), df


def archival_deaths(first_year: int, last_year: int) -> Evidence:
    """Death sentences (1953 MVD certificate, corrected values) plus Gulag deaths over the years.

    A lower bound of deaths at the state's hands: a death sentence is not always an execution,
    and deaths in prisons, in transit, in exile and soon after release are not counted.
    """
    vmn, rep = _death_sentences_by_year(first_year, last_year)
    deaths, gul = _gulag_deaths_by_year(first_year, last_year)
    total = sum(vmn.values()) + sum(deaths.values())
    return Evidence(
        table=f"{table_name(rep, 'repression_convicted_by_year_1921_1953')} + "
        f"{table_name(gul, 'gulag_deaths_1930_1956')}",
        citation=f"{source_of(rep, rep.iloc[0])}; {source_of(gul, gul.iloc[0])}",
        unit="persons",
        value=float(total),
        detail=f"death sentences {sum(vmn.values()):,} ("
        + ", ".join(f"{y}: {v:,}" for y, v in vmn.items())
        + f") + Gulag deaths {sum(deaths.values()):,} ("
        + ", ".join(f"{y}: {d:,}" for y, d in deaths.items())
        + "); a lower bound (sentences are not executions; prison, transit and exile deaths are not counted)",
    )


def gulag_population(date: str) -> Evidence:
    """Gulag prisoners counted on ``date`` (ISO) in the archival Gulag population series."""
    df = table("gulag_population_jan1_partial", loader="gulag", what="population")
    sel = df[(df["date"].astype(str) == date) & df["prisoners"].notna()]
    r = _first(sel, f"table {table_name(df, 'gulag_population_jan1_partial')} has no count on {date}")
    others = [f"{o['coverage']}: {int(o['prisoners']):,}" for _, o in sel.iloc[1:].iterrows()]
    note = r.get("note")
    return Evidence(
        table=table_name(df, "gulag_population_jan1_partial"),
        citation=source_of(df, r),
        unit="persons",
        value=float(r["prisoners"]),
        detail=f"{date}, {r['coverage']}: {int(r['prisoners']):,}"
        + (f"; also {', '.join(others)}" if others else "")
        + (f"; note: {note}" if isinstance(note, str) and note.strip() else ""),
    )


def prison_population(date: str) -> Evidence:
    """Prisoners in NKVD-MVD prisons on ``date`` (GARF f.9413 certificate)."""
    df = table("prisons_population_quarterly_1939_1960", loader="gulag", what="prisons")
    r = _first(df[df["date"].astype(str) == date], f"the prison series has no count on {date}")
    return Evidence(
        table=table_name(df, "prisons_population_quarterly_1939_1960"),
        citation=source_of(df, r),
        unit="persons",
        value=float(r["count"]),
        detail=f"prisons on {date}: {int(r['count']):,}",
    )


def gulag_women_share(date: str) -> Evidence:
    """Women as a percentage of Gulag prisoners at ``date`` (as the table's row for it gives)."""
    df = table("gulag_sex_composition_partial", loader="gulag", what="sex")
    r = _first(
        df[(df["date"].astype(str) == date) & (df["sex"] == "female")],
        f"the Gulag sex composition has no women's row for {date}",
    )
    others = df[(df["sex"] == "female") & df["pct"].notna() & (df["date"].astype(str) != date)]
    return Evidence(
        table=table_name(df, "gulag_sex_composition_partial"),
        citation=source_of(df, r),
        unit="percent",
        value=float(r["pct"]),
        detail=f"women {float(r['pct']):g}% of {r['coverage']} on {date}"
        + (f" ({r['note']})" if isinstance(r.get("note"), str) and r["note"].strip() else "")
        + "; other dates: "
        + ", ".join(
            f"{d} {c} {float(p):g}%"
            for d, c, p in zip(others["date"], others["coverage"], others["pct"], strict=True)
        ),
    )


def famine_estimate(author: str) -> Evidence:
    """A published estimate of the 1932-33 famine deaths, by author, with the spread of the others."""
    df = table("famine_1932_1933_estimates", loader="estimates", subject="famine")
    r = _first(df[df["author"] == author], f"the famine estimates have no row by {author!r}")
    usable = df[(df["territory"] == r["territory"]) & df["value"].notna()]
    return Evidence(
        table=table_name(df, "famine_1932_1933_estimates"),
        citation=source_of(df, r),
        unit="persons",
        value=float(r["value"]),
        detail=f"{author} ({r['year_of_estimate']}): {int(r['value']):,}; the {len(usable)} "
        f"{r['territory']} estimates in the table range from {int(usable['value'].min()):,} "
        f"to {int(usable['value'].max()):,}",
    )


def arrests_per_population(row: str, census_year: int) -> Evidence:
    """An archival arrest total (key totals row) over the population the census counted."""
    arrests = key_total(row)
    df = table(
        f"census_{census_year}_5y",
        loader="census",
        year=census_year,
        ages="5y",
        include_unknown=True,
    )
    population = int(df["count"].sum())
    assert arrests.value is not None  # set by key_total
    # Context for a cumulative reading of "had reached": every political conviction 1921-1938,
    # an over-count of the persons then alive (some were convicted twice, many had died).
    conv = table(
        "repression_convicted_by_year_1921_1953",
        loader="repression",
        series="mvd_1953",
        category="total",
        years=(1921, 1938),
    )
    convicted = int(conv["value"].dropna().sum())
    return Evidence(
        table=f"{arrests.table} + {table_name(df, f'census_{census_year}_5y')}",
        citation=f"{arrests.citation}; {source_of(df)}",
        unit="share",
        share=Fraction(int(arrests.value), population),
        detail=f"{int(arrests.value):,} arrested / {population:,} counted by the {census_year} "
        f"census (all ages, unknown included; read its caveats); for a cumulative reading, all "
        f"political convictions 1921-1938 (1953 MVD certificate) are {convicted:,}, one in "
        f"{population / convicted:,.0f}",
    )


@dataclass(frozen=True)
class PublishedEstimate:
    """One row of the published estimates (``purgetoll.data.estimates()``)."""

    row: str
    author: str
    label: str
    value: float | None
    low: float | None
    high: float | None
    table: str
    citation: str


def published_estimate(row: str) -> PublishedEstimate:
    """The published estimate with id ``row`` (Conquest's 1968 and 1990 figures, Ellman, ...)."""
    df = table("purge_victim_estimates", loader="estimates", subject="purge")
    r = _first(df[df["id"] == row], f"the published estimates have no row with id {row!r}")

    def num(v: Any) -> float | None:
        return None if pd.isna(v) else float(v)

    return PublishedEstimate(
        row=row,
        author=str(r["author"]),
        label=f"{r['author']}, {r['metric']}, {r['period']}",
        value=num(r["value"]),
        low=num(r["value_low"]),
        high=num(r["value_high"]),
        table=table_name(df, "estimates"),
        citation=source_of(df, r),
    )


#: The implementation of each method of ``_methods.METHODS`` (except "none").
CHECKS: Mapping[str, Callable[..., Evidence]] = {
    "census_split": census_split,
    "census_ratio": census_ratio,
    "census_excess_women": census_excess_women,
    "key_total": key_total,
    "army_purge": army_purge,
    "fact": fact,
    "gulag_deaths": gulag_deaths,
    "archival_deaths": archival_deaths,
    "gulag_population": gulag_population,
    "prison_population": prison_population,
    "gulag_women_share": gulag_women_share,
    "famine_estimate": famine_estimate,
    "arrests_per_population": arrests_per_population,
}


def run_check(method: str, params: Mapping[str, Any]) -> Evidence:
    """Run the check ``method`` with ``params`` (validated by the schema)."""
    return CHECKS[method](**params)

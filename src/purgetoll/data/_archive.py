"""Archival loaders: convictions, key certificates, the Gulag, estimates, operations, army purge.

Bundled tables are listed in ``catalog/archive.toml`` (citations, caveats); their kinds and
checks are in :mod:`purgetoll.data._archive_kinds` and :mod:`purgetoll.data._archive_facts`.
Every loader returns a tidy DataFrame whose ``attrs`` carry ``table``, ``source`` (citation),
``unit`` and ``caveats``; choices are validated and a bad one raises
:class:`purgetoll.errors.DataError` naming the valid ones.

Where a source printed a typo, ``value`` is the corrected figure (the default) and
``value_as_printed`` the printed one, with a ``correction_note``. Where sources disagree, all
figures are kept; facts tables mark them with ``dispute`` and ``default`` (the archival figure).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, get_args

import pandas as pd

from purgetoll.data._archive_facts import tidy_facts
from purgetoll.data._archive_kinds import CATEGORIES, MEASURES
from purgetoll.data._catalog import load
from purgetoll.errors import DataError

__all__ = [
    "army_purge",
    "estimates",
    "gulag",
    "key_totals",
    "operations",
    "repression",
]

Series = Literal["mvd_1953", "mvd_1st_special_dept", "kgb"]
Category = Literal["total", "death", "camps", "exile", "other"]
Values = Literal["corrected", "as_printed"]
GulagWhat = Literal["deaths", "population", "sex", "prisons"]
EstimateSubject = Literal["purge", "famine", "all"]
OperationsWhat = Literal["limits", "regional_limits", "results"]

#: Which bundled table each repression series comes from.
SERIES_TABLES: dict[str, str] = {
    "mvd_1953": "repression_convicted_by_year_1921_1953",
    "mvd_1st_special_dept": "repression_convicted_mvd_vs_kgb_1921_1952",
    "kgb": "repression_convicted_mvd_vs_kgb_1921_1952",
}
GULAG_TABLES: dict[str, str] = {
    "deaths": "gulag_deaths_1930_1956",
    "population": "gulag_population_jan1_partial",
    "sex": "gulag_sex_composition_partial",
    "prisons": "prisons_population_quarterly_1939_1960",
}
OPERATIONS_TABLES: dict[str, str] = {
    "limits": "order_00447_limits_1937",
    "regional_limits": "order_00447_limits_regional",
    "results": "mass_and_national_operations_1937_1938",
}


def _choice(where: str, arg: str, value: object, valid: Sequence[str]) -> None:
    if value not in valid:
        raise DataError(where, f"{arg} must be one of {', '.join(repr(v) for v in valid)}; got {value!r}")


def _keep_attrs(df: pd.DataFrame, attrs: dict) -> pd.DataFrame:
    """Set ``attrs`` and give text columns '' instead of missing values."""
    for col in _TEXT_COLUMNS & set(df.columns):
        df[col] = df[col].map(lambda v: "" if pd.isna(v) else str(v))
    df.attrs = dict(attrs)
    return df


_TEXT_COLUMNS = {"source", "note", "correction_note", "coverage_as_printed", "date_as_printed", "origin"}


def repression(
    series: Series = "mvd_1953",
    *,
    category: Category | Sequence[Category] | None = None,
    years: tuple[int, int] | None = None,
    values: Values = "corrected",
    include_printed_totals: bool = False,
) -> pd.DataFrame:
    """Convictions for "counter-revolutionary" crimes by year and sentence category.

    Parameters
    ----------
    series:
        ``"mvd_1953"`` (default): the 1st special department MVD certificate of 11 Dec 1953
        (ГАРФ ф.9401 оп.1 д.4157) as printed by Kurashvili (1996), 1921 to the first half of
        1953, categories total/death/camps/exile/other. ``"mvd_1st_special_dept"`` and ``"kgb"``:
        the two series printed side by side in 'Stalinskaia epokha' p.128, 1921-1952, categories
        total and death only (they differ in 1925, 1931, 1936 and 1939-52).
    category:
        One category or several (``"total"`` = convicted, ``"death"`` = death sentences (VMN),
        ``"camps"``, ``"exile"``, ``"other"``); all by default.
    years:
        Inclusive ``(first, last)`` calendar years; all by default.
    values:
        ``"corrected"`` (default): ``value`` holds the corrected figures (1932 death, 1937 total,
        1938 exile, 1948 total: the catalog's caveats and each row's ``correction_note`` say
        why). ``"as_printed"``: ``value`` holds the figures as printed (``value_as_printed``).
    include_printed_totals:
        Also return the printed column totals over all years (rows with no ``year``).

    Returns
    -------
    Columns ``series, period, year, category, value, value_as_printed, correction_note,
    documented_difference, source, note``; ``value`` in persons (``Int64``; missing where the
    document leaves the cell blank, e.g. death sentences in 1948-49). ``period`` is ``"1953-H1"``
    for the first half of 1953. ``attrs["values"]`` says which figures ``value`` holds.

    A death sentence is a sentence, not a confirmed execution; "convicted" covers political
    articles only. Other figures for 1937-38 are in :func:`key_totals`.
    """
    where = "repression()"
    _choice(where, "series", series, get_args(Series))
    _choice(where, "values", values, get_args(Values))
    cats = [category] if isinstance(category, str) else list(category or CATEGORIES)
    for c in cats:
        _choice(where, "category", c, CATEGORIES)
    df = load(SERIES_TABLES[series])
    attrs = dict(df.attrs)
    out = df[(df["series"] == series) & df["category"].isin(cats)]
    if not include_printed_totals:
        out = out[out["year"].notna()]
    if years is not None:
        if len(years) != 2 or years[0] > years[1]:
            raise DataError(where, f"years must be (first, last) with first <= last; got {years!r}")
        out = out[out["year"].isna() | out["year"].between(years[0], years[1])]
    out = out.copy()
    out["value"] = out["value"].astype("Int64")
    out["value_as_printed"] = out["value_as_printed"].astype("Int64")
    if values == "as_printed":
        out["value"] = out["value_as_printed"]
    order = {c: i for i, c in enumerate(CATEGORIES)}
    out = out.assign(_o=out["category"].map(order), _t=out["year"].isna())
    out = out.sort_values(["_t", "year", "_o"], kind="stable").drop(columns=["_o", "_t"])
    attrs.update(series=series, values=values)
    return _keep_attrs(out.reset_index(drop=True), attrs)


def key_totals(*, default_only: bool = False) -> pd.DataFrame:
    """The headline archival documents on the Terror, one published figure per row.

    Among them (``id``): the 1954 Rudenko-Kruglov-Gorshenin memo (``memo1954_convicted``
    convicted 1921-53, ``memo1954_vmn`` death sentences); the Pospelov commission 1956
    (``pospelov_arrested`` arrested and ``pospelov_shot`` shot in 1937-38); the Zubkin
    certificate (``zubkin_arrested`` arrested and ``zubkin_vmn`` death sentences, 1 Oct 1936 -
    1 Nov 1938); the 1953 MVD certificate (``cert1953_convicted``, ``cert1953_vmn``); arrests by
    year 1937-39; the Special Board; the Military Collegium.

    Columns are those of the ``facts`` kind (see :mod:`purgetoll.data._archive_facts`): ``id,
    subject, metric, period, date_start, date_end, value, value_low, value_high, qualifier, unit,
    value_as_printed, correction_note, part_of, parts, documented_difference, dispute, default,
    computed, source, note``. Figures are floats (most in persons).

    ``default_only=True`` drops the alternatives of each dispute (for example the 1954 memo's
    death sentences, ``memo1954_vmn``, against the certificate's, ``cert1953_vmn``), keeping one
    figure per quantity.
    """
    df = tidy_facts(load("repression_key_totals"))
    if default_only:
        df = _keep_attrs(df[df["default"]].reset_index(drop=True), df.attrs)
    return df


def gulag(
    what: GulagWhat = "deaths",
    *,
    coverage: str | None = None,
    include_printed_total: bool = False,
) -> pd.DataFrame:
    """Gulag and prison series.

    Parameters
    ----------
    what:
        ``"deaths"`` (default): deaths by year 1930-1956 (ГАРФ ф.9414 certificate), columns
        ``period, year, deaths, deaths_pct_of_average_population, average_population_implied,
        documented_difference, source, note``; ``average_population_implied`` = deaths x 100 /
        percent, computed here (persons, rounded). ``"population"``: prisoners on 1 January
        (partial), columns ``date, date_as_printed, coverage, coverage_as_printed, prisoners,
        qualifier, source, note``. ``"sex"``: men and women (colonies 1943-46, women's shares
        1937 and 1941), columns ``date, coverage, coverage_as_printed, sex, count, pct, source,
        note``. ``"prisons"``: prisoners in NKVD-MVD prisons by quarter 1939-1960, columns
        ``date, count, value_as_printed, correction_note, source, note``.
    coverage:
        For ``population`` and ``sex``: keep one coverage (``"camps"``, ``"colonies"``,
        ``"camps_and_colonies"``).
    include_printed_total:
        For ``deaths``: also return the printed total row 1930-1956 (its ``documented_difference``
        says how far the yearly rows' sum is from it).
    """
    where = "gulag()"
    _choice(where, "what", what, get_args(GulagWhat))
    df = load(GULAG_TABLES[what])
    attrs = dict(df.attrs)
    if coverage is not None:
        if what not in ("population", "sex"):
            raise DataError(where, f"coverage applies to what='population' or 'sex' only; got what={what!r}")
        valid = sorted(set(df["coverage"]))
        _choice(where, "coverage", coverage, valid)
        df = df[df["coverage"] == coverage]
    if what == "deaths":
        if not include_printed_total:
            df = df[df["year"].notna()]
        df = df.copy()
        pct = pd.to_numeric(df["deaths_pct_of_average_population"], errors="coerce")
        implied = (df["deaths"].astype("float64") * 100.0 / pct).round()
        df.insert(4, "average_population_implied", implied.astype("Int64"))
    return _keep_attrs(df.reset_index(drop=True), attrs)


def estimates(
    subject: EstimateSubject = "all",
    *,
    measure: str | None = None,
    author: str | None = None,
) -> pd.DataFrame:
    """Published estimates of the victims of the Purge and of the 1932-33 famine.

    Parameters
    ----------
    subject:
        ``"purge"`` (Conquest 1968 and 1990, Medvedev, Volkogonov, Shatunovskaia, Getty & Naumov,
        Ellman, Memorial, Werth, ...), ``"famine"`` (Lorimer, Urlanis, Wheatcroft, Conquest, ADH,
        ...) or ``"all"`` (default).
    measure:
        Keep one measure: ``arrests``, ``executions``, ``camp_deaths``, ``prison_population``,
        ``camp_population``, ``repressed``, ``detained_population``, ``repression_deaths``,
        ``sentenced``, ``famine_deaths``.
    author:
        Keep rows whose author contains this text (case-insensitive), e.g. ``"Conquest"``.

    Returns
    -------
    Columns ``id, author, year_of_estimate, subject, measure, metric, period, territory, value,
    value_low, value_high, qualifier, unit, value_as_printed, source, note``; figures in persons
    (famine estimates printed in millions are converted). ``value_low``/``value_high`` are the
    bounds the author states (``qualifier``: exact, about, at least, more than, nearly, range).
    These are estimates, not counts.
    """
    where = "estimates()"
    _choice(where, "subject", subject, get_args(EstimateSubject))
    if measure is not None:
        _choice(where, "measure", measure, [m for m in MEASURES if m])
    parts = []
    attrs: dict = {}
    for name, subj in (("purge_victim_estimates", "purge"), ("famine_1932_1933_estimates", "famine")):
        if subject in (subj, "all"):
            df = load(name)
            df["year_of_estimate"] = df["year_of_estimate"].map(
                lambda v: "" if pd.isna(v) else str(v).removesuffix(".0")
            )
            if not attrs:
                attrs = dict(df.attrs)
            elif attrs.get("table") != df.attrs.get("table"):
                attrs = {
                    "table": "purge_victim_estimates + famine_1932_1933_estimates",
                    "source": attrs["source"] + " | " + df.attrs["source"],
                    "unit": "persons",
                    "caveats": attrs["caveats"] + " | " + df.attrs["caveats"],
                    "title": "Published estimates (Purge and famine)",
                }
            parts.append(df)
    out = pd.concat(parts, ignore_index=True)
    for col in ("value", "value_low", "value_high"):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype("float64")
    for col in ("measure", "note", "source", "value_as_printed"):
        out[col] = out[col].fillna("").astype(str)
    if measure is not None:
        out = out[out["measure"] == measure]
    if author is not None:
        out = out[out["author"].str.contains(author, case=False, regex=False)]
    return _keep_attrs(out.reset_index(drop=True), attrs)


def operations(
    what: OperationsWhat = "limits",
    *,
    category: Literal["1", "2", "total"] | None = None,
    default_only: bool = False,
) -> pd.DataFrame:
    """The mass operation (Order 00447) and the national operations of 1937-38.

    Parameters
    ----------
    what:
        ``"limits"`` (default): the initial limits of Order 00447 (30 Jul 1937) by union republic
        and for the NKVD camps, category 1 (shooting) and 2 (camps), and the all-Union totals
        (categories 1 and 2 and their sum; the regions sum exactly to them). Columns ``date, stage,
        region, region_type, parent_region, category, value, value_as_printed, computed, source,
        note``. ``"regional_limits"``: examples of oblast/krai limits and their later increases
        (``stage`` ``initial``, ``increase`` (an increment on ``date``) or ``raised_to`` (a new
        level)), same columns plus ``origin``. ``"results"``: progress and results of Order
        00447, the Polish, German, Harbin and Latvian operations, all national operations, Order
        00486 (facts columns, see :func:`key_totals`).
    category:
        For the limits: keep ``"1"``, ``"2"`` or ``"total"``.
    default_only:
        For the results: drop the alternative figures of each dispute (Order 00447 shot: Werth's
        ``o447_shot_werth`` is the default against the other counts of the dispute ``order_00447_shot``).
    """
    where = "operations()"
    _choice(where, "what", what, get_args(OperationsWhat))
    df = load(OPERATIONS_TABLES[what])
    attrs = dict(df.attrs)
    if what == "results":
        if category is not None:
            raise DataError(where, "category applies to what='limits' or 'regional_limits' only")
        df = tidy_facts(df)
        if default_only:
            df = df[df["default"]]
        return _keep_attrs(df.reset_index(drop=True), attrs)
    if default_only:
        raise DataError(where, "default_only applies to what='results' only")
    df = df.copy()
    df["category"] = df["category"].map(lambda v: str(v).removesuffix(".0"))
    df["computed"] = df["computed"].map(lambda v: str(v).strip().lower() == "true")
    df["value"] = df["value"].astype("Int64")
    for col in ("note", "parent_region", "date"):
        df[col] = df[col].fillna("").astype(str)
    if category is not None:
        _choice(where, "category", category, ("1", "2", "total"))
        df = df[df["category"] == category]
    return _keep_attrs(df.reset_index(drop=True), attrs)


def army_purge() -> pd.DataFrame:
    """Red Army command and political staff dismissed, arrested and reinstated, 1935-1941.

    A ``facts`` table (columns as in :func:`key_totals`): the RGVA certificate of April 1940
    (dismissed by year 1935-1939 with political staff and shares of list strength), Cherushev's
    1937-38 figures with those arrested, the Main Cadres Directorate's breakdown of those
    dismissed in 1937-38 (natural loss, arrested, political, foreigners), reinstatements. The
    reports count different populations, so their figures do not match exactly.
    """
    return tidy_facts(load("army_purge_1935_1941"))

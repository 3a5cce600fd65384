"""The check methods a claim may name, with their parameters (declarative; no data access here).

A claim's ``check`` table names one method and gives its parameters. The schema validates them
against this registry when the claims file is loaded, and ``_checks.py`` implements each method;
a test asserts the two agree, so a method cannot be declared without an implementation.
"""

from __future__ import annotations

from dataclasses import dataclass

# A parameter is (name, python type(s), required).
Param = tuple[str, tuple[type, ...], bool]


@dataclass(frozen=True)
class MethodSpec:
    """One check method: its parameters and what it computes (shown by ``purgetoll claims``)."""

    name: str
    params: tuple[Param, ...]
    computes: str


_INT = (int,)
_STR = (str,)
_LIST = (list,)

METHODS: dict[str, MethodSpec] = {
    m.name: m
    for m in (
        MethodSpec(
            "none",
            (("reason", _STR, True),),
            "nothing: no bundled table measures the quantity (the reason says why)",
        ),
        MethodSpec(
            "census_split",
            (("year", _INT, True), ("age", _INT, True), ("age_end", _INT, False)),
            "women and men of the census in the age range (5-year groups pooled), as shares",
        ),
        MethodSpec(
            "census_excess_women",
            (("year", _INT, True), ("age", _INT, True), ("age_end", _INT, False)),
            "women minus men counted by the census in the age range (persons)",
        ),
        MethodSpec(
            "census_ratio",
            (("year", _INT, True), ("age", _INT, True), ("age_end", _INT, False)),
            "women per man of the census in the age range",
        ),
        MethodSpec(
            "key_total",
            (("row", _STR, True), ("also", _LIST, False)),
            "one row (by id) of the archival key totals; 'also' lists rows shown for comparison",
        ),
        MethodSpec(
            "gulag_deaths",
            (("first_year", _INT, True), ("last_year", _INT, True)),
            "sum of the Gulag deaths by year (GARF f.9414 certificate) over the years",
        ),
        MethodSpec(
            "gulag_population",
            (("date", _STR, True),),
            "Gulag prisoners counted on the date",
        ),
        MethodSpec(
            "prison_population",
            (("date", _STR, True),),
            "prisoners in NKVD-MVD prisons on the date (GARF f.9413 certificate)",
        ),
        MethodSpec(
            "gulag_women_share",
            (("date", _STR, True),),
            "women as a percentage of Gulag prisoners at the date",
        ),
        MethodSpec(
            "fact",
            (("table", _STR, True), ("row", _STR, True), ("also", _LIST, False)),
            "one row (by id) of any bundled table of published figures ('facts' schema)",
        ),
        MethodSpec(
            "army_purge",
            (("row", _STR, True),),
            "one row (by id) of the army purge table, with the row it is part of",
        ),
        MethodSpec(
            "famine_estimate",
            (("author", _STR, True),),
            "a published estimate of the 1932-33 famine deaths",
        ),
        MethodSpec(
            "archival_deaths",
            (("first_year", _INT, True), ("last_year", _INT, True)),
            "death sentences (1953 MVD certificate, corrected) plus Gulag deaths over the years",
        ),
        MethodSpec(
            "arrests_per_population",
            (("row", _STR, True), ("census_year", _INT, True)),
            "an archival arrest total divided by the census population",
        ),
    )
}

"""The bundled evidence: published figures with their citations, typed loaders and checks.

Public surface (``from purgetoll.data import ...``):

- ``catalog()``: one row per bundled table (name, title, kind, unit, territory, period, source,
  caveats, origin); ``load(name)``: any table, tidy, with ``attrs`` table/source/unit/caveats.
- ``census(year, ages="single"|"5y"|"10y", include_unknown=False)``, ``sex_ratio_yearbook()``,
  ``life_table(period, sex)``, ``adh(year, borders="time"|"1938"|"1946")``.
- ``check_table(name, df)`` and ``check_all()``: lists of :class:`Problem`.
- the archival loaders (``repression(...)``, ``gulag(...)``, ...) from their own modules.
- ``figure("TABLE:KEY")`` and ``reference("TABLE:KEY")``: one bundled figure named by table and
  key (:mod:`purgetoll.data._refs`), how code and scenario files cite a number instead of typing it.

Layout: ``tables/<name>.csv`` (tidy tables), ``catalog/<group>.toml`` (one ``[[table]]`` per
table), ``_registry.py`` (table kinds and the check registry), ``_catalog.py`` (catalog, load),
``_checks.py`` (running checks), and one private module per family of tables.

Extending (another family of tables, e.g. ``_archive.py``): write the CSVs and a catalog file,
then a private module ``purgetoll/data/_<family>.py`` that declares its kinds with
``register_kind``, registers checks with ``@register_check(kind)`` (see
:mod:`purgetoll.data._registry` for the API) and lists its public loaders in ``__all__``. The
registry imports every private submodule (name starting with ``_``) the first time it is read
(:func:`purgetoll.data._registry.family_modules`), so the new checks run with no other edit; add
the loaders to the imports and ``__all__`` below (a test checks that every family's ``__all__``
is exported here).

The package never reads ``../shared`` at run time; the maintainer's tools that produced the
tables from it live outside the package (``python tools/retabulate.py`` in the repository).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

# The public names, loaded on first use (purgetoll._lazy): the loaders need pandas, which
# `purgetoll --help` (it imports purgetoll.data.cli) does not.
if TYPE_CHECKING:
    from purgetoll.data._adh import ADH_YEARS, adh
    from purgetoll.data._archive import (
        army_purge,
        estimates,
        gulag,
        key_totals,
        operations,
        repression,
    )
    from purgetoll.data._catalog import catalog, load, table_info
    from purgetoll.data._census import CENSUS_DATES, CENSUS_YEARS, census, sex_ratio_yearbook
    from purgetoll.data._census_checks import men_per_1000_women
    from purgetoll.data._checks import check_all, check_table
    from purgetoll.data._evidence import (
        EvidenceFigure,
        adh_rsfsr_death_rates,
        census_evidence,
        evidence_figure,
    )
    from purgetoll.data._life import LIFE_TABLE_PERIODS, LIFE_TABLE_SEXES, life_table
    from purgetoll.data._machinery import MACHINERY_TABLES, machinery
    from purgetoll.data._refs import REF_PATTERN, Figure, figure, reference
    from purgetoll.data._registry import Problem, TableInfo, register_check, register_kind
else:
    from purgetoll._lazy import lazy_exports

    __getattr__, __dir__ = lazy_exports(__name__, __file__)

__all__ = [
    "ADH_YEARS", "CENSUS_DATES", "CENSUS_YEARS", "LIFE_TABLE_PERIODS", "LIFE_TABLE_SEXES",
    "MACHINERY_TABLES", "Problem", "TableInfo", "adh", "army_purge", "catalog", "census",
    "EvidenceFigure", "adh_rsfsr_death_rates", "census_evidence", "check_all", "check_table",
    "estimates", "evidence_figure", "gulag", "key_totals", "life_table", "load",
    "machinery", "men_per_1000_women", "operations", "register_check", "register_kind",
    "repression", "sex_ratio_yearbook", "table_info", "Figure", "figure", "reference", "REF_PATTERN",
]

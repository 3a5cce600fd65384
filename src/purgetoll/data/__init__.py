"""The bundled evidence: published figures with their citations, typed loaders and checks.

Public surface (``from purgetoll.data import ...``):

- ``catalog()``: one row per bundled table (name, title, kind, unit, territory, period, source,
  caveats, origin); ``load(name)``: any table, tidy, with ``attrs`` table/source/unit/caveats.
- ``census(year, ages="single"|"5y"|"10y", include_unknown=False)``, ``sex_ratio_yearbook()``,
  ``life_table(period, sex)``, ``adh(year, borders="time"|"1938"|"1946")``.
- ``check_table(name, df)`` and ``check_all()``: lists of :class:`Problem`.
- the archival loaders (``repression(...)``, ``gulag(...)``, ...) from their own modules.

Layout: ``tables/<name>.csv`` (tidy tables), ``catalog/<group>.toml`` (one ``[[table]]`` per
table), ``_registry.py`` (table kinds and the check registry), ``_catalog.py`` (catalog, load),
``_checks.py`` (running checks), and one private module per family of tables.

Extending (another family of tables, e.g. ``_archive.py``): write the CSVs and a catalog file,
then a private module ``purgetoll/data/_<family>.py`` that declares its kinds with
``register_kind``, registers checks with ``@register_check(kind)`` (see
:mod:`purgetoll.data._registry` for the API) and lists its public loaders in ``__all__``. This
package imports every private submodule (name starting with ``_``) once, in name order, when it is
imported, so the registry is complete before any check runs and the loaders appear here; nothing
needs to be edited in this file. The maintainer's re-tabulation modules (:data:`_TOOLS`) are the
exception: they register nothing and are never needed to load or check a table.

The package never reads ``../shared`` at run time; ``python -m purgetoll.data.retabulate`` is the
maintainer's tool that produced the demographic tables from it.
"""

from __future__ import annotations

import importlib
import pkgutil

from purgetoll.data._adh import ADH_YEARS, adh
from purgetoll.data._catalog import catalog, load, table_info
from purgetoll.data._census import CENSUS_DATES, CENSUS_YEARS, census, sex_ratio_yearbook
from purgetoll.data._checks import check_all, check_table
from purgetoll.data._life import LIFE_TABLE_PERIODS, LIFE_TABLE_SEXES, life_table
from purgetoll.data._registry import Problem, TableInfo, register_check, register_kind

__all__ = [
    "ADH_YEARS",
    "CENSUS_DATES",
    "CENSUS_YEARS",
    "LIFE_TABLE_PERIODS",
    "LIFE_TABLE_SEXES",
    "Problem",
    "TableInfo",
    "adh",
    "catalog",
    "census",
    "check_all",
    "check_table",
    "life_table",
    "load",
    "register_check",
    "register_kind",
    "sex_ratio_yearbook",
    "table_info",
]


#: Maintainer tools that rebuild ``tables/`` from ``../shared`` (``python -m`` them); the package
#: does not import them when it loads.
_TOOLS = frozenset(
    {"_archive_retabulate", "_archive_retabulate_facts", "_archive_tidy", "_machinery_retabulate"}
)


def _import_families() -> list[str]:
    """Import every private submodule (but the tools) and return the public names they export."""
    exported: list[str] = []
    for mod in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not mod.name.startswith("_") or mod.name.startswith("__") or mod.name in _TOOLS:
            continue
        module = importlib.import_module(f"{__name__}.{mod.name}")
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if name in globals():
                if globals()[name] is not obj:
                    raise ImportError(f"purgetoll.data.{mod.name} exports {name!r}, already taken")
                continue
            globals()[name] = obj
            exported.append(name)
    return exported


__all__ += _import_families()

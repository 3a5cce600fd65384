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
package imports every private submodule (name starting with ``_``) once, in name order, the first
time one of its names or the registry is used (:func:`_public_names`), so the registry is complete
before any check runs and the loaders appear here; nothing needs to be edited in this file.

The package never reads ``../shared`` at run time; the maintainer's tools that produced the
tables from it live outside the package (``python tools/retabulate.py`` in the repository).
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from typing import Any

#: Public names of the framework modules (which declare no ``__all__`` of their own).
_FRAMEWORK: dict[str, str] = {
    "Problem": "_registry",
    "TableInfo": "_registry",
    "catalog": "_catalog",
    "check_all": "_checks",
    "check_table": "_checks",
    "load": "_catalog",
    "register_check": "_registry",
    "register_kind": "_registry",
    "table_info": "_catalog",
}

@functools.cache
def _public_names() -> dict[str, Any]:
    """Import every family module once; their public names, by name.

    This completes the check registry (each family registers its kinds and checks when imported)
    and collects the loaders each lists in ``__all__``. It runs on the first attribute asked of
    the package (``from purgetoll.data import census``) or of the registry, not on ``import
    purgetoll.data``, so ``purgetoll --help`` does not import pandas through this package.
    """
    from purgetoll.data._registry import family_modules

    exported = {name: getattr(importlib.import_module(f"{__name__}.{mod}"), name)
                for name, mod in _FRAMEWORK.items()}
    for module in family_modules():
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if exported.get(name, obj) is not obj:
                raise ImportError(f"{module.__name__} exports {name!r}, already taken")
            exported[name] = obj
    return exported


def __getattr__(name: str) -> Any:
    if name == "__all__":
        return sorted(_public_names())
    if name.startswith("__") or any(m.name == name for m in pkgutil.iter_modules(__path__)):
        # ``from purgetoll.data import cli`` asks for the attribute before importing the
        # submodule: let the import system load it, without loading every family.
        raise AttributeError(f"module 'purgetoll.data' has no attribute {name!r}")
    names = _public_names()
    if name not in names:
        raise AttributeError(f"module 'purgetoll.data' has no attribute {name!r}")
    globals()[name] = names[name]  # cache: later lookups skip __getattr__
    return names[name]


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_public_names()))

"""Reading the bundled tables the checks need, through the public loaders of :mod:`purgetoll.data`.

Each table is read with its typed loader when that exists (``key_totals()``, ``gulag(...)``,
...), else with the generic ``purgetoll.data.load(name)`` when the catalog lists the table. When
neither is available (the loader of another part has not landed yet) :class:`DataNotLoaded` is
raised with the reason, and the claim gets the verdict "not checkable yet: data not loaded"
rather than a guess.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from purgetoll import data


class DataNotLoaded(LookupError):
    """A table a check needs is not available in this installation; ``reason`` says which."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def _data_module() -> Any:
    """The data layer (its names load on first use); tests hand in a stand-in here."""
    return data


def catalog_names() -> set[str]:
    """Names of the tables the catalog lists."""
    return set(_data_module().catalog()["name"])


def table(catalog_name: str, /, loader: str | None = None, **kwargs: Any) -> pd.DataFrame:
    """The bundled table ``catalog_name``, via ``purgetoll.data.<loader>(**kwargs)`` if that exists.

    Falls back to ``purgetoll.data.load(catalog_name)``; raises :class:`DataNotLoaded` when
    neither works.
    """
    data = _data_module()
    fn: Callable[..., pd.DataFrame] | None = getattr(data, loader, None) if loader else None
    if fn is not None:
        return fn(**kwargs)
    if catalog_name in catalog_names():
        return data.load(catalog_name)
    via = f"loader purgetoll.data.{loader}() has not landed and " if loader else ""
    raise DataNotLoaded(f"table {catalog_name!r}: {via}the catalog does not list it")


#: Tables of published figures with a typed loader of their own (``facts`` schema).
_FACTS_LOADERS = {"repression_key_totals": "key_totals", "army_purge_1935_1941": "army_purge"}


def facts_table(name: str) -> pd.DataFrame:
    """A ``facts`` table by catalog name, via its loader: ``key_totals()``, ``army_purge()``,
    ``machinery(name)`` for the machinery tables, else ``load(name)``."""
    data = _data_module()
    if name in _FACTS_LOADERS:
        return table(name, loader=_FACTS_LOADERS[name])
    if name in getattr(data, "MACHINERY_TABLES", ()):
        return table(name, loader="machinery", name=name)
    return table(name)


def source_of(df: pd.DataFrame, row: pd.Series | None = None) -> str:
    """The citation of a row (its ``source`` column when the table has one) or of the table."""
    if row is not None and "source" in row.index:
        value = row["source"]
        if isinstance(value, str) and value.strip():
            return value
    return str(df.attrs.get("source", "")).strip()


def table_name(df: pd.DataFrame, default: str) -> str:
    """The catalog name a loader stamped on ``df`` (``attrs['table']``), else ``default``."""
    return str(df.attrs.get("table", default))

"""The check registry: table kinds, their schemas and the checks that run on them.

A catalog entry names a ``kind`` (``census``, ``life_table``, ``adh``, ...). A kind is declared
once with its schema, and any number of check functions are registered for it. Both happen at
import time of the module that defines the kind; nothing is added or changed at run time.

API for a module that brings new tables (for example ``purgetoll/data/_archive.py``)::

    from purgetoll.data._registry import Problem, TableInfo, register_check, register_kind

    register_kind(
        "repression_by_year",
        required=("year", "series", "value"),   # columns that must be present
        keys=("year", "series"),                # must be unique together
        counts=("value",),                      # non-negative integers (persons, cases)
    )

    @register_check("repression_by_year")
    def _totals_add_up(info: TableInfo, df: pd.DataFrame) -> list[Problem]:
        ...  # return [] when the table is fine
        return [Problem(info.name, "year=1937", "total 1000 != sum of parts 994")]

The module is found and imported automatically by ``purgetoll.data`` (every submodule whose name
starts with ``_``), and its ``__all__`` is re-exported as public loaders. Generic checks (required
columns, unique keys, non-negative counts: :func:`generic_problems`, the declared schema checked)
run on every table, when it is loaded and before the kind's own checks; a kind's checks run only
when the generic ones pass, so they may assume the schema holds.

A check receives the catalog entry and the DataFrame (possibly a damaged copy in a test) and
returns a list of :class:`Problem`; it must not raise on bad data and must not mutate ``df``.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType, ModuleType
from typing import Any

import pandas as pd


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one table.

    ``row`` is a key such as ``"sex=male, age_group=40-44"`` (or ``None`` for the whole table);
    ``problem`` says what was found and what was expected.
    """

    table: str
    row: str | None
    problem: str

    def __str__(self) -> str:
        where = self.table if self.row is None else f"{self.table}, row {self.row}"
        return f"{where}: {self.problem}"


@dataclass(frozen=True)
class TableInfo:
    """One catalog entry (``[[table]]`` of a ``catalog/<group>.toml`` file)."""

    name: str
    file: str
    title: str
    kind: str
    unit: str
    territory: str
    period: str
    source: str
    caveats: str
    origin: str
    group: str
    # Kind-specific optional fields of the entry (for example ``ages = "5y"`` for a census).
    extra: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class KindSchema:
    """What every table of one kind must have."""

    kind: str
    required: tuple[str, ...]
    keys: tuple[str, ...]
    counts: tuple[str, ...]


CheckFn = Callable[[TableInfo, pd.DataFrame], list[Problem]]

# Filled by register_kind / register_check while modules are imported; read-only afterwards.
_KINDS: dict[str, KindSchema] = {}
_CHECKS: dict[str, list[CheckFn]] = {}


def register_kind(
    kind: str,
    *,
    required: Sequence[str],
    keys: Sequence[str],
    counts: Sequence[str] = (),
) -> KindSchema:
    """Declare a table kind: required columns, key columns (unique together), count columns.

    Count columns must be non-negative whole numbers (missing values allowed only where the kind's
    own checks accept them). Declaring a kind twice is a programming error.
    """
    if kind in _KINDS:
        raise ValueError(f"table kind {kind!r} is declared twice")
    missing = [c for c in (*keys, *counts) if c not in required]
    if missing:
        raise ValueError(f"kind {kind!r}: key/count columns {missing} must also be required")
    schema = KindSchema(kind, tuple(required), tuple(keys), tuple(counts))
    _KINDS[kind] = schema
    _CHECKS.setdefault(kind, [])
    return schema


def register_check(kind: str) -> Callable[[CheckFn], CheckFn]:
    """Decorator: run ``fn(info, df) -> list[Problem]`` on every table of ``kind``."""

    def deco(fn: CheckFn) -> CheckFn:
        _CHECKS.setdefault(kind, []).append(fn)
        return fn

    return deco


@functools.cache
def family_modules() -> tuple[ModuleType, ...]:
    """Every private module of ``purgetoll.data`` (name ``_*``), imported once, in name order.

    Importing a family module declares its kinds and registers its checks, so after this call
    the registry is complete. The families are found by file name (a new family needs no edit
    elsewhere) and imported on first use of the registry, not when this module is imported: they
    import this module to register, and loading them all costs pandas and every table family.
    """
    return tuple(
        importlib.import_module(f"{__package__}.{m.name}")
        for m in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda m: m.name)
        if m.name.startswith("_") and not m.name.startswith("__")
    )


def _complete() -> None:
    family_modules()


def kind_schema(kind: str) -> KindSchema | None:
    """The declared schema of ``kind`` (``None`` if no module declared it)."""
    _complete()
    return _KINDS.get(kind)


def kind_checks(kind: str) -> tuple[CheckFn, ...]:
    """The checks registered for ``kind``, in registration order."""
    _complete()
    return tuple(_CHECKS.get(kind, ()))


def known_kinds() -> tuple[str, ...]:
    """Every declared kind, sorted."""
    _complete()
    return tuple(sorted(_KINDS))


def row_key(row: Any, columns: Sequence[str]) -> str:
    """``"sex=male, age_group=40-44"`` for a row (Series or mapping) and key columns."""
    parts = []
    for c in columns:
        v = row[c]
        parts.append(f"{c}={'<NA>' if pd.isna(v) else v}")
    return ", ".join(parts)


def generic_problems(info: TableInfo, df: pd.DataFrame) -> list[Problem]:
    """Schema problems: unknown kind, missing columns, duplicate keys, negative counts."""
    schema = kind_schema(info.kind)
    if schema is None:
        return [
            Problem(
                info.name,
                None,
                f"kind {info.kind!r} has no declared schema (known kinds: {', '.join(known_kinds())})",
            )
        ]
    missing = [c for c in schema.required if c not in df.columns]
    if missing:
        return [
            Problem(
                info.name,
                None,
                f"missing column(s) {', '.join(missing)} (expected {', '.join(schema.required)})",
            )
        ]
    problems: list[Problem] = []
    if schema.keys:
        dup = df.duplicated(list(schema.keys), keep="first")
        for i in dup.to_numpy().nonzero()[0]:
            key = row_key(df.iloc[i], schema.keys)
            problems.append(
                Problem(info.name, key, f"duplicate key (expected one row per {', '.join(schema.keys)})")
            )
    for col in schema.counts:
        values = pd.to_numeric(df[col], errors="coerce")
        not_number = values.isna() & df[col].notna()
        for i in not_number.to_numpy().nonzero()[0]:
            problems.append(
                Problem(info.name, _where(df, i, schema.keys), f"{col} = {df[col].iloc[i]!r} is not a number")
            )
        negative = values.lt(0).fillna(False).to_numpy(dtype=bool)
        for i in negative.nonzero()[0]:
            problems.append(
                Problem(
                    info.name,
                    _where(df, i, schema.keys),
                    f"{col} = {values.iloc[i]:g} is negative (expected a count >= 0)",
                )
            )
    return problems


def _where(df: pd.DataFrame, i: int, keys: tuple[str, ...]) -> str:
    return row_key(df.iloc[i], keys) if keys else str(i)

"""Running the checks: ``check_table(name, df)`` for one table, ``check_all()`` for every table.

Generic checks (every kind): the kind is declared, required columns are present, key columns are
unique together, count columns hold no negative numbers. Then the checks registered for the
table's kind (see :mod:`purgetoll.data._registry`) run, in registration order.
"""

from __future__ import annotations

import pandas as pd

from purgetoll.data._catalog import catalog_entries, load, table_info
from purgetoll.data._registry import (
    Problem,
    TableInfo,
    kind_checks,
    kind_schema,
    known_kinds,
    row_key,
)
from purgetoll.errors import DataError


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


def check_table(name: str, df: pd.DataFrame) -> list[Problem]:
    """Every problem of table ``name`` given as ``df`` (for example a damaged copy).

    Kind-specific checks run only when the generic ones find nothing, so they can rely on the
    schema. Cross-table checks compare ``df`` with the *bundled* versions of the other tables.
    """
    info = table_info(name)
    problems = generic_problems(info, df)
    if problems:
        return problems
    for fn in kind_checks(info.kind):
        try:
            problems.extend(fn(info, df))
        except Exception as exc:  # a check must report, not crash, on data it did not foresee
            problems.append(
                Problem(info.name, None, f"check {fn.__name__} could not run: {type(exc).__name__}: {exc}")
            )
    return problems


def check_all() -> list[Problem]:
    """The problems of every bundled table (an empty list when all pass)."""
    problems: list[Problem] = []
    for info in catalog_entries():
        try:
            df = load(info.name)
        except DataError as exc:
            problems.append(Problem(info.name, None if exc.row is None else str(exc.row), exc.problem))
            continue
        problems.extend(check_table(info.name, df))
    return problems

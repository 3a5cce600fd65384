"""Running the checks: ``check_table(name, df)`` for one table, ``check_all()`` for every table.

Generic checks (every kind, :func:`purgetoll.data._registry.generic_problems`): the kind is
declared, required columns are present, key columns are unique together, count columns hold no
negative numbers. Then the checks registered for the table's kind (see
:mod:`purgetoll.data._registry`) run, in registration order.
"""

from __future__ import annotations

import pandas as pd

from purgetoll.data._catalog import catalog_entries, load, table_info
from purgetoll.data._registry import Problem, generic_problems, kind_checks
from purgetoll.errors import DataError


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

"""Named errors and warnings.

Every error a user can provoke with bad input names *where* the problem is (a file, a table,
a row, a key) and *what was expected*, so it can be fixed without reading the code.
"""

from __future__ import annotations


class PurgetollError(Exception):
    """Base class of every error purgetoll raises on purpose."""


class DataError(PurgetollError, ValueError):
    """A table or input file is damaged or does not fit its schema.

    Parameters
    ----------
    table:
        The table name (catalog name) or file path where the problem is.
    problem:
        What is wrong, including what was expected.
    row:
        The row (0-based data row, or a key such as ``"sex=male, age=40"``), if one can be named.
    """

    def __init__(self, table: str, problem: str, row: int | str | None = None) -> None:
        self.table = table
        self.row = row
        self.problem = problem
        where = f"{table}" if row is None else f"{table}, row {row}"
        super().__init__(f"{where}: {problem}")


class ScenarioError(PurgetollError, ValueError):
    """A scenario or settings file has one or more problems; all are listed at once."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = list(problems)
        n = len(self.problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{source}: {n} problem{'s' if n != 1 else ''}\n{lines}")


class ConvergenceError(PurgetollError, RuntimeError):
    """An estimator failed to converge. The message is a checklist of what to look at."""


class BoundaryWarning(UserWarning):
    """An estimate lies on the boundary of its parameter space; its interval is unreliable."""


class StatisticalWarning(UserWarning):
    """A result is computed but a statistical assumption behind it looks doubtful."""

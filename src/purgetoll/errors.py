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
        The row (0-based data row of a table or frame, or a key such as ``"sex=male, age=40"``),
        if one can be named.
    line:
        For a file a user wrote: the line of the file (1-based, as an editor numbers it; the header
        of a CSV is line 1). Shown instead of ``row`` when given.
    """

    def __init__(self, table: str, problem: str, row: int | str | None = None, *, line: int | None = None) -> None:
        self.table = table
        self.row = row
        self.line = line
        self.problem = problem
        if line is not None:
            where = f"{table}, line {line}"
        else:
            where = f"{table}" if row is None else f"{table}, row {row}"
        super().__init__(f"{where}: {problem}")


class ProblemsError(PurgetollError, ValueError):
    """Something a user wrote (a file, a set of values) has one or more problems, all listed at once.

    The common base of :class:`ScenarioError`, :class:`SettingsError` and
    :class:`purgetoll.claims.ClaimsFileError`: catch it for any of them. ``source`` names the file
    or the values; ``problems`` lists each problem, naming the key and what was expected.
    """

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = list(problems)
        n = len(self.problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{source}: {n} problem{'s' if n != 1 else ''}\n{lines}")


class ScenarioError(ProblemsError):
    """A scenario file (or the set of scenarios of one comparison) has one or more problems.

    For one release it is also the base of :class:`SettingsError` and ``ClaimsFileError``, so that
    ``except ScenarioError`` written before they had their own classes still catches them.
    """


class SettingsError(ScenarioError):
    """A run's settings or a module's parameter values have one or more problems, all listed."""


class NotEstimableError(PurgetollError, ValueError):
    """The estimate asked for does not exist or is not identifiable from the data given.

    Raised instead of returning a number (an estimate at infinity, a value fixed by an aliased
    term). The message says which, why, and how to ask for a result marked as not estimable.
    """


class LimitError(PurgetollError, ValueError):
    """A job exceeds a declared limit (:mod:`purgetoll.limits`); the message names the limit, the
    job's size and the option that raises the limit. Checked before the work starts."""


class ConvergenceError(PurgetollError, RuntimeError):
    """An estimator failed to converge. The message is a checklist of what to look at."""


class BoundaryWarning(UserWarning):
    """An estimate lies on the boundary of its parameter space; its interval is unreliable."""


class StatisticalWarning(UserWarning):
    """A result is computed but a statistical assumption behind it looks doubtful."""


class OutputError(PurgetollError, OSError):
    """Writing an output failed: the message names the path, what was being done and why.

    Raised instead of a bare ``OSError`` by every write of purgetoll (``purgetoll.atomic`` and
    ``purgetoll.folders``), so a full disk reads ``runs/x/report.html: cannot write: no space left
    on the device (ENOSPC)`` rather than a traceback. It is an ``OSError`` too: ``errno`` keeps the
    system's error number (``None`` when the problem is not a system error, e.g. a folder in use).
    """

    def __init__(self, path: str | object, problem: str, errno: int | None = None) -> None:
        self.path = str(path)
        self.problem = problem
        message = f"{self.path}: {problem}"
        super().__init__(message)
        self.errno = errno
        self.filename = self.path
        self._message = message

    def __str__(self) -> str:
        return self._message

    def __reduce__(self):  # picklable across processes (the verdict runs in a pool)
        return (self.__class__, (self.path, self.problem, self.errno))


class RunExistsError(OutputError, FileExistsError):
    """The output folder already holds a finished run (pass ``force`` to replace it), or an
    unfinished one (pass ``resume`` or ``force``)."""


class ForeignContentError(OutputError):
    """The output folder holds files that no purgetoll run wrote; purgetoll never removes them."""


class FolderInUseError(OutputError):
    """Another purgetoll process holds the output folder's lock."""


class DamagedError(DataError):
    """A file purgetoll wrote (a checkpoint, an event part, a run's file) no longer matches the
    SHA-256 recorded when it was written: truncated, overwritten, deleted or edited."""

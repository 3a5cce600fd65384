"""Several scenarios at once (``purgetoll verdict a b c``): each must be a different scenario.

Results are grouped by scenario name, so two arguments that load under one name would be pooled
as if they were seeds of one scenario: the same file given twice doubles its runs, and two
different files whose ``[scenario] name`` agree mix two accounts into one interval.
:func:`load_scenarios` refuses both, naming the arguments and the files.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from purgetoll.errors import ScenarioError
from purgetoll.scenarios.settings import Scenario

__all__ = ["load_scenarios"]


def _where(s: Scenario) -> str:
    try:
        return str(Path(s.origin).resolve())
    except (OSError, RuntimeError):
        return s.origin


def load_scenarios(names: Sequence[str]) -> list[Scenario]:
    """Load each scenario (bundled name or path, :meth:`Scenario.load`); refuse duplicates.

    Raises one :class:`~purgetoll.errors.ScenarioError` (source ``"scenarios"``) listing every
    argument that names a scenario already given (the same file twice) and every pair of different
    files with the same ``[scenario] name``. Problems of the files themselves are raised as they
    are found, by :meth:`Scenario.load`.
    """
    loaded = [Scenario.load(n) for n in names]
    problems: list[str] = []
    first_by_file: dict[str, int] = {}
    first_by_name: dict[str, int] = {}
    for i, s in enumerate(loaded):
        where = _where(s)
        if where in first_by_file:
            j = first_by_file[where]
            problems.append(f"argument {i + 1} ({names[i]!r}) is the scenario of argument {j + 1} "
                            f"({names[j]!r}) again ({s.origin}); give each scenario once (more runs: --seeds)")
            continue
        first_by_file[where] = i
        if s.name in first_by_name:
            j = first_by_name[s.name]
            problems.append(f"two files name their scenario {s.name!r}: {loaded[j].origin} (argument {j + 1}) and "
                            f"{s.origin} (argument {i + 1}); their runs would be pooled as one scenario: "
                            "give each file its own [scenario] name")
            continue
        first_by_name[s.name] = i
    if problems:
        raise ScenarioError("scenarios", problems)
    return loaded

"""The censuses' verdict on the scenarios: the simulated 1939 census and 1937-1939 survival against the
real ones, which accounts the censuses exclude and which they cannot tell apart.

Public surface (``from purgetoll.verdict import ...``):

- :func:`compare`: run bundled scenarios (or files) over seeds, fanned out over processes, and build
  the :class:`Verdict` (tables ``verdict``, ``deficits``, ``totals``, ``targets``, ``census_1939``,
  ``survival``, ``pairs``; ``TEST_STATEMENT`` says how a scenario is excluded);
- :func:`compare_records`: the same from finished runs (:class:`RunRecord`, :func:`run_many`);
- the CLI verb ``purgetoll compare`` (:mod:`purgetoll.verdict.cli`) and the report section
  ``purgetoll.report.sections.verdict``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

# The public names, loaded on first use (purgetoll._lazy), so that `purgetoll --help` does not
# import the simulation through purgetoll.verdict.cli.
if TYPE_CHECKING:
    from purgetoll.verdict.compare import (
        TEST_STATEMENT,
        Verdict,
        baseline_factors,
        compare,
        compare_records,
    )
    from purgetoll.verdict.runs import RunRecord, run_many, run_one
else:
    from purgetoll._lazy import lazy_exports

    __getattr__, __dir__ = lazy_exports(__name__, __file__)

__all__ = [
    "RunRecord", "TEST_STATEMENT", "Verdict", "baseline_factors", "compare", "compare_records",
    "run_many", "run_one"
]

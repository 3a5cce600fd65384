"""The censuses' verdict on the scenarios: the simulated 1939 census and 1937-1939 survival against the
real ones, which accounts the censuses exclude and which they cannot tell apart.

Public surface (``from purgetoll.verdict import ...``):

- :func:`compare`: run bundled scenarios (or files) over seeds, fanned out over processes, read the
  1939 census (the real one or the user's) through the error model of the evidence, and build the
  :class:`Verdict` (tables ``verdict``, ``implied_excess``, ``documented_floor``, ``deficits``,
  ``totals``, ``targets``, ``census_1939``, ``survival``, ``pairs``, ``anchors``, ``error_model``;
  ``TEST_STATEMENT`` says how a scenario is excluded);
- :func:`compare_records`: the same from finished runs (:class:`RunRecord`, :func:`run_many`);
- :func:`read_census`: a 1939 census read through the error model (the implied toll, its anchors);
  :func:`read_census_file`: a census file in the bundled schema, checked;
- the CLI verb ``purgetoll verdict`` (:mod:`purgetoll.verdict.cli`) and the report section
  ``purgetoll.report.sections.verdict``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

# The public names, loaded on first use (purgetoll._lazy), so that `purgetoll --help` does not
# import the simulation through purgetoll.verdict.cli.
if TYPE_CHECKING:
    from purgetoll.verdict.census_file import read_census_file
    from purgetoll.verdict.compare import TEST_STATEMENT, Verdict, compare, compare_records
    from purgetoll.verdict.implied import Reading, read_census
    from purgetoll.verdict.runs import RunRecord, run_many, run_one
else:
    from purgetoll._lazy import lazy_exports

    __getattr__, __dir__ = lazy_exports(__name__, __file__)

__all__ = [
    "Reading", "RunRecord", "TEST_STATEMENT", "Verdict", "compare", "compare_records", "read_census",
    "read_census_file", "run_many", "run_one"
]

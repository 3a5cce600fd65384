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

from purgetoll._lazy import lazy_exports

#: Public name -> the module that defines it; loaded on first use so that ``purgetoll --help`` does
#: not import the simulation through ``purgetoll.verdict.cli``.
_EXPORTS: dict[str, str] = {
    "TEST_STATEMENT": "compare",
    "Verdict": "compare",
    "baseline_factors": "compare",
    "compare": "compare",
    "compare_records": "compare",
    "RunRecord": "runs",
    "run_many": "runs",
    "run_one": "runs",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

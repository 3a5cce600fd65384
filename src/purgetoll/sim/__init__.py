"""The agent engine: every Soviet citizen (or one in ``1/scale``), month by month.

Public surface (``from purgetoll.sim import ...``):

- :class:`SimSettings`, :class:`Sim`, :class:`SimResult` (``sim.loop``): a run, its fixed monthly
  plan (``Sim.plan()``), timings, checkpoints and outputs;
- :func:`demography_sim` (``sim.sources``): the demography-only run built from the bundled data;
- :class:`DemographyInputs` (``sim.inputs``): explicit inputs, so any schedule can be simulated;
- modules (``sim.modules``): :class:`Demography`, :class:`Territory`, and the :class:`Module` base;
- :class:`People`, :class:`Column` (``sim.state``) and the keyed random streams (``sim.rng``);
- :func:`expected_population` (``sim.expected``): the deterministic expectation of a
  demography-only run, for checking it.
"""

from purgetoll._lazy import lazy_exports

#: Public name -> the module that defines it; loaded on first use (numba, pandas and scipy come with
#: them), so ``purgetoll --help``, which imports ``purgetoll.sim.cli``, does not pay for them.
_EXPORTS: dict[str, str] = {
    "Column": "state",
    "Demography": "modules",
    "DemographyInputs": "inputs",
    "Interrupted": "loop",
    "Module": "modules",
    "People": "state",
    "Sim": "loop",
    "SimResult": "loop",
    "SimSettings": "loop",
    "Territory": "modules",
    "default_inputs": "sources",
    "demography_sim": "sources",
    "expected_population": "expected",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

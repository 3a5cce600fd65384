"""The agent engine: every Soviet citizen (or one in ``1/scale``), month by month.

Public surface (``from purgetoll.sim import ...``):

- :class:`SimSettings`, :class:`Sim`, :class:`SimResult` (``sim.loop``): a run, its fixed monthly
  plan (``Sim.plan()``), timings, checkpoints and outputs;
- :func:`demography_sim` (``sim.sources``): the demography-only run built from the bundled data;
- :class:`DemographyInputs` (``sim.inputs``): explicit inputs, so any schedule can be simulated;
- modules (``sim.modules``): :class:`Demography`, :class:`Territory`, and the :class:`Module` base;
- :class:`People`, :class:`Column` (``sim.state``) and the keyed random streams (``sim.rng``);
- :class:`EventColumn` (``sim.events``): a column of the event log a module declares, with its labels;
- :func:`expected_population` (``sim.expected``): the deterministic expectation of a
  demography-only run, for checking it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

# The public names, loaded on first use (purgetoll._lazy): numba, pandas and scipy come with them,
# and `purgetoll --help`, which imports purgetoll.sim.cli, does not pay for them.
if TYPE_CHECKING:
    from purgetoll.sim.events import EventColumn
    from purgetoll.sim.expected import expected_population
    from purgetoll.sim.inputs import DemographyInputs
    from purgetoll.sim.loop import Interrupted, Sim, SimResult, SimSettings
    from purgetoll.sim.modules import Demography, Module, Territory
    from purgetoll.sim.sources import default_inputs, demography_sim
    from purgetoll.sim.state import Column, People
else:
    from purgetoll._lazy import lazy_exports

    __getattr__, __dir__ = lazy_exports(__name__, __file__)

__all__ = [
    "Column", "Demography", "DemographyInputs", "EventColumn", "Interrupted", "Module", "People", "Sim",
    "SimResult", "SimSettings", "Territory", "default_inputs", "demography_sim",
    "expected_population"
]

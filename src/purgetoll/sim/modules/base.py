"""What a module is: declared columns, events and parameters, and steps run in a fixed order.

A module is a class with:

* ``name``: short identifier, also the prefix of its random decisions (``"terror.denounce"``);
* ``columns``: per-person :class:`~purgetoll.sim.state.Column` objects it adds to the people;
* ``event_kinds`` and ``event_columns``: what it writes to the event log;
* ``steps``: names of its methods called every month, in this order (``(sim, step) -> None``);
* ``parameters()``: its parameters with units in the names; ``describe()`` adds the data tables
  and the assumptions behind them, for the manifest.

Hooks with defaults (override what you need): ``capacity(sim)`` (slots it may add over the run),
``prepare(sim)`` (deterministic precomputation, run for new and resumed runs alike),
``setup(sim)`` (only for a new run: e.g. synthesise people or their attributes),
``begin_window(sim, first, stop)`` (at each yearly window, after compaction: e.g. index the month's
due events), ``state_dict()`` / ``load_state_dict()`` (module state for checkpoints, JSON-able).
Modules never hold global state; everything lives on the module instance or the people.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from purgetoll.sim.state import Column

if TYPE_CHECKING:
    from purgetoll.sim.loop import Sim

__all__ = ["Module"]


class Module:
    """Base class of simulation modules (see the module docstring for the contract)."""

    name: ClassVar[str] = "module"
    columns: ClassVar[tuple[Column, ...]] = ()
    event_kinds: ClassVar[tuple[str, ...]] = ()
    event_columns: ClassVar[tuple[Column, ...]] = ()
    steps: ClassVar[tuple[str, ...]] = ()

    def parameters(self) -> dict[str, Any]:
        """Parameters with units in their names (JSON-able values)."""
        return {}

    def describe(self) -> dict[str, Any]:
        """Manifest entry: parameters, ``tables`` ({name: citation}) and ``assumptions``."""
        return {"parameters": self.parameters(), "tables": {}, "assumptions": {}}

    def capacity(self, sim: Sim) -> int:
        """Upper bound on the number of people this module adds over the run."""
        return 0

    def prepare(self, sim: Sim) -> None:
        """Deterministic precomputation (new and resumed runs)."""

    def setup(self, sim: Sim) -> None:
        """Initialise a new run (not called when resuming)."""

    def begin_window(self, sim: Sim, first: int, stop: int) -> None:
        """Called at the start of each window of steps ``first .. stop-1``, after compaction."""

    def state_dict(self) -> dict[str, Any]:
        """Module state to checkpoint (JSON-able)."""
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore :meth:`state_dict` output."""


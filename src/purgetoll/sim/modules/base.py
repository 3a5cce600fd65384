"""What a module is: declared columns, events and parameters, and steps run in a fixed order.

A module is a class with:

* ``name``: short identifier, also the prefix of its random decisions (``"terror.denounce"``);
* ``columns``: per-person :class:`~purgetoll.sim.state.Column` objects it adds to the people;
* ``event_kinds`` and ``event_columns``: what it writes to the event log (the columns as
  :class:`~purgetoll.sim.events.EventColumn`, with their labels); ``event_meanings`` says what each
  kind is (the manifest's and ``docs/EVENTS.md``'s codes of ``event``): a module that logs events
  declares them there and takes ``event_kinds = tuple(event_meanings)``;
* ``steps``: names of its methods called every month, in this order (``(sim, step) -> None``);
* ``parameter_specs``: its parameters, each declared once as a :class:`~purgetoll.params.Param`
  (name with its unit, default, range, source or "assumption"). The base class does the rest:
  ``Module(**values)`` checks the values against the declarations (an unknown key is a
  ``TypeError`` naming it and the valid ones; a value out of range a
  :class:`~purgetoll.errors.SettingsError` listing every problem) and keeps them, defaults filled
  in, in ``self.values``; ``parameters()`` returns them; ``describe()`` adds the data tables and
  the assumptions (every parameter declared ``assumption=True``) for the manifest;
* ``plan_order`` (modules of a scenario run in this order, then by name) and ``runs_by_default``
  (runs in a scenario that does not name it, e.g. the attributes every scenario shares).

A subclass with state of its own calls ``super().__init__(**values)`` first, then sets it up; it
never repeats a default.

Hooks with defaults (override what you need): ``capacity(sim)`` (slots it may add over the run),
``prepare(sim)`` (deterministic precomputation, run for new and resumed runs alike),
``setup(sim)`` (only for a new run: e.g. synthesise people or their attributes),
``begin_window(sim, first, stop)`` (at each yearly window, after compaction: e.g. index the month's
due events), ``state_dict()`` / ``load_state_dict()`` (module state for checkpoints, JSON-able).
Modules never hold global state; everything lives on the module instance or the people.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar

from purgetoll.errors import SettingsError
from purgetoll.params import Param, declared_values, problems
from purgetoll.sim.events import EventColumn
from purgetoll.sim.state import Column

if TYPE_CHECKING:
    from purgetoll.sim.loop import Sim

__all__ = ["Module"]


class Module:
    """Base class of simulation modules (see the module docstring for the contract)."""

    name: ClassVar[str] = "module"
    plan_order: ClassVar[int] = 100
    runs_by_default: ClassVar[bool] = False
    parameter_specs: ClassVar[tuple[Param, ...]] = ()
    columns: ClassVar[tuple[Column, ...]] = ()
    event_meanings: ClassVar[Mapping[str, str]] = MappingProxyType({})
    event_kinds: ClassVar[tuple[str, ...]] = ()
    event_columns: ClassVar[tuple[EventColumn, ...]] = ()
    steps: ClassVar[tuple[str, ...]] = ()
    #: The declared parameters' values (set by ``__init__``; a module that declares none and has an
    #: ``__init__`` of its own need not call ``super().__init__()``).
    values: Mapping[str, Any] = MappingProxyType({})

    def __init__(self, **values: Any) -> None:
        self.values = declared_values(self.parameter_specs, values, type(self).__name__)
        wrong = problems(self.parameter_specs, values)
        if wrong:
            raise SettingsError(f"[{self.name}]", wrong)

    def parameters(self) -> dict[str, Any]:
        """Parameters with units in their names (JSON-able values): the declared ones, as given or default."""
        return dict(self.values)

    def assumptions(self) -> dict[str, str]:
        """The declared parameters no source gives: name -> the declaration's doc."""
        return {p.name: p.doc for p in self.parameter_specs if p.assumption}

    def describe(self) -> dict[str, Any]:
        """Manifest entry: parameters, ``tables`` ({name: citation}) and ``assumptions``."""
        return {"parameters": self.parameters(), "tables": {}, "assumptions": self.assumptions()}

    def capacity(self, sim: Sim) -> int:
        """Upper bound on the number of people this module adds over the run."""
        return 0

    def data_ends(self) -> dict[str, int]:
        """``{series: its last calendar year}`` of the data this module runs on (none by default); a run
        past them is refused unless asked for (:mod:`purgetoll.sim.coverage`)."""
        return {}

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


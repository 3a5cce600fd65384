"""Scenarios: each published position (or the user's own) as a validated TOML file.

Public surface (``from purgetoll.scenarios import ...``):

- :class:`Scenario`: ``Scenario.load("no_terror")`` (bundled, ``src/purgetoll/scenarios/*.toml``)
  or ``Scenario.from_toml(path)``; validated on load, every problem reported at once in one
  :class:`~purgetoll.errors.ScenarioError` naming the section and key; every number with its source.
- :class:`Param`: the declaration a simulation module makes of each parameter (``parameter_specs``);
  the valid scenario keys and ranges come from these declarations.
- :func:`load_scenarios`: several scenarios for one comparison; refuses a scenario given twice and two
  files with one ``[scenario] name`` (their runs would be pooled).
- :func:`sections`: every valid section with its declared parameters.
- :func:`build_sim`: the simulation of a scenario (starting population, attributes, its modules).
"""

from typing import TYPE_CHECKING

# The public names, loaded on first use (purgetoll._lazy): pandas and the engine come with them, and
# `purgetoll --help`, which imports purgetoll.scenarios.cli, does not pay for them. Param and
# ScenarioError are the base layer's, re-exported through the modules that use them.
if TYPE_CHECKING:
    from purgetoll.scenarios.build import build_sim
    from purgetoll.scenarios.registry import Param, sections
    from purgetoll.scenarios.selection import load_scenarios
    from purgetoll.scenarios.settings import Scenario, ScenarioError, Value, bundled_names
else:
    from purgetoll._lazy import lazy_exports

    __getattr__, __dir__ = lazy_exports(__name__, __file__)

__all__ = ["Param", "Scenario", "ScenarioError", "Value", "build_sim", "bundled_names", "load_scenarios",
           "sections"]

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

from purgetoll.errors import ScenarioError
from purgetoll.params import Param
from purgetoll.scenarios.registry import sections
from purgetoll.scenarios.selection import load_scenarios
from purgetoll.scenarios.settings import Scenario, Value, bundled_names

__all__ = ["Param", "Scenario", "ScenarioError", "Value", "build_sim", "bundled_names", "load_scenarios",
           "sections"]


def build_sim(*args, **kwargs):
    """See :func:`purgetoll.scenarios.build.build_sim` (imported lazily: it pulls in the engine)."""
    from purgetoll.scenarios.build import build_sim as _build

    return _build(*args, **kwargs)

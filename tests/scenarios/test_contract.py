"""Every declared parameter of every module is a scenario key, and its constraint rejects a bad value.

The section table is read from the declarations (``parameter_specs`` of each module in
``purgetoll.sim.modules``, ``PARAMETER_SPECS`` of the population and verdict sections), so a new
module or parameter is covered here without editing this file.
"""

from __future__ import annotations

import pytest

from purgetoll.errors import ScenarioError
from purgetoll.scenarios import Param, Scenario, sections

ALL = [(s.name, p) for s in sections().values() for p in s.params]


def test_the_shared_sections_are_declared():
    assert {"attributes", "population", "verdict"} <= set(sections())
    assert sections()["attributes"].runs_by_default


@pytest.mark.parametrize(("section", "param"), ALL, ids=[f"{s}.{p.name}" for s, p in ALL])
def test_every_declared_parameter_rejects_an_invalid_value(section, param: Param):
    assert param.check(param.default) is None
    assert param.doc.strip()
    bad = param.invalid_example()
    problem = param.check(bad)
    assert problem is not None and problem.startswith(param.name)
    raw = {"value": bad, "source": "test"} if param.needs_source else bad
    with pytest.raises(ScenarioError) as info:
        Scenario.from_dict({"scenario": {"name": "t", "title": "T"}, section: {param.name: raw}})
    assert info.value.problems == [f"[{section}] {problem}"]


@pytest.mark.parametrize(("section", "param"), ALL, ids=[f"{s}.{p.name}" for s, p in ALL])
def test_every_declared_parameter_accepts_its_default_from_a_file(section, param: Param):
    raw = {"value": param.default, "source": "test"} if param.needs_source else param.default
    s = Scenario.from_dict({"scenario": {"name": "t", "title": "T"}, section: {param.name: raw}})
    assert s.parameters(section)[param.name] == param.default


def test_param_declarations_are_checked():
    with pytest.raises(ValueError, match="parameter 'x': its default is invalid: x must be in \\[0, 1\\] share; got 2"):
        Param("x", 2, "share", "doc", low=0, high=1)
    with pytest.raises(ValueError, match="parameter name must be snake_case; got 'Bad'"):
        Param("Bad", 1, "", "doc")
    with pytest.raises(ValueError, match="parameter 'c': a choice needs choices"):
        Param("c", "a", "", "doc", kind="choice")

"""Every declared parameter of every module is a scenario key, and its constraint rejects a bad value.

The section table is read from the declarations (``parameter_specs`` of each module in
``purgetoll.sim.modules``, ``PARAMETER_SPECS`` of the population and verdict sections), so a new
module or parameter is covered here without editing this file.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from purgetoll.errors import ScenarioError
from purgetoll.params import format_number, month_text
from purgetoll.scenarios import Param, Scenario, sections

ALL = [(s.name, p) for s in sections().values() for p in s.params]


def test_the_shared_sections_are_declared():
    assert {"attributes", "population"} <= set(sections())
    assert sections()["attributes"].runs_by_default
    # the verdict's settings (the error model of the evidence) are not the judged scenario's
    assert "verdict" not in sections()


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
    # a prior is a range of a number or an integer (sampled and rounded), within the declared bounds
    assert Param("m", 193810, "YYYYMM", "doc", kind="integer", low=193707, high=193812, prior=(193803, 193810)).prior
    with pytest.raises(ValueError, match="parameter 'm': a prior is a range"):
        Param("m", 193810, "YYYYMM", "doc", kind="integer", low=193707, high=193812, prior=(193803, 193901))
    with pytest.raises(ValueError, match="parameter 'b': a prior is a range"):
        Param("b", False, "", "doc", kind="bool", prior=(0, 1))


@given(lo=st.integers(-1000, 1000), width=st.integers(0, 1000), x=st.floats(-5000, 5000, allow_nan=False))
def test_range_check_agrees_with_the_bounds(lo, width, x):
    p = Param("x_persons", lo, "persons", "doc", low=lo, high=lo + width)
    problem = p.check(x)
    if lo <= x <= lo + width:
        assert problem is None
    else:
        assert problem == f"x_persons must be in [{lo}, {lo + width}] persons; got {format_number(x)}"


def test_number_formatting():
    assert [format_number(v) for v in (1200, 1200.0, 0.25, 1e-6, 2.5e20, True)] == [
        "1200", "1200", "0.25", "1e-06", "2.5e+20", "true"]


def test_a_month_parameter_is_written_as_its_month():
    assert month_text(193806.33) == "1938-06" and month_text(193812) == "1938-12" and month_text(193709.6) == "1937-10"

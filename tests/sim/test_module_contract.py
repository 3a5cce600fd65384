"""Modules declare, the base class does the rest: every module builds from its declarations alone.

``Module.__init__(**values)`` checks the values against ``parameter_specs`` (an unknown key names
itself and the valid ones; a value out of range is listed with its declared range), keeps them with
the defaults filled in, and ``parameters()`` returns exactly the declared names.
"""

from __future__ import annotations

from typing import ClassVar

import pytest

from purgetoll.errors import ScenarioError
from purgetoll.params import Param
from purgetoll.scenarios import sections
from purgetoll.sim import Demography, Module, Territory

MODULES = [s.module_class for s in sections().values() if s.module_class is not None]


@pytest.mark.parametrize("cls", MODULES, ids=[c.name for c in MODULES])
def test_every_module_builds_from_its_declarations(cls):
    m = cls()
    assert list(m.parameters()) == [p.name for p in cls.parameter_specs]
    for p in cls.parameter_specs:
        assert m.parameters()[p.name] == p.default
    assert set(m.describe()["assumptions"]) >= {p.name for p in cls.parameter_specs if p.assumption}
    assert isinstance(cls.plan_order, int) and isinstance(cls.runs_by_default, bool)


@pytest.mark.parametrize("cls", [Territory, Demography, *MODULES], ids=lambda c: c.name)
def test_every_event_kind_says_what_it_is(cls):
    """The kinds a module logs are those whose meaning it declares (the manifest's codes of ``event``)."""
    assert cls.event_kinds == tuple(cls.event_meanings)
    assert all(isinstance(m, str) and len(m) > 10 for m in cls.event_meanings.values())


@pytest.mark.parametrize("cls", MODULES, ids=[c.name for c in MODULES])
def test_every_module_names_an_unknown_key_and_the_valid_ones(cls):
    with pytest.raises(TypeError) as info:
        cls(no_such_key_persons=1)
    valid = ", ".join(sorted(p.name for p in cls.parameter_specs))
    assert str(info.value) == f"{cls.__name__}: unknown parameter(s) ['no_such_key_persons'] (valid: {valid})"


@pytest.mark.parametrize("cls", MODULES, ids=[c.name for c in MODULES])
def test_every_module_rejects_each_invalid_value_with_its_range(cls):
    for p in cls.parameter_specs:
        with pytest.raises(ScenarioError) as info:
            cls(**{p.name: p.invalid_example()})
        assert info.value.source == f"[{cls.name}]"
        assert info.value.problems == [p.check(p.invalid_example())]


class Toy(Module):
    name: ClassVar[str] = "toy"
    parameter_specs: ClassVar[tuple[Param, ...]] = (
        Param("deaths_by_month_persons", {"1937": 10}, "persons", "a series", kind="series", low=0),
        Param("share", 0.5, "share", "a share", low=0, high=1, assumption=True),
    )


def test_values_are_the_given_ones_or_the_defaults_and_never_shared():
    a, b = Toy(share=0.25), Toy()
    assert a.parameters() == {"deaths_by_month_persons": {"1937": 10}, "share": 0.25}
    a.values["deaths_by_month_persons"]["1938"] = 5  # a module's own copy, not the declaration's
    assert b.values["deaths_by_month_persons"] == {"1937": 10} == Toy.parameter_specs[0].default
    assert Toy().describe()["assumptions"] == {"share": "a share"}
    with pytest.raises(ScenarioError) as info:
        Toy(share=2, deaths_by_month_persons={"1937": -1})
    assert info.value.problems == ["deaths_by_month_persons[1937] must be in [0, inf] persons; got -1",
                                   "share must be in [0, 1] share; got 2"]


def test_a_module_without_declarations_has_no_parameters():
    class Bare(Module):
        name: ClassVar[str] = "bare"

        def __init__(self, x: int) -> None:  # state of its own, nothing declared: no super() needed
            self.x = x

    assert Bare(1).parameters() == {} and Module.plan_order == 100 and not Module.runs_by_default

"""Scenario files: every problem reported at once, with exact messages naming section and key."""

from __future__ import annotations

import textwrap
from typing import ClassVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from purgetoll.errors import ScenarioError
from purgetoll.scenarios import Param, Scenario, bundled_names
from purgetoll.scenarios.registry import sections_of
from purgetoll.sim.modules.base import Module


class ToyTerror(Module):
    name: ClassVar[str] = "terror"
    parameter_specs: ClassVar[tuple[Param, ...]] = (
        Param("quota_multiplier", 1.0, "x limits", "test parameter", low=0, high=10),
        Param("round_ups", False, "", "switch", kind="bool"),
        Param("body", "troika", "", "a choice", kind="choice", choices=("troika", "dvoika")),
    )


class ToyGulag(Module):
    name: ClassVar[str] = "gulag"
    plan_order: ClassVar[int] = 120
    parameter_specs: ClassVar[tuple[Param, ...]] = (
        Param("mortality_1938", 90.0, "per 1000", "test parameter", low=0, high=1000),
        Param("deaths_by_year_persons", {"1937": 25376}, "persons", "a series", kind="series", low=0),
    )


SPECS = sections_of([ToyTerror, ToyGulag], {"population": (Param("army_men_persons", 1, "persons", "x", low=0),)})
HEAD = '[scenario]\nname = "test"\ntitle = "Test"\n'


def load(tmp_path, body: str, name: str = "s.toml") -> Scenario:
    path = tmp_path / name
    path.write_text(HEAD + textwrap.dedent(body), encoding="utf-8")
    return Scenario.from_toml(path, specs=SPECS)


def problems(tmp_path, body: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load(tmp_path, body)
    assert info.value.source.endswith("s.toml")
    return info.value.problems


def test_two_problems_reported_at_once_with_exact_messages(tmp_path):
    got = problems(tmp_path, """
        [terror]
        quota_scale = { value = 1.2, source = "x" }
        [gulag]
        mortality_1938 = { value = 1200, source = "Gulag death series" }
    """)
    assert got == [
        "[terror] unknown key 'quota_scale' (valid: body, enabled, quota_multiplier, round_ups)",
        "[gulag] mortality_1938 must be in [0, 1000] per 1000; got 1200",
    ]


def test_the_error_message_lists_every_problem_and_names_the_file(tmp_path):
    with pytest.raises(ScenarioError) as info:
        load(tmp_path, '[terror]\nquota_scale = 1\n[gulag]\nmortality_1938 = { value = -1, source = "s" }\n')
    text = str(info.value)
    assert text.startswith(str(tmp_path / "s.toml") + ": 2 problems\n")
    assert "  - [gulag] mortality_1938 must be in [0, 1000] per 1000; got -1" in text


def test_a_number_without_source_is_rejected(tmp_path):
    assert problems(tmp_path, "[gulag]\nmortality_1938 = 120\n") == [
        '[gulag] mortality_1938 = 120 has no source: write mortality_1938 = { value = 120, source = "..." }']


def test_an_empty_source_or_missing_value_is_rejected(tmp_path):
    got = problems(tmp_path, """
        [gulag]
        mortality_1938 = { value = 120, source = "  " }
        [terror]
        quota_multiplier = { source = "Werth" }
    """)
    assert got == [
        "[gulag] mortality_1938 has an empty source: every number needs its citation (or 'assumption: why')",
        '[terror] quota_multiplier has no value: write quota_multiplier = { value = ..., source = "..." }',
    ]


def test_switches_and_choices_need_no_source_but_must_fit(tmp_path):
    s = load(tmp_path, '[terror]\nround_ups = true\nbody = "dvoika"\n')
    assert s.parameters("terror") == {"quota_multiplier": 1.0, "round_ups": True, "body": "dvoika"}
    assert problems(tmp_path, '[terror]\nround_ups = "yes"\nbody = "court"\n') == [
        "[terror] round_ups must be true or false; got 'yes'",
        "[terror] body must be one of troika, dvoika; got 'court'",
    ]


def test_series_labels_and_values_are_checked(tmp_path):
    got = problems(tmp_path, """
        [gulag]
        deaths_by_year_persons = { value = { "1937" = 25376, "38" = 1 }, source = "GULAG" }
    """)
    assert got == ["[gulag] deaths_by_year_persons: label '38' must be a year YYYY or a month YYYY-MM"]
    got = problems(tmp_path, '[gulag]\ndeaths_by_year_persons = { value = { "1938-02" = -5 }, source = "x" }\n')
    assert got == ["[gulag] deaths_by_year_persons[1938-02] must be in [0, inf] persons; got -5"]


def test_unknown_section_metadata_and_fields(tmp_path):
    path = tmp_path / "m.toml"
    path.write_text('[scenario]\nname = "Bad Name"\nstart = "1938-01-01"\nauthor = "me"\n'
                    '[famine]\nx = 1\n[terror]\nquota_multiplier = { value = 1, source = "s", page = 3 }\n'
                    '[targets]\narrested = { value = -3, source = "Pospelov" }\nshot = 681692\n', encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        Scenario.from_toml(path, specs=SPECS)
    assert info.value.problems == [
        "[scenario] unknown key 'author' (valid: description, end, name, start, title)",
        "[scenario] title is required",
        "[scenario] name must be snake_case (letters, digits, _); got 'Bad Name'",
        "[scenario] start must be a census date the engine can start from (1926-12-17, 1937-01-06); got '1938-01-01'",
        "unknown section [famine] (valid: scenario, targets, gulag, population, terror)",
        "[terror] quota_multiplier: unknown field(s) page (valid: value, ref, source, note)",
        "[targets] arrested must be a number >= 0 (persons); got -3",
        '[targets] shot = 681692 has no source: write shot = { value = 681692, source = "..." }',
    ]


def test_bad_toml_and_missing_file_name_the_file(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("[scenario\nname = 1\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        Scenario.from_toml(path)
    assert info.value.source == str(path) and info.value.problems[0].startswith("not valid TOML: ")
    with pytest.raises(ScenarioError) as info:
        Scenario.from_toml(tmp_path / "none.toml")
    assert info.value.source == str(tmp_path / "none.toml")
    assert info.value.problems == ["file not found"]


def test_unknown_bundled_name_lists_the_bundled_ones():
    with pytest.raises(ScenarioError) as info:
        Scenario.load("conquest_2099")
    assert info.value.problems == [f"no bundled scenario 'conquest_2099' (bundled: {', '.join(bundled_names())}); "
                                   "pass a path to a .toml file for your own"]


def test_values_sources_defaults_and_module_order(tmp_path):
    s = load(tmp_path, """
        [gulag]
        mortality_1938 = { value = 55.5, source = "GULAG: 90,546 deaths / 1,317,195 average", note = "rounded" }
        [terror]
        enabled = false
        [targets]
        arrested_1937_1938 = { value = 1548366, source = "Pospelov" }
    """)
    assert s.parameters("gulag") == {"mortality_1938": 55.5, "deaths_by_year_persons": {"1937": 25376}}
    assert [m.name for m in s.module_sections()] == ["gulag"]  # terror disabled
    c = s.citations().set_index(["section", "key"])
    assert c.loc[("gulag", "mortality_1938"), "source"] == "GULAG: 90,546 deaths / 1,317,195 average"
    assert c.loc[("gulag", "mortality_1938"), "set_by"] == "scenario"
    assert c.loc[("terror", "quota_multiplier"), "set_by"] == "default"
    assert c.loc[("targets", "arrested_1937_1938"), "value"] == "1548366"
    assert s.targets["arrested_1937_1938"].value == 1548366
    assert s.start == "1937-01-06" and s.end == "1939-01-17"


_KEYS = ("alpha", "beta", "gamma", "delta", "eps")


@settings(max_examples=40, deadline=None)
@given(bad=st.lists(st.sampled_from(_KEYS), unique=True, min_size=1, max_size=5),
       out_of_range=st.lists(st.floats(1000.5, 1e9, allow_nan=False), min_size=0, max_size=1))
def test_every_bad_key_is_named_once(bad, out_of_range):
    data = {"scenario": {"name": "t", "title": "T"}, "terror": {k: {"value": 1, "source": "s"} for k in bad}}
    if out_of_range:
        data["gulag"] = {"mortality_1938": {"value": out_of_range[0], "source": "s"}}
    with pytest.raises(ScenarioError) as info:
        Scenario.from_dict(data, specs=SPECS)
    assert len(info.value.problems) == len(bad) + len(out_of_range)
    for k in bad:
        assert sum(f"unknown key '{k}'" in p for p in info.value.problems) == 1


@pytest.mark.parametrize("name", bundled_names())
def test_bundled_scenarios_load_and_cite_every_number(name):
    s = Scenario.load(name)
    assert s.name == name
    for section, values in s.values.items():
        for key, v in values.items():
            if isinstance(v.value, int | float | dict) and not isinstance(v.value, bool):
                assert v.source, f"{name}: [{section}] {key} has no source"


def test_no_terror_runs_only_the_shared_attributes():
    s = Scenario.load("no_terror")
    assert [m.name for m in s.module_sections()] == ["attributes"]
    assert s.parameters("population")["army_men_persons"] == 1_681_043


def test_toml_dates_are_accepted_and_end_must_follow_start(tmp_path):
    path = tmp_path / "d.toml"
    path.write_text('[scenario]\nname = "d"\ntitle = "D"\nstart = 1926-12-17\nend = 1939-01-17\n', encoding="utf-8")
    s = Scenario.from_toml(path, specs=SPECS)
    assert (s.start, s.end) == ("1926-12-17", "1939-01-17")
    path.write_text('[scenario]\nname = "d"\ntitle = "D"\nend = "1937-01-10"\n', encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        Scenario.from_toml(path, specs=SPECS)
    assert info.value.problems == ["[scenario] end must be at least half a month after start 1937-01-06; "
                                   "got '1937-01-10'"]

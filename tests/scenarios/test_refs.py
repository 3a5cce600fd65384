"""Scenario values that name a bundled figure (``{ ref = "TABLE:KEY" }``) instead of typing it."""

from __future__ import annotations

import textwrap
from typing import ClassVar

import pytest

from purgetoll import data
from purgetoll.errors import DataError, ScenarioError
from purgetoll.scenarios import Param, Scenario
from purgetoll.scenarios.registry import sections_of
from purgetoll.sim.modules.base import Module


class ToyGulag(Module):
    name: ClassVar[str] = "gulag"
    parameter_specs: ClassVar[tuple[Param, ...]] = (
        Param("initial_prisoners_persons", 1, "persons", "a number", low=0),
        Param("female_share", 0.05, "share", "a share", low=0, high=1),
        Param("deaths_by_month_persons", {"1937": 1}, "persons", "a series", kind="series", low=0),
    )


SPECS = sections_of([ToyGulag])
HEAD = '[scenario]\nname = "test"\ntitle = "Test"\n'


def load(tmp_path, body: str) -> Scenario:
    path = tmp_path / "s.toml"
    path.write_text(HEAD + textwrap.dedent(body), encoding="utf-8")
    return Scenario.from_toml(path, specs=SPECS)


def test_a_reference_reads_the_figure_through_the_loaders_and_cites_its_row(tmp_path):
    sc = load(tmp_path, """
        [gulag]
        initial_prisoners_persons = { ref = "gulag_population_jan1_partial:1937-01-01/camps_and_colonies" }
        deaths_by_month_persons = { ref = { "1937" = "gulag_deaths_1930_1956:1937" }, value = { "1938" = 5 }, source = "the series" }

        [targets]
        arrested_1937_1938 = { ref = "repression_key_totals:pospelov_arrested" }
        """)
    prisoners = sc.values["gulag"]["initial_prisoners_persons"]
    rows = data.gulag("population")
    expected = rows.loc[(rows["date"] == "1937-01-01") & (rows["coverage"] == "camps_and_colonies"), "prisoners"]
    assert prisoners.value == int(expected.iloc[0])
    assert prisoners.ref == "gulag_population_jan1_partial:1937-01-01/camps_and_colonies"
    # no source given: the row's citation with the reference
    assert prisoners.source.endswith("(gulag_population_jan1_partial:1937-01-01/camps_and_colonies)")
    assert "Zemskov" in prisoners.source or "GULAG" in prisoners.source.upper()
    deaths = sc.values["gulag"]["deaths_by_month_persons"]
    assert deaths.value == {"1937": data.figure("gulag_deaths_1930_1956:1937"), "1938": 5}
    assert deaths.source == "the series"
    key_totals = data.key_totals()
    assert sc.targets["arrested_1937_1938"].value == int(
        key_totals.loc[key_totals["id"] == "pospelov_arrested", "value"].iloc[0])
    cited = sc.citations().set_index("key")
    assert "pospelov_arrested" in cited.loc["arrested_1937_1938", "source"]


def test_unknown_table_unknown_key_and_wrong_unit_are_each_a_problem_naming_the_key(tmp_path):
    with pytest.raises(ScenarioError) as err:
        load(tmp_path, """
            [gulag]
            initial_prisoners_persons = { ref = "no_such_table:x" }
            female_share = { ref = "gulag_population_supplement:mortality_1937_popular" }
            deaths_by_month_persons = { ref = { "1937" = "gulag_deaths_1930_1956:1066" } }

            [targets]
            arrested_1937 = { ref = "repression_key_totals:no_such_key" }
            """)
    got = err.value.problems
    assert got[0] == ("[gulag] initial_prisoners_persons: unknown table 'no_such_table' (`purgetoll data list` "
                      "names them) (ref 'no_such_table:x')")
    assert got[1] == ("[gulag] female_share: ref 'gulag_population_supplement:mortality_1937_popular' is in "
                      "percent; female_share is in share")
    assert got[2].startswith("[gulag] deaths_by_month_persons[1937]: unknown key '1066' in table "
                             "gulag_deaths_1930_1956 (keys like: ")
    assert got[3].startswith("[targets] arrested_1937: unknown key 'no_such_key' in table repression_key_totals")
    assert len(got) == 4


def test_a_reference_and_a_typed_value_of_one_number_or_one_label_conflict(tmp_path):
    with pytest.raises(ScenarioError) as err:
        load(tmp_path, """
            [gulag]
            initial_prisoners_persons = { ref = "gulag_deaths_1930_1956:1937", value = 3 }
            deaths_by_month_persons = { ref = { "1937" = "gulag_deaths_1930_1956:1937" }, value = { "1937" = 5 } }
            """)
    assert err.value.problems == [
        "[gulag] initial_prisoners_persons: give value or ref, not both",
        "[gulag] deaths_by_month_persons: label(s) 1937 given in both value and ref",
    ]


def test_the_python_reference_names_table_and_key_in_its_errors():
    assert data.reference("repression_key_totals:pospelov_arrested").unit == "persons"
    with pytest.raises(DataError, match=r"^repression_key_totals:nope: unknown key 'nope'"):
        data.figure("repression_key_totals:nope")
    with pytest.raises(DataError, match="a reference is TABLE:KEY"):
        data.figure("pospelov_arrested")

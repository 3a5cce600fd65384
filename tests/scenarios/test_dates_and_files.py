"""Issue 10, scenarios: a dated value outside the run, one scenario given twice, files that are not text.

Each was accepted (the value silently dropped, two runs pooled) or gave a traceback; each is now one
:class:`ScenarioError` naming the file and the key, label or argument.
"""

from __future__ import annotations

import textwrap

import pytest
from typer.testing import CliRunner

from purgetoll.cli import app
from purgetoll.errors import ScenarioError
from purgetoll.scenarios import Scenario, bundled_names, load_scenarios
from purgetoll.scenarios.dates import run_months

HEAD = '[scenario]\nname = "mine"\ntitle = "Mine"\n'
SPAN = "the run's months are 1937-01 to 1938-12 (start 1937-01-06, end 1939-01-17)"


def write(tmp_path, body: str, name: str = "s.toml", head: str = HEAD) -> str:
    path = tmp_path / name
    path.write_text(head + textwrap.dedent(body), encoding="utf-8")
    return str(path)


def problems(path: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        Scenario.from_toml(path)
    assert info.value.source == path
    return info.value.problems


def test_run_months_are_the_steps_of_the_run():
    # 1937-01-06 .. 1939-01-17 is 24 monthly steps: January 1937 to December 1938
    assert run_months("1937-01-06", "1939-01-17") == ((1937 - 1900) * 12, (1938 - 1900) * 12 + 11)


def test_a_quota_month_after_the_end_is_an_error_naming_key_and_label(tmp_path):
    """The issue's example: 140,000 arrests of Order 00447 dated 1939-02 in a run ending 1939-01-17
    were dropped without a word (1.43M arrests printed instead of 1.57M)."""
    path = write(tmp_path, """
        [mass_operation]
        arrests_by_month_persons = { value = { "1937-08" = 100000, "1939-02" = 140000 }, source = "my reading" }
        """)
    assert problems(path) == [
        f"[mass_operation] arrests_by_month_persons[1939-02]: the month 1939-02 is outside the run ({SPAN}); "
        "its value would be dropped: remove it or change start/end"
    ]


def test_a_year_of_persons_cut_by_the_end_names_the_months_lost(tmp_path):
    path = write(tmp_path, """
        [sentencing]
        convictions_by_month_persons = { value = { "1937" = 790665, "1938" = 554258 }, source = "mvd_1953" }
        """, head=HEAD + 'end = "1938-06-20"\n')
    assert problems(path) == [
        "[sentencing] convictions_by_month_persons[1938]: the year 1938 is spread over its twelve months, but only "
        "1938-01 to 1938-05 are in the run (the run's months are 1937-01 to 1938-05 (start 1937-01-06, end "
        "1938-06-20)); 7 twelfths of its 554258 persons would be dropped: give the months of that year instead "
        "(YYYY-MM)"
    ]


def test_a_rate_by_year_may_overlap_the_run_but_not_miss_it(tmp_path):
    ok = write(tmp_path, """
        [gulag]
        mortality_per_1000_per_year = { value = { "1937" = 24.2, "1938" = 53.5 }, source = "gulag('deaths')" }
        """, head=HEAD + 'end = "1938-06-20"\n')
    assert Scenario.from_toml(ok).values["gulag"]["mortality_per_1000_per_year"].value["1938"] == 53.5
    bad = write(tmp_path, """
        [gulag]
        mortality_per_1000_per_year = { value = { "1937" = 24.2, "1940" = 53.5 }, source = "gulag('deaths')" }
        """, name="bad.toml")
    assert problems(bad) == [
        f"[gulag] mortality_per_1000_per_year[1940]: the year 1940 is outside the run ({SPAN}); its value would "
        "be dropped: remove it or change start/end"
    ]


def test_a_month_yyyymm_outside_the_run_or_not_a_month(tmp_path):
    path = write(tmp_path, """
        [terror]
        operations_halt_yyyymm = { value = 193913, source = "typo" }
        [family_repression]
        start_yyyymm = { value = 193808, source = "too late" }
        """, head=HEAD + 'end = "1938-06-20"\n')
    assert problems(path) == [
        "[terror] operations_halt_yyyymm = 193913 is not a month YYYYMM (month 01-12)",
        "[family_repression] start_yyyymm = 193808: the month 1938-08 is outside the run (the run's months are "
        "1937-01 to 1938-05 (start 1937-01-06, end 1938-06-20)); it would never take effect: give a month inside "
        "the run or change start/end",
    ]


def test_every_problem_of_a_file_is_listed_with_the_dates(tmp_path):
    path = write(tmp_path, """
        [gulag]
        deaths_by_month_persons = { value = { "1936" = 5 }, source = "x" }
        nonsense = 1
        """)
    got = problems(path)
    assert len(got) == 2 and got[0].startswith("[gulag] unknown key 'nonsense'")
    assert got[1].startswith("[gulag] deaths_by_month_persons[1936]: the year 1936 is outside the run")


def test_the_bundled_scenarios_have_every_dated_value_inside_their_run():
    names = bundled_names()
    assert {"archival", "conquest_1968", "conquest_1990", "no_terror"} <= set(names)
    for name in names:
        Scenario.load(name)


# -- files that are not readable TOML ---------------------------------------------------------------------
def test_a_non_utf8_file_names_the_file_and_the_byte_offset(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes(b'[scenario]\nname = "mine"\ntitle = "Ezhov\xe2\x80\x99s year \xff"\n')
    assert problems(str(path)) == [
        "not UTF-8 text: byte 0xff at byte offset 49 (line 3); save the file as UTF-8"
    ]


def test_a_directory_and_a_missing_file_are_named_as_such(tmp_path):
    assert problems(str(tmp_path)) == ["is a directory, not a file"]
    assert problems(str(tmp_path / "none.toml")) == ["file not found"]


def test_a_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + HEAD.encode())
    assert Scenario.from_toml(path).name == "mine"


# -- one scenario given twice -------------------------------------------------------------------------------
def test_a_scenario_given_twice_is_refused(tmp_path):
    with pytest.raises(ScenarioError) as info:
        load_scenarios(["archival", "no_terror", "archival"])
    origin = str(Scenario.load("archival").origin)
    assert info.value.source == "scenarios"
    assert info.value.problems == [
        f"argument 3 ('archival') is the scenario of argument 1 ('archival') again ({origin}); give each scenario "
        "once (more runs: --seeds)"
    ]


def test_two_files_with_one_scenario_name_are_refused_naming_both(tmp_path):
    a = write(tmp_path, "", name="a.toml")
    b = write(tmp_path, "[terror]\nenabled = false\n", name="b.toml")
    with pytest.raises(ScenarioError) as info:
        load_scenarios([a, "archival", b])
    assert info.value.problems == [
        f"two files name their scenario 'mine': {a} (argument 1) and {b} (argument 3); their runs would be "
        "pooled as one scenario: give each file its own [scenario] name"
    ]
    assert [s.name for s in load_scenarios([a, "archival"])] == ["mine", "archival"]


def test_compare_reports_a_non_utf8_scenario_without_a_traceback(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_bytes(b'[scenario]\nname = "x\xff"\n')
    res = CliRunner().invoke(app, ["verdict", str(path), "--seeds", "1"])
    assert res.exit_code == 2
    assert res.output == (f"error: {path}: 1 problem\n  - not UTF-8 text: byte 0xff at byte offset 20 (line 2); "
                          "save the file as UTF-8\n")

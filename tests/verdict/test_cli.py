"""``purgetoll verdict`` on a tiny scale: formats, totals in persons, and bad input named."""

from __future__ import annotations

import io
import json

import pandas as pd
from typer.testing import CliRunner

from purgetoll.cli import app

runner = CliRunner()
TINY = ["--scale", "0.0005", "--seeds", "2", "--workers", "1", "--draws", "8000"]


def test_csv_verdict_and_totals(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('[scenario]\nname = "mine"\ntitle = "Mine"\n[attributes]\n'
                    'household_size_mean_persons = { value = 4.5, source = "assumption: test" }\n', encoding="utf-8")
    res = runner.invoke(app, ["verdict", "no_terror", str(path), *TINY, "--format", "csv"])
    assert res.exit_code == 0, res.output
    df = pd.read_csv(io.StringIO(res.stdout))
    assert list(df.columns[:5]) == ["scenario", "sex", "measure", "ages", "simulated"]
    assert sorted(set(df["scenario"])) == ["mine", "no_terror"] and len(df) == 8  # 2 x 2 sexes x 2 measures
    # the attributes do not change who dies: no excess against no_terror, the same verdict
    assert (df["simulated"] == 0).all()
    a, b = (df[df["scenario"] == n].set_index(["sex", "measure"])["vs_census"] for n in ("mine", "no_terror"))
    assert a.equals(b)
    assert "# Implied excess deaths 6 Jan 1937 - 17 Jan 1939" in res.stderr
    res = runner.invoke(app, ["verdict", "no_terror", *TINY, "--format", "csv", "--table", "totals"])
    t = pd.read_csv(io.StringIO(res.stdout)).set_index("measure")
    assert 160e6 < t.loc["population_1937_01_06_male", "value"] + t.loc["population_1937_01_06_female", "value"] < 164e6


def test_json_has_the_implied_toll_and_the_floor(tmp_path):
    res = runner.invoke(app, ["verdict", "no_terror", *TINY, "--format", "json"])
    assert res.exit_code == 0, res.output
    j = json.loads(res.stdout)
    assert j["settings"]["scale"] == 0.0005 and j["settings"]["seeds"] == [1, 2]
    assert j["settings"]["persons_per_agent"] == 2000 and j["settings"]["draws"] == 8000
    assert [(r["sex"], r["ages"]) for r in j["implied_excess"]] == [
        ("male", "all"), ("male", "20-59"), ("female", "all"), ("female", "20-59")]
    assert {"estimate", "lower_95", "upper_95"} <= set(j["implied_excess"][0])
    assert [r["sex"] for r in j["documented_floor"]] == ["male", "female", "both"]
    assert {"deaths", "lower_95", "upper_95", "source", "assumption"} <= set(j["documented_floor"][0])
    assert "Gaussian kernels" in j["method"] and "excludes 0" in j["test"]
    for name in ("verdict", "deficits", "totals", "targets", "census_1939", "survival", "pairs"):
        assert name in j


def test_table_states_the_rule_and_the_method():
    res = runner.invoke(app, ["verdict", "no_terror", *TINY])
    assert res.exit_code == 0, res.output
    assert "The toll the censuses imply" in res.stdout and "documented floor" in res.stdout
    assert "excludes 0" in res.stdout and "Method: Implied excess deaths" in res.stdout


def test_one_seed_gives_no_interval_and_no_verdict():
    res = runner.invoke(app, ["verdict", "no_terror", "--scale", "0.0005", "--seeds", "1", "--workers", "1", "--draws", "8000",
                              "--format", "csv"])
    assert res.exit_code == 0, res.output
    df = pd.read_csv(io.StringIO(res.stdout))
    assert (df["vs_census"] == "not judged: 1 run (a verdict needs at least 2 seeds)").all()
    assert df["lower_95"].isna().all()


def test_the_census_and_the_error_model_given_by_the_user(tmp_path):
    """--census with the bundled table itself gives the bundled reading; --set fixes a component, which the
    error_model table says; a census with more padding than the real one implies more deaths."""
    from importlib import resources

    bundled = resources.files("purgetoll.data") / "tables" / "census_1939_5y.csv"
    base = runner.invoke(app, ["verdict", "no_terror", *TINY, "--format", "csv", "--table", "implied_excess"])
    mine = runner.invoke(app, ["verdict", "no_terror", *TINY, "--format", "csv", "--table", "implied_excess",
                               "--census", str(bundled)])
    assert base.exit_code == mine.exit_code == 0, mine.output
    a, b = (pd.read_csv(io.StringIO(x.stdout)) for x in (base, mine))
    pd.testing.assert_frame_equal(a, b, rtol=1e-9)  # the same numbers up to float rounding of the split
    res = runner.invoke(app, ["verdict", "no_terror", *TINY, "--format", "csv", "--table", "error_model",
                              "--set", "padding_1939_persons=2.5e6"])
    em = pd.read_csv(io.StringIO(res.stdout)).set_index("name")
    assert em.loc["padding_1939_persons", "distribution"] == "fixed" and em.loc["padding_1939_persons", "low"] == 2.5e6
    assert em.loc["padding_1939_persons", "source"] == "set on the command line"


def test_bad_error_model_and_census_are_named(tmp_path):
    bad = tmp_path / "errors.toml"
    bad.write_text('padding_1939_persons = { value = -1, source = "x" }\n', encoding="utf-8")
    res = runner.invoke(app, ["verdict", "no_terror", *TINY, "--errors", str(bad)])
    assert res.exit_code == 2
    assert f"error: {bad}: 1 problem\n  - padding_1939_persons must be in [0, 10000000] persons; got -1" in res.output
    res = runner.invoke(app, ["verdict", "no_terror", *TINY, "--set", "padding=3"])
    assert res.exit_code == 2 and "error: --set: 1 problem\n  - unknown key 'padding' (valid: " in res.output
    census = tmp_path / "c.csv"
    census.write_text("date,sex,age,age_end,age_group,count\n1939-01-17,male,0,4,0-4,x\n", encoding="utf-8")
    res = runner.invoke(app, ["verdict", "no_terror", *TINY, "--census", str(census)])
    assert res.exit_code == 2
    assert (f"error: {census}, row 1 (line 2): column count: expected a whole number of persons from 0 to "
            "10,000,000,000; got 'x'" in res.output)


def test_bad_input_is_named():
    res = runner.invoke(app, ["verdict", "no_terror", "--scale", "2", "--seeds", "0", "--draws", "0"])
    assert res.exit_code == 2
    assert "error: --scale must be in (0, 1]; got 2.0" in res.output
    assert "error: --seeds must be >= 1; got 0" in res.output
    assert "error: --draws must be >= 1; got 0" in res.output
    res = runner.invoke(app, ["verdict", "conquest_2099", "--workers", "1"])
    assert res.exit_code == 2 and "no bundled scenario 'conquest_2099'" in res.output
    res = runner.invoke(app, ["verdict", "no_terror", "--start", "1938-01-01", *TINY])
    assert res.exit_code == 2
    assert "start: the engine starts at a census date (1926-12-17, 1937-01-06); got '1938-01-01'" in res.output


def test_keys_lists_every_declared_parameter():
    from purgetoll.scenarios import sections

    res = runner.invoke(app, ["verdict", "--keys", "--format", "csv"])
    assert res.exit_code == 0, res.output
    df = pd.read_csv(io.StringIO(res.stdout))
    n = sum(len(s.params) + (s.module_class is not None) for s in sections().values())
    assert len(df) == n
    row = df[(df["section"] == "attributes") & (df["key"] == "greeks_share")].iloc[0]
    assert row["unit"] == "share" and row["high"] == 0.01 and bool(row["assumption"]) is True
    assert set(df.loc[df["key"] == "enabled", "section"]) == {s.name for s in sections().values() if s.module_class}
    res = runner.invoke(app, ["verdict", "--keys"])
    assert res.exit_code == 0 and "bundled scenarios: " in res.stdout and "greeks_share" in res.stdout


def test_no_scenario_is_an_error_naming_the_bundled_ones():
    from purgetoll.scenarios import bundled_names

    res = runner.invoke(app, ["verdict"])
    assert res.exit_code == 2
    assert f"error: give at least one scenario (bundled: {', '.join(bundled_names())}; or a path to a .toml file)" \
        in res.output


def test_error_keys_lists_every_component():
    from purgetoll.demography.evidence import components

    res = runner.invoke(app, ["verdict", "--error-keys", "--format", "csv"])
    assert res.exit_code == 0, res.output
    df = pd.read_csv(io.StringIO(res.stdout)).set_index("name")
    assert list(df.index) == [c.name for c in components()]
    assert df.loc["padding_1939_persons", "low"] == 170_557_093 - 168_871_000
    assert bool(df.loc["padding_1939_working_age_share", "assumption"]) is True


def test_compare_is_the_old_name_of_verdict_with_the_same_stdout():
    """`purgetoll compare` (until 0.2) prints what `purgetoll verdict` prints, byte for byte, so JSON
    and CSV on stdout stay clean; the warning goes to stderr."""
    for args in (["no_terror", *TINY, "--format", "json"], ["--keys", "--format", "csv"]):
        new = runner.invoke(app, ["verdict", *args])
        old = runner.invoke(app, ["compare", *args])
        assert new.exit_code == old.exit_code == 0, old.output
        assert old.stdout == new.stdout and new.stdout
        assert old.stderr == new.stderr + (
            "warning: `purgetoll compare` is deprecated: it is now `purgetoll verdict` (same arguments and "
            "options); `purgetoll compare` goes in purgetoll 0.2\n")
    bad = runner.invoke(app, ["compare", "conquest_2099", "--workers", "1"])
    assert bad.exit_code == 2 and "no bundled scenario 'conquest_2099'" in bad.stderr

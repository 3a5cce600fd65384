"""``purgetoll compare`` on a tiny scale: formats, totals in persons, and bad input named."""

from __future__ import annotations

import io
import json

import pandas as pd
from typer.testing import CliRunner

from purgetoll.cli import app

runner = CliRunner()
TINY = ["--scale", "0.0005", "--seeds", "2", "--workers", "1"]


def test_csv_verdict_and_totals(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('[scenario]\nname = "mine"\ntitle = "Mine"\n[attributes]\n'
                    'household_size_mean_persons = { value = 4.5, source = "assumption: test" }\n', encoding="utf-8")
    res = runner.invoke(app, ["compare", "no_terror", str(path), *TINY, "--format", "csv"])
    assert res.exit_code == 0, res.output
    df = pd.read_csv(io.StringIO(res.stdout))
    assert list(df.columns[:6]) == ["scenario", "sex", "measure", "simulated", "lower_95", "upper_95"]
    assert sorted(set(df["scenario"])) == ["mine", "no_terror"] and len(df) == 12  # 2 x 2 sexes x 3 measures
    # the attributes do not change who dies: same seeds give the same census
    a = df[df["scenario"] == "mine"]["simulated"].to_numpy()
    b = df[df["scenario"] == "no_terror"]["simulated"].to_numpy()
    assert (a == b).all()
    res = runner.invoke(app, ["compare", "no_terror", *TINY, "--format", "csv", "--table", "totals"])
    t = pd.read_csv(io.StringIO(res.stdout)).set_index("measure")
    assert 160e6 < t.loc["population_1937_01_06_male", "value"] + t.loc["population_1937_01_06_female", "value"] < 164e6


def test_json_and_table(tmp_path):
    res = runner.invoke(app, ["compare", "no_terror", *TINY, "--format", "json"])
    assert res.exit_code == 0, res.output
    j = json.loads(res.stdout)
    assert j["settings"]["scale"] == 0.0005 and j["settings"]["seeds"] == [1, 2]
    assert j["settings"]["persons_per_agent"] == 2000
    res = runner.invoke(app, ["compare", "no_terror", *TINY])
    assert res.exit_code == 0
    assert "Verdict: simulated 17 Jan 1939" in res.stdout and "excluded by a measure" in res.stdout


def test_bad_input_is_named():
    res = runner.invoke(app, ["compare", "no_terror", "--scale", "2", "--seeds", "0"])
    assert res.exit_code == 2
    assert "error: --scale must be in (0, 1]; got 2.0" in res.output
    assert "error: --seeds must be >= 1; got 0" in res.output
    res = runner.invoke(app, ["compare", "conquest_2099", "--workers", "1"])
    assert res.exit_code == 2 and "no bundled scenario 'conquest_2099'" in res.output
    res = runner.invoke(app, ["compare", "no_terror", "--start", "1938-01-01", *TINY])
    assert res.exit_code == 2
    assert "start: the engine starts at a census date (1926-12-17, 1937-01-06); got '1938-01-01'" in res.output


def test_keys_lists_every_declared_parameter():
    from purgetoll.scenarios import sections

    res = runner.invoke(app, ["compare", "--keys", "--format", "csv"])
    assert res.exit_code == 0, res.output
    df = pd.read_csv(io.StringIO(res.stdout))
    n = sum(len(s.params) + (s.module_class is not None) for s in sections().values())
    assert len(df) == n
    row = df[(df["section"] == "attributes") & (df["key"] == "greeks_share")].iloc[0]
    assert row["unit"] == "share" and row["high"] == 0.01 and bool(row["assumption"]) is True
    assert set(df.loc[df["key"] == "enabled", "section"]) == {s.name for s in sections().values() if s.module_class}
    res = runner.invoke(app, ["compare", "--keys"])
    assert res.exit_code == 0 and "bundled scenarios: " in res.stdout and "greeks_share" in res.stdout


def test_no_scenario_is_an_error_naming_the_bundled_ones():
    from purgetoll.scenarios import bundled_names

    res = runner.invoke(app, ["compare"])
    assert res.exit_code == 2
    assert f"error: give at least one scenario (bundled: {', '.join(bundled_names())}; or a path to a .toml file)" \
        in res.output

"""A calibration stored as Parquet tables and a manifest; ``purgetoll calibrate run`` and ``show``."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from purgetoll.calibrate.fit import Calibration
from purgetoll.calibrate.result import run_calibration
from purgetoll.calibrate.store import TABLES, load_calibration, save_calibration
from purgetoll.calibrate.toy import ToyMachine, toy_statistics
from purgetoll.cli import app
from purgetoll.errors import DamagedError, DataError, PurgetollError

runner = CliRunner()


@pytest.fixture(scope="module")
def result():
    cal = Calibration(ToyMachine(), statistics=toy_statistics(3), scale=0.001, simulations=1000, population_size=200,
                      seed=5, noise_replicates=4)
    return run_calibration(cal, predictive_draws=200, scale_draws=10)


def test_the_scale_check_runs_the_same_draws_spread_over_the_posterior(result):
    low, high = result.tables["predictive_draws"], result.tables["scale_draws"]
    both = high.merge(low, on="draw", suffixes=("_high", "_low"))
    assert len(both) == 10 and (both["particle_high"] == both["particle_low"]).all()
    assert (both["seed_high"] == both["seed_low"]).all()
    assert high["draw"].tolist() == list(range(0, 200, 20))


def test_stored_tables_read_back_unchanged(result, tmp_path):
    out = save_calibration(result, tmp_path / "cal", command=["purgetoll", "calibrate", "run"])
    back = load_calibration(out)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "calibration" and manifest["command"] == "purgetoll calibrate run"
    assert back.made["command"] == "purgetoll calibrate run" and back.made["created"].startswith("20")
    assert back.settings["seed"] == 5 and back.settings["scale"] == 0.001 and manifest["seeds"] == 5
    assert set(back.tables) == set(result.tables) <= set(TABLES)
    assert any(k.endswith("repression_key_totals.csv") for k in manifest["inputs"])  # SHA-256 of the inputs
    assert all(len(v) == 64 for v in manifest["inputs"].values())
    assert back.made["libraries"]["pyabc"] and back.made["libraries"]["dask"]
    assert back.diagnostics == json.loads(json.dumps(result.diagnostics, default=float))
    pd.testing.assert_frame_equal(back.tables["posterior"], result.tables["posterior"], check_exact=True)
    # the results layer loads it as the same type
    from purgetoll.results import load_result

    assert load_result(out, "calibration").tables["parameters"].equals(back.tables["parameters"])
    # readable without purgetoll: plain Parquet
    assert pd.read_parquet(out / "tables" / "parameters.parquet").shape[0] == 4
    # a finished calibration is not replaced without force, and is with it
    with pytest.raises(PurgetollError, match="already"):
        save_calibration(result, tmp_path / "cal")
    save_calibration(result, tmp_path / "cal", force=True)


def test_a_damaged_table_is_named(result, tmp_path):
    out = save_calibration(result, tmp_path / "cal")
    path = out / "tables" / "toll.parquet"
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(DamagedError, match="toll.parquet"):
        load_calibration(out)
    with pytest.raises(DataError, match="no such folder"):
        load_calibration(tmp_path / "nothing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="not a calibration folder: no manifest.json"):
        load_calibration(tmp_path / "empty")
    from purgetoll.stored import save_stored

    save_stored(tmp_path / "other2", "verdict", {"t": pd.DataFrame({"a": [1]})}, settings={})
    with pytest.raises(DataError, match="where 'calibration' was expected"):
        load_calibration(tmp_path / "other2")


def test_cli_run_then_show(tmp_path):
    out = tmp_path / "cal"
    r = runner.invoke(app, ["calibrate", "run", "--simulator", "toy", "--simulations", "300", "--population", "60",
                            "--seed", "2", "--workers", "0", "--predictive-draws", "30", "--scale-draws", "5",
                            "--noise-replicates", "3", "--high-scale", "0.02", "--limit", "calibrate_scale=0.02",
                            "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert f"wrote {out}" in r.output
    r = runner.invoke(app, ["calibrate", "show", str(out)])
    assert r.exit_code == 0, r.output
    for part in ("made by:", "--simulator toy", "--limit calibrate_scale=0.02",
                 "parameters (posterior median and 95% interval)",
                 "capacity_persons_per_month", "held-out coverage", "the toll of 1937-38",
                 "no interval",  # 30 draws: no 95% interval (purgetoll.intervals)
                 # a budget of 300: generation 0 shrunk to 58 particles, generation 1 not run, both stated
                 "simulations of the budget of 300", "budget: generation 0 was shrunk from 60 to 58 particles",
                 "budget: generation 1 was not run", "stopped: the budget of 300 simulations"):
        assert part in r.output, part
    r = runner.invoke(app, ["calibrate", "show", str(out), "--table", "parameters", "--format", "csv"])
    assert r.exit_code == 0 and r.output.startswith("parameter,estimate,lower_95,upper_95")
    r = runner.invoke(app, ["calibrate", "show", str(out), "--format", "json"])
    shown = json.loads(r.output)
    settings, diagnostics = shown["settings"], shown["diagnostics"]
    assert diagnostics["simulations"] <= diagnostics["budget"] == 300
    assert [g["status"] for g in diagnostics["generation_sizes"]] == ["full", "shrunk", "skipped"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert json.dumps(manifest).count("generation 0 was shrunk from 60 to 58 particles") >= 1
    assert settings["seed"] == 2 and settings["high_scale"] == 0.02
    assert settings["limits"] == {"calibrate_simulations": 200_000, "calibrate_scale": 0.02}
    # the same folder again: refused before any work, naming it
    r = runner.invoke(app, ["calibrate", "run", "--simulator", "toy", "--workers", "0", "--out", str(out)])
    assert r.exit_code == 2 and "error:" in r.output and str(out) in r.output


@pytest.mark.parametrize(("args", "message"), [
    (["--scale", "0.05"], "error: calibration of 13,000 simulations at scale 0.05: 0.05 agents per person exceeds the "
                          "limit calibrate_scale = 0.01 ("),
    (["--simulations", "300000"], "error: calibration of 300,000 simulations at scale 0.001: 300,000 simulations "
                                  "exceeds the limit calibrate_simulations = 200,000 ("),
    (["--high-scale", "0.02"], "error: scale check of 40 posterior draws at scale 0.02: 0.02 agents per person exceeds "
                               "the limit calibrate_scale = 0.01 ("),
    (["--scale", "0.05", "--limit", "calibrate_scale=0.02"], "0.05 agents per person exceeds the limit "
                                                             "calibrate_scale = 0.02 ("),
    (["--limit", "max_scale=1"], "error: --limit 'max_scale=1': expected NAME=VALUE with NAME one of "),
    (["--max-scale", "1"], "No such option: --max-scale"),
    (["--max-simulations", "1"], "No such option: --max-simulations"),
    (["--scenario", "no_such_scenario"], "no bundled scenario 'no_such_scenario'"),
    (["--workers", "2", "--scheduler", "tcp://127.0.0.1:9"], "not both"),
    (["--simulator", "magic"], "--simulator must be mechanism or toy"),
    (["--scale-draws", "300"], "cannot exceed --predictive-draws"),
])
def test_cli_bad_inputs_are_clear_errors(tmp_path, args, message):
    r = runner.invoke(app, ["calibrate", "run", "--out", str(tmp_path / "x"), *args])
    assert r.exit_code == 2, r.output
    assert message in r.output
    assert not (tmp_path / "x").exists()


def test_cli_bad_priors_file_names_the_file_and_key(tmp_path):
    f = tmp_path / "priors.toml"
    f.write_text('[[prior]]\nname = "terror.cases_per_interrogator_per_month"\nlow = 5\nhigh = 1\n'
                 '[[prior]]\nname = "terror.nope"\nlow = 0\nhigh = 1\nwidth = 2\n', encoding="utf-8")
    r = runner.invoke(app, ["calibrate", "run", "--priors", str(f), "--out", str(tmp_path / "x")])
    assert r.exit_code == 2
    assert str(f) in r.output
    assert "low must be below high" in r.output and "unknown key(s) ['width']" in r.output


def test_cli_show_of_a_folder_that_is_not_a_calibration(tmp_path):
    r = runner.invoke(app, ["calibrate", "show", str(tmp_path)])
    assert r.exit_code == 2 and "not a calibration folder" in r.output

"""A run past the data its inputs stand on: refused before any work, naming each series, its last year
and the option, unless asked for with past_data (CLI: --past-data), which the manifest and the output
then state."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from typer.testing import CliRunner

from purgetoll.cli import app
from purgetoll.errors import SettingsError
from purgetoll.scenarios.settings import BUNDLED_DIR
from purgetoll.sim import Sim, SimSettings, Territory
from purgetoll.sim.modules import Demography

RUNNER = CliRunner()
REFUSED = ("past the data the run stands on, the series births_series (last year 1959) and life_tables (last year "
           "1959): after 1959 it would have no births and mortality held at the last life table. End the run by "
           "1960-01-01 (purgetoll sim run --end, or a scenario's [scenario] end), or run past the data on purpose "
           "with --past-data (Python: SimSettings(past_data=True)), which the manifest and the output then state")


def _sim(inputs, end: str, **settings) -> Sim:
    s = SimSettings(start="1926-12-17", end=end, scale=0.0001, seed=5, **settings)
    return Sim(s, [Territory(inputs), Demography(inputs)])


def test_the_bundled_inputs_say_where_their_data_ends(real_inputs):
    """What the bundled inputs declare is what they do: births every year to 1959, none in 1960."""
    assert real_inputs.data_ends == {"births_series": 1959, "life_tables": 1959}
    assert (real_inputs.births_between(1959.0, 1960.0) > 1e6).all()
    assert (real_inputs.births_between(1960.0, 1961.0) == 0).all()


def test_a_python_run_past_the_data_is_refused_before_any_work(real_inputs, tmp_path):
    with pytest.raises(SettingsError) as err:
        _sim(real_inputs, "1970-01-01").run(tmp_path / "run")
    assert str(err.value) == f"sim settings: 1 problem\n  - end 1970-01-01 is {REFUSED}"
    assert list(tmp_path.iterdir()) == []


def test_to_the_day_the_data_ends_a_run_is_allowed_and_says_nothing(toy_inputs):
    """The toy inputs with a stated end: the first day past it is refused, the day itself is not."""
    inputs = dataclasses.replace(toy_inputs, data_ends={"toy_births": 1927})
    with pytest.raises(SettingsError, match=r"end 1928-01-02 is past the data the run stands on, the series "
                                            r"toy_births \(last year 1927\): after 1927 "):
        _sim(inputs, "1928-01-02").run()
    result = _sim(inputs, "1928-01-01").run()
    assert "past_data" not in result.manifest["assumptions"]
    assert result.manifest["settings"]["past_data"] is False
    free = _sim(toy_inputs, "1931-01-01").run()  # inputs that state no end are never refused
    assert "past_data" not in free.manifest["assumptions"]


def test_asked_for_a_run_past_the_data_is_stated_in_its_manifest(toy_inputs, tmp_path):
    inputs = dataclasses.replace(toy_inputs, data_ends={"toy_births": 1927})
    asked = _sim(inputs, "1929-01-01", past_data=True).run(tmp_path / "run")
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert manifest["settings"]["past_data"] is True
    assert manifest["assumptions"]["past_data"] == (
        "run past its data on request (--past-data) from 1928-01-01 to 1929-01-01, after the series toy_births (last "
        "year 1927): no births in those years and mortality held at the last life table, figures no source gives")
    same = _sim(toy_inputs, "1929-01-01").run()  # the flag changes what is said, never what is simulated
    assert np.array_equal(asked.snapshots["agents"].to_numpy(), same.snapshots["agents"].to_numpy())


def test_the_cli_refuses_then_runs_past_the_data_when_asked(tmp_path):
    out = tmp_path / "run"
    res = RUNNER.invoke(app, ["sim", "run", "--end", "1970-01-01", "--scale", "0.00001", "--out", str(out)])
    assert (res.exit_code, res.stdout) == (2, "")
    assert res.stderr == f"error: sim settings: 1 problem\n  - end 1970-01-01 is {REFUSED}\n"
    assert list(tmp_path.iterdir()) == []
    res = RUNNER.invoke(app, ["sim", "run", "--end", "1961-01-15", "--scale", "0.00001", "--past-data", "--out",
                              str(out)])
    assert res.exit_code == 0, res.output
    note = ("run past its data on request (--past-data) from 1960-01-01 to 1961-01-15, after the series births_series "
            "(last year 1959) and life_tables (last year 1959): no births in those years and mortality held at the "
            "last life table, figures no source gives")
    assert res.stdout.splitlines()[-1] == f"  {note}"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["assumptions"]["past_data"] == note and manifest["settings"]["past_data"] is True


def test_a_scenario_that_ends_past_the_data_is_refused(tmp_path):
    path = tmp_path / "late.toml"
    text = (BUNDLED_DIR / "no_terror.toml").read_text(encoding="utf-8")
    path.write_text(text.replace('end = "1939-01-17"', 'end = "1961-01-01"', 1), encoding="utf-8")
    res = RUNNER.invoke(app, ["sim", "run", "--scenario", str(path), "--scale", "0.00001", "--out",
                              str(tmp_path / "run")])
    assert (res.exit_code, res.stdout) == (2, "")
    assert res.stderr == f"error: sim settings: 1 problem\n  - end 1961-01-01 is {REFUSED}\n"
    assert not (tmp_path / "run").exists()

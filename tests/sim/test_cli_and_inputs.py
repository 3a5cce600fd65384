"""The ``purgetoll sim`` verb, the manifest, and bad input to every entry point."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from purgetoll.cli import app
from purgetoll.errors import DataError, ScenarioError
from purgetoll.sim import DemographyInputs, Sim, SimSettings, Territory
from purgetoll.sim.inputs import population_matrix
from purgetoll.sim.modules import Demography

from .conftest import toy_births, toy_initial, toy_qx


def test_cli_run_writes_outputs_and_manifest(tmp_path):
    out = tmp_path / "run"
    result = CliRunner().invoke(app, ["sim", "run", "--start", "1926-12-17", "--end", "1928-01-15",
                                      "--scale", "0.001", "--seed", "3", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "alive at end" in result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 3 and manifest["scale"] == 0.001 and manifest["persons_per_agent"] == 1000
    assert manifest["scenario"] == "demography_only"
    assert manifest["purgetoll_version"]
    assert "census_1926_single" in manifest["data_tables"]
    assert "Всесоюзная перепись населения 1926" in manifest["data_tables"]["census_1926_single"]
    assert "territory.annexation_share_1939" not in manifest["assumptions"]  # stated by the inputs
    assert any("annexation_share_1939" in k for k in manifest["assumptions"])
    snaps = pd.read_parquet(out / "snapshots.parquet")
    start = snaps[snaps["date"] == "1926-12-17"]
    # 147,027,915 enumerated less 88,728 of unknown age, at 1 agent per 1000 (rounding per cell)
    assert abs(start["count"].sum() - (147_027_915 - 88_728)) < 202 * 1000
    assert list(snaps.columns) == ["date", "state_date", "sex", "age", "age_end", "age_group", "agents", "count"]
    again = CliRunner().invoke(app, ["sim", "run", "--end", "1928-01-15", "--scale", "0.001", "--out", str(out)])
    assert again.exit_code == 2 and "already holds a finished run" in again.output


def test_cli_rejects_bad_settings(tmp_path):
    result = CliRunner().invoke(app, ["sim", "run", "--scale", "1.5", "--end", "1926-12-01", "--out", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert "sim settings: 2 problems" in result.output
    assert "scale must be in (0, 1] (1 = one agent per person); got 1.5" in result.output
    assert "end date 1926-12-01 must be at least half a month after start date 1926-12-17" in result.output
    assert not (tmp_path / "x").exists()


def test_plan_verb_prints_the_fixed_order():
    result = CliRunner().invoke(app, ["sim", "plan"])
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert [ln.split()[:3] for ln in lines[1:]] == [["1", "territory", "annex"], ["2", "demography", "births"],
                                                   ["3", "demography", "deaths"]]


def test_settings_report_every_problem_at_once():
    with pytest.raises(ScenarioError) as err:
        SimSettings(start="1926-12-17", end="1959-01-15", scale=0, seed=-1, snapshot_dates=("1930-02-30",))
    assert err.value.problems == [
        "scale must be in (0, 1] (1 = one agent per person); got 0",
        "seed must be an integer in [0, 2**63); got -1",
        "snapshot_dates: expected an ISO date YYYY-MM-DD; got '1930-02-30'",
    ]


@pytest.mark.parametrize(("edit", "message"), [
    (lambda d: d.drop(columns="count"), "DemographyInputs.initial: missing column(s) ['count']; expected sex, age, count"),
    (lambda d: d.assign(sex=d["sex"].replace("female", "f")), "DemographyInputs.initial, row 101: sex must be 'male' or 'female'; got 'f'"),
    (lambda d: d.assign(count=np.where(d.index == 5, -3.0, d["count"])), "DemographyInputs.initial, row 5: count must be a finite number >= 0; got -3.0"),
    (lambda d: d.drop(index=7), "DemographyInputs.initial: no row for sex=male, age=7; expected ages 0..100 for both sexes"),
    (lambda d: pd.concat([d, d.iloc[[3]]]), "DemographyInputs.initial, row 202: duplicate row for sex=male, age=3"),
    (lambda d: d.assign(age=np.where(d.index == 9, 101, d["age"])), "DemographyInputs.initial, row 9: age must be an integer 0..100 (100 = 100+); got 101"),
])
def test_bad_starting_population_is_named(edit, message):
    with pytest.raises(DataError) as err:
        DemographyInputs(initial=edit(toy_initial()), qx=toy_qx, births_between=toy_births)
    assert str(err.value) == message


def test_bad_annexations_births_and_qx_are_named():
    bad_date = toy_initial(1.0).assign(date="1939-13-01", label="west")
    with pytest.raises(DataError, match=r"annexations, row label=west: date must be ISO YYYY-MM-DD; got '1939-13-01'"):
        DemographyInputs(initial=toy_initial(), qx=toy_qx, births_between=toy_births, annexations=bad_date)
    settings = SimSettings(start="1926-12-17", end="1928-01-01", scale=0.001, seed=1)
    inputs = DemographyInputs(initial=toy_initial(), qx=toy_qx, births_between=lambda a, b: np.array([-1.0, 2.0]))
    with pytest.raises(DataError) as err:
        Sim(settings, [Territory(inputs), Demography(inputs)]).run()
    assert str(err.value).startswith("births_between, row interval=1926.959-1927.042: births must be 2 finite numbers >= 0")
    inputs = DemographyInputs(initial=toy_initial(), qx=lambda y, s: np.full(101, 1.5), births_between=toy_births)
    with pytest.raises(DataError) as err:
        Sim(settings, [Territory(inputs), Demography(inputs)]).run()
    assert str(err.value) == "qx(year=1927.001, sex=male), row age=0: qx must be a probability in [0, 1]; got 1.5"


def test_population_matrix_reads_the_census_shape():
    m = population_matrix(toy_initial(2.0), "x")
    assert m.shape == (2, 101) and m.sum() == pytest.approx(2e6)


def test_cli_refuses_a_start_the_bundled_inputs_do_not_have(tmp_path):
    result = CliRunner().invoke(app, ["sim", "run", "--start", "1937-01-06", "--out", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert ("demography_sim: the bundled inputs start from the census of 1926-12-17; got start 1937-01-06: "
            "pass inputs built for that date") in result.output

"""Scenario and claims TOML files damaged at random: a valid object that says what the file says, or
one purgetoll error naming the file (and, for each problem, the section, key or claim), never a
traceback, never a value dropped without a word."""

from __future__ import annotations

import tomllib

from hypothesis import given
from typer.testing import CliRunner

from purgetoll.claims import load_claims
from purgetoll.claims._schema import default_claims_path
from purgetoll.cli import app
from purgetoll.data import figure
from purgetoll.errors import PurgetollError, ScenarioError
from purgetoll.scenarios import Scenario
from purgetoll.scenarios.dates import dated_problems
from purgetoll.scenarios.registry import sections
from purgetoll.scenarios.settings import BUNDLED_DIR
from tests.robustness.strategies import ROBUST, toml_cases

ARCHIVAL = (BUNDLED_DIR / "archival.toml").read_text(encoding="utf-8")
CLAIMS = default_claims_path().read_text(encoding="utf-8")
RUNNER = CliRunner()


def _unwrap(raw):
    """The value a file's entry sets: typed, or the bundled figures its ``ref`` names."""
    if isinstance(raw, dict) and "ref" in raw:
        ref = raw["ref"]
        return figure(ref) if isinstance(ref, str) else {**{k: figure(r) for k, r in ref.items()}, **raw.get("value", {})}
    return raw["value"] if isinstance(raw, dict) and "value" in raw else raw


@ROBUST
@given(case=toml_cases(ARCHIVAL))
def test_a_damaged_scenario_file(tmp_path, case):
    path = tmp_path / "mine.toml"
    path.write_bytes(case.data)
    try:
        sc = Scenario.from_toml(path)
    except ScenarioError as err:
        assert err.source == str(path) and err.problems, str(err)
        assert all(isinstance(p, str) and p for p in err.problems)
        assert case.expect != "same", f"{case.what}: {err}"
        if "offset" in case.extra:
            assert f"at byte offset {case.extra['offset']} " in err.problems[0]
        return
    assert case.expect != "error", f"{case.what}: damaged scenario accepted"
    # whatever the file sets is what the scenario holds: nothing dropped, nothing outside the run
    data = tomllib.loads(case.data.decode("utf-8-sig"))
    for sec, body in data.items():
        if sec in ("scenario", "targets"):
            continue
        for key, raw in body.items():
            assert sc.values[sec][key].value == _unwrap(raw), (sec, key)
    assert dated_problems(sc.values, sc.start, sc.end, sections()) == []
    if case.expect == "same":
        assert sc.describe()["values"] == Scenario.load("archival").describe()["values"]


@ROBUST
@given(case=toml_cases(CLAIMS))
def test_a_damaged_claims_file(tmp_path, case):
    path = tmp_path / "claims.toml"
    path.write_bytes(case.data)
    try:
        claims = load_claims(path)
    except PurgetollError as err:
        assert getattr(err, "source", None) == str(path), str(err)
        assert case.expect != "same", f"{case.what}: {err}"
        return
    assert case.expect != "error", f"{case.what}: damaged claims accepted"
    if case.expect == "same":
        assert len(claims) == len(load_claims())


@ROBUST
@given(case=toml_cases(CLAIMS))
def test_the_claims_cli_on_a_damaged_file(tmp_path, case):
    path = tmp_path / "claims.toml"
    path.write_bytes(case.data)
    res = RUNNER.invoke(app, ["claims", "--file", str(path), "--format", "json"])
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    if res.exit_code != 0:
        assert res.exit_code == 2 and res.stderr.startswith(f"error: {path}: "), res.stderr
        assert res.stdout == ""

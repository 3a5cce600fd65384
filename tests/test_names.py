"""One name per concept: errors that say what failed, the shared terminal helpers, renamed names."""

from __future__ import annotations

from typing import ClassVar

import pytest
import typer
from typer.testing import CliRunner

from purgetoll import ProblemsError, ScenarioError, SettingsError, claims, verdict
from purgetoll.claims import ClaimsFileError, parse_claims
from purgetoll.errors import (
    ConvergenceError,
    DamagedError,
    DataError,
    FolderInUseError,
    ForeignContentError,
    LimitError,
    NotEstimableError,
    OutputError,
    RunExistsError,
)
from purgetoll.params import Param
from purgetoll.sim import SimSettings
from purgetoll.sim.modules import Module
from purgetoll.terminal import BAD_INPUT, FAILED, Format, exit_status, fail


def test_settings_errors_have_their_own_class():
    with pytest.raises(SettingsError) as err:
        SimSettings(start="1926-12-17", end="1959-01-15", scale=0, seed=0)
    assert err.value.source == "sim settings"


def test_module_values_raise_a_settings_error():
    class Toy(Module):
        name: ClassVar[str] = "toy"
        parameter_specs: ClassVar[tuple[Param, ...]] = (Param("share", 0.5, "share", "a share", low=0, high=1),)

    with pytest.raises(SettingsError) as err:
        Toy(share=2)
    assert err.value.problems == ["share must be in [0, 1] share; got 2"]


def test_claims_errors_have_their_own_class():
    with pytest.raises(ClaimsFileError) as err:
        parse_claims({}, "claims.toml")
    assert str(err.value) == ("claims.toml: 1 problem\n  - missing [[claim]] records: expected at least one "
                              "[[claim]] table")


@pytest.mark.parametrize("cls", [ScenarioError, SettingsError, ClaimsFileError])
def test_one_base_catches_them_all_and_old_except_clauses_still_work(cls):
    error = cls("somewhere", ["a problem"])
    assert isinstance(error, ProblemsError) and isinstance(error, ValueError)
    assert isinstance(error, ScenarioError)  # for one release: `except ScenarioError` keeps working
    assert str(error) == "somewhere: 1 problem\n  - a problem"


def test_fail_prints_on_stderr_and_exits_by_the_rule():
    app = typer.Typer()

    @app.command()
    def broken(format: Format = Format.table) -> None:
        fail(ValueError(f"nothing to show as {format}"))

    result = CliRunner().invoke(app, ["--format", "json"])
    assert result.exit_code == 2
    assert result.stderr == "error: nothing to show as json\n"
    assert result.stdout == ""


def test_old_names_are_aliases_for_one_release():
    from purgetoll.demography import Borders1946, Territory
    from purgetoll.sim import Sim

    assert Territory is Borders1946
    assert Sim.decimal_year is Sim.time_point_year


def test_the_two_verdicts_have_two_names():
    """The claims' verdict categories are ``ClaimVerdict`` (``claims.Verdict`` until 0.2); the
    censuses' verdict on the scenarios is ``verdict.Verdict``."""
    assert claims.Verdict is claims.ClaimVerdict
    assert claims.ClaimVerdict.AGREES == "agrees"
    assert verdict.Verdict.__module__ == "purgetoll.verdict.compare"
    assert verdict.Verdict is not claims.Verdict


def test_one_verb_one_meaning():
    """`purgetoll verdict` judges the accounts; `purgetoll mse compare` compares estimators and says so;
    `purgetoll compare` is the verdict's old name, marked deprecated."""
    from purgetoll.cli import app

    runner = CliRunner()
    assert "compares MSE estimators" in runner.invoke(app, ["verdict", "--help"]).stdout
    assert "Compare the estimators" in runner.invoke(app, ["mse", "compare", "--help"]).stdout
    assert "Deprecated: the old name of `purgetoll verdict`" in runner.invoke(app, ["--help"]).stdout


def test_fail_takes_a_list_and_an_exit_status():
    app = typer.Typer()

    @app.command()
    def broken(failed: bool = False, code: int | None = None) -> None:
        fail(["one problem", ValueError("another"), *([OSError("a disk")] if failed else [])], code=code)

    result = CliRunner().invoke(app, [])
    assert result.exit_code == BAD_INPUT == 2
    assert result.stderr == "error: one problem\nerror: another\n"
    assert CliRunner().invoke(app, ["--failed"]).exit_code == FAILED == 1  # a failure among bad input: 1
    assert CliRunner().invoke(app, ["--code", "1"]).exit_code == 1  # what the rule cannot see, said by code


@pytest.mark.parametrize(("error", "status"), [
    ("a message", BAD_INPUT),
    (DataError("lists.csv", "bad count", line=3), BAD_INPUT),
    (ScenarioError("mine.toml", ["a problem"]), BAD_INPUT),
    (LimitError("20 lists exceeds the limit"), BAD_INPUT),
    (RunExistsError("runs/a", "already holds a finished run"), BAD_INPUT),
    (ForeignContentError("runs/a", "holds files no run wrote"), BAD_INPUT),
    (TypeError("wrong type"), BAD_INPUT),
    (OutputError("runs/a", "no space left on the device (ENOSPC)", 28), FAILED),
    (FolderInUseError("runs/a", "in use by another purgetoll process"), FAILED),
    (DamagedError("runs/a/alive.npy", "truncated"), FAILED),
    (NotEstimableError("the estimate of N does not exist"), FAILED),
    (ConvergenceError("did not converge"), FAILED),
    (RuntimeError("the cluster could not start"), FAILED),
    (OSError("I/O error"), FAILED),
])  # fmt: skip
def test_the_exit_status_rule(error, status):
    """2 for what was given (bad input, a refused limit, an output folder holding a run or others' files);
    1 for what could not be done (a write, a folder in use, damage, no estimate, no convergence)."""
    assert exit_status(error) == status

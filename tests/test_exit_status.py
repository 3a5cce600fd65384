"""One exit-status rule for every command (purgetoll.terminal): 2 for what was given (bad input, a refused
limit, as click exits on a usage error), 1 for what could not be done (tests/test_names.py tries the rule
on every error class; the faults' tests give the 1s: a full disk, a damaged run, a folder in use).

Every verb is run here with one bad input that reaches purgetoll's own checks (or, for a verb that takes
no input, an option it does not have): exit status 2, the message on stderr, nothing on stdout.
"""

from __future__ import annotations

import click
import pytest
import typer.main
from typer.testing import CliRunner

from purgetoll.cli import app
from purgetoll.terminal import BAD_INPUT

RUNNER = CliRunner()
BAD_CSV = "A,B,count\n0,1,5\n1,0,-3\n"
CSV_ERROR = "error: lists.csv, line 3: column 'count' must be a non-negative integer; got -3\n"
NO_OPTION = "No such option: --bogus"

#: verb -> (arguments, what stderr holds: its first line, or a part of click's usage message)
CASES: dict[str, tuple[list[str], str]] = {
    "version": (["--bogus"], NO_OPTION),
    "run": (["--name", "../escape", "--out", "out"], "error: run name '../escape' must be 1-100 letters"),
    "report": (["empty"], "error: empty: not a run of `purgetoll run` (no manifest.json)"),
    "claims": (["--file", "latin.toml"], "error: latin.toml: 1 problem"),
    "verdict": (["no_terror", "--census", "census.csv"], "error: census.csv, row 1 (line 2): column sex: expected "
                                                         "male, female or both; got 'men'"),
    "compare": (["no_terror", "--seeds", "0"], "warning: `purgetoll compare` is deprecated"),
    "verify": (["empty"], "error: empty: no run here, finished or unfinished"),
    "data list": (["--bogus"], NO_OPTION),
    "data show": (["census_1940"], "error: census_1940: no such table in the catalog"),
    "data check": (["--table", "census_1940"], "error: census_1940: no such table in the catalog"),
    "sim plan": (["--bogus"], NO_OPTION),
    "sim run": (["--scale", "1.5", "--out", "run"], "error: sim settings: 1 problem"),
    "mse estimate": (["lists.csv"], CSV_ERROR.rstrip("\n")),
    "mse compare": (["lists.csv"], CSV_ERROR.rstrip("\n")),
    "mse rank": (["lists.csv"], CSV_ERROR.rstrip("\n")),
    "mse methods": (["--bogus"], NO_OPTION),
    "demog project": (["--base", "census:1960", "--to", "1970-01-15"], "error: population: expected census:YEAR"),
    "demog survival": (["--cohorts", "1890x"], "error: cohorts: expected FIRST-LAST birth years"),
    "demog deficit": (["--width", "0"], "error: cohorts: cohort width must be a whole number of years"),
    "demog births": (["--first", "1900"], "error: births_series: years must satisfy 1927 <= first"),
    "demog heaping": (["--census", "1940"], "error: census: year 1940 is not a bundled census"),
    "calibrate run": (["--out", "cal", "--scale", "0.05"], "error: calibration of 13,000 simulations at scale 0.05: "
                                                           "0.05 agents per person exceeds the limit calibrate_scale"),
    "calibrate show": (["empty"], "error: empty: not a calibration folder: no manifest.json"),
}


def _verbs() -> set[str]:
    root = typer.main.get_command(app)
    ctx = click.Context(root)
    out = set()

    def walk(cmd: click.Command, path: list[str]) -> None:
        if hasattr(cmd, "list_commands"):  # a group (typer's own is not always click's Group)
            for name in cmd.list_commands(ctx):
                sub = cmd.get_command(ctx, name)
                if sub is not None:
                    walk(sub, [*path, name])
        else:
            out.add(" ".join(path))

    walk(root, [])
    return out


def test_every_verb_has_a_case():
    """A new verb fails here until it has its bad input below."""
    assert _verbs() == set(CASES)


@pytest.mark.parametrize("verb", sorted(CASES))
def test_every_verb_exits_2_on_bad_input(verb, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    (tmp_path / "lists.csv").write_text(BAD_CSV, encoding="utf-8")
    (tmp_path / "latin.toml").write_bytes("[claim]\nquote = 'caf\xe9'\n".encode("latin-1"))
    (tmp_path / "census.csv").write_text("date,sex,age,age_end,age_group,count\n1939-01-17,men,0,,0+,5\n",
                                         encoding="utf-8")
    args, stderr = CASES[verb]
    res = RUNNER.invoke(app, [*verb.split(), *args])
    assert isinstance(res.exception, SystemExit), repr(res.exception)
    assert res.exit_code == BAD_INPUT == 2, (res.exit_code, res.stderr)
    assert res.stdout == ""
    if stderr == NO_OPTION:
        assert NO_OPTION in res.stderr
    else:
        assert res.stderr.startswith(stderr) and "error: " in res.stderr, res.stderr
        assert "Traceback" not in res.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["census.csv", "empty", "latin.toml", "lists.csv"]

"""`purgetoll run` from the command line (typer's CliRunner), into tmp_path."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

import purgetoll.report.run as run_module
from purgetoll.cli import app
from tests.report.conftest import failing_section, tiny_section

runner = CliRunner()


@pytest.fixture
def tiny_report(monkeypatch):
    """Make `purgetoll run` build the tiny test section instead of the real ones."""
    monkeypatch.setattr(run_module, "section_builders", lambda: [("tiny", tiny_section)])


def test_run_prints_the_report_path(tmp_path, tiny_report):
    result = runner.invoke(app, ["run", "--name", "cli", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    path = tmp_path / "cli" / "report.html"
    assert result.stdout == f"{path}\n"
    assert path.read_text().startswith("<!DOCTYPE html>")


def test_run_default_out_is_runs_in_the_working_directory(tmp_path, tiny_report, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["run", "--name", "here"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "runs/here/report.html\n"
    assert (tmp_path / "runs" / "here" / "tiny_pyramid.csv").is_file()


def test_plain_reruns_make_new_runs(tmp_path, tiny_report):
    for _ in range(2):
        assert runner.invoke(app, ["run", "--out", str(tmp_path)]).exit_code == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert len(names) == 2
    assert all(re.fullmatch(r"\d{8}T\d{6}Z(-\d+)?", n) for n in names), names


def test_rerun_without_force_exits_2_and_keeps_files(tmp_path, tiny_report):
    assert runner.invoke(app, ["run", "--name", "a", "--out", str(tmp_path)]).exit_code == 0
    before = {p.name: p.read_bytes() for p in (tmp_path / "a").iterdir()}
    result = runner.invoke(app, ["run", "--name", "a", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {tmp_path / 'a'}: already holds a finished run; pass --force to replace it (only "
        "once the new one is complete)\n"
    )
    assert {p.name: p.read_bytes() for p in (tmp_path / "a").iterdir()} == before
    forced = runner.invoke(app, ["run", "--name", "a", "--out", str(tmp_path), "--force"])
    assert forced.exit_code == 0, forced.output
    assert "--force" in (tmp_path / "a" / "manifest.json").read_text()


def test_failing_section_exits_1_and_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(
        run_module, "section_builders", lambda: [("tiny", tiny_section), ("broken", failing_section)]
    )
    result = runner.invoke(app, ["run", "--name", "b", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr == (
        "error: section 'broken' failed: ZeroDivisionError: the census ran out of people\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_bad_name_exits_2(tmp_path, tiny_report):
    result = runner.invoke(app, ["run", "--name", "../escape", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "run name '../escape' must be 1-100 letters" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_help_explains_the_verb():
    result = runner.invoke(app, ["run", "--help"])
    assert result.exit_code == 0
    assert "--force" in result.stdout and "--name" in result.stdout and "--out" in result.stdout
    assert "self-contained" in result.stdout


def test_out_inside_a_file_exits_1_naming_the_folder(tmp_path, tiny_report):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("not a folder")
    out = blocker / "runs"
    result = runner.invoke(app, ["run", "--name", "x", "--out", str(out)])
    assert result.exit_code == 1
    assert result.stderr == (f"error: {out}: cannot create the folder: a part of the path is a file, "
                             "not a folder (ENOTDIR)\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_out_that_is_a_file_is_refused_by_the_option(tmp_path, tiny_report):
    blocker = tmp_path / "runs"
    blocker.write_text("a file, not a folder")
    result = runner.invoke(app, ["run", "--name", "x", "--out", str(blocker)])
    assert result.exit_code == 2
    assert "Invalid value for '--out'" in result.stderr
    assert blocker.read_text() == "a file, not a folder"

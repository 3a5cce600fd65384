"""Issue 10, demography: every option of every ``purgetoll demog`` verb gives a result or a clear error.

``--to 9999-01-01``, ``--width 0`` and ``--width 1000`` gave tracebacks; ``--draws 100000000`` ran out
of memory with a traceback; ``--draws 1`` printed a zero-width "95% interval"; the births and fertility
files were read by pandas (rows counted from 0, a directory "could not read ... [Errno 21]").
"""

from __future__ import annotations

import io

import pandas as pd
import pytest
from typer.testing import CliRunner

from purgetoll.cli import app

runner = CliRunner()


def demog(*args: str):
    return runner.invoke(app, ["demog", *args, "--format", "csv"])


def error(*args: str) -> str:
    res = demog(*args)
    assert res.exit_code == 2, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
    return res.stderr.strip()


def test_a_date_far_in_the_future_is_refused_by_the_horizon_limit():
    assert error("project", "--base", "census:1959", "--to", "9999-01-01") == (
        "error: projection from 1959-01-15 to 9999-01-01: 8,040.0 years exceeds the limit demog_years = 200 (years a "
        "projection runs (--to minus the base date); the engine steps a year at a time; the bundled life tables "
        "end in 1958-59 and are held constant after, and without births the base population is gone within about "
        "100 years). Project to an earlier date, or raise the limit with --limit demog_years=8040 (Python: "
        "limits={'demog_years': 8040})")
    assert error("project", "--base", "census:1959", "--to", "9999-12-31").startswith(
        "error: projection from 1959-01-15 to 9999-12-31: 8,041.0 years exceeds")


@pytest.mark.parametrize("width", ["0", "-3", "101", "1000"])
def test_cohort_widths_outside_1_to_100_years(width):
    assert error("deficit", "--width", width) == (
        f"error: cohorts: cohort width must be a whole number of years in 1..100 (the ages tracked, 0 to 100+, span "
        f"101 birth years); got {width}")


def test_the_widest_width_gives_one_group_per_sex():
    res = demog("deficit", "--width", "100", "--draws", "200")
    assert res.exit_code == 0, res.output
    df = pd.read_csv(io.StringIO(res.stdout))
    assert len(df) == 2 and (df["deficit_lower_95"] <= df["deficit_upper_95"]).all()


def test_one_draw_gives_no_interval_and_says_so():
    res = demog("survival", "--draws", "1")
    assert res.exit_code == 0
    df = pd.read_csv(io.StringIO(res.stdout))
    assert df["survival_lower_95"].isna().all() and df["survival_upper_95"].isna().all()
    assert df["survival"].notna().all()
    assert "# no interval: 1 Monte Carlo draw, seed 0 (a 95% interval needs at least 200)" in res.stderr
    res = demog("deficit", "--draws", "199")
    df = pd.read_csv(io.StringIO(res.stdout))
    assert df["deficit_lower_95"].isna().all()
    assert "# no interval: 199 Monte Carlo draws, seed 0 (a 95% interval needs at least 200)" in res.stderr
    res = demog("survival", "--draws", "200")
    df = pd.read_csv(io.StringIO(res.stdout))
    assert (df["survival_lower_95"] < df["survival_upper_95"]).all()
    assert "# interval: equal-tailed 95% of 200 Monte Carlo draws, seed 0" in res.stderr


def test_a_hundred_million_draws_are_refused_before_any_is_drawn():
    assert error("survival", "--draws", "100000000") == (
        "error: cohort survival adh:1939 -> census:1959: 100,000,000 draws exceeds the limit demog_draws = 100,000 "
        "(Monte Carlo draws of the census analysis (--draws); the default is 1,000; memory grows with the draws "
        "(about 20 kB a draw for a deficit)). Use fewer draws, or raise the limit with --limit "
        "demog_draws=100000000 (Python: limits={'demog_draws': 100000000})")
    assert error("deficit", "--draws", "200000").startswith("error: deficit adh:1939 -> census:1959: 200,000 draws")
    assert error("survival", "--draws", "0") == "error: montecarlo: draws must be a whole number >= 1; got 0"
    assert error("survival", "--draws", "5", "--limit", "demog_draws") == (
        "error: --limit 'demog_draws': expected NAME=VALUE with NAME one of " + ", ".join(
            __import__("purgetoll.limits", fromlist=["LIMITS"]).LIMITS) + "")


def test_births_and_fertility_files_name_the_file_and_line(tmp_path):
    births = tmp_path / "births.csv"
    births.write_text("year,sex,count\n1959,male,100\n1959,female,x\n")
    base = ["project", "--base", "census:1959", "--to", "1961-01-15"]
    assert error(*base, "--births", str(births)) == (
        f"error: {births}, line 3: count must be a number of persons >= 0; got 'x'")
    births.write_text("year,sex,count\n1959,male,100\n1960,men,5\n")
    assert error(*base, "--births", str(births)) == f"error: {births}, line 3: sex must be male or female; got 'men'"
    births.write_text("year,sex,count\n1959,male,100\n1959,male,5\n")
    assert error(*base, "--births", str(births)) == (
        f"error: {births}, line 3: year 1959, male given twice (first on line 2); give each year and sex once")
    births.write_text("year,sex\n1959,male\n")
    assert error(*base, "--births", str(births)) == (
        f"error: {births}, line 1: missing column(s) count; a births CSV has columns year, sex, count (found year, sex)")
    assert error(*base, "--births", str(tmp_path)) == f"error: {tmp_path}: is a directory, not a file"
    assert error(*base, "--asfr", str(tmp_path / "none.csv")) == f"error: {tmp_path / 'none.csv'}: file not found"
    asfr = tmp_path / "asfr.csv"
    asfr.write_bytes(b"age,births_per_woman\n20,0.1\n\xff\n")
    assert error(*base, "--asfr", str(asfr)) == (
        f"error: {asfr}: not UTF-8 text: byte 0xff at byte offset 28 (line 3); save the file as UTF-8")
    asfr.write_text("age,births_per_woman\n20,0.1\n20,0.2\n")
    assert error(*base, "--asfr", str(asfr)) == f"error: {asfr}, line 3: age 20 given twice (first on line 2)"
    asfr.write_text("age,births_per_woman\n20,0.1\n")
    births.write_text("year,sex,count\n1959,male,100\n")
    assert error(*base, "--asfr", str(asfr), "--births", str(births)) == (
        "error: project: give --births or --asfr, not both (each says how many are born)")


def test_a_births_file_drives_the_projection(tmp_path):
    births = tmp_path / "births.csv"
    births.write_text("year,sex,count\n1959,male,1000000\n1959,female,950000\n1960,male,1000000\n1960,female,950000\n")
    res = demog("project", "--base", "census:1959", "--to", "1961-01-15", "--births", str(births),
                "--life-table", "1958-1959")
    assert res.exit_code == 0, res.output
    df = pd.read_csv(io.StringIO(res.stdout))
    young = df[df["age"] <= 1].groupby("sex")["count"].sum()
    assert 1.85e6 < young["male"] < 2.0e6 and young["female"] < young["male"]

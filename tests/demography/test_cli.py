"""``purgetoll demog``: the stable machine-readable commands of issue 3."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from purgetoll.cli import app
from purgetoll.demography import population, project

runner = CliRunner()


def _csv(*args: str) -> tuple[pd.DataFrame, str]:
    """Run ``purgetoll demog ARGS --format csv``, which must succeed: the table and stderr."""
    res = runner.invoke(app, ["demog", *args, "--format", "csv"])
    assert res.exit_code == 0, res.output
    return pd.read_csv(io.StringIO(res.stdout)), res.stderr


def test_project_1959_to_1970_csv():
    df, _ = _csv("project", "--base", "census:1959", "--to", "1970-01-15", "--life-table", "1958-1959")
    assert list(df.columns) == ["sex", "age", "count"]
    assert len(df) == 202
    assert df["count"].dtype == np.int64
    # no births given: ages 0-10 are empty in 1970; the rest equals the Python projection
    assert (df.loc[df["age"] <= 10, "count"] == 0).all()
    date, arr, _ = population("census:1959")
    r = project(arr, date, "1970-01-15", mortality="1958-1959").to_frame()
    assert np.array_equal(df["count"].to_numpy(), np.rint(r["count"].to_numpy()).astype(np.int64))
    # 1959 cohort aged 20 (born 1938) is aged 31 in 1970, fewer by the 1958-59 mortality only
    m20 = arr[0, 20]
    m31 = df[(df.sex == "male") & (df.age == 31)]["count"].item()
    assert 0.97 * m20 < m31 < m20


def test_survival_csv_and_assumptions_on_stderr():
    df, stderr = _csv("survival", "--from", "census:1939", "--to", "census:1959", "--cohorts", "1890-1926", "--draws", "50")
    assert df["sex"].tolist() == ["male", "female"]
    assert abs(df["survival"].iloc[0] - 0.53) < 0.015 and abs(df["survival"].iloc[1] - 0.82) < 0.015
    assert "padding" in stderr and "territory" in stderr


def test_deficit_and_errors():
    df, _ = _csv("deficit", "--from", "adh:1939", "--to", "census:1959", "--draws", "20")
    assert {"expected", "observed", "deficit", "deficit_lower_95", "deficit_upper_95"} <= set(df.columns)
    bad = runner.invoke(app, ["demog", "survival", "--cohorts", "1890x", "--format", "csv"])
    assert bad.exit_code == 2
    assert bad.stderr.strip() == "error: cohorts: expected FIRST-LAST birth years such as 1890-1926; got '1890x'"
    bad = runner.invoke(app, ["demog", "project", "--base", "census:1960", "--to", "1970-01-15"])
    assert bad.exit_code == 2
    assert "got 'census:1960'" in bad.stderr


def test_project_with_fertility(tmp_path):
    """With --asfr, births after the base appear at age 0-; without, those ages stay empty."""
    rates = tmp_path / "asfr.csv"
    rates.write_text("age,births_per_woman\n" + "".join(f"{a},0.1\n" for a in range(20, 35)))
    df, _ = _csv("project", "--base", "census:1959", "--to", "1961-01-15", "--life-table", "1958-1959", "--asfr", str(rates))
    young = df[df["age"] <= 1].groupby("sex")["count"].sum()
    # 1.05 boys per girl at birth, fewer surviving (1958-59 infant mortality is higher for boys)
    assert 1.03 < young["male"] / young["female"] < 1.05
    assert young.sum() > 1e6
    rates.write_text("age,births_per_woman\n20,1.5\n")
    bad = runner.invoke(app, ["demog", "project", "--base", "census:1959", "--to", "1961-01-15", "--asfr", str(rates)])
    assert bad.exit_code == 2
    assert bad.stderr.strip() == f"error: {rates}, line 2: births_per_woman must be in [0, 1] per year; got 1.5"

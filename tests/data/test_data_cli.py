"""`purgetoll data list / show / check` through the real command (typer's CliRunner)."""

from __future__ import annotations

import io
import json

import pandas as pd
from typer.testing import CliRunner

import purgetoll.data
from purgetoll.cli import app
from purgetoll.data import catalog, load

runner = CliRunner()


def test_list_shows_every_table():
    result = runner.invoke(app, ["data", "list"])
    assert result.exit_code == 0, result.output
    for name in catalog()["name"]:
        assert name in result.output


def test_show_table_prints_rows_and_the_citation():
    result = runner.invoke(app, ["data", "show", "sex_ratio_yearbook"])
    assert result.exit_code == 0, result.output
    assert "753" in result.output and "623" in result.output
    assert "Source: ЦСУ СССР, 'Народное хозяйство СССР 1922-1972" in result.output
    assert "Unit: men per 1000 women" in result.output


def test_show_csv_round_trips_and_cites_on_stderr():
    result = runner.invoke(app, ["data", "show", "census_1959_5y", "--format", "csv"])
    assert result.exit_code == 0
    df = pd.read_csv(io.StringIO(result.stdout))
    expected = load("census_1959_5y")
    assert df["count"].tolist() == expected["count"].tolist()
    assert df.loc[df["age_group"] == "total", "count"].tolist() == [94_050_303, 114_776_347, 208_826_650]
    assert result.stderr.startswith("Source: ВПН 1959")


def test_show_json_embeds_the_citation():
    result = runner.invoke(app, ["data", "show", "life_tables", "-f", "json"])
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["table"] == "life_tables"
    assert doc["source"].startswith("Госкомстат СССР")
    assert "UNDERSTATE MORTALITY" in doc["caveats"]
    assert len(doc["rows"]) == 909
    first = doc["rows"][0]
    assert first["period"] == "1926-1927" and first["ex"] == 41.93 and first["lx"] == 100000


def test_show_json_writes_missing_values_as_null():
    doc = json.loads(runner.invoke(app, ["data", "show", "census_1926_5y", "-f", "json"]).stdout)
    total = [r for r in doc["rows"] if r["age_group"] == "total"][0]
    assert total["age"] is None and total["age_end"] is None and total["count"] == 71_043_352


def test_show_unknown_table_exits_2_and_lists_valid_names():
    result = runner.invoke(app, ["data", "show", "census_1940"])
    assert result.exit_code == 2
    valid = ", ".join(sorted(catalog()["name"]))
    assert result.stderr.strip() == f"error: census_1940: no such table in the catalog (valid names: {valid})"


def test_show_bad_format_is_refused():
    result = runner.invoke(app, ["data", "show", "life_tables", "--format", "xlsx"])
    assert result.exit_code == 2
    assert "xlsx" in result.output


def test_check_passes_on_the_bundled_data():
    result = runner.invoke(app, ["data", "check"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"all {len(catalog())} table(s) pass"


def test_check_one_table():
    result = runner.invoke(app, ["data", "check", "--table", "census_1959_single"])
    assert result.exit_code == 0
    assert result.stdout.strip() == "all 1 table(s) pass"


def test_check_unknown_table_exits_2():
    result = runner.invoke(app, ["data", "check", "-t", "nope"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: nope: no such table in the catalog (valid names: ")


def test_check_exits_1_naming_table_row_and_expectation(monkeypatch):
    """The command reads the table through `purgetoll.data.load`; hand it a damaged copy."""

    def damaged(name: str) -> pd.DataFrame:
        df = load(name)
        hit = (df["sex"] == "male") & (df["age_group"] == "30-39") & (df["date"] == "1959-01-15")
        df.loc[hit, "count"] = -1
        return df

    monkeypatch.setattr(purgetoll.data, "load", damaged)
    result = runner.invoke(app, ["data", "check", "--table", "census_10y"])
    assert result.exit_code == 1
    assert result.stdout.strip() == (
        "census_10y, row date=1959-01-15, sex=male, age_group=30-39: count = -1 is negative "
        "(expected a count >= 0)"
    )
    assert result.stderr.strip() == "error: 1 problem(s) in 1 table(s) checked"


def test_help_explains_the_verbs():
    result = runner.invoke(app, ["data", "--help"])
    assert result.exit_code == 0
    for verb in ("list", "show", "check"):
        assert verb in result.output

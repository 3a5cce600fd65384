"""``purgetoll claims``: the JSON, CSV and table outputs, and errors on a damaged file."""

from __future__ import annotations

import io
import json

import pandas as pd
from typer.testing import CliRunner

from purgetoll.claims import COLUMNS, ClaimVerdict, load_claims
from purgetoll.cli import app

runner = CliRunner()


def test_json_lists_every_claim_with_figure_verdict_and_citation():
    res = runner.invoke(app, ["claims", "--format", "json"])
    assert res.exit_code == 0, res.output
    items = json.loads(res.stdout)
    assert [i["id"] for i in items] == [c.id for c in load_claims()]
    verdicts = {str(v) for v in ClaimVerdict}
    for item in items:
        assert item["figure"]["kind"] in {"count", "range", "share", "fraction", "ratio", "split"}
        assert item["figure"]["as_written"] and item["figure"]["text"]
        assert item["verdict"] in verdicts
        assert item["citation"], item["id"]
        assert item["explanation"], item["id"]
        assert item["check"]["how"].startswith(item["check"]["method"] + "("), item["id"]
        checked = item["verdict"] not in (ClaimVerdict.NO_DATA, ClaimVerdict.NOT_LOADED)
        assert (item["data"] is not None) == checked, item["id"]
        if checked:
            assert item["data"]["citation"] and item["data"]["table"]
            assert item["data_value"] is not None


def test_json_split_is_structured():
    res = runner.invoke(app, ["claims", "-f", "json", "-s", "The gendercide"])
    items = {i["id"]: i for i in json.loads(res.stdout)}
    fig = items["census1959_permille_60_69"]["figure"]
    assert fig == {
        "women": 691,
        "men": 349,
        "per": 1000,
        "year": 1959,
        "age": 60,
        "age_end": 69,
        "order": "men:women",
        "as_written": "349 to 691",
        "kind": "split",
        "text": "men:women 349:691 per 1000, ages 60-69, 1959 census",
    }
    assert items["census1959_permille_60_69"]["verdict"] == "internally inconsistent"
    assert items["census1959_permille_70_plus"]["figure"]["age_end"] is None


def test_csv_has_the_documented_columns():
    res = runner.invoke(app, ["claims", "--format", "csv", "--section", "How many died?"])
    assert res.exit_code == 0, res.output
    df = pd.read_csv(io.StringIO(res.stdout))
    assert tuple(df.columns) == COLUMNS
    assert set(df["section"]) == {"How many died?"}
    assert len(df) == 10


def test_table_format_prints_verdicts():
    res = runner.invoke(app, ["claims", "-s", "The gendercide"])
    assert res.exit_code == 0, res.output
    assert "census1959_permille_35_39" in res.stdout
    assert "internally inconsistent" in res.stdout


def test_bad_section_exits_2_naming_the_choices():
    res = runner.invoke(app, ["claims", "--section", "Aftermath"])
    assert res.exit_code == 2
    assert "error: --section must be one of 'Summary', 'The background'" in res.stderr
    assert "got 'Aftermath'" in res.stderr


def test_damaged_file_exits_2_naming_claim_and_key(tmp_path, claims_text):
    path = tmp_path / "claims.toml"
    path.write_text(claims_text.replace("per = 1000,", "per = 999,", 1), encoding="utf-8")
    res = runner.invoke(app, ["claims", "--file", str(path), "-f", "json"])
    assert res.exit_code == 2
    assert res.stderr == (
        f"error: {path}: 1 problem\n"
        "  - [claim census1959_permille_35_39] figure.per must be one of 100, 1000; got 999\n"
    )
    assert res.stdout == ""

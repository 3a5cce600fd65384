"""``purgetoll mse estimate`` and ``purgetoll mse compare``."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from typer.testing import CliRunner

from purgetoll.cli import app

RUNNER = CliRunner()


def _csv(name: str) -> str:
    return str(resources.files("purgetoll.mse.datasets").joinpath(f"{name}.csv"))


def _run(*args: str):
    return RUNNER.invoke(app, ["mse", *args])


def _json(*args: str):
    """The parsed JSON output of a ``purgetoll mse`` command that must succeed."""
    res = _run(*args)
    assert res.exit_code == 0, res.output
    return json.loads(res.output)


@pytest.mark.parametrize(
    ("method", "estimate", "model"),
    [
        # Rcapture 1.4-4 closedp.t (reference_outputs_computed.csv)
        ("loglinear:M0", 860.3, "M0"),
        ("loglinear:Mt", 763.9, "Mt"),
        ("loglinear:Mth-Chao", 763.9, "Mth Chao"),
        ("loglinear:Mth-Poisson2", 674.7, "Mth Poisson2"),
        ("loglinear:Mth-Darroch", 649.1, "Mth Darroch"),
        ("bic", 674.7, "Mth Poisson2"),
    ],
)
def test_estimate_json(method, estimate, model):
    out = _json(
        "estimate", _csv("spina_bifida_madigan_york1997"), "--method", method, "--format", "json"
    )
    assert out["observed"] == 626
    assert out["estimate"] == pytest.approx(estimate, abs=0.05)
    assert out["lower"] <= out["estimate"] <= out["upper"]
    assert out["model"] == model
    assert isinstance(out["diagnostics"], dict)


def test_estimate_interactions_by_position():
    out = _json("estimate", _csv("rcapture_HIV"), "--method", "loglinear:Mt+1:2+2:3")
    assert out["model"] == "Mt + [c1:c2, c2:c3]"


def test_estimate_stepwise_new_orleans_and_strata():
    out = _json(
        "estimate",
        _csv("sparsemse_UKdat_5"),
        "--method",
        "stepwise",
        "--seed",
        "1",
        "--n-boot",
        "100",
    )
    assert round(out["estimate"]) == 11313  # Silverman 2014
    assert out["diagnostics"]["n_boot"] == 100
    assert out["diagnostics"]["selected"] == [
        "LA:NG",
        "NG:GP",
        "PFNCA:GP",
        "LA:PFNCA",
        "GO:GP",
        "NG:GO",
    ]
    out = _json(
        "estimate",
        _csv("conting_ScotPWID_stratified"),
        "--method",
        "loglinear:Mt",
        "--strata",
        "Region,Gender,Age",
    )
    assert out["observed"] == 5670
    assert len(out["strata"]) == 8
    assert sum(r["estimate"] for r in out["by"]["Gender"]) == pytest.approx(out["estimate"])


def test_compare_table():
    res = _run(
        "compare",
        _csv("mse_Korea_comfort_women_palembang"),
        "--methods",
        "loglinear:M0,loglinear:Mt,bic,stepwise",
        "--n-boot",
        "50",
    )
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert lines[0].endswith("123 observed on 3 lists")
    assert any(line.startswith("loglinear:M0") and "142.6" in line for line in lines)
    assert any(line.startswith("stepwise") and "268.8" in line for line in lines)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["estimate", "missing.csv"], "error: missing.csv: file not found"),
        (
            ["estimate", "{HIV}", "--method", "loglinear:Mq"],
            "error: The 'model' parameter of LogLinear is invalid for {HIV}: model 'Mq': unknown base 'Mq'",
        ),
        (
            ["estimate", "{HIV}", "--method", "magic"],
            "error: unknown method 'magic'; valid methods: ",
        ),
        (
            ["estimate", "{HIV}", "--format", "xml"],
            "error: --format must be json, table or csv; got 'xml'",
        ),
        (
            ["estimate", "{HIV}", "--strata", "sex"],
            "error: {HIV}: stratum column(s) sex not found; columns are c1, c2, c3, c4, count",
        ),
    ],
)
def test_bad_input(args, message):
    hiv = _csv("rcapture_HIV")
    args = [a.replace("{HIV}", hiv) for a in args]
    res = _run(*args)
    assert res.exit_code == 2
    assert res.output.startswith(message.replace("{HIV}", hiv))


def test_bad_csv_row(tmp_path):
    path = tmp_path / "lists.csv"
    path.write_text("A,B,C,count\n0,0,1,4\n0,1,0,3\n1,1,2,5\n")
    res = _run("estimate", str(path), "--method", "loglinear:Mt")
    assert res.exit_code == 2
    assert res.output == f"error: {path}, line 4: column 'C' must be 0 or 1; got 2\n"


def test_uninformative_lists_reported_and_dropped(tmp_path):
    path = tmp_path / "lists.csv"
    # D records nobody; E repeats A.
    rows = ["A,B,C,D,E,count"]
    for a in (0, 1):
        for b in (0, 1):
            for c in (0, 1):
                if a or b or c:
                    rows.append(f"{a},{b},{c},0,{a},{3 + a + 2 * b + 4 * c}")
    path.write_text("\n".join(rows) + "\n")
    out = _json(
        "estimate",
        str(path),
        "--method",
        "loglinear:Mt",
        "--format",
        "json",
        "--drop-uninformative",
    )
    assert out["uninformative_lists"] == ["D (empty)", "E (duplicate of A)"]
    assert out["uninformative_lists_dropped"] is True
    assert out["lists"] == ["A", "B", "C"]


def test_rank_command():
    res = _run("rank", _csv("rcapture_lesbian"), "--family", "rcapture", "--top", "3")
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert "10 models ranked by BIC" in lines[0]
    # Rcapture 1.4-4 closedp.t: the smallest BIC is Mth Darroch (6963.7)
    assert lines[2].split()[:2] == ["Mth", "Darroch"] and "6963.7" in lines[2]
    res = _run("rank", _csv("rcapture_lesbian"), "--max-order", "5")
    assert res.exit_code == 2
    assert res.output.startswith("error: max_order must be between 1 and 3")

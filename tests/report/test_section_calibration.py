"""The report's calibration section: a stored calibration shown with the command and date that made
it; none stored said so; the seed's mechanisms judged against the claims' own figures."""

from __future__ import annotations

import pandas as pd
import pytest

from purgetoll.calibrate.fit import Calibration
from purgetoll.calibrate.result import run_calibration
from purgetoll.calibrate.store import load_calibration, save_calibration
from purgetoll.calibrate.toy import ToyMachine, toy_statistics
from purgetoll.report.model import ReportError, RunContext
from purgetoll.report.render_png import render_png
from purgetoll.report.run import write_run
from purgetoll.report.sections import calibration as section


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    cal = Calibration(ToyMachine(), statistics=toy_statistics(3), scale=0.001, simulations=1000, population_size=200,
                      seed=5, noise_replicates=4)
    result = run_calibration(cal, predictive_draws=200, scale_draws=10)
    return save_calibration(result, tmp_path_factory.mktemp("c") / "calibration",
                            command=["purgetoll", "calibrate", "run", "--seed", "5"])


def ctx(results=None) -> RunContext:
    return RunContext("t", "purgetoll run", "2026-01-01T00:00:00Z", "0", ("calibration",), results or {})


def test_a_stored_calibration_is_shown_with_its_command_and_date(stored):
    s = section.build(ctx({"calibration": load_calibration(stored)}))
    assert "purgetoll calibrate run --seed 5" in s.intro
    assert "made on 20" in s.intro and "Held out of the fit" in s.intro
    assert [f.name for f in s.figures] == ["calibration_parameters", "calibration_generations",
                                           "calibration_predictive_check", "calibration_toll"]
    for f in s.figures:
        assert render_png(f)[:4] == b"\x89PNG"
    names = {t.name for t in s.tables}
    assert {"calibration_parameters_table", "calibration_check_table", "calibration_claims_table"} <= names


def test_the_run_finds_it_beside_the_runs_copies_it_and_renders_it_again(stored, tmp_path):
    """`purgetoll run` takes OUT/calibration, copies it (checked) into the run's results, and `purgetoll
    report RUN_DIR` renders it again from there, byte for byte, without the original."""
    import shutil

    from purgetoll.report.run import rerender_run
    from purgetoll.results import ResultCache

    out = tmp_path / "runs"
    shutil.copytree(stored, out / "calibration")
    page = write_run(out, "r", sections=[("calibration", section.build)], cache=ResultCache(None))
    run = page.parent
    assert (run / "results" / "calibration" / "manifest.json").is_file()
    first = (run / "calibration_parameters_table.csv").read_bytes()
    shutil.rmtree(out / "calibration")
    rerender_run(run, cache=ResultCache(None))
    assert (run / "calibration_parameters_table.csv").read_bytes() == first
    assert "purgetoll calibrate run --seed 5" in (run / "report.html").read_text(encoding="utf-8")


def test_none_stored_is_said_and_no_calibration_is_run():
    s = section.build(ctx())
    assert s.intro.startswith("No calibration is stored")
    assert "purgetoll calibrate run" in s.intro and not s.figures


def test_a_folder_that_is_not_a_calibration_is_refused(tmp_path):
    with pytest.raises(ReportError, match="not a stored calibration"):
        write_run(tmp_path / "runs", "r", calibration=tmp_path, sections=[])


def test_model_claims_judged_against_the_claims_figures():
    quantities = pd.DataFrame({
        "quantity": ["listed_share_urban_end_1938", "far_north_survival_10y_at_1938_rate",
                     "camp_deaths_first_3_months_share", "saturation_month_interrogators", "saturation_month_prisons"],
        "estimate": [0.02, 0.15, 0.3, 7.0, float("nan")], "lower_95": [0.01, 0.05, 0.2, 7.0, float("nan")],
        "upper_95": [0.03, 0.3, 0.4, 8.0, float("nan")]})
    parameters = pd.DataFrame({"parameter": ["gulag.arrival_hazard_multiplier"], "lower_95": [1.1],
                               "upper_95": [4.9], "prior_low": [1.0], "prior_high": [5.0]})
    out = section.model_claims(quantities, parameters).set_index("quantity")
    # "half the urban population" read as 45-55% (the claim's precision of 10 points)
    assert out.loc["listed_share_urban_end_1938", "claimed_low"] == pytest.approx(0.45)
    assert out.loc["listed_share_urban_end_1938", "verdict"] == "disagrees: the model is lower"
    # Kolyma "2 or 3 percent": 0.02-0.03
    assert out.loc["far_north_survival_10y_at_1938_rate", "verdict"] == "disagrees: the model is higher"
    assert out.loc["camp_deaths_first_3_months_share", "verdict"].startswith("disagrees: the model is lower; rests on")
    assert out.loc["saturation_month_interrogators", "verdict"] == "consistent"
    assert out.loc["saturation_month_prisons", "verdict"].startswith("no interval")

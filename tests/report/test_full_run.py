"""The real `purgetoll run`, every section, from the command line into tmp_path (the ``runs``
fixture of conftest.py, shared with the browser test)."""

from __future__ import annotations

import base64
import dataclasses
import importlib
import json
import os
import shutil
from html.parser import HTMLParser

import pandas as pd
import pytest
from typer.testing import CliRunner

from purgetoll.cli import app
from purgetoll.data import sex_ratio_yearbook
from purgetoll.report import preview_context
from purgetoll.report.render_png import render_png
from purgetoll.report.sections import SECTIONS
from purgetoll.results import load_result
from purgetoll.results.cache import ENV


def _manifest(run_dir):
    return json.loads((run_dir / "manifest.json").read_text())


def test_every_section_is_in_the_report(runs):
    m = _manifest(runs / "one")
    assert [s["module"] for s in m["sections"]] == list(SECTIONS)
    html = (runs / "one" / "report.html").read_text()
    for s in m["sections"]:
        assert f'id="sec-{s["module"]}"' in html


def test_every_figure_and_table_has_its_csv(runs):
    m = _manifest(runs / "one")
    items = [i for s in m["sections"] for i in (*s["figures"], *s["tables"])]
    assert len(items) >= 5
    written = {p.name for p in (runs / "one").iterdir()}
    assert {i["csv"] for i in items} | {"report.html", "manifest.json", "results"} == written
    html = (runs / "one" / "report.html").read_text()
    for i in items:
        assert f'<a href="{i["csv"]}">' in html
        assert len(pd.read_csv(runs / "one" / i["csv"])) > 0
    n_figures = sum(len(s["figures"]) for s in m["sections"])
    assert html.count('<img src="data:image/png;base64,') == n_figures


def test_report_1959_ratio_equals_the_yearbook_column_exactly(runs):
    """The report's 1959 men per 1000 women by 10-year group, as written in its CSV, equal the
    column of Narodnoe khoziaistvo SSSR 1922-1972 bundled as ``sex_ratio_yearbook``."""
    table = pd.read_csv(
        runs / "one" / "sex_ratio_10y_census_vs_yearbook.csv", keep_default_na=False
    )
    yb = sex_ratio_yearbook()
    printed = dict(
        zip(
            yb.loc[yb["date"] == "1959-01-15", "age_group"],
            yb.loc[yb["date"] == "1959-01-15", "males_per_1000_females"],
            strict=True,
        )
    )
    assert dict(zip(table["age_group"], table["census_1959"], strict=True)) == printed
    fig = pd.read_csv(runs / "one" / "sex_ratio_by_age_1939_1959.csv")
    census59 = fig[(fig["series"] == "census, 10-year groups") & (fig["year"] == 1959)]
    assert dict(zip(census59["age_group"], census59["men_per_1000_women"], strict=True)) == {
        k: v for k, v in printed.items() if k != "total"
    }


def test_reruns_give_byte_identical_csvs_and_figures(runs):
    one, two = runs / "one", runs / "two"
    csvs = sorted(p.name for p in one.glob("*.csv"))
    assert csvs == sorted(p.name for p in two.glob("*.csv"))
    for name in csvs:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
    m1, m2 = _manifest(one), _manifest(two)
    sums1 = {f["path"]: f["sha256"] for f in m1["files"] if f["path"].endswith(".csv")}
    sums2 = {f["path"]: f["sha256"] for f in m2["files"] if f["path"].endswith(".csv")}
    assert sums1 == sums2

    assert _images(one) == _images(two)


def _images(run):
    text = (run / "report.html").read_text()
    return [chunk.split('"', 1)[0] for chunk in text.split('src="data:image/png;base64,')[1:]]


class _Loads(HTMLParser):
    def __init__(self):
        super().__init__()
        self.loads = []

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if key in {"src", "href", "srcset", "data", "poster", "action"}:
                self.loads.append((tag, key, value))


def test_report_needs_no_network(runs):
    text = (runs / "one" / "report.html").read_text()
    parser = _Loads()
    parser.feed(text)
    files = {p.name for p in (runs / "one").iterdir()}
    for tag, key, value in parser.loads:
        assert not value.startswith(("http://", "https://", "//")), (tag, key, value)
        if tag == "img":
            assert value.startswith("data:image/png;base64,")
            assert base64.b64decode(value.split(",", 1)[1])[:4] == b"\x89PNG"
        elif not value.startswith("#"):
            assert value in files, (tag, key, value)
    for needle in ("<script", "<link", "@import", "url(", "<iframe"):
        assert needle not in text


def test_manifest_lists_the_data_tables_with_citations(runs):
    m = _manifest(runs / "one")
    tables = {t["table"]: t["citation"] for t in m["data_tables"]}
    assert {"census_1939_5y", "census_1959_5y", "census_10y", "sex_ratio_yearbook"} <= set(tables)
    assert tables["sex_ratio_yearbook"] == sex_ratio_yearbook().attrs["source"]
    assert m["command"] == f"purgetoll run --name one --out {runs}"
    assert set(m["versions"]) >= {"python", "numpy", "pandas", "matplotlib"}


@pytest.mark.parametrize("module", ["pyramids", "sex_ratio"])
def test_figures_redraw_from_their_csv_alone(runs, module):
    """The report's claim: each figure is drawn from its CSV only, so the CSV redraws it exactly."""
    section = importlib.import_module(f"purgetoll.report.sections.{module}").build(preview_context([module]))
    text = (runs / "one" / "report.html").read_text()
    for fig in section.figures:
        from_csv = pd.read_csv(runs / "one" / f"{fig.name}.csv")
        png = render_png(dataclasses.replace(fig, data=from_csv))
        embedded = text.split(f'<figure id="fig-{fig.name}">', 1)[1]
        embedded = embedded.split('src="data:image/png;base64,', 1)[1].split('"', 1)[0]
        assert base64.b64decode(embedded) == png, fig.name


def test_the_run_stores_the_results_it_renders(runs):
    """Each result the report shows is stored with the run (Parquet + manifest) and listed in the
    run's manifest with its settings and cache key; the verdict's tables are those of its CSVs."""
    m = _manifest(runs / "one")
    listed = m["results"]
    assert set(listed) == {"claims", "verdict", "deficit_1959", "cohort_survival_1939_1959",
                           "deficit_1937_1939_census", "deficit_1937_1939_adh"}
    assert listed["verdict"]["kind"] == "verdict" and listed["verdict"]["settings"]["scale"] == 0.001
    assert listed == _manifest(runs / "two")["results"]  # the same keys, computed afresh or not
    v = load_result(runs / "one" / "results" / "verdict")
    assert type(v).__name__ == "Verdict"
    assert (runs / "one" / "verdict_deficits.csv").read_text() == v.deficits.to_csv(index=False, lineterminator="\n")
    d = pd.read_parquet(runs / "one" / "results" / "deficit_1959" / "tables" / "deficit.parquet")
    assert (runs / "one" / "deficit_1959_by_cohort.csv").read_text() == d.to_csv(index=False, lineterminator="\n")


def test_a_second_run_reuses_every_stored_result_and_figure(runs, tmp_path):
    result = CliRunner().invoke(app, ["run", "--name", "three", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    m = _manifest(runs / "one")
    figures = sum(len(s["figures"]) for s in m["sections"])
    assert result.stderr.endswith(f"results: {len(m['results'])} reused, 0 computed; figures: {figures} reused, "
                                  f"0 drawn ({os.environ[ENV]})\n")
    for csv in (runs / "one").glob("*.csv"):
        assert (tmp_path / "three" / csv.name).read_bytes() == csv.read_bytes(), csv.name
    assert _images(tmp_path / "three") == _images(runs / "one")


def test_report_renders_a_run_again_to_the_byte_without_computing(runs, tmp_path, monkeypatch):
    run = tmp_path / "one"
    shutil.copytree(runs / "one", run)
    before = {p.name: p.read_bytes() for p in run.iterdir() if p.is_file()}
    monkeypatch.setattr("purgetoll.results.cache.ResultCache._ensure",
                        lambda self, need: pytest.fail(f"computed {need!r}"))
    result = CliRunner().invoke(app, ["report", str(run)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{run / 'report.html'}\n"
    after = {p.name: p.read_bytes() for p in run.iterdir() if p.is_file()}
    assert sorted(after) == sorted(before)
    for name in before:
        if name != "manifest.json":
            assert after[name] == before[name], name
    m = _manifest(run)
    assert m["rendered_again_by"] and m["command"] == _manifest(runs / "one")["command"]
    other = CliRunner().invoke(app, ["report", str(run), "--to", str(tmp_path / "elsewhere")])
    assert other.exit_code == 0, other.output
    assert (tmp_path / "elsewhere" / "report.html").read_bytes() == before["report.html"]


def test_report_refuses_a_run_whose_stored_results_are_damaged(runs, tmp_path):
    run = tmp_path / "one"
    shutil.copytree(runs / "one", run)
    table = run / "results" / "claims" / "tables" / "splits.parquet"
    table.write_bytes(table.read_bytes()[:-1])
    before = {p.name: p.read_bytes() for p in run.rglob("*") if p.is_file()}
    result = CliRunner().invoke(app, ["report", str(run)])
    assert result.exit_code == 1
    assert result.stderr == f"error: {table}: truncated: {table.stat().st_size:,} bytes where " \
                            f"{table.stat().st_size + 1:,} were written\n"
    assert {p.name: p.read_bytes() for p in run.rglob("*") if p.is_file()} == before

"""The extension API as documented in purgetoll.report.model: a section written the way later
parts will write theirs, run through write_run."""

from __future__ import annotations

import json

import pandas as pd

from purgetoll.report import Figure, RunContext, Section, Table, write_run


def _deficit() -> pd.DataFrame:
    df = pd.DataFrame({"age": [30, 40, 50], "deficit": [1.5, 4.25, 3.0]})
    df.attrs = {"table": None, "source": "A test estimate (fixture), not a published figure"}
    return df


def _draw(fig, data):
    ax = fig.add_subplot()
    ax.plot(data["age"], data["deficit"])


def build(ctx: RunContext) -> Section:
    df = _deficit()
    return Section(
        title="The deficit of men in 1959",
        intro="Plain text.\n\nA second paragraph.",
        figures=[Figure("deficit_1959", "Deficit by age", df, _draw, estimate=True)],
        tables=[Table("deficit_1959_table", "Deficit by 10-year group", df, estimate=True)],
    )


def test_documented_section_pattern_runs(tmp_path):
    path = write_run(tmp_path, "ext", sections=[("deficit", build)])
    text = path.read_text()
    assert text.count('<span class="estimate">Estimate</span>') == 2
    assert "A test estimate (fixture), not a published figure" in text
    assert pd.read_csv(path.parent / "deficit_1959.csv")["deficit"].tolist() == [1.5, 4.25, 3.0]
    m = json.loads((path.parent / "manifest.json").read_text())
    assert m["other_sources"] == [{"citation": "A test estimate (fixture), not a published figure"}]
    assert m["sections"][0]["figures"][0]["estimate"] is True

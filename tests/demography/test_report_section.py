"""The report section of the demography engine: built from the engine, with sources and estimates."""

from __future__ import annotations

import pytest

from purgetoll.report import preview_context
from purgetoll.report.sections import SECTIONS
from purgetoll.report.sections import demography as section


@pytest.fixture(scope="module")
def built():
    return section.build(preview_context(["demography"]))


def test_section_listed_and_built(built):
    assert "demography" in SECTIONS
    assert [f.name for f in built.figures] == ["deficit_1959_by_cohort", "survival_1937_1939"]
    assert all(f.estimate for f in built.figures) and all(t.estimate for t in built.tables)
    surv = next(t for t in built.tables if t.name == "cohort_survival_1939_1959").data.set_index("sex")
    for sex in ("male", "female"):
        assert 100 * surv.loc[sex, "survival"] == pytest.approx(surv.loc[sex, "published_percent"], abs=1.5)
    assert "Vishnevsky published 53% and 82%" in built.intro
    assert "Assumptions:" in built.intro and "padding" in built.intro


def test_figures_draw_from_their_data(built):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    deficit_fig, terror_fig = built.figures
    fig = Figure(figsize=deficit_fig.size_inches)
    deficit_fig.plot(fig, deficit_fig.data)
    assert len(fig.axes[0].patches) == len(deficit_fig.data)  # one bar per sex and cohort
    fig = Figure(figsize=terror_fig.size_inches)
    terror_fig.plot(fig, terror_fig.data)
    first = terror_fig.data["source"].iloc[0]
    assert len(fig.axes) == 2
    assert len(fig.axes[0].patches) == (terror_fig.data["source"] == first).sum()

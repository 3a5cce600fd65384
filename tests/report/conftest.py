"""Tiny sections that exercise the report framework without the bundled data, and the real run."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from purgetoll.cli import app
from purgetoll.report import Figure, RunContext, Section, Source, Table


@pytest.fixture(scope="session")
def runs(tmp_path_factory):
    """Two real `purgetoll run`s of the same data under different names (test_full_run.py,
    test_browser.py), made once: ``one`` with the session's results cache, ``two`` computing every
    result afresh (``--no-cache``), so the two can only agree if the computation is reproducible
    and the stored results render as the computed ones; about 30 s."""
    out = tmp_path_factory.mktemp("runs")
    for name, options in (("one", []), ("two", ["--no-cache"])):
        result = CliRunner().invoke(app, ["run", "--name", name, "--out", str(out), *options])
        assert result.exit_code == 0, result.output
        assert result.stdout == f"{out / name / 'report.html'}\n"
    return out


def tiny_frame() -> pd.DataFrame:
    df = pd.DataFrame(
        {
            "age_group": ["0-9", "10-19", "20-29"],
            "male": [10, 20, 5],
            "female": [12, 18, 9],
        }
    )
    df.attrs = {"table": "tiny_census", "source": "A tiny census (test fixture), p. 1", "unit": "persons"}
    return df


def bar_plot(fig, data: pd.DataFrame) -> None:
    ax = fig.add_subplot()
    ax.barh(data["age_group"], -data["male"], color="#3b6ea5", label="men")
    ax.barh(data["age_group"], data["female"], color="#c0504d", label="women")
    ax.set_xlabel("persons")
    ax.legend()


def tiny_section(ctx: RunContext) -> Section:
    df = tiny_frame()
    ratio = df.assign(men_per_1000_women=(1000 * df["male"] // df["female"]))
    return Section(
        title="Tiny <census> & friends",
        intro="First paragraph.\n\nSecond one.\n\n    purgetoll run --name x",
        figures=[Figure("tiny_pyramid", "A tiny pyramid", df, bar_plot, caption="Men left.")],
        tables=[
            Table(
                "tiny_ratio",
                "Men per 1000 women (estimate for the test)",
                ratio,
                sources=[Source.of(df), Source("Someone, A Book (1968), p. 2")],
                estimate=True,
                formats={"men_per_1000_women": "{:d}"},
            )
        ],
    )


def failing_section(ctx: RunContext) -> Section:
    raise ZeroDivisionError("the census ran out of people")


@pytest.fixture
def tiny_sections():
    return [("tiny", tiny_section)]

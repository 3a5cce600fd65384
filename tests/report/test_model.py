"""The section API refuses what the report cannot show, naming the figure/table and the problem."""

from __future__ import annotations

import pandas as pd
import pytest

from purgetoll.report import Figure, ReportError, Section, Source, Table
from purgetoll.report.registry import section_builders
from tests.report.conftest import bar_plot, tiny_frame


def test_source_of_reads_loader_attrs():
    assert Source.of(tiny_frame()) == Source("A tiny census (test fixture), p. 1", "tiny_census")


def test_source_of_frame_without_citation():
    df = pd.DataFrame({"x": [1]})
    df.attrs["table"] = "census_1959_5y"
    with pytest.raises(ReportError) as err:
        Source.of(df)
    assert str(err.value) == (
        "DataFrame 'census_1959_5y' has no attrs['source'] citation; "
        "every number in the report must name its source"
    )


@pytest.mark.parametrize("citation", ["", "   ", None])
def test_source_needs_a_citation(citation):
    with pytest.raises(ReportError, match=r"^a Source needs a non-empty citation; got "):
        Source(citation)


def test_figure_without_any_source_is_refused():
    with pytest.raises(ReportError) as err:
        Figure("f", "F", pd.DataFrame({"x": [1]}), bar_plot)
    assert str(err.value) == (
        "figure 'f' has no sources and its data has no attrs['source']; "
        "every figure and table must show its citation"
    )


def test_figure_sources_default_to_the_data_attrs():
    assert Figure("f", "F", tiny_frame(), bar_plot).sources == (Source.of(tiny_frame()),)
    single = Figure("f", "F", tiny_frame(), bar_plot, sources=Source("Book"))
    assert single.sources == (Source("Book"),)


@pytest.mark.parametrize("name", ["Pyramid", "two words", "../x", "", "_x", "a-b"])
def test_figure_and_table_names_must_be_file_safe(name):
    expected = (
        f"figure name {name!r} must be lower-case letters, digits and '_' "
        "(it names the CSV written beside the report)"
    )
    with pytest.raises(ReportError) as err:
        Figure(name, "F", tiny_frame(), bar_plot)
    assert str(err.value) == expected
    with pytest.raises(ReportError) as err:
        Table(name, "T", tiny_frame())
    assert str(err.value) == expected.replace("figure", "table", 1)


def test_figure_needs_a_dataframe_and_a_plot():
    with pytest.raises(ReportError, match=r"^figure 'f': data must be a pandas DataFrame$"):
        Figure("f", "F", [[1, 2]], bar_plot, sources=[Source("Book")])
    with pytest.raises(ReportError, match=r"^figure 'f': plot must be callable as plot\(fig, data\)$"):
        Figure("f", "F", tiny_frame(), "bar")


def test_figure_size_is_bounded():
    with pytest.raises(ReportError) as err:
        Figure("f", "F", tiny_frame(), bar_plot, size_inches=(0, 4))
    assert str(err.value) == "figure 'f': size_inches must be in (0, 20]; got 0x4"


def test_table_formats_must_name_columns():
    with pytest.raises(ReportError) as err:
        Table("t", "T", tiny_frame(), formats={"males": "{:d}"})
    assert str(err.value) == "table 't': formats name columns not in the data: ['males']"


def test_table_sources_must_be_source_objects():
    with pytest.raises(ReportError, match=r"^table 't': sources must be Source objects; got 'Book'$"):
        Table("t", "T", tiny_frame(), sources=["Book"])


def test_section_checks_its_parts():
    with pytest.raises(ReportError, match=r"^a Section needs a non-empty title$"):
        Section(" ")
    with pytest.raises(ReportError, match=r"^section 'S': figures must be Figure objects; got 'x'$"):
        Section("S", figures=["x"])
    with pytest.raises(ReportError, match=r"^section 'S': tables must be Table objects; got 1$"):
        Section("S", tables=[1])


def test_registry_lists_the_report_sections_in_order():
    from purgetoll.report.sections import SECTIONS

    assert SECTIONS[0] == "about"
    assert [n for n, _ in section_builders()] == list(SECTIONS)


def test_registry_names_a_missing_or_duplicated_section():
    with pytest.raises(ReportError) as err:
        section_builders(["about", "no_such_section"])
    assert str(err.value) == (
        "section 'no_such_section' is listed in purgetoll.report.sections.SECTIONS but "
        "purgetoll.report.sections.no_such_section does not exist"
    )
    with pytest.raises(ReportError, match=r"^section 'about' is listed twice in "):
        section_builders(["about", "about"])
    assert [n for n, _ in section_builders(["about"])] == ["about"]

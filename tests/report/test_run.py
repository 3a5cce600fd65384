"""write_run: the run directory appears whole or not at all, never over an earlier run unasked."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pandas as pd
import pytest

from purgetoll import __version__
from purgetoll.errors import ForeignContentError
from purgetoll.report import Figure, ReportError, RunExistsError, Section, Table, write_run
from tests.report.conftest import bar_plot, failing_section, tiny_frame, tiny_section

NOON = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)


def _snapshot(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _refused(out, sections) -> str:
    """The message of a run of ``sections`` that must fail and leave ``out`` empty."""
    with pytest.raises(ReportError) as err:
        write_run(out, "x", sections=sections)
    assert list(out.iterdir()) == []
    return str(err.value)


def test_run_writes_report_csvs_and_manifest(tmp_path, tiny_sections):
    path = write_run(tmp_path, "first", sections=tiny_sections, now=NOON)
    assert path == tmp_path / "first" / "report.html"
    assert sorted(p.name for p in (tmp_path / "first").iterdir()) == [
        "manifest.json",
        "report.html",
        "tiny_pyramid.csv",
        "tiny_ratio.csv",
    ]
    csv = pd.read_csv(tmp_path / "first" / "tiny_pyramid.csv")
    pd.testing.assert_frame_equal(csv, tiny_frame(), check_dtype=False)
    ratio = pd.read_csv(tmp_path / "first" / "tiny_ratio.csv")
    assert ratio["men_per_1000_women"].tolist() == [833, 1111, 555]


def test_manifest_records_versions_command_sections_and_sources(tmp_path, tiny_sections):
    write_run(tmp_path, "m", sections=tiny_sections, now=NOON)
    m = json.loads((tmp_path / "m" / "manifest.json").read_text())
    assert m["purgetoll_version"] == __version__
    assert m["created_utc"] == "2026-11-28T12:00:00Z"
    assert m["command"] == f"purgetoll run --name m --out {tmp_path}"
    assert m["versions"]["numpy"] == __import__("numpy").__version__
    assert m["versions"]["pandas"] == pd.__version__
    assert m["versions"]["python"].count(".") == 2
    assert [s["module"] for s in m["sections"]] == ["tiny"]
    assert m["sections"][0]["figures"][0]["csv"] == "tiny_pyramid.csv"
    assert m["sections"][0]["tables"][0]["estimate"] is True
    assert m["data_tables"] == [
        {"table": "tiny_census", "citation": "A tiny census (test fixture), p. 1"}
    ]
    assert m["other_sources"] == [{"citation": "Someone, A Book (1968), p. 2"}]
    import hashlib

    for f in m["files"]:
        data = (tmp_path / "m" / f["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == f["sha256"] and len(data) == f["bytes"]
    assert {f["path"] for f in m["files"]} == {"report.html", "tiny_pyramid.csv", "tiny_ratio.csv"}


def test_same_data_gives_byte_identical_csvs_and_pngs(tmp_path, tiny_sections):
    write_run(tmp_path, "a", sections=tiny_sections, now=NOON)
    write_run(tmp_path, "b", sections=tiny_sections, now=datetime(2027, 1, 1, tzinfo=UTC))
    for name in ("tiny_pyramid.csv", "tiny_ratio.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    html_a = (tmp_path / "a" / "report.html").read_text()
    html_b = (tmp_path / "b" / "report.html").read_text()
    img = html_a[html_a.index("data:image/png") :].split('"')[0]
    assert img in html_b


def test_rerun_without_force_refuses_and_keeps_earlier_files(tmp_path, tiny_sections):
    write_run(tmp_path, "keep", sections=tiny_sections, now=NOON)
    before = _snapshot(tmp_path / "keep")
    with pytest.raises(RunExistsError) as err:
        write_run(tmp_path, "keep", sections=tiny_sections, now=datetime(2027, 1, 1, tzinfo=UTC))
    assert str(err.value) == (
        f"{tmp_path / 'keep'}: already holds a finished run; pass --force to replace "
        "it (only once the new one is complete)"
    )
    assert _snapshot(tmp_path / "keep") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep"]


def test_force_replaces_the_whole_run(tmp_path, tiny_sections):
    write_run(tmp_path, "r", sections=tiny_sections, now=NOON)
    write_run(
        tmp_path, "r", force=True, sections=tiny_sections, now=datetime(2027, 1, 1, tzinfo=UTC)
    )
    assert json.loads((tmp_path / "r" / "manifest.json").read_text())["created_utc"].startswith(
        "2027"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]


def test_force_never_removes_a_file_the_run_did_not_write(tmp_path, tiny_sections):
    """A file added to a finished run is not the run's: --force refuses, naming it, and changes
    nothing (issue 10: a forced rerun deleted a user's file)."""
    write_run(tmp_path, "r", sections=tiny_sections, now=NOON)
    (tmp_path / "r" / "stray.txt").write_text("my notes")
    before = _snapshot(tmp_path / "r")
    with pytest.raises(ForeignContentError) as err:
        write_run(tmp_path, "r", force=True, sections=tiny_sections)
    assert str(err.value) == (
        f"{tmp_path / 'r'}: holds stray.txt, which the run in it did not write (not in its "
        "manifest.json); purgetoll never removes such files: move them out first"
    )
    assert _snapshot(tmp_path / "r") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]


def test_failing_section_leaves_no_run_directory_and_no_temp_dirs(tmp_path, tiny_sections):
    sections = [*tiny_sections, ("broken", failing_section)]
    with pytest.raises(ReportError) as err:
        write_run(tmp_path, "fails", sections=sections, now=NOON)
    assert (
        str(err.value) == "section 'broken' failed: ZeroDivisionError: the census ran out of people"
    )
    assert list(tmp_path.iterdir()) == []


def test_failing_forced_run_keeps_the_earlier_run_intact(tmp_path, tiny_sections):
    write_run(tmp_path, "r", sections=tiny_sections, now=NOON)
    before = _snapshot(tmp_path / "r")
    with pytest.raises(ReportError, match="section 'broken' failed"):
        write_run(tmp_path, "r", force=True, sections=[*tiny_sections, ("broken", failing_section)])
    assert _snapshot(tmp_path / "r") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]


def test_failing_plot_leaves_nothing(tmp_path):
    def bad_plot(fig, data):
        raise KeyError("no column 'count'")

    def section(ctx):
        return Section("S", figures=[Figure("bad", "Bad", tiny_frame(), bad_plot)])

    assert _refused(tmp_path, [("s", section)]) == (
        "figure 'bad': plot failed: \"no column 'count'\""
    )


def test_default_name_is_utc_time_and_a_rerun_never_overwrites(tmp_path, tiny_sections):
    first = write_run(tmp_path, sections=tiny_sections, now=NOON)
    second = write_run(tmp_path, sections=tiny_sections, now=NOON)
    third = write_run(tmp_path, sections=tiny_sections, now=NOON)
    assert [p.parent.name for p in (first, second, third)] == [
        "20261128T120000Z",
        "20261128T120000Z-2",
        "20261128T120000Z-3",
    ]
    m = json.loads((second.parent / "manifest.json").read_text())
    assert m["run"] == "20261128T120000Z-2"
    assert m["command"] == f"purgetoll run --out {tmp_path}"


@pytest.mark.parametrize("bad", ["", "../up", "a/b", ".hidden", "-dash", "x" * 101, "sp ace"])
def test_bad_run_name_is_refused_before_anything_is_written(tmp_path, tiny_sections, bad):
    with pytest.raises(ReportError) as err:
        write_run(tmp_path / "runs", bad, sections=tiny_sections)
    assert str(err.value) == (
        f"run name {bad!r} must be 1-100 letters, digits, '.', '_' or '-', "
        "starting with a letter or digit"
    )
    assert not (tmp_path / "runs").exists()


def test_section_returning_wrong_type_is_named(tmp_path):
    assert _refused(tmp_path, [("oops", lambda ctx: {"title": "x"})]) == (
        "section 'oops': build(ctx) must return a Section; got dict"
    )


def test_two_sections_using_one_csv_name_is_refused(tmp_path):
    assert _refused(tmp_path, [("one", tiny_section), ("two", tiny_section)]) == (
        "figure 'tiny_pyramid' of section 'two' and figure 'tiny_pyramid' of section 'one' "
        "would both write tiny_pyramid.csv; give them different names"
    )


def test_figure_and_table_of_one_name_need_the_same_data(tmp_path):
    def section(ctx):
        df = tiny_frame()
        other = df.assign(male=df["male"] + 1)
        return Section(
            "S", figures=[Figure("same", "F", df, bar_plot)], tables=[Table("same", "T", other)]
        )

    assert _refused(tmp_path, [("s", section)]) == (
        "table 'same' of section 's' and figure 'same' of section 's' would both write "
        "same.csv; give them different names (or the same data)"
    )


def test_a_table_of_a_figures_own_data_shares_its_csv(tmp_path):
    def section(ctx):
        df = tiny_frame()
        return Section(
            "S", figures=[Figure("same", "F", df, bar_plot)], tables=[Table("same", "T", df)]
        )

    path = write_run(tmp_path, "x", sections=[("s", section)])
    assert sorted(p.name for p in path.parent.iterdir()) == [
        "manifest.json",
        "report.html",
        "same.csv",
    ]
    text = path.read_text()
    assert 'id="fig-same"' in text and 'id="tab-same"' in text
    assert text.count('<a href="same.csv">same.csv</a>') == 2


def test_reserved_names_are_refused(tmp_path):
    def section(ctx):
        return Section("S", figures=[Figure("manifest", "M", tiny_frame(), bar_plot)])

    with pytest.raises(ReportError, match="^section 's': the name 'manifest' is reserved$"):
        write_run(tmp_path, "x", sections=[("s", section)])


def test_interrupted_run_leaves_nothing_and_keeps_the_earlier_run(tmp_path, tiny_sections):
    """Ctrl-C in the middle of a section: no half-written run, no temporary directory."""
    write_run(tmp_path, "r", sections=tiny_sections, now=NOON)
    before = _snapshot(tmp_path / "r")

    def interrupted(ctx):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_run(tmp_path, "r", force=True, sections=[*tiny_sections, ("stop", interrupted)])
    with pytest.raises(KeyboardInterrupt):
        write_run(tmp_path, "new", sections=[*tiny_sections, ("stop", interrupted)])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]
    assert _snapshot(tmp_path / "r") == before


@pytest.mark.parametrize("kind", ["folder", "file", "bad_manifest"])
def test_force_never_replaces_what_purgetoll_did_not_write(tmp_path, tiny_sections, kind):
    target = tmp_path / "src"
    if kind == "file":
        target.write_text("precious")
    else:
        target.mkdir()
        (target / "precious.py").write_text("print('keep me')")
        if kind == "bad_manifest":
            (target / "manifest.json").write_text('{"name": "some other tool"}')
    with pytest.raises(ForeignContentError) as err:
        write_run(tmp_path, "src", force=True, sections=tiny_sections)
    expected = {
        "file": f"{target}: is a file, not a folder; give a folder for the run",
        "folder": f"{target}: exists and holds no purgetoll run (1 entries: precious.py); give a new "
        "or empty folder (purgetoll never writes over files it did not write)",
        "bad_manifest": f"{target}: exists and holds no purgetoll run (2 entries: manifest.json, "
        "precious.py); give a new or empty folder (purgetoll never writes over files it did not "
        "write)",
    }
    assert str(err.value) == expected[kind]
    if kind == "file":
        assert target.read_text() == "precious"
    else:
        assert (target / "precious.py").read_text() == "print('keep me')"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["src"]

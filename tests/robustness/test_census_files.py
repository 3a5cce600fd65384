"""The 1939 census of ``purgetoll verdict --census PATH``, damaged at random: the census the file holds,
or a purgetoll error naming the file, the row (with its line) and the column, never a traceback, never
a value dropped without a word. The reader is tried from Python and through the CLI (which fails on a
bad census before any simulation runs); ``test_as_a_user.py`` runs it as a real process."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from purgetoll.cli import app
from purgetoll.errors import DataError
from purgetoll.verdict.census_file import read_census_file
from tests.robustness.strategies import (
    CENSUS_BLIND,
    CENSUS_DAMAGING,
    CENSUS_HARMLESS,
    ROBUST,
    CensusRow,
    census_cases,
    read_as_the_case_says,
)

RUNNER = CliRunner()
#: Every kind of damage is tried (a tenth of the examples of a property each, at least 2): drawn from
#: one strategy, 40 examples met 13 of the 33 kinds.
PER_KIND = settings(ROBUST, max_examples=max(2, ROBUST.max_examples // 10))


def _expected(rows: list[CensusRow]) -> list[tuple[list[tuple[int, int | None, int]], int]]:
    """What a census of these rows holds, by sex: its groups and its persons of unknown age."""
    out = []
    for sex in ("male", "female"):
        groups = [(r.age or 0, r.end, r.count) for r in rows if r.sex == sex and r.kind == "group"]
        unknown = sum(r.count for r in rows if r.sex == sex and r.kind == "unknown")
        out.append((groups, unknown))
    return out


def _holds(got: np.ndarray, rows: list[CensusRow]) -> None:
    """``got`` (persons by sex and single age) holds each group's count, its share of the unknown ages
    added in proportion, and every person of the file."""
    for s, (groups, unknown) in enumerate(_expected(rows)):
        stated = sum(c for _, _, c in groups)
        for age, end, count in groups:
            hi = 101 if end is None else end + 1
            assert got[s, age:hi].sum() == pytest.approx(count * (1 + unknown / stated), rel=1e-12, abs=1e-6)
        assert got[s].sum() == pytest.approx(stated + unknown, rel=1e-12)


def check_census(path, case) -> np.ndarray | None:
    """Read ``path``; assert the outcome is what ``case`` says; the census read (None on an error)."""
    got = read_as_the_case_says(path, case, read_census_file, error=DataError)
    if got is None:
        return None
    assert got.shape == (2, 101) and np.isfinite(got).all() and (got >= 0).all()
    if case.expect == "same":
        _holds(got, case.table)
        clean = path.with_name("clean.csv")
        clean.write_bytes(case.extra["clean"])
        assert np.array_equal(got, read_census_file(clean)), case.what
    return got


@pytest.mark.parametrize("kind", CENSUS_HARMLESS + CENSUS_DAMAGING + CENSUS_BLIND)
@PER_KIND
@given(data=st.data())
def test_a_damaged_census_is_read_right_or_refused_naming_file_row_and_column(tmp_path, kind, data):
    case = data.draw(census_cases((kind,)))
    path = tmp_path / "census.csv"
    path.write_bytes(case.data)
    check_census(path, case)


@pytest.mark.parametrize("kind", CENSUS_DAMAGING)
@settings(PER_KIND, max_examples=max(1, ROBUST.max_examples // 40))
@given(data=st.data())
def test_the_verdict_refuses_a_damaged_census_before_any_run(tmp_path, kind, data):
    """The CLI prints the reader's message, exit status 2, nothing on stdout (a bad census is checked
    before any scenario runs, so these cost no simulation)."""
    case = data.draw(census_cases((kind,)))
    path = tmp_path / "census.csv"
    path.write_bytes(case.data)
    with pytest.raises(DataError) as err:
        read_census_file(path)
    res = RUNNER.invoke(app, ["verdict", "no_terror", "--census", str(path), "--seeds", "1", "--scale", "0.00001",
                              "--draws", "200", "--format", "json"])
    assert isinstance(res.exception, SystemExit), repr(res.exception)
    assert (res.exit_code, res.stderr, res.stdout) == (2, f"error: {err.value}\n", "")


def test_a_file_that_is_not_there_or_a_directory(tmp_path):
    for path, problem in ((tmp_path / "none.csv", "file not found"), (tmp_path, "is a directory, not a file")):
        with pytest.raises(DataError) as err:
            read_census_file(path)
        assert str(err.value) == f"{path}: {problem}"

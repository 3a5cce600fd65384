"""``--census PATH``: a 1939 census in the bundled schema, checked, each bad file named by file, row and column."""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd
import pytest

from purgetoll.demography import census_single
from purgetoll.errors import DataError
from purgetoll.verdict.census_file import census_array, census_frame, read_census_file

BUNDLED = resources.files("purgetoll.data") / "tables" / "census_1939_5y.csv"


def test_the_bundled_census_reads_as_the_census():
    """The bundled 5-year table (with its both-sexes, unknown and total rows) gives the single-year census
    exactly: groups split like the census itself, unknown ages spread in proportion."""
    got = read_census_file(str(BUNDLED))
    assert np.allclose(got, census_single(1939), rtol=1e-12)
    assert got.sum() == pytest.approx(170_557_093)


def test_a_synthetic_census_round_trips(tmp_path):
    pop = census_single(1939) * 0.98
    pop[0, 30:40] -= 50_000
    path = tmp_path / "world.csv"
    frame = census_frame(pop, unknown=(1000, 2000))
    frame.to_csv(path, index=False)
    got = read_census_file(path)
    for lo in range(0, 100, 5):
        for s in (0, 1):
            assert got[s, lo:lo + 5].sum() / (1 + (1000, 2000)[s] / pop[s].round().sum()) == pytest.approx(
                round(pop[s, lo:lo + 5].sum()), abs=2)
    assert got.sum() == pytest.approx(frame["count"].sum())


def _bad(tmp_path, text: str) -> str:
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as err:
        read_census_file(path)
    return str(err.value).replace(str(path), "FILE")


HEAD = "date,sex,age,age_end,age_group,count\n"


def _rows(sex: str, first: int = 0, last_open: int = 85, count: int = 1000, skip: int | None = None) -> str:
    rows = [f"1939-01-17,{sex},{a},{a + 4},{a}-{a + 4},{count}\n" for a in range(first, last_open, 5) if a != skip]
    return "".join(rows) + f"1939-01-17,{sex},{last_open},,{last_open}+,{count}\n"


GOOD = HEAD + _rows("male") + _rows("female")


def test_a_good_minimal_file_is_read(tmp_path):
    path = tmp_path / "ok.csv"
    path.write_text(GOOD, encoding="utf-8")
    assert read_census_file(path).sum() == 2 * 18 * 1000


@pytest.mark.parametrize(("text", "message"), [
    (GOOD.replace("male,40,44,40-44,1000", "male,40,44,40-44,-5", 1),
     "FILE, row 9 (line 10): column count: expected a whole number of persons from 0 to 10,000,000,000; got '-5'"),
    (GOOD.replace("male,40,44,40-44,1000", "male,40,44,40-44,12.5", 1),
     "FILE, row 9 (line 10): column count: expected a whole number of persons from 0 to 10,000,000,000; got '12.5'"),
    (GOOD.replace("1939-01-17,female,10,14", "1939-01-18,female,10,14", 1),
     "FILE, row 21 (line 22): column date: expected the census day 1939-01-17; got '1939-01-18'"),
    (GOOD.replace("1939-01-17,male,5,9", "1939-01-17,men,5,9", 1),
     "FILE, row 2 (line 3): column sex: expected male, female or both; got 'men'"),
    (GOOD.replace("male,20,24,20-24", "male,20,24,20-25", 1),
     "FILE, row 5 (line 6): column age_group: expected '20-24' for age 20 and age_end 24; got '20-25'"),
    (HEAD + _rows("male", skip=30) + _rows("female"),
     "FILE, row 7 (line 8): column age: the male groups leave a gap at age 30 (expected the next group to start at "
     "30); got 35"),
    (HEAD + _rows("male").replace("male,85,,85+", "male,85,89,85-89") + _rows("female"),
     "FILE, row 18 (line 19): column age_end: the male groups must end with an open group starting at 85-100 "
     "(age_end empty)"),
    (GOOD + "1939-01-17,female,,,total,17999\n",
     "FILE, row 37 (line 38): column count: the female total 17,999 differs from its groups and unknown ages "
     "(18,000)"),
    (GOOD + "1939-01-17,both,0,4,0-4,1999\n",
     "FILE, row 37 (line 38): column count: both sexes 1,999 differ from men + women (2,000) in the same group"),
    (HEAD.replace("count", "persons") + "x,x,x,x,x,x\n", "FILE, line 1: missing column(s) count; unknown column(s) persons (expected "
     "date, sex, age, age_end, age_group, count, as in the bundled census_1939_5y.csv)"),
    (HEAD + "1939-01-17,male,0,4\n",
     "FILE, line 2: 4 fields where the header has 6 (date, sex, age, age_end, age_group, count)"),
    ("", "FILE: the file is empty: expected a header row and data rows"),
    (HEAD, "FILE: no rows (expected one row per sex and age group)"),
    (HEAD + _rows("male"), "FILE: no age groups for female (expected groups tiling ages 0 to an open group)"),
    (GOOD + "1939-01-17,both,0,4,0-4,5\n1939-01-17,both,0,4,0-4,2000\n",
     "FILE, row 38 (line 39): column age: the group 0-4 of both sexes is given twice (first on row 37 (line 38)); "
     "give each row once"),
    (GOOD + "1939-01-17,male,40,44,40-44,1000\n",
     "FILE, row 37 (line 38): column age: the group 40-44 of male is given twice (first on row 9 (line 10)); give "
     "each row once"),
    (GOOD + "1939-01-17,female,,,unknown,5\n1939-01-17,female,,,unknown,5\n",
     "FILE, row 38 (line 39): column age_group: the unknown row of female is given twice (first on row 37 (line "
     "38)); give each row once"),
    (GOOD + "1939-01-17,both,,,unknown,777\n",
     "FILE, row 37 (line 38): column count: both sexes' unknown ages 777 differ from men's + women's (0)"),
    (GOOD + "1939-01-17,both,3,7,3-7,0\n",
     "FILE, row 37 (line 38): column age: both sexes' group 3-7 has no male or female group 3-7 to be checked "
     "against (both rows repeat the groups of men and women)"),
    (GOOD.replace("male,40,44,40-44,1000", "male,40,44,40-44,1_000", 1),
     "FILE, row 9 (line 10): column count: expected a whole number of persons from 0 to 10,000,000,000; got '1_000'"),
    (GOOD.replace("male,40,44,40-44,1000", "male,40,44,40-44,1e300", 1),
     "FILE, row 9 (line 10): column count: expected a whole number of persons from 0 to 10,000,000,000; got '1e300'"),
    (GOOD.replace("male,85,,85+", "male,85,nan,85+", 1),
     "FILE, row 18 (line 19): column age_end: expected a whole number from age (85) to 100, or empty for an open "
     "group; got 'nan'"),
    (GOOD.replace("\n", ",1\n").replace("count,1\n", "count,count\n", 1),
     "FILE, line 1: column 'count' appears twice in the header (columns 6 and 7); give each column its own name"),
    (HEAD + _rows("male").replace("male,85,,85+", "male,80,,80+").replace("1939-01-17,male,80,84,80-84,1000\n", "")
     + _rows("female"),
     "FILE, row 17 (line 18): column age: the male groups must end with an open group starting at 85-100; got 80+"),
    (HEAD + _rows("male") + "1939-01-17,male,90,94,90-94,5\n" + _rows("female"),
     "FILE, row 19 (line 20): column age: the male groups go on after the open group 85+ (only the last group "
     "may be open)"),
])  # fmt: skip
def test_bad_census_files_are_named_by_file_row_and_column(tmp_path, text, message):
    assert _bad(tmp_path, text) == message


def test_what_a_spreadsheet_adds_is_harmless(tmp_path):
    """A byte order mark, CRLF line endings, blank lines and spaces around cells change nothing."""
    path = tmp_path / "ok.csv"
    path.write_text(GOOD, encoding="utf-8")
    want = read_census_file(path)
    messy = "\ufeff" + GOOD.replace("\n", "\r\n").replace(",", " , ").replace("\r\n", "\r\n\r\n", 3)
    path.write_text(messy, encoding="utf-8")
    assert np.array_equal(read_census_file(path), want)


def test_unreadable_files(tmp_path):
    with pytest.raises(DataError) as err:
        read_census_file(tmp_path / "nope.csv")
    assert str(err.value) == f"{tmp_path / 'nope.csv'}: file not found"
    with pytest.raises(DataError) as err:
        read_census_file(tmp_path)
    assert str(err.value) == f"{tmp_path}: is a directory, not a file"
    latin = tmp_path / "latin.csv"
    latin.write_bytes(HEAD.encode() + "1939-01-17,male,0,4,0-4,1000 \xe9\n".encode("latin-1"))
    with pytest.raises(DataError) as err:
        read_census_file(latin)
    assert str(err.value) == f"{latin}: not UTF-8 text: byte 0xe9 at byte offset 66 (line 2); save the file as UTF-8"


def test_census_array_takes_a_frame():
    df = pd.read_csv(str(BUNDLED), dtype=str, keep_default_na=False)
    assert np.allclose(census_array(df, "frame"), census_single(1939))

"""Issue 10: capture CSVs are read with the file's own line numbers, and what pandas let pass is refused.

Rows were counted from 0 (``row 1`` was the file's line 3); a directory was "file not found"; a column
name given twice was renamed ``A.1`` by pandas and estimated as a third list.
"""

from __future__ import annotations

import pytest

from purgetoll.errors import DataError
from purgetoll.mse import read_capture_csv


def error_of(tmp_path, text: str | bytes, **kw) -> str:
    path = tmp_path / "lists.csv"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as err:
        read_capture_csv(path, **kw)
    return str(err.value).removeprefix(f"{path}")


def test_errors_name_the_line_of_the_file(tmp_path):
    assert error_of(tmp_path, "A,B,count\n0,1,5\n1,0,-3\n") == (
        ", line 3: column 'count' must be a non-negative integer; got -3")
    # blank lines and a quoted field over two lines do not shift the count
    assert error_of(tmp_path, 'A,B,count\n\n0,1,5\n\n"1\n",0,x\n') == (
        ", line 5: column 'count' must be a non-negative integer; got 'x'")
    assert error_of(tmp_path, "A,B,count\n0,1,5\n0,0,3\n") == (
        ", line 3: history 00 is on no list; the all-zero history cannot be observed (it is what the "
        "estimators estimate), remove it")
    assert error_of(tmp_path, "A,B,count\n0,1,5\n1,1,2\n0,1,4\n") == (
        ", line 4: duplicate history 01 (first given at line 2); each history must appear once")
    assert error_of(tmp_path, "A,B\n1,0\n0,2\n") == ", line 3: column 'B' must be 0 or 1; got 2"
    assert error_of(tmp_path, "A,B,count\n1,0,\n") == ", line 2: column 'count' must be a non-negative integer; got a missing value"


def test_strata_errors_name_the_line(tmp_path):
    text = "sex,A,B,count\nmale,1,0,4\nmale,0,1,5\nfemale,1,1,-1\n"
    assert error_of(tmp_path, text, strata=["sex"]) == (
        ", line 4: column 'count' must be a non-negative integer; got -1 (stratum sex=female)")
    assert error_of(tmp_path, "sex,A,B,count\nmale,1,0,4\n,0,1,5\n", strata=["sex"]) == (
        ", line 3: stratum column 'sex' is missing a value")


def test_a_column_name_given_twice_is_refused(tmp_path):
    """pandas renamed the second 'A' to 'A.1' and estimated it as a list of its own."""
    assert error_of(tmp_path, "A,B,A,count\n1,0,0,5\n0,1,1,3\n") == (
        ", line 1: column 'A' appears twice in the header (columns 1 and 3); give each column its own name")
    assert error_of(tmp_path, "A, B ,B,count\n1,0,0,5\n") == (
        ", line 1: column 'B' appears twice in the header (columns 2 and 3); give each column its own name")
    assert error_of(tmp_path, "A,,count\n1,0,5\n") == ", line 1: column 2 of the header has no name"


def test_rows_with_the_wrong_number_of_fields(tmp_path):
    assert error_of(tmp_path, "A,B,count\n1,0,5\n0,1\n") == (
        ", line 3: 2 fields where the header has 3 (A, B, count)")
    assert error_of(tmp_path, "A,B,count\n1,0,5,7\n") == (
        ", line 2: 4 fields where the header has 3 (A, B, count)")


def test_files_that_are_not_csv_text(tmp_path):
    assert error_of(tmp_path, b"A,B,count\n1,0,5\n0,1,\xe9\n") == (
        ": not UTF-8 text: byte 0xe9 at byte offset 20 (line 3); save the file as UTF-8")
    assert error_of(tmp_path, "") == ": the file is empty: expected a header row and data rows"
    assert error_of(tmp_path, b"A,B,count\n1,0\x00,5\n") == ", line 2: column 'B' must be 0 or 1; got '0\\x00'"
    with pytest.raises(DataError) as err:
        read_capture_csv(tmp_path)
    assert str(err.value) == f"{tmp_path}: is a directory, not a file"
    with pytest.raises(DataError) as err:
        read_capture_csv(tmp_path / "none.csv")
    assert str(err.value) == f"{tmp_path / 'none.csv'}: file not found"


def test_a_byte_order_mark_and_spaces_around_names_are_accepted(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffA , B,count\r\n1,0,5\r\n0,1,4\r\n1,1,2\r\n".encode())
    t = read_capture_csv(path)
    assert t.lists == ("A", "B") and t.counts.tolist() == [4, 5, 2]

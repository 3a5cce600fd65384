"""The maintainer tool that made the evidence tables (census errors, terror demography, ADH's RSFSR rates)."""

from __future__ import annotations

import pytest

from purgetoll.data import catalog
from retab import TABLES, evidence
from retab.evidence import parse_cell, parse_period
from tests.shared_folder import shared_path


def test_retabulation_reproduces_the_bundled_tables_byte_for_byte():
    """No figure was typed by hand: the tool makes exactly the bundled files from the 206 reference rows."""
    tables = evidence.build_tables(shared_path("data"))
    assert set(tables) == set(catalog().query("group == 'evidence'")["name"])
    for name, text in tables.items():
        assert (TABLES / f"{name}.csv").read_text(encoding="utf-8") == text, name


@pytest.mark.parametrize(("value", "unit", "expected"), [
    ("168.871", "million", ("168871000", "168871000", "168871000", "exact", "persons")),
    ("0.3-0.4", "million", ("", "300000", "400000", "range", "persons")),
    ("at least 1-1.5", "percent of population", ("", "1", "1.5", "at least, range", "percent of population")),
    ("less than 5", "percent", ("5", "", "5", "less than", "percent")),
    ("16000", "persons (more than)", ("16000", "16000", "", "more than", "persons")),
    ("about 3", "million", ("3000000", "3000000", "3000000", "about", "persons")),
    ("not known", "qualitative", ("", "", "", "text", "text")),
])  # fmt: skip
def test_printed_cells(value, unit, expected):
    got = parse_cell(value, unit)
    assert (got["value"], got["value_low"], got["value_high"], got["qualifier"], got["unit"]) == expected


def test_printed_periods():
    assert parse_period("1938-05..07") == ("1938-05-01", "1938-07-31")
    assert parse_period("1926-12..1937-01") == ("1926-12-01", "1937-01-31")
    assert parse_period("1938-1939") == ("1938-01-01", "1939-12-31")
    assert parse_period("1941-1945 vs 1937-1938") == ("", "")


def test_an_unreadable_cell_is_refused():
    with pytest.raises(ValueError, match="cannot parse 'many'"):
        parse_cell("many", "persons")

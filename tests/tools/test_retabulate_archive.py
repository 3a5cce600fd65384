"""The maintainer tool that made the archive and machinery tables, and its parsing of printed cells."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from purgetoll.data import catalog
from retab import TABLES, archive
from retab.cells import norm_num, parse_period, parse_unit, parse_value
from tests.shared_folder import shared_path


def test_retabulation_reproduces_the_bundled_tables_byte_for_byte():
    """No number of the archive or machinery tables was edited by hand."""
    tables = archive.build_tables(shared_path("data"))
    cat = catalog()
    assert set(tables) == set(cat.loc[cat["group"].isin(["archive", "machinery"]), "name"])
    for name, text in tables.items():
        assert (TABLES / f"{name}.csv").read_text(encoding="utf-8") == text, name


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1,548,366", (Decimal(1548366), None, None, "exact")),
        ("172000+", (Decimal(172000), None, None, "more than")),
        ("over 20000", (Decimal(20000), None, None, "more than")),
        ("~8000", (Decimal(8000), None, None, "about")),
        ("about 1,406,000", (Decimal(1406000), None, None, "about")),
        ("8000-25000", (None, Decimal(8000), Decimal(25000), "range")),
        ("5.5-5.7", (None, Decimal("5.5"), Decimal("5.7"), "range")),
        ("-", (None, None, None, "not printed")),
    ],
)
def test_parse_value(cell, expected):
    assert parse_value(cell) == expected


def test_parse_value_refuses_text():
    with pytest.raises(ValueError, match="cannot parse value 'a month or more'"):
        parse_value("a month or more")


@pytest.mark.parametrize(
    ("unit", "expected"),
    [("persons (approx)", ("persons", "about")), ("persons (rounded, thousands)", ("persons", "about")),
     ("persons (upper bound as stated)", ("persons", "up to")), ("thousands", ("thousands", None))],
)  # fmt: skip
def test_parse_unit(unit, expected):
    assert parse_unit(unit) == expected


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("1937-1938", ("1937-01-01", "1938-12-31")),
        ("1936-10-01..1938-11-01", ("1936-10-01", "1938-11-01")),
        ("1937-08-05..08-27", ("1937-08-05", "1937-08-27")),
        ("1938-09-15..11", ("1938-09-15", "1938-11-30")),
        ("1937-09..10", ("1937-09-01", "1937-10-31")),
        ("1941-06-22..1944-12", ("1941-06-22", "1944-12-31")),
        ("1944 H1", ("1944-01-01", "1944-06-30")),
        ("1940-02", ("1940-02-01", "1940-02-29")),
        ("to 1938-07-10", ("", "1938-07-10")),
        ("to 1937-03", ("", "1937-03-31")),
        ("1936-1938 (as labelled in source)", ("1936-01-01", "1938-12-31")),
        ("late 1930s", ("", "")),
    ],
)
def test_parse_period(period, expected):
    assert parse_period(period) == expected


@given(st.integers(0, 10**9))
def test_printed_integers_round_trip(n):
    v, lo, hi, q = parse_value(f"{n:,}")
    assert (v, lo, hi, q) == (Decimal(n), None, None, "exact")
    assert norm_num(v) == str(n)


@given(st.integers(0, 10**6), st.integers(0, 999))
def test_millions_convert_to_whole_persons_exactly(whole, frac):
    """3.238 million -> 3238000 persons, never 3237999.9999 (decimal, not binary, arithmetic)."""
    printed = f"{whole}.{frac:03d}"
    v, *_ = parse_value(printed)
    assert norm_num(v, 1_000_000) == str(whole * 1_000_000 + frac * 1_000)

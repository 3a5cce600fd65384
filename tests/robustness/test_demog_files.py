"""The demography verbs' inputs: births and fertility CSVs damaged at random, and the specifications
of censuses, dates and cohorts typed by hand: a result, or a purgetoll error naming the file and
line (or the value), never a traceback."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from purgetoll.demography.endpoints import resolve
from purgetoll.demography.inputs import population
from purgetoll.demography.intercensal import parse_cohorts
from purgetoll.demography.lexis import decimal_year
from purgetoll.demography.userfiles import read_asfr_csv, read_births_csv
from purgetoll.errors import DataError
from tests.robustness.strategies import ROBUST, asfr_cases, births_cases, read_as_the_case_says


@ROBUST
@given(case=asfr_cases())
def test_a_damaged_fertility_csv(tmp_path, case):
    path = tmp_path / "asfr.csv"
    path.write_bytes(case.data)
    got = read_as_the_case_says(path, case, read_asfr_csv)
    if got is not None and case.expect == "same":
        want = np.zeros(101)
        for age, rate in case.table.items():
            want[age] = rate
        assert np.array_equal(got, want)


@ROBUST
@given(case=births_cases())
def test_a_damaged_births_csv(tmp_path, case):
    path = tmp_path / "births.csv"
    path.write_bytes(case.data)
    got = read_as_the_case_says(path, case, read_births_csv)
    if got is not None and case.expect == "same":
        assert {(r.year, r.sex): r.count for r in got.itertuples()} == case.table


SPEC = st.one_of(
    st.text(max_size=20),
    st.builds(lambda k, y, b: f"{k}:{y}" + (f":{b}" if b else ""), st.sampled_from(["census", "adh", "ADH", "cens"]),
              st.one_of(st.integers(-10, 3000).map(str), st.text(max_size=5)),
              st.one_of(st.none(), st.sampled_from(["1938", "1946", "time", "x", ""]))),
)


@ROBUST
@given(spec=SPEC)
def test_a_population_or_endpoint_spec_is_read_or_refused(spec):
    for read in (population, resolve):
        try:
            read(spec)
        except DataError as err:
            assert repr(spec) in str(err) or spec in str(err), str(err)


@ROBUST
@given(text=st.one_of(st.text(max_size=12), st.builds("{}-{}".format, st.integers(-5, 4000), st.integers(-5, 4000))))
def test_cohorts_and_dates_typed_by_hand(text):
    try:
        first, last = parse_cohorts(text)
        assert first <= last
    except DataError as err:
        assert str(err).startswith("cohorts: ")
    try:
        assert np.isfinite(decimal_year(text))
    except DataError as err:
        assert str(err).startswith("date: ")

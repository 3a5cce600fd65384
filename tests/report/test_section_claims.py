"""Section 4: the case study's claims with their verdicts, from the claims package's DataFrame API."""

from __future__ import annotations

import pandas as pd
import pytest

from purgetoll.claims import COLUMNS, ClaimVerdict, check_claims
from purgetoll.report import preview_context
from purgetoll.report.sections import claims as claims_section


@pytest.fixture(scope="module")
def section():
    return claims_section.build(preview_context(["claims"]))


def test_verdict_counts_cover_every_claim_in_verdict_order():
    claims = check_claims()
    counts = claims_section.verdict_counts(claims)
    assert counts["verdict"].tolist() == [str(v) for v in ClaimVerdict]
    assert counts["claims"].sum() == len(claims)
    by = dict(zip(counts["verdict"], counts["claims"], strict=True))
    assert by[str(ClaimVerdict.INCONSISTENT)] == 1  # Conquest's "349 to 691"


def test_verdict_outside_the_enum_is_refused():
    bad = pd.DataFrame({"verdict": ["agrees", "probably"]})
    with pytest.raises(ValueError) as err:
        claims_section.verdict_counts(bad)
    assert str(err.value) == "check_claims() returned verdicts outside ClaimVerdict: ['probably']"


def test_claims_table_keeps_every_column_for_the_csv(section):
    counts, table = section.tables
    assert table.name == "claims_checked" and counts.name == "claims_verdict_counts"
    assert tuple(table.data.columns) == COLUMNS
    assert table.html_columns == claims_section.SHOWN
    assert len(table.data) == len(check_claims())
    row = table.data.set_index("id").loc["census1959_permille_60_69"]
    assert row["verdict"] == str(ClaimVerdict.INCONSISTENT)


def test_claims_sources_name_the_seed_and_the_data(section):
    table = section.tables[1]
    assert table.sources[0].citation == check_claims().attrs["source"]
    assert "census_1959_5y" in {s.table for s in table.sources}


def test_intro_reports_the_counts_and_the_inconsistent_split(section):
    n = len(check_claims())
    assert f"The case study makes {n} quantitative claims" in section.intro
    assert "Inconsistent: census1959_permille_60_69, '349 to 691'." in section.intro


def test_summary_counts_each_verdict():
    rows = [str(ClaimVerdict.AGREES)] * 3 + [str(ClaimVerdict.NO_DATA)] * 2 + [str(ClaimVerdict.DISAGREES)]
    claims = pd.DataFrame({"id": list("abcdef"), "as_written": list("abcdef"), "verdict": rows})
    text = claims_section.summary_text(claims)
    assert "The case study makes 6 quantitative claims" in text
    assert (
        "4 can be checked against the tables bundled with this version: 3 agree, 0 agree within rounding, 1 disagree and 0 are inconsistent in itself"
        in text
    )
    assert "For 2 no table in the project measures the quantity yet." in text
    assert "Inconsistent:" not in text and "wait for a table" not in text


def test_data_values_are_shown_readably():
    assert claims_section._number(1548366.0) == "1,548,366"
    assert claims_section._number(609.3062) == "609.306"
    assert claims_section._number(6.1) == "6.1"

"""Checks that cannot run: a missing table, a parameter that does not fit the data, and the
contract between the declared methods and their implementations."""

from __future__ import annotations

import types

import pandas as pd
import pytest

from purgetoll.claims import ClaimsFileError, ClaimVerdict, check_claim, load_claims, parse_claims
from purgetoll.claims._checks import CHECKS
from purgetoll.claims._methods import METHODS


def _one(figure: dict, check: dict) -> dict:
    return {
        "claim": [
            {
                "id": "test_claim",
                "section": "The gendercide",
                "seed_line": 63,
                "quote": "a quote",
                "speaker": "someone",
                "work": "",
                "pages": "",
                "figure": figure,
                "check": check,
            }
        ]
    }


SPLIT = {
    "kind": "split",
    "women": 616,
    "men": 384,
    "per": 1000,
    "year": 1959,
    "age": 40,
    "age_end": 44,
    "order": "men:women",
    "as_written": "384 to 616",
}


def test_every_declared_method_is_implemented_and_vice_versa():
    assert set(METHODS) - {"none"} == set(CHECKS)


def _check_error(figure: dict, check: dict) -> ClaimsFileError:
    """The error of checking one claim (read from ``test.toml``) with this figure and check."""
    claim = parse_claims(_one(figure, check), "test.toml")[0]
    with pytest.raises(ClaimsFileError) as info:
        check_claim(claim)
    return info.value


def test_age_range_cutting_a_census_group_names_the_claim():
    error = _check_error(
        {**SPLIT, "age": 42}, {"method": "census_split", "year": 1959, "age": 42, "age_end": 49}
    )
    assert error.problems == [
        "[claim test_claim] check: ages 42-49 do not coincide with the 5-year groups of the 1959 "
        "census (groups found from 45 to 49)"
    ]
    assert str(error).startswith("test.toml: 1 problem\n")  # the file the record came from


def test_unknown_row_id_names_the_claim_and_table():
    error = _check_error(
        {
            "kind": "count",
            "value": 7,
            "unit": "persons",
            "approx": "about",
            "precision": 1,
            "as_written": "7",
        },
        {"method": "key_total", "row": "pospelov_arested"},
    )
    assert error.problems == [
        "[claim test_claim] check: table repression_key_totals has no row with id 'pospelov_arested'"
    ]


def test_missing_table_gives_not_loaded_verdict(monkeypatch):
    """An installation without the archive loaders and tables: the claim waits, it is not guessed."""
    import purgetoll.claims._access as access

    bare = types.SimpleNamespace(catalog=lambda: pd.DataFrame({"name": ["census_1959_5y"]}))
    monkeypatch.setattr(access, "_data_module", lambda: bare)
    claim = next(c for c in load_claims() if c.id == "conquest1968_arrests")
    result = check_claim(claim)
    assert result.judgement.verdict is ClaimVerdict.NOT_LOADED
    assert result.judgement.explanation == (
        "table 'repression_key_totals': loader purgetoll.data.key_totals() has not landed and "
        "the catalog does not list it"
    )
    assert result.evidence is None


def test_method_giving_the_wrong_kind_of_evidence_names_the_claim():
    """A split checked with a method that gives a single value is a records error."""
    claim = parse_claims(
        _one(SPLIT, {"method": "key_total", "row": "pospelov_arrested"}), "test.toml"
    )[0]
    with pytest.raises(ClaimsFileError) as info:
        check_claim(claim)
    assert info.value.problems == [
        "[claim test_claim] check.method 'key_total' gives no census counts for a split"
    ]


def test_attribution_to_a_missing_estimate_names_the_claim():

    claim = next(c for c in load_claims() if c.id == "conquest1968_arrests")
    with pytest.raises(ClaimsFileError) as info:
        check_claim(claim.model_copy(update={"attribution": "p99"}))
    assert info.value.problems == [
        "[claim conquest1968_arrests] attribution: the published estimates have no row with id 'p99'"
    ]

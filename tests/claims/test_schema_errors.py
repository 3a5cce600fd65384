"""A damaged claims file gets one error listing every problem, each naming the claim id and key."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from purgetoll.claims import ClaimsFileError, load_claims
from purgetoll.claims._methods import METHODS

CLAIM_KEYS = (
    "id, section, seed_line, quote, speaker, work, pages, figure, check, interpretation, note, "
    "attribution"
)


def damage(text: str, claim_id: str, old: str, new: str) -> str:
    """Replace ``old`` (which must occur exactly once in that claim's record) by ``new``."""
    start = text.index(f'id = "{claim_id}"')
    end = text.find("[[claim]]", start)
    end = len(text) if end == -1 else end
    block = text[start:end]
    assert block.count(old) == 1, f"{old!r} occurs {block.count(old)} times in {claim_id}"
    return text[:start] + block.replace(old, new) + text[end:]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "claims.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ClaimsFileError) as info:
        load_claims(path)
    return info.value.problems


def test_missing_key_names_claim_and_key(tmp_path, claims_text):
    start = claims_text.index('id = "census1959_permille_35_39"')
    q0 = claims_text.index("quote = '''", start)
    q1 = claims_text.index("'''\n", q0 + 11) + 4
    path = write(tmp_path, claims_text[:q0] + claims_text[q1:])
    with pytest.raises(ClaimsFileError) as info:
        load_claims(path)
    assert str(info.value) == (
        f"{path}: 1 problem\n  - [claim census1959_permille_35_39] missing key 'quote'"
    )


@pytest.mark.parametrize(
    ("claim_id", "old", "new", "expected"),
    [
        (
            "census1959_permille_35_39",
            "per = 1000",
            "per = 500",
            "[claim census1959_permille_35_39] figure.per must be one of 100, 1000; got 500",
        ),
        (
            "census1959_permille_70_plus",
            "men = 319",
            "men = -319",
            "[claim census1959_permille_70_plus] figure.men must be a number >= 0; got -319",
        ),
        (
            "census1959_pct_35_39",
            "women = 61",
            "women = 161",
            "[claim census1959_pct_35_39] figure.women must be <= figure.per (100); got 161",
        ),
        (
            "census1959_pct_30_34",
            "men = 45, ",
            "",
            "[claim census1959_pct_30_34] missing key 'figure.men'",
        ),
    ],
    ids=["bad_base", "negative_part", "part_larger_than_base", "missing_part"],
)
def test_bad_split_names_claim_and_key(tmp_path, claims_text, claim_id, old, new, expected):
    text = damage(claims_text, claim_id, old, new)
    assert problems_of(write(tmp_path, text)) == [expected]


def test_inconsistent_split_is_not_a_schema_error():
    """Conquest's '349 to 691' is recorded as printed; the check flags it, not the loader."""
    c = next(c for c in load_claims() if c.id == "census1959_permille_60_69")
    assert (c.figure.men, c.figure.women, c.figure.per) == (349, 691, 1000)
    assert not c.figure.is_consistent()


def test_all_problems_are_reported_at_once(tmp_path, claims_text):
    text = damage(claims_text, "census1959_permille_35_39", "per = 1000", "per = 10")
    text = damage(text, "conquest1968_arrests", 'method = "key_total"', 'method = "key_totals"')
    text = damage(
        text, "famine_1932_33_deaths", 'section = "The background"', 'section = "Background"'
    )
    text = damage(text, "velyki_solontsi_52_men", 'approx = "exact"', 'approx = "roughly"')
    text = damage(text, "one_in_twenty_arrested", "census_year = 1937", 'census_year = "1937"')
    text = damage(
        text, "kiev_jail_men_shot_per_night", "low = 70, high = 120", "low = 120, high = 70"
    )
    text = damage(text, "dead_98pct_male", "quote = ", "qoute = ")
    valid_methods = ", ".join(METHODS)
    assert problems_of(write(tmp_path, text)) == [
        "[claim famine_1932_33_deaths] section must be one of 'Summary', 'The background', "
        "'The gendercide', 'How many died?', 'Who was responsible?', 'The aftermath'; got 'Background'",
        "[claim kiev_jail_men_shot_per_night] figure.low must be <= figure.high; got 120 > 70",
        "[claim velyki_solontsi_52_men] figure.approx must be one of 'exact', 'about', 'some', "
        "'nearly', 'just under', 'at most about', 'at least'; got 'roughly'",
        "[claim census1959_permille_35_39] figure.per must be one of 100, 1000; got 10",
        f"[claim conquest1968_arrests] check.method must be one of {valid_methods}; got 'key_totals'",
        "[claim dead_98pct_male] missing key 'quote'",
        f"[claim dead_98pct_male] unknown key 'qoute' (valid: {CLAIM_KEYS})",
        "[claim one_in_twenty_arrested] check.census_year must be an integer; got '1937'",
    ]


def test_missing_check_parameter_and_unknown_one(tmp_path, claims_text):
    text = damage(
        claims_text,
        "census1959_pct_55_59",
        'check = { method = "census_split", year = 1959, ',
        'check = { method = "census_split", yaer = 1959, ',
    )
    assert problems_of(write(tmp_path, text)) == [
        "[claim census1959_pct_55_59] missing key 'check.year'",
        "[claim census1959_pct_55_59] unknown key 'check.yaer' (valid: year, age, age_end)",
    ]


def test_missing_id_is_named_by_position(tmp_path, claims_text):
    text = claims_text.replace('id = "summary_tens_of_millions"\n', "", 1)
    assert problems_of(write(tmp_path, text)) == ["[claim #1] missing key 'id'"]


def test_duplicate_id(tmp_path, claims_text):
    text = claims_text.replace(
        'id = "census1959_pct_30_34"', 'id = "census1959_pct_up_to_25_29"', 1
    )
    assert problems_of(write(tmp_path, text)) == [
        "[claim census1959_pct_up_to_25_29] duplicate id (records #27 and #28)"
    ]


def test_not_toml_and_missing_file(tmp_path):
    path = write(tmp_path, "[[claim]\nid = 1\n")
    with pytest.raises(ClaimsFileError) as info:
        load_claims(path)
    assert str(info.value).startswith(f"{path}: 1 problem\n  - not valid TOML: ")
    missing = tmp_path / "nope.toml"
    with pytest.raises(ClaimsFileError) as info:
        load_claims(missing)
    assert str(info.value) == f"{missing}: 1 problem\n  - file not found"


def test_empty_file(tmp_path):
    assert problems_of(write(tmp_path, "")) == [
        "missing [[claim]] records: expected at least one [[claim]] table"
    ]


# Wrong values for every key of a split figure, and what the error must say about each.
_BAD_SPLIT_VALUES = {
    "women": (-1, "a number >= 0"),
    "men": ("391", "a number >= 0"),
    "per": (500, "one of 100, 1000"),
    "year": (0, "an integer > 0"),
    "age": (True, "an integer >= 0"),
    "age_end": (-5, "an integer >= 0"),
    "order": ("women/men", "one of 'women:men', 'men:women'"),
    "as_written": ("", "a non-empty string"),
}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    key=st.sampled_from(sorted(_BAD_SPLIT_VALUES)),
    claim_id=st.sampled_from(
        ["census1959_permille_35_39", "census1959_pct_30_34", "census1959_permille_60_69"]
    ),
)
def test_any_bad_split_key_is_named(claims_text, key, claim_id):
    import tomllib

    from purgetoll.claims import parse_claims

    data = tomllib.loads(claims_text)
    raw = next(c for c in data["claim"] if c["id"] == claim_id)
    bad, expected = _BAD_SPLIT_VALUES[key]
    raw["figure"][key] = bad
    with pytest.raises(ClaimsFileError) as info:
        parse_claims(data, "claims.toml")
    assert info.value.problems == [
        f"[claim {claim_id}] figure.{key} must be {expected}; got {bad!r}"
    ]


def test_not_utf8_and_directory_name_the_file(tmp_path):
    """Issue 10: a claims file in another encoding gave a traceback; a directory was 'not found'."""
    path = tmp_path / "cp1251.toml"
    path.write_bytes('[[claim]]\nid = "x"\nquote = "Ежов"\n'.encode("cp1251"))
    with pytest.raises(ClaimsFileError) as info:
        load_claims(path)
    assert str(info.value) == (f"{path}: 1 problem\n  - not UTF-8 text: byte 0xc5 at byte offset 28 (line 3); "
                               "save the file as UTF-8")
    with pytest.raises(ClaimsFileError) as info:
        load_claims(tmp_path)
    assert str(info.value) == f"{tmp_path}: 1 problem\n  - is a directory, not a file"

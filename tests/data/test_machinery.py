"""The machinery tables: published figures, the reference README's own checks, bad input.

The checks reproduced here are those listed under "Checks made" in the machinery README of the
reference data (Krieger's total = the NKVD summary; Prikamye months = the printed totals; party
members March 1939 + increase = February 1941) plus the parts relations of the facts kind.
"""

from __future__ import annotations

import pytest

from purgetoll.data import MACHINERY_TABLES, catalog, check_table, key_totals, load, machinery
from purgetoll.errors import DataError


def _v(name: str, id_: str) -> float:
    df = machinery(name)
    return float(df.loc[df["id"] == id_, "value"].item())


def test_every_machinery_table_is_catalogued_and_passes_its_checks():
    cat = catalog().set_index("name")
    assert len(MACHINERY_TABLES) == 13
    for name in MACHINERY_TABLES:
        assert cat.loc[name, "group"] == "machinery" and cat.loc[name, "kind"] == "facts"
        assert cat.loc[name, "origin"].startswith("machinery/")
        df = machinery(name)
        assert check_table(name, load(name)) == [], name
        assert (df["source"].str.len() > 10).all(), name
        assert df.attrs["source"] == cat.loc[name, "source"]


def test_krieger_total_is_the_nkvd_summary_and_nationalities_are_a_part_of_it():
    name = "arrests_by_nationality_1936_1938"
    df = machinery(name)
    total = _v(name, "all")
    k = key_totals()
    assert total == 1_420_711 == k.loc[k["id"] == "svodka1938_arrested", "value"].item()
    groups = df[df["part_of"] == "all"]
    assert len(groups) == 10 and groups["value"].sum() < total
    assert _v(name, "poles") == 105_485 and _v(name, "poles_representation") == 1850
    assert _v(name, "russians_representation") == -23.6


def test_prikamye_months_sum_to_the_printed_totals():
    name = "victim_composition_regional_samples"
    df = machinery(name)
    assert df[df["part_of"] == "prikamye_total"]["value"].sum() == _v(name, "prikamye_total") == 7_959
    assert df[df["part_of"] == "prikamye_workers"]["value"].sum() == _v(name, "prikamye_workers") == 3_565
    assert _v(name, "prikamye_1937-12_workers_pct") == 72.4


def test_party_members_march_1939_plus_increase_is_february_1941():
    name = "party_membership_and_expulsions_1933_1946"
    assert _v(name, "members_1941_02") - _v(name, "members_1939_03") == 926_629
    assert _v(name, "members_1941_02") + _v(name, "candidates_1941_02") == _v(name, "total_1941_02") == 3_876_885
    d = machinery(name).query("dispute == 'party_members_1934'")
    assert d.loc[d["default"], "value"].tolist() == [1_874_488]
    assert d.loc[~d["default"], "value"].tolist() == [1_872_488]


def test_red_army_and_officer_turnover_with_the_printed_discrepancies():
    name = "red_army_strength_and_command_staff_1926_1941"
    assert _v(name, "army_1939_09_20") == 5_289_400
    df = machinery(name).set_index("id")
    assert df.loc["moves_1941-04_total", "documented_difference"] == 27_775 - (9_643 + 17_634 + 678)
    assert df.loc["moves_1941-06_total", "documented_difference"] == 26_768 - (8_794 + 17_190 + 694)
    assert df.loc["moves_1941-01_total", "value"] == 5_840 + 7_812 + 735
    assert df.loc["senior_lieutenants_1941_06", "qualifier"] == "not printed"


def test_special_settlers_register_and_totals():
    name = "special_settlers_kulak_exile_1930_1940"
    df = machinery(name)
    reg = df[df["metric"] == "on register at 31 December"].set_index("period")["value"]
    assert list(reg.index) == [str(y) for y in range(1932, 1941)]
    assert reg["1938"] == 938_552
    assert _v(name, "settlers_total_1930_1940") == 1_803_392 + 489_822 == 2_293_214
    share = df[df["metric"] == "deaths as share of those settled"].iloc[0]
    assert (share["value_low"], share["value_high"], share["unit"]) == (7.0, 9.5, "percent")


def test_social_structure_1927_in_persons():
    name = "social_structure_1927_baseline"
    assert _v(name, "workers_population") == _v(name, "workers_urban_population") + _v(name, "workers_rural_population") == 16_000_000
    assert _v(name, "peasants_kulaks_population") == 5_900_000


def test_disputes_keep_both_figures():
    amnesty = machinery("releases_and_amnesties_1939_1953").query("dispute == 'amnesty_1953'")
    assert amnesty.loc[amnesty["default"], "value"].tolist() == [1_201_738]
    assert amnesty.loc[~amnesty["default"], "value"].tolist() == [1_349_263]
    only = machinery("releases_and_amnesties_1939_1953", default_only=True)
    assert only.query("dispute == 'amnesty_1953'")["value"].tolist() == [1_201_738]
    assert only.attrs["table"] == "releases_and_amnesties_1939_1953"


def test_ranges_and_text_statements():
    fin = machinery("national_operations_supplement").set_index("id").loc["finnish_killed"]
    assert (fin["value_low"], fin["value_high"], fin["qualifier"]) == (8_000, 25_000, "range")
    t = machinery("operation_timing_and_throughput").set_index("id")
    assert t.loc["prikamye_rhythm", "qualifier"] == "text" and t.loc["prikamye_rhythm", "value_as_printed"]
    assert [t.loc[f"butovo_{d}", "value"] for d in ("1937-12-08", "1938-02-17", "1938-02-28")] == [474, 502, 562]
    assert t.loc["mordovia_cat1", "value"] + t.loc["mordovia_cat2", "value"] == t.loc["mordovia_sentenced", "value"] == 334


def test_bad_name_lists_the_tables():
    with pytest.raises(DataError) as exc:
        machinery("nkvd_staff")
    msg = str(exc.value)
    assert msg.startswith("machinery(): name must be one of 'arrests_by_nationality_1936_1938', 'gulag_population_supplement'")
    assert msg.endswith("; got 'nkvd_staff'")


def test_damaged_machinery_table_names_table_row_and_expectation():
    name = "victim_composition_regional_samples"
    df = load(name).copy()
    i = df.index[df["id"] == "prikamye_1937-10"][0]
    df.loc[i, ["value", "value_low", "value_high"]] = 1_869
    df.loc[i, "value_as_printed"] = "1869"
    assert [str(p) for p in check_table(name, df)] == [
        f"{name}, row id=prikamye_total: value 7,959 does not equal the sum of its parts "
        + " + ".join(f"prikamye_{m}" for m in ("1937-08", "1937-09", "1937-10", "1937-11", "1937-12", "1938-01", "1938-02", "1938-03", "1938-04", "1938_other_months"))
        + " = 7,859 (expected 7,859)"
    ]

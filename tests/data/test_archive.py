"""Archival loaders against the published figures they bundle.

Expected numbers come from the documents cited in ``catalog/archive.toml``: the 1953 MVD
certificate (ГАРФ ф.9401 оп.1 д.4157, as printed by Kurashvili 1996 and 'Stalinskaia epokha'
p.128), the 1954 Rudenko-Kruglov-Gorshenin memo, the Pospelov commission (1956), the Zubkin
certificate (1938), the Gulag mortality certificate (ГАРФ ф.9414), the prisons certificate
(ГАРФ ф.9413) and Werth's table of the Order 00447 limits.
"""

from __future__ import annotations

import pandas as pd
import pytest

from purgetoll.data import (
    army_purge,
    catalog,
    check_table,
    estimates,
    gulag,
    key_totals,
    load,
    operations,
    repression,
)
from purgetoll.errors import DataError

ARCHIVE = (
    "repression_convicted_by_year_1921_1953", "repression_convicted_mvd_vs_kgb_1921_1952",
    "repression_key_totals", "order_00447_limits_1937", "order_00447_limits_regional",
    "mass_and_national_operations_1937_1938", "army_purge_1935_1941", "gulag_deaths_1930_1956",
    "gulag_population_jan1_partial", "gulag_sex_composition_partial", "gulag_flows_misc",
    "prisons_population_quarterly_1939_1960", "purge_victim_estimates", "famine_1932_1933_estimates",
    "war_losses_and_population_milestones",
)  # fmt: skip


def _kt(id_: str) -> float:
    k = key_totals()
    return float(k.loc[k["id"] == id_, "value"].item())


def _conv(year: int, category: str, **kw) -> int:
    df = repression(**kw)
    return int(df.loc[(df["year"] == year) & (df["category"] == category), "value"].item())


# ---------------------------------------------------------------- catalog and checks


def test_every_archive_table_is_catalogued_with_citation_and_passes_its_checks():
    cat = catalog().set_index("name")
    for name in ARCHIVE:
        assert cat.loc[name, "group"] == "archive"
        assert len(cat.loc[name, "source"]) > 40 and len(cat.loc[name, "caveats"]) > 40
        assert check_table(name, load(name)) == [], name


def test_every_row_keeps_its_source():
    for name in ARCHIVE:
        df = load(name)
        assert df["source"].notna().all() and (df["source"].str.len() > 10).all(), name


# ---------------------------------------------------------------- key certificates


@pytest.mark.parametrize(
    ("id_", "value"),
    [
        ("pospelov_arrested", 1_548_366),  # Pospelov commission, 9 Feb 1956: arrested 1937-38
        ("pospelov_shot", 681_692),
        ("zubkin_arrested", 1_565_041),  # Zubkin certificate, 1 Oct 1936 - 1 Nov 1938
        ("zubkin_vmn", 668_305),
        ("memo1954_convicted", 3_777_380),  # Rudenko-Kruglov-Gorshenin memo, 1 Feb 1954
        ("memo1954_vmn", 642_980),
        ("cert1953_convicted", 4_060_306),
        ("cert1953_vmn", 799_455),
        ("oso_convicted", 442_531),
    ],
)
def test_key_totals_as_published(id_, value):
    assert _kt(id_) == value


def test_key_totals_parts_are_the_documents_own_sums():
    # memo: 642,980 + 2,369,220 + 765,180 = 3,777,380; + Kruglov's 282,926 = 4,060,306
    assert _kt("memo1954_vmn") + _kt("memo1954_camps") + _kt("memo1954_exile") == _kt("memo1954_convicted")
    assert _kt("memo1954_convicted") + _kt("kruglov1954_equated") == _kt("cert1953_convicted")
    k = key_totals()
    assert k.attrs["table"] == "repression_key_totals"
    assert "Pospelov" in k.attrs["source"]


def test_certificate_yearly_rows_give_the_1937_38_totals():
    death = _conv(1937, "death") + _conv(1938, "death")
    assert death == 681_692 == _kt("pospelov_shot") == _kt("vmn_1937_1938")
    assert _conv(1937, "total") + _conv(1938, "total") == 1_344_923 == _kt("convicted_1937_1938")
    assert repression(include_printed_totals=True).query("year.isna() and category == 'total'")["value"].item() == _kt(
        "cert1953_convicted"
    )


# ---------------------------------------------------------------- typos: printed vs corrected


@pytest.mark.parametrize(
    ("year", "category", "corrected", "printed"),
    [(1932, "death", 2_728, 22_728), (1937, "total", 790_665, 665), (1938, "exile", 16_842, 16_342),
     (1948, "total", 73_269, 73_263)],
)  # fmt: skip
def test_typos_corrected_by_default_printed_on_request(year, category, corrected, printed):
    assert _conv(year, category) == corrected
    assert _conv(year, category, values="as_printed") == printed
    row = repression().query("year == @year and category == @category").iloc[0]
    assert row["value_as_printed"] == printed and row["correction_note"]
    assert repression(values="as_printed").attrs["values"] == "as_printed"


def test_corrected_rows_add_up_and_the_document_own_difference_is_kept():
    df = repression()
    wide = df.pivot(index="year", columns="category", values="value").fillna(0).astype(int)
    diff = wide["total"] - wide[["death", "camps", "exile", "other"]].sum(axis=1)
    assert diff[diff != 0].to_dict() == {1941: -10}  # printed 75,411 vs components 75,421
    assert int(df.query("year == 1941 and category == 'total'")["documented_difference"].item()) == -10
    printed = repression(values="as_printed").pivot(index="year", columns="category", values="value").fillna(0)
    bad = printed["total"] - printed[["death", "camps", "exile", "other"]].sum(axis=1)
    assert set(bad[bad != 0].index) == {1932, 1937, 1938, 1941, 1948}


def test_series_cover_their_years_and_disagree_where_documented():
    mvd = repression()
    assert sorted(mvd["year"].unique()) == list(range(1921, 1954))
    assert mvd.query("year == 1953")["period"].unique().tolist() == ["1953-H1"]
    kgb = repression("kgb", category="total").set_index("year")["value"]
    other = repression("mvd_1st_special_dept", category="total").set_index("year")["value"]
    assert list(kgb.index) == list(range(1921, 1953))
    assert kgb[1937] == other[1937] == 790_665
    assert (kgb[1936], other[1936]) == (114_383, 274_670)
    assert sorted(kgb.index[kgb != other]) == [1925, 1931, 1936, *range(1939, 1953)]


def test_repression_filters_by_category_and_years():
    df = repression(category=["death"], years=(1936, 1939))
    assert df["year"].tolist() == [1936, 1937, 1938, 1939]
    assert df["value"].tolist() == [1_118, 353_074, 328_618, 2_552]
    # death penalty abolished May 1947 - Jan 1950: blank as printed, not zero
    assert repression(category="death", years=(1948, 1949))["value"].isna().all()


# ---------------------------------------------------------------- disagreements


@pytest.mark.parametrize(
    ("dispute", "default", "others"),
    [
        ("convicted_1937", 790_665, {796_713}),
        ("convicted_1938", 554_258, {558_583}),
        ("convicted_1939", 63_889, {66_627}),
        ("death_sentences_1921_1953", 799_455, {642_980}),
    ],
)
def test_disagreeing_sources_are_both_kept_with_the_archival_default(dispute, default, others):
    k = key_totals().query("dispute == @dispute")
    assert k.loc[k["default"], "value"].tolist() == [default]
    assert set(k.loc[~k["default"], "value"]) == others
    d = key_totals(default_only=True)
    assert d.query("dispute == @dispute")["value"].tolist() == [default]


def test_order_00447_results_disagree_and_werth_is_the_default():
    res = operations("results")
    shot = res.query("dispute == 'order_00447_shot'")
    assert shot.loc[shot["default"], "value"].tolist() == [387_000]
    assert set(shot.loc[~shot["default"], "value"].fillna(shot["value_low"])) == {390_000, 436_000, 376_202}
    assert res.query("id == 'o447_sentenced_werth'")["value"].item() == 767_000
    assert len(operations("results", default_only=True).query("dispute == 'order_00447_shot'")) == 1


# ---------------------------------------------------------------- operations


def test_order_00447_initial_limits_sum_exactly_to_the_all_union_limits():
    lim = operations("limits")
    ussr = lim.query("region == 'USSR'").set_index("category")["value"]
    assert (ussr["1"], ussr["2"], ussr["total"]) == (75_950, 193_000, 268_950)
    assert ussr["1"] + ussr["2"] == ussr["total"]
    regions = lim.query("parent_region == 'USSR'")
    assert regions.groupby("category")["value"].sum().to_dict() == {"1": 75_950, "2": 193_000}
    assert len(regions["region"].unique()) == 12
    rsfsr = regions.query("region == 'RSFSR'").set_index("category")["value"]
    assert (rsfsr["1"], rsfsr["2"]) == (47_450, 142_150)
    assert operations("limits", category="1")["category"].unique().tolist() == ["1"]


def test_regional_limits_and_their_increases():
    reg = operations("regional_limits")
    kal = reg.query("region == 'Kalinin oblast'")
    init = kal.query("stage == 'initial'").set_index("category")["value"]
    assert (init["total"], init["1"], init["2"]) == (4_000, 1_000, 3_000)
    inc = kal.query("stage == 'increase'").groupby("category")["value"].sum()
    assert inc.to_dict() == {"1": 1_500 + 700 + 1_500, "2": 1_000 + 500}
    kr = reg.query("region == 'Krasnoyarsk krai'").set_index("stage")["value"]
    assert (kr["initial"], kr["raised_to"]) == (750, 7_350)


def test_national_operations():
    res = operations("results").set_index("id")
    assert res.loc["polish_arrested", "value"] == 143_810
    assert res.loc["polish_shot", "value"] + res.loc["polish_camps", "value"] == res.loc["polish_convicted", "value"] == 139_835
    assert res.loc["national_ops_shot", "value"] == 247_157
    assert (res.loc["national_ops_sentenced", "value_low"], res.loc["national_ops_sentenced", "value_high"]) == (340_000, 350_000)


# ---------------------------------------------------------------- the Gulag and prisons


def test_gulag_deaths_by_year_and_printed_total():
    d = gulag("deaths").set_index("year")
    assert (d.loc[1937, "deaths"], d.loc[1938, "deaths"]) == (31_056, 108_654)
    assert (d.loc[1937, "deaths_pct_of_average_population"], d.loc[1938, "deaths_pct_of_average_population"]) == (2.42, 5.35)
    assert list(d.index) == list(range(1930, 1957))
    assert d["deaths"].sum() == 1_606_742
    total = gulag("deaths", include_printed_total=True).query("year.isna()")
    assert total["deaths"].item() == 1_606_748 and total["documented_difference"].item() == 6
    # deaths / rate: 31,056 / 2.42% = 1,283,306 prisoners on average in 1937
    assert d.loc[1937, "average_population_implied"] == round(31_056 * 100 / 2.42)
    assert 1_196_369 < d.loc[1937, "average_population_implied"] < 1_900_000


def test_gulag_population_sex_and_prisons():
    pop = gulag("population").set_index("date")
    assert pop.loc["1937-01-01", "prisoners"] == 1_196_369
    assert set(gulag("population", coverage="camps")["coverage"]) == {"camps"}
    sex = gulag("sex", coverage="colonies").query("date == '1943-01-01'").set_index("sex")
    assert (sex.loc["male", "count"], sex.loc["female", "count"]) == (337_737, 131_928)
    assert sex.loc["male", "pct"] + sex.loc["female", "pct"] == pytest.approx(100.0)
    women = gulag("sex").query("coverage == 'camps_and_colonies' and sex == 'female'").set_index("date")["pct"]
    assert women.to_dict() == {"1937-01-01": 6.1, "1941-01-01": 8.1}
    pr = gulag("prisons").set_index("date")
    assert pr.loc["1939-01-01", "count"] == 352_508
    assert (pr.loc["1941-07-01", "count"], pr.loc["1941-07-01", "value_as_printed"]) == (206_430, "206 4301")
    assert len(pr) == 21 * 4 + 1


# ---------------------------------------------------------------- estimates and the army


def test_published_estimates_with_bounds():
    c = estimates("purge", author="Conquest").set_index("id")
    assert c.loc["p1", "value"] == 7_000_000 and c.loc["p1", "measure"] == "arrests"
    assert c.loc["p2", "value"] == 1_000_000 and c.loc["p3", "value"] == 2_000_000
    ellman = estimates(author="Ellman").iloc[0]
    assert (ellman["value_low"], ellman["value_high"], ellman["qualifier"]) == (950_000, 1_200_000, "range")
    adh = estimates("famine", author="ADH").iloc[0]
    assert (adh["value"], adh["value_as_printed"]) == (7_300_000, "7.3 million")
    ex = estimates(measure="executions")
    assert set(ex["subject"]) == {"purge"} and 724_000 in set(ex["value"])
    assert len(estimates()) == len(estimates("purge")) + len(estimates("famine"))


def test_army_purge():
    a = army_purge().set_index("id")
    parts = a[a["part_of"] == "guk_dismissed_1937_1938"]["value"]
    assert parts.sum() == a.loc["guk_dismissed_1937_1938", "value"] == 35_020
    assert [a.loc[f"rgva_dismissed_{y}", "value"] for y in range(1935, 1940)] == [6_198, 5_677, 18_658, 16_362, 1_878]
    assert a.loc["cherushev_arrested_1937", "computed"]


# ---------------------------------------------------------------- bad choices


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: repression("nkvd"), "repression(): series must be one of 'mvd_1953', 'mvd_1st_special_dept', 'kgb'; got 'nkvd'"),
        (lambda: repression(category="shot"), "repression(): category must be one of 'total', 'death', 'camps', 'exile', 'other'; got 'shot'"),
        (lambda: repression(values="raw"), "repression(): values must be one of 'corrected', 'as_printed'; got 'raw'"),
        (lambda: repression(years=(1938, 1937)), "repression(): years must be (first, last) with first <= last; got (1938, 1937)"),
        (lambda: gulag("camps"), "gulag(): what must be one of 'deaths', 'population', 'sex', 'prisons'; got 'camps'"),
        (lambda: gulag("deaths", coverage="camps"), "gulag(): coverage applies to what='population' or 'sex' only; got what='deaths'"),
        (lambda: gulag("population", coverage="prisons"), "gulag(): coverage must be one of 'camps', 'camps_and_colonies'; got 'prisons'"),
        (lambda: estimates("war"), "estimates(): subject must be one of 'purge', 'famine', 'all'; got 'war'"),
        (lambda: operations("quotas"), "operations(): what must be one of 'limits', 'regional_limits', 'results'; got 'quotas'"),
        (lambda: operations("limits", category="3"), "operations(): category must be one of '1', '2', 'total'; got '3'"),
        (lambda: operations("results", category="1"), "operations(): category applies to what='limits' or 'regional_limits' only"),
    ],
)
def test_bad_choices_name_the_valid_ones(call, message):
    with pytest.raises(DataError) as exc:
        call()
    assert str(exc.value) == message


def test_estimates_bad_measure_lists_the_measures():
    with pytest.raises(DataError) as exc:
        estimates(measure="deaths")
    assert str(exc.value).startswith("estimates(): measure must be one of 'arrests', 'executions', 'camp_deaths'")
    assert str(exc.value).endswith("got 'deaths'")


def test_loaders_carry_citations():
    for df in (repression(), key_totals(), gulag(), gulag("prisons"), estimates("purge"), operations(), army_purge()):
        assert isinstance(df, pd.DataFrame)
        assert df.attrs["table"] and len(df.attrs["source"]) > 40 and df.attrs["unit"]

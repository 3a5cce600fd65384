"""The error model of the evidence: its components, settings (file and --set), draws, and their arithmetic."""

from __future__ import annotations

import numpy as np
import pytest

from purgetoll.demography import annual_qx, census_single
from purgetoll.demography.baseline import expected, qx_for
from purgetoll.demography.census_errors import mobile_shape, padding_shares, true_1937, true_1939
from purgetoll.demography.evidence import ErrorModel, component, components
from purgetoll.demography.heaping import correct_local_heaping, local_heaps, move_to_heaps
from purgetoll.demography.mortality import UnderRegistration
from purgetoll.errors import ScenarioError

OFFICIAL_1939 = 170_557_093


def test_every_component_is_declared_with_source_or_assumption_and_a_valid_prior():
    names = [c.name for c in components()]
    assert len(names) == len(set(names))
    for c in components():
        assert c.param.doc and c.param.unit is not None
        assert c.param.check(c.param.default) is None
        if c.draw != "fixed":
            lo, hi = c.prior
            assert lo <= c.param.default <= hi or c.name in ("in_transit_1937_persons",), c.name
        # a component without a bundled figure behind it says it is an assumption
        assert c.param.assumption or "assumption" in c.param.doc or c.evidence or "range" in c.param.doc


def test_ranges_come_from_the_sources():
    """Padding: ADH's upper true total 168.871M and Volkov's 167.6M (endorsed by Tolts 2020) against the
    official total; default Zhiromskaya's 167.6-167.7M (middle). Hazard at ages 1+: ADH's RSFSR women's
    rates of 1937-38 over the official 1938-39 table, 5-year groups 15-74 (lowest 40.4/ (1000 x official 20-24
    m) ...): the bounds are the extreme groups."""
    pad = component("padding_1939_persons")
    assert pad.prior == (OFFICIAL_1939 - 168_871_000, OFFICIAL_1939 - 167_600_000)
    assert pad.param.default == OFFICIAL_1939 - 167_650_000
    k = component("hazard_multiplier_age1plus")
    assert k.prior == pytest.approx((1.0392, 1.2703), abs=1e-4)
    assert "adh_rsfsr_death_rates_1936_1939" in k.param.doc
    nk = component("nkvd_contingent_1937_persons")
    assert nk.prior == (199_273, 270_730)  # remainder of the census total, contingent A
    births = component("births_1937_1938_scale")
    assert births.prior[1] == pytest.approx(1.0278 + 0.02, abs=1e-3)  # ADH's crude birth rates x population


def test_settings_from_a_file_and_the_command_line(tmp_path):
    f = tmp_path / "errors.toml"
    f.write_text('padding_1939_persons = { value = 2500000, source = "my reading of Tolts 2020" }\n'
                 'hazard_multiplier_age1plus = { low = 1.1, high = 1.2, source = "assumption: narrower" }\n')
    m = ErrorModel.from_toml(f).with_sets(["mobile_male_weight=2", "undercount_1937_share=0..0.005"])
    assert m.prior("padding_1939_persons") == ("fixed", 2_500_000, 2_500_000)
    assert m.prior("hazard_multiplier_age1plus") == ("uniform", 1.1, 1.2)
    assert m.prior("undercount_1937_share") == ("uniform", 0.0, 0.005)
    d = m.draw(200, seed=4)
    assert (d["padding_1939_persons"] == 2_500_000).all() and (d["mobile_male_weight"] == 2).all()
    assert d["hazard_multiplier_age1plus"].min() >= 1.1 and d["hazard_multiplier_age1plus"].max() <= 1.2
    t = m.table().set_index("name")
    assert t.loc["padding_1939_persons", "set_by"] == "user"
    assert t.loc["padding_1939_persons", "source"] == "my reading of Tolts 2020"
    assert bool(t.loc["hazard_multiplier_age1plus", "assumption"]) is True


def test_bad_error_model_file_lists_every_problem(tmp_path):
    f = tmp_path / "bad.toml"
    f.write_text('padding = { value = 1, source = "x" }\n'
                 'padding_1939_persons = 2500000\n'
                 'mobile_male_weight = { value = 50, source = "x" }\n'
                 'hazard_multiplier_age1plus = { low = 1.3, high = 1.1, source = "x" }\n'
                 'anchor_women_tolerance_persons = { low = 1, high = 2, source = "x" }\n'
                 'births_1937_1938_scale = { value = 1.0 }\n')
    with pytest.raises(ScenarioError) as err:
        ErrorModel.from_toml(f)
    valid = ", ".join(sorted(c.name for c in components()))
    assert str(err.value) == (
        f"{f}: 6 problems\n"
        f"  - unknown key 'padding' (valid: {valid})\n"
        "  - padding_1939_persons = 2500000 has no source: write padding_1939_persons = { value = 2500000, "
        "source = \"...\" } or padding_1939_persons = { low = ..., high = ..., source = \"...\" }\n"
        "  - mobile_male_weight must be in [0.2, 10] ratio; got 50\n"
        "  - hazard_multiplier_age1plus: low 1.3 is above high 1.1\n"
        "  - anchor_women_tolerance_persons is not drawn (a fixed setting of the method): give a value, not a range\n"
        "  - births_1937_1938_scale has no source: every number needs its citation (or 'assumption: why')")
    g = tmp_path / "garbled.toml"
    g.write_text("padding_1939_persons = {")
    with pytest.raises(ScenarioError, match=r"garbled.toml: 1 problem\n  - not valid TOML: "):
        ErrorModel.from_toml(g)
    with pytest.raises(ScenarioError) as err:
        ErrorModel.from_toml(tmp_path / "missing.toml")
    assert str(err.value) == f"{tmp_path / 'missing.toml'}: 1 problem\n  - cannot read the file (No such file or directory)"


def test_bad_set_items_list_every_problem():
    with pytest.raises(ScenarioError) as err:
        ErrorModel.default().with_sets(["padding_1939_persons", "nope=1", "mobile_male_weight=abc",
                                        "padding_1939_persons=-5", "undercount_1937_share=0..x",
                                        "padding_1939_mobile_age_min=10..20"])
    valid = ", ".join(sorted(c.name for c in components()))
    assert str(err.value) == (
        "--set: 6 problems\n"
        "  - 'padding_1939_persons': expected KEY=VALUE or KEY=LOW..HIGH\n"
        f"  - unknown key 'nope' (valid: {valid})\n"
        "  - mobile_male_weight: expected a number; got 'abc'\n"
        "  - padding_1939_persons must be in [0, 10000000] persons; got -5\n"
        "  - undercount_1937_share: expected LOW..HIGH as two numbers; got '0..x'\n"
        "  - padding_1939_mobile_age_min is not drawn (a fixed setting of the method): give a value, not a range")


def test_draws_are_keyed_by_name_and_prefix_stable():
    a, b = ErrorModel.default().draw(100, seed=3), ErrorModel.default().draw(30, seed=3)
    for c in components():
        assert np.array_equal(a[c.name][:30], b[c.name])
    fixed = ErrorModel.default().with_sets(["padding_1939_persons=2e6"]).draw(100, seed=3)
    assert np.array_equal(fixed["hazard_multiplier_age1plus"], a["hazard_multiplier_age1plus"])  # others unchanged


def test_padding_removed_where_the_shape_puts_it():
    c39 = census_single(1939)
    m = ErrorModel.default().with_sets(["padding_1939_persons=2.5e6", "padding_1939_working_age_share=0",
                                        "digit_preference_strength=0"])
    prop = true_1939(c39, m.central_draw())[0]
    assert prop.sum() == pytest.approx(OFFICIAL_1939 - 2.5e6)
    assert np.allclose(prop / c39, (OFFICIAL_1939 - 2.5e6) / OFFICIAL_1939)  # in proportion to every cell
    mob = ErrorModel.default().with_sets(["padding_1939_persons=2.5e6", "padding_1939_working_age_share=1",
                                          "digit_preference_strength=0", "mobile_male_weight=2"])
    removed = c39 - true_1939(c39, mob.central_draw())[0]
    assert removed.sum() == pytest.approx(2.5e6)
    assert removed[:, :16].sum() == 0 and removed[:, 60:].sum() == 0
    men, women = removed[0, 16:60].sum() / c39[0, 16:60].sum(), removed[1, 16:60].sum() / c39[1, 16:60].sum()
    assert men / women == pytest.approx(2.0)
    spread = mob.draw(500, seed=1)
    shares = padding_shares(np.broadcast_to(c39, (500, 2, 101)), spread)
    assert np.allclose(shares.sum((-2, -1)), 1.0)
    cell = shares[:, 0, 20:25].sum(-1)  # men 20-24: Dirichlet around the mobile shape, concentration 500
    mean = mobile_shape(c39, spread)[0, 0, 20:25].sum()
    assert cell.mean() == pytest.approx(mean, rel=0.02)
    assert cell.std() == pytest.approx(np.sqrt(mean * (1 - mean) / 501), rel=0.15)


def test_1937_corrections_add_what_the_draw_says():
    c37 = census_single(1937)
    m = ErrorModel.default().with_sets(["digit_preference_strength=0", "undercount_1937_share=0.01",
                                        "infant_undercount_1937_scale=1", "in_transit_1937_persons=300000",
                                        "nkvd_contingent_1937_persons=270730", "army_1937_age_min=19",
                                        "army_1937_age_max=25"])
    p = true_1937(c37, m.central_draw())[0]
    army_men, army_women = 1_681_043, 1_526  # Zhiromskaya & Polyakov 2007 p.37
    from purgetoll.data import census

    raw = census(1937, "single").groupby("age")["count"].sum()  # as counted (unknown ages not spread)
    infants = 4_933_000 - raw[0] + 3_811_000 - raw[1]  # ADH p.35 at ages 0 and 1
    assert p.sum() == pytest.approx(c37.sum() * 1.01 + infants + 300_000 + 270_730 + army_men + army_women, rel=1e-9)
    # contingent A: 7,264 women of 270,730
    no_army = true_1937(c37, m.central_draw(), army=False)[0]
    added = p - no_army
    assert added[1].sum() == pytest.approx(army_women + 7_264)
    assert added[:, :19].sum() == 0 and added[:, 26:].sum() == 0


def test_local_heaping_keeps_people_and_moves_them_to_neighbours():
    """A flat 1,120 at ages 58-62 of which 480 report 60 (120 from each neighbour): the census shows 1,600
    at 60 and 1,000 around it, an excess of 600 = 5/4 x 480; the correction gives back the flat truth."""
    c = np.full(101, 1000.0)
    c[60] = 1600.0
    assert local_heaps(c)[list(range(10, 90, 5)).index(60)] == pytest.approx(480)
    out = correct_local_heaping(c, 1.0)
    assert out.sum() == pytest.approx(c.sum())
    assert out[58:63] == pytest.approx([1120] * 5)
    half = correct_local_heaping(c, 0.5)
    assert half[60] == pytest.approx(1360)
    assert np.allclose(correct_local_heaping(np.full(101, 7.0), 1.0), 7.0)  # no heap, no change
    flat = np.full(101, 1120.0)
    heaped = move_to_heaps(flat, np.where(np.arange(10, 90, 5) == 60, 480.0, 0.0))
    assert heaped[58:63] == pytest.approx([1000, 1000, 1600, 1000, 1000])


def test_baseline_mortality_per_sex_and_draw():
    m = ErrorModel.default().with_sets(["hazard_multiplier_age1plus=1.2", "infant_qx_multiplier=1.1",
                                        "male_hazard_ratio=1"])
    q = qx_for(m.central_draw())(1938.0)[0]
    corr = UnderRegistration(1.1, 1.2)
    assert np.allclose(q[0], annual_qx(1938.0, "male", correction=corr), rtol=1e-12)
    assert np.allclose(q[1], annual_qx(1938.0, "female", correction=corr), rtol=1e-12)
    men = qx_for(m.with_sets(["male_hazard_ratio=1.05"]).central_draw())(1938.0)[0, 0]
    h = -np.log1p(-q[0, 1:90])
    assert np.allclose(-np.log1p(-men[1:90]), h * 1.05, rtol=1e-9)


def test_births_scale_adds_births_and_only_births():
    pop = np.broadcast_to(census_single(1937), (1, 2, 101))
    base = ErrorModel.default().with_sets(["births_1937_1938_scale=1"]).central_draw()
    more = ErrorModel.default().with_sets(["births_1937_1938_scale=1.02"]).central_draw()
    a = expected(pop, "1937-01-06", "1939-01-17", base)
    b = expected(pop, "1937-01-06", "1939-01-17", more)
    assert b.births.sum() == pytest.approx(a.births.sum() * 1.02)
    assert np.allclose(a.population[..., 3:], b.population[..., 3:])  # the cohorts alive in 1937 are untouched

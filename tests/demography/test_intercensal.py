"""Cohort survival and deficits between censuses, against the published figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from purgetoll.demography import CensusCorrections, census_single, cohort_survival, deficit
from purgetoll.errors import DataError

# Published cohort survival 1939 -> 1959 of the cohorts born 1890-1926 (percent).
VISHNEVSKY_MEN, VISHNEVSKY_WOMEN = 53.0, 82.0


@pytest.mark.parametrize("start", ["adh:1939", "census:1939"])
def test_cohort_survival_1939_1959_matches_vishnevsky(start):
    """Vishnevsky, 'Demographic consequences of the Great Patriotic War' (cyberleninka), as
    collected in war_losses_and_population_milestones: of the cohorts born 1890-1926, 53% of the
    men and 82% of the women counted in 1939 were counted again in 1959. Tolerance 1.5 points.

    Territory: the 1959 census counts post-1945 borders, so the 1939 base is ADH's 1 January 1939
    in 1946 borders (``adh:1939``), or the 1939 census brought to 1946 borders by ADH's ratio and
    corrected for its padding (``census:1939``)."""
    df = cohort_survival(start, "census:1959", "1890-1926", draws=200, seed=1)
    got = df.set_index("sex")["survival"] * 100
    assert got["male"] == pytest.approx(VISHNEVSKY_MEN, abs=1.5)
    assert got["female"] == pytest.approx(VISHNEVSKY_WOMEN, abs=1.5)
    for _, r in df.iterrows():
        assert r["survival_lower_95"] <= r["survival"] <= r["survival_upper_95"]
    assert any("1946 borders" in a for a in df.attrs["assumptions"])


def test_territory_assumption_matters():
    """Without bringing 1939 to the 1959 borders, male survival looks about 5 points better."""
    off = cohort_survival("census:1939", "census:1959", "1890-1926", draws=50,
                          corrections=CensusCorrections(territory=None))
    on = cohort_survival("census:1939", "census:1959", "1890-1926", draws=50)
    assert off.set_index("sex").loc["male", "survival"] - on.set_index("sex").loc["male", "survival"] > 0.04
    assert any("territory NOT adjusted" in a for a in off.attrs["assumptions"])


def test_survival_by_cohort_adds_up_to_survival_by_sex():
    by_sex = cohort_survival("adh:1939", "census:1959", (1900, 1909), draws=20)
    by_cohort = cohort_survival("adh:1939", "census:1959", (1900, 1909), by="cohort", draws=20)
    assert len(by_cohort) == 20
    sums = by_cohort.groupby("sex")[["count_start", "count_end"]].sum()
    for sex in ("male", "female"):
        row = by_sex.set_index("sex").loc[sex]
        assert sums.loc[sex, "count_start"] == pytest.approx(row["count_start"], rel=1e-12)
        assert sums.loc[sex, "count_end"] == pytest.approx(row["count_end"], rel=1e-12)


def test_same_seed_same_numbers():
    a = cohort_survival("census:1937", "census:1939", "1880-1920", draws=64, seed=5)
    b = cohort_survival("census:1937", "census:1939", "1880-1920", draws=64, seed=5)
    c = cohort_survival("census:1937", "census:1939", "1880-1920", draws=64, seed=6)
    pd.testing.assert_frame_equal(a, b)
    assert not np.array_equal(a["survival_lower_95"], c["survival_lower_95"])
    assert np.array_equal(a["survival"], c["survival"])  # the central estimate does not depend on the seed


def test_deficit_1939_1959():
    d = deficit("adh:1939", "census:1959", draws=200, seed=2)
    assert list(d.columns[:8]) == ["sex", "cohort", "cohort_first", "cohort_last", "start", "expected", "observed", "deficit"]
    assert (d["expected"] < d["start"]).all()  # no births, normal mortality: every cohort shrinks
    assert np.allclose(d["deficit"], d["expected"] - d["observed"])
    assert d["cohort"].iloc[0] == "1860-1864" and d["cohort"].iloc[15] == "1935-1938"
    tot = d.groupby("sex")["deficit"].sum()
    # far more men missing than women, and millions of each
    assert tot["male"] > 2.5 * tot["female"] > 5e6
    # men of the 1900-1924 cohorts, aged 14-38 in 1939: a third or more missing in 1959
    men = d[(d["sex"] == "male") & d["cohort_first"].between(1900, 1920)]
    assert (men["deficit_share"] > 0.33).all()
    for name in ("expected", "observed", "deficit"):
        assert (d[f"{name}_lower_95"] <= d[f"{name}_upper_95"]).all()
    # observed in 1959 is the census: cohorts 1860-1938 are aged 20-99 on 15 Jan 1959
    c59 = census_single(1959)
    observed = d.groupby("sex")["observed"].sum()
    for i, sex in enumerate(("male", "female")):
        assert c59[i, 21:99].sum() < observed[sex] < c59[i, 20:100].sum()


def test_single_year_cohorts_add_up_to_groups():
    five = deficit("census:1937", "census:1939", cohorts="1900-1909", draws=10)
    one = deficit("census:1937", "census:1939", cohorts="1900-1909", width=1, draws=10)
    assert len(one) == 20 and len(five) == 4
    s1 = one.assign(g=(one["cohort_first"] // 5) * 5).groupby(["sex", "g"])[["expected", "observed"]].sum()
    s5 = five.set_index(["sex", "cohort_first"])[["expected", "observed"]]
    s5.index.names = ["sex", "g"]
    pd.testing.assert_frame_equal(s1.sort_index(), s5.sort_index(), rtol=1e-12)


def test_bad_input():
    with pytest.raises(DataError) as err:
        cohort_survival("census:1959", "census:1939", "1890-1926")
    assert str(err.value) == ("intercensal: the end (census:1939, 1939-01-17) must come after the start "
                              "(census:1959, 1959-01-15)")
    with pytest.raises(DataError) as err:
        cohort_survival("census:1939", "census:1959", "1890-1940")
    assert str(err.value) == "cohorts: cohort 1940 is not wholly born by the start (census:1939, 1939-01-17)"
    with pytest.raises(DataError) as err:
        cohort_survival("census:1940", "census:1959", "1890-1926")
    assert str(err.value).startswith("endpoint: expected census:YEAR (YEAR in 1926, 1937, 1939, 1959) or adh:YEAR[:BORDERS]")
    with pytest.raises(DataError) as err:
        cohort_survival("adh:1939", "census:1959", "1890-1926", by="age")
    assert str(err.value) == "cohort_survival: by must be 'sex' or 'cohort'; got 'age'"
    with pytest.raises(DataError) as err:
        deficit("adh:1939", "census:1959", cohorts="1850-1900", draws=5)
    assert str(err.value) == "cohorts: cohort 1850 is in the open age group 100+ at the end (1959-01-15); use cohorts born after 1859"

"""Life tables against the published summary (Goskomstat 1989 via Demoscope: e0 1926-27 M 41.93 /
F 46.79; 1938-39 M 43.99 / F 49.69; 1958-59 M 64.42 / F 71.68) and the life-table identities."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from purgetoll.data import LIFE_TABLE_PERIODS, LIFE_TABLE_SEXES, life_table, load
from purgetoll.errors import DataError

E0 = {
    ("1926-1927", "male"): 41.93,
    ("1926-1927", "female"): 46.79,
    ("1938-1939", "male"): 43.99,
    ("1938-1939", "female"): 49.69,
    ("1958-1959", "male"): 64.42,
    ("1958-1959", "female"): 71.68,
}


@pytest.mark.parametrize(("period", "sex"), sorted(E0))
def test_life_expectancy_at_birth_matches_the_published_value(period, sex):
    lt = life_table(period, sex)
    assert lt["ex"].iloc[0] == E0[(period, sex)]
    # and it is what the table's own person-years give, to the printed 2 decimals
    assert lt["Tx"].iloc[0] / lt["lx"].iloc[0] == pytest.approx(E0[(period, sex)], abs=0.005)


@pytest.mark.parametrize("sex", LIFE_TABLE_SEXES)
@pytest.mark.parametrize("period", LIFE_TABLE_PERIODS)
def test_contract_and_identities(period, sex):
    lt = life_table(period, sex)
    assert list(lt.columns) == ["age", "lx", "dx", "qx", "px", "Lx", "Tx", "ex"]
    assert lt["age"].tolist() == list(range(101))
    assert lt["lx"].iloc[0] == 100_000
    lx = lt["lx"].to_numpy()
    np.testing.assert_array_equal(lt["dx"].to_numpy()[:-1], lx[:-1] - lx[1:])
    np.testing.assert_array_equal(lt["Tx"].to_numpy()[:-1], lt["Lx"].to_numpy()[:-1] + lt["Tx"].to_numpy()[1:])
    np.testing.assert_allclose(lt["px"] + lt["qx"], 1.0, atol=1e-12)
    assert (np.diff(lx) <= 0).all()
    assert lt.attrs["period"] == period and lt.attrs["sex"] == sex
    assert "Госкомстат" in lt.attrs["source"]


def test_women_outlive_men_in_every_period():
    for period in LIFE_TABLE_PERIODS:
        assert life_table(period, "female")["ex"].iloc[0] > life_table(period, "male")["ex"].iloc[0]


def test_transcription_slip_corrected_and_printed_value_kept():
    lt = life_table("1926-1927", "male")
    assert lt.loc[85, "Lx"] == 5220
    raw = load("life_tables")
    row = raw[(raw["period"] == "1926-1927") & (raw["sex"] == "male") & (raw["age"] == 85)].iloc[0]
    assert row["Lx_as_printed"] == 5020
    assert row["correction_note"].startswith("Lx given as 5020 in the transcribed table")
    assert "corrected to 5220 = T85 - T86" in row["correction_note"]
    others = raw[raw["correction_note"].isna() | (raw["correction_note"] == "")]
    assert (others["Lx"] == others["Lx_as_printed"]).all()
    assert len(raw) - len(others) == 1


def test_summary_table_is_a_subset_of_the_full_tables():
    s = load("life_expectancy_summary")
    assert len(s) == 45
    for _, r in s.iterrows():
        lt = life_table(r["period"], r["sex"])
        assert lt.loc[int(r["age"]), "ex"] == r["ex"]
        assert lt.loc[int(r["age"]), "qx"] == r["qx"]


@given(period=st.sampled_from(LIFE_TABLE_PERIODS), sex=st.sampled_from(LIFE_TABLE_SEXES), x=st.integers(0, 99), n=st.integers(1, 30))
def test_survival_is_the_product_of_px_within_rounding(period, sex, x, n):
    """l(x+n)/l(x) = prod p: px is printed to 5 decimals and lx rounded, so allow for both."""
    lt = life_table(period, sex)
    n = min(n, 100 - x)
    ratio = lt["lx"].iloc[x + n] / lt["lx"].iloc[x]
    prod = float(np.prod(lt["px"].iloc[x : x + n]))
    tol = n * 0.5e-5 + 1.0 / lt["lx"].iloc[x + n] + 1.0 / lt["lx"].iloc[x]
    assert abs(ratio - prod) <= tol * max(1.0, prod) + 1e-12


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("1937-1938", "male"), "life_tables: period '1937-1938' is not bundled (valid: 1926-1927, 1938-1939, 1958-1959)"),
        (("1958-1959", "men"), "life_tables: sex 'men' is not one of male, female, both"),
    ],
)
def test_bad_arguments(args, message):
    with pytest.raises(DataError) as err:
        life_table(*args)
    assert str(err.value) == message

"""Life tables by single year of age with an open last age group.

A life table is built either from death probabilities ``qx`` or from death rates ``mx`` (per
person-year). The mathematics works on numpy arrays whose *last* axis is age, so a batch of
thousands of tables (one per Monte Carlo draw) is built in one call; the public functions wrap it
in a tidy DataFrame.

Conventions (Preston, Heuveline & Guillot, *Demography: Measuring and Modeling Population
Processes*, Blackwell 2001, ch. 3):

- ``lx`` survivors at exact age x out of ``radix`` births (default 100,000, as the official Soviet
  tables print it); ``dx = lx * qx``; ``Lx`` person-years lived between x and x+1;
  ``Tx`` person-years lived above x; ``ex = Tx / lx`` (years).
- ``ax`` (years) is the average time lived in the year of death by those who die at age x:
  0.5 above age 0; at age 0 the Coale-Demeny formulas (Coale & Demeny, *Regional Model Life
  Tables and Stable Populations*, 2nd ed. 1983, as tabulated in Preston et al. 2001, Table 3.3).
- The last age is open (for example 100+): ``q = 1`` there and ``L = l / m_open`` where
  ``m_open`` is the death rate of the open group.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from purgetoll.errors import DataError

Sex = Literal["male", "female", "both"]
SEXES: tuple[str, ...] = ("male", "female", "both")

#: Life-table columns in the order every table of this package uses.
COLUMNS: tuple[str, ...] = ("age", "mx", "qx", "ax", "lx", "dx", "Lx", "Tx", "ex")


def _check_sex(sex: str, where: str) -> None:
    if sex not in SEXES:
        raise DataError(where, f"sex must be one of {', '.join(SEXES)}; got {sex!r}")


def a0_from_q0(q0: np.ndarray | float, sex: str) -> np.ndarray:
    """Average years lived in the first year by infants who die, from the infant death probability.

    Coale-Demeny (1983) West formulas as given in Preston et al. (2001), Table 3.3:
    males 0.33 if q0 >= 0.1 else 0.0425 + 2.875 q0; females 0.35 if q0 >= 0.1 else 0.05 + 3.0 q0.
    ``"both"`` takes the mean of the two (an approximation; no separate formula exists).
    """
    q0 = np.asarray(q0, dtype=float)
    male = np.where(q0 >= 0.1, 0.33, 0.0425 + 2.875 * q0)
    female = np.where(q0 >= 0.1, 0.35, 0.05 + 3.0 * q0)
    return _of_sex(male, female, sex)


def a0_from_m0(m0: np.ndarray | float, sex: str) -> np.ndarray:
    """Average years lived in the first year by infants who die, from the infant death rate.

    Coale-Demeny (1983) formulas in Preston et al. (2001), Table 3.3: males 0.330 if m0 >= 0.107
    else 0.045 + 2.684 m0; females 0.350 if m0 >= 0.107 else 0.053 + 2.800 m0; ``"both"`` the mean.
    """
    m0 = np.asarray(m0, dtype=float)
    male = np.where(m0 >= 0.107, 0.330, 0.045 + 2.684 * m0)
    female = np.where(m0 >= 0.107, 0.350, 0.053 + 2.800 * m0)
    return _of_sex(male, female, sex)


def _of_sex(male: np.ndarray, female: np.ndarray, sex: str) -> np.ndarray:
    """The male or female formula's a0, or their mean for ``"both"`` (no separate formula exists)."""
    if sex == "male":
        return male
    if sex == "female":
        return female
    return 0.5 * (male + female)


def lifetable_arrays(
    qx: np.ndarray,
    ax: np.ndarray,
    m_open: np.ndarray | float,
    radix: float = 100_000.0,
) -> dict[str, np.ndarray]:
    """The life-table columns for a batch of tables (age on the last axis); no validation.

    ``qx`` and ``ax`` have shape ``(..., n)``; the last age is the open group, whose ``qx`` is
    ignored (it is 1 by definition) and whose person-years are ``l / m_open``. ``m_open`` is a
    rate per person-year broadcastable to ``qx[..., 0]``. Returns ``mx, qx, ax, lx, dx, Lx, Tx,
    ex`` with the shape of ``qx``. Ages after everyone has died get ``ex = 0``.
    """
    q = np.array(qx, dtype=float, copy=True)
    q[..., -1] = 1.0
    a = np.broadcast_to(np.asarray(ax, dtype=float), q.shape)
    px = 1.0 - q
    lead = np.ones(q.shape[:-1] + (1,))
    lx = radix * np.concatenate([lead, np.cumprod(px[..., :-1], axis=-1)], axis=-1)
    dx = lx * q
    m_open = np.broadcast_to(np.asarray(m_open, dtype=float), q.shape[:-1])
    Lx = np.empty_like(lx)
    # Closed ages: survivors live the whole year, the dying ax of it.
    Lx[..., :-1] = lx[..., 1:] + a[..., :-1] * dx[..., :-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        Lx[..., -1] = np.where(lx[..., -1] > 0, lx[..., -1] / m_open, 0.0)
        Tx = np.flip(np.cumsum(np.flip(Lx, axis=-1), axis=-1), axis=-1)
        ex = np.where(lx > 0, Tx / np.where(lx > 0, lx, 1.0), 0.0)
        mx = np.where(Lx > 0, dx / np.where(Lx > 0, Lx, 1.0), 0.0)
    mx[..., -1] = m_open
    aa = np.array(a, dtype=float, copy=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        aa[..., -1] = np.where(m_open > 0, 1.0 / m_open, 0.0)
    return {"mx": mx, "qx": q, "ax": aa, "lx": lx, "dx": dx, "Lx": Lx, "Tx": Tx, "ex": ex}


def _validated(values: object, name: str, *, upper: float | None) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1 or arr.size < 2:
        raise DataError(name, f"expected a 1-d array of at least 2 ages; got shape {arr.shape}")
    bad = ~np.isfinite(arr) | (arr < 0) | ((arr > upper) if upper is not None else False)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        rng = f"between 0 and {upper}" if upper is not None else "finite and >= 0"
        raise DataError(name, f"must be {rng}; got {float(arr[i])!r}", row=f"age={i}")
    return arr


def _frame(cols: dict[str, np.ndarray], sex: str, source: str) -> pd.DataFrame:
    n = cols["qx"].shape[-1]
    df = pd.DataFrame({"age": np.arange(n, dtype=np.int64), **{k: cols[k] for k in COLUMNS[1:]}})
    df.attrs["table"] = "life table"
    df.attrs["sex"] = sex
    df.attrs["source"] = source
    df.attrs["unit"] = "lx, dx, Lx, Tx per radix births; mx per person-year; ax, ex in years"
    return df


def life_table_from_qx(
    qx: object,
    *,
    sex: Sex = "both",
    m_open: float | None = None,
    radix: float = 100_000.0,
    source: str = "computed from qx",
) -> pd.DataFrame:
    """A complete life table from death probabilities by single year of age (last age open).

    Parameters
    ----------
    qx:
        Probability of dying between exact ages x and x+1, ages 0..n-1; the last entry is the open
        group and is ignored (it is 1 by definition).
    sex:
        Chooses the Coale-Demeny infant ``a0`` formula.
    m_open:
        Death rate (per person-year) of the open age group. ``None`` takes the constant hazard of
        the last closed age, ``-log(1 - q[n-2])``: an assumption, stated here because the open
        group's person-years (and so every ``ex``) depend on it.
    radix:
        ``l0``; the official Soviet tables use 100,000.

    Returns
    -------
    DataFrame with columns ``age, mx, qx, ax, lx, dx, Lx, Tx, ex`` (see module docstring).
    """
    _check_sex(sex, "life_table_from_qx")
    q = _validated(qx, "qx", upper=1.0)
    if m_open is None:
        q_last = min(q[-2], 1.0 - 1e-12)
        m_open = -np.log1p(-q_last) if q_last > 0 else 1.0
    elif not np.isfinite(m_open) or m_open <= 0:
        raise DataError("m_open", f"must be a death rate > 0 per person-year; got {m_open!r}")
    ax = np.full_like(q, 0.5)
    ax[0] = a0_from_q0(q[0], sex)
    return _frame(lifetable_arrays(q, ax, m_open, radix), sex, source)


def life_table_from_mx(
    mx: object,
    *,
    sex: Sex = "both",
    radix: float = 100_000.0,
    source: str = "computed from mx",
) -> pd.DataFrame:
    """A complete life table from death rates per person-year by single age (last age open).

    ``qx = mx / (1 + (1 - ax) mx)`` for closed ages (Preston et al. 2001, eq. 3.4), with the
    Coale-Demeny ``a0`` at age 0 and ``ax = 0.5`` above; the open group's person-years are
    ``l / m``. A rate so high that ``qx`` would exceed 1 gives ``qx = 1``.
    """
    _check_sex(sex, "life_table_from_mx")
    m = _validated(mx, "mx", upper=None)
    if m[-1] <= 0:
        raise DataError("mx", f"the open age group needs a death rate > 0; got {float(m[-1])!r}",
                        row=f"age={m.size - 1}")
    ax = np.full_like(m, 0.5)
    ax[0] = a0_from_m0(m[0], sex)
    q = np.minimum(m / (1.0 + (1.0 - ax) * m), 1.0)
    return _frame(lifetable_arrays(q, ax, m[-1], radix), sex, source)


def life_expectancy(table: pd.DataFrame, age: int = 0) -> float:
    """Life expectancy (years) at exact ``age`` from a life table of this package."""
    rows = table.index[table["age"] == age]
    if len(rows) == 0:
        raise DataError(table.attrs.get("table", "life table"),
                        f"no row for age {age}; ages run {table['age'].min()}..{table['age'].max()}")
    return float(table.loc[rows[0], "ex"])


def partial_life_expectancy(table: pd.DataFrame, x: int, y: int) -> float:
    """Temporary life expectancy between exact ages ``x`` and ``y`` (years): ``(Tx - Ty) / lx``.

    The expected years lived between x and y by someone alive at x (Arriaga's "temporary" or
    partial life expectancy); at most ``y - x``. ``y`` may be the open age (then ``Ty`` counts
    only the open group) or one past it (``Ty = 0``).
    """
    ages = table["age"].to_numpy()
    top = int(ages.max())
    if not (ages.min() <= x < y <= top + 1):
        raise DataError(table.attrs.get("table", "life table"),
                        f"partial life expectancy needs {ages.min()} <= x < y <= {top + 1}; got x={x}, y={y}")
    T = table["Tx"].to_numpy()
    lx = float(table["lx"].to_numpy()[x - ages.min()])
    Ty = 0.0 if y == top + 1 else float(T[y - ages.min()])
    return (float(T[x - ages.min()]) - Ty) / lx if lx > 0 else 0.0

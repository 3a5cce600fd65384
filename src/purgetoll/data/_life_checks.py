"""Checks of the life tables: completeness and the life-table identities.

Tolerances follow from the printed rounding (lx, dx, Lx, Tx integers; qx, px 5 decimals; ex
2 decimals):

- ages 0..100 complete for every (period, sex); the three sexes present; l0 = 100,000;
- ``dx = lx - l(x+1)`` exactly (integers derived from each other; exact in all nine tables);
- ``|qx * lx - dx| <= 1 + 0.5e-5 * lx``: dx is a difference of two rounded lx (error up to 1),
  qx is rounded to 5 decimals (error up to 0.5e-5, times lx);
- ``px = 1 - qx`` within 1e-9 (both printed to 5 decimals from the same number);
- ``l(x+1) <= Lx <= lx`` (person-years lived between the two birthdays), ``Lx <= lx`` at 100;
- ``Tx = Lx + T(x+1)`` exactly below 100 (integer sums; exact once L85 of 1926-27 male is
  corrected), ``T100 >= L100`` (T100 covers 100+);
- ``|ex - Tx / lx| <= 0.005 + 0.5 * (1 + ex) / lx``: ex rounded to 2 decimals, Tx and lx each
  rounded to an integer (error of Tx/lx up to (0.5 + 0.5 ex) / lx, which matters at old ages);
- ``life_expectancy_summary``: ex and qx equal the full tables exactly (the summary is a subset).
"""

from __future__ import annotations

import pandas as pd

from purgetoll.data._catalog import load
from purgetoll.data._registry import Problem, TableInfo, register_check

LAST_AGE = 100
RADIX = 100_000


def _k(period: str, sex: str, age: int | None = None) -> str:
    return f"period={period}, sex={sex}" + ("" if age is None else f", age={age}")


def _ages_problems(table: str, period: str, sex: str, ages: list[int]) -> list[Problem]:
    got = set(ages)
    missing = [a for a in range(LAST_AGE + 1) if a not in got]
    extra = sorted(a for a in got if not 0 <= a <= LAST_AGE)
    out = []
    if missing:
        out.append(Problem(table, _k(period, sex), f"age(s) {', '.join(map(str, missing))} missing (expected every age 0..{LAST_AGE})"))
    if extra:
        out.append(Problem(table, _k(period, sex), f"age(s) {', '.join(map(str, extra))} outside 0..{LAST_AGE}"))
    return out


@register_check("life_table")
def life_table_identities(info: TableInfo, df: pd.DataFrame) -> list[Problem]:
    """Completeness and the identities listed in the module docstring."""
    t = info.name
    problems: list[Problem] = []
    for period, p in df.groupby("period", sort=True):
        for sex in ("male", "female", "both"):
            if sex not in set(p["sex"]):
                problems.append(Problem(t, f"period={period}", f"sex {sex!r} missing (expected male, female, both)"))
    for (period, sex), g in df.groupby(["period", "sex"], sort=True):
        g = g.sort_values("age")
        ages = g["age"].astype(int).tolist()
        complete = _ages_problems(t, period, sex, ages)
        if complete:
            problems.extend(complete)
            continue  # neighbour identities need every age
        lx, dx = g["lx"].astype(int).tolist(), g["dx"].astype(int).tolist()
        qx, px = g["qx"].astype(float).tolist(), g["px"].astype(float).tolist()
        Lx, Tx = g["Lx"].astype(int).tolist(), g["Tx"].astype(int).tolist()
        ex = g["ex"].astype(float).tolist()
        if lx[0] != RADIX:
            problems.append(Problem(t, _k(period, sex, 0), f"lx = {lx[0]} (expected the radix {RADIX})"))
        for x in range(LAST_AGE + 1):
            key = _k(period, sex, x)
            if x < LAST_AGE and dx[x] != lx[x] - lx[x + 1]:
                problems.append(Problem(t, key, f"dx = {dx[x]} but lx - l(x+1) = {lx[x]} - {lx[x + 1]} = {lx[x] - lx[x + 1]} (expected equal)"))
            if not 0.0 <= qx[x] <= 1.0:
                problems.append(Problem(t, key, f"qx = {qx[x]} outside [0, 1]"))
            tol_q = 1 + 0.5e-5 * lx[x]
            if abs(qx[x] * lx[x] - dx[x]) > tol_q:
                problems.append(Problem(t, key, f"qx * lx = {qx[x] * lx[x]:.2f} but dx = {dx[x]} (expected within {tol_q:.2f}: qx printed to 5 decimals, dx from rounded lx)"))
            if abs(px[x] + qx[x] - 1.0) > 1e-9:
                problems.append(Problem(t, key, f"px = {px[x]} but 1 - qx = {1 - qx[x]:.5f} (expected equal)"))
            if x < LAST_AGE and not lx[x + 1] <= Lx[x] <= lx[x]:
                problems.append(Problem(t, key, f"Lx = {Lx[x]} outside [l(x+1), lx] = [{lx[x + 1]}, {lx[x]}]"))
            if x == LAST_AGE and Lx[x] > lx[x]:
                problems.append(Problem(t, key, f"Lx = {Lx[x]} exceeds lx = {lx[x]}"))
            if x < LAST_AGE and Tx[x] != Lx[x] + Tx[x + 1]:
                problems.append(Problem(t, key, f"Tx = {Tx[x]} but Lx + T(x+1) = {Lx[x]} + {Tx[x + 1]} = {Lx[x] + Tx[x + 1]} (expected equal)"))
            if x == LAST_AGE and Tx[x] < Lx[x]:
                problems.append(Problem(t, key, f"T100 = {Tx[x]} is below L100 = {Lx[x]} (T100 covers 100+)"))
            if lx[x] > 0:
                tol_e = 0.005 + 0.5 * (1 + ex[x]) / lx[x]
                if abs(ex[x] - Tx[x] / lx[x]) > tol_e:
                    problems.append(Problem(t, key, f"ex = {ex[x]} but Tx / lx = {Tx[x]} / {lx[x]} = {Tx[x] / lx[x]:.4f} (expected within {tol_e:.4f})"))
    return problems


@register_check("life_expectancy")
def summary_matches_tables(info: TableInfo, df: pd.DataFrame) -> list[Problem]:
    """The summary's ex and qx equal the bundled full life tables exactly."""
    full = load("life_tables").set_index(["period", "sex", "age"])
    problems: list[Problem] = []
    for _, row in df.iterrows():
        key = (row["period"], row["sex"], int(row["age"]))
        where = _k(*key)
        if key not in full.index:
            problems.append(Problem(info.name, where, "no such row in life_tables"))
            continue
        for col in ("ex", "qx"):
            expected = float(full.loc[key, col])
            if abs(float(row[col]) - expected) > 1e-9:
                problems.append(Problem(info.name, where, f"{col} = {row[col]} but life_tables gives {expected} (expected equal)"))
    return problems

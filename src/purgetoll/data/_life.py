"""Official USSR life tables: ``life_table(period, sex)``.

Bundled table ``life_tables``: Goskomstat SSSR (1989) single-year tables for 1926-27, 1938-39 and
1958-59, male, female and both sexes, ages 0..100, radix l0 = 100,000 (see the catalog for the
citation). The row of age 100 gives l, d, q, p and L of that single year; its T and e cover ages
100 and over, as printed (the printed tables go on past 100, so T100 > L100).

One slip is corrected (1926-27 male L85 is 5020 in the transcribed table, corrected to 5220 =
T85 - T86); the bundled table keeps ``Lx_as_printed`` and a ``correction_note``, and the loader
returns the corrected value.

Both earlier tables understate mortality (death under-registration, ADH 1993 p.44):
``purgetoll.demography`` applies the documented correction, this loader returns them as printed.
"""

from __future__ import annotations

import pandas as pd

from purgetoll.data._catalog import load
from purgetoll.data._registry import register_kind
from purgetoll.errors import DataError

__all__ = ["LIFE_TABLE_PERIODS", "LIFE_TABLE_SEXES", "life_table"]

LIFE_TABLE_PERIODS = ("1926-1927", "1938-1939", "1958-1959")
LIFE_TABLE_SEXES = ("male", "female", "both")
LIFE_TABLE_COLUMNS = ("lx", "dx", "qx", "px", "Lx", "Tx", "ex")

register_kind(
    "life_table",
    required=("period", "sex", "age", *LIFE_TABLE_COLUMNS),
    keys=("period", "sex", "age"),
    counts=("lx", "dx", "Lx", "Tx"),
)
register_kind(
    "life_expectancy",
    required=("period", "sex", "age", "ex", "qx"),
    keys=("period", "sex", "age"),
)


def life_table(
    period: str,
    sex: str,
) -> pd.DataFrame:
    """One official life table.

    Parameters
    ----------
    period:
        ``"1926-1927"``, ``"1938-1939"`` or ``"1958-1959"``.
    sex:
        ``"male"``, ``"female"`` or ``"both"``.

    Returns
    -------
    DataFrame with columns ``age`` (0..100; the last row's Tx and ex cover 100+), ``lx, dx``
    (survivors and deaths of a radix of 100,000 births), ``qx, px`` (probabilities), ``Lx, Tx``
    (person-years) and ``ex`` (years). ``attrs``: table, source, unit, caveats, period, sex.
    """
    if period not in LIFE_TABLE_PERIODS:
        raise DataError(
            "life_tables",
            f"period {period!r} is not bundled (valid: {', '.join(LIFE_TABLE_PERIODS)})",
        )
    if sex not in LIFE_TABLE_SEXES:
        raise DataError("life_tables", f"sex {sex!r} is not one of {', '.join(LIFE_TABLE_SEXES)}")
    raw = load("life_tables")
    df = raw[(raw["period"] == period) & (raw["sex"] == sex)].sort_values("age")
    out = df[["age", *LIFE_TABLE_COLUMNS]].reset_index(drop=True)
    out["age"] = out["age"].astype("int64")
    out.attrs = dict(raw.attrs, period=period, sex=sex)
    return out

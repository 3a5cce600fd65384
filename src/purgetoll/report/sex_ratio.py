"""Men per 1000 women: the arithmetic behind the report's sex-ratio section (pure functions).

The yearbook (*Narodnoe khoziaistvo SSSR 1922-1972*) prints men per 1000 women as whole numbers;
:func:`per_1000` rounds the same way (half up), so ratios computed from the census counts can be
compared with the printed column digit for digit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from purgetoll.data import men_per_1000_women
from purgetoll.report.model import ReportError

__all__ = ["per_1000", "ratio_by_group", "ratio_over_ages"]


def per_1000(men: np.ndarray | int, women: np.ndarray | int) -> np.ndarray:
    """Men per 1000 women, rounded half up to a whole number, in exact integer arithmetic.

    ``round(1000 * men / women)`` with halves rounded up, computed as
    ``(2000 * men + women) // (2 * women)`` so no floating-point error can move a value across a
    rounding boundary. ``men`` and ``women`` are non-negative counts; ``women`` must be positive.
    """
    m = np.asarray(men, dtype=np.int64)
    w = np.asarray(women, dtype=np.int64)
    if (m < 0).any() or (w <= 0).any():
        raise ReportError(f"per_1000 needs men >= 0 and women > 0; got men={men!r}, women={women!r}")
    return np.asarray(men_per_1000_women(m, w))


def ratio_by_group(census_frame: pd.DataFrame) -> pd.DataFrame:
    """Men, women and men per 1000 women for each age group of a census frame, plus ``total``.

    ``census_frame``: rows of ``purgetoll.data.census(year, ages)`` (``include_unknown`` either way;
    unknown ages count in the total only, as the yearbook's total is the whole population).
    Returns columns ``age_group, age, age_end, men, women, men_per_1000_women`` in age order.
    """
    df = census_frame
    men = df[df["sex"] == "male"].set_index("age_group")
    women = df[df["sex"] == "female"].set_index("age_group")
    if list(men.index) != list(women.index):
        raise ReportError(
            f"{df.attrs.get('table', 'census')}: men and women have different age groups "
            f"({list(men.index)} vs {list(women.index)})"
        )
    known = men["age"].notna().to_numpy()
    out = pd.DataFrame(
        {
            "age_group": men.index[known],
            "age": men["age"].to_numpy()[known],
            "age_end": men["age_end"].to_numpy()[known],
            "men": men["count"].to_numpy()[known],
            "women": women["count"].to_numpy()[known],
        }
    )
    total = pd.DataFrame(
        {
            "age_group": ["total"],
            "age": [pd.NA],
            "age_end": [pd.NA],
            "men": [int(men["count"].sum())],
            "women": [int(women["count"].sum())],
        }
    )
    out = pd.concat([out, total], ignore_index=True)
    out["age"] = out["age"].astype("Int64")
    out["age_end"] = out["age_end"].astype("Int64")
    out["men"] = out["men"].astype("int64")
    out["women"] = out["women"].astype("int64")
    out["men_per_1000_women"] = per_1000(out["men"].to_numpy(), out["women"].to_numpy())
    return out


def ratio_over_ages(census_frame: pd.DataFrame, age: int, age_end: int | None) -> tuple[int, int, int]:
    """(men, women, men per 1000 women) over completed ages ``age``..``age_end`` (None: and over).

    The range must be a union of whole groups of ``census_frame`` (for instance 5-year groups);
    otherwise :class:`ReportError` says which bound falls inside a group.
    """
    df = census_frame[census_frame["age"].notna()]
    lo = df["age"].astype("int64")
    hi = df["age_end"].astype("Float64").fillna(np.inf)
    starts = set(lo)
    ends = {int(v) for v in hi if np.isfinite(v)}
    table = census_frame.attrs.get("table", "census")
    if age not in starts:
        raise ReportError(f"{table}: age {age} is not the start of an age group (starts: {sorted(starts)})")
    if age_end is not None and age_end not in ends:
        raise ReportError(f"{table}: age {age_end} is not the end of an age group (ends: {sorted(ends)})")
    upper = np.inf if age_end is None else age_end
    inside = (lo >= age) & (hi <= upper)
    men = int(df.loc[inside & (df["sex"] == "male"), "count"].sum())
    women = int(df.loc[inside & (df["sex"] == "female"), "count"].sum())
    return men, women, int(per_1000(men, women))

"""Age heaping: how strongly ages ending in 0 and 5 attract reports, and smoothing it away.

Indices (definitions as in Shryock & Siegel, *The Methods and Materials of Demography*, 1976,
ch. 8; and the UN *Manual II*, 1955):

- Whipple's index: counts at ages 25, 30, ..., 60 over one fifth of the counts at ages 23-62,
  times 100. 100 means no preference for 0 and 5; 500 means every age in that span ends in 0 or 5.
- Myers' blended index: the share of each terminal digit in a blended population (ages 10-89
  counted from 10 with weight d+1 and from 20 with weight 9-d), half the sum of absolute
  deviations from 10%; 0 means no preference, 90 means all ages end in one digit.

Smoothing: :func:`smooth_heaping` regroups single ages into 5-year groups *centred* on the
multiples of five (38-42, 43-47, ...), where misreports to a round age stay inside the group, and
splits them back with the non-negative Sprague graduation of :mod:`graduation`. Each centred
group and the total are kept exactly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from purgetoll.demography.graduation import graduate
from purgetoll.errors import DataError


def _single(counts: object, name: str, min_age: int) -> np.ndarray:
    c = np.asarray(counts, dtype=float)
    if c.ndim != 1 or c.size < min_age:
        raise DataError(name, f"expected single-year counts from age 0 to at least {min_age - 1}; got shape {c.shape}")
    bad = ~np.isfinite(c) | (c < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(name, f"counts must be finite and >= 0; got {float(c[i])!r}", row=f"age={i}")
    return c


def whipple_index(counts: object) -> float:
    """Whipple's index (100 = no heaping on 0 and 5; 500 = maximal) from counts by single age 0.."""
    c = _single(counts, "whipple_index", 63)
    denom = c[23:63].sum() / 5.0
    if denom <= 0:
        raise DataError("whipple_index", "no one aged 23-62; the index is undefined")
    return float(100.0 * c[25:61:5].sum() / denom)


def myers_index(counts: object) -> float:
    """Myers' blended index (0 = no digit preference; 90 = maximal) from counts by single age 0.."""
    c = _single(counts, "myers_index", 90)
    blended = np.empty(10)
    for d in range(10):
        from10 = c[10 + d:80 + d:10].sum()  # ages 10+d .. 70+d
        from20 = c[20 + d:90 + d:10].sum()  # ages 20+d .. 80+d
        blended[d] = (d + 1) * from10 + (9 - d) * from20
    total = blended.sum()
    if total <= 0:
        raise DataError("myers_index", "no one aged 10-89; the index is undefined")
    share = 100.0 * blended / total
    return float(0.5 * np.abs(share - 10.0).sum())


def smooth_heaping(counts: object, *, first_age: int = 3, last_age: int | None = None) -> np.ndarray:
    """Remove digit preference from single-year counts (ages 0..n-1) by centred regrouping.

    Ages ``first_age`` .. ``last_age`` (default: the last complete centred group below the final
    age, which is often an open group and is left alone) are summed into 5-year groups centred on
    multiples of five and split back into single years; ages outside stay as they are.
    ``first_age`` must be 3 mod 5 so that groups centre on 5, 10, 15, ...
    """
    c = _single(counts, "smooth_heaping", first_age + 25)
    if first_age % 5 != 3:
        raise DataError("smooth_heaping", f"first_age must be 3 mod 5 (groups centred on multiples of 5); got {first_age}")
    n = c.size
    top = (n - 1) if last_age is None else last_age + 1  # exclusive end of the smoothed span
    n_groups = (top - first_age) // 5
    if n_groups < 6:
        raise DataError("smooth_heaping", f"need at least 6 centred 5-year groups; got {n_groups}")
    end = first_age + 5 * n_groups
    groups = c[first_age:end].reshape(n_groups, 5).sum(axis=1)
    # The group above the span acts as the (unsplit) last group so that Sprague sees n_groups closed ones.
    tail = c[end:].sum()
    lower = np.arange(first_age, end + 1, 5)
    single, _ = graduate(np.append(groups, tail), lower, name="smooth_heaping")
    out = c.copy()
    out[first_age:end] = single
    return out


def heaping_report(counts_by_sex: dict[str, object]) -> pd.DataFrame:
    """Whipple and Myers indices before and after :func:`smooth_heaping`, one row per sex."""
    rows = []
    for sex, counts in counts_by_sex.items():
        c = np.asarray(counts, dtype=float)
        s = smooth_heaping(c)
        rows.append({"sex": sex, "whipple_before": whipple_index(c), "whipple_after": whipple_index(s),
                     "myers_before": myers_index(c), "myers_after": myers_index(s)})
    return pd.DataFrame(rows)

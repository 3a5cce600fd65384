"""Graduation: split 5-year age groups into single years, never negative, totals kept.

Two methods:

- ``"sprague"``: Sprague's fifth-difference osculatory multipliers (Sprague 1880; the multiplier
  panels as printed in Shryock & Siegel, *The Methods and Materials of Demography*, 1976, and in
  Siegel & Swanson 2004, Appendix C). Exact for counts that are a polynomial of degree <= 4 in age
  and it keeps each group's total, but it can go negative where counts change abruptly (a war
  trough next to a baby boom). Groups where it would go negative are redone with the monotone
  method below, so the result is never negative and every group total is still kept.
- ``"pchip"``: monotone piecewise-cubic Hermite interpolation (Fritsch & Carlson 1980) of the
  cumulative count at the group boundaries, differenced at single ages. The cumulative count is
  non-decreasing, PCHIP keeps it so, hence single-year counts are never negative; the
  boundaries are interpolated exactly, hence group totals are kept. Works for any group widths.

The open last group (for example 85+) is not split here; it is returned as one value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np

from purgetoll.errors import DataError

Method = Literal["sprague", "pchip"]

# Sprague multipliers, 5 rows (single years within the group) x 5 columns (groups used).
_FIRST = np.array([
    [0.3616, -0.2768, 0.1488, -0.0336, 0.0],
    [0.2640, -0.0960, 0.0400, -0.0080, 0.0],
    [0.1840, 0.0400, -0.0320, 0.0080, 0.0],
    [0.1200, 0.1360, -0.0720, 0.0160, 0.0],
    [0.0704, 0.1968, -0.0848, 0.0176, 0.0],
])
_SECOND = np.array([
    [0.0336, 0.2272, -0.0752, 0.0144, 0.0],
    [0.0080, 0.2320, -0.0480, 0.0080, 0.0],
    [-0.0080, 0.2160, -0.0080, 0.0000, 0.0],
    [-0.0160, 0.1840, 0.0400, -0.0080, 0.0],
    [-0.0176, 0.1408, 0.0912, -0.0144, 0.0],
])
_MIDDLE = np.array([
    [-0.0128, 0.0848, 0.1504, -0.0240, 0.0016],
    [-0.0016, 0.0144, 0.2224, -0.0416, 0.0064],
    [0.0064, -0.0336, 0.2544, -0.0336, 0.0064],
    [0.0064, -0.0416, 0.2224, 0.0144, -0.0016],
    [0.0016, -0.0240, 0.1504, 0.0848, -0.0128],
])
# The last two panels mirror the first two (reverse both ages and groups).
_NEXT_TO_LAST = _SECOND[::-1, ::-1]
_LAST = _FIRST[::-1, ::-1]


def sprague_matrix(n_groups: int) -> np.ndarray:
    """The (5 n, n) matrix taking n closed 5-year group totals to 5 n single-year counts."""
    if n_groups < 5:
        raise DataError("graduation", f"Sprague needs at least 5 closed 5-year groups; got {n_groups}")
    m = np.zeros((5 * n_groups, n_groups))
    m[0:5, 0:5] = _FIRST
    m[5:10, 0:5] = _SECOND
    for g in range(2, n_groups - 2):
        m[5 * g:5 * g + 5, g - 2:g + 3] = _MIDDLE
    m[5 * (n_groups - 2):5 * (n_groups - 1), n_groups - 5:] = _NEXT_TO_LAST
    m[5 * (n_groups - 1):, n_groups - 5:] = _LAST
    return m


def _pchip_split(totals: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Single-year counts from group totals via PCHIP of the cumulative (``bounds``: n+1 edges)."""
    # start-up: scipy.interpolate (+0.33 s CPU on every run of the engine) loads only when this fallback is needed
    from scipy.interpolate import PchipInterpolator

    cum = np.concatenate([[0.0], np.cumsum(totals)])
    ages = np.arange(bounds[0], bounds[-1] + 1)
    # Flat stretches (empty groups) give zero slopes, which scipy divides by harmlessly.
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        single = np.diff(PchipInterpolator(bounds, cum, axis=-1)(ages))
    # PCHIP keeps monotone data monotone; clip only floating-point dust below zero.
    return np.maximum(single, 0.0)


def check_counts(counts: np.ndarray, name: str, row: Callable[[int], str]) -> None:
    """Raise :class:`DataError` at the first count (persons) that is not finite and >= 0.

    ``row(i)`` names the age of position ``i`` in the message (``"age=40"``, ``"age_lower=40"``).
    """
    bad = ~np.isfinite(counts) | (counts < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(name, f"counts must be finite and >= 0; got {float(counts[i])!r}", row=row(i))


def _check_groups(totals: np.ndarray, lower: np.ndarray, name: str) -> None:
    if totals.ndim != 1 or totals.shape != lower.shape:
        raise DataError(name, f"counts and age_lower must be 1-d and of equal length; got {totals.shape} and {lower.shape}")
    if totals.size < 2:
        raise DataError(name, f"need at least 2 age groups; got {totals.size}")
    check_counts(totals, name, lambda i: f"age_lower={lower[i]}")
    steps = np.diff(lower)
    if (steps <= 0).any():
        i = int(np.flatnonzero(steps <= 0)[0]) + 1
        raise DataError(name, "age_lower must increase strictly", row=f"age_lower={lower[i]}")


def graduate(
    counts: object,
    age_lower: object,
    *,
    method: Method = "sprague",
    name: str = "graduation",
) -> tuple[np.ndarray, float]:
    """Split age groups into single years of age.

    Parameters
    ----------
    counts:
        Group totals (persons), the last group open (for example 85+).
    age_lower:
        The lower age of each group (years). For ``"sprague"`` the closed groups must all be
        5 years wide.
    method:
        ``"sprague"`` (default; groups where it goes negative are redone with PCHIP) or
        ``"pchip"``.
    name:
        The table name used in error messages.

    Returns
    -------
    ``(single, open_count)``: single-year counts for ages ``age_lower[0]`` .. ``age_lower[-1] - 1``
    and the open group's count unchanged. Each closed group keeps its total exactly (to floating
    point) and no value is negative.
    """
    totals = np.asarray(counts, dtype=float)
    lower = np.asarray(age_lower, dtype=np.int64)
    _check_groups(totals, lower, name)
    closed, open_count = totals[:-1], float(totals[-1])
    bounds = lower.astype(float)
    if method == "pchip":
        return _pchip_split(closed, bounds), open_count
    if method != "sprague":
        raise DataError(name, f"method must be 'sprague' or 'pchip'; got {method!r}")
    widths = np.diff(lower)
    if (widths != 5).any():
        i = int(np.flatnonzero(widths != 5)[0])
        raise DataError(name, f"Sprague needs 5-year groups; group at age {lower[i]} is {widths[i]} years wide",
                        row=f"age_lower={lower[i]}")
    single = sprague_matrix(closed.size) @ closed
    by_group = single.reshape(-1, 5)
    negative = (by_group < 0).any(axis=1)
    if negative.any():
        fallback = _pchip_split(closed, bounds).reshape(-1, 5)
        by_group = np.where(negative[:, None], fallback, by_group)
    return by_group.reshape(-1), open_count


def split_open_group(count: float, weights: object) -> np.ndarray:
    """Split an open group's ``count`` over single ages in proportion to ``weights``.

    Typically ``weights`` are the life table's ``Lx`` for those ages (the stationary population:
    an assumption that the old ages follow the table's mortality).
    """
    w = np.asarray(weights, dtype=float)
    if w.ndim != 1 or w.size == 0 or (w < 0).any() or w.sum() <= 0:
        raise DataError("split_open_group", "weights must be a non-empty 1-d array, >= 0, with a positive sum")
    return count * w / w.sum()

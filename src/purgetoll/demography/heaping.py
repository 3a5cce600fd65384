"""Age heaping: how strongly ages ending in 0 and 5 attract reports, and smoothing it away.

Indices (definitions as in Shryock & Siegel, *The Methods and Materials of Demography*, 1976,
ch. 8; and the UN *Manual II*, 1955):

- Whipple's index: counts at ages 25, 30, ..., 60 over one fifth of the counts at ages 23-62,
  times 100. 100 means no preference for 0 and 5; 500 means every age in that span ends in 0 or 5.
- Myers' blended index: the share of each terminal digit in a blended population (ages 10-89
  counted from 10 with weight d+1 and from 20 with weight 9-d), half the sum of absolute
  deviations from 10%; 0 means no preference, 90 means all ages end in one digit.

Two corrections:

- :func:`correct_digit_preference` (used by the census analysis): each age 10-89 is divided by
  the attraction of its terminal digit, the digit's share in Myers' blended population over 10%,
  raised to a ``strength`` (1 = the full Myers estimate), and ages 10-89 are rescaled to keep
  their total. It acts age by age, so real sharp cohort features (the 1933 famine births, the
  war births of 1942-44, the civil-war births of 1918-22) are kept, which regrouping would
  smear away.
- :func:`smooth_heaping` regroups single ages into 5-year groups *centred* on the multiples of
  five (38-42, 43-47, ...), where misreports to a round age stay inside the group, and splits
  them back with the non-negative Sprague graduation of :mod:`graduation`. Each centred group
  and the total are kept exactly; it suits smooth populations and blurs sharp real features.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from purgetoll.demography.graduation import check_counts, graduate
from purgetoll.errors import DataError


def _single(counts: object, name: str, min_age: int) -> np.ndarray:
    c = np.asarray(counts, dtype=float)
    if c.ndim != 1 or c.size < min_age:
        raise DataError(name, f"expected single-year counts from age 0 to at least {min_age - 1}; got shape {c.shape}")
    check_counts(c, name, lambda i: f"age={i}")
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


def _blended(c: np.ndarray, first: int = 10, last: int = 89) -> np.ndarray:
    """Myers' blended counts by terminal digit 0..9 over ages ``first..last``, shape (..., 10).

    Counted from ``first`` with weight d+1 and from ``first + 10`` with weight 9-d (Myers'
    standard choice is first = 10, last = 89).
    """
    out = []
    for d in range(10):
        from_a = c[..., first + d:last - 9 + d:10].sum(-1)
        from_b = c[..., first + 10 + d:last + 1 + d:10].sum(-1)
        out.append((d + 1) * from_a + (9 - d) * from_b)
    return np.stack(out, axis=-1)


#: Ages the digit-preference correction works on. Young adults report their age well, and the
#: 1959 census has real sharp troughs at 13-16 (war births) and 25 (1933 famine births) that an
#: estimate over ages 10-89 would mistake for digit preference.
DIGIT_FIRST_AGE, DIGIT_LAST_AGE = 30, 89


def digit_factors(counts: object, first: int = DIGIT_FIRST_AGE, last: int = DIGIT_LAST_AGE) -> np.ndarray:
    """Attraction of each terminal digit 0..9 over ages ``first..last``: blended share over 10%."""
    c = _single(counts, "digit_factors", last + 1)
    b = _blended(c, first, last)
    if b.sum() <= 0:
        raise DataError("digit_factors", f"no one aged {first}-{last}; digit preference is undefined")
    return 10.0 * b / b.sum()


def correct_digit_preference(counts: object, strength: np.ndarray | float = 1.0, *,
                             first: int = DIGIT_FIRST_AGE, last: int = DIGIT_LAST_AGE) -> np.ndarray:
    """Counts by single age with the digit preference of ages ``first..last`` removed.

    Each age is divided by its digit's factor (:func:`digit_factors`) to the power ``strength``
    (0 = none, 1 = the full estimate) and the span is rescaled to keep its total. ``counts`` may
    carry leading batch axes; ``strength`` broadcasts against them (one per Monte Carlo draw).
    """
    c = np.asarray(counts, dtype=float)
    _single(c.reshape(-1, c.shape[-1])[0], "correct_digit_preference", last + 1)
    if first % 10 != 0 or (last + 1 - first) % 10 != 0 or last - first < 19:
        raise DataError("correct_digit_preference", f"the span must be whole decades of at least 20 years from a multiple of 10; got {first}..{last}")
    b = _blended(c, first, last)
    f = 10.0 * b / b.sum(-1, keepdims=True)  # (..., 10)
    k = np.asarray(strength, dtype=float)[..., None]
    ages = np.arange(first, last + 1)
    span = c[..., first:last + 1]
    adjusted = span / f[..., ages % 10] ** k
    adjusted = adjusted * (span.sum(-1, keepdims=True) / adjusted.sum(-1, keepdims=True))
    out = np.array(np.broadcast_to(c, adjusted.shape[:-1] + c.shape[-1:]), dtype=float)
    out[..., first:last + 1] = adjusted
    return out


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
    """Whipple and Myers indices before and after :func:`correct_digit_preference`, one row per sex."""
    rows = []
    for sex, counts in counts_by_sex.items():
        c = np.asarray(counts, dtype=float)
        s = correct_digit_preference(c)
        rows.append({"sex": sex, "whipple_before": whipple_index(c), "whipple_after": whipple_index(s),
                     "myers_before": myers_index(c), "myers_after": myers_index(s)})
    return pd.DataFrame(rows)


#: Ages whose local heaps :func:`correct_local_heaping` returns to their neighbours (multiples of 5).
LOCAL_FIRST_AGE, LOCAL_LAST_AGE = 10, 85


def local_heaps(counts: object, *, first: int = LOCAL_FIRST_AGE, last: int = LOCAL_LAST_AGE) -> np.ndarray:
    """Persons misreported to each age ending in 0 or 5 (``first..last``), shape (..., n_heaps): the
    age's excess over the mean of its four neighbours (two years either side), times 4/5, 0 where there
    is no excess.

    Why 4/5: ``m`` persons who report a round age instead of one of its four neighbours (in proportion
    to them) raise that age by ``m`` and lower the neighbours' mean by ``m/4``, so a locally straight
    true count shows an excess of ``5m/4``. This sizes digit preference from the census itself, age by
    age, where the heap is (stronger at old ages and for women) rather than from digit shares over a span.
    """
    c = np.asarray(counts, dtype=float)
    _single(c.reshape(-1, c.shape[-1])[0], "local_heaps", last + 3)
    if first % 5 or last % 5 or first < 2 or last < first:
        raise DataError("local_heaps", f"first and last must be multiples of 5 with 2 <= first <= last; got {first}..{last}")
    ages = np.arange(first, last + 1, 5)
    nb = ages[:, None] + np.array([-2, -1, 1, 2])
    expected = c[..., nb].mean(-1)
    return 0.8 * np.maximum(c[..., ages] - expected, 0.0)


def move_to_heaps(counts: object, persons: np.ndarray, *, first: int = LOCAL_FIRST_AGE,
                  last: int = LOCAL_LAST_AGE) -> np.ndarray:
    """``counts`` with ``persons[..., j]`` moved into the j-th age ending in 0 or 5 (``first..last``) from its
    four neighbours, in proportion to them (the reverse of :func:`correct_local_heaping`, for building
    heaped censuses); the total is kept exactly."""
    c = np.asarray(counts, dtype=float)
    m = np.asarray(persons, dtype=float)
    out = np.array(np.broadcast_to(c, m.shape[:-1] + c.shape[-1:]), dtype=float)
    for j, a in enumerate(range(first, last + 1, 5)):
        nb = np.array([a - 2, a - 1, a + 1, a + 2])
        share = out[..., nb] / out[..., nb].sum(-1, keepdims=True)
        out[..., a] += m[..., j]
        out[..., nb] -= m[..., j, None] * share
    return out


def correct_local_heaping(counts: object, strength: np.ndarray | float = 1.0, *, first: int = LOCAL_FIRST_AGE,
                          last: int = LOCAL_LAST_AGE) -> np.ndarray:
    """Counts with ``strength`` x the persons misreported to each round age (:func:`local_heaps`) moved
    back to the four neighbours of its age in proportion to them (misreports assumed to come from
    within two years; strength 1: every local heap is misreporting, none a real peak).

    The total is kept exactly; ages outside ``first - 2 .. last + 2`` are untouched. ``counts`` may
    carry leading batch axes; ``strength`` broadcasts against them (one per Monte Carlo draw).
    """
    c = np.asarray(counts, dtype=float)
    excess = local_heaps(c, first=first, last=last) * np.asarray(strength, dtype=float)[..., None]
    out = np.array(np.broadcast_to(c, excess.shape[:-1] + c.shape[-1:]), dtype=float)
    for j, a in enumerate(range(first, last + 1, 5)):
        nb = np.array([a - 2, a - 1, a + 1, a + 2])
        share = c[..., nb] / c[..., nb].sum(-1, keepdims=True)
        out[..., a] -= excess[..., j]
        out[..., nb] += excess[..., j, None] * share
    return out

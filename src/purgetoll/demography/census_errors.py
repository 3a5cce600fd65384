"""A draw of the error model applied to a census: the 1937 and 1939 populations as they were.

Arrays are persons by (draw, sex, age 0..100+), shape (D, 2, 101), one row per draw of
:class:`purgetoll.demography.evidence.ErrorDraws`. The components and their sources are declared
in :mod:`.evidence`; this module is only their arithmetic:

* :func:`true_1937`: the 1937 census age table (unknown ages spread in proportion) with its digit
  preference removed at the drawn strength, raised by the general under-count (in proportion to age
  and sex), plus the infants missed (a multiple of ADH's additions at ages 0 and 1, split by sex like
  the census), the persons in transit (the mobile shape), and the army and NKVD contingent at ages
  ``army_1937_age_min..max`` in proportion to the persons counted there (men and women separately).
* :func:`true_1939`: the 1939 census with its digit preference removed, less the padding placed by
  :func:`padding_shares` (in proportion, or among mobile working-age adults, with a Dirichlet
  spread by sex and 5-year group).
"""

from __future__ import annotations

import numpy as np

from purgetoll.demography.corrections import ARMY_1937
from purgetoll.demography.evidence import ErrorDraws, _facts
from purgetoll.demography.heaping import (
    LOCAL_FIRST_AGE,
    LOCAL_LAST_AGE,
    correct_local_heaping,
    local_heaps,
    move_to_heaps,
)
from purgetoll.errors import DataError

__all__ = ["true_1937", "true_1939", "padding_shares", "mobile_shape", "deheap"]

N_AGES = 101
#: The round ages whose heaps the error model returns to their neighbours.
HEAP_AGES = np.arange(LOCAL_FIRST_AGE, LOCAL_LAST_AGE + 1, 5)
#: Lower bounds of the padding cells' 5-year groups (85+ open).
GROUPS = tuple(range(0, 90, 5))


def _check(pop: np.ndarray, name: str) -> np.ndarray:
    p = np.asarray(pop, dtype=float)
    if p.shape[-2:] != (2, N_AGES) or not np.isfinite(p).all() or (p < 0).any():
        raise DataError(name, f"expected persons >= 0 by sex and age 0..100, shape (..., 2, {N_AGES}); got {p.shape}")
    return p


def deheap(pop: np.ndarray, draws: ErrorDraws) -> np.ndarray:
    """``pop`` (2, 101) or (D, 2, 101) with its local heaps returned to their neighbours at each draw's strength."""
    p = np.broadcast_to(pop, (draws.n, 2, N_AGES))
    return correct_local_heaping(p, draws["digit_preference_strength"][:, None])


def mobile_shape(pop: np.ndarray, draws: ErrorDraws) -> np.ndarray:
    """Weights (D, 2, 101) summing to 1 per draw: the mobile working-age adults of ``pop``, men weighted
    by ``mobile_male_weight``."""
    ages = np.arange(N_AGES)
    lo, hi = draws["padding_1939_mobile_age_min"][:, None], draws["padding_1939_mobile_age_max"][:, None]
    inside = ((ages >= lo) & (ages <= hi)).astype(float)  # (D, 101)
    sex_w = np.stack([draws["mobile_male_weight"], np.ones(draws.n)], axis=-1)  # (D, 2)
    w = np.broadcast_to(pop, (draws.n, 2, N_AGES)) * inside[:, None, :] * sex_w[:, :, None]
    return w / w.sum((-2, -1), keepdims=True)


def _cells(pop: np.ndarray) -> np.ndarray:
    """(D, 2, 101) -> (D, 36): persons by sex and 5-year group 0-4 .. 80-84, 85+."""
    edges = [*GROUPS, N_AGES]
    return np.stack([pop[..., s, a:b].sum(-1) for s in (0, 1) for a, b in zip(edges[:-1], edges[1:], strict=True)],
                    axis=-1)


def padding_shares(pop: np.ndarray, draws: ErrorDraws) -> np.ndarray:
    """Where the padding sits: weights (D, 2, 101) summing to 1 per draw.

    The shape is ``(1 - share) x proportional + share x mobile`` (``padding_1939_working_age_share``);
    the 36 shares of its sex-by-5-year-group cells are drawn from a Dirichlet with that mean and
    concentration ``padding_1939_dirichlet_concentration`` (independent gamma variates with shapes
    concentration x share, normalised; each gamma from the draw's keyed standard normal by the
    Wilson-Hilferty cube, accurate to a few per cent of a cell's share for shapes above 1), then
    split over the single ages of each cell in proportion to the shape.
    """
    p = np.broadcast_to(pop, (draws.n, 2, N_AGES))
    prop = p / p.sum((-2, -1), keepdims=True)
    lam = draws["padding_1939_working_age_share"][:, None, None]
    shape = (1 - lam) * prop + lam * mobile_shape(p, draws)
    if draws.dirichlet_normals is None:
        return shape
    mean = _cells(shape)  # (D, 36)
    alpha = np.maximum(draws["padding_1939_dirichlet_concentration"][:, None] * mean, 1e-12)
    c = 1.0 / (9.0 * alpha)
    g = alpha * np.maximum(1.0 - c + draws.dirichlet_normals * np.sqrt(c), 0.0) ** 3
    cells = g / g.sum(-1, keepdims=True)
    ratio = np.where(mean > 0, cells / np.where(mean > 0, mean, 1.0), 0.0)  # (D, 36)
    widths = np.diff([*GROUPS, N_AGES])
    factor = np.repeat(ratio.reshape(draws.n, 2, len(GROUPS)), widths, axis=-1)  # (D, 2, 101)
    return shape * factor


def true_1939(census: np.ndarray, draws: ErrorDraws, *, padding: bool = True) -> np.ndarray:
    """The 1939 population (D, 2, 101) per draw from an enumerated census (padding included)."""
    c = _check(census, "1939 census")
    pop = deheap(c, draws)
    if padding:
        pop = pop - draws["padding_1939_persons"][:, None, None] * padding_shares(pop, draws)
    if (pop < -1e-6).any():
        d, s, a = np.argwhere(pop < -1e-6)[0]
        raise DataError("1939 census", f"the padding removed in draw {d} ({draws['padding_1939_persons'][d]:,.0f} "
                        "persons, Dirichlet concentration "
                        f"{draws['padding_1939_dirichlet_concentration'][d]:g}) leaves a negative count: a padding "
                        "larger than the census there, or a concentration too small", row=f"sex={('male', 'female')[s]}, age={a}")
    return np.maximum(pop, 0.0)


def _at_ages(pop: np.ndarray, lo: np.ndarray, hi: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """``totals`` (D, 2) spread over ages lo..hi (per draw) in proportion to ``pop`` (D, 2, 101)."""
    ages = np.arange(N_AGES)
    mask = ((ages >= lo[:, None]) & (ages <= hi[:, None])).astype(float)[:, None, :]
    w = pop * mask
    return w / w.sum(-1, keepdims=True) * totals[:, :, None]


def true_1937(census: np.ndarray, draws: ErrorDraws, *, army: bool = True) -> np.ndarray:
    """The 6 Jan 1937 population (D, 2, 101) per draw from the census age table (unknown ages spread)."""
    f = _facts()
    c = _check(census, "1937 census")
    pop = deheap(c, draws)
    pop = pop * (1 + draws["undercount_1937_share"])[:, None, None]
    infants = np.zeros_like(pop)
    for age, extra in enumerate(f["infants_1937"]):
        share = pop[:, :, age] / pop[:, :, age].sum(-1, keepdims=True)
        infants[:, :, age] = draws["infant_undercount_1937_scale"][:, None] * extra * share
    pop = pop + infants
    pop = pop + draws["in_transit_1937_persons"][:, None, None] * mobile_shape(pop, draws)
    if army:
        _, a_women = f["contingent_a"]
        nkvd = draws["nkvd_contingent_1937_persons"]
        women_share = a_women / f["contingent_a"][0]
        totals = np.stack([ARMY_1937[0] + nkvd * (1 - women_share), ARMY_1937[1] + nkvd * women_share], axis=-1)
        pop = pop + _at_ages(pop, draws["army_1937_age_min"], draws["army_1937_age_max"], totals)
    return pop


def enumerated_1939(true_pop: np.ndarray, draws: ErrorDraws, heaped_like: np.ndarray) -> np.ndarray:
    """What a 1939 census would count (D, 2, 101) in a world whose true 1939 population is ``true_pop``
    ((2, 101) or (D, 2, 101)) under each draw: the padding added where the draw places it, then the
    persons misreported to round ages: those of ``heaped_like`` (a real census: :func:`local_heaps`,
    per person of the same sex and age) times the draw's strength, moved from the neighbours
    (:func:`move_to_heaps`). Used to build the censuses of synthetic worlds: their heaps are all
    misreporting, which the verdict's strength (0-1) reads only in part, a conservative mismatch."""
    t = np.broadcast_to(_check(true_pop, "true 1939 population"), (draws.n, 2, N_AGES))
    padded = t + draws["padding_1939_persons"][:, None, None] * padding_shares(t, draws)
    ref = _check(heaped_like, "census heaped like")
    per_person = local_heaps(ref) / ref[..., HEAP_AGES]  # (2, n_heaps) misreports per person counted
    m = per_person * padded[..., HEAP_AGES] * draws["digit_preference_strength"][:, None, None]
    return move_to_heaps(padded, m)

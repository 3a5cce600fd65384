"""Monte Carlo over every uncertain input of the census analysis, drawn once, used vectorised.

Each uncertain input is a named stream: its draws are a function of ``(seed, name)`` only
(numpy ``SeedSequence`` keyed by the seed and a CRC-32 of the name), so adding an input or
changing the number of draws of another never changes them (common random numbers), and the
same seed gives the same draws on any machine.

The inputs and their ranges (uniform; each range is documented where the input is defined):

=============================  =====================  ==========================================
name                           range                  basis
=============================  =====================  ==========================================
``infant_qx_multiplier``       1.0 - 1.3              Lorimer (1946) 14.6%; :mod:`.mortality`
``hazard_multiplier_age1plus`` 1.0 - 1.3              assumption; :mod:`.mortality`
``padding_1939``               2.8M - 2.9M            Zhiromskaya (1994); :mod:`.corrections`
``army_age_max_1937``          25 - 34 (whole years)  assumption; :mod:`.corrections`
``annexed_scale``              0.95 - 1.05            assumption; :mod:`.corrections`
``heaping_strength``           0 - 1                  assumption; :mod:`.heaping`, :mod:`.inputs`
=============================  =====================  ==========================================

``heaping_strength`` is the strength of the digit-preference correction (0 = the census as counted,
1 = the full Myers estimate; central 0.5): a correction whose right strength is unknown.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, fields

import numpy as np

from purgetoll.demography.corrections import (
    DEFAULT_CORRECTIONS,
    ArmyOmission1937,
    CensusCorrections,
    Padding1939,
    Territory,
)
from purgetoll.demography.inputs import HEAPING_STRENGTH
from purgetoll.demography.mortality import (
    DEFAULT_CORRECTION,
    HAZARD_MULTIPLIER_AGE1PLUS_RANGE,
    INFANT_QX_MULTIPLIER_RANGE,
    PERIODS,
    InterpolatedQx,
    UnderRegistration,
    corrected_log_hazards,
    official_log_hazards,
)
from purgetoll.errors import DataError


def stream(seed: int, name: str) -> np.random.Generator:
    """The random generator of input ``name`` under ``seed`` (independent of every other name)."""
    if not isinstance(seed, int | np.integer) or seed < 0:
        raise DataError("montecarlo", f"seed must be a whole number >= 0; got {seed!r}")
    return np.random.default_rng(np.random.SeedSequence([int(seed), zlib.crc32(name.encode())]))


@dataclass(frozen=True)
class InputDraws:
    """One value per draw (arrays of shape (n,)) of each uncertain input."""

    infant_qx_multiplier: np.ndarray
    hazard_multiplier_age1plus: np.ndarray
    padding_1939: np.ndarray
    army_age_max_1937: np.ndarray
    annexed_scale: np.ndarray
    heaping_strength: np.ndarray

    @property
    def n(self) -> int:
        return int(self.infant_qx_multiplier.shape[0])

    def chunk(self, lo: int, hi: int) -> InputDraws:
        return InputDraws(**{f.name: getattr(self, f.name)[lo:hi] for f in fields(self)})


def central_inputs(
    correction: UnderRegistration | None = DEFAULT_CORRECTION,
    corrections: CensusCorrections = DEFAULT_CORRECTIONS,
) -> InputDraws:
    """The single "draw" of the defaults (the central estimate), honouring switched-off corrections."""
    c = correction or UnderRegistration(1.0, 1.0)
    army = corrections.army_1937 or ArmyOmission1937()
    return InputDraws(
        infant_qx_multiplier=np.array([c.infant_qx_multiplier]),
        hazard_multiplier_age1plus=np.array([c.hazard_multiplier_age1plus]),
        padding_1939=np.array([(corrections.padding_1939 or Padding1939(0.0)).persons]),
        army_age_max_1937=np.array([army.age_max]),
        annexed_scale=np.array([(corrections.territory or Territory()).annexed_scale]),
        heaping_strength=np.array([HEAPING_STRENGTH]),
    )


def draw_inputs(n: int, seed: int, *, correction: UnderRegistration | None = DEFAULT_CORRECTION,
                corrections: CensusCorrections = DEFAULT_CORRECTIONS) -> InputDraws:
    """``n`` draws of every uncertain input (see the module table); switched-off ones stay off."""
    if not isinstance(n, int | np.integer) or n < 1:
        raise DataError("montecarlo", f"draws must be a whole number >= 1; got {n!r}")

    def u(name: str, lo: float, hi: float) -> np.ndarray:
        return stream(seed, name).uniform(lo, hi, size=n)

    army_lo, army_hi = ArmyOmission1937.AGE_MAX_RANGE
    d = InputDraws(
        infant_qx_multiplier=u("infant_qx_multiplier", *INFANT_QX_MULTIPLIER_RANGE),
        hazard_multiplier_age1plus=u("hazard_multiplier_age1plus", *HAZARD_MULTIPLIER_AGE1PLUS_RANGE),
        padding_1939=u("padding_1939", *Padding1939.RANGE),
        army_age_max_1937=stream(seed, "army_age_max_1937").integers(army_lo, army_hi + 1, size=n),
        annexed_scale=u("annexed_scale", *Territory.RANGE),
        heaping_strength=u("heaping_strength", 0.0, 1.0),
    )
    off = central_inputs(correction, corrections)
    replace = {}
    if correction is None:
        replace |= {"infant_qx_multiplier": off.infant_qx_multiplier, "hazard_multiplier_age1plus": off.hazard_multiplier_age1plus}
    if corrections.padding_1939 is None:
        replace["padding_1939"] = off.padding_1939
    if corrections.territory is None:
        replace["annexed_scale"] = off.annexed_scale
    if replace:
        d = InputDraws(**{f.name: np.broadcast_to(replace.get(f.name, getattr(d, f.name)), (n,)).copy() for f in fields(d)})
    return d


def batch_qx_at(
    infant_qx_multiplier: np.ndarray,
    hazard_multiplier_age1plus: np.ndarray,
    *,
    mortality: str = "interpolated",
    periods: tuple[str, ...] = ("1926-1927", "1938-1939"),
) -> Callable[[float], np.ndarray]:
    """``qx_at(year) -> (D, 2, 101)``: :func:`annual_qx` for D draws of the correction at once.

    ``mortality`` is ``"interpolated"`` or one official period (that table, corrected if it is one
    of the under-registered ones, held constant).
    """
    rows = tuple(PERIODS.index(p) for p in periods)
    logh = np.stack([
        corrected_log_hazards(official_log_hazards(s), infant_qx_multiplier, hazard_multiplier_age1plus, rows)
        for s in ("male", "female")
    ], axis=-3)  # (D, 2, 3, 101)
    if mortality == "interpolated":
        return InterpolatedQx(logh)
    if mortality not in PERIODS:
        raise DataError("mortality", f"expected 'interpolated' or one of {', '.join(PERIODS)}; got {mortality!r}")
    fixed = -np.expm1(-np.exp(logh[..., PERIODS.index(mortality), :]))
    return lambda year: fixed


def interval(draws: np.ndarray, level: float = 0.95, axis: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Equal-tailed ``level`` interval of ``draws`` along ``axis`` (percentiles)."""
    if not (0 < level < 1):
        raise DataError("montecarlo", f"level must be in (0, 1); got {level!r}")
    lo, hi = np.quantile(draws, [(1 - level) / 2, (1 + level) / 2], axis=axis)
    return lo, hi

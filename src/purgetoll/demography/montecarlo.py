"""Monte Carlo over every uncertain input of the census analysis, drawn from the error model.

The inputs are the components of the error model of the evidence
(:mod:`purgetoll.demography.evidence`: one declaration of each, with its source or "assumption",
its range and how it is drawn), shared with the verdict. Each is a keyed stream
(:func:`purgetoll.demography.streams.stream`): its draws are a function of ``(seed, name)`` only,
so adding an input or changing the number of draws of another never changes them, and the same seed
gives the same draws on any machine.

:class:`InputDraws` wraps one batch of error-model draws and names the inputs the engine reads
directly (the mortality correction, the annexed territories, the digit-preference strength); the
1937 and 1939 census endpoints apply the whole draw (:mod:`.census_errors`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from purgetoll.demography.corrections import DEFAULT_CORRECTIONS, CensusCorrections
from purgetoll.demography.evidence import ErrorDraws, ErrorModel, Setting
from purgetoll.demography.mortality import (
    DEFAULT_CORRECTION,
    PERIODS,
    InterpolatedQx,
    UnderRegistration,
    corrected_log_hazards,
    official_log_hazards,
)
from purgetoll.demography.streams import stream
from purgetoll.errors import DataError
from purgetoll.intervals import MIN_DRAWS_QUANTILE

__all__ = ["InputDraws", "draw_inputs", "central_inputs", "model_for", "batch_qx_at", "interval", "stream"]


@dataclass(frozen=True)
class InputDraws:
    """One batch of error-model draws, with the inputs the engine reads by name (arrays of shape (n,))."""

    errors: ErrorDraws

    @property
    def n(self) -> int:
        return self.errors.n

    @property
    def infant_qx_multiplier(self) -> np.ndarray:
        return self.errors["infant_qx_multiplier"]

    @property
    def hazard_multiplier_age1plus(self) -> np.ndarray:
        return self.errors["hazard_multiplier_age1plus"]

    @property
    def padding_1939(self) -> np.ndarray:
        return self.errors["padding_1939_persons"]

    @property
    def army_age_max_1937(self) -> np.ndarray:
        return self.errors["army_1937_age_max"].astype(int)

    @property
    def annexed_scale(self) -> np.ndarray:
        return self.errors["annexed_scale"]

    @property
    def heaping_strength(self) -> np.ndarray:
        return self.errors["digit_preference_strength"]

    def chunk(self, lo: int, hi: int) -> InputDraws:
        return InputDraws(self.errors.chunk(lo, hi))


def model_for(correction: UnderRegistration | None = DEFAULT_CORRECTION,
              corrections: CensusCorrections = DEFAULT_CORRECTIONS, model: ErrorModel | None = None,
              *, central: bool = False) -> ErrorModel:
    """The error model with the engine's switches applied: no under-registration correction fixes both
    factors at 1; a padding given explicitly (``Padding1939(persons)``) is fixed at that value; the
    central estimate (``central=True``) uses the given correction's factors."""
    m = model or ErrorModel.default()
    fixed: dict[str, Setting] = {}
    if correction is None:
        fixed |= {k: Setting(value=1.0, source="under-registration correction switched off")
                  for k in ("infant_qx_multiplier", "hazard_multiplier_age1plus")}
    elif central:
        fixed |= {"infant_qx_multiplier": Setting(value=correction.infant_qx_multiplier, source="given correction"),
                  "hazard_multiplier_age1plus": Setting(value=correction.hazard_multiplier_age1plus,
                                                        source="given correction")}
    pad = corrections.padding_1939
    if pad is None:
        fixed["padding_1939_persons"] = Setting(value=0.0, source="padding correction switched off")
    elif pad.persons is not None:
        fixed["padding_1939_persons"] = Setting(value=float(pad.persons), source="given padding")
    if corrections.territory is not None and corrections.territory.annexed_scale != 1.0:
        fixed["annexed_scale"] = Setting(value=corrections.territory.annexed_scale, source="given territory scale")
    return ErrorModel({**m.settings, **fixed}, m.origin) if fixed else m


def central_inputs(
    correction: UnderRegistration | None = DEFAULT_CORRECTION,
    corrections: CensusCorrections = DEFAULT_CORRECTIONS,
    model: ErrorModel | None = None,
) -> InputDraws:
    """The single "draw" of the central values (the central estimate), honouring switched-off corrections."""
    return InputDraws(model_for(correction, corrections, model, central=True).central_draw())


def draw_inputs(n: int, seed: int, *, correction: UnderRegistration | None = DEFAULT_CORRECTION,
                corrections: CensusCorrections = DEFAULT_CORRECTIONS, model: ErrorModel | None = None) -> InputDraws:
    """``n`` draws of every component of the error model; switched-off corrections stay off."""
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise DataError("montecarlo", f"draws must be a whole number >= 1; got {n!r}")
    return InputDraws(model_for(correction, corrections, model).draw(int(n), seed))


def batch_qx_at(
    infant_qx_multiplier: np.ndarray,
    hazard_multiplier_age1plus: np.ndarray,
    *,
    mortality: str = "interpolated",
    periods: tuple[str, ...] = ("1926-1927", "1938-1939"),
    male_hazard_ratio: np.ndarray | float = 1.0,
) -> Callable[[float], np.ndarray]:
    """``qx_at(year) -> (D, 2, 101)``: :func:`annual_qx` for D draws of the correction at once.

    ``mortality`` is ``"interpolated"`` or one official period (that table, corrected if it is one
    of the under-registered ones, held constant). Men's hazard at ages 1+ is further multiplied by
    ``male_hazard_ratio`` (the error model's component of that name).
    """
    rows = tuple(PERIODS.index(p) for p in periods)
    k1 = np.asarray(hazard_multiplier_age1plus, dtype=float)
    per_sex = (k1 * np.asarray(male_hazard_ratio, dtype=float), k1)
    logh = np.stack([
        corrected_log_hazards(official_log_hazards(s), infant_qx_multiplier, per_sex[i], rows)
        for i, s in enumerate(("male", "female"))
    ], axis=-3)  # (D, 2, 3, 101)
    if mortality == "interpolated":
        return InterpolatedQx(logh)
    if mortality not in PERIODS:
        raise DataError("mortality", f"expected 'interpolated' or one of {', '.join(PERIODS)}; got {mortality!r}")
    fixed = -np.expm1(-np.exp(logh[..., PERIODS.index(mortality), :]))
    return lambda year: fixed


def interval(draws: np.ndarray, level: float = 0.95, axis: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Equal-tailed ``level`` interval of ``draws`` along ``axis`` (percentiles).

    The one rule for intervals from draws (:mod:`purgetoll.intervals`): with fewer than
    :data:`~purgetoll.intervals.MIN_DRAWS_QUANTILE` draws there is no interval (NaN bounds, and
    :func:`interval_note` says so), never the zero-width "interval" of one draw.
    """
    if not (0 < level < 1):
        raise DataError("montecarlo", f"level must be in (0, 1); got {level!r}")
    draws = np.asarray(draws)
    if draws.shape[axis] < MIN_DRAWS_QUANTILE:
        shape = draws.shape[:axis] + draws.shape[axis + 1:]
        return np.full(shape, np.nan), np.full(shape, np.nan)
    lo, hi = np.quantile(draws, [(1 - level) / 2, (1 + level) / 2], axis=axis)
    return lo, hi


def interval_note(draws: int, level: float = 0.95, seed: int | None = None) -> str:
    """How the intervals of a result were made, or why it has none (for the output's notes)."""
    seeded = "" if seed is None else f", seed {seed}"
    if draws < MIN_DRAWS_QUANTILE:
        return (f"no interval: {draws} Monte Carlo draw{'s' if draws != 1 else ''}{seeded} (a {level:.0%} interval "
                f"needs at least {MIN_DRAWS_QUANTILE})")
    return f"interval: equal-tailed {level:.0%} of {draws} Monte Carlo draws{seeded}"

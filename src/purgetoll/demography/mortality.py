"""Mortality by calendar time: the three official life tables, their correction, interpolation.

The official USSR tables (Goskomstat SSSR, *Tablitsy smertnosti i ozhidaemoi prodolzhitel'nosti
zhizni naseleniia*, Moscow 1989; bundled by ``purgetoll.data.life_table``) exist for 1926-27,
1938-39 and 1958-59. Between them mortality is interpolated linearly in time on the log of the
annual death hazard ``h = -log(1 - q)``, the usual way to move between life tables (it keeps
``q`` within (0, 1) and follows proportional declines). Outside the first and last mid-points the
nearest table is used unchanged.

Mid-points (calendar time in years, 1939.0 = 1 January 1939): each table rests on the deaths of
the two calendar years it is named after, around a census (17 Dec 1926, 17 Jan 1939,
15 Jan 1959), so its centre is taken as 1 January of the second year: 1927.0, 1939.0, 1959.0.

Under-registration. The 1926-27 and 1938-39 tables understate mortality because deaths were
under-registered (Andreev, Darsky, Kharkova, *Naselenie Sovetskogo Soiuza 1922-1991*, 1993,
p. 44). The size of the understatement by age is not in any bundled source, so the correction is
a named parameter (:class:`UnderRegistration`):

- ``infant_qx_multiplier`` multiplies the infant death probability q0 of those two tables.
  Default 1.146: Lorimer (*The Population of the Soviet Union*, League of Nations 1946) raised the
  1926 infant mortality rate by 14.6 per cent (from 187 to 214 per 1000) following Coale's
  adjustment of the European-USSR table (as summarised in M. Harrison's worksheet on Lorimer,
  University of Warwick). Applying the same factor to 1938-39 is an assumption.
- ``hazard_multiplier_age1plus`` multiplies the death hazard at ages 1 and over of those two
  tables. No source gives it: the default 1.146 borrows Lorimer's infant factor and the stated
  plausible range is 1.0 (no under-registration) to 1.3. Outputs that use it say it is an
  assumption.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from purgetoll.data import life_table
from purgetoll.demography.lifetable import life_table_from_qx
from purgetoll.errors import DataError

if TYPE_CHECKING:
    import pandas as pd

#: The official tables, in time order, and the calendar time (years) each one is centred on.
PERIODS: tuple[str, ...] = ("1926-1927", "1938-1939", "1958-1959")
MIDPOINTS: tuple[float, ...] = (1927.0, 1939.0, 1959.0)
#: The tables whose deaths were under-registered (ADH 1993 p. 44).
UNDERREGISTERED: tuple[str, ...] = ("1926-1927", "1938-1939")
N_AGES = 101  # single ages 0..99 and the open group 100+

#: Plausible ranges used by the Monte Carlo (see module docstring for their basis).
INFANT_QX_MULTIPLIER_RANGE: tuple[float, float] = (1.0, 1.3)
HAZARD_MULTIPLIER_AGE1PLUS_RANGE: tuple[float, float] = (1.0, 1.3)


@dataclass(frozen=True)
class UnderRegistration:
    """Correction of the death under-registration of the 1926-27 and 1938-39 tables.

    Attributes
    ----------
    infant_qx_multiplier:
        Factor on the infant death probability q0 (dimensionless). Default 1.146 from Lorimer
        (1946); plausible range :data:`INFANT_QX_MULTIPLIER_RANGE`.
    hazard_multiplier_age1plus:
        Factor on the death hazard at ages 1+ (dimensionless). **An assumption**: no source gives
        it; default 1.146, plausible range :data:`HAZARD_MULTIPLIER_AGE1PLUS_RANGE`.
    periods:
        The tables it applies to (default both early tables).
    """

    infant_qx_multiplier: float = 1.146
    hazard_multiplier_age1plus: float = 1.146
    periods: tuple[str, ...] = field(default=UNDERREGISTERED)

    def __post_init__(self) -> None:
        for name in ("infant_qx_multiplier", "hazard_multiplier_age1plus"):
            v = getattr(self, name)
            if not (isinstance(v, int | float) and np.isfinite(v) and 0.5 <= v <= 3.0):
                raise DataError("UnderRegistration", f"{name} must be a number in [0.5, 3.0]; got {v!r}")
        for p in self.periods:
            if p not in PERIODS:
                raise DataError("UnderRegistration",
                                f"period {p!r} is not an official table; expected one of {', '.join(PERIODS)}")

    def describe(self) -> str:
        """One line for outputs, saying which parts are assumptions."""
        return (f"death under-registration of the {' and '.join(self.periods)} tables corrected: "
                f"q0 x {self.infant_qx_multiplier:g} (Lorimer 1946), hazard at ages 1+ x "
                f"{self.hazard_multiplier_age1plus:g} (assumption; range "
                f"{HAZARD_MULTIPLIER_AGE1PLUS_RANGE[0]:g}-{HAZARD_MULTIPLIER_AGE1PLUS_RANGE[1]:g})")


DEFAULT_CORRECTION = UnderRegistration()


def _check_sex(sex: str) -> None:
    if sex not in ("male", "female", "both"):
        raise DataError("annual_qx", f"sex must be 'male', 'female' or 'both'; got {sex!r}")


def hazards_from_table(qx: np.ndarray, lx_open: float, Tx_open: float) -> np.ndarray:
    """Annual death hazards (per year) by age 0..100 from an official table's columns.

    Closed ages: ``-log(1 - qx)``, so that converting back gives the printed ``qx`` exactly. The open
    group 100+: its death rate ``l100 / T100`` (the table's own open-group person-years).
    """
    q = np.asarray(qx, dtype=float)
    if q.shape != (N_AGES,):
        raise DataError("life table", f"expected {N_AGES} ages 0..100; got {q.shape[0]} rows")
    h = np.empty(N_AGES)
    h[:-1] = -np.log1p(-np.minimum(q[:-1], 1.0 - 1e-12))
    if not (Tx_open > 0 and lx_open > 0):
        raise DataError("life table", f"open group needs l100 > 0 and T100 > 0; got {lx_open}, {Tx_open}",
                        row="age=100")
    h[-1] = lx_open / Tx_open
    return h


@lru_cache(maxsize=8)
def _official_log_hazards(sex: str) -> np.ndarray:
    """log hazards of the three official tables, shape (3, 101); read once per sex (immutable)."""
    rows = []
    for period in PERIODS:
        t = life_table(period, sex).sort_values("age")
        h = hazards_from_table(t["qx"].to_numpy(float), float(t["lx"].iloc[-1]), float(t["Tx"].iloc[-1]))
        rows.append(np.log(h))
    out = np.vstack(rows)
    out.setflags(write=False)
    return out


def official_log_hazards(sex: str) -> np.ndarray:
    """A copy of the log annual hazards of the three official tables for ``sex``, shape (3, 101)."""
    _check_sex(sex)
    return _official_log_hazards(sex).copy()


def corrected_log_hazards(
    log_h: np.ndarray,
    infant_qx_multiplier: np.ndarray | float,
    hazard_multiplier_age1plus: np.ndarray | float,
    rows: tuple[int, ...] = (0, 1),
) -> np.ndarray:
    """Apply the under-registration correction to tables ``rows`` of ``log_h`` (3, 101).

    Multipliers may be arrays of shape (D,) (one per Monte Carlo draw); the result then has shape
    (D, 3, 101). q0 times the infant multiplier is capped just below 1.
    """
    k0 = np.asarray(infant_qx_multiplier, dtype=float)
    k1 = np.asarray(hazard_multiplier_age1plus, dtype=float)
    batch = np.broadcast_shapes(k0.shape, k1.shape)
    out = np.broadcast_to(log_h, batch + log_h.shape).copy()
    for r in rows:
        q0 = -np.expm1(-np.exp(out[..., r, 0]))
        q0c = np.minimum(q0 * k0, 1.0 - 1e-9)
        out[..., r, 0] = np.log(-np.log1p(-q0c))
        out[..., r, 1:] = out[..., r, 1:] + np.log(k1)[..., None]
    return out


def interpolation_weights(year: np.ndarray | float) -> np.ndarray:
    """Weights of the three tables at calendar time ``year`` (years), shape ``year.shape + (3,)``.

    Linear between consecutive mid-points, constant (all weight on the nearest table) outside.
    """
    y = np.asarray(year, dtype=float)
    if not np.all(np.isfinite(y)):
        raise DataError("annual_qx", f"year must be a finite calendar time in years; got {year!r}")
    mids = np.asarray(MIDPOINTS)
    yc = np.clip(y, mids[0], mids[-1])
    w = np.zeros(y.shape + (3,))
    seg = np.clip(np.searchsorted(mids, yc, side="right") - 1, 0, 1)
    frac = (yc - mids[seg]) / (mids[seg + 1] - mids[seg])
    np.put_along_axis(w, seg[..., None], (1.0 - frac)[..., None], axis=-1)
    np.put_along_axis(w, (seg + 1)[..., None], frac[..., None], axis=-1)
    return w


def hazard_at(year: float, log_h: np.ndarray) -> np.ndarray:
    """Annual hazards (per year) at calendar time ``year`` from log hazards ``(..., 3, 101)``."""
    w = interpolation_weights(year)
    return np.exp(np.einsum("k,...ka->...a", w, log_h))


class InterpolatedQx:
    """``qx_at(year)`` for a batch of log-hazard tables, interpolated like :func:`annual_qx`.

    ``log_h`` has shape (..., 3, 101) (the three official tables, corrected per draw). Calling it
    returns annual death probabilities (..., 101) at ``year``; the projection also reads
    :attr:`by_table` and :meth:`weights` to fuse the interpolation into its compiled step.
    """

    def __init__(self, log_h: np.ndarray) -> None:
        self.by_table = np.ascontiguousarray(np.moveaxis(np.asarray(log_h, dtype=float), -2, 0))
        self.by_table.setflags(write=False)

    @property
    def batch_shape(self) -> tuple[int, ...]:
        return self.by_table.shape[1:-1]

    @staticmethod
    def weights(year: float) -> np.ndarray:
        return interpolation_weights(year)

    def __call__(self, year: float) -> np.ndarray:
        w = interpolation_weights(year)
        acc = np.zeros(self.by_table.shape[1:])
        for k in np.flatnonzero(w):  # at most two tables carry weight
            acc += w[k] * self.by_table[k]
        return -np.expm1(-np.exp(acc))


def _rows_for(periods: tuple[str, ...]) -> tuple[int, ...]:
    return tuple(PERIODS.index(p) for p in periods)


def annual_qx(
    year: float,
    sex: str,
    *,
    correction: UnderRegistration | None = DEFAULT_CORRECTION,
) -> np.ndarray:
    """Probability of dying within one year, by single age 0..100, at calendar time ``year``.

    Parameters
    ----------
    year:
        Calendar time in years (1937.5 = about 2 July 1937).
    sex:
        ``"male"``, ``"female"`` or ``"both"``.
    correction:
        The under-registration correction of the 1926-27 and 1938-39 tables
        (:class:`UnderRegistration`; its defaults are documented there and in the module
        docstring, the ages 1+ factor is an assumption). ``None`` uses the tables as printed.

    Returns
    -------
    numpy array of shape (101,): ``q[x]`` for ages 0..99 and, for the open group 100+,
    ``1 - exp(-m)`` with ``m = l100/T100`` of the interpolated table. Interpolated linearly in
    time on log hazard between the mid-points 1927.0, 1939.0 and 1959.0; constant outside.
    Source: Goskomstat SSSR (1989) official life tables via ``purgetoll.data.life_table``.
    """
    _check_sex(sex)
    if not isinstance(year, int | float | np.floating | np.integer) or not np.isfinite(year):
        raise DataError("annual_qx", f"year must be a finite calendar time in years; got {year!r}")
    log_h = _official_log_hazards(sex)
    if correction is not None:
        log_h = corrected_log_hazards(log_h, correction.infant_qx_multiplier,
                                      correction.hazard_multiplier_age1plus, _rows_for(correction.periods))
    return -np.expm1(-hazard_at(float(year), log_h))


def table_qx(period: str, sex: str) -> np.ndarray:
    """Annual death probabilities (101,) of one official table as printed (no correction).

    Ages 0..99: the printed ``qx``; 100+: ``1 - exp(-l100/T100)``.
    """
    _check_sex(sex)
    if period not in PERIODS:
        raise DataError("life table", f"period must be one of {', '.join(PERIODS)}; got {period!r}")
    return -np.expm1(-np.exp(_official_log_hazards(sex)[PERIODS.index(period)]))


def life_table_at(
    year: float,
    sex: str,
    *,
    correction: UnderRegistration | None = DEFAULT_CORRECTION,
) -> pd.DataFrame:
    """The complete life table at calendar time ``year`` (:func:`annual_qx` made into a table).

    Columns as :func:`purgetoll.demography.life_table_from_qx`; the open group's rate is the
    interpolated ``m`` of 100+. ``attrs["source"]`` names the tables and the correction.
    """
    q = annual_qx(year, sex, correction=correction)
    corr = "tables as printed" if correction is None else correction.describe()
    source = (f"official USSR life tables (Goskomstat SSSR 1989) interpolated on log hazard to {year:g}; {corr}")
    return life_table_from_qx(q, sex=sex, m_open=float(-np.log1p(-q[-1])), source=source)  # type: ignore[arg-type]

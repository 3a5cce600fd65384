"""The two ends of an intercensal comparison, as corrected populations for every Monte Carlo draw.

An endpoint is written ``census:YEAR`` or ``adh:YEAR[:BORDERS]`` (see
:func:`purgetoll.demography.inputs.population`). :func:`endpoint_draws` returns its population
(D, 2, 101) with the corrections of :mod:`.corrections` applied per draw, and the list of
assumptions used, so every output can say what it assumed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from purgetoll.data import ADH_YEARS, CENSUS_DATES
from purgetoll.demography.census_errors import true_1937, true_1939
from purgetoll.demography.corrections import CensusCorrections
from purgetoll.demography.heaping import correct_digit_preference
from purgetoll.demography.inputs import adh_single, census_single
from purgetoll.demography.lexis import decimal_year
from purgetoll.demography.montecarlo import InputDraws
from purgetoll.errors import DataError

#: Borders changed between these dates (annexations from September 1939; post-war borders 1945).
BORDER_CHANGE = (1939.67, 1945.5)


@dataclass(frozen=True)
class Endpoint:
    """A parsed ``census:YEAR`` / ``adh:YEAR[:BORDERS]``."""

    spec: str
    kind: str
    year: int
    date: str
    borders: str  # "1938", "1946" or "time"

    @property
    def t(self) -> float:
        return decimal_year(self.date)


def resolve(spec: str) -> Endpoint:
    """Parse an endpoint; ``adh:1939`` means 1946 borders (the 1959 territory), as in :mod:`.inputs`."""
    parts = spec.split(":") if isinstance(spec, str) else []
    try:
        year = int(parts[1]) if len(parts) >= 2 else None
    except ValueError:
        year = None
    if len(parts) == 2 and parts[0] == "census" and year in CENSUS_DATES:
        borders = "1946" if year == 1959 else "1938"
        return Endpoint(spec, "census", year, CENSUS_DATES[year], borders)
    if len(parts) in (2, 3) and parts[0] == "adh" and year in ADH_YEARS:
        borders = parts[2] if len(parts) == 3 else ("1946" if year >= 1939 else "1938")
        if borders not in ("1938", "1946", "time"):
            raise DataError(spec, f"borders must be 1938, 1946 or time; got {borders!r}")
        if borders == "time":
            borders = "1938" if year <= 1939 else ("1946" if year >= 1946 else "time")
        return Endpoint(spec, "adh", year, f"{year}-01-01", borders)
    raise DataError("endpoint", f"expected census:YEAR (YEAR in {', '.join(map(str, CENSUS_DATES))}) or "
                    f"adh:YEAR[:BORDERS] (YEAR in {', '.join(map(str, ADH_YEARS))}); got {spec!r}")


@lru_cache(maxsize=16)
def _census(year: int) -> np.ndarray:
    raw = census_single(year)
    raw.setflags(write=False)
    return raw


@lru_cache(maxsize=16)
def _adh_pair(year: int, borders: str) -> tuple[np.ndarray, np.ndarray]:
    raw = adh_single(year, borders, heaping_strength=0.0)  # type: ignore[arg-type]
    smooth = adh_single(year, borders, heaping_strength=1.0)  # type: ignore[arg-type]
    raw.setflags(write=False)
    smooth.setflags(write=False)
    return raw, smooth


def _mix(pair: tuple[np.ndarray, np.ndarray], w: np.ndarray) -> np.ndarray:
    """Linear in the strength between the shapes at 0 and 1 (only the within-group split moves)."""
    raw, smooth = pair
    return raw + w[:, None, None] * (smooth - raw)


def _territory_ratio(annexed_scale: np.ndarray) -> np.ndarray:
    """(D, 2, 101) multipliers taking 1939 (1938 borders) to 1946 borders, from ADH 1939 in both."""
    a38 = _adh_pair(1939, "1938")[1]
    a46 = _adh_pair(1939, "1946")[1]
    with np.errstate(divide="ignore", invalid="ignore"):
        extra = np.where(a38 > 0, (a46 - a38) / np.where(a38 > 0, a38, 1.0), 0.0)
    return 1.0 + annexed_scale[:, None, None] * extra


def needs_territory(start: Endpoint, end: Endpoint) -> bool:
    """True when the borders change between the two and the start is in pre-1939 borders."""
    return start.t < BORDER_CHANGE[0] and end.t > BORDER_CHANGE[1] and start.borders == "1938" and end.borders == "1946"


def endpoint_draws(
    ep: Endpoint,
    draws: InputDraws,
    corrections: CensusCorrections,
    *,
    to_1946_borders: bool = False,
) -> tuple[np.ndarray, list[str]]:
    """The endpoint's population for each draw, (D, 2, 101), and the assumptions applied."""
    notes: list[str] = []
    w = draws.heaping_strength
    if ep.kind == "census" and ep.year == 1937:
        army = corrections.army_1937 is not None
        pop = true_1937(_census(1937), draws.errors, army=army)
        notes.append("census 1937 (1937-01-06), unknown ages spread in proportion, corrected by the error model "
                     "(purgetoll.demography.evidence): local digit preference removed at the drawn strength, "
                     "under-count, infants missed, persons in transit"
                     + ("; army (Zhiromskaya & Polyakov 2007 p.37) and NKVD contingent added at the drawn ages"
                        if army else "; army and NKVD contingents NOT added back (correction switched off)"))
    elif ep.kind == "census" and ep.year == 1939:
        padded = corrections.padding_1939 is not None
        pop = true_1939(_census(1939), draws.errors, padding=padded)
        notes.append("census 1939 (1939-01-17), unknown ages spread in proportion, local digit preference removed at "
                     "the drawn strength (error model)")
        notes.append(corrections.padding_1939.describe() if corrections.padding_1939 is not None
                     else "1939: padding NOT removed (correction switched off)")
    elif ep.kind == "census":
        raw = _census(ep.year)
        pop = np.stack([correct_digit_preference(raw[i], w) for i in range(2)], axis=-2)
        notes.append(f"census {ep.year} ({ep.date}), unknown ages spread in proportion; digit preference at ages 30-89 "
                     "corrected with strength 0.5 of Myers' estimate (central; 0-1 in the Monte Carlo: an assumption)")
    else:
        if ep.year == 1939 and ep.borders == "1946":
            a38, a46 = _mix(_adh_pair(1939, "1938"), w), _mix(_adh_pair(1939, "1946"), w)
            pop = a38 + draws.annexed_scale[:, None, None] * (a46 - a38)
            notes.append("ADH 1993 reconstruction, 1 January 1939 in post-1946 borders (the 1959 census territory); "
                         "annexed part x annexed_scale (1.0 central; 0.95-1.05 Monte Carlo, an assumption)")
        else:
            pop = _mix(_adh_pair(ep.year, ep.borders), w)
            notes.append(f"ADH 1993 reconstruction, 1 January {ep.year}, {ep.borders} borders")
        notes.append("ADH 5-year groups split into single years like the same cohorts in a census; 85+ like the life table's Lx")
    if to_1946_borders:
        if corrections.territory is None:
            notes.append("territory NOT adjusted (correction switched off): 1938 borders compared with 1946 borders")
        else:
            pop = pop * _territory_ratio(draws.annexed_scale)
            notes.append(corrections.territory.describe())
    return pop, notes

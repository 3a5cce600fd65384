"""Populations by single year of age and sex from the bundled censuses and ADH reconstruction.

Every function returns an array (2, 101): persons by sex (male, female) and completed age
0..99, 100+; and :func:`population` parses the specifications the CLI uses (``census:1959``,
``adh:1939``, ``adh:1939:1938``).

Choices made here, each stated in the outputs that use them:

- Census ages not stated (the ``unknown`` row) are spread over the stated ages in proportion
  (``unknown="distribute"``, the default) or dropped (``"drop"``).
- ADH gives 5-year groups (0-4 .. 80-84, 85+) on 1 January. Within each group the single years
  follow the same birth cohorts in a census (:data:`SHAPE_CENSUS`: the census of that date, or
  a later one shifted by the years between), after its digit preference is corrected with
  strength :data:`HEAPING_STRENGTH` (``shape="census"``); groups the census cannot cover, or all with
  ``shape="sprague"``, are split by Sprague graduation. The 1939 census (1938 borders) gives
  the shape for 1939 in 1946 borders too: an assumption that the annexed population had the
  same single-year pattern within 5-year groups. 85+ is
  spread over 85..100+ like the person-years ``Lx`` of the official table of the period (the
  stationary-population assumption).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from purgetoll.data import ADH_YEARS, CENSUS_DATES, adh, census, life_table
from purgetoll.demography.graduation import graduate
from purgetoll.demography.heaping import DIGIT_FIRST_AGE, DIGIT_LAST_AGE, correct_digit_preference
from purgetoll.demography.lexis import decimal_year
from purgetoll.demography.projection import Addition
from purgetoll.errors import DataError

SEXES: tuple[str, str] = ("male", "female")
N_AGES = 101
#: Strength of the digit-preference correction (0 = census as counted, 1 = the full Myers
#: estimate over ages 30-89; see :mod:`.heaping`). No source fixes it: the central value 0.5 is
#: the middle of the range 0-1 the Monte Carlo draws from (an assumption).
HEAPING_STRENGTH = 0.5
#: ADH year -> (census year, age shift): ADH age a takes the shape of that census's age a + shift,
#: i.e. the same birth cohorts (the censuses of Dec 1926 and Jan 1937/1939/1959 are within a few
#: weeks of 1 January).
SHAPE_CENSUS: dict[int, tuple[int, int]] = {
    1926: (1926, 0), 1927: (1926, 0), 1934: (1937, 3), 1935: (1937, 2), 1936: (1937, 1),
    1937: (1937, 0), 1938: (1939, 1), 1939: (1939, 0), 1940: (1959, 19), 1941: (1959, 18),
    1946: (1959, 13), 1947: (1959, 12),
}


def census_single(year: int, *, unknown: Literal["distribute", "drop"] = "distribute") -> np.ndarray:
    """Persons by sex and single age 0..100+ at a census (``purgetoll.data.census``)."""
    if unknown not in ("distribute", "drop"):
        raise DataError("census", f"unknown must be 'distribute' or 'drop'; got {unknown!r}")
    df = census(year, "single", include_unknown=True)
    out = np.zeros((2, N_AGES))
    for i, sex in enumerate(SEXES):
        d = df[df["sex"] == sex]
        known = d[d["age"].notna()]
        ages = known["age"].astype(int).to_numpy()
        out[i, np.minimum(ages, 100)] += known["count"].to_numpy(float)
        n_unknown = float(d.loc[d["age"].isna(), "count"].sum())
        if unknown == "distribute" and n_unknown > 0:
            out[i] += n_unknown * out[i] / out[i].sum()
    return out


def _open_weights(year: int, sex: str) -> np.ndarray:
    """Weights for ages 85..100+ from the official table nearest in time (Lx; T100 for 100+)."""
    period = "1926-1927" if year < 1933 else ("1938-1939" if year < 1949 else "1958-1959")
    t = life_table(period, sex).sort_values("age")
    w = t["Lx"].to_numpy(float)[85:101].copy()
    w[-1] = float(t["Tx"].iloc[-1])
    return w


def adh_single(
    year: int,
    borders: Literal["time", "1938", "1946"] = "time",
    *,
    shape: Literal["census", "sprague"] = "census",
    heaping_strength: float = HEAPING_STRENGTH,
) -> np.ndarray:
    """ADH population on 1 January of ``year`` by sex and single age 0..100+ (persons).

    ``shape="census"`` distributes each 5-year group like the same birth cohorts in a census
    (:data:`SHAPE_CENSUS`; digit preference corrected with ``heaping_strength``),
    otherwise Sprague. Group totals are ADH's exactly.
    """
    if shape not in ("census", "sprague"):
        raise DataError("adh_5y", f"shape must be 'census' or 'sprague'; got {shape!r}")
    df = adh(year, borders=borders)
    out = np.zeros((2, N_AGES))
    ref = None
    if shape == "census" and year in SHAPE_CENSUS:
        c_year, shift = SHAPE_CENSUS[year]
        ref = census_single(c_year)
    for i, sex in enumerate(SEXES):
        d = df[df["sex"] == sex].sort_values("age")
        lower = d["age"].astype(int).to_numpy()
        counts = d["count"].to_numpy(float)
        if lower[-1] != 85 or (np.diff(lower) != 5).any():
            raise DataError("adh_5y", f"expected 5-year groups 0-4 .. 80-84 and 85+; got lower ages {lower.tolist()}",
                            row=f"year={year}, sex={sex}")
        single, _ = graduate(counts, lower, name="adh_5y")
        if ref is not None:
            r = correct_digit_preference(ref[i], heaping_strength, first=DIGIT_FIRST_AGE, last=DIGIT_LAST_AGE)
            # The same cohorts in the census: ages a + shift; groups reaching 100+ keep Sprague.
            n_groups = min(17, (100 - shift) // 5)
            within = r[shift:shift + 5 * n_groups].reshape(n_groups, 5)
            sums = within.sum(axis=1, keepdims=True)
            ok = sums[:, 0] > 0
            share = np.where(sums > 0, within / np.where(sums > 0, sums, 1.0), 0.2)
            by_group = single.reshape(17, 5)
            by_group[:n_groups][ok] = (share * counts[:n_groups, None])[ok]
            single = by_group.reshape(-1)
        out[i, :85] = single
        w = _open_weights(year, sex)
        out[i, 85:] = counts[-1] * w / w.sum()
    return out


def population(spec: str, *, unknown: Literal["distribute", "drop"] = "distribute",
               shape: Literal["census", "sprague"] = "census") -> tuple[str, np.ndarray, str]:
    """Parse ``census:YEAR``, ``adh:YEAR`` or ``adh:YEAR:BORDERS`` into ``(date, array, description)``.

    ``adh:1939`` means 1 January 1939 in **1946 borders** (the territory of the 1959 census; ADH
    1993 give 1939 in both); write ``adh:1939:1938`` for the pre-September-1939 borders.
    """
    parts = spec.split(":")
    kind = parts[0]
    try:
        year = int(parts[1]) if len(parts) >= 2 else None
    except ValueError:
        year = None
    if kind == "census" and len(parts) == 2 and year in CENSUS_DATES:
        note = f"census {year} ({CENSUS_DATES[year]}), single years, unknown ages {'spread in proportion' if unknown == 'distribute' else 'dropped'}"
        return CENSUS_DATES[year], census_single(year, unknown=unknown), note
    if kind == "adh" and len(parts) in (2, 3) and year in ADH_YEARS:
        default = "1946" if year == 1939 else "time"
        borders = parts[2] if len(parts) == 3 else default
        if borders not in ("time", "1938", "1946"):
            raise DataError(spec, f"borders must be time, 1938 or 1946; got {borders!r}")
        arr = adh_single(year, borders, shape=shape)  # type: ignore[arg-type]
        note = (f"ADH reconstruction, 1 January {year}, {borders} borders (Andreev, Darsky, Kharkova 1993), "
                f"5-year groups split {'like the same cohorts in a census (digit preference corrected, strength ' + str(HEAPING_STRENGTH) + ')' if shape == 'census' else 'by Sprague'}")
        return f"{year}-01-01", arr, note
    raise DataError("population", f"expected census:YEAR (YEAR in {', '.join(map(str, CENSUS_DATES))}) or "
                    f"adh:YEAR[:BORDERS] (YEAR in {', '.join(map(str, ADH_YEARS))}); got {spec!r}")


def territory_addition(
    date: str | float, *, scale: float = 1.0, label: str = "1939-40 annexations"
) -> Addition:
    """The population of the territories in 1946 but not 1938 borders, as a projection :class:`Addition`.

    Counts: ADH's 1 January 1939 population in post-1946 borders minus that in pre-September-1939
    borders, by sex and single age (:func:`adh_single`), times ``scale``; added whole at ``date``.
    Assumptions (say them with any result): the difference also holds territories joined in
    1944-45 (Transcarpathia, Kaliningrad, Tuva, southern Sakhalin); the people are added as they
    were on 1 January 1939, without their deaths or births between then and ``date``.
    """
    if not (isinstance(scale, int | float) and 0 <= scale <= 2):
        raise DataError("territory_addition", f"scale must be a number in [0, 2]; got {scale!r}")
    diff = adh_single(1939, "1946") - adh_single(1939, "1938")
    return Addition(decimal_year(date), scale * np.maximum(diff, 0.0), label)

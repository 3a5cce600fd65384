"""Named corrections of the known distortions of the censuses, each with its source and range.

- :class:`ArmyOmission1937`: the 1937 census age table leaves out the army (:data:`ARMY_1937` men and
  women) and the NKVD contingents; the census total with them
  (``war_losses_and_population_milestones:census_1937_total``) against the age table's
  (``census_1937_single:1937-01-06/both/total``) (Zhiromskaya & Polyakov, *Vsesoiuznaia perepis' naseleniia 1937
  goda: obshchie itogi*, 2007, p. 37; bundled caveat of ``census_1937_single``). The NKVD
  contingents are the remainder, of unknown sex (counted as men: an assumption). The
  ages they are added at are not published: the census caveat says "the dip of men aged 20-29 is
  that omission", so the default spreads them over ages 20-29 in proportion to the men counted
  there (an assumption; the Monte Carlo moves the upper age between 25 and 34).
- :class:`Padding1939`: the switch of the 1939 census's padding. Its size, range and where it sits
  by age and sex are components of the error model (:mod:`purgetoll.demography.evidence`:
  ``padding_1939_persons`` and the shape components), the one place the padding is declared;
  ``Padding1939(persons)`` fixes the size at a given value instead of drawing it.
- :class:`Borders1946`: the 1959 census counts post-1945 borders, about 20 million more people than
  the 1939 ones. ADH (1993) give 1 January 1939 in both borders; a 1939 census population is
  brought to 1946 borders by ADH's ratio of the two by sex and 5-year group; ``annexed_scale``
  multiplies the annexed part (1.0 = ADH; the Monte Carlo range 0.95-1.05 is an assumption about
  the precision of ADH's estimate for the annexed territories).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from purgetoll.data import figure
from purgetoll.errors import DataError

SEXES: tuple[str, str] = ("male", "female")

# The 1937 census (Zhiromskaya & Polyakov 2007, p. 37; bundled caveat of ``census_1937_single``).
#: Census total with the army and the NKVD contingents (persons).
CENSUS_TOTAL_1937 = int(figure("war_losses_and_population_milestones:census_1937_total"))
#: Persons in the age table ``census_1937_single``, unknown ages included.
AGE_TABLE_TOTAL_1937 = int(figure("census_1937_single:1937-01-06/both/total"))
#: The army, left out of the age table: men and women (persons).
ARMY_1937 = (1_681_043, 1_526)


def _check_range(name: str, value: float, lo: float, hi: float) -> None:
    if not (isinstance(value, int | float) and np.isfinite(value) and lo <= value <= hi):
        raise DataError(name, f"must be a number in [{lo:g}, {hi:g}]; got {value!r}")


@dataclass(frozen=True)
class ArmyOmission1937:
    """Add back to the 1937 census the army and NKVD contingents its age table leaves out."""

    army_men: float = ARMY_1937[0]
    army_women: float = ARMY_1937[1]
    #: The remainder of the census total once the age table and the army are counted.
    nkvd_contingents: float = CENSUS_TOTAL_1937 - AGE_TABLE_TOTAL_1937 - sum(ARMY_1937)
    age_min: int = 20
    age_max: int = 29
    #: Monte Carlo range of ``age_max`` (an assumption; see module docstring).
    AGE_MAX_RANGE = (25, 34)

    def __post_init__(self) -> None:
        _check_range("ArmyOmission1937.army_men", self.army_men, 0, 5e6)
        _check_range("ArmyOmission1937.army_women", self.army_women, 0, 1e6)
        _check_range("ArmyOmission1937.nkvd_contingents", self.nkvd_contingents, 0, 2e6)
        if not (isinstance(self.age_min, int) and isinstance(self.age_max, int) and 15 <= self.age_min <= self.age_max <= 60):
            raise DataError("ArmyOmission1937", f"ages must be whole numbers with 15 <= age_min <= age_max <= 60; got {self.age_min}..{self.age_max}")

    def added(self, pop: np.ndarray, age_max: np.ndarray | int | None = None) -> np.ndarray:
        """The persons added (..., 2, 101), spread like ``pop`` over ages ``age_min..age_max``.

        ``age_max`` may be an array (one per Monte Carlo draw) of shape ``pop.shape[:-2]``.
        """
        hi = np.asarray(self.age_max if age_max is None else age_max)
        ages = np.arange(pop.shape[-1])
        mask = (ages >= self.age_min) & (ages <= hi[..., None])  # (..., 101)
        w = pop * mask[..., None, :]
        w = w / w.sum(-1, keepdims=True)
        totals = np.array([self.army_men + self.nkvd_contingents, self.army_women])
        return w * totals[:, None]

    def describe(self) -> str:
        return (f"1937: army {self.army_men:,.0f} men and {self.army_women:,.0f} women (Zhiromskaya & Polyakov 2007 p.37) "
                f"and NKVD contingents {self.nkvd_contingents:,.0f} (remainder of the census total, counted as men: assumption) "
                f"added at ages {self.age_min}-{self.age_max} like the men counted there (assumption)")


@dataclass(frozen=True)
class Padding1939:
    """Remove the padding of the 1939 census as the error model places it (``persons`` None: drawn)."""

    persons: float | None = None

    def __post_init__(self) -> None:
        if self.persons is not None:
            _check_range("Padding1939.persons", self.persons, 0, 1e7)

    def describe(self) -> str:
        size = ("drawn by the error model (padding_1939_persons)" if self.persons is None
                else f"fixed at {self.persons:,.0f}")
        return (f"1939: padding {size}, removed by sex and age as the error model places it (in proportion, or "
                "among mobile working-age adults, with a Dirichlet spread; the placement is an assumption)")


@dataclass(frozen=True)
class Borders1946:
    """Bring a 1939 (pre-September-1939 borders) population to post-1946 borders via ADH's ratio.

    Called ``Territory`` before (kept one release as an alias): the simulation's
    :class:`purgetoll.sim.modules.Territory` is another thing, the annexations as a mechanism.
    """

    annexed_scale: float = 1.0
    RANGE = (0.95, 1.05)

    def __post_init__(self) -> None:
        _check_range("Borders1946.annexed_scale", self.annexed_scale, 0.0, 2.0)

    def describe(self) -> str:
        return ("territory: 1939 brought to post-1946 borders (the 1959 census territory) by ADH 1993's 1939 "
                f"populations in both borders; annexed part x {self.annexed_scale:g} (range 0.95-1.05: assumption)")


#: The old name of :class:`Borders1946`, kept for one release.
Territory = Borders1946


@dataclass(frozen=True)
class CensusCorrections:
    """The corrections in force; ``None`` switches one off (and outputs say so)."""

    army_1937: ArmyOmission1937 | None = ArmyOmission1937()
    padding_1939: Padding1939 | None = Padding1939()
    territory: Borders1946 | None = Borders1946()


#: Every correction at its default.
DEFAULT_CORRECTIONS = CensusCorrections()

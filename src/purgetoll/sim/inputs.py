"""What the demography module is fed: a starting population, mortality, births and annexations.

The engine never reads data files itself: it takes a :class:`DemographyInputs`. Tests pass simple
synthetic inputs; :func:`purgetoll.sim.sources.default_inputs` builds the real ones from
``purgetoll.data`` and ``purgetoll.demography`` (the same life tables and under-registration
correction as the demography engine, and its births series).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from purgetoll.errors import DataError
from purgetoll.sim.hazard import N_AGES
from purgetoll.sim.state import SEXES

__all__ = ["DemographyInputs", "population_matrix"]


def population_matrix(df: pd.DataFrame, where: str) -> np.ndarray:
    """Counts by (sex, single age 0..100) from a tidy table with columns ``sex, age, count``.

    ``age`` 100 stands for the open group 100+. Every (sex, age) must appear exactly once;
    counts must be finite and >= 0. Returns float64 of shape (2, 101), row 0 male, row 1 female.
    """
    missing = {"sex", "age", "count"} - set(df.columns)
    if missing:
        raise DataError(where, f"missing column(s) {sorted(missing)}; expected sex, age, count")
    out = np.full((2, N_AGES), np.nan)
    for i, row in enumerate(df[["sex", "age", "count"]].itertuples(index=False)):
        if row.sex not in SEXES:
            raise DataError(where, f"sex must be 'male' or 'female'; got {row.sex!r}", i)
        age = row.age
        if pd.isna(age) or int(age) != age or not 0 <= int(age) < N_AGES:
            raise DataError(where, f"age must be an integer 0..100 (100 = 100+); got {age!r}", i)
        count = float(row.count)
        if not np.isfinite(count) or count < 0:
            raise DataError(where, f"count must be a finite number >= 0; got {row.count!r}", i)
        s = SEXES.index(row.sex)
        if not np.isnan(out[s, int(age)]):
            raise DataError(where, f"duplicate row for sex={row.sex}, age={int(age)}", i)
        out[s, int(age)] = count
    holes = np.argwhere(np.isnan(out))
    if holes.size:
        s, a = holes[0]
        raise DataError(where, f"no row for sex={SEXES[s]}, age={a}; expected ages 0..100 for both sexes")
    return out


@dataclass(frozen=True)
class DemographyInputs:
    """Everything the demography module needs, as explicit inputs.

    Attributes
    ----------
    initial:
        Tidy table ``sex, age, count`` (persons; age 0..100, 100 = 100+) at the start date.
    qx:
        ``qx(year, sex) -> array (101,)``: annual probability of death by single age at calendar
        time ``year`` (decimal years). The real one is ``purgetoll.demography.annual_qx``.
    births_between:
        ``births_between(t0, t1) -> array (2,)``: live births (persons; boys, girls) during the
        calendar interval ``[t0, t1)`` in decimal years, the contract of
        ``purgetoll.demography.project`` (a sex ratio at birth, if any, is applied by whoever
        builds the series and stated in its assumptions).
    infant_a0:
        Optional ``infant_a0(q0, sex) -> a0``: average years lived in the first year by infants who
        die (e.g. ``purgetoll.demography.lifetable.a0_from_q0``, Coale-Demeny), so that the hazard
        falls through the first year as in the life table; ``None``: constant through the year.
    annexations:
        Optional tidy table ``date, label, sex, age, count``: people added to the population at a
        date (the 1939-40 annexations), ages as completed years at that date.
    tables:
        ``{table name: citation}`` of every data table behind these inputs (for the manifest).
    assumptions:
        ``{parameter: statement}`` of every value used that no source gives (for the manifest).
    data_ends:
        ``{series: its last calendar year}`` of the data behind ``qx`` and ``births_between`` (the
        bundled: ``births_series`` and ``life_tables``, both 1959); a run
        that ends after the first day the earliest of them does not cover is refused unless its
        settings say ``past_data`` (:mod:`purgetoll.sim.coverage`). Empty: the inputs state no end
        (synthetic inputs).
    """

    initial: pd.DataFrame
    qx: Callable[[float, str], np.ndarray]
    births_between: Callable[[float, float], np.ndarray]
    infant_a0: Callable[[np.ndarray, str], np.ndarray] | None = None
    annexations: pd.DataFrame | None = None
    tables: dict[str, str] = field(default_factory=dict)
    assumptions: dict[str, str] = field(default_factory=dict)
    data_ends: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        population_matrix(self.initial, "DemographyInputs.initial")
        if self.annexations is not None:
            self.annexation_groups()

    def annexation_groups(self) -> list[tuple[str, str, np.ndarray]]:
        """The annexations as ``(ISO date, label, counts (2, 101))``, in date order."""
        df = self.annexations
        where = "DemographyInputs.annexations"
        if df is None:
            return []
        missing = {"date", "label"} - set(df.columns)
        if missing:
            raise DataError(where, f"missing column(s) {sorted(missing)}; expected date, label, sex, age, count")
        groups = []
        for (date, label), part in df.groupby(["date", "label"], sort=True):
            try:
                pd.Timestamp(date)
            except ValueError:
                raise DataError(where, f"date must be ISO YYYY-MM-DD; got {date!r}", f"label={label}") from None
            groups.append((str(date), str(label), population_matrix(part, f"{where} ({label})")))
        return groups

"""Demography without agents: life tables, graduation, projection, Lexis, deficits, uncertainty.

Public surface (``from purgetoll.demography import ...``); each concept lives in its own module:

- :mod:`.lifetable`: ``life_table_from_qx``, ``life_table_from_mx``, ``life_expectancy``,
  ``partial_life_expectancy``.
- :mod:`.mortality`: ``annual_qx(year, sex, correction=...)`` (the official tables interpolated by
  calendar time, with the named under-registration correction ``UnderRegistration``).
- :mod:`.graduation` and :mod:`.heaping`: ``graduate``, ``whipple_index``, ``myers_index``,
  ``smooth_heaping``.
- :mod:`.projection`: ``project`` (cohort-component, single years, by sex, any dates).
- :mod:`.lexis`: ``cohort_of``, ``age_of``, ``exposure``, ``shift_ages``, ``decimal_year``.
- :mod:`.births`: ``births_series`` (1927-1959 by reverse survival), ``implied_births``.
- :mod:`.inputs`: ``population("census:1959")``, ``census_single``, ``adh_single``.
- :mod:`.corrections`: ``ArmyOmission1937``, ``Padding1939``, ``Borders1946``, ``CensusCorrections``
  (``Territory``: the old name of ``Borders1946``, kept for one release).
- :mod:`.intercensal`: ``cohort_survival``, ``deficit`` (with Monte Carlo intervals,
  :mod:`.montecarlo`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

# The public names, loaded on first use (purgetoll._lazy), so that `purgetoll --help` and
# `from purgetoll.demography import cli` load no numba or scipy.
if TYPE_CHECKING:
    from purgetoll.demography.births import births_series, implied_births
    from purgetoll.demography.corrections import (
        DEFAULT_CORRECTIONS,
        ArmyOmission1937,
        Borders1946,
        CensusCorrections,
        Padding1939,
        Territory,
    )
    from purgetoll.demography.graduation import graduate, split_open_group
    from purgetoll.demography.heaping import (
        correct_digit_preference,
        digit_factors,
        heaping_report,
        myers_index,
        smooth_heaping,
        whipple_index,
    )
    from purgetoll.demography.inputs import adh_single, census_single, population
    from purgetoll.demography.intercensal import cohort_survival, deficit
    from purgetoll.demography.lexis import (
        age_of,
        birth_interval,
        cohort_of,
        decimal_year,
        exposure,
        iso_date,
        shift_ages,
    )
    from purgetoll.demography.lifetable import (
        life_expectancy,
        life_table_from_mx,
        life_table_from_qx,
        partial_life_expectancy,
    )
    from purgetoll.demography.mortality import (
        DEFAULT_CORRECTION,
        MIDPOINTS,
        PERIODS,
        UnderRegistration,
        annual_qx,
        life_table_at,
        table_qx,
    )
    from purgetoll.demography.projection import (
        Addition,
        ProjectionResult,
        births_function,
        project,
        project_arrays,
    )
else:
    from purgetoll._lazy import lazy_exports

    __getattr__, __dir__ = lazy_exports(__name__, __file__)

__all__ = [
    "Addition", "ArmyOmission1937", "Borders1946", "CensusCorrections", "DEFAULT_CORRECTION",
    "DEFAULT_CORRECTIONS", "MIDPOINTS", "PERIODS", "Padding1939", "ProjectionResult", "Territory",
    "UnderRegistration", "adh_single", "age_of", "annual_qx", "birth_interval", "births_function",
    "births_series", "census_single", "cohort_of", "cohort_survival", "correct_digit_preference",
    "decimal_year", "deficit", "digit_factors", "exposure", "graduate", "heaping_report",
    "implied_births", "iso_date", "life_expectancy", "life_table_at", "life_table_from_mx",
    "life_table_from_qx", "myers_index", "partial_life_expectancy", "population", "project",
    "project_arrays", "shift_ages", "smooth_heaping", "split_open_group", "table_qx",
    "whipple_index"
]

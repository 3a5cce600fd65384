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
- :mod:`.corrections`: ``ArmyOmission1937``, ``Padding1939``, ``Territory``, ``CensusCorrections``.
- :mod:`.intercensal`: ``cohort_survival``, ``deficit`` (with Monte Carlo intervals,
  :mod:`.montecarlo`).
"""

from __future__ import annotations

from purgetoll._lazy import lazy_exports

#: Public name -> the module (in this package) that defines it. Modules load on first use, so
#: ``purgetoll --help`` and ``from purgetoll.demography import cli`` stay fast (numba and scipy
#: are imported only when the mathematics is asked for).
_EXPORTS: dict[str, str] = {
    "Addition": "projection",
    "ArmyOmission1937": "corrections",
    "CensusCorrections": "corrections",
    "DEFAULT_CORRECTION": "mortality",
    "DEFAULT_CORRECTIONS": "corrections",
    "MIDPOINTS": "mortality",
    "PERIODS": "mortality",
    "Padding1939": "corrections",
    "ProjectionResult": "projection",
    "Territory": "corrections",
    "UnderRegistration": "mortality",
    "adh_single": "inputs",
    "age_of": "lexis",
    "annual_qx": "mortality",
    "birth_interval": "lexis",
    "births_function": "projection",
    "births_series": "births",
    "census_single": "inputs",
    "cohort_of": "lexis",
    "cohort_survival": "intercensal",
    "correct_digit_preference": "heaping",
    "decimal_year": "lexis",
    "deficit": "intercensal",
    "digit_factors": "heaping",
    "exposure": "lexis",
    "graduate": "graduation",
    "heaping_report": "heaping",
    "implied_births": "births",
    "iso_date": "lexis",
    "life_expectancy": "lifetable",
    "life_table_at": "mortality",
    "life_table_from_mx": "lifetable",
    "life_table_from_qx": "lifetable",
    "myers_index": "heaping",
    "partial_life_expectancy": "lifetable",
    "population": "inputs",
    "project": "projection",
    "project_arrays": "projection",
    "shift_ages": "lexis",
    "smooth_heaping": "heaping",
    "split_open_group": "graduation",
    "table_qx": "mortality",
    "whipple_index": "heaping",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

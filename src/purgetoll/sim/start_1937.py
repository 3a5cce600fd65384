"""Start a run at any census: 17 Dec 1926 (as counted) or 6 Jan 1937 (with the army added back).

The 1937 census age table (``census_1937_single``: its total, ``1937-01-06/both/total``, includes those of
unknown age, ``.../unknown``) leaves out the army (``army_men_persons``, ``army_women_persons``) and the
NKVD contingents; the census total with them is ``war_losses_and_population_milestones:census_1937_total`` (Zhiromskaya & Polyakov, *Vsesoiuznaia perepis' naseleniia 1937
goda: obshchie itogi*, 2007, p. 37; the caveat of the bundled table). The starting population is

* the age table, unknown ages spread in proportion over the stated ones
  (``purgetoll.demography.census_single``);
* plus the army and the NKVD contingents, added by :class:`purgetoll.demography.ArmyOmission1937`:
  no source gives their ages, so they are spread over ages ``army_age_min..army_age_max`` in
  proportion to the men the census counted there (assumption: the census caveat says the dip of
  men aged 20-29 is that omission; ``army_age_max`` ranges 25-34). The NKVD contingents are the
  remainder of the census total, of unknown sex, counted as men (assumption).

Everything else (mortality, births, the 1939-40 annexations) is the demography-only run's
(:func:`purgetoll.sim.sources.default_inputs`). The parameters below are the ``[population]``
section of a scenario file.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd

from purgetoll.data import figure
from purgetoll.demography import ArmyOmission1937, census_single
from purgetoll.errors import DataError
from purgetoll.params import Param
from purgetoll.sim.inputs import DemographyInputs
from purgetoll.sim.sources import default_inputs

__all__ = ["PARAMETER_SPECS", "START_DATES", "CENSUS_TOTAL_1937", "start_inputs", "initial_1937"]

START_DATES = ("1926-12-17", "1937-01-06")
#: The 1937 census total including the army and NKVD contingents (Zhiromskaya & Polyakov 2007, p. 37).
CENSUS_TOTAL_1937 = int(figure("war_losses_and_population_milestones:census_1937_total"))
_TABLE_1937 = int(figure("census_1937_single:1937-01-06/both/total"))  # with unknown ages

PARAMETER_SPECS: tuple[Param, ...] = (
    Param("army_men_persons", 1_681_043, "persons",
          "men in the army left out of the 1937 census age table (Zhiromskaya & Polyakov 2007, p. 37)",
          low=0, high=5_000_000),
    Param("army_women_persons", 1_526, "persons",
          "women in the army left out of the 1937 census age table (Zhiromskaya & Polyakov 2007, p. 37)",
          low=0, high=100_000),
    Param("nkvd_contingents_persons", CENSUS_TOTAL_1937 - _TABLE_1937 - 1_681_043 - 1_526, "persons",
          "NKVD contingents left out of the age table: the remainder, census total (census_1937_total) - age "
          "table (census_1937_single) - army men - army women (derived; no source gives their number or sex: counted as men, assumption; "
          "plausible range 150,000-250,000)", low=0, high=2_000_000),
    Param("army_age_min", 20, "years", "youngest age at which the army is added back (assumption: the census "
          "caveat places the omission at ages 20-29)", kind="integer", low=15, high=40, assumption=True),
    Param("army_age_max", 29, "years", "oldest age at which the army is added back (assumption, range 25-34)",
          kind="integer", low=20, high=60, assumption=True),
)


def _param_defaults() -> dict[str, object]:
    return {p.name: p.default for p in PARAMETER_SPECS}


def initial_1937(**params: object) -> np.ndarray:
    """Persons by (sex, age 0..100) on 6 Jan 1937: census age table + army + NKVD contingents.

    Keyword arguments are the ``[population]`` parameters (defaults as declared).
    """
    p = _checked(params)
    if p["army_age_min"] > p["army_age_max"]:
        raise DataError("[population]", f"army_age_min ({p['army_age_min']}) must be <= army_age_max "
                        f"({p['army_age_max']})")
    pop = census_single(1937)
    omission = ArmyOmission1937(army_men=float(p["army_men_persons"]), army_women=float(p["army_women_persons"]),
                                nkvd_contingents=float(p["nkvd_contingents_persons"]),
                                age_min=int(p["army_age_min"]), age_max=int(p["army_age_max"]))
    return pop + omission.added(pop)


def _checked(params: dict[str, Any]) -> dict[str, Any]:
    specs = {s.name: s for s in PARAMETER_SPECS}
    unknown = sorted(set(params) - set(specs))
    if unknown:
        raise DataError("[population]", f"unknown parameter(s) {unknown} (valid: {', '.join(sorted(specs))})")
    out = _param_defaults() | params
    for name, value in out.items():
        problem = specs[name].check(value)
        if problem:
            raise DataError("[population]", problem)
    return out


def _frame(pop: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"sex": np.repeat(["male", "female"], 101), "age": np.tile(np.arange(101), 2),
                         "count": pop.reshape(-1)})


def start_inputs(start: str, base: DemographyInputs | None = None, **params: object) -> DemographyInputs:
    """The demography inputs of a run starting at census date ``start`` (1926-12-17 or 1937-01-06).

    ``base`` supplies mortality, births and annexations (default: ``default_inputs()``); for 1937
    its starting population is replaced by :func:`initial_1937` and the manifest's tables and
    assumptions say so.
    """
    if start not in START_DATES:
        raise DataError("start", f"the engine starts at a census date ({', '.join(START_DATES)}); got {start!r}")
    if base is None:
        base = default_inputs()
    if start == "1926-12-17":
        _checked(params)
        return base
    p = _checked(params)
    pop = initial_1937(**params)
    tables = {k: v for k, v in base.tables.items() if k != "census_1926_single"}
    tables["census_1937_single"] = ("Zhiromskaya & Polyakov, Vsesoiuznaia perepis' naseleniia 1937 goda: obshchie "
                                    "itogi (2007), tables 10-11; army and NKVD contingents p. 37")
    assumptions = {k: v for k, v in base.assumptions.items() if k not in ("unknown_age_1926", "births_1926")}
    assumptions.update({
        "unknown_age_1937": f"the {figure('census_1937_single:1937-01-06/both/unknown'):,} persons of unknown age in "
                            "the 1937 census are spread over the stated ages "
                            "in proportion",
        "army_1937": f"army {p['army_men_persons']:,} men and {p['army_women_persons']:,} women (sourced) and NKVD "
                     f"contingents {p['nkvd_contingents_persons']:,} (remainder of the census total; counted as "
                     f"men: assumption) added at ages {p['army_age_min']}-{p['army_age_max']} like the men counted "
                     "there (assumption; range of the upper age 25-34)",
    })
    return dataclasses.replace(base, initial=_frame(pop), tables=tables, assumptions=assumptions)

"""The real inputs of a demography-only run, from ``purgetoll.data`` and ``purgetoll.demography``.

* Starting population: the census of 17 Dec 1926 by sex and single year of age
  (``purgetoll.data.census(1926, ages="single")``); the persons of unknown age
  (``census_1926_single:1926-12-17/both/unknown``, 0.06%) are left out (stated in the manifest).
* Mortality: ``purgetoll.demography.annual_qx`` with its default under-registration correction,
  the same schedule as the demography engine's projection.
* Births: the demography engine's births series (``purgetoll.demography.births``).
* Infant deaths within the first year: spread so that infants who die live on average the
  Coale-Demeny ``a0`` (``purgetoll.demography.lifetable.a0_from_q0``), as in the projection.
* Annexations of 1939-40: the age and sex structure is the difference between the
  Andreev-Darsky-Kharkova population of 1 January 1939 in post-1946 and in pre-September-1939
  borders (``purgetoll.data.adh``), 5-year groups split into single years with
  ``purgetoll.demography.graduate``, the open 85+ group spread over 85-100 in proportion to the
  1938-39 life table's ``Lx``. Caveats (in the manifest): that difference also holds territories
  joined later (Transcarpathia, Kaliningrad, Tuva), and the split between the western Ukraine and
  Belarus annexation (dated 1939-11-01) and the Baltic states, Bessarabia and northern Bukovina
  (1940-08-01) is the named parameter ``annexation_share_1939`` (default 0.55, range 0.5-0.6): no
  bundled source gives it.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from purgetoll.data import LIFE_TABLE_PERIODS, adh, census, figure, life_table
from purgetoll.demography import annual_qx, births_function, births_series, graduate
from purgetoll.demography.lifetable import a0_from_q0
from purgetoll.errors import DataError
from purgetoll.sim.inputs import DemographyInputs
from purgetoll.sim.loop import Sim, SimSettings
from purgetoll.sim.modules import Demography, Territory

__all__ = ["default_inputs", "shared_default_inputs", "demography_sim", "annexations_from_adh", "ANNEXATION_SHARE_1939",
           "ANNEXATION_SHARE_1939_RANGE", "ANNEXATION_DATES"]

CENSUS_1926 = "1926-12-17"
#: Share of the 1939-40 annexed population that joined in November 1939 (assumption, see above).
ANNEXATION_SHARE_1939 = 0.55
ANNEXATION_SHARE_1939_RANGE = (0.5, 0.6)
#: Dates the two waves are added: the laws incorporating western Ukraine (1 Nov 1939) and the
#: admission of the Baltic republics and the Moldavian SSR (August 1940; first of the month used).
ANNEXATION_DATES = {"west_ukraine_belarus": "1939-11-01", "baltics_bessarabia": "1940-08-01"}


def _initial_1926() -> tuple[pd.DataFrame, str]:
    df = census(1926, ages="single")
    df = df[df["sex"].isin(["male", "female"]) & df["age"].notna()].copy()
    df["age"] = df["age"].astype(int).clip(upper=100)
    return df[["sex", "age", "count"]].reset_index(drop=True), df.attrs.get("source", "census 1926")


def annexations_from_adh(share_1939: float = ANNEXATION_SHARE_1939) -> tuple[pd.DataFrame, str]:
    """The annexed population by sex and single age, in two dated waves (see module docstring)."""
    lo, hi = ANNEXATION_SHARE_1939_RANGE
    if not lo <= share_1939 <= hi:
        raise DataError("annexation_share_1939", f"must be in [{lo}, {hi}] (the stated plausible range); got {share_1939!r}")
    before, after = adh(1939, borders="1938"), adh(1939, borders="1946")
    rows = []
    for sex in ("male", "female"):
        b = before[before["sex"] == sex].sort_values("age")
        a = after[after["sex"] == sex].sort_values("age")
        diff = a["count"].to_numpy(float) - b["count"].to_numpy(float)
        if np.any(diff < 0):
            raise DataError("adh_5y", "post-1946 borders must hold at least the pre-1939 population in every group",
                            f"sex={sex}")
        single, open_count = graduate(diff, a["age"].to_numpy(), name="adh_5y annexed")
        lx = life_table("1938-1939", sex).sort_values("age")["Lx"].to_numpy(float)
        top = open_count * lx[85:] / lx[85:].sum()  # 85..100+
        counts = np.concatenate([single, top])
        for label, share in (("west_ukraine_belarus", share_1939), ("baltics_bessarabia", 1 - share_1939)):
            rows.append(pd.DataFrame({"date": ANNEXATION_DATES[label], "label": label, "sex": sex,
                                      "age": np.arange(101), "count": counts * share}))
    return pd.concat(rows, ignore_index=True), before.attrs.get("source", "ADH 1993")


def default_inputs(*, annexation_share_1939: float = ANNEXATION_SHARE_1939) -> DemographyInputs:
    """Inputs of the demography-only run from the bundled data and the demography engine."""
    initial, census_source = _initial_1926()
    series = births_series()
    # the series starts in 1927; the run's first fortnight (from 17 Dec 1926) gets 1927's rate
    first = series[series["year"] == series["year"].min()].copy()
    first["year"] = first["year"] - 1
    series_ext = pd.concat([first, series], ignore_index=True)
    births = births_function(series_ext)
    annexed, adh_source = annexations_from_adh(annexation_share_1939)
    return DemographyInputs(
        initial=initial,
        qx=lambda year, sex: annual_qx(year, sex),
        births_between=births,
        infant_a0=a0_from_q0,
        annexations=annexed,
        tables={
            "census_1926_single": census_source,
            "life_tables": "official USSR life tables 1926-27, 1938-39, 1958-59 (Goskomstat SSSR 1989) via "
            "purgetoll.demography.annual_qx with its default under-registration correction",
            "births": series.attrs.get("source", "purgetoll.demography.births"),
            "adh_5y": adh_source,
        },
        assumptions={
            "unknown_age_1926": f"the {figure('census_1926_single:1926-12-17/both/unknown'):,} persons of unknown age "
                                "in the 1926 census are left out",
            "births_1926": "births in the last fortnight of 1926 are at the 1927 rate of the births series",
            "births_series_methods": "; ".join(sorted(set(series["method"].astype(str)))),
            "annexation_share_1939": f"{annexation_share_1939} of the annexed population joins on 1939-11-01, the "
            f"rest on 1940-08-01 (assumption, range {ANNEXATION_SHARE_1939_RANGE})",
            "annexation_territory": "annexed = ADH 1939 in post-1946 minus pre-1939 borders, which also holds "
            "territories joined in 1944-45",
        },
        data_ends={"births_series": int(series["year"].max()), "life_tables": int(LIFE_TABLE_PERIODS[-1][-4:])},
    )


@lru_cache(maxsize=1)
def shared_default_inputs() -> DemographyInputs:
    """:func:`default_inputs` built once per process (a few seconds) and shared by its callers
    (the verdict's runs, the summaries, the calibration), which only read it."""
    return default_inputs()


def demography_sim(settings: SimSettings, inputs: DemographyInputs | None = None) -> Sim:
    """The demography-only simulation: territory (annexations), then demography.

    Without ``inputs`` the run starts from the 1926 census, so ``settings.start`` must be its date.
    """
    if inputs is None:
        if settings.start != CENSUS_1926:
            raise DataError("demography_sim", f"the bundled inputs start from the census of {CENSUS_1926}; got start "
                            f"{settings.start}: pass inputs built for that date")
        inputs = default_inputs()
    return Sim(settings, [Territory(inputs), Demography(inputs)])

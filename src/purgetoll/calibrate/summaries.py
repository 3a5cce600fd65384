"""What a mechanism-mode run says beyond the archive's statistics: the toll, the camps, the seed's mechanisms.

:func:`purgetoll.scenarios.summaries.summaries` gives the statistics the archive can be compared with
(arrests, convictions, death sentences, Order 00447, the national operations, the Gulag's deaths and
population, the held-out composition, rhythm and Military Collegium). :func:`run_summaries` adds, from
a finished run's terror events (labelled) and its state at the end, in persons for the whole
population (agents / scale), shares or months:

* the executions of 1937-38 together (``executions_1937_1938``); the camps' average population by year (``camp_population_mean_<year>``: the mean of the 13 monthly
  stocks from January to January, as the Gulag's death series divides by), the people in custody
  (prisons and transit) on 1 January 1939 (``prison_population_1939_01_01``) and the months from arrest
  to sentence under Order 00447 (``months_arrest_to_sentence_order_00447``, in whole months of the
  run: 0 for a sentence in the month of the arrest);
* the toll of 1937-38 by kind, sex and age group (``toll_<kind>_<sex>_<ages>`` and ``toll_<kind>``;
  kinds ``executed``, ``died_in_custody`` (prisons and transit), ``died_in_camps`` (every prisoner,
  as the Gulag's death series counts) and ``died_in_camps_arrested`` (those arrested in 1937-38
  only); ``toll_dead_1937_1938`` the executed, died in custody and died in camps together);
* what the seed's mechanisms claim (:data:`CLAIM_SUMMARIES`): the share of the urban population on
  the NKVD's lists at the end of 1938, the months in which the interrogators' capacity and the
  prisons' places first bind, the survival of prisoners sent to the far-north camps (Kolyma), and
  of those admitted in 1937 who died within a year of arrival, the share who died in the first three
  months.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from purgetoll.sim.loop import Sim

__all__ = ["run_summaries", "event_summaries", "state_summaries", "AGE_GROUPS", "TOLL_KINDS", "CLAIM_SUMMARIES",
           "toll_key"]

#: Age groups of the toll (completed years at the event; lower bound, inclusive upper bound or None).
AGE_GROUPS: tuple[tuple[int, int | None], ...] = ((0, 19), (20, 29), (30, 39), (40, 49), (50, 59), (60, None))
#: Kinds of death of the toll, and the event that records each.
TOLL_KINDS: dict[str, str] = {"executed": "execution", "died_in_custody": "death_in_custody",
                              "died_in_camps": "camp_death", "died_in_camps_arrested": "camp_death"}
#: Summaries that answer the seed's mechanisms (see the module docstring).
CLAIM_SUMMARIES: dict[str, str] = {
    "listed_share_urban_end_1938": "share of the living urban population named on the NKVD's lists at the end of the run (17 Jan 1939)",
    "saturation_month_interrogators": "months after January 1937 of the first month the interrogators' capacity fell short of the operations' demands (NaN: never)",
    "saturation_month_prisons": "months after January 1937 of the first month the prisons held more than their places (NaN: never)",
    "far_north_survival_to_1939": "share of those admitted to the far-north camps (Kolyma) in 1937-38 alive in a camp or released at the end of the run",
    "far_north_mortality_1938": "deaths in the far-north camps in 1938 per average prisoner there",
    "far_north_survival_10y_at_1938_rate": "survival over a 10-year term (Zubkin's modal term) at the far-north camps' 1938 death rate",
    "camp_deaths_first_3_months_share": "of those admitted to a camp in 1937 who died within a year of arrival, the share who died in the first three months (a quarter of the year)",
}


def toll_key(kind: str, sex: str | None = None, ages: tuple[int, int | None] | None = None) -> str:
    """``toll_executed``, ``toll_executed_male_30_39``, ``toll_died_in_camps_female_60_plus``."""
    if sex is None:
        return f"toll_{kind}"
    if ages is None:
        raise ValueError(f"toll_key({kind!r}, {sex!r}): a sex needs its ages")
    lo, hi = ages
    return f"toll_{kind}_{sex}_{lo}_{hi}" if hi is not None else f"toll_{kind}_{sex}_{lo}_plus"


def _month_index(dates: pd.Series) -> np.ndarray:
    """Months since January 1937 of ISO dates."""
    d = dates.astype(str)
    return (d.str.slice(0, 4).astype(int).to_numpy() - 1937) * 12 + d.str.slice(5, 7).astype(int).to_numpy() - 1


def event_summaries(ev: pd.DataFrame, scale: float) -> dict[str, float]:
    """The summaries that come from the event log alone (see the module docstring)."""
    out: dict[str, float] = {}
    per = 1.0 / scale
    k = ev["event"].to_numpy()
    op = ev["operation"].astype(str).to_numpy()
    cat = ev["category"].astype(str).to_numpy() if "category" in ev else np.full(len(ev), "none")
    m = _month_index(ev["date"])
    in_run = (m >= 0) & (m < 24)
    arrest, sentence = k == "arrest", k == "sentence"
    o447 = op == "order_00447"

    def n(mask: np.ndarray) -> float:
        return float(np.count_nonzero(mask)) * per

    # camps: the stock at each monthly time point from the flows (time point 0: those inside at the start)
    outof = (k == "camp_death") | (k == "release")
    step = ev["step"].to_numpy()

    def stock_at_time_points(where: np.ndarray) -> np.ndarray:
        flow = (np.bincount(step[where & (k == "camp_admission")], minlength=25)[:25]
                - np.bincount(step[where & outof], minlength=25)[:25])
        return np.count_nonzero(where & (k == "in_camp_at_start")) + np.concatenate([[0], np.cumsum(flow)])

    everyone = np.ones(len(ev), dtype=bool)
    stock = stock_at_time_points(everyone)  # stock[j]: at time point j (the 6th of the month j)
    out["camp_population_mean_1937"] = float(stock[0:13].mean()) * per
    out["camp_population_mean_1938"] = float(stock[12:25].mean()) * per
    before_1939 = m < 24
    admitted_arrested = (k == "camp_admission") & (op != "nonpolitical")
    other = sentence & (cat == "other")
    held = (n(arrest & before_1939) - n(admitted_arrested & before_1939) - n((k == "execution") & before_1939)
            - n(other & before_1939) - n((k == "death_in_custody") & before_1939)
            - n((k == "release_from_custody") & before_1939))
    out["prison_population_1939_01_01"] = held
    out["executions_1937_1938"] = n((k == "execution") & in_run)

    arrested_run = arrest & in_run
    # persons' paths: months from arrest to sentence (Order 00447), time since admission at death
    pid = ev["person_id"].to_numpy()
    a447 = pd.Series(step[arrest & o447], index=pid[arrest & o447])
    s447 = pd.Series(step[sentence & o447], index=pid[sentence & o447])
    a447 = a447[~a447.index.duplicated()]
    s447 = s447[~s447.index.duplicated()]
    both = a447.index.intersection(s447.index)
    out["months_arrest_to_sentence_order_00447"] = (float((s447[both] - a447[both]).mean()) if len(both)
                                                    else math.nan)
    adm = k == "camp_admission"
    arrested_ids = np.unique(pid[arrested_run])
    # the first three months: of those admitted in 1937 (followed a year at least) who died within a year
    # of arrival, the share who died in the first three months
    adm37 = adm & (m >= 0) & (m < 12)
    admitted = pd.Series(step[adm37], index=pid[adm37])
    admitted = admitted[~admitted.index.duplicated()]
    dead = k == "camp_death"
    died = pd.Series(step[dead], index=pid[dead])
    died = died[~died.index.duplicated()]
    common = admitted.index.intersection(died.index)
    lag = (died[common] - admitted[common]).to_numpy()
    lag = lag[lag < 12]
    out["camp_deaths_first_3_months_share"] = float(np.mean(lag < 3)) if lag.size else math.nan
    # far north: survival of the 1937-38 admissions, and the 1938 death rate
    ctype = ev["camp_type"].astype(str).to_numpy() if "camp_type" in ev else np.full(len(ev), "none")
    far = ctype == "far_north"
    far_adm = np.unique(pid[adm & in_run & far])
    far_dead = np.unique(pid[(k == "camp_death") & far])
    out["far_north_survival_to_1939"] = (1.0 - np.isin(far_adm, far_dead).mean()) if far_adm.size else math.nan
    mean_far_1938 = float(stock_at_time_points(far)[12:25].mean())
    deaths_far_1938 = np.count_nonzero((k == "camp_death") & far & (m >= 12) & (m < 24))
    rate = deaths_far_1938 / mean_far_1938 if mean_far_1938 and mean_far_1938 > 0 else math.nan
    out["far_north_mortality_1938"] = rate
    out["far_north_survival_10y_at_1938_rate"] = (1.0 - min(rate, 1.0)) ** 10 if rate == rate else math.nan

    # the toll of 1937-38 by kind, sex and age group
    sex = ev["sex"].astype(str).to_numpy()
    age = ev["age"].to_numpy()
    was_arrested = np.isin(pid, arrested_ids)
    for kind, event in TOLL_KINDS.items():
        base = (k == event) & in_run
        if kind == "died_in_camps_arrested":
            base &= was_arrested
        out[toll_key(kind)] = n(base)
        for s in ("male", "female"):
            for lo, hi in AGE_GROUPS:
                in_age = (age >= lo) & ((age <= hi) if hi is not None else True)
                out[toll_key(kind, s, (lo, hi))] = n(base & (sex == s) & in_age)
    out["toll_dead_1937_1938"] = out[toll_key("executed")] + out[toll_key("died_in_custody")] + \
        out[toll_key("died_in_camps")]
    return out


def state_summaries(sim: Sim) -> dict[str, float]:
    """The summaries that need the run's state at its end (the lists, the machinery's ledger)."""
    out: dict[str, float] = {}
    p = sim.people
    if "t_listed" in p.columns and "urban" in p.columns:
        urban_alive = p["alive"] & (p["urban"].astype(bool))
        n_urban = np.count_nonzero(urban_alive)
        out["listed_share_urban_end_1938"] = (np.count_nonzero(urban_alive & p["t_listed"]) / n_urban
                                              if n_urban else math.nan)
        out["listed_persons_end_1938"] = float(np.count_nonzero(p["alive"] & p["t_listed"])) / sim.settings.scale
    machine = getattr(sim.modules.get("terror"), "machine", None)
    rows = pd.DataFrame(getattr(machine, "monthly", []) or [])
    for key, cond in (("saturation_month_interrogators", lambda r: r["granted_share"] < 1.0),
                      ("saturation_month_prisons", lambda r: r["occupancy_of_places"] > 1.0)):
        if rows.empty or not set(("granted_share", "occupancy_of_places")) <= set(rows.columns):
            out[key] = math.nan
            continue
        hit = rows[cond(rows)]
        out[key] = float(hit["step"].iloc[0]) if len(hit) else math.nan
    return out


def run_summaries(sim: Sim, events: pd.DataFrame) -> dict[str, float]:
    """Every summary of a finished mechanism-mode run (see the module docstring)."""
    return {**event_summaries(events, sim.settings.scale), **state_summaries(sim)}

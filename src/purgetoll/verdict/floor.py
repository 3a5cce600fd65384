"""The archive's documented floor of the Terror's deaths, 6 Jan 1937 - 17 Jan 1939, by sex.

Deaths the NKVD and the Gulag themselves recorded: the death sentences of 1937-38 (the 1953 MVD
certificate: ``key_totals`` ``vmn_1937_1938``) times the share carried out,
plus the Gulag's deaths of 1937 and 1938 (``gulag('deaths')``, GARF f.9414). Only the two totals are
archival; the share of sentences carried out and women's shares among the executed and among camp
deaths are assumptions of the error model (:mod:`purgetoll.demography.evidence`, group "floor"),
drawn over their ranges, so the floor has an interval.

As *excess* deaths (what the census can see) the floor is lower by the deaths these people would
have had anyway under the baseline: the prisoners' average population each year (from the same
certificate's death rate) and the executed over the time left to 17 Jan 1939 (half the period, on
average), at the drawn baseline's death rate of men aged 20-59 (column ``excess_deaths``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from purgetoll.data import gulag, key_totals
from purgetoll.demography.evidence import ErrorDraws
from purgetoll.intervals import quantile_interval

__all__ = ["Floor", "documented_floor", "floor_sources"]

SEXES = ("male", "female")
#: Years between the median execution and 17 Jan 1939 (the executions ran Aug 1937 - Nov 1938: about a
#: year before the census on average; assumption) and the length of the period (years).
YEARS_AFTER_EXECUTION = 0.9


@lru_cache(maxsize=1)
def floor_sources() -> dict[str, object]:
    """The archival totals with their citations."""
    k = key_totals().set_index("id").loc["vmn_1937_1938"]
    g = gulag("deaths")
    g = g[g["year"].isin([1937, 1938])]
    return {
        "death_sentences": float(k["value"]), "death_sentences_source": str(k["source"]),
        "camp_deaths": float(g["deaths"].sum()), "camp_deaths_by_year": dict(zip(g["year"], g["deaths"], strict=True)),
        "camp_population": float(g["average_population_implied"].sum()),  # person-years in the camps, 1937-38
        "camp_deaths_source": str(g["source"].iloc[0]),
    }


@dataclass(frozen=True)
class Floor:
    """Documented deaths per draw (D,) by sex, and the same as excess deaths over the baseline."""

    deaths: dict[str, np.ndarray]
    excess: dict[str, np.ndarray]

    def share_women(self) -> np.ndarray:
        """Women's share of the documented deaths, per draw (the anchor's composition)."""
        return self.deaths["female"] / self.deaths["both"]


def floor_draws(draws: ErrorDraws, male_death_rate: np.ndarray | None = None) -> Floor:
    """The floor for each draw; ``male_death_rate`` (D,) is the baseline's annual death rate of men 20-59."""
    src = floor_sources()
    shot = src["death_sentences"] * draws["death_sentences_carried_out_share"]
    camp = np.full(draws.n, src["camp_deaths"], dtype=float)
    we, wc = draws["women_share_executed"], draws["women_share_camp_deaths"]
    deaths = {"female": shot * we + camp * wc, "male": shot * (1 - we) + camp * (1 - wc)}
    deaths["both"] = deaths["male"] + deaths["female"]
    rate = np.zeros(draws.n) if male_death_rate is None else np.asarray(male_death_rate, dtype=float)
    anyway_shot = shot * (1 - np.exp(-rate * YEARS_AFTER_EXECUTION))
    anyway_camp = src["camp_population"] * rate  # type: ignore[operator]
    excess = {"female": deaths["female"] - anyway_shot * we - anyway_camp * wc,
              "male": deaths["male"] - anyway_shot * (1 - we) - anyway_camp * (1 - wc)}
    excess["both"] = excess["male"] + excess["female"]
    return Floor(deaths, excess)


def documented_floor(floor: Floor) -> pd.DataFrame:
    """The table ``documented_floor``: rows ``male, female, both``; ``deaths, lower_95, upper_95`` (median
    and 95% of the draws over the floor's assumptions), ``excess_deaths`` (median), ``source``,
    ``assumption``."""
    src = floor_sources()
    by_year = src["camp_deaths_by_year"]
    source = (f"death sentences 1937-38 {src['death_sentences']:,.0f}: {src['death_sentences_source']} "
              f"(repression_key_totals vmn_1937_1938); Gulag deaths 1937 {by_year[1937]:,.0f} and 1938 "  # type: ignore[index]
              f"{by_year[1938]:,.0f}: {src['camp_deaths_source']} (gulag_deaths_1930_1956)")  # type: ignore[index]
    carried = "share of death sentences carried out (death_sentences_carried_out_share, 0.9-1)"
    split = ("women's share among the executed (women_share_executed, 0.015-0.05) and among camp deaths "
             "(women_share_camp_deaths, 0.03-0.081)")
    rows = []
    for sex in ("male", "female", "both"):
        i = quantile_interval(floor.deaths[sex])
        rows.append({"sex": sex, "deaths": i.estimate, "lower_95": i.lower, "upper_95": i.upper,
                     "excess_deaths": float(np.median(floor.excess[sex])), "source": source,
                     "assumption": carried if sex == "both" else f"{carried}; {split}",
                     "archival": sex == "both"})
    df = pd.DataFrame(rows)
    df.attrs["note"] = ("documented deaths are a floor: deaths in prisons and in transit, and deaths of the sentenced "
                        "recorded elsewhere, are not in these two series; excess_deaths subtracts the deaths these "
                        "people would have had anyway under the baseline")
    return df

"""Summaries of the Terror from a run's event log: by month, sex, age, category, operation, region.

All counts are for the whole population: agents divided by the run's scale (``count``), with the
agents themselves in ``agents`` (the sampling error of a count is about ``sqrt(agents) / scale``).

* :func:`read_events` loads the terror events of ``<run>/events`` (Parquet parts; labels as written);
* :func:`summarise` counts events by any of ``month, year, sex, age_group, category, operation,
  body, region, camp_type``;
* :func:`totals` gives the headline figures a scenario is checked against (arrests, convictions and
  death sentences by year, executions, camp deaths by year, camp and prison populations at the
  end, women among prisoners, the male share of the dead);
* :func:`male_share_of_dead`: executions and deaths in camps and in custody (the case study says
  98%, Gendercide Watch's calculation).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from purgetoll.errors import DataError
from purgetoll.folders import verify_run_files
from purgetoll.sim.modules.terror import EVENT_MEANINGS

__all__ = ["read_events", "labelled", "summarise", "totals", "male_share_of_dead", "TERROR_KINDS", "DEAD_KINDS", "BY"]

TERROR_KINDS: tuple[str, ...] = tuple(EVENT_MEANINGS)
#: Event kinds that are deaths caused by the Terror.
DEAD_KINDS = ("execution", "camp_death", "death_in_custody")
BY = ("month", "year", "sex", "age_group", "category", "operation", "body", "region", "camp_type")


def read_events(run: str | Path, kinds: Sequence[str] = TERROR_KINDS) -> pd.DataFrame:
    """The terror events of a finished run directory (:func:`labelled`).

    Every event part is first checked against the run's manifest (size and SHA-256; no part missing
    or added): a damaged log is a :class:`purgetoll.errors.DamagedError` naming the part.
    """
    path = Path(run) / "events"
    if not path.is_dir():
        raise DataError(str(path), "no event log: run the simulation with an output directory and write_events")
    verify_run_files(run, "events/")  # a part deleted, truncated or added would change every count
    return labelled(pd.read_parquet(path), kinds)


#: The terror's columns whose label ``none`` stands for a null (an event without an operation, a body,
#: a category or a camp).
_NONE_WHEN_NULL = ("operation", "body", "category", "camp_type")


def labelled(df: pd.DataFrame, kinds: Sequence[str] = TERROR_KINDS) -> pd.DataFrame:
    """The events of ``kinds`` in an event table (Parquet parts or ``EventLog.frame()``).

    Columns as in the parts (``docs/EVENTS.md``: labels as categoricals, ``urban`` and ``party``
    nullable booleans, ``household_id`` a nullable integer), except ``event`` and ``sex`` as strings
    and a null ``operation``, ``body``, ``category`` or ``camp_type`` as ``"none"``.
    """
    df = df[df["event"].astype(str).isin(kinds)].copy()
    df["event"] = df["event"].astype(str)
    df["sex"] = df["sex"].astype(str)
    for col in _NONE_WHEN_NULL:
        if col in df:
            df[col] = df[col].fillna("none")
    return df.reset_index(drop=True)


def _with_keys(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    d = pd.to_datetime(out["date"])
    out["month"] = d.dt.strftime("%Y-%m")
    out["year"] = d.dt.year
    lo = (out["age"].astype(int) // 5 * 5).clip(upper=85)
    out["age_group"] = np.where(lo >= 85, "85+", lo.astype(str) + "-" + (lo + 4).astype(str))
    return out


def summarise(events: pd.DataFrame, scale: float, by: Sequence[str] = ("year", "sex"),
              kinds: Sequence[str] | None = None) -> pd.DataFrame:
    """Counts of ``kinds`` (default all) by ``event`` and ``by``: ``agents`` and ``count`` (persons)."""
    bad = [b for b in by if b not in BY]
    if bad:
        raise DataError("summarise", f"unknown grouping {bad}; expected some of {list(BY)}")
    if not 0 < scale <= 1:
        raise DataError("summarise", f"scale must be in (0, 1]; got {scale!r}")
    df = events if kinds is None else events[events["event"].isin(kinds)]
    df = _with_keys(df)
    keys = ["event", *by]
    out = df.groupby(keys, observed=True, dropna=False).size().rename("agents").reset_index()
    out["count"] = out["agents"] / scale
    out.attrs["scale"] = scale
    out.attrs["unit"] = "persons (agents / scale)"
    return out


def male_share_of_dead(events: pd.DataFrame) -> float:
    """Share of men among those executed or dead in camps or in custody (NaN if none died)."""
    dead = events[events["event"].isin(DEAD_KINDS)]
    return float((dead["sex"] == "male").mean()) if len(dead) else float("nan")


def totals(events: pd.DataFrame, scale: float) -> dict[str, float]:
    """Headline figures (persons) of a run, for checking a scenario against its sources.

    Keys: ``arrests_1937_1938``, ``arrests_<year>``, ``convictions_<year>``, ``convictions_1937_1938``,
    ``death_sentences_<year>``, ``death_sentences_1937_1938``, ``executions_<year>``,
    ``executions_1937_1938``, ``camp_deaths_<year>``, ``camp_deaths_1937_1938``,
    ``deaths_in_custody_1937_1938``, ``releases_from_custody_1937_1938``, ``camp_population_end``,
    ``camp_population_<year>_01_01`` (1938, 1939: inside at the first time point of that January),
    ``prison_population_end`` (held under investigation, awaiting execution or transport),
    ``women_share_camp_end``, ``women_share_arrested_1937_1938``, ``women_share_executed_1937_1938``,
    ``male_share_of_dead``, ``wives_arrested``, ``children_counted``. Camp admissions of the
    ordinary courts' prisoners (operation ``nonpolitical``, mechanism mode) count in the camps, not
    in the arrests or the prisons.
    """
    df = _with_keys(events)
    k = df["event"]
    years = (1937, 1938)
    out: dict[str, float] = {}

    def n(mask: pd.Series) -> float:
        return float(mask.sum()) / scale

    for y in years:
        in_y = df["year"] == y
        out[f"arrests_{y}"] = n((k == "arrest") & in_y)
        out[f"convictions_{y}"] = n((k == "sentence") & in_y)
        out[f"death_sentences_{y}"] = n((k == "sentence") & (df["category"] == "shooting") & in_y)
        out[f"camp_deaths_{y}"] = n((k == "camp_death") & in_y)
        out[f"executions_{y}"] = n((k == "execution") & in_y)
    in_run = df["year"].isin(years)
    out["arrests_1937_1938"] = out["arrests_1937"] + out["arrests_1938"]
    out["convictions_1937_1938"] = out["convictions_1937"] + out["convictions_1938"]
    out["death_sentences_1937_1938"] = out["death_sentences_1937"] + out["death_sentences_1938"]
    out["executions_1937_1938"] = n((k == "execution") & in_run)
    out["camp_deaths_1937_1938"] = out["camp_deaths_1937"] + out["camp_deaths_1938"]
    out["deaths_in_custody_1937_1938"] = n((k == "death_in_custody") & in_run)
    out["releases_from_custody_1937_1938"] = n((k == "release_from_custody") & in_run)
    into = (k == "in_camp_at_start") | (k == "camp_admission")
    outof = (k == "camp_death") | (k == "release")
    out["camp_population_end"] = n(into) - n(outof)
    for y in (1938, 1939):
        before = df["date"].astype(str) < f"{y}-01-01"
        out[f"camp_population_{y}_01_01"] = n(into & before) - n(outof & before)
    # everyone arrested is held until shot, admitted to a camp, sentenced otherwise, released or dead
    arrested_admitted = (k == "camp_admission") & (df["operation"] != "nonpolitical")
    other = (k == "sentence") & (df["category"] == "other")
    out["prison_population_end"] = (n(k == "arrest") - n(arrested_admitted) - n(k == "execution") - n(other)
                                    - n(k == "death_in_custody") - n(k == "release_from_custody"))
    female = df["sex"] == "female"
    women_in = n(into & female) - n(outof & female)
    out["women_share_camp_end"] = women_in / out["camp_population_end"] if out["camp_population_end"] else float("nan")
    for key, kind in (("women_share_arrested_1937_1938", "arrest"), ("women_share_executed_1937_1938", "execution")):
        total = n((k == kind) & in_run)
        out[key] = n((k == kind) & in_run & female) / total if total else float("nan")
    out["male_share_of_dead"] = male_share_of_dead(events)
    out["wives_arrested"] = n((k == "arrest") & (df["operation"] == "order_00486"))
    out["children_counted"] = n(k == "child_removed")
    return out

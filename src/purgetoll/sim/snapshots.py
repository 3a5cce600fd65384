"""Population snapshots by sex and single year of age, taken at chosen dates.

A snapshot at date ``d`` counts the living at the time point nearest to ``d`` (see
``sim.calendar``), before that month's events. Ages are completed years at that time point; 100
stands for 100+. ``agents`` is the number of agents; ``count`` is ``agents / scale``, the number of
persons they stand for (an estimate whenever ``scale < 1``).
"""

from __future__ import annotations

import datetime as dt

import numba as nb
import numpy as np
import pandas as pd

from purgetoll.sim.hazard import N_AGES
from purgetoll.sim.state import SEXES

__all__ = ["CENSUS_DATES", "default_snapshot_dates", "count_by_sex_age", "snapshot_frame"]

#: Dates of the Soviet censuses of 1926, 1937, 1939 and 1959 (TsSU / TsUNKhU census publications;
#: the same dates as ``purgetoll.data.census``).
CENSUS_DATES: tuple[str, ...] = ("1926-12-17", "1937-01-06", "1939-01-17", "1959-01-15")


def default_snapshot_dates(start: dt.date, end: dt.date) -> tuple[dt.date, ...]:
    """Every census date, every 1 January and the end date, from ``start`` to ``end``, in order."""
    dates = {dt.date.fromisoformat(d) for d in CENSUS_DATES} | {end}
    dates |= {dt.date(y, 1, 1) for y in range(start.year, end.year + 1)}
    return tuple(sorted(d for d in dates if start <= d <= end))


_SPAN_MONTHS = 12 * 200  # ages beyond 200 years are folded into the open group (none exist)


@nb.njit(cache=True)
def _count(alive, sex, birth_month, month, out):
    # branch-free histogram by (sex, age in months + 1), then folded into years: several times
    # faster than a per-person division and branch at 200M people
    hist = np.zeros((2, _SPAN_MONTHS + 2), dtype=np.int64)
    top = hist.shape[1] - 1
    for i in range(alive.shape[0]):
        m = min(max(month - birth_month[i] + 1, 0), top)
        hist[sex[i], m] += alive[i]
    last = out.shape[1] - 1
    for s in range(2):
        for m in range(1, hist.shape[1]):  # index 0: babies not yet born at this time point
            age = min((m - 1) // 12, last)
            out[s, age] += hist[s, m]


def count_by_sex_age(alive: np.ndarray, sex: np.ndarray, birth_month: np.ndarray, month: int) -> np.ndarray:
    """Living agents by (sex, completed age 0..100) at month index ``month``; int64 (2, 101)."""
    out = np.zeros((2, N_AGES), dtype=np.int64)
    _count(alive, sex, birth_month, np.int64(month), out)
    return out


def snapshot_frame(records: list[tuple[str, str, np.ndarray]], scale: float) -> pd.DataFrame:
    """Tidy table from ``(date, state_date, counts (2, 101))`` records.

    Columns ``date, state_date, sex, age, age_end, age_group, agents, count``; ``age_end`` is
    ``<NA>`` for the open group 100+.
    """
    ages = np.arange(N_AGES)
    age_end = pd.array([*range(N_AGES - 1), pd.NA], dtype="Int64")
    groups = [str(a) for a in range(N_AGES - 1)] + ["100+"]
    frames = []
    for date, state_date, counts in records:
        for s, label in enumerate(SEXES):
            frames.append(pd.DataFrame({
                "date": date, "state_date": state_date, "sex": label, "age": ages,
                "age_end": age_end, "age_group": groups, "agents": counts[s].astype(np.int64),
                "count": counts[s] / scale,
            }))
    if not frames:
        return pd.DataFrame(columns=["date", "state_date", "sex", "age", "age_end", "age_group", "agents", "count"])
    out = pd.concat(frames, ignore_index=True)
    out["age"] = out["age"].astype(np.int64)
    out.attrs["unit"] = "agents; count in persons (agents / scale)"
    return out

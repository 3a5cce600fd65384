"""Dated values of a scenario file must fall inside the run: nothing is dropped silently.

A scenario's series are labelled by month (``YYYY-MM``) or year (``YYYY``), and a few parameters
are a month written ``YYYYMM`` (``operations_halt_yyyymm``). The engine spreads a series over the
run's monthly steps (step ``k`` is the month of the start date plus ``k``; the run has
:func:`purgetoll.sim.calendar.n_steps` steps); a month outside them would simply be left out, and a
scenario whose quota month falls after its end would print fewer arrests than its file gives with
nothing said. So every dated value a file sets is checked against the run's months:

* a month label, or a ``YYYYMM`` value, must be one of the run's months;
* a year label must share at least one month with the run; a count of persons by year (a series
  whose unit is ``persons``, which the engine spreads evenly over the twelve months) must lie
  wholly inside it, or part of the count would be lost: give that year's months instead. A rate
  by year (``per 1000 per year``, a share) applies to each month, so a year that overlaps the run
  is enough.

Values left at their declared defaults are the model's account of history, not the file's, and are
not checked here: a shorter run simply covers fewer of their months.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from purgetoll.errors import DataError
from purgetoll.params import Param, format_number
from purgetoll.sim import calendar

__all__ = ["run_months", "dated_problems", "month_label"]


def month_label(index: int) -> str:
    """``YYYY-MM`` of a month index (months since 1900-01)."""
    return f"{1900 + index // 12}-{index % 12 + 1:02d}"


def run_months(start: str, end: str) -> tuple[int, int]:
    """First and last month index (months since 1900-01) of the run's monthly steps, inclusive."""
    s = calendar.parse_date(start, "start")
    first = calendar.month_index(s)
    return first, first + calendar.n_steps(s, calendar.parse_date(end, "end")) - 1


def _label_months(label: str) -> list[int]:
    y = int(label[:4])
    if len(label) == 4:
        return [(y - 1900) * 12 + m for m in range(12)]
    return [(y - 1900) * 12 + int(label[5:7]) - 1]


def dated_problems(values: Mapping[str, Mapping[str, Any]], start: str, end: str,
                   specs: Mapping[str, Any]) -> list[str]:
    """Problems of the dated values ``values[section][key]`` (objects with ``.value``) of a run.

    ``specs`` maps a section to its :class:`~purgetoll.scenarios.registry.SectionSpec`; ``start``
    and ``end`` are the scenario's ISO dates (already valid).
    """
    try:
        first, last = run_months(start, end)
    except DataError:  # start or end invalid: reported by the metadata check
        return []
    span = f"the run's months are {month_label(first)} to {month_label(last)} (start {start}, end {end})"
    problems: list[str] = []
    for sec, body in values.items():
        spec = specs.get(sec)
        if spec is None:
            continue
        for key, v in body.items():
            p: Param | None = spec.param(key)
            if p is None:
                continue
            if p.kind == "series" and isinstance(v.value, Mapping):
                problems += _series(sec, p, v.value, first, last, span)
            elif p.kind == "integer" and p.unit == "YYYYMM" and isinstance(v.value, int):
                problems += _yyyymm(sec, key, v.value, first, last, span)
    return problems


def _series(sec: str, p: Param, series: Mapping[str, Any], first: int, last: int, span: str) -> list[str]:
    out = []
    for label, value in series.items():
        label = str(label)
        months = _label_months(label)
        inside = [m for m in months if first <= m <= last]
        if not inside:
            what = "month" if len(label) > 4 else "year"
            out.append(f"[{sec}] {p.name}[{label}]: the {what} {label} is outside the run ({span}); "
                       "its value would be dropped: remove it or change start/end")
        elif len(inside) < len(months) and p.unit == "persons":
            out.append(f"[{sec}] {p.name}[{label}]: the year {label} is spread over its twelve months, but only "
                       f"{month_label(inside[0])} to {month_label(inside[-1])} are in the run ({span}); "
                       f"{len(months) - len(inside)} twelfths of its {_num(value)} persons would be dropped: "
                       "give the months of that year instead (YYYY-MM)")
    return out


def _yyyymm(sec: str, key: str, value: int, first: int, last: int, span: str) -> list[str]:
    year, month = divmod(value, 100)
    try:
        dt.date(year, month, 1)
    except ValueError:
        return [f"[{sec}] {key} = {value} is not a month YYYYMM (month 01-12)"]
    m = (year - 1900) * 12 + month - 1
    if first <= m <= last:
        return []
    return [f"[{sec}] {key} = {value}: the month {month_label(m)} is outside the run ({span}); "
            "it would never take effect: give a month inside the run or change start/end"]


def _num(value: Any) -> str:
    return format_number(value) if isinstance(value, int | float) and not isinstance(value, bool) else repr(value)

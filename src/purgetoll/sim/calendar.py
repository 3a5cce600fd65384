"""The simulation clock: whole months from the start date, and the month index of birth months.

Conventions (used by every module, the snapshots and the tests):

* ``month index``: months since January 1900 (``1900-01`` is 0, ``1926-12`` is 323). Birth months are
  stored this way, so a person's age never needs updating: ageing is ``(now - birth_month) // 12``.
* ``time point k``: the start date plus ``k`` whole months (1926-12-17, 1927-01-17, ...). Its month
  index is ``start_month + k``. Step ``k`` covers the month from time point ``k`` to ``k + 1``.
* At time point ``k`` a person with birth month ``b`` is ``start_month + k - b`` whole months old,
  and that divided by 12, rounded down, is their age in completed years. A baby born during step
  ``k`` (on average in its middle) gets ``b = start_month + k + 1``: it is 0 months old at time point
  ``k + 1``, 11 months old at ``k + 12`` (when it is about 11.5) and 12 at ``k + 13``, so a
  snapshot's age 0 holds exactly the births of the 12 months before it.
* A snapshot "at date d" is the state at the time point nearest to ``d`` (at most half a month
  away); the snapshot table reports both the requested date and that time point.
"""

from __future__ import annotations

import datetime as dt

from purgetoll.errors import DataError

__all__ = [
    "parse_date",
    "month_index",
    "months_between",
    "n_steps",
    "time_point",
    "time_point_of",
    "time_point_year",
]

_DAYS_PER_MONTH = 365.2425 / 12


def parse_date(value: str | dt.date, what: str = "date") -> dt.date:
    """An ISO date ``YYYY-MM-DD``; anything else raises a DataError naming ``what``."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise DataError(what, f"expected an ISO date YYYY-MM-DD; got {value!r}") from None


def month_index(date: dt.date) -> int:
    """Months since January 1900 of the calendar month containing ``date``."""
    return (date.year - 1900) * 12 + date.month - 1


def months_between(start: dt.date, end: dt.date) -> float:
    """Months from ``start`` to ``end`` (whole calendar months plus the day difference)."""
    return (end.year - start.year) * 12 + (end.month - start.month) + (end.day - start.day) / _DAYS_PER_MONTH


def n_steps(start: dt.date, end: dt.date) -> int:
    """Number of monthly steps of a run from ``start`` to ``end`` (nearest whole month, >= 1)."""
    months = months_between(start, end)
    if months < 0.5:
        raise DataError("run", f"end date {end} must be at least half a month after start date {start}")
    return int(months + 0.5)


def time_point(start: dt.date, k: int) -> dt.date:
    """The date of time point ``k``: ``start`` plus ``k`` months (day clipped to the month's end)."""
    m = start.month - 1 + k
    year, month = start.year + m // 12, m % 12 + 1
    for day in (start.day, 30, 29, 28):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


def time_point_of(start: dt.date, date: dt.date) -> int:
    """The time point nearest to ``date`` (ties go to the later one)."""
    return int(months_between(start, date) + 0.5)


def time_point_year(start: dt.date, k: float) -> float:
    """Calendar time of (possibly fractional) time point ``k`` in years (1927.0 = 1 Jan 1927).

    The simulation's convention: ``start`` as a decimal year plus ``k`` twelfths, every month a
    twelfth of a year. :func:`purgetoll.demography.decimal_year` of the same month's date counts
    its days instead and may differ by a few days.
    """
    day_of_year = start.timetuple().tm_yday - 1
    length = 366 if (start.year % 4 == 0 and start.year % 100 != 0) or start.year % 400 == 0 else 365
    return start.year + day_of_year / length + k / 12

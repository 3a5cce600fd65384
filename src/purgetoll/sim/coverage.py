"""Whether a run stays within the data it runs on.

The demography inputs state the last calendar year of each data series behind them
(:attr:`~purgetoll.sim.inputs.DemographyInputs.data_ends`; the bundled ones: the births series,
which ends with 1959, and the official life tables, the last of 1958-59). Past the last of those
years a run would go on with numbers no source gives: the bundled inputs have no births after the
births series ends, and hold mortality at the last life table. :func:`check_data_ends` refuses such
a run before any work, naming each series, its last year and the option, unless its settings say
``past_data``; :func:`past_data_note` is then the statement its manifest and output carry.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from purgetoll.errors import SettingsError

if TYPE_CHECKING:
    from purgetoll.sim.loop import Sim

__all__ = ["data_ends", "past_the_data", "check_data_ends", "past_data_note"]


def data_ends(sim: Sim) -> dict[str, int]:
    """``{series: its last calendar year}`` of the data behind every module of ``sim`` (a module that does
    not derive from :class:`~purgetoll.sim.modules.base.Module` and has no ``data_ends`` states none)."""
    out: dict[str, int] = {}
    for m in sim.modules.values():
        stated = getattr(m, "data_ends", None)
        if callable(stated):
            out.update(stated())
    return out


def past_the_data(sim: Sim) -> tuple[dict[str, int], dt.date] | None:
    """The series and the first day they do not cover, when ``sim`` ends after that day; else None."""
    ends = data_ends(sim)
    if not ends:
        return None
    covered_until = dt.date(min(ends.values()) + 1, 1, 1)
    return (ends, covered_until) if sim.end > covered_until else None


def _series(ends: dict[str, int]) -> str:
    named = [f"{name} (last year {year})" for name, year in ends.items()]
    return f"the series {named[0]}" if len(named) == 1 else f"the series {', '.join(named[:-1])} and {named[-1]}"


def check_data_ends(sim: Sim) -> None:
    """Refuse (:class:`~purgetoll.errors.SettingsError`) a run that ends past its data, unless its
    settings say ``past_data``."""
    found = past_the_data(sim)
    if found is None or sim.settings.past_data:
        return
    ends, until = found
    raise SettingsError("sim settings", [
        f"end {sim.end.isoformat()} is past the data the run stands on, {_series(ends)}: after "
        f"{until.year - 1} it would have no births and mortality held at the last life table. End the run "
        f"by {until.isoformat()} (purgetoll sim run --end, or a scenario's [scenario] end), or run past the "
        "data on purpose with --past-data (Python: SimSettings(past_data=True)), which the manifest and the "
        "output then state"])


def past_data_note(sim: Sim) -> str | None:
    """What a run that goes past its data on request did there (for its manifest and output); None
    when it does not go past its data."""
    found = past_the_data(sim)
    if found is None or not sim.settings.past_data:
        return None
    ends, until = found
    return (f"run past its data on request (--past-data) from {until.isoformat()} to {sim.end.isoformat()}, "
            f"after {_series(ends)}: no births in those years and mortality held at the last life table, figures "
            "no source gives")

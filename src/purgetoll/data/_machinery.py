"""The machinery tables: ``machinery(name)``.

Figures on the institutions of the Terror and the Gulag (NKVD, party, army, the lists and the
Military Collegium, timing of the operations, families, special settlers, releases, victims'
composition) gathered to parameterise the agent model. Each is a ``facts`` table (one published
figure per row; columns and semantics in :mod:`purgetoll.data._archive_facts`); citations and
caveats in ``catalog/machinery.toml``. The three machinery census tables (national totals,
republics and cities, nationality) are loaded with :func:`purgetoll.data.load` as demographic
tables.
"""

from __future__ import annotations

from typing import Literal, get_args

import pandas as pd

from purgetoll.data._archive_facts import tidy_facts
from purgetoll.data._catalog import load
from purgetoll.errors import DataError

__all__ = ["MACHINERY_TABLES", "machinery"]

MachineryName = Literal[
    "arrests_by_nationality_1936_1938",
    "gulag_population_supplement",
    "national_operations_supplement",
    "nkvd_staff_and_capacity",
    "operation_timing_and_throughput",
    "order_00486_families",
    "party_membership_and_expulsions_1933_1946",
    "red_army_strength_and_command_staff_1926_1941",
    "releases_and_amnesties_1939_1953",
    "social_structure_1927_baseline",
    "special_settlers_kulak_exile_1930_1940",
    "stalin_lists_and_military_collegium_1937_1940",
    "victim_composition_regional_samples",
]
#: The names :func:`machinery` accepts.
MACHINERY_TABLES: tuple[str, ...] = get_args(MachineryName)


def machinery(name: MachineryName, *, default_only: bool = False) -> pd.DataFrame:
    """One machinery table by name, as a typed ``facts`` DataFrame.

    Parameters
    ----------
    name:
        One of :data:`MACHINERY_TABLES`, for example ``"arrests_by_nationality_1936_1938"``
        (Krieger's arrests by nationality), ``"operation_timing_and_throughput"``
        (lags and throughput), ``"red_army_strength_and_command_staff_1926_1941"``.
    default_only:
        Drop the alternative figures of each dispute (keep the ``default`` one).

    Returns
    -------
    Columns ``id, subject, metric, period, date_start, date_end, value, value_low, value_high,
    qualifier, unit, value_as_printed, correction_note, part_of, parts, documented_difference,
    dispute, default, computed, source, note``; figures as floats in ``unit`` (figures printed in
    thousands or millions converted to persons); ``attrs`` carry the table's citation.
    """
    if name not in MACHINERY_TABLES:
        raise DataError(
            "machinery()", f"name must be one of {', '.join(repr(n) for n in MACHINERY_TABLES)}; got {name!r}"
        )
    df = tidy_facts(load(name))
    if default_only:
        df = df[df["default"]].reset_index(drop=True)
        df.attrs = dict(load(name).attrs)
    return df

"""People as a struct of compact arrays, every column declared once in a dtype table.

One row ("slot") per agent. Slots are positions in the arrays and change when the dead are
compacted away; ``person_id`` is the stable identity used by the event log and the random streams.
Capacity is planned up front (``People(capacity)``); ``numpy.empty`` only reserves address space, so
memory is touched as slots fill.

The core columns are :data:`CORE_COLUMNS` (10 bytes a person). A module adds its own columns by
declaring :class:`Column` objects (``Module.columns``); ``People`` allocates them alongside, so a
terror module's ``region: int16`` or ``status: int8`` costs its bytes and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numba as nb
import numpy as np

from purgetoll.errors import DataError

__all__ = ["Column", "CORE_COLUMNS", "People", "NO_DEATH", "MALE", "FEMALE", "SEXES"]

MALE, FEMALE = 0, 1
SEXES = ("male", "female")  # code -> label; codes index the first axis of hazard tables
NO_DEATH = np.int16(32767)  # death_step sentinel: no death drawn before the end of the run


@dataclass(frozen=True)
class Column:
    """One per-person column: its name, numpy dtype, value for new people, and why that dtype."""

    name: str
    dtype: str
    default: int | float | bool
    doc: str


CORE_COLUMNS: tuple[Column, ...] = (
    Column("person_id", "uint32", 0,
           "stable id, never reused; 2**32 ids hold the ~330M people ever alive at 1:1 thirteen times"),
    Column("birth_month", "int16", 0,
           "months since 1900-01 (negative before 1900); int16 spans 1900 +/- 2,730 years, and age "
           "is (now - birth_month) // 12, so ageing costs nothing"),
    Column("sex", "int8", MALE, "0 male, 1 female (labels in SEXES)"),
    Column("alive", "bool", True, "False once dead; dead slots are compacted away yearly"),
    Column("death_step", "int16", int(NO_DEATH),
           "time point index of the month in which the person dies, drawn once from the cumulative "
           "hazard and redrawn only when a module changes the hazard; 32767 = after the run"),
)


class People:
    """Struct of arrays with a fixed capacity.

    Parameters
    ----------
    capacity:
        Maximum number of slots (alive plus not yet compacted dead).
    extra_columns:
        Columns declared by modules, added after the core columns; names must be unique.
    """

    def __init__(self, capacity: int, extra_columns: Iterable[Column] = ()) -> None:
        if capacity < 0:
            raise DataError("People", f"capacity must be >= 0; got {capacity}")
        cols = list(CORE_COLUMNS) + list(extra_columns)
        seen: set[str] = set()
        for col in cols:
            if col.name in seen:
                raise DataError("People", f"column {col.name!r} declared twice")
            seen.add(col.name)
            np.dtype(col.dtype)  # raises TypeError on an unknown dtype name
        self.columns: dict[str, Column] = {c.name: c for c in cols}
        self.capacity = int(capacity)
        self._arrays = {c.name: np.empty(self.capacity, dtype=c.dtype) for c in cols}
        self.n = 0  # slots in use
        self.next_id = 0  # the next person_id to hand out

    def __getitem__(self, name: str) -> np.ndarray:
        """The used part of column ``name`` (a view: writing to it changes the people)."""
        try:
            return self._arrays[name][: self.n]
        except KeyError:
            raise KeyError(f"no column {name!r}; columns are {sorted(self._arrays)}") from None

    @property
    def bytes_per_person(self) -> int:
        """Bytes of state per slot, summed over every declared column."""
        return sum(np.dtype(c.dtype).itemsize for c in self.columns.values())

    def n_alive(self) -> int:
        """Number of living people."""
        return int(np.count_nonzero(self["alive"]))

    def add(self, count: int, **values: np.ndarray | int) -> slice:
        """Append ``count`` new people with fresh ids; returns their slots as a slice.

        ``values`` gives columns for the newcomers (an array of length ``count`` or one scalar);
        columns not given take their declared default. ``person_id`` is always assigned here.
        """
        if count < 0:
            raise DataError("People.add", f"count must be >= 0; got {count}")
        if self.n + count > self.capacity:
            raise DataError(
                "People",
                f"capacity {self.capacity:,} exceeded: {self.n:,} slots used and {count:,} more asked; "
                "plan a larger capacity",
            )
        unknown = set(values) - set(self.columns)
        if unknown:
            raise KeyError(f"unknown column(s) {sorted(unknown)}; columns are {sorted(self.columns)}")
        if "person_id" in values:
            raise KeyError("person_id is assigned by People.add, never given")
        if self.next_id + count > 2**32:
            raise DataError("People", "person ids exhausted (more than 2**32 people ever alive)")
        sl = slice(self.n, self.n + count)
        for name, col in self.columns.items():
            arr = self._arrays[name]
            if name == "person_id":
                arr[sl] = np.arange(self.next_id, self.next_id + count, dtype=np.uint32)
            elif name in values:
                arr[sl] = values[name]
            else:
                arr[sl] = col.default
        self.n += count
        self.next_id += count
        return sl

    def slots_of(self, person_ids: np.ndarray) -> np.ndarray:
        """Current slots of ``person_ids`` (int64); KeyError if one is no longer held.

        Slots change when the dead are compacted (at window boundaries), so modules keep person
        ids in their own state and look slots up here. ``person_id`` increases with the slot
        (compaction keeps the order; newcomers are appended with fresh ids), so this is a
        binary search.
        """
        ids = np.asarray(person_ids, dtype=np.uint32)
        have = self["person_id"]
        slots = np.searchsorted(have, ids)
        found = (slots < self.n) & (have[np.minimum(slots, max(self.n - 1, 0))] == ids) if self.n else np.zeros(ids.shape, bool)
        if not np.all(found):
            missing = ids[~found][:5].tolist()
            raise KeyError(f"person ids not held (dead and compacted away, or never born): {missing}")
        return slots.astype(np.int64)

    def compact(self) -> int:
        """Drop dead slots, keeping the order of the living; returns how many slots were freed."""
        alive = self["alive"]
        keep = _keep_index(alive)
        m = keep.shape[0]
        freed = self.n - m
        if freed:
            for name in self.columns:
                arr = self._arrays[name]
                arr[:m] = arr[: self.n][keep]
            self.n = m
        return freed

    def to_arrays(self) -> dict[str, np.ndarray]:
        """Copies of the used part of every column (for checkpoints)."""
        return {name: self[name].copy() for name in self.columns}

    @classmethod
    def from_arrays(
        cls, arrays: dict[str, np.ndarray], capacity: int, next_id: int, extra_columns: Iterable[Column] = ()
    ) -> People:
        """Rebuild people from :meth:`to_arrays` output (a checkpoint)."""
        people = cls(capacity, extra_columns)
        missing = set(people.columns) - set(arrays)
        if missing:
            raise DataError("checkpoint", f"missing column(s) {sorted(missing)}")
        n = len(arrays["person_id"])
        for name, col in people.columns.items():
            arr = arrays[name]
            if arr.dtype != np.dtype(col.dtype) or len(arr) != n:
                raise DataError(
                    "checkpoint", f"column {name!r} should be {col.dtype} of length {n}; got {arr.dtype} of {len(arr)}"
                )
            people._arrays[name][:n] = arr
        people.n = n
        people.next_id = int(next_id)
        return people


@nb.njit(cache=True)
def _keep_index(alive):
    out = np.empty(alive.shape[0], dtype=np.int64)
    m = 0
    for i in range(alive.shape[0]):
        if alive[i]:
            out[m] = i
            m += 1
    return out[:m]

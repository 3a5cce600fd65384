"""The event log: every birth, death, arrival, arrest, sentence, execution, camp admission, camp death
and release as one row.

Events are buffered in memory and streamed to Parquet in row groups of ``chunk_rows``; each yearly
window of the run (the interval between two checkpoints) is one part file
``events/part-NNNN.parquet``, written under a temporary name and renamed when the window closes, so a
killed run leaves only whole parts, each matching a checkpoint. The size and SHA-256 of each part are
kept in ``EventLog.published`` when it is published; checkpoints record them and a resume checks them.

Columns (one row per event): the core columns of :data:`CORE_EVENT_COLUMNS` (``step``, ``date``,
``person_id``, ``event``, ``sex``, ``age``), then the columns modules declare as :class:`EventColumn`
(the terror's ``operation``, ``body``, ``category``, ``camp_type`` and who the person is), null
where an event does not set them. Modules log codes (small integers, what the buffer holds); the
parts give labels, so that pandas, pyarrow or DuckDB read them without purgetoll:

* a column with labels (``event``, ``sex``, ``operation``, ``region``, ...) is a dictionary column
  whose dictionary is the column's whole label list in every part, in the order of the codes (the
  dictionary index is the code): pandas reads a categorical with those categories, and the parts
  concatenate as one;
* a yes/no column (``urban``, ``party``) is a boolean, an id (``household_id``) an integer;
* unknown or none is null (never a NaN float): the schema carries pandas' metadata, so pandas reads
  the booleans and integers with nulls as its nullable ``boolean`` and ``UInt32``/``Int16`` dtypes.

:meth:`EventLog.describe` gives the schema (each column's type, meaning, unit and when it is null)
and a codes table per labelled column, for the run's manifest (``outputs.events``);
``docs/EVENTS.md`` is the same for readers.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from purgetoll.atomic import atomic_file
from purgetoll.errors import DataError
from purgetoll.folders import sha256_file
from purgetoll.sim.calendar import time_point
from purgetoll.sim.state import SEXES

__all__ = ["EventLog", "EventColumn", "CORE_EVENT_COLUMNS", "part_name"]

#: The columns every event has, never null: name -> (type, meaning, unit).
CORE_EVENT_COLUMNS: dict[str, tuple[str, str, str]] = {
    "step": ("int16", "time point index of the month of the event (0: the run's start date)", "months since the start"),
    "date": ("date", "the date of that time point: the event happened in the month that starts on it", "date"),
    "person_id": ("uint32", "the person's id, the same in all their events (never reused)", "id"),
    "event": ("category", "what happened (labels and meanings in codes.event)", "label"),
    "sex": ("category", "male or female", "label"),
    "age": ("uint8", "completed years at the start of the month (100: 100 and over)", "years"),
}


@dataclass(frozen=True)
class EventColumn:
    """A column of the event log that a module declares (``Module.event_columns``).

    Modules log codes of numpy ``dtype`` (what the buffer holds); the parts give a reader the values:

    * with ``labels``, the code is the position of its label and the column is written as a
      dictionary column whose dictionary is ``labels`` in every part (its index is the code);
    * a ``bool`` column is written as a boolean, any other as an integer of ``dtype``.

    ``missing`` is a code meaning unknown or none, written as null, as the column is for an event
    that does not set it; ``null`` says when that happens, ``doc`` what the column says and ``unit``
    what a value is (``label``, ``true/false``, ``id``, ...).
    """

    name: str
    dtype: str
    doc: str
    unit: str
    null: str
    labels: tuple[str, ...] | None = None
    missing: int | None = None

    def __post_init__(self) -> None:
        dtype = np.dtype(self.dtype)  # a TypeError on an unknown dtype name
        if self.labels is not None:
            if dtype.kind != "i" or len(self.labels) > np.iinfo(dtype).max + 1:
                raise DataError("EventColumn", f"{self.name}: the codes of {len(self.labels)} labels need a signed "
                                f"integer dtype that holds them; got {self.dtype}")
            if len(set(self.labels)) != len(self.labels):
                raise DataError("EventColumn", f"{self.name}: labels must be unique; got {list(self.labels)}")

    def arrow_type(self) -> pa.DataType:
        """The column's type in the parts: a dictionary of strings indexed by the codes, or ``dtype``."""
        if self.labels is not None:
            return pa.dictionary(pa.from_numpy_dtype(np.dtype(self.dtype)), pa.string())
        return pa.from_numpy_dtype(np.dtype(self.dtype))

    def codes(self) -> list[dict[str, Any]]:
        """The codes table of a labelled column: ``[{"code": 0, "label": ...}, ...]`` (empty without labels)."""
        return [{"code": i, "label": lab} for i, lab in enumerate(self.labels or ())]


def _pandas_metadata(schema: pa.Schema, nullable: set[str]) -> bytes:
    """pandas' metadata of the parts (in the form pandas itself writes), so that pandas reads the
    booleans and integers that may be null as its nullable ``boolean`` / ``UInt32`` / ``Int16``.

    Only those columns are described: pandas reads the others as pyarrow converts them (the
    dictionaries as categoricals), and every part carries these bytes in its footer twice."""
    columns = []
    for f in schema:
        t = f.type
        if f.name not in nullable or not (pa.types.is_boolean(t) or pa.types.is_integer(t)):
            continue
        kind = "bool" if pa.types.is_boolean(t) else np.dtype(t.to_pandas_dtype()).name
        # pandas' names of its nullable dtypes: boolean, Int16, UInt32, ...
        numpy_type = ("boolean" if kind == "bool" else
                      "U" + kind[1:].capitalize() if kind.startswith("u") else kind.capitalize())
        columns.append({"name": f.name, "field_name": f.name, "pandas_type": kind, "numpy_type": numpy_type,
                        "metadata": None})
    meta = {"index_columns": [], "column_indexes": [], "columns": columns}
    return json.dumps(meta, separators=(",", ":")).encode("utf-8")


def _type_name(t: pa.DataType) -> str:
    """A column's type in the words of its readers: category, boolean, date or the integer type."""
    if pa.types.is_dictionary(t):
        return "category"
    if pa.types.is_boolean(t):
        return "boolean"
    if pa.types.is_date32(t):
        return "date"
    return str(t)


def part_name(window: int) -> str:
    """File name of the event part of yearly window ``window``."""
    return f"part-{window:04d}.parquet"


class EventLog:
    """Buffered, chunked Parquet writer of events, one part file per window.

    Parameters
    ----------
    directory:
        Folder for the part files, or ``None`` to count events without writing them.
    kinds:
        Every event kind any module may log (fixes the dictionary, so all parts share a schema).
    extra_columns:
        Module-declared event columns; absent values are written as null.
    start:
        Start date of the run (dates of time points are derived from it).
    chunk_rows:
        Rows buffered before a row group is written.
    keep:
        Without a directory, keep the events in memory (:meth:`frame`) instead of only counting them:
        for small runs read at once, such as a calibration's.
    """

    def __init__(
        self,
        directory: Path | None,
        kinds: Sequence[str],
        extra_columns: Sequence[EventColumn],
        start: dt.date,
        chunk_rows: int = 1 << 21,
        keep: bool = False,
    ) -> None:
        if len(set(kinds)) != len(kinds):
            raise DataError("EventLog", f"event kinds must be unique; got {list(kinds)}")
        if len(kinds) > 127:
            raise DataError("EventLog", "at most 127 event kinds")
        self.directory = directory
        self.keep = bool(keep) and directory is None
        self.kinds = tuple(kinds)
        self._code = {k: i for i, k in enumerate(self.kinds)}
        #: every column with labels, core and declared: ``event``, ``sex``, then the modules'
        self.labelled: dict[str, EventColumn] = {
            "event": EventColumn("event", "int8", CORE_EVENT_COLUMNS["event"][1], "label", "never", labels=self.kinds),
            "sex": EventColumn("sex", "int8", CORE_EVENT_COLUMNS["sex"][1], "label", "never", labels=SEXES),
        }
        self.extra = tuple(extra_columns)
        names = [*CORE_EVENT_COLUMNS, *(c.name for c in self.extra)]
        if len(set(names)) != len(names):
            raise DataError("EventLog", f"event columns must be unique; got {names}")
        self.labelled.update({c.name: c for c in self.extra if c.labels is not None})
        self.start = start
        self.chunk_rows = int(chunk_rows)
        fields = [
            pa.field("step", pa.int16(), nullable=False),
            pa.field("date", pa.date32(), nullable=False),
            pa.field("person_id", pa.uint32(), nullable=False),
            pa.field("event", self.labelled["event"].arrow_type(), nullable=False),
            pa.field("sex", self.labelled["sex"].arrow_type(), nullable=False),
            pa.field("age", pa.uint8(), nullable=False),
        ]
        fields += [pa.field(c.name, c.arrow_type()) for c in self.extra]
        schema = pa.schema(fields)
        self.schema = schema.with_metadata({"pandas": _pandas_metadata(schema, {c.name for c in self.extra})})
        self._dictionary = {name: pa.array(c.labels, type=pa.string()) for name, c in self.labelled.items()}
        # the label columns are dictionaries in every row group (written as given: the whole label
        # list, no hashing); zstd level 1: about 4 bytes an event. Statistics (min, max) only for the
        # other columns: row groups follow time, so step and date let a reader skip them, while every
        # row group spans the labels and their minimum and maximum would only lengthen each part
        self._write_options: dict[str, Any] = dict(
            compression="zstd", compression_level=1, use_dictionary=list(self.labelled),
            write_statistics=[f.name for f in self.schema if f.name not in self.labelled])
        self._buffer: list[dict[str, np.ndarray]] = []
        self._buffered = 0
        self._part: tuple[Any, Any, pq.ParquetWriter] | None = None
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="purgetoll-events")
        self._pending: Future | None = None
        self._window = 0
        self.counts: dict[str, int] = dict.fromkeys(self.kinds, 0)
        #: size and SHA-256 of every part published, by file name (recorded in checkpoints)
        self.published: dict[str, dict[str, int | str]] = {}

    def describe(self, meanings: Mapping[str, str] | None = None) -> dict[str, Any]:
        """The log's schema for the run's manifest: ``columns`` (name, type, meaning, unit, when null, in
        the order of the parts) and ``codes``, a table per labelled column (``event``'s rows with the
        ``meanings`` of the kinds where given)."""
        meanings = meanings or {}
        columns = [{"name": name, "type": type_, "meaning": doc, "unit": unit, "null": "never"}
                   for name, (type_, doc, unit) in CORE_EVENT_COLUMNS.items()]
        columns += [{"name": c.name, "type": _type_name(c.arrow_type()), "meaning": c.doc, "unit": c.unit,
                     "null": c.null} for c in self.extra]
        codes = {name: c.codes() for name, c in self.labelled.items()}
        for row in codes["event"]:
            if row["label"] in meanings:
                row["meaning"] = meanings[row["label"]]
        return {"files": f"events/{part_name(0).replace('0000', 'NNNN')} (one part per window of the run)",
                "columns": columns, "codes": codes}

    def log(self, step: int, kind: str, person_id: np.ndarray, sex: np.ndarray, age: np.ndarray,
            **extra: np.ndarray) -> None:
        """Record one event of ``kind`` per person (arrays of equal length)."""
        if kind not in self._code:
            raise KeyError(f"unknown event kind {kind!r}; declared kinds are {list(self.kinds)}")
        n = len(person_id)
        self.counts[kind] += n
        if n == 0 or (self.directory is None and not self.keep):
            return
        unknown = set(extra) - {c.name for c in self.extra}
        if unknown:
            raise KeyError(f"undeclared event column(s) {sorted(unknown)}")
        cols: dict[str, np.ndarray] = {
            "step": np.full(n, step, dtype=np.int16),
            "person_id": np.asarray(person_id, dtype=np.uint32),
            "event": np.full(n, self._code[kind], dtype=np.int8),
            "sex": np.asarray(sex, dtype=np.int8),
            "age": np.asarray(age, dtype=np.uint8),
        }
        for c in self.extra:
            if c.name in extra:
                cols[c.name] = np.asarray(extra[c.name], dtype=c.dtype)
        self._buffer.append(cols)
        self._buffered += n
        if self._buffered >= self.chunk_rows:
            self._write_row_group()

    def _codes(self, name: str, dtype: str) -> tuple[np.ndarray, np.ndarray | None]:
        """The buffered codes of column ``name`` and which rows did not set it (None: every row did)."""
        parts = [b.get(name) for b in self._buffer]
        given = [p for p in parts if p is not None]
        if len(given) == len(parts):
            return (np.concatenate(given) if given else np.empty(0, dtype=dtype)), None
        sizes = [len(b["person_id"]) for b in self._buffer]
        codes = np.concatenate([p if p is not None else np.zeros(k, dtype=dtype)
                                for p, k in zip(parts, sizes, strict=True)])
        unset = np.concatenate([np.zeros(k, bool) if p is not None else np.ones(k, bool)
                                for p, k in zip(parts, sizes, strict=True)])
        return codes, unset

    def _extra_array(self, c: EventColumn) -> pa.Array:
        codes, null = self._codes(c.name, c.dtype)
        if c.missing is not None:
            missing = codes == c.missing
            null = missing if null is None else (null | missing)
        if c.labels is not None:  # indices under a null are not read (nor checked against the labels)
            return pa.DictionaryArray.from_arrays(pa.array(codes, mask=null), self._dictionary[c.name])
        return pa.array(codes, mask=null)

    def _table(self) -> pa.Table:
        """The buffered events as a table of the parts' schema."""
        step, _ = self._codes("step", "int16")
        epoch = dt.date(1970, 1, 1)
        days = np.array([(time_point(self.start, int(k)) - epoch).days for k in range(int(step.max(initial=0)) + 1)],
                        dtype=np.int32)
        arrays = [
            pa.array(step),
            pa.array(days[step], type=pa.date32()),
            pa.array(self._codes("person_id", "uint32")[0]),
            pa.DictionaryArray.from_arrays(pa.array(self._codes("event", "int8")[0]), self._dictionary["event"]),
            pa.DictionaryArray.from_arrays(pa.array(self._codes("sex", "int8")[0]), self._dictionary["sex"]),
            pa.array(self._codes("age", "uint8")[0]),
        ]
        arrays += [self._extra_array(c) for c in self.extra]
        return pa.Table.from_arrays(arrays, schema=self.schema)

    def _write_row_group(self) -> None:
        if not self._buffered or self.directory is None:
            return
        if self._part is None:
            cm = atomic_file(self.directory / part_name(self._window), "wb")
            handle = cm.__enter__()
            self._part = (cm, handle, pq.ParquetWriter(handle, self.schema, **self._write_options))
        table = self._table()
        self._buffer, self._buffered = [], 0
        # compression and writing run on a second thread (pyarrow releases the GIL) while the
        # simulation goes on; one write in flight at a time keeps the row groups in order
        self._wait()
        self._pending = self._pool.submit(self._part[2].write_table, table)

    def frame(self) -> pd.DataFrame:
        """The events kept in memory (``keep``), with the columns of the Parquet parts."""
        if not self.keep:
            raise DataError("EventLog", "events are kept in memory only with keep=True and no directory")
        return self._table().to_pandas()

    def wait(self) -> None:
        """Wait until no row group is being written (the writer thread is idle)."""
        self._wait()

    def _wait(self) -> None:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            pending.result()

    def close_window(self, window: int) -> None:
        """Write what is buffered and publish the part of ``window`` (an empty part if no events)."""
        if self.directory is None:
            self._window = window + 1
            return
        self._window = window
        self._write_row_group()
        if self._part is None:
            with atomic_file(self.directory / part_name(window), "wb") as handle:
                pq.ParquetWriter(handle, self.schema, **self._write_options).close()
        else:
            self._wait()
            cm, _, writer = self._part
            writer.close()
            cm.__exit__(None, None, None)
            self._part = None
        size, digest = sha256_file(self.directory / part_name(window))
        self.published[part_name(window)] = {"bytes": size, "sha256": digest}
        self._window = window + 1

    def shutdown(self) -> None:
        """Finish any write in flight and stop the writer thread (at the end of a run)."""
        try:
            self._wait()
        finally:
            self._pool.shutdown(wait=True)

    def open_window(self, window: int) -> None:
        """Start collecting events for ``window`` (after a resume, the next window to write)."""
        self._window = window

    def abort(self) -> None:
        """Drop the unfinished part (its temporary file is removed; published parts stay)."""
        self._buffer, self._buffered = [], 0
        with contextlib.suppress(Exception):
            self._wait()
        if self._part is not None:
            cm, _, writer = self._part
            try:
                writer.close()
            finally:
                # atomic_file removes its temporary file when the block exits with an error
                with contextlib.suppress(RuntimeError):
                    cm.__exit__(RuntimeError, RuntimeError("aborted"), None)
            self._part = None
        self._pool.shutdown(wait=True)

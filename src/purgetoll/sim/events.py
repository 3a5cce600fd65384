"""The event log: every birth, death, arrival (and later arrest, sentence, release) as one row.

Events are buffered in memory and streamed to Parquet in row groups of ``chunk_rows``; each yearly
window of the run (the interval between two checkpoints) is one part file
``events/part-NNNN.parquet``, written under a temporary name and renamed when the window closes, so a
killed run leaves only whole parts, each matching a checkpoint. The size and SHA-256 of each part are
kept in ``EventLog.published`` when it is published; checkpoints record them and a resume checks them.

Columns (one row per event):

=============  ================  =====================================================
``step``       int16             time point index at the start of the month of the event
``date``       date32            the date of that time point (the event happened within the month)
``person_id``  uint32            stable person id (see ``state.People``)
``event``      dictionary        event kind (``birth``, ``death``, ``annexed``, modules' own)
``sex``        dictionary        ``male`` / ``female``
``age``        uint8             completed years at the start of the month (100 = 100+)
extras         declared          columns declared by modules (e.g. ``operation``, ``region``),
                                 null where an event does not set them
=============  ================  =====================================================
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
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
from purgetoll.sim.state import SEXES, Column

__all__ = ["EventLog", "part_name"]

# zstd level 1 (about 4 bytes an event) and dictionaries only for the two label columns: the
# integer columns gain nothing from dictionary encoding and it doubles the write time
_WRITE_OPTIONS = dict(compression="zstd", compression_level=1, use_dictionary=["event", "sex"])


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
        Module-declared event columns (name, numpy dtype); absent values are written as null.
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
        extra_columns: Sequence[Column],
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
        self.extra = tuple(extra_columns)
        self.start = start
        self.chunk_rows = int(chunk_rows)
        fields = [
            pa.field("step", pa.int16()),
            pa.field("date", pa.date32()),
            pa.field("person_id", pa.uint32()),
            pa.field("event", pa.dictionary(pa.int8(), pa.string())),
            pa.field("sex", pa.dictionary(pa.int8(), pa.string())),
            pa.field("age", pa.uint8()),
        ]
        fields += [pa.field(c.name, pa.from_numpy_dtype(np.dtype(c.dtype))) for c in self.extra]
        self.schema = pa.schema(fields)
        self._kind_dict = pa.array(self.kinds, type=pa.string())
        self._sex_dict = pa.array(SEXES, type=pa.string())
        self._buffer: list[dict[str, np.ndarray]] = []
        self._buffered = 0
        self._part: tuple[Any, Any, pq.ParquetWriter] | None = None
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="purgetoll-events")
        self._pending: Future | None = None
        self._window = 0
        self.counts: dict[str, int] = dict.fromkeys(self.kinds, 0)
        #: size and SHA-256 of every part published, by file name (recorded in checkpoints)
        self.published: dict[str, dict[str, int | str]] = {}

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

    def _table(self) -> pa.Table:
        def cat(name: str, dtype: str) -> pa.Array:
            parts = [b.get(name) for b in self._buffer]
            if all(p is None for p in parts):
                return pa.nulls(self._buffered, type=pa.from_numpy_dtype(np.dtype(dtype)))
            chunks, masks = [], []
            for b, p in zip(self._buffer, parts, strict=True):
                size = len(b["person_id"])
                chunks.append(p if p is not None else np.zeros(size, dtype=dtype))
                masks.append(np.zeros(size, bool) if p is not None else np.ones(size, bool))
            return pa.array(np.concatenate(chunks), mask=np.concatenate(masks))

        step = np.concatenate([b["step"] for b in self._buffer])
        epoch = dt.date(1970, 1, 1)
        days = np.array([(time_point(self.start, int(k)) - epoch).days for k in range(int(step.max()) + 1)],
                        dtype=np.int32)
        arrays = [
            pa.array(step),
            pa.array(days[step], type=pa.date32()),
            pa.array(np.concatenate([b["person_id"] for b in self._buffer])),
            pa.DictionaryArray.from_arrays(pa.array(np.concatenate([b["event"] for b in self._buffer])),
                                           self._kind_dict),
            pa.DictionaryArray.from_arrays(pa.array(np.concatenate([b["sex"] for b in self._buffer])),
                                           self._sex_dict),
            pa.array(np.concatenate([b["age"] for b in self._buffer])),
        ]
        arrays += [cat(c.name, c.dtype) for c in self.extra]
        return pa.Table.from_arrays(arrays, schema=self.schema)

    def _write_row_group(self) -> None:
        if not self._buffered or self.directory is None:
            return
        if self._part is None:
            cm = atomic_file(self.directory / part_name(self._window), "wb")
            handle = cm.__enter__()
            self._part = (cm, handle, pq.ParquetWriter(handle, self.schema, **_WRITE_OPTIONS))
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
        if not self._buffered:
            return self.schema.empty_table().to_pandas()
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
                pq.ParquetWriter(handle, self.schema, **_WRITE_OPTIONS).close()
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

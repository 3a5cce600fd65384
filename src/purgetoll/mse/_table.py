"""Capture tables: how many individuals each combination of lists recorded.

A capture table over ``K`` lists holds one count for each of the ``2**K - 1`` observable capture
histories (the all-zero history, "on no list", is the unknown that multiple systems estimation
estimates). The count vector is *full* and in one fixed order, the order of the bundled CSVs and
of R's ``expand.grid`` reversed:

* history number ``h`` runs over ``1 .. 2**K - 1``; ``counts[h - 1]`` is its count;
* list ``j`` (0-based, in the order of :attr:`CaptureTable.lists`) is on in history ``h`` when
  bit ``K - 1 - j`` of ``h`` is set, i.e. the FIRST list varies SLOWEST:
  ``001, 010, 011, 100, 101, 110, 111`` for three lists.

Tables are built from record-level data (one row per person, a 0/1 column per list) or from
aggregated histories (0/1 list columns, or one string column such as ``"0101"``, plus a count
column). Every problem raises :class:`purgetoll.errors.DataError` naming the file or frame, the
line of the file (or the 0-based row of a frame) and what was expected. Stratified data (a sex, age or region column) give a
:class:`StratifiedTable`, one :class:`CaptureTable` per stratum.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from purgetoll.errors import DataError
from purgetoll.files import read_csv

__all__ = ["CaptureTable", "StratifiedTable", "history_matrix", "read_capture_csv"]

#: Largest number of lists a table may have; 2**20 - 1 cells is already beyond any real study.
MAX_LISTS = 20


def history_matrix(n_lists: int) -> np.ndarray:
    """The ``(2**K - 1, K)`` 0/1 matrix of observable histories in the documented order.

    Row ``h - 1`` is history number ``h``; column ``j`` is list ``j`` (first list = most
    significant bit, so it varies slowest).
    """
    codes = np.arange(1, 2**n_lists, dtype=np.int64)
    shifts = np.arange(n_lists - 1, -1, -1, dtype=np.int64)
    return ((codes[:, None] >> shifts[None, :]) & 1).astype(np.int8)


def _history_codes(patterns: np.ndarray) -> np.ndarray:
    """History numbers of the rows of a 0/1 pattern matrix (first column most significant)."""
    k = patterns.shape[1]
    weights = 1 << np.arange(k - 1, -1, -1, dtype=np.int64)
    return patterns.astype(np.int64) @ weights


def _fmt(pattern: Iterable[int]) -> str:
    return "".join(str(int(v)) for v in pattern)


Lines = Sequence[int] | None


def _at(pos: int, lines: Lines) -> dict[str, int]:
    """Where data row ``pos`` is: its line of the file if known, else the 0-based row."""
    return {"row": pos} if lines is None else {"row": pos, "line": int(lines[pos])}


def _where_text(pos: int, lines: Lines) -> str:
    return f"row {pos}" if lines is None else f"line {lines[pos]}"


def _as_int_column(values: pd.Series, source: str, column: str, *, binary: bool,
                   lines: Lines = None) -> np.ndarray:
    """Check that a column holds integers (0/1 if ``binary``), naming the first bad row."""
    numeric = pd.to_numeric(values, errors="coerce")
    expected = "0 or 1" if binary else "a non-negative integer"
    arr = numeric.to_numpy(dtype=float, na_value=np.nan)
    for pos, (raw, val) in enumerate(zip(values.tolist(), arr, strict=True)):
        bad = (
            not np.isfinite(val)
            or val != np.floor(val)
            or val < 0
            or (binary and val not in (0.0, 1.0))
        )
        if bad:
            if pd.isna(raw) or (isinstance(raw, str) and not raw.strip()):
                shown = "a missing value"
            elif isinstance(raw, str) and np.isfinite(val):
                shown = raw.strip()  # a number as written in the file
            else:
                shown = repr(raw)
            raise DataError(source, f"column '{column}' must be {expected}; got {shown}", **_at(pos, lines))
    return arr.astype(np.int64)


@dataclass(frozen=True, eq=False)
class CaptureTable:
    """Counts of individuals by capture history over ``K >= 2`` lists.

    Attributes
    ----------
    lists:
        The list names, in the order that defines the history numbering (see module docstring).
    counts:
        int64 array of length ``2**K - 1``: individuals (persons) with each observable history,
        zeros included, in the documented order.
    source:
        Where the table came from (a file path, ``"<DataFrame>"``, a dataset citation); used in
        error messages and carried into results.

    Use :meth:`from_frame`, :meth:`from_histories`, :meth:`from_records`, :meth:`from_counts`
    or :func:`read_capture_csv` rather than the constructor: they validate the input.
    """

    lists: tuple[str, ...]
    counts: np.ndarray
    source: str = "<table>"
    attrs: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        lists = tuple(str(x) for x in self.lists)
        object.__setattr__(self, "lists", lists)
        counts = np.asarray(self.counts)
        k = len(lists)
        if k < 2:
            raise DataError(
                self.source, f"at least two lists are needed; got {k} ({', '.join(lists)})"
            )
        if k > MAX_LISTS:
            raise DataError(self.source, f"at most {MAX_LISTS} lists are supported; got {k}")
        if len(set(lists)) != k:
            dup = sorted({x for x in lists if lists.count(x) > 1})
            raise DataError(self.source, f"list names must be distinct; repeated: {', '.join(dup)}")
        if counts.shape != (2**k - 1,):
            raise DataError(
                self.source,
                f"counts must have 2**{k} - 1 = {2**k - 1} entries (one per observable history); "
                f"got shape {counts.shape}",
            )
        as_float = counts.astype(float)
        bad = np.flatnonzero(
            ~np.isfinite(as_float) | (as_float < 0) | (as_float != np.floor(as_float))
        )
        if bad.size:
            h = history_matrix(k)[bad[0]]
            raise DataError(
                self.source,
                f"count of history {_fmt(h)} must be a non-negative integer; got {counts[bad[0]]!r}",
            )
        frozen = as_float.astype(np.int64)
        frozen.setflags(write=False)
        object.__setattr__(self, "counts", frozen)
        object.__setattr__(self, "attrs", dict(self.attrs))

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_counts(
        cls, counts: Sequence[int] | np.ndarray, lists: Sequence[str], *, source: str = "<counts>"
    ) -> CaptureTable:
        """A table from a full count vector already in the documented order."""
        return cls(tuple(lists), np.asarray(counts), source=source)

    @classmethod
    def from_frame(
        cls,
        df: pd.DataFrame,
        *,
        lists: Sequence[str] | None = None,
        count: str = "count",
        source: str = "<DataFrame>",
        lines: Lines = None,
    ) -> CaptureTable:
        """Aggregated histories if ``df`` has a ``count`` column, else one row per person.

        ``lines`` gives the line of the file each row came from (errors then name the line)."""
        if count in df.columns:
            return cls.from_histories(df, lists=lists, count=count, source=source, lines=lines)
        return cls.from_records(df, lists=lists, source=source, lines=lines)

    @classmethod
    def from_histories(
        cls,
        df: pd.DataFrame,
        *,
        lists: Sequence[str] | None = None,
        count: str = "count",
        history: str | None = None,
        source: str = "<DataFrame>",
        lines: Lines = None,
    ) -> CaptureTable:
        """A table from aggregated histories: one row per history with its count.

        Either 0/1 list columns (``lists``; default: every column except ``count``) or one
        string column ``history`` such as ``"0101"`` (then ``lists`` names the lists, default
        ``L1 .. LK``). Histories that are absent count 0. Raises :class:`DataError` on a
        missing column, a count that is not a non-negative integer, a pattern that is not 0/1
        of the right length, the all-zero history, a repeated history, or fewer than two lists.
        """
        if count not in df.columns:
            raise DataError(
                source, f"no '{count}' column; columns are {', '.join(map(str, df.columns))}"
            )
        counts = _as_int_column(df[count], source, count, binary=False, lines=lines)
        if history is not None:
            patterns, lists = _parse_history_strings(df, history, lists, source, lines)
        else:
            lists = _resolve_lists(df, lists, exclude=(count,), source=source)
            patterns = (
                np.column_stack([_as_int_column(df[c], source, c, binary=True, lines=lines) for c in lists])
                if len(df)
                else np.zeros((0, len(lists)), dtype=np.int64)
            )
        return cls._from_patterns(patterns, counts, lists, source, aggregated=True, lines=lines)

    @classmethod
    def from_records(
        cls, df: pd.DataFrame, *, lists: Sequence[str] | None = None, source: str = "<DataFrame>",
        lines: Lines = None,
    ) -> CaptureTable:
        """A table from record-level data: one row per person, a 0/1 column per list.

        A person on no list cannot be in a list-based record set, so an all-zero row is an
        error (it usually means a list column is missing or mis-named).
        """
        lists = _resolve_lists(df, lists, exclude=(), source=source)
        if len(lists) < 2:
            raise DataError(source, f"at least two lists are needed; got {len(lists)} ({', '.join(lists)})")
        patterns = np.column_stack([_as_int_column(df[c], source, c, binary=True, lines=lines) for c in lists])
        return cls._from_patterns(
            patterns, np.ones(len(df), dtype=np.int64), lists, source, aggregated=False, lines=lines
        )

    @classmethod
    def _from_patterns(
        cls,
        patterns: np.ndarray,
        counts: np.ndarray,
        lists: Sequence[str],
        source: str,
        *,
        aggregated: bool,
        lines: Lines = None,
    ) -> CaptureTable:
        k = len(lists)
        if k < 2:
            raise DataError(source, f"at least two lists are needed; got {k} ({', '.join(lists)})")
        codes = _history_codes(patterns)
        zero = np.flatnonzero(codes == 0)
        if zero.size:
            what = "history" if aggregated else "record"
            raise DataError(
                source,
                f"{what} {_fmt(patterns[zero[0]])} is on no list; the all-zero history cannot be "
                "observed (it is what the estimators estimate), remove it",
                **_at(int(zero[0]), lines),
            )
        if aggregated:
            seen: dict[int, int] = {}
            for pos, code in enumerate(codes.tolist()):
                if code in seen:
                    raise DataError(
                        source,
                        f"duplicate history {_fmt(patterns[pos])} (first given at "
                        f"{_where_text(seen[code], lines)}); each history must appear once",
                        **_at(pos, lines),
                    )
                seen[code] = pos
        full = np.bincount(codes, weights=counts, minlength=2**k)[1:]
        return cls(tuple(lists), full.astype(np.int64), source=source)

    # ------------------------------------------------------------------ views
    @property
    def n_lists(self) -> int:
        """Number of lists ``K``."""
        return len(self.lists)

    @property
    def n_observed(self) -> int:
        """Number of distinct individuals on at least one list (persons)."""
        return int(self.counts.sum())

    def histories(self) -> np.ndarray:
        """The ``(2**K - 1, K)`` 0/1 history matrix matching :attr:`counts` row for row."""
        return history_matrix(self.n_lists)

    def list_totals(self) -> pd.Series:
        """Individuals recorded by each list (persons), indexed by list name."""
        return pd.Series(self.histories().T.astype(np.int64) @ self.counts, index=list(self.lists))

    def to_frame(self, *, drop_zeros: bool = False) -> pd.DataFrame:
        """One row per observable history: the list columns (0/1) and ``count``."""
        df = pd.DataFrame(self.histories().astype(np.int64), columns=list(self.lists))
        df["count"] = self.counts
        if drop_zeros:
            df = df[df["count"] > 0].reset_index(drop=True)
        df.attrs["table"] = self.source
        return df

    def __repr__(self) -> str:
        return (
            f"CaptureTable(lists={list(self.lists)}, n_observed={self.n_observed}, "
            f"source={self.source!r})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CaptureTable):
            return NotImplemented
        return self.lists == other.lists and np.array_equal(self.counts, other.counts)

    __hash__ = None  # type: ignore[assignment]

    # ------------------------------------------------------------------ transformations
    def reorder(self, order: Sequence[str]) -> CaptureTable:
        """The same table with the lists in another order (the counts are permuted to match)."""
        if sorted(order) != sorted(self.lists) or len(order) != self.n_lists:
            raise DataError(
                self.source,
                f"reorder needs a permutation of the lists {list(self.lists)}; got {list(order)}",
            )
        idx = [self.lists.index(x) for x in order]
        patterns = self.histories()[:, idx]
        new = np.zeros_like(self.counts)
        new[_history_codes(patterns) - 1] = self.counts
        return CaptureTable(tuple(order), new, source=self.source, attrs=self.attrs)

    def drop_lists(self, names: Iterable[str]) -> CaptureTable:
        """The marginal table of the other lists.

        Individuals recorded *only* by the dropped lists fall into the all-zero history of the
        remaining lists and so leave the observed count; :attr:`attrs` records how many.
        """
        names = list(names)
        unknown = [x for x in names if x not in self.lists]
        if unknown:
            raise DataError(
                self.source,
                f"cannot drop unknown list(s) {', '.join(unknown)}; lists are {', '.join(self.lists)}",
            )
        keep = [i for i, x in enumerate(self.lists) if x not in names]
        if len(keep) < 2:
            raise DataError(
                self.source,
                f"dropping {', '.join(names)} would leave {len(keep)} list(s); at least two are needed",
            )
        codes = _history_codes(self.histories()[:, keep])
        full = np.bincount(codes, weights=self.counts, minlength=2 ** len(keep))
        attrs = dict(self.attrs)
        attrs["dropped_lists"] = ", ".join(names)
        attrs["individuals_lost_by_dropping"] = str(int(full[0]))
        return CaptureTable(
            tuple(self.lists[i] for i in keep), full[1:].astype(np.int64), self.source, attrs
        )

    def uninformative_lists(self) -> pd.DataFrame:
        """Lists that carry no information for estimation, with the reason.

        Columns ``list`` and ``reason``; reasons are ``"empty"`` (records nobody),
        ``"everyone"`` (records every observed individual, so no one can be missing from it)
        and ``"duplicate of X"`` (records exactly the same individuals as list ``X``).
        """
        h = self.histories()
        present = self.counts > 0
        totals = self.list_totals()
        rows: list[tuple[str, str]] = []
        n = self.n_observed
        for j, name in enumerate(self.lists):
            if totals[name] == 0:
                rows.append((name, "empty"))
            elif totals[name] == n:
                rows.append((name, "everyone"))
            else:
                for i in range(j):
                    if totals[self.lists[i]] > 0 and np.array_equal(h[present, i], h[present, j]):
                        rows.append((name, f"duplicate of {self.lists[i]}"))
                        break
        return pd.DataFrame(rows, columns=["list", "reason"])

    def drop_uninformative(self) -> CaptureTable:
        """This table without the lists :meth:`uninformative_lists` reports (itself if none)."""
        bad = self.uninformative_lists()
        if bad.empty:
            return self
        return self.drop_lists(bad["list"].tolist())


def _resolve_lists(
    df: pd.DataFrame, lists: Sequence[str] | None, *, exclude: Sequence[str], source: str
) -> list[str]:
    if lists is None:
        return [str(c) for c in df.columns if c not in exclude]
    missing = [c for c in lists if c not in df.columns]
    if missing:
        raise DataError(
            source,
            f"list column(s) {', '.join(map(str, missing))} not found; columns are "
            f"{', '.join(map(str, df.columns))}",
        )
    return [str(c) for c in lists]


def _parse_history_strings(
    df: pd.DataFrame, column: str, lists: Sequence[str] | None, source: str, lines: Lines = None
) -> tuple[np.ndarray, list[str]]:
    if column not in df.columns:
        raise DataError(
            source, f"no '{column}' column; columns are {', '.join(map(str, df.columns))}"
        )
    raw = [str(v).strip() for v in df[column].tolist()]
    k = len(lists) if lists is not None else (len(raw[0]) if raw else 0)
    for pos, s in enumerate(raw):
        if len(s) != k or set(s) - {"0", "1"}:
            raise DataError(
                source, f"history '{s}' must be a string of {k} characters 0 or 1", **_at(pos, lines)
            )
    names = list(lists) if lists is not None else [f"L{j + 1}" for j in range(k)]
    patterns = np.array([[int(c) for c in s] for s in raw], dtype=np.int64).reshape(len(raw), k)
    return patterns, names


@dataclass(frozen=True, eq=False)
class StratifiedTable:
    """One :class:`CaptureTable` per stratum (e.g. sex x age group), all over the same lists.

    ``strata`` names the stratum columns; ``tables`` maps a tuple of stratum values (in the
    order of ``strata``) to that stratum's table.
    """

    strata: tuple[str, ...]
    tables: Mapping[tuple, CaptureTable]
    source: str = "<table>"

    @property
    def lists(self) -> tuple[str, ...]:
        """The lists, shared by every stratum."""
        return next(iter(self.tables.values())).lists

    @property
    def n_observed(self) -> int:
        """Distinct individuals observed over all strata (persons)."""
        return sum(t.n_observed for t in self.tables.values())

    def __iter__(self) -> Iterator[tuple[tuple, CaptureTable]]:
        return iter(self.tables.items())

    def __len__(self) -> int:
        return len(self.tables)

    def collapse(self) -> CaptureTable:
        """The table pooled over all strata (sum of counts)."""
        total = sum(t.counts for t in self.tables.values())
        return CaptureTable(self.lists, np.asarray(total), source=f"{self.source} (all strata)")

    @classmethod
    def from_frame(
        cls,
        df: pd.DataFrame,
        strata: Sequence[str],
        *,
        lists: Sequence[str] | None = None,
        count: str = "count",
        source: str = "<DataFrame>",
        lines: Lines = None,
    ) -> StratifiedTable:
        """Split ``df`` by the ``strata`` columns; each part is read by :meth:`CaptureTable.from_frame`.

        Row numbers in error messages refer to ``df`` as a whole (or to the lines of the file,
        ``lines``).
        """
        strata = [str(s) for s in strata]
        if not strata:
            raise DataError(source, "no stratum column given")
        missing = [s for s in strata if s not in df.columns]
        if missing:
            raise DataError(
                source,
                f"stratum column(s) {', '.join(missing)} not found; columns are "
                f"{', '.join(map(str, df.columns))}",
            )
        for s in strata:
            col = df[s]
            blank = col.isna() | col.map(lambda v: isinstance(v, str) and not v.strip())
            na = np.flatnonzero(blank.to_numpy())
            if na.size:
                raise DataError(source, f"stratum column '{s}' is missing a value", **_at(int(na[0]), lines))
        if lists is None:
            lists = [str(c) for c in df.columns if c not in strata and c != count]
        body = df.reset_index(drop=True)
        tables: dict[tuple, CaptureTable] = {}
        for key, part in body.groupby(strata, sort=False):
            key = key if isinstance(key, tuple) else (key,)
            label = ", ".join(f"{s}={v}" for s, v in zip(strata, key, strict=True))
            try:
                tables[key] = CaptureTable.from_frame(
                    part, lists=lists, count=count, source=f"{source} [{label}]"
                )
            except DataError as err:
                # Report the row of the whole file, not of the stratum's slice.
                row = err.row
                if isinstance(row, int):
                    row = int(part.index[row])
                    raise DataError(source, f"{err.problem} (stratum {label})", **_at(row, lines)) from None
                raise DataError(source, f"{err.problem} (stratum {label})", row=row) from None
        return cls(tuple(strata), tables, source=source)


def read_capture_csv(
    path: str | os.PathLike[str],
    *,
    strata: Sequence[str] | None = None,
    lists: Sequence[str] | None = None,
    count: str = "count",
) -> CaptureTable | StratifiedTable:
    """Read a capture CSV: aggregated (with ``count``) or record-level, optionally stratified.

    Without ``strata`` every non-count column is a list. Errors name the file and the line of
    the file (the header is line 1); the file itself is checked by
    :func:`purgetoll.files.read_csv` (a directory, not UTF-8, a column name given twice, a row
    with the wrong number of fields).
    """
    text = read_csv(path)
    df = text.frame()
    for col in strata or ():
        if col in df.columns:
            numeric = pd.to_numeric(df[col], errors="coerce")
            if numeric.notna().all() and len(df):  # numbers as pandas would read them (Age = 1, 2, ...)
                df[col] = numeric
    if strata:
        return StratifiedTable.from_frame(df, strata, lists=lists, count=count, source=str(path), lines=text.lines)
    return CaptureTable.from_frame(df, lists=lists, count=count, source=str(path), lines=text.lines)

"""The simulation: settings, a fixed monthly order of module steps, checkpoints and outputs.

Every month (step ``k``, from time point ``k`` to ``k + 1``) runs the module steps in the order of
``Sim.plan()``: the modules in the order given, each module's ``steps`` in its declared order. The
default order is ``territory.annex``, ``demography.births``, ``demography.deaths``; later modules
(terror, gulag, ...) come after, so a month's arrests see the month's living.

Around the months:

* at time point ``k``, before step ``k``: snapshots dated nearest to it;
* every ``checkpoint_every_steps`` steps (a "window", yearly by default): publish the window's event
  part, compact the dead away if they fill more than ``compact_dead_fraction`` of the slots, write a
  checkpoint (not at step 0: a run stopped in its first window starts afresh, so that the events
  ``setup`` logged are logged again), let modules index the window's due events (``begin_window``);
* at the end: the last snapshots, the last event part, ``snapshots.parquet``, ``timings.json`` and
  finally ``manifest.json`` (its presence marks a finished run, and it lists every file with its
  SHA-256); the run is then swapped into its folder and the checkpoint removed.

With an output folder, the run is a :class:`purgetoll.folders.RunFolder`: written in a staging folder
beside ``out`` (checkpoints there too) under the folder's lock, and swapped in whole when finished.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import resource
import shlex
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import psutil
import pyarrow as pa
import pyarrow.parquet as pq

from purgetoll import __version__
from purgetoll.atomic import atomic_file
from purgetoll.errors import DataError, SettingsError
from purgetoll.folders import PAYLOAD, RunFolder, read_manifest
from purgetoll.sim import calendar
from purgetoll.sim.budget import check_run
from purgetoll.sim.checkpoint import Checkpointer, read_checkpoint
from purgetoll.sim.coverage import check_data_ends, past_data_note
from purgetoll.sim.events import EventLog
from purgetoll.sim.modules.base import Module
from purgetoll.sim.snapshots import count_by_sex_age, default_snapshot_dates, snapshot_frame
from purgetoll.sim.state import People
from purgetoll.stored import FORMAT, SCHEMA, bundled_inputs, jsonable, library_versions

__all__ = ["SimSettings", "Sim", "SimResult", "Interrupted", "plan_frame"]

Progress = Callable[[int, int, dt.date, int, int], None]


def plan_frame(modules: Sequence[Module | type[Module]]) -> pd.DataFrame:
    """The monthly order of ``modules`` (instances or classes): ``order, module, method, does``."""
    rows: list[dict[str, Any]] = []
    for m in modules:
        for name in m.steps:
            doc = (getattr(m, name).__doc__ or "").strip().splitlines()
            rows.append({"order": len(rows) + 1, "module": m.name, "method": name, "does": doc[0] if doc else ""})
    return pd.DataFrame(rows, columns=["order", "module", "method", "does"])


class Interrupted(RuntimeError):
    """Raised by a ``stop_at`` hook to simulate a run killed part way (tests)."""


@dataclass(frozen=True)
class SimSettings:
    """Settings of one run.

    Attributes
    ----------
    start, end:
        First and last date (ISO); the run has ``round(months between)`` monthly steps.
    scale:
        Agents per person, in (0, 1]; each agent stands for ``1/scale`` persons.
    seed:
        Seed of every keyed random stream, in [0, 2**63).
    scenario:
        Name recorded in the manifest.
    snapshot_dates:
        Dates of the population snapshots (default: census dates and every 1 January in range).
    checkpoint_every_steps:
        Window length in months: event parts, compaction and checkpoints happen at its boundaries.
    compact_dead_fraction:
        Compact at a window boundary when the dead fill more than this share of the slots.
    write_events:
        Write the event log (counts are kept either way).
    event_chunk_rows:
        Events buffered before a Parquet row group is written.
    past_data:
        Run past the last year of the data behind the inputs (:mod:`purgetoll.sim.coverage`): refused
        unless True; when True the manifest's assumptions (``past_data``) say what the run did there.
    """

    start: str
    end: str
    scale: float
    seed: int
    scenario: str = "demography_only"
    snapshot_dates: tuple[str, ...] | None = None
    checkpoint_every_steps: int = 12
    compact_dead_fraction: float = 0.2
    write_events: bool = True
    event_chunk_rows: int = 1 << 21
    past_data: bool = False

    def __post_init__(self) -> None:
        problems = []
        try:
            start = calendar.parse_date(self.start, "start")
            end = calendar.parse_date(self.end, "end")
            calendar.n_steps(start, end)
        except DataError as exc:
            problems.append(str(exc))
        if not (isinstance(self.scale, int | float) and 0 < self.scale <= 1):
            problems.append(f"scale must be in (0, 1] (1 = one agent per person); got {self.scale!r}")
        if not (isinstance(self.seed, int) and 0 <= self.seed < 2**63):
            problems.append(f"seed must be an integer in [0, 2**63); got {self.seed!r}")
        if not (isinstance(self.checkpoint_every_steps, int) and self.checkpoint_every_steps >= 1):
            problems.append(f"checkpoint_every_steps must be an integer >= 1; got {self.checkpoint_every_steps!r}")
        if not isinstance(self.past_data, bool):
            problems.append(f"past_data must be True or False; got {self.past_data!r}")
        if not 0 <= self.compact_dead_fraction <= 1:
            problems.append(f"compact_dead_fraction must be in [0, 1]; got {self.compact_dead_fraction!r}")
        for d in self.snapshot_dates or ():
            try:
                calendar.parse_date(d, "snapshot_dates")
            except DataError as exc:
                problems.append(str(exc))
        if problems:
            raise SettingsError("sim settings", problems)

    def fingerprint(self) -> dict[str, Any]:
        """Settings that must match for a checkpoint to be resumed (everything but I/O knobs)."""
        d = asdict(self)
        d.pop("event_chunk_rows")
        d["snapshot_dates"] = list(d["snapshot_dates"]) if d["snapshot_dates"] is not None else None
        return d


@dataclass
class SimResult:
    """What a run returns: snapshots, event counts, the manifest and where files went."""

    snapshots: pd.DataFrame
    event_counts: dict[str, int]
    manifest: dict[str, Any]
    out: Path | None
    people_alive: int
    peak_rss_bytes: int
    timings: pd.DataFrame = field(repr=False)
    #: what the output folder did besides writing (a stale lock taken over, debris removed)
    notes: list[str] = field(default_factory=list)


class Sim:
    """A run: settings plus modules in a fixed order.

    >>> sim = Sim(settings, [Territory(inputs), Demography(inputs)])   # doctest: +SKIP
    >>> sim.plan()                                                     # doctest: +SKIP
    """

    def __init__(self, settings: SimSettings, modules: Sequence[Module]) -> None:
        names = [m.name for m in modules]
        if len(set(names)) != len(names):
            raise DataError("Sim", f"module names must be unique; got {names}")
        self.settings = settings
        self.modules: dict[str, Module] = {m.name: m for m in modules}
        self.start = calendar.parse_date(settings.start, "start")
        self.end = calendar.parse_date(settings.end, "end")
        self.n_steps = calendar.n_steps(self.start, self.end)
        self.start_month = calendar.month_index(self.start)
        dates = (tuple(calendar.parse_date(d, "snapshot_dates") for d in settings.snapshot_dates)
                 if settings.snapshot_dates is not None else default_snapshot_dates(self.start, self.end))
        self.snapshot_at: dict[int, list[dt.date]] = {}
        for d in dates:
            k = calendar.time_point_of(self.start, d)
            if 0 <= k <= self.n_steps:
                self.snapshot_at.setdefault(k, []).append(d)
        self._steps = [(m, name, getattr(m, name)) for m in modules for name in m.steps]
        self._seconds: dict[tuple[str, str], float] = {}
        self._people: People | None = None
        self._events: EventLog | None = None
        self._checkpoints: Checkpointer | None = None
        #: a run without an output folder keeps its events in memory (``sim.events.frame()``) when True
        self.keep_events = False

    # -- helpers for modules ------------------------------------------------------------------
    @property
    def people(self) -> People:
        """The people of the run (set when the run starts: modules see them from ``prepare`` on)."""
        if self._people is None:
            raise RuntimeError("the run has no people yet: they are made when the run starts")
        return self._people

    @property
    def events(self) -> EventLog:
        """The run's event log (opened when the run starts)."""
        if self._events is None:
            raise RuntimeError("the run has no event log yet: it is opened when the run starts")
        return self._events

    def module(self, name: str) -> Any:
        """The module called ``name`` (KeyError listing the modules if absent).

        Typed ``Any``: modules reach one another by name (``sim.module("terror").mechanism``) and the
        caller knows the class of the module it names; ``self.modules`` holds them as :class:`Module`."""
        try:
            return self.modules[name]
        except KeyError:
            raise KeyError(f"no module {name!r} in this run; modules are {list(self.modules)}") from None

    def month(self, step: int) -> int:
        """Month index (months since 1900-01) of time point ``step``."""
        return self.start_month + step

    def time_point_year(self, k: float) -> float:
        """Calendar time (years) of time point ``k`` (may be fractional, e.g. mid-step ``k + 0.5``),
        months as twelfths (:func:`purgetoll.sim.calendar.time_point_year`)."""
        return calendar.time_point_year(self.start, k)

    #: The old name, still used by sim/modules/demography.py; goes when that module moves to
    #: ``time_point_year`` (demography's ``decimal_year`` counts days, this one twelfths).
    decimal_year = time_point_year

    def date(self, step: int) -> dt.date:
        """Date of time point ``step``."""
        return calendar.time_point(self.start, step)

    def ages(self, birth_month: np.ndarray, step: int) -> np.ndarray:
        """Completed years at time point ``step`` (uint8, 100 = 100+; babies born in step are 0)."""
        age = (self.month(step) - birth_month.astype(np.int32)) // 12
        return np.clip(age, 0, 100).astype(np.uint8)

    # -- the plan -----------------------------------------------------------------------------
    def plan(self) -> pd.DataFrame:
        """The monthly order: one row per step method (``order, module, method, does``)."""
        return plan_frame(list(self.modules.values()))

    def timings(self) -> pd.DataFrame:
        """CPU wall seconds spent per step method and in the engine's own chores, last run."""
        rows = [{"module": m, "method": f, "seconds": round(s, 6)} for (m, f), s in self._seconds.items()]
        return pd.DataFrame(rows, columns=["module", "method", "seconds"])

    def _timed(self, key: tuple[str, str], fn: Callable[..., Any], *args: Any) -> Any:
        t0 = time.perf_counter()
        out = fn(*args)
        self._seconds[key] = self._seconds.get(key, 0.0) + time.perf_counter() - t0
        return out

    # -- running ------------------------------------------------------------------------------
    def run(
        self,
        out: str | Path | None = None,
        *,
        resume: bool = False,
        force: bool = False,
        progress: Progress | None = None,
        stop_at: int | None = None,
        limits: dict[str, float] | None = None,
    ) -> SimResult:
        """Run from the start (or the last checkpoint with ``resume``) to the end.

        Before anything is written or allocated, a run that ends past the data of its inputs is
        refused unless its settings say ``past_data`` (:mod:`purgetoll.sim.coverage`), and the run's
        size is checked against the declared limits ``sim_agent_months`` and ``sim_memory_share``
        (:mod:`purgetoll.sim.budget`); ``limits`` raises them.

        ``out`` receives the files (None: in memory only, no events, no checkpoints); it is a
        :class:`purgetoll.folders.RunFolder`: the run is written beside it and swapped in whole when
        finished, under its lock. ``force`` replaces a finished run in ``out`` (or discards an
        unfinished one); ``resume`` continues the unfinished one from its last checkpoint, after
        checking every checkpoint file and event part against its SHA-256. ``stop_at`` raises
        :class:`Interrupted` just before step ``stop_at`` (tests use it to kill a run part way).
        """
        if resume and out is None:
            raise DataError("Sim.run", "resume needs the folder of the interrupted run (out)")
        check_data_ends(self)
        check_run(self, limits)
        if out is None:
            return self._run(None, progress, stop_at)
        folder = RunFolder(out, kind="sim", force=force, resume=resume, volatile=("timings.json",))
        with folder:
            return self._run(folder, progress, stop_at)

    def _run(self, folder: RunFolder | None, progress: Progress | None, stop_at: int | None) -> SimResult:
        s = self.settings
        self._seconds = {}
        every = s.checkpoint_every_steps
        work = folder.path if folder is not None else None
        events_dir = work / "events" if (work is not None and s.write_events) else None
        if events_dir is not None:
            events_dir.mkdir(parents=True, exist_ok=True)
        kinds = [k for m in self.modules.values() for k in m.event_kinds]
        ecols = [c for m in self.modules.values() for c in m.event_columns]
        self._events = EventLog(events_dir, kinds, ecols, self.start, s.event_chunk_rows,
                               keep=self.keep_events and events_dir is None)
        extra = [c for m in self.modules.values() for c in m.columns]
        capacity = sum(m.capacity(self) for m in self.modules.values())
        for m in self.modules.values():
            self._timed((m.name, "prepare"), m.prepare, self)

        records: list[tuple[str, str, np.ndarray]] = []
        resumed = folder is not None and folder.resumed
        if folder is not None and folder.resumed:
            arrays, meta = read_checkpoint(folder.work, self.settings.fingerprint(), self.n_steps, every)
            self._people = People.from_arrays(arrays, capacity, meta["next_id"], extra)
            k_begin = int(meta["step"])
            counts = arrays.pop("__snapshots")
            records = [(d, sd, counts[i]) for i, (d, sd) in enumerate(meta["snapshots"])]
            self.events.counts.update(meta["event_counts"])
            for name, state in meta["modules"].items():
                self.module(name).load_state_dict(state)
            prefix = f"{PAYLOAD}/events/"
            self.events.published = {e["path"].removeprefix(prefix): {"bytes": e["bytes"], "sha256": e["sha256"]}
                                     for e in meta["files"] if e["path"].startswith(prefix)}
            if events_dir is not None:  # parts of windows after the checkpoint are redone
                for p in events_dir.glob("part-*.parquet"):
                    if p.name not in self.events.published:
                        p.unlink()
        else:
            self._people = People(capacity, extra)
            k_begin = 0
            for m in self.modules.values():
                self._timed((m.name, "setup"), m.setup, self)
        self.events.open_window(k_begin // every)
        self._checkpoints = Checkpointer(folder.work) if folder is not None else None

        try:
            for k in range(k_begin, self.n_steps):
                if k % every == 0:
                    self._window_boundary(k, folder, records, fresh=(k != k_begin or not resumed))
                elif self._checkpoints is not None and self._checkpoints.due(k):
                    self._finalize_checkpoint(folder)
                if stop_at is not None and k == stop_at:
                    raise Interrupted(f"stopped before step {k} (stop_at)")
                self._timed(("engine", "snapshots"), self._snapshot, k, records)
                for m, name, fn in self._steps:
                    self._timed((m.name, name), fn, self, k)
                if progress is not None:
                    progress(k + 1, self.n_steps, self.date(k + 1), self.people.n_alive() if (k + 1) % 12 == 0 else -1,
                             psutil.Process().memory_info().rss)
            self._timed(("engine", "snapshots"), self._snapshot, self.n_steps, records)
            self._timed(("engine", "events"), self.events.close_window, (self.n_steps - 1) // every)
            self.events.shutdown()
        except BaseException:
            if self._checkpoints is not None:  # stopped in-process: the state of the last boundary is
                with contextlib.suppress(Exception):  # sound, so it becomes the checkpoint to resume from
                    self._finalize_checkpoint(folder)
            self.events.abort()
            raise
        finally:
            if self._checkpoints is not None:
                self._checkpoints.close()
        return self._finish(folder, records)

    def _finalize_checkpoint(self, folder: RunFolder | None) -> None:
        checkpoints = self._checkpoints
        if folder is None or checkpoints is None:  # a run without a folder keeps no checkpoints
            return
        self.events.wait()  # no event write in flight: the run's file-system calls keep one order
        if self._timed(("engine", "checkpoint"), checkpoints.finalize):
            folder.mark_resumable()

    def _window_boundary(self, k: int, folder: RunFolder | None, records: list, fresh: bool) -> None:
        s = self.settings
        people = self.people
        if k > 0 and fresh:  # when resuming at k, that part was published before the checkpoint
            self._timed(("engine", "events"), self.events.close_window, k // s.checkpoint_every_steps - 1)
        if people.n and (people.n - people.n_alive()) > s.compact_dead_fraction * people.n:
            self._timed(("engine", "compact"), people.compact)
        # no checkpoint at step 0: events that setup logged (people in camps at the start, ...) are
        # in window 0's part, which a resume redoes without setup; a run stopped in its first window
        # starts afresh instead
        if folder is not None and self._checkpoints is not None and fresh and k > 0:
            meta = {
                "step": k,
                "next_id": people.next_id,
                "settings": s.fingerprint(),
                "snapshots": [(d, sd) for d, sd, _ in records],
                "event_counts": self.events.counts,
                "modules": {m.name: m.state_dict() for m in self.modules.values()},
            }
            arrays = {name: people[name] for name in people.columns}  # views: no copy of the people
            arrays["__snapshots"] = np.array([c for _, _, c in records], dtype=np.int64).reshape(-1, 2, 101)
            parts = [{"path": f"{PAYLOAD}/events/{name}", **e} for name, e in sorted(self.events.published.items())]
            half = k + max(1, s.checkpoint_every_steps // 2)  # hashed meanwhile on a second thread
            if self._timed(("engine", "checkpoint"), self._checkpoints.write, arrays, meta, parts, half):
                folder.mark_resumable()
        stop = min(k + s.checkpoint_every_steps, self.n_steps)
        for m in self.modules.values():
            self._timed((m.name, "begin_window"), m.begin_window, self, k, stop)

    def _snapshot(self, k: int, records: list) -> None:
        dates = self.snapshot_at.get(k)
        if not dates:
            return
        p = self.people
        counts = count_by_sex_age(p["alive"], p["sex"], p["birth_month"], self.month(k))
        for d in dates:
            records.append((d.isoformat(), self.date(k).isoformat(), counts))

    def manifest(self) -> dict[str, Any]:
        """Scenario, seed, scale, version, modules with their parameters, tables and assumptions, in
        the stored form of :mod:`purgetoll.stored` (kind ``sim.run``; the date and command of the run
        go to the volatile ``timings.json``, so that the same settings give the same bytes)."""
        s = self.settings
        mods = {m.name: m.describe() for m in self.modules.values()}
        tables: dict[str, str] = {}
        assumptions: dict[str, str] = {}
        for name, d in mods.items():
            tables.update(d.get("tables", {}))
            assumptions.update({f"{name}.{k}": v for k, v in d.get("assumptions", {}).items()})
        past = past_data_note(self)
        if past is not None:
            assumptions["past_data"] = past
        return {
            "format": FORMAT,
            "schema": SCHEMA,
            "kind": "sim.run",
            "scenario": s.scenario,
            "seed": s.seed,
            "seeds": s.seed,
            "scale": s.scale,
            "persons_per_agent": 1.0 / s.scale,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "n_steps": self.n_steps,
            "purgetoll_version": __version__,
            "plan": self.plan().to_dict(orient="records"),
            "modules": mods,
            "data_tables": tables,
            "assumptions": assumptions,
            "settings": s.fingerprint(),
            "inputs": bundled_inputs(),
            "versions": library_versions(),
            "attributes": {},
            "conventions": "monthly steps from the start date; snapshots at the nearest time point; ages "
            "in completed years (100 = 100+); counts = agents / scale are estimates when scale < 1",
        }

    def _finish(self, folder: RunFolder | None, records: list) -> SimResult:
        snaps = snapshot_frame(records, self.settings.scale)
        manifest = self.manifest()
        manifest["event_counts"] = dict(self.events.counts)
        manifest["people_alive_at_end"] = self.people.n_alive()
        manifest["people_ever"] = self.people.next_id
        manifest["tables"] = {"snapshots": {"file": "snapshots.parquet", "rows": len(snaps),
                                            "columns": [str(c) for c in snaps.columns], "attrs": jsonable(snaps.attrs)}}
        meanings = {k: v for m in self.modules.values() for k, v in m.event_meanings.items()}
        manifest["outputs"] = {
            "snapshots": "snapshots.parquet",
            # the log's schema: each column's type, meaning, unit and when it is null; a codes table per
            # labelled column (docs/EVENTS.md)
            "events": self.events.describe(meanings) if self.settings.write_events else None,
        }
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        out = None
        if folder is not None:
            work = folder.path
            table = pa.Table.from_pandas(snaps, preserve_index=False)
            with atomic_file(work / "snapshots.parquet", "wb") as fh:
                pq.write_table(table, fh, compression="zstd")
            with atomic_file(work / "timings.json") as fh:
                json.dump({"seconds": self.timings().to_dict(orient="records"), "peak_rss_bytes": peak,
                           "created": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                           "command": shlex.join(sys.argv)}, fh, indent=1)
            out = folder.commit(manifest)
            manifest = read_manifest(out) or manifest
        return SimResult(snaps, dict(self.events.counts), manifest, out, self.people.n_alive(), peak, self.timings(),
                         notes=list(folder.notes) if folder is not None else [])

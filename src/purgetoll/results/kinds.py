"""The kinds of stored result: for each, the Python type it loads into, how it is computed from its
settings, and how it goes to tables and back.

=============================  ==========================================  =============================
kind                           loads into                                  computed by
=============================  ==========================================  =============================
``demography.deficit``         DataFrame (``attrs``: assumptions, draws)   ``demography.deficit``
``demography.cohort_survival`` DataFrame                                   ``demography.cohort_survival``
``claims.checks``              :class:`purgetoll.claims.ClaimChecks`       ``claims.run_claim_checks``
``mse.comparison``             DataFrame, one row per method               ``mse.compare_methods``
``mse.estimate``               DataFrame: an estimator's summary rows      ``mse.summary_rows`` of a fit
``verdict``                    :class:`purgetoll.verdict.Verdict`          ``verdict.compare``
``sim.run``                    :class:`purgetoll.sim.SimResult`            ``purgetoll sim run --out``
``calibration``                :class:`purgetoll.calibrate.CalibrationResult`  ``purgetoll calibrate run``
=============================  ==========================================  =============================

A new kind is one entry in :data:`KINDS`: a DataFrame result with :func:`frame_kind`, a dataclass
of DataFrames and JSON-able fields with :func:`dataclass_kind` (each DataFrame field, or each
DataFrame of a dict field, becomes a table; every other field an attribute).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from purgetoll import calibrate, claims, demography, mse, sim, verdict
from purgetoll.errors import DataError
from purgetoll.stored import Stored

__all__ = ["Dump", "KINDS", "Kind", "dataclass_kind", "frame_kind", "kind_named", "kind_of"]


@dataclass(frozen=True)
class Dump:
    """A result taken apart for storing: its tables, its other fields (JSON) and what made it."""

    tables: dict[str, pd.DataFrame]
    attributes: dict[str, Any]
    settings: dict[str, Any]
    seeds: Any = None


@dataclass(frozen=True)
class Kind:
    """One kind of stored result (see the module docstring).

    ``type_name`` is the dotted name of the type it loads into (``pandas.DataFrame`` or a class of
    purgetoll), so that a result's kind is found without importing every engine; ``frame_table``
    the ``attrs["table"]`` by which a DataFrame result is recognised; ``input_files`` names the
    files its settings point to (their SHA-256 go in the manifest and the cache key).
    """

    name: str
    holds: str
    type_name: str
    dump: Callable[[Any], Dump]
    load: Callable[[Stored], Any]
    compute: Callable[..., Any] | None = None
    frame_table: str | None = None
    input_files: Callable[[Mapping[str, Any]], dict[str, str]] = lambda settings: {}


def _frame_settings(df: pd.DataFrame) -> dict[str, Any]:
    """A DataFrame result's settings as its ``attrs`` record them (all but the describing ones)."""
    return {k: v for k, v in df.attrs.items() if k not in ("table", "source", "unit", "title", "caveats",
                                                           "assumptions", "verdicts", "verdict_rules")}


def frame_kind(name: str, table: str, holds: str, compute: Callable[..., Any] | None = None, *,
               frame_table: str | None = None, **options: Any) -> Kind:
    """A kind whose result is one DataFrame (``attrs`` kept), stored as ``tables/<table>.parquet``,
    and recognised by its ``attrs["table"]`` (``frame_table``, default ``table``)."""

    def dump(df: pd.DataFrame) -> Dump:
        settings = _frame_settings(df)
        return Dump({table: df}, {}, settings, settings.get("seed"))

    def load(stored: Stored) -> pd.DataFrame:
        return stored.tables[table]

    return Kind(name, holds, "pandas.DataFrame", dump, load, compute, frame_table or table, **options)


def dataclass_kind(name: str, cls: Callable[[], type], type_name: str, holds: str,
                   compute: Callable[..., Any] | None = None, *, settings_field: str | None = None,
                   seeds: Callable[[Mapping[str, Any]], Any] = lambda settings: None) -> Kind:
    """A kind whose result is a dataclass: its DataFrame fields (and the DataFrames of its dict
    fields, by key) become tables, every other field a JSON attribute. ``cls`` gives the class when
    asked (loading the engine only then); ``settings_field`` names the field holding the settings."""

    def dump(result: Any) -> Dump:
        tables: dict[str, pd.DataFrame] = {}
        attributes: dict[str, Any] = {}
        table_fields: dict[str, list[str]] = {}
        for f in dataclasses.fields(result):
            value = getattr(result, f.name)
            if isinstance(value, pd.DataFrame):
                tables[f.name] = value
            elif isinstance(value, Mapping) and value and all(isinstance(v, pd.DataFrame) for v in value.values()):
                clash = sorted(set(value) & ({x.name for x in dataclasses.fields(result)} | set(tables)))
                if clash:
                    raise DataError(name, f"tables of field {f.name!r} clash with other tables: {clash}")
                tables.update(value)
                table_fields[f.name] = list(value)
            else:
                attributes[f.name] = value
        if table_fields:
            attributes["__table_fields__"] = table_fields
        settings = dict(attributes.get(settings_field) or {}) if settings_field else {}
        return Dump(tables, attributes, settings, seeds(settings))

    def load(stored: Stored) -> Any:
        attributes = stored.attributes
        grouped = attributes.pop("__table_fields__", {})
        values = dict(attributes)
        in_groups = {t for names in grouped.values() for t in names}
        for field_name, names in grouped.items():
            values[field_name] = {t: stored.tables[t] for t in names}
        values.update({t: df for t, df in stored.tables.items() if t not in in_groups})
        return cls()(**values)

    return Kind(name, holds, type_name, dump, load, compute)


# -- the kinds whose result needs more than the generic forms -----------------------------------------
def _verdict_seeds(settings: Mapping[str, Any]) -> list[int] | None:
    """The seeds of a verdict: listed in its settings, or ``seeds`` of them from ``first_seed``."""
    seeds = settings.get("seeds")
    if seeds is None or isinstance(seeds, list | tuple):
        return None if seeds is None else list(seeds)
    first = int(settings.get("first_seed", 1))
    return list(range(first, first + int(seeds)))


def _mse_comparison(file: str, specs: list[str] | None = None, *, seed: int = 0,
                    n_boot: int | None = None) -> pd.DataFrame:
    table = mse.read_capture_csv(file)
    if not isinstance(table, mse.CaptureTable):  # read without strata: one table
        raise TypeError(f"{file}: expected one capture table, got {type(table).__name__}")
    return mse.compare_methods(table, specs, seed=seed, n_boot=n_boot)


def _mse_estimate(file: str, method: str, *, seed: int = 0, n_boot: int | None = None,
                  strata: list[str] | None = None) -> pd.DataFrame:
    table = mse.read_capture_csv(file, strata=strata)
    est = mse.configured_estimator(method, seed, n_boot)
    if isinstance(table, mse.StratifiedTable):
        return mse.summary_rows(mse.Stratified(est, seed=seed).fit(table))
    return mse.summary_rows(est.fit(table))


def _dump_mse_estimate(result: Any) -> Dump:
    """An estimator is stored as its summary rows (:func:`purgetoll.mse.summary_rows`)."""
    df = result if isinstance(result, pd.DataFrame) else mse.summary_rows(result)
    settings = _frame_settings(df)
    return Dump({"summary": df}, {}, settings, settings.get("seed"))


def _load_sim_run(stored: Stored) -> Any:
    m = stored.manifest
    timings_path = stored.path / "timings.json"  # volatile: listed without a checksum
    timings: dict[str, Any] = {}
    if timings_path.is_file():
        timings = json.loads(timings_path.read_text(encoding="utf-8"))
    return sim.SimResult(
        snapshots=stored.tables["snapshots"], event_counts=dict(m.get("event_counts") or {}), manifest=m,
        out=stored.path, people_alive=int(m.get("people_alive_at_end", 0)),
        peak_rss_bytes=int(timings.get("peak_rss_bytes", 0)),
        timings=pd.DataFrame(timings.get("seconds", []), columns=["module", "method", "seconds"]))


def _dump_sim_run(result: Any) -> Dump:
    raise DataError("sim.run", "a simulation run is stored by running it with an output folder "
                    f"(Sim.run(out), `purgetoll sim run --out DIR`){'; this one is in ' + str(result.out) if result.out else ''}")


def _dump_calibration(result: Any) -> Dump:
    """A calibration's tables, and its other fields as attributes (as ``purgetoll.calibrate.save_calibration``)."""
    attributes = {"settings": result.settings, "simulator": result.simulator, "diagnostics": result.diagnostics,
                  "seconds": result.seconds, "made": result.made, "__table_fields__": {"tables": list(result.tables)}}
    return Dump(dict(result.tables), attributes, dict(result.settings), result.settings.get("seed"))


def _file(label: str, key: str) -> Callable[[Mapping[str, Any]], dict[str, str]]:
    return lambda settings: {label: str(Path(settings[key]))} if settings.get(key) is not None else {}


# The engines are called through their lazily loaded packages, so that loading this registry loads
# none of them: a kind's engine is imported when a result of that kind is computed or loaded.
#: Every kind, by name.
KINDS: dict[str, Kind] = {k.name: k for k in (
    frame_kind("demography.deficit", "deficit", "expected, observed and missing persons by sex and birth "
               "cohort, with Monte Carlo intervals (purgetoll.demography.deficit)",
               lambda **s: demography.deficit(**s)),
    frame_kind("demography.cohort_survival", "cohort_survival", "the share of the cohorts counted at the start "
               "counted again at the end, by sex (purgetoll.demography.cohort_survival)",
               lambda **s: demography.cohort_survival(**s), frame_table="cohort survival"),
    dataclass_kind("claims.checks", lambda: claims.ClaimChecks, "purgetoll.claims._table.ClaimChecks",
                   "every claim of the case study with its verdict against the data, and the census splits "
                   "(purgetoll.claims.run_claim_checks)", lambda **s: claims.run_claim_checks(**s)),
    frame_kind("mse.comparison", "comparison", "every MSE method on one capture table: estimate, se, 95% "
               "interval, status (purgetoll.mse.compare_methods)", _mse_comparison,
               frame_table="mse comparison", input_files=_file("capture file", "file")),
    Kind("mse.estimate", "one MSE estimator's summary: estimate, se, 95% interval (and per stratum)",
         "pandas.DataFrame", _dump_mse_estimate, lambda stored: stored.tables["summary"], _mse_estimate,
         "mse estimate", _file("capture file", "file")),
    dataclass_kind("verdict", lambda: verdict.Verdict, "purgetoll.verdict.compare.Verdict",
                   "the censuses' verdict on the scenarios (purgetoll.verdict.compare)",
                   lambda **s: verdict.compare(**s), settings_field="settings", seeds=_verdict_seeds),
    Kind("sim.run", "a run of the agent simulation: snapshots by sex and age, event counts, the event log "
         "(events/)", "purgetoll.sim.loop.SimResult", _dump_sim_run, _load_sim_run),
    Kind("calibration", "the mechanism calibrated to the archive: posterior, diagnostics, predictive checks, the "
         "toll (purgetoll calibrate run; never computed by the cache: a calibration takes tens of minutes)",
         "purgetoll.calibrate.result.CalibrationResult", _dump_calibration,
         lambda stored: calibrate.result_from_stored(stored)),
)}


def kind_named(name: str) -> Kind:
    """The kind ``name``; a :class:`DataError` listing the kinds if there is none."""
    try:
        return KINDS[name]
    except KeyError:
        raise DataError("stored result", f"unknown kind {name!r} (kinds: {', '.join(KINDS)})") from None


def _type_name(obj: Any) -> str:
    t = type(obj)
    return "pandas.DataFrame" if isinstance(obj, pd.DataFrame) else f"{t.__module__}.{t.__qualname__}"


def kind_of(result: Any) -> Kind:
    """The kind of ``result``: by its type, and a DataFrame by its ``attrs["table"]``; a
    :class:`DataError` saying what is stored when none fits (pass ``kind=`` then)."""
    name = _type_name(result)
    if name == "pandas.DataFrame":
        table = result.attrs.get("table")
        found = [k for k in KINDS.values() if k.frame_table is not None and k.frame_table == table]
    else:
        found = [k for k in KINDS.values() if k.type_name == name]
    if len(found) == 1:
        return found[0]
    what = f"a DataFrame with attrs['table'] = {result.attrs.get('table')!r}" if name == "pandas.DataFrame" else name
    raise DataError("stored result", f"which kind is {what}? say kind= (kinds: {', '.join(KINDS)})")

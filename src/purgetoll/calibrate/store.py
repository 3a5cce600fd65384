"""A calibration stored as a folder: Parquet tables and a JSON manifest, readable without purgetoll.

The folder is a stored result of kind ``calibration`` in the project's one stored form
(:mod:`purgetoll.stored`)::

    DIR/manifest.json              kind "calibration", purgetoll's version, date and command,
                                   settings and seed, the SHA-256 of every bundled input (and of a
                                   scenario file given by path), library versions (pyabc and Dask
                                   among them), the attributes (the simulator and its scenario,
                                   the diagnostics, how it was made), every table (file, rows, what
                                   it holds) and every file's SHA-256, sealed
    DIR/tables/<name>.parquet      one tidy table each (:data:`TABLES`)

It is written through :class:`purgetoll.folders.RunFolder` (built beside the target under its lock,
swapped in whole when complete, never over files no run wrote), so an interrupted calibration
leaves nothing and an earlier one as it was; :func:`load_calibration` checks the seal and every
file's SHA-256 and names a damaged one. The tables are identical, bit for bit, for the same
settings whatever the number of workers (the manifest's date, command and timings are not).
The attributes follow the results layer's form of a dataclass (``purgetoll.results``: kind
``calibration`` loads into :class:`~purgetoll.calibrate.result.CalibrationResult`), so ``purgetoll
run`` copies a calibration into its run and renders it from there.
"""

from __future__ import annotations

import importlib.metadata
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from purgetoll.calibrate.result import CalibrationResult
from purgetoll.errors import DataError
from purgetoll.folders import RunFolder
from purgetoll.stored import bundled_inputs, file_inputs, load_stored, save_stored, stored_kind

__all__ = ["save_calibration", "load_calibration", "open_folder", "TABLES", "KIND", "is_calibration",
           "result_from_stored"]

KIND = "calibration"
#: The tables of a calibration folder and what each holds.
TABLES: dict[str, str] = {
    "priors": "one row per calibrated parameter: prior range, scale, unit, source or assumption",
    "statistics": "the archival summary statistics: value, archival sd, Monte Carlo sd at the scale, combined sd, "
                  "role (fit or held out), citation",
    "posterior": "the final generation's particles: parameter values, normalised weight, distance",
    "parameters": "posterior summary per parameter: weighted median, 95% interval, sd, ESS, prior",
    "generations": "per generation: particles asked for and run, simulations, status (full, shrunk, skipped or "
                   "discarded for the budget, abandoned), tolerance (epsilon), acceptance rate, ESS",
    "predictive_draws": "posterior predictive runs at the calibration's scale: one row per draw with its particle, "
                        "seed, parameters and every summary",
    "predictive_check": "each statistic against its posterior predictive: 95% interval of the simulation and of "
                        "the archival figure, inside or not, standardised residual",
    "toll": "the toll of 1937-38 (executed; died in prisons and transit; died in camps) by sex and age group: "
            "posterior predictive median and 95% interval",
    "mechanism_claims": "the mechanism's answers to the seed's claims: posterior predictive median and 95% interval",
    "scale_draws": "the first draws run again at the higher scale (same particles and seeds)",
    "scale_agreement": "per quantity: the paired difference between the scales, its Monte Carlo se, agree or not",
}
#: Versions recorded besides the stored form's own (the calibration's libraries).
_LIBRARIES = ("pyabc", "dask", "distributed", "numba")


def open_folder(out: str | os.PathLike[str], *, force: bool = False) -> RunFolder:
    """Claim the output folder before a long calibration: its lock, and a clear error now (not after
    the work) if it holds a finished result and ``force`` is not given, or files no run wrote."""
    return RunFolder(out, kind=KIND, force=force).open()


def _versions() -> dict[str, str]:
    out = {}
    for lib in _LIBRARIES:
        try:
            out[lib] = importlib.metadata.version(lib)
        except importlib.metadata.PackageNotFoundError:
            out[lib] = "not installed"
    return out


def save_calibration(result: CalibrationResult, out: str | os.PathLike[str] | RunFolder, *,
                     force: bool = False, command: Sequence[str] | str | None = None,
                     workers: str | None = None) -> Path:
    """Write ``result`` as a calibration folder (module docstring); returns the folder.

    ``out`` is a path or a :class:`~purgetoll.folders.RunFolder` opened with :func:`open_folder`
    (it is committed and closed). ``command`` (default ``sys.argv``) and ``workers`` are recorded.
    """
    unknown = sorted(set(result.tables) - set(TABLES))
    if unknown:
        raise DataError("calibration", f"unknown tables {unknown}; tables are {sorted(TABLES)}")
    tables = {}
    for name, df in result.tables.items():
        frame = df.copy()
        frame.attrs = {}
        for col in frame.columns:  # object columns mixing bools and None: Parquet booleans with nulls
            if frame[col].dtype == object:
                frame[col] = frame[col].map(lambda v: None if v is None or v != v else v)
        tables[name] = frame
    inputs = bundled_inputs()
    scenario_file = result.simulator.get("scenario_file")
    if scenario_file and Path(scenario_file).is_file() and "purgetoll/scenarios/" not in Path(scenario_file).as_posix():
        inputs.update(file_inputs({"scenario file": scenario_file}))
    made = {**result.made, "workers": workers, "libraries": _versions()}
    attributes = {"settings": result.settings, "simulator": result.simulator, "diagnostics": result.diagnostics,
                  "seconds": result.seconds, "made": made, "__table_fields__": {"tables": list(tables)}}
    return save_stored(out, KIND, tables, force=force, settings=result.settings, seeds=result.settings.get("seed"),
                       inputs=inputs, attributes=attributes, holds=TABLES, command=command)


def is_calibration(path: str | os.PathLike[str]) -> bool:
    """True when ``path`` holds a stored calibration (its manifest says so; not yet checked)."""
    return stored_kind(path) == KIND


def result_from_stored(stored: Any) -> CalibrationResult:
    """The :class:`CalibrationResult` of a stored calibration (:func:`purgetoll.stored.load_stored`),
    with how it was made (command, date, versions) in ``made``."""
    a = stored.attributes
    made = {**(a.get("made") or {}), "command": stored.manifest.get("command"),
            "created": stored.manifest.get("created"), "purgetoll_version": stored.manifest.get("purgetoll_version"),
            "path": str(stored.path)}
    return CalibrationResult(settings=dict(a.get("settings") or {}), simulator=dict(a.get("simulator") or {}),
                             tables=dict(stored.tables), diagnostics=dict(a.get("diagnostics") or {}),
                             seconds=dict(a.get("seconds") or {}), made=made)


def load_calibration(path: str | os.PathLike[str]) -> CalibrationResult:
    """The calibration stored in ``path``, every file checked against its SHA-256 first.

    A missing folder, a folder that is not a stored calibration, a damaged manifest or table: a
    :class:`~purgetoll.errors.DataError` (or ``DamagedError``) naming the file.
    """
    folder = Path(path)
    if not folder.is_dir():
        raise DataError(str(folder), "no such folder (a calibration folder written by `purgetoll calibrate run`)")
    if not (folder / "manifest.json").is_file():
        raise DataError(str(folder), "not a calibration folder: no manifest.json")
    return result_from_stored(load_stored(folder, KIND))


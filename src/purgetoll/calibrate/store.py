"""A calibration stored as a folder: Parquet tables and a JSON manifest, readable without purgetoll.

Layout of a calibration folder (``purgetoll calibrate run --out DIR``)::

    DIR/manifest.json              kind "calibration", schema, purgetoll version, date and command,
                                   settings and seeds, the simulator and its scenario, priors,
                                   inputs with their SHA-256, library versions, diagnostics,
                                   the tables (file, rows, what each holds), every file's SHA-256
    DIR/tables/<name>.parquet      one tidy table each (:data:`TABLES`)
    DIR/timings.json               seconds by stage and the workers used (volatile: differs from
                                   run to run; listed in the manifest without a checksum)

The folder is written through :class:`purgetoll.folders.RunFolder` (built beside the target under
its lock, swapped in whole when complete, never removing a file no run wrote), so an interrupted
calibration leaves nothing and an earlier one as it was. :func:`load_calibration` checks the
manifest's seal and every table's SHA-256 before reading, and names a damaged file. The tables are
identical, bit for bit, for the same settings whatever the number of workers (the manifest's date,
command and the timings are not).

The form is that of the stored results issue 11 asks for (a folder of Parquet tables plus a JSON
manifest with settings, versions, seeds and the inputs' SHA-256); the later results layer can adopt
it as it is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import importlib.resources
import json
import os
import platform
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from purgetoll.calibrate.result import CalibrationResult
from purgetoll.errors import DataError
from purgetoll.folders import MANIFEST, RunFolder, read_sealed, verify_entries

__all__ = ["save_calibration", "load_calibration", "open_folder", "TABLES", "KIND", "SCHEMA", "input_hashes",
           "is_calibration"]

KIND = "calibration"
SCHEMA = 1
#: The tables of a calibration folder and what each holds.
TABLES: dict[str, str] = {
    "priors": "one row per calibrated parameter: prior range, scale, unit, source or assumption",
    "statistics": "the archival summary statistics: value, archival sd, Monte Carlo sd at the scale, combined sd, "
                  "role (fit or held out), citation",
    "posterior": "the final generation's particles: parameter values, normalised weight, distance",
    "parameters": "posterior summary per parameter: weighted median, 95% interval, sd, ESS, prior",
    "generations": "per generation: particles, simulations, tolerance (epsilon), acceptance rate, ESS, seconds",
    "predictive_draws": "posterior predictive runs at the calibration's scale: one row per draw with its particle, "
                        "seed, parameters and every summary",
    "predictive_check": "each statistic against its posterior predictive: 95% interval of the simulation and of "
                        "the archival figure, inside or not, standardised residual",
    "toll": "the toll of 1937-38 (executed; died in prisons and transit; died in camps) by sex and age group: "
            "posterior predictive median and 95% interval",
    "mechanism_claims": "the mechanism's answers to the seed's claims: posterior predictive median and 95% interval",
    "scale_draws": "the first draws run again at the higher scale (same particles and seeds)",
    "scale_agreement": "per statistic: the paired difference between the scales, its Monte Carlo se, agree or not",
}
VOLATILE = ("timings.json",)
#: Bundled tables the archival statistics are read from (their SHA-256 go in the manifest).
INPUT_TABLES = ("repression_key_totals", "repression_convicted_by_year_1921_1953", "mass_and_national_operations_1937_1938",
                "gulag_deaths_1930_1956", "prisons_population_quarterly_1939_1960", "gulag_population_supplement",
                "stalin_lists_and_military_collegium_1937_1940", "operation_timing_and_throughput",
                "victim_composition_regional_samples", "arrests_by_nationality_1936_1938")
_LIBRARIES = ("numpy", "pandas", "pyarrow", "scipy", "numba", "pyabc", "dask", "distributed")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def input_hashes(scenario_file: str | None = None) -> dict[str, str]:
    """SHA-256 of the bundled tables the statistics come from (and of the scenario file, if given)."""
    root = importlib.resources.files("purgetoll.data") / "tables"
    out = {}
    for name in INPUT_TABLES:
        path = Path(str(root / f"{name}.csv"))
        out[f"data/tables/{name}.csv"] = _sha256(path) if path.is_file() else "missing"
    if scenario_file and Path(scenario_file).is_file():
        out[f"scenario:{scenario_file}"] = _sha256(Path(scenario_file))
    return out


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for lib in ("purgetoll", *_LIBRARIES):
        try:
            out[lib] = importlib.metadata.version(lib)
        except importlib.metadata.PackageNotFoundError:
            out[lib] = "not installed"
    return out


def _jsonable(x: Any) -> Any:
    return json.loads(json.dumps(x, default=lambda o: o.item() if hasattr(o, "item") else str(o)))


def open_folder(out: str | os.PathLike[str], *, force: bool = False) -> RunFolder:
    """Claim the output folder before a long calibration: its lock, and a clear error now (not after
    the work) if it holds a finished calibration and ``force`` is not given, or files no run wrote."""
    return RunFolder(out, kind=KIND, force=force, volatile=VOLATILE).open()


def save_calibration(result: CalibrationResult, out: str | os.PathLike[str] | RunFolder, *,
                     force: bool = False, command: Sequence[str] | None = None,
                     workers: str | None = None) -> Path:
    """Write ``result`` as a calibration folder (module docstring); returns the folder.

    ``out`` is a path or a :class:`~purgetoll.folders.RunFolder` opened with :func:`open_folder`.
    ``command`` (default ``sys.argv``) and ``workers`` are recorded.
    """
    folder = out if isinstance(out, RunFolder) else open_folder(out, force=force)
    failed = True
    try:
        tables_dir = folder.path / "tables"
        tables_dir.mkdir(parents=True, exist_ok=True)
        listing = {}
        for name, df in result.tables.items():
            if name not in TABLES:
                raise DataError("calibration", f"unknown table {name!r}; tables are {sorted(TABLES)}")
            frame = df.copy()
            frame.attrs = {}
            for col in frame.columns:  # object columns of mixed types (None/bool) as strings Parquet can hold
                if frame[col].dtype == object:
                    frame[col] = frame[col].map(lambda v: None if v is None or v != v else v)
            path = tables_dir / f"{name}.parquet"
            frame.to_parquet(path, index=False)
            listing[name] = {"file": f"tables/{name}.parquet", "rows": int(len(frame)), "holds": TABLES[name]}
        with open(folder.path / "timings.json", "w", encoding="utf-8") as fh:
            json.dump({"seconds": result.seconds, "workers": workers}, fh, indent=1, default=str)
        sim = result.simulator
        manifest = {
            "kind": KIND,
            "schema": SCHEMA,
            "purgetoll_version": _versions()["purgetoll"],
            "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
            "command": list(command) if command is not None else list(sys.argv),
            "settings": result.settings,
            "seed": result.settings.get("seed"),
            "scale": result.settings.get("scale"),
            "simulator": sim,
            "inputs": input_hashes(sim.get("scenario_file")),
            "versions": _versions(),
            "diagnostics": result.diagnostics,
            "tables": listing,
            "conventions": "persons for the whole population (agents / scale); intervals are equal-tailed 95% "
                           "quantiles from at least 200 effective draws, otherwise none (purgetoll.intervals); "
                           "archival uncertainties as stated in the statistics table (sd_rule)",
        }
        target = folder.commit(_jsonable(manifest))
        failed = False
        return target
    finally:
        if not isinstance(out, RunFolder) or failed:
            folder.close(failed=failed)


def is_calibration(path: str | os.PathLike[str]) -> bool:
    """True when ``path`` holds a calibration folder (a manifest of kind ``calibration``)."""
    try:
        data = json.loads((Path(path) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("kind") == KIND


def load_calibration(path: str | os.PathLike[str]) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    """``(manifest, tables)`` of a calibration folder, every file checked against its SHA-256.

    A missing folder, a folder that is not a calibration, a damaged manifest or table: a
    :class:`~purgetoll.errors.DataError` (or ``DamagedError``) naming the file.
    """
    folder = Path(path)
    if not folder.is_dir():
        raise DataError(str(folder), "no such folder (a calibration folder written by `purgetoll calibrate run`)")
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        raise DataError(str(folder), "not a calibration folder: no manifest.json")
    manifest = read_sealed(manifest_path, "calibration manifest")
    if manifest.get("kind") != KIND:
        raise DataError(str(manifest_path), f"not a calibration (kind {manifest.get('kind')!r}, expected {KIND!r})")
    if manifest.get("schema") != SCHEMA:
        raise DataError(str(manifest_path), f"calibration schema {manifest.get('schema')!r}; this purgetoll reads "
                                            f"schema {SCHEMA}")
    verify_entries(folder, manifest.get("files", []))  # DamagedError naming the first damaged file
    tables = {}
    for name, entry in manifest.get("tables", {}).items():
        tables[name] = pd.read_parquet(folder / entry["file"])
    return manifest, tables

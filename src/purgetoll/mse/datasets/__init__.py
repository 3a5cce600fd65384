"""Bundled MSE tables with their citations (``catalog.toml`` beside this file).

``names()`` lists them; ``load(name)`` returns the CSV as a DataFrame with ``attrs["table"]``,
``attrs["source"]`` (the citation) and ``attrs["unit"]``; ``load_table(name)`` returns a
validated :class:`~purgetoll.mse.CaptureTable` (or :class:`~purgetoll.mse.StratifiedTable` for
a stratified dataset); ``reference_outputs()`` is the table of outputs of the R packages that
the tests compare against.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

import pandas as pd

from purgetoll.errors import DataError
from purgetoll.mse._table import CaptureTable, StratifiedTable

__all__ = ["catalog", "load", "load_table", "names", "reference_outputs"]


@cache
def _catalog_entries() -> tuple[dict, ...]:
    text = resources.files(__name__).joinpath("catalog.toml").read_text(encoding="utf-8")
    return tuple(tomllib.loads(text)["dataset"])


def catalog() -> pd.DataFrame:
    """One row per bundled dataset: name, file, kind, title, source, published."""
    df = pd.DataFrame(list(_catalog_entries()))
    return df.drop(columns=["strata"], errors="ignore")


def names(kind: str | None = "capture") -> list[str]:
    """Names of the bundled datasets of one ``kind`` (``capture``, ``design``, ``reference``)."""
    return [e["name"] for e in _catalog_entries() if kind is None or e["kind"] == kind]


def _entry(name: str) -> dict:
    for e in _catalog_entries():
        if e["name"] == name:
            return e
    valid = ", ".join(e["name"] for e in _catalog_entries())
    raise DataError("purgetoll.mse.datasets", f"unknown dataset '{name}'; valid: {valid}")


def load(name: str) -> pd.DataFrame:
    """The dataset's CSV as a DataFrame carrying its citation in ``attrs``."""
    entry = _entry(name)
    with resources.files(__name__).joinpath(entry["file"]).open("r", encoding="utf-8") as fh:
        df = pd.read_csv(fh)
    df.attrs["table"] = name
    df.attrs["source"] = entry["source"]
    df.attrs["unit"] = "persons" if entry["kind"] == "capture" else ""
    df.attrs["title"] = entry["title"]
    return df


def load_table(name: str) -> CaptureTable | StratifiedTable:
    """The dataset as a validated capture table (stratified where the dataset has strata)."""
    entry = _entry(name)
    if entry["kind"] != "capture":
        raise DataError(name, f"is a {entry['kind']} table, not a capture table")
    df = load(name)
    strata = entry.get("strata")
    if strata:
        return StratifiedTable.from_frame(df, strata, source=name)
    table = CaptureTable.from_frame(df, source=name)
    return CaptureTable(table.lists, table.counts, source=name, attrs={"citation": entry["source"]})


def reference_outputs() -> pd.DataFrame:
    """Outputs of Rcapture 1.4-4, SparseMSE 2.0.1, dga 2.0.2 and LCMCR 0.4.14 (R 4.2.2)."""
    return load("reference_outputs_computed")

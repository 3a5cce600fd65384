"""The maintainer tool that made the demographic tables, and the script that runs every tool."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import purgetoll.data
from purgetoll.data import catalog
from retab import REPO, TABLES, census
from tests.shared_folder import shared_path


def test_retabulation_reproduces_the_bundled_tables_byte_for_byte():
    """The bundled demographic tables are exactly what the maintainer tool makes of the reference
    files (so no number was edited by hand)."""
    tables = census.build_tables(shared_path("data"))
    cat = catalog()
    assert set(tables) == set(cat.loc[cat["group"] == "demographic", "name"])
    for name, df in tables.items():
        bundled = (TABLES / f"{name}.csv").read_text(encoding="utf-8")
        assert census.to_csv_text(df) == bundled, name


def test_the_tools_write_where_the_package_reads():
    assert Path(purgetoll.data.__file__).resolve().parent / "tables" == TABLES


def test_the_script_refuses_a_missing_folder_before_writing(tmp_path):
    out = subprocess.run([sys.executable, str(REPO / "tools" / "retabulate.py"), str(tmp_path / "nope")],
                         capture_output=True, text=True)
    assert out.returncode == 2
    assert f"reference folder {tmp_path / 'nope'} not found" in out.stderr

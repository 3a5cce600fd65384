"""Every archival number has one home, its row in a bundled table: none is typed anywhere else in src/.

Code and scenario files name a figure by table and key (``purgetoll.data.figure("TABLE:KEY")``,
``{ ref = "TABLE:KEY" }``) and docstrings cite the key, not the value. This test reads every number of
four or more significant digits in the bundled tables, then every number written in ``src/purgetoll``
outside the tables and their catalog (Python and TOML, code, comments and docstrings alike, written
``1548366``, ``1,548,366`` or ``1_548_366``), and fails on each one that is also a figure of the tables,
naming file, line and table. Tests may quote figures (they check them).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import purgetoll

PACKAGE = Path(purgetoll.__file__).parent
TABLES = PACKAGE / "data" / "tables"
#: Where numbers are data, not code: the bundled tables and catalog, and the MSE reference data sets.
EXEMPT_DIRS = (PACKAGE / "data" / "tables", PACKAGE / "data" / "catalog", PACKAGE / "mse" / "datasets")

#: Numbers that are not archival figures even where a table happens to hold the same digits.
#: Whole numbers 1800-2100 are calendar years and epochs (the engine's month 0 is 1850-01 or 1900-01;
#: a year is a date, not a figure); the rest, one line each, say why.
ALLOWED: dict[float, str] = {
    100.0: "a percentage's whole, and the open age group 100+",
    1939.0: "a census year written as a float (time points)",
    1959.0: "a census year written as a float (time points)",
    1927.0: "a year written as a float (time points)",
    1937.0: "a year written as a float (time points)",
    1938.0: "a year written as a float (time points)",
    1941.0: "a year written as a float (time points)",
    1947.0: "a year written as a float (time points)",
    1953.0: "a year written as a float (time points)",
    1972.0: "a year written as a float (time points)",
}
#: Numbers of one file that match a table's digits by chance (file relative to the package -> numbers).
ALLOWED_IN: dict[str, dict[float, str]] = {
    "mse/_bma.py": {2806.0: "an MSE estimate on the UK five-list data (dga), not an archival figure"},
    "mse/_bma_math.py": {2806.0: "an MSE estimate and its interval (dga)", 2746.0: "the same interval"},
    "mse/_gibbs_kernel.py": {1246.0: "a page number (Biometrics 72:1246-1254)"},
}

_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:[,_]\d{3})+|\d+)(\.\d+)?(?![\w])")


def significant_digits(text: str) -> int:
    whole, _, frac = text.replace(",", "").replace("_", "").partition(".")
    digits = (whole.lstrip("0") + frac) if whole.lstrip("0") else frac.lstrip("0")
    return len(digits if frac else digits.rstrip("0"))


def table_figures() -> dict[float, str]:
    """Every number of 4+ significant digits in a bundled table's cells -> the first table holding it."""
    out: dict[float, str] = {}
    for path in sorted(TABLES.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.reader(f):
                for cell in row:
                    for m in re.finditer(r"\d+(?:\.\d+)?", cell):
                        if significant_digits(m.group()) >= 4:
                            out.setdefault(float(m.group()), path.stem)
    return out


def typed_figures() -> list[str]:
    figures = table_figures()
    found = []
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix not in (".py", ".toml") or any(path.is_relative_to(d) for d in EXEMPT_DIRS):
            continue
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for m in _NUMBER.finditer(line):
                text = m.group(1).replace(",", "").replace("_", "") + (m.group(2) or "")
                if significant_digits(text) < 4:
                    continue
                x = float(text)
                if (x in ALLOWED or x in ALLOWED_IN.get(str(path.relative_to(PACKAGE)), {})
                        or (x.is_integer() and 1800 <= x <= 2100 and not m.group(2))):
                    continue
                if x in figures:
                    found.append(f"{path.relative_to(PACKAGE)}:{i}: {m.group(0)} (a figure of {figures[x]})")
    return found


def test_no_archival_figure_is_typed_in_src():
    found = typed_figures()
    assert not found, ("archival figures typed outside the bundled tables (name them by table and key: "
                       "purgetoll.data.figure('TABLE:KEY'), { ref = 'TABLE:KEY' }, or cite the key):\n"
                       + "\n".join(found))


def test_the_scan_catches_a_typed_figure(tmp_path, monkeypatch):
    """The check bites: a module quoting Pospelov's count in any of its spellings is caught."""
    pospelov = next(v for v in table_figures() if v == 1548366)
    assert significant_digits("1548366") == 7 and significant_digits("1,548,366") == 7
    assert significant_digits("177723.2") == 7 and significant_digits("2000") == 1
    fake = tmp_path / "purgetoll"
    (fake / "data").mkdir(parents=True)
    (fake / "data" / "tables").symlink_to(TABLES)
    (fake / "module.py").write_text('"""Pospelov: 1,548,366."""\nX = 1_548_366\nY = 1848\n', encoding="utf-8")
    monkeypatch.setattr(__import__(__name__, fromlist=["PACKAGE"]), "PACKAGE", fake)
    monkeypatch.setattr(__import__(__name__, fromlist=["TABLES"]), "TABLES", TABLES)
    assert pospelov == 1548366
    assert typed_figures() == ["module.py:1: 1,548,366 (a figure of repression_key_totals)",
                               "module.py:2: 1_548_366 (a figure of repression_key_totals)"]

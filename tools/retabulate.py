"""Rebuild the bundled tables of ``src/purgetoll/data/tables/`` from the reference folder.

For maintainers only (the package never runs it)::

    python tools/retabulate.py [SHARED_DATA]

``SHARED_DATA`` is the reference folder (default: ``../shared/data`` beside the repository). Every
table of the ``demographic``, ``archive``, ``machinery`` and ``evidence`` catalogs is written, one line printed
per table. The tools only move numbers (each decision is recorded in the tables or the catalogs),
so a re-run on the same inputs gives byte-identical files: ``tests/tools/`` checks it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from retab import SHARED_DATA, TABLES, archive, census, evidence


def main(argv: list[str]) -> int:
    if len(argv) > 1 or (argv and argv[0].startswith("-")):
        print("usage: python tools/retabulate.py [SHARED_DATA]", file=sys.stderr)
        return 2
    shared = Path(argv[0]) if argv else SHARED_DATA
    if not shared.is_dir():
        print(f"retabulate: reference folder {shared} not found (give its path)", file=sys.stderr)
        return 2
    census.write_tables(shared, TABLES)
    archive.write_tables(shared, TABLES)
    evidence.write_tables(shared, TABLES)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

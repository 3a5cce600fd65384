"""Maintainer tools that rebuild the package's bundled tables from the reference folder.

The reference files live in ``../shared/data`` beside the repository; the package never reads
them (it reads only ``src/purgetoll/data/tables/``) and never imports these modules. Run them
with ``python tools/retabulate.py`` (see that script). One module per group of tables:

- :mod:`retab.census`: the ``demographic`` catalog (censuses, yearbook sex ratios, ADH, life
  tables, national census totals);
- :mod:`retab.archive`: the ``archive`` and ``machinery`` catalogs, with the facts tables in
  :mod:`retab.archive_facts` and :mod:`retab.machinery`, and the parsing of printed cells
  (ranges, "172000+", thousands and millions, vague periods) in :mod:`retab.cells`;
- :mod:`retab.evidence`: the ``evidence`` catalog (the census errors and the terror's demography,
  and ADH's RSFSR death rates 1936-1939).
"""

from __future__ import annotations

from pathlib import Path

#: The repository (``tools/`` is at its top).
REPO = Path(__file__).resolve().parents[2]
#: Where the package's bundled tables live in the repository: what the tools write.
TABLES = REPO / "src" / "purgetoll" / "data" / "tables"
#: The reference folder as the repository sees it (``<repo>/../shared/data``).
SHARED_DATA = REPO.parent / "shared" / "data"

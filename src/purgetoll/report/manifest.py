"""The run's ``manifest.json``: what made the report and what it contains, so it can be redone.

It records the purgetoll version and the versions of Python and the numerical libraries, the
command line, the sections in order with their figures and tables, every source used (with the
bundled table's catalog name where there is one); ``purgetoll.folders.RunFolder.commit`` adds the
size and SHA-256 of every file written beside it (``files``) and seals it.
"""

from __future__ import annotations

import platform
from collections.abc import Sequence
from typing import Any

from purgetoll.report.html import collect_sources
from purgetoll.report.model import RunContext, Section
from purgetoll.stored import library_versions

__all__ = ["MANIFEST_NAME", "build_manifest", "library_versions"]

MANIFEST_NAME = "manifest.json"

def build_manifest(ctx: RunContext, sections: Sequence[tuple[str, Section]]) -> dict[str, Any]:
    """The manifest of a run (its ``files`` are added when the run folder is committed)."""
    sources = collect_sources(sections)
    return {
        "purgetoll_version": ctx.version,
        "run": ctx.name,
        "created_utc": ctx.created_utc,
        "command": ctx.command,
        "versions": library_versions(),
        "platform": f"{platform.system()} {platform.machine()}",
        "sections": [
            {
                "module": name,
                "title": sec.title,
                "figures": [
                    {"name": f.name, "title": f.title, "csv": f"{f.name}.csv", "estimate": f.estimate}
                    for f in sec.figures
                ],
                "tables": [
                    {"name": t.name, "caption": t.caption, "csv": f"{t.name}.csv", "estimate": t.estimate}
                    for t in sec.tables
                ],
            }
            for name, sec in sections
        ],
        "data_tables": [
            {"table": s.table, "citation": s.citation} for s in sources if s.table is not None
        ],
        "other_sources": [{"citation": s.citation} for s in sources if s.table is None],
    }

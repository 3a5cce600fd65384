"""Section 1: provenance of the run and how to make it again."""

from __future__ import annotations

from purgetoll.report import RunContext
from purgetoll.report.sections import about

CTX = RunContext(
    "20261128T120000Z",
    "purgetoll run --out runs",
    "2026-11-28T12:00:00Z",
    "9.9.9",
    ("about", "pyramids"),
)


def test_about_names_version_command_sections_and_how_to_reproduce():
    section = about.build(CTX)
    assert section.title == "What this report is"
    assert (
        "made by purgetoll 9.9.9 on 2026-11-28T12:00:00Z with:\n\n    purgetoll run --out runs"
        in section.intro
    )
    assert "the sections (about, pyramids)" in section.intro
    assert "    purgetoll run --name 20261128T120000Z-again" in section.intro
    assert "manifest.json" in section.intro and "SHA-256" in section.intro
    assert section.figures == () and section.tables == ()

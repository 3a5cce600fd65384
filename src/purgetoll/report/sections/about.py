"""Section 1: what this report is, where its numbers come from and how to make it again."""

from __future__ import annotations

from purgetoll.report.model import RunContext, Section

TITLE = "What this report is"


def build(ctx: RunContext) -> Section:
    """Provenance of the run: version, command, files, and how to reproduce it."""
    listed = ", ".join(ctx.sections)
    intro = f"""
This report sets the evidence of the Soviet censuses beside the claims of a case study of the
Great Purge (1936-38): the population by age and sex counted by the 1939 and 1959 censuses, the
number of men per 1000 women by age, and each quantitative claim of the case study with its verdict
against the bundled data, with the further sections listed in the contents above. Every
figure and table names its source. Published counts are shown as published; anything computed
from them under assumptions is marked "Estimate", states its assumptions and carries an interval.

It was made by purgetoll {ctx.version} on {ctx.created_utc} with:

    {ctx.command}

Beside this page, in the same folder, each figure's and table's numbers are written as a CSV file
named after it (linked under each one), and manifest.json records the purgetoll, Python, numpy and
pandas versions, the command line, the sections ({listed}), every source with the bundled table it
came from, and the SHA-256 of every file.

To make the report again, install the same purgetoll version and run the same command with a new
name; the CSV files come out byte for byte the same (compare them with the SHA-256 sums in
manifest.json). The figures are drawn from those CSV files alone, under fixed plotting settings.

    purgetoll run --name {ctx.name}-again

The bundled tables can be browsed and exported with their citations: "purgetoll data list" lists
them and "purgetoll data show NAME" prints one.
"""
    return Section(title=TITLE, intro=intro)

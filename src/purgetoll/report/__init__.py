"""The report written by ``purgetoll run``: sections of figures and tables, each with its source.

Public surface (stable; other parts add sections with it):

- :class:`Section`, :class:`Figure`, :class:`Table`, :class:`Source`, :class:`RunContext`: what a
  section module's ``build(ctx)`` returns and receives (see ``purgetoll.report.model``);
- :func:`write_run`: build every section listed in ``purgetoll.report.sections.SECTIONS`` and write
  ``<out>/<name>/report.html``, one CSV per figure and table, and ``manifest.json``, atomically.
"""

from purgetoll.report.model import Figure, ReportError, RunContext, Section, Source, Table
from purgetoll.report.run import RunExistsError, write_run

__all__ = [
    "Figure",
    "ReportError",
    "RunContext",
    "RunExistsError",
    "Section",
    "Source",
    "Table",
    "write_run",
]

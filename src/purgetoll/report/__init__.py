"""The report written by ``purgetoll run``: sections of figures and tables, each with its source.

Public surface (stable; other parts add sections with it):

- :class:`Section`, :class:`Figure`, :class:`Table`, :class:`Source`, :class:`RunContext`: what a
  section module's ``build(ctx)`` returns and receives (see ``purgetoll.report.model``);
- :func:`write_run`: build every section listed in ``purgetoll.report.sections.SECTIONS`` and write
  ``<out>/<name>/report.html``, one CSV per figure and table, the stored results the sections
  render (``results/``) and ``manifest.json``, atomically;
- :func:`rerender_run`: render a run again from the results stored in it, computing nothing;
- :func:`preview_context`: a context holding the results some sections need, to build them alone.

The names load on first use (pandas comes with them), so ``purgetoll --help``, which imports
``purgetoll.report.cli``, does not pay for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

# The public names, loaded on first use (purgetoll._lazy): pandas and matplotlib come with them,
# and `purgetoll --help`, which imports purgetoll.report.cli, does not pay for them.
if TYPE_CHECKING:
    from purgetoll.report.model import Figure, ReportError, RunContext, Section, Source, Table
    from purgetoll.report.run import RunExistsError, preview_context, rerender_run, write_run
else:
    from purgetoll._lazy import lazy_exports

    __getattr__, __dir__ = lazy_exports(__name__, __file__)

__all__ = [
    "Figure", "ReportError", "RunContext", "RunExistsError", "Section", "Source", "Table",
    "preview_context", "rerender_run", "write_run"
]

"""The report written by ``purgetoll run``: sections of figures and tables, each with its source.

Public surface (stable; other parts add sections with it):

- :class:`Section`, :class:`Figure`, :class:`Table`, :class:`Source`, :class:`RunContext`: what a
  section module's ``build(ctx)`` returns and receives (see ``purgetoll.report.model``);
- :func:`write_run`: build every section listed in ``purgetoll.report.sections.SECTIONS`` and write
  ``<out>/<name>/report.html``, one CSV per figure and table, and ``manifest.json``, atomically.

The names load on first use (pandas comes with them), so ``purgetoll --help``, which imports
``purgetoll.report.cli``, does not pay for them.
"""

from __future__ import annotations

from purgetoll._lazy import lazy_exports

#: Public name -> the module (in this package) that defines it.
_EXPORTS: dict[str, str] = {
    "Figure": "model",
    "ReportError": "model",
    "RunContext": "model",
    "RunExistsError": "run",
    "Section": "model",
    "Source": "model",
    "Table": "model",
    "write_run": "run",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

"""Find the section modules listed in ``purgetoll.report.sections.SECTIONS`` and their builders."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence

from purgetoll.report.model import ReportError, RunContext, Section

__all__ = ["Builder", "section_builders"]

Builder = Callable[[RunContext], Section]


def section_builders(names: Sequence[str] | None = None) -> list[tuple[str, Builder]]:
    """``(name, build)`` for each section module, in report order.

    ``names`` defaults to ``purgetoll.report.sections.SECTIONS``. A name listed twice, a module that
    does not exist or one without a callable ``build`` raises :class:`ReportError` naming it.
    """
    if names is None:
        from purgetoll.report.sections import SECTIONS

        names = SECTIONS
    seen: set[str] = set()
    builders = []
    for name in names:
        if name in seen:
            raise ReportError(f"section {name!r} is listed twice in purgetoll.report.sections.SECTIONS")
        seen.add(name)
        module_name = f"purgetoll.report.sections.{name}"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:  # the module exists but one of its imports is missing
                raise
            raise ReportError(
                f"section {name!r} is listed in purgetoll.report.sections.SECTIONS but "
                f"{module_name} does not exist"
            ) from exc
        build = getattr(module, "build", None)
        if not callable(build):
            raise ReportError(f"section module {module_name} has no function build(ctx) -> Section")
        builders.append((name, build))
    return builders

"""Find the section modules listed in ``purgetoll.report.sections.SECTIONS``, their builders and
the stored results they need."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Sequence
from types import ModuleType

from purgetoll.report.model import ReportError, RunContext, Section
from purgetoll.report.sections import SECTIONS
from purgetoll.results import Need

__all__ = ["Builder", "section_builders", "section_needs"]

Builder = Callable[[RunContext], Section]


def section_builders(names: Sequence[str] | None = None) -> list[tuple[str, Builder]]:
    """``(name, build)`` for each section module, in report order.

    ``names`` defaults to ``purgetoll.report.sections.SECTIONS``. A name listed twice, a module that
    does not exist or one without a callable ``build`` raises :class:`ReportError` naming it.
    """
    builders = []
    for name, module in _modules(names):
        build = getattr(module, "build", None)
        if not callable(build):
            raise ReportError(f"section module {module.__name__} has no function build(ctx) -> Section")
        builders.append((name, build))
    return builders


def section_needs(builders: Sequence[tuple[str, Builder]]) -> dict[str, Need]:
    """The stored results the sections of ``builders`` declare in their modules' ``NEEDS``
    (name -> Need), in report order. Two sections may share a result under one name only if they
    ask for the same one."""
    needs: dict[str, Need] = {}
    owner: dict[str, str] = {}
    for name, build in builders:
        declared = getattr(sys.modules.get(getattr(build, "__module__", "")), "NEEDS", {})
        for key, need in declared.items():
            if not isinstance(need, Need):
                raise ReportError(f"section {name!r}: NEEDS[{key!r}] must be a purgetoll.results.Need; got {need!r}")
            if key in needs and needs[key] != need:
                raise ReportError(f"sections {owner[key]!r} and {name!r} need different results under the name "
                                  f"{key!r}: {needs[key]!r} and {need!r}")
            needs.setdefault(key, need)
            owner.setdefault(key, name)
    return needs


def _modules(names: Sequence[str] | None) -> list[tuple[str, ModuleType]]:
    seen: set[str] = set()
    modules = []
    for name in SECTIONS if names is None else names:
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
        modules.append((name, module))
    return modules

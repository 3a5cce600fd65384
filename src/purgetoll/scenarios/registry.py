"""Which sections a scenario file may have, and their valid keys: read from the declarations.

Sections are named after the simulation modules. Every class in a file of
``purgetoll.sim.modules`` that subclasses :class:`~purgetoll.sim.modules.base.Module` and declares
``parameter_specs`` (a tuple of :class:`~purgetoll.params.Param`) is a section, named by
the module's ``name``; so a new module file (``terror.py``, ``gulag.py``) or a new parameter is
picked up without editing anything here. One further section is not a module: ``population``, the
starting population (:mod:`purgetoll.sim.start_1937`, ``PARAMETER_SPECS``). The verdict's settings
(the error model of the evidence) belong to the verdict, not to the scenario it judges: ``purgetoll
compare --errors FILE --set KEY=VALUE``.

Which modules run: a module runs when the scenario file has its section (and does not say
``enabled = false``); a module whose class sets ``runs_by_default = True`` (the attributes, which
every scenario shares so that scenarios differ only by their mechanisms) runs unless its section
says ``enabled = false``. So ``no_terror.toml`` runs no terror module simply by naming none.

Building: a module with declared parameters is constructed as ``Cls(**values)`` with one keyword
per declared name; modules run in the order of their ``plan_order`` class attribute (default 100),
then by name.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

import purgetoll.sim.modules as sim_modules
from purgetoll.params import Param
from purgetoll.sim.modules.base import Module

__all__ = ["SectionSpec", "sections", "sections_of", "keys_frame", "EXTRA_SECTIONS", "ENABLED"]

#: Sections that are not simulation modules: name -> module holding ``PARAMETER_SPECS``.
EXTRA_SECTIONS: dict[str, str] = {
    "population": "purgetoll.sim.start_1937",
}

#: The switch every module section accepts.
ENABLED = Param("enabled", True, "", "run this module (false switches the mechanism off)", kind="bool")


@dataclass(frozen=True)
class SectionSpec:
    """One section: its name, declared parameters, and the module class (None for extra sections)."""

    name: str
    params: tuple[Param, ...]
    module_class: type[Module] | None
    plan_order: int
    runs_by_default: bool = False

    def param(self, key: str) -> Param | None:
        for p in self.all_params():
            if p.name == key:
                return p
        return None

    def all_params(self) -> tuple[Param, ...]:
        return self.params + ((ENABLED,) if self.module_class is not None else ())

    def valid_keys(self) -> list[str]:
        return sorted(p.name for p in self.all_params())


@lru_cache(maxsize=1)
def sections() -> dict[str, SectionSpec]:
    """Every valid section of a scenario file, by name (cached: declarations are constants)."""
    found: dict[str, SectionSpec] = {}
    for info in sorted(pkgutil.iter_modules(sim_modules.__path__), key=lambda m: m.name):
        if info.name.startswith("_") or info.name == "base":
            continue
        mod = importlib.import_module(f"{sim_modules.__name__}.{info.name}")
        for obj in vars(mod).values():
            if (isinstance(obj, type) and issubclass(obj, Module) and obj is not Module
                    and obj.__module__ == mod.__name__ and "parameter_specs" in vars(obj)):
                specs = tuple(obj.parameter_specs)
                _check_specs(obj.name, specs)
                found[obj.name] = SectionSpec(obj.name, specs, obj, int(obj.plan_order), bool(obj.runs_by_default))
    for name, path in EXTRA_SECTIONS.items():
        specs = tuple(importlib.import_module(path).PARAMETER_SPECS)
        _check_specs(name, specs)
        found[name] = SectionSpec(name, specs, None, 0)
    return found


def sections_of(module_classes: list[type[Module]], extra: dict[str, tuple[Param, ...]] | None = None) -> dict[str, SectionSpec]:
    """A section table from given module classes (and extra sections): the seam tests and tools use
    to validate against modules that are not in ``purgetoll.sim.modules``."""
    found: dict[str, SectionSpec] = {}
    for obj in module_classes:
        specs = tuple(getattr(obj, "parameter_specs", ()))
        _check_specs(obj.name, specs)
        found[obj.name] = SectionSpec(obj.name, specs, obj, int(getattr(obj, "plan_order", 100)),
                                      bool(getattr(obj, "runs_by_default", False)))
    for name, specs in (extra or {}).items():
        _check_specs(name, tuple(specs))
        found[name] = SectionSpec(name, tuple(specs), None, 0)
    return found


def _check_specs(section: str, specs: tuple[Param, ...]) -> None:
    names = [p.name for p in specs]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup or not all(isinstance(p, Param) for p in specs):
        raise TypeError(f"section {section!r}: parameter_specs must be Param objects with unique names; "
                        f"duplicates {dup}")
    if "enabled" in names:
        raise TypeError(f"section {section!r}: 'enabled' is reserved (every module section has it)")


def keys_frame(table: dict[str, SectionSpec] | None = None) -> pd.DataFrame:
    """Every valid scenario key: ``section, key, kind, unit, low, high, default, assumption, prior, doc``
    (``prior``: the ``(low, high)`` a calibration may vary it over, or None)."""
    rows = []
    for name, spec in sorted((table or sections()).items()):
        for p in spec.all_params():
            rows.append({"section": name, "key": p.name, "kind": p.kind, "unit": p.unit, "low": p.low,
                         "high": p.high, "default": p.default if p.kind != "series" else str(p.default),
                         "assumption": p.assumption, "prior": p.prior, "doc": p.doc})
    return pd.DataFrame(rows, columns=["section", "key", "kind", "unit", "low", "high", "default", "assumption", "prior",
                                       "doc"])

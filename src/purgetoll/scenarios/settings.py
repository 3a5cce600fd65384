"""One typed settings object per scenario, loaded from TOML and validated up front.

The file form (``src/purgetoll/scenarios/no_terror.toml`` is a complete example)::

    [scenario]
    name = "archival"                      # required, snake_case
    title = "The archival record"          # required
    description = "..."                    # optional
    start = "1937-01-06"                   # a census date: 1926-12-17 or 1937-01-06 (default 1937-01-06)
    end = "1939-01-17"                     # ISO date after start (default 1939-01-17, the census)

    [gulag]                                # a section per simulation module (its ``name``)
    enabled = true                         # every module section has this switch
    mortality_1938_per_1000 = { value = 90.0, source = "Gulag death series (gulag_deaths_1930_1956)" }

    initial_prisoners_persons = { ref = "gulag_population_jan1_partial:1937-01-01/camps_and_colonies" }

    [targets]                              # the source's own totals, for the verdict (optional)
    arrested_1937_1938 = { ref = "repression_key_totals:pospelov_arrested" }

Rules (every broken one is reported, all at once, in one :class:`~purgetoll.errors.ScenarioError`
naming the section and key):

* sections are ``scenario``, ``targets`` and those of :func:`purgetoll.scenarios.registry.sections`;
* keys are the declared parameters of that section (the message lists the valid ones);
* every number carries its citation: ``key = { value = ..., source = "..." }`` (optional ``note``);
  a bare number, an empty source or a missing value is rejected;
* an archival figure is never typed: ``key = { ref = "TABLE:KEY" }`` names its row in a bundled table
  (:mod:`purgetoll.data._refs`: ``TABLE`` a catalog name, ``KEY`` the row's key); the value is read
  through the loaders and the source, when the file gives none, is the row's citation with the
  reference. A series names a row per label, ``ref = { "1937" = "gulag_deaths_1930_1956:1937", ... }``,
  and may add typed labels in ``value`` (a label in both is an error). An unknown table, an unknown
  key and a figure in another unit than the key's (a percent for a key in persons) are each a problem
  naming the key;
* values must fit the declared kind and range (the message states the range and unit).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from purgetoll.errors import ScenarioError
from purgetoll.files import read_toml
from purgetoll.scenarios.registry import SectionSpec, sections
from purgetoll.scenarios.schema import (
    DEFAULT_END,
    DEFAULT_START,
    START_DATES,
    Value,
    show,
    validate,
)

__all__ = ["Scenario", "Value", "START_DATES", "DEFAULT_START", "DEFAULT_END", "bundled_names", "BUNDLED_DIR"]

BUNDLED_DIR = Path(__file__).parent


def bundled_names() -> list[str]:
    """Names of the scenarios shipped in ``src/purgetoll/scenarios/*.toml``."""
    return sorted(p.stem for p in BUNDLED_DIR.glob("*.toml"))


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: metadata, values by section, and the source's own totals (targets)."""

    name: str
    title: str
    description: str = ""
    start: str = DEFAULT_START
    end: str = DEFAULT_END
    values: Mapping[str, Mapping[str, Value]] = field(default_factory=dict)
    targets: Mapping[str, Value] = field(default_factory=dict)
    origin: str = "<dict>"
    #: The section table validated against (None: :func:`~purgetoll.scenarios.registry.sections`).
    specs: Mapping[str, SectionSpec] | None = field(default=None, repr=False, compare=False)

    # -- loading --------------------------------------------------------------------------------
    @classmethod
    def from_toml(cls, path: str | Path, specs: Mapping[str, SectionSpec] | None = None) -> Scenario:
        """Read and validate a scenario file; raises one ScenarioError listing every problem.

        ``specs`` replaces the declared sections (default: every module of ``purgetoll.sim.modules``).
        """
        p = Path(path)
        data = read_toml(p, ScenarioError)
        return cls.from_dict(data, origin=str(p), specs=specs)

    @classmethod
    def load(cls, name: str) -> Scenario:
        """A bundled scenario by name (``archival``, ``no_terror``, ...) or a path to a ``.toml`` file."""
        if name.endswith(".toml") or "/" in name:
            return cls.from_toml(name)
        path = BUNDLED_DIR / f"{name}.toml"
        if not path.exists():
            raise ScenarioError("scenario", [f"no bundled scenario {name!r} (bundled: {', '.join(bundled_names())}); "
                                             "pass a path to a .toml file for your own"])
        return cls.from_toml(path)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], origin: str = "<dict>",
                  specs: Mapping[str, SectionSpec] | None = None) -> Scenario:
        """Validate parsed TOML (a dict of sections); every problem is collected before raising."""
        table = specs
        fields, problems = validate(data, sections() if specs is None else specs)
        if problems:
            raise ScenarioError(origin, problems)
        values, targets = fields.pop("values"), fields.pop("targets")
        return cls(values=values, targets=targets, origin=origin, specs=table, **fields)

    # -- reading --------------------------------------------------------------------------------
    def enabled(self, section: str) -> bool:
        """Whether a module runs: its section is in the file (or it runs by default) and not disabled."""
        if section not in self.values:
            return self._spec(section).runs_by_default
        v = self.values[section].get("enabled")
        return True if v is None else bool(v.value)

    def parameters(self, section: str) -> dict[str, Any]:
        """Every declared parameter of ``section``: the file's value or the declared default."""
        spec = self._spec(section)
        given = self.values.get(section, {})
        return {p.name: (given[p.name].value if p.name in given else p.default) for p in spec.params}

    def citations(self) -> pd.DataFrame:
        """One row per declared parameter: ``section, key, value, unit, set_by, source, assumption``.

        ``set_by`` is ``scenario`` (value and source from the file) or ``default`` (the declared
        default, its doc as the source); ``assumption`` is true where no source gives the number.
        """
        rows = []
        for name, spec in sorted(self._table().items()):
            given = self.values.get(name, {})
            for p in spec.params:
                v = given.get(p.name)
                rows.append({
                    "section": name, "key": p.name,
                    "value": show(v.value if v else p.default), "unit": p.unit,
                    "set_by": "scenario" if v else "default",
                    "source": (v.source or v.note) if v else p.doc,
                    "assumption": (v.source.lower().startswith("assumption")) if v else p.assumption,
                })
        for key, v in self.targets.items():
            rows.append({"section": "targets", "key": key, "value": show(v.value), "unit": "persons",
                         "set_by": "scenario", "source": v.source, "assumption": False})
        df = pd.DataFrame(rows, columns=["section", "key", "value", "unit", "set_by", "source", "assumption"])
        df.attrs["scenario"] = self.name
        return df

    def module_sections(self) -> list[SectionSpec]:
        """Enabled module sections in plan order (``plan_order``, then name)."""
        specs = [s for s in self._table().values() if s.module_class is not None and self.enabled(s.name)]
        return sorted(specs, key=lambda s: (s.plan_order, s.name))

    def _table(self) -> Mapping[str, SectionSpec]:
        return sections() if self.specs is None else self.specs

    def _spec(self, section: str) -> SectionSpec:
        table = self._table()
        if section not in table:
            raise KeyError(f"no section {section!r}; sections are {sorted(table)}")
        return table[section]

    def with_values(self, values: Mapping[str, Any], source: str = "set on the command line") -> Scenario:
        """A copy with ``values`` (``{"section.key": value}``) set, each cited as ``source``, validated like a
        file: every problem (unknown section or key, a value out of range) in one ScenarioError."""
        data: dict[str, Any] = {"scenario": {"name": self.name, "title": self.title, "description": self.description,
                                             "start": self.start, "end": self.end}}
        for sec, vals in self.values.items():
            data[sec] = {k: ({"value": v.value, "source": v.source, "note": v.note} if v.source or v.note else v.value)
                         for k, v in vals.items()}
        problems = []
        for dotted, value in values.items():
            sec, _, key = str(dotted).partition(".")
            if not key:
                problems.append(f"{dotted!r}: write SECTION.KEY=VALUE (e.g. terror.interrogators_persons=12500)")
                continue
            spec = self._table().get(sec)
            p = spec.param(key) if spec is not None else None
            needs = p.needs_source if p is not None else True
            data.setdefault(sec, {})[key] = {"value": value, "source": source} if needs else value
        if problems:
            raise ScenarioError(self.origin, problems)
        if self.targets:
            data["targets"] = {k: {"value": v.value, "source": v.source} for k, v in self.targets.items()}
        return Scenario.from_dict(data, origin=f"{self.origin} (with {', '.join(map(str, values))})", specs=self.specs)

    def describe(self) -> dict[str, Any]:
        """JSON-able summary for manifests: metadata, values with citations, targets."""
        return {
            "name": self.name, "title": self.title, "description": self.description,
            "start": self.start, "end": self.end, "origin": self.origin,
            "values": {s: {k: {"value": v.value, "source": v.source, "note": v.note, **({"ref": v.ref} if v.ref else {})}
                           for k, v in sec.items()}
                       for s, sec in self.values.items()},
            "targets": {k: {"value": v.value, "source": v.source, **({"ref": v.ref} if v.ref else {})}
                        for k, v in self.targets.items()},
        }

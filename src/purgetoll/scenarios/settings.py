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

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from purgetoll.data import Figure, reference
from purgetoll.errors import DataError, ScenarioError
from purgetoll.files import read_toml
from purgetoll.params import Param, format_number
from purgetoll.scenarios.dates import dated_problems
from purgetoll.scenarios.registry import SectionSpec, sections

__all__ = ["Scenario", "Value", "START_DATES", "DEFAULT_START", "DEFAULT_END", "bundled_names", "BUNDLED_DIR"]

#: Census dates a run can start from (the 1926 and 1937 censuses; see ``purgetoll.sim.start_1937``).
START_DATES: tuple[str, ...] = ("1926-12-17", "1937-01-06")
DEFAULT_START = "1937-01-06"
DEFAULT_END = "1939-01-17"
BUNDLED_DIR = Path(__file__).parent
_META_KEYS = {"name": "required", "title": "required", "description": "optional", "start": "optional",
              "end": "optional"}
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Value:
    """A value set by a scenario file, with its citation (empty for switches and choices) and the bundled
    figures it was read from (``ref``: ``TABLE:KEY``, or ``LABEL=TABLE:KEY, ...`` for a series)."""

    value: Any
    source: str = ""
    note: str = ""
    ref: str = ""


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
        problems: list[str] = []
        table = specs
        specs = sections() if specs is None else specs
        meta = data.get("scenario")
        if not isinstance(meta, Mapping):
            problems.append("[scenario] section missing (needs name and title)")
            meta = {}
        fields = _meta(meta, problems)
        values: dict[str, dict[str, Value]] = {}
        targets: dict[str, Value] = {}
        valid_sections = ["scenario", "targets", *sorted(specs)]
        for sec, body in data.items():
            if sec == "scenario":
                continue
            if not isinstance(body, Mapping):
                problems.append(f"[{sec}] must be a section (a table of keys); got {body!r}")
                continue
            if sec == "targets":
                targets = _targets(body, problems)
            elif sec in specs:
                values[sec] = _section(specs[sec], body, problems)
            else:
                problems.append(f"unknown section [{sec}] (valid: {', '.join(valid_sections)})")
        problems += dated_problems(values, fields.get("start", DEFAULT_START), fields.get("end", DEFAULT_END), specs)
        if problems:
            raise ScenarioError(origin, problems)
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
                    "value": _show(v.value if v else p.default), "unit": p.unit,
                    "set_by": "scenario" if v else "default",
                    "source": (v.source or v.note) if v else p.doc,
                    "assumption": (v.source.lower().startswith("assumption")) if v else p.assumption,
                })
        for key, v in self.targets.items():
            rows.append({"section": "targets", "key": key, "value": _show(v.value), "unit": "persons",
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




def _show(v: Any) -> Any:
    return format_number(v) if isinstance(v, int | float) else v


def _meta(meta: Mapping[str, Any], problems: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in meta:
        if key not in _META_KEYS:
            problems.append(f"[scenario] unknown key {key!r} (valid: {', '.join(sorted(_META_KEYS))})")
    for key, need in _META_KEYS.items():
        if key not in meta:
            if need == "required":
                problems.append(f"[scenario] {key} is required")
            continue
        v = meta[key]
        if not isinstance(v, str | dt.date) or (isinstance(v, str) and not v.strip()):
            problems.append(f"[scenario] {key} must be a non-empty string; got {v!r}")
            continue
        out[key] = v.isoformat() if isinstance(v, dt.date) else v
    if "name" in out and not _NAME.match(out["name"]):
        problems.append(f"[scenario] name must be snake_case (letters, digits, _); got {out['name']!r}")
    start = out.get("start", DEFAULT_START)
    if start not in START_DATES:
        problems.append(f"[scenario] start must be a census date the engine can start from "
                        f"({', '.join(START_DATES)}); got {start!r}")
        out.pop("start", None)
    end = out.get("end", DEFAULT_END)
    try:
        end_date = dt.date.fromisoformat(end)
        if start in START_DATES and end_date <= dt.date.fromisoformat(start) + dt.timedelta(days=15):
            problems.append(f"[scenario] end must be at least half a month after start {start}; got {end!r}")
    except ValueError:
        problems.append(f"[scenario] end must be an ISO date YYYY-MM-DD; got {end!r}")
        out.pop("end", None)
    return out


def _unwrap(sec: str, key: str, raw: Any, needs_source: bool, problems: list[str],
            param: Param | None = None, unit: str | None = None) -> Value | None:
    """``{value | ref, source, note}`` or a bare value; None (with a problem) when the form is wrong."""
    if isinstance(raw, Mapping):
        extra = set(raw) - {"value", "ref", "source", "note"}
        if extra:
            problems.append(f"[{sec}] {key}: unknown field(s) {', '.join(sorted(extra))} "
                            "(valid: value, ref, source, note)")
            return None
        if "value" not in raw and "ref" not in raw:
            problems.append(f"[{sec}] {key} has no value: write {key} = {{ value = ..., source = \"...\" }}")
            return None
        source, note = raw.get("source", ""), raw.get("note", "")
        if not isinstance(source, str) or not isinstance(note, str):
            problems.append(f"[{sec}] {key}: source and note must be strings")
            return None
        value, ref, cited = raw.get("value"), "", ""
        if "ref" in raw:
            resolved = _resolve(sec, key, raw["ref"], raw.get("value"), param, unit, problems)
            if resolved is None:
                return None
            value, ref, cited = resolved
        if needs_source and not source.strip() and not cited:
            problems.append(f"[{sec}] {key} has an empty source: every number needs its citation "
                            "(or 'assumption: why')")
            return None
        return Value(value, source.strip() or cited, note.strip(), ref)
    if needs_source:
        shown = _show(raw) if isinstance(raw, int | float) and not isinstance(raw, bool) else repr(raw)
        problems.append(f"[{sec}] {key} = {shown} has no source: write {key} = {{ value = {shown}, "
                        "source = \"...\" }")
        return None
    return Value(raw)


def _resolve(sec: str, key: str, ref: Any, typed: Any, param: Param | None, unit: str | None,
             problems: list[str]) -> tuple[Any, str, str] | None:
    """The value a ``ref`` names (a number, or a series merged with its typed labels), the reference text
    and the citation; None (with a problem naming the key) for an unknown table or key or a wrong unit."""
    series = param is not None and param.kind == "series"
    if isinstance(ref, str) and not series:
        if typed is not None:
            problems.append(f"[{sec}] {key}: give value or ref, not both")
            return None
        fig = _figure(sec, key, ref, unit, problems)
        return None if fig is None else (fig.value, ref, fig.citation())
    if not series or not isinstance(ref, Mapping) or not all(isinstance(r, str) for r in ref.values()):
        form = '{ "LABEL" = "TABLE:KEY", ... }' if series else '"TABLE:KEY"'
        problems.append(f"[{sec}] {key}: ref must be {form}; got {ref!r}")
        return None
    typed = {} if typed is None else typed
    if not isinstance(typed, Mapping):
        problems.append(f"[{sec}] {key}: value beside a ref must be a table of label = number; got {typed!r}")
        return None
    both = sorted(set(typed) & set(ref))
    if both:
        problems.append(f"[{sec}] {key}: label(s) {', '.join(both)} given in both value and ref")
        return None
    figs = {label: _figure(sec, f"{key}[{label}]", r, unit, problems) for label, r in ref.items()}
    if any(f is None for f in figs.values()):
        return None
    merged = {**{label: f.value for label, f in figs.items() if f is not None}, **typed}
    if typed:
        merged = dict(sorted(merged.items()))
    by_source: dict[str, list[str]] = {}
    for f in figs.values():
        if f is not None:
            by_source.setdefault(f.source, []).append(f.ref)
    cited = "; ".join(f"{src} ({', '.join(refs)})" for src, refs in by_source.items())
    return merged, ", ".join(f"{label}={r}" for label, r in ref.items()), cited


def _figure(sec: str, key: str, ref: str, unit: str | None, problems: list[str]) -> Figure | None:
    try:
        fig = reference(ref)
    except DataError as exc:
        problems.append(f"[{sec}] {key}: {exc.problem} (ref {ref!r})")
        return None
    if unit is not None and fig.unit != unit:
        problems.append(f"[{sec}] {key}: ref {ref!r} is in {fig.unit or 'no unit'}; {key} is in {unit}")
        return None
    return fig


def _section(spec: SectionSpec, body: Mapping[str, Any], problems: list[str]) -> dict[str, Value]:
    out: dict[str, Value] = {}
    for key, raw in body.items():
        p: Param | None = spec.param(key)
        if p is None:
            problems.append(f"[{spec.name}] unknown key {key!r} (valid: {', '.join(spec.valid_keys())})")
            continue
        v = _unwrap(spec.name, key, raw, p.needs_source, problems, p, p.unit)
        if v is None:
            continue
        problem = p.check(v.value)
        if problem is not None:
            problems.append(f"[{spec.name}] {problem}")
            continue
        out[key] = v
    return out


def _targets(body: Mapping[str, Any], problems: list[str]) -> dict[str, Value]:
    out: dict[str, Value] = {}
    for key, raw in body.items():
        if not _NAME.match(str(key)):
            problems.append(f"[targets] key {key!r} must be snake_case")
            continue
        v = _unwrap("targets", key, raw, True, problems, None, "persons")
        if v is None:
            continue
        if isinstance(v.value, bool) or not isinstance(v.value, int | float) or not v.value >= 0:
            problems.append(f"[targets] {key} must be a number >= 0 (persons); got {v.value!r}")
            continue
        out[key] = v
    return out

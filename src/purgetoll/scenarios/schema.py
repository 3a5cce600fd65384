"""The scenario file's schema: one pydantic model per section table, built from the declared parameters.

:func:`file_model` turns a section table (:func:`~purgetoll.scenarios.registry.sections`) into one
pydantic model of the whole file with ``create_model``: a field per section (``[scenario]``, ``[targets]``
and one per module), a field per declared parameter in each module's section, unknown sections, keys
and value fields forbidden. A parameter's value is a bare value or a table ``{ value | ref, source,
note }`` (:class:`Cited`); the declaration (:class:`~purgetoll.params.Param`) checks it and gives the
message, so the valid keys and ranges are still the modules' own. :func:`validate` runs the model,
turns every error into the project's message naming section and key, in the order of the file (the
``[scenario]`` section first), and adds the checks of dated values against the run's months.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Tag,
    ValidationError,
    ValidationInfo,
    create_model,
)
from pydantic_core import ErrorDetails

from purgetoll.data import Figure, reference
from purgetoll.errors import DataError
from purgetoll.params import Param, format_number
from purgetoll.scenarios.dates import dated_problems
from purgetoll.scenarios.registry import SectionSpec
from purgetoll.validation import message_of, position, problem, problems

__all__ = ["Cited", "Value", "unwrap", "file_model", "validate", "META_KEYS", "START_DATES", "DEFAULT_START", "DEFAULT_END"]

#: Census dates a run can start from (the 1926 and 1937 censuses; see ``purgetoll.sim.start_1937``).
START_DATES: tuple[str, ...] = ("1926-12-17", "1937-01-06")
DEFAULT_START = "1937-01-06"
DEFAULT_END = "1939-01-17"
#: The ``[scenario]`` keys, in the order their problems are reported.
META_KEYS = {"name": "required", "title": "required", "description": "optional", "start": "optional",
             "end": "optional"}
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_FIELDS = ("value", "ref", "source", "note")


@dataclass(frozen=True)
class Value:
    """A value set by a scenario file, with its citation (empty for switches and choices) and the bundled
    figures it was read from (``ref``: ``TABLE:KEY``, or ``LABEL=TABLE:KEY, ...`` for a series)."""

    value: Any
    source: str = ""
    note: str = ""
    ref: str = ""


def show(v: Any) -> Any:
    return format_number(v) if isinstance(v, int | float) else v


def unwrap(sec: str, key: str, raw: Any, needs_source: bool, problems: list[str],
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
        shown = show(raw) if isinstance(raw, int | float) and not isinstance(raw, bool) else repr(raw)
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


class Cited(BaseModel):
    """A value with its citation: ``{ value = ..., source = "..." }`` or ``{ ref = "TABLE:KEY" }``."""

    model_config = ConfigDict(extra="forbid", strict=True)
    value: Any = None
    ref: Any = None
    source: str = ""
    note: str = ""

    def as_table(self) -> dict[str, Any]:
        """The fields the file gave."""
        return {k: getattr(self, k) for k in _FIELDS if k in self.model_fields_set}


def _cited_or_bare(v: Any) -> str:
    return "table" if isinstance(v, Mapping) else "bare"


#: A key's raw form: a table validated as :class:`Cited`, or a bare value.
RawValue = Annotated[Annotated[Cited, Tag("table")] | Annotated[Any, Tag("bare")], Discriminator(_cited_or_bare)]


def _keep(info: ValidationInfo, section: str, key: str, value: Any) -> None:
    """Record a valid value in the validation context, so dated values are checked even when other keys fail."""
    if info.context is not None:
        info.context.setdefault("values", {}).setdefault(section, {})[key] = value


def _parameter(section: str, p: Param) -> Callable[[Any, ValidationInfo], Any]:
    def check(raw: Any, info: ValidationInfo) -> Any:
        found: list[str] = []
        v = unwrap(section, p.name, raw.as_table() if isinstance(raw, Cited) else raw, p.needs_source, found,
                   p, p.unit)
        if v is None:
            raise problem(found[0])
        wrong = p.check(v.value)
        if wrong is not None:
            raise problem(f"[{section}] {wrong}")
        _keep(info, section, p.name, v)
        return v

    return check


def _target(raw: Any, info: ValidationInfo) -> Any:
    found: list[str] = []
    v = unwrap("targets", "{key}", raw.as_table() if isinstance(raw, Cited) else raw, True, found, None, "persons")
    if v is None:
        raise problem(found[0])
    if isinstance(v.value, bool) or not isinstance(v.value, int | float) or not v.value >= 0:
        raise problem(f"[targets] {{key}} must be a number >= 0 (persons); got {v.value!r}")
    return v


def _target_key(key: str) -> str:
    if not _NAME.match(key):
        raise problem(f"[targets] key {key!r} must be snake_case")
    return key


def _meta_text(key: str) -> Callable[[Any, ValidationInfo], str]:
    def check(v: Any, info: ValidationInfo) -> str:
        if not isinstance(v, str | dt.date) or (isinstance(v, str) and not v.strip()):
            raise problem(f"[scenario] {key} must be a non-empty string; got {v!r}")
        text = v.isoformat() if isinstance(v, dt.date) else v
        if key == "name" and not _NAME.match(text):
            raise problem(f"[scenario] name must be snake_case (letters, digits, _); got {text!r}", order=2)
        if key == "start" and text not in START_DATES:
            raise problem(f"[scenario] start must be a census date the engine can start from "
                          f"({', '.join(START_DATES)}); got {text!r}", order=2)
        if key == "end":
            try:
                end = dt.date.fromisoformat(text)
            except ValueError:
                raise problem(f"[scenario] end must be an ISO date YYYY-MM-DD; got {text!r}", order=2) from None
            if "start" in info.data:  # absent when the start given is invalid (reported there)
                start = info.data["start"] or DEFAULT_START
                if end <= dt.date.fromisoformat(start) + dt.timedelta(days=15):
                    raise problem(f"[scenario] end must be at least half a month after start {start}; got {text!r}",
                                  order=2)
        return text

    return check


class Meta(BaseModel):
    """The ``[scenario]`` section."""

    model_config = ConfigDict(extra="forbid")
    name: Annotated[Any, AfterValidator(_meta_text("name"))]
    title: Annotated[Any, AfterValidator(_meta_text("title"))]
    description: Annotated[Any, AfterValidator(_meta_text("description"))] = None
    start: Annotated[Any, AfterValidator(_meta_text("start"))] = None
    end: Annotated[Any, AfterValidator(_meta_text("end"))] = None


def _section_model(spec: SectionSpec) -> type[BaseModel]:
    fields: dict[str, Any] = {p.name: (Annotated[RawValue, AfterValidator(_parameter(spec.name, p))], None)
                              for p in spec.all_params()}
    return create_model(f"Section_{spec.name}", __config__=ConfigDict(extra="forbid"), **fields)


#: Models built, by the identity of their section tables (the declarations are constants; a table
#: is kept with its model so that its id is not reused).
_MODELS: dict[tuple[int, ...], tuple[Mapping[str, SectionSpec], type[BaseModel]]] = {}


def file_model(specs: Mapping[str, SectionSpec]) -> type[BaseModel]:
    """The pydantic model of a scenario file whose module sections are ``specs`` (built once per table)."""
    key = tuple(id(s) for s in specs.values())
    if key not in _MODELS:
        targets = dict[Annotated[str, AfterValidator(_target_key)], Annotated[RawValue, AfterValidator(_target)]]
        fields: dict[str, Any] = {"scenario": (Meta, ...), "targets": (targets | None, None)}
        fields.update({name: (_section_model(spec) | None, None) for name, spec in specs.items()})
        _MODELS[key] = (specs, create_model("ScenarioFile", __config__=ConfigDict(extra="forbid"), **fields))
    return _MODELS[key][1]


def validate(data: Mapping[str, Any], specs: Mapping[str, SectionSpec]) -> tuple[dict[str, Any], list[str]]:
    """The file's fields (metadata, ``values``, ``targets``) and its problems, every one, in the file's order."""
    context: dict[str, Any] = {}
    found: list[str] = []
    out: dict[str, Any] = {"values": {}, "targets": {}}
    try:
        model: Any = file_model(specs).model_validate(dict(data), context=context)
    except ValidationError as exc:
        found = problems(exc, functools.partial(_translate, data, specs))
        model = None
    if model is not None:
        out.update({k: getattr(model.scenario, k) for k in META_KEYS if k in model.scenario.model_fields_set})
        out["targets"] = dict(model.targets or {})
        out["values"] = {name: {k: getattr(section, k) for k in data[name] if k in section.model_fields_set}
                         for name in data if name in specs and (section := getattr(model, name)) is not None}
    start, end = out.get("start", DEFAULT_START), out.get("end", DEFAULT_END)
    if model is None:
        meta_data: Any = data.get("scenario") if isinstance(data.get("scenario"), Mapping) else {}
        start = meta_data.get("start", DEFAULT_START) if isinstance(meta_data.get("start", ""), str) else DEFAULT_START
        end = meta_data.get("end", DEFAULT_END) if isinstance(meta_data.get("end", ""), str) else DEFAULT_END
        start = start if start in START_DATES else DEFAULT_START
    values = out["values"] if model is not None else context.get("values", {})
    found += dated_problems(values, start, end, specs)
    return out, found


def _translate(data: Mapping[str, Any], specs: Mapping[str, SectionSpec], err: ErrorDetails) -> tuple[str, tuple]:
    loc = tuple(x for x in err["loc"] if x not in ("table", "bare", "[key]"))
    sec = str(loc[0]) if loc else ""
    order = position(data, loc[:2])
    message = message_of(err)
    if sec == "scenario":
        key = str(loc[1]) if len(loc) > 1 else ""
        rank = list(META_KEYS).index(key) if key in META_KEYS else 0
        if message is not None:
            return message, (0, (err.get("ctx") or {}).get("order", 1), rank)
        if err["type"] == "extra_forbidden":
            return f"[scenario] unknown key {key!r} (valid: {', '.join(sorted(META_KEYS))})", (0, 0, order)
        if err["type"] == "missing" and key:
            return f"[scenario] {key} is required", (0, 1, rank)
        return "[scenario] section missing (needs name and title)", (0, 0, ())
    if message is not None:
        return message.replace("{key}", str(loc[1]) if len(loc) > 1 else ""), (1, order)
    valid_sections = ["scenario", "targets", *sorted(specs)]
    if len(loc) == 1:
        if err["type"] == "extra_forbidden":
            return f"unknown section [{sec}] (valid: {', '.join(valid_sections)})", (1, order)
        return f"[{sec}] must be a section (a table of keys); got {err['input']!r}", (1, order)
    key = str(loc[1])
    if len(loc) == 2 and err["type"] == "extra_forbidden":
        return f"[{sec}] unknown key {key!r} (valid: {', '.join(specs[sec].valid_keys())})", (1, order)
    if len(loc) >= 3 and err["type"] == "extra_forbidden":
        raw = data[sec][key]
        extra = sorted(set(raw) - set(_FIELDS))
        return (f"[{sec}] {key}: unknown field(s) {', '.join(extra)} (valid: {', '.join(_FIELDS)})", (1, order))
    if len(loc) >= 3 and loc[2] in ("source", "note"):
        return f"[{sec}] {key}: source and note must be strings", (1, order)
    return f"[{sec}] {key}: {err['msg']}", (1, order)

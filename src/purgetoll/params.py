"""Declared parameters: the constraint table a part of purgetoll publishes, and the checks derived from it.

This is the base layer: the demography engine, the simulation modules, the verdict and the
scenario files all declare with it, and it imports nothing of purgetoll. A simulation module declares its parameters once, as a tuple of :class:`Param` in the class
attribute ``parameter_specs`` (name with its unit, default, unit, range, doc). That one table gives

* the valid keys of the module's ``[section]`` in a scenario file (section name = module name);
* the range check and its message (``[gulag] mortality_1938 must be in [0, 1000] per 1000; got 1200``);
* the defaults, and the manifest entry (``describe()``).

So a new module parameter is a valid scenario key as soon as it is declared, and the contract test
(``tests/scenarios/test_contract.py``) feeds every declared parameter an invalid value.

Kinds of value:

``number``
    an int or float in ``[low, high]`` (either bound may be ``None``: open);
``integer``
    an int in ``[low, high]``;
``bool``
    ``true`` / ``false`` (a switch, e.g. an episode on or off: not a number, needs no citation);
``choice``
    one of ``choices`` (a string);
``series``
    a table ``{ "1937" = 25376, "1938" = 90546 }`` from a label (year ``YYYY`` or month
    ``YYYY-MM``) to a number in ``[low, high]``, e.g. deaths by year.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["Param", "Kind", "format_number", "month_text", "declared_values", "problems", "SERIES_LABEL"]

Kind = Literal["number", "integer", "bool", "choice", "series"]
#: Labels of a series: a year or a year-month.
SERIES_LABEL = re.compile(r"^\d{4}(-(0[1-9]|1[0-2]))?$")


def month_text(yyyymm: float | int) -> str:
    """A month given as ``YYYYMM`` (a parameter of unit ``YYYYMM``, possibly a posterior's fractional
    quantile) written as the month it names: ``193806.3`` -> ``1938-06``."""
    month = int(round(float(yyyymm)))
    return f"{month // 100}-{month % 100:02d}"


def format_number(x: float | int) -> str:
    """A number as people write it: ``1200`` (not ``1200.0``), ``0.25``, ``1e-06``."""
    if isinstance(x, bool):
        return str(x).lower()
    if isinstance(x, int):
        return str(x)
    if math.isfinite(x) and float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    return f"{x:g}"


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


@dataclass(frozen=True)
class Param:
    """One declared parameter of a module.

    Attributes
    ----------
    name:
        Key in the scenario file, with its unit (``mortality_1938_per_1000_per_year``).
    default:
        Value when a scenario does not set it (numbers: the archival figure where one exists).
    unit:
        Unit as shown in messages (``"per 1000"``, ``"persons"``, ``"share"``, ``""``).
    doc:
        What it means and where the default comes from (citation or "assumption: ...").
    kind:
        See the module docstring.
    low, high:
        Inclusive bounds of numbers and of series values (``None``: unbounded).
    choices:
        Valid strings of a ``choice``.
    assumption:
        True when no source gives the default: outputs say it is an assumption.
    prior:
        ``(low, high)`` of a number the calibration may vary (a uniform prior over that range, inside
        ``[low, high]``); ``None`` for a number held at its value. Declared once here, it is what
        ``purgetoll sim run --keys`` and the calibration read.
    """

    name: str
    default: Any
    unit: str
    doc: str
    kind: Kind = "number"
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    assumption: bool = False
    prior: tuple[float, float] | None = None

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", self.name):
            raise ValueError(f"parameter name must be snake_case; got {self.name!r}")
        if self.kind not in ("number", "integer", "bool", "choice", "series"):
            raise ValueError(f"parameter {self.name!r}: unknown kind {self.kind!r}")
        if self.kind == "choice" and not self.choices:
            raise ValueError(f"parameter {self.name!r}: a choice needs choices")
        problem = self.check(self.default)
        if problem is not None:
            raise ValueError(f"parameter {self.name!r}: its default is invalid: {problem}")
        if self.prior is not None:
            lo, hi = self.prior
            # an integer's prior is sampled as a number and rounded (a YYYYMM month's prior stays within a year)
            if self.kind not in ("number", "integer") or not lo < hi or self.check(lo) or self.check(hi):
                raise ValueError(f"parameter {self.name!r}: a prior is a range (low < high) of a number within "
                                 f"{self.range_text()}; got {self.prior!r}")

    @property
    def needs_source(self) -> bool:
        """Numbers and series carry a citation in a scenario file; switches and choices do not."""
        return self.kind in ("number", "integer", "series")

    def range_text(self) -> str:
        """``[0, 1000] per 1000`` (bounds as declared; ``-inf``/``inf`` when open)."""
        lo = "-inf" if self.low is None else format_number(self.low)
        hi = "inf" if self.high is None else format_number(self.high)
        return f"[{lo}, {hi}]" + (f" {self.unit}" if self.unit else "")

    def _in_range(self, v: float) -> bool:
        return (math.isfinite(v) and (self.low is None or v >= self.low)
                and (self.high is None or v <= self.high))

    def check(self, value: Any) -> str | None:
        """The problem with ``value`` (without the section prefix), or None if it is valid."""
        n = self.name
        if self.kind in ("number", "integer"):
            if not _is_number(value) or (self.kind == "integer" and not isinstance(value, int)):
                what = "an integer" if self.kind == "integer" else "a number"
                return f"{n} must be {what} in {self.range_text()}; got {value!r}"
            if not self._in_range(float(value)):
                return f"{n} must be in {self.range_text()}; got {format_number(value)}"
            return None
        if self.kind == "bool":
            return None if isinstance(value, bool) else f"{n} must be true or false; got {value!r}"
        if self.kind == "choice":
            if value in self.choices:
                return None
            return f"{n} must be one of {', '.join(self.choices)}; got {value!r}"
        # series
        if not isinstance(value, dict) or not value:
            return f"{n} must be a table of label = number (labels YYYY or YYYY-MM); got {value!r}"
        for label, v in value.items():
            if not SERIES_LABEL.match(str(label)):
                return f"{n}: label {label!r} must be a year YYYY or a month YYYY-MM"
            if not _is_number(v):
                return f"{n}[{label}] must be a number in {self.range_text()}; got {v!r}"
            if not self._in_range(float(v)):
                return f"{n}[{label}] must be in {self.range_text()}; got {format_number(v)}"
        return None

    def invalid_example(self) -> Any:
        """A value this parameter rejects (the contract test feeds it to every declared parameter)."""
        if self.kind in ("number", "integer"):
            if self.high is not None:
                return (int(self.high) + 1) if self.kind == "integer" else float(self.high) * 2 + 1
            if self.low is not None:
                return (int(self.low) - 1) if self.kind == "integer" else float(self.low) - abs(float(self.low)) - 1
            return "not a number"
        if self.kind == "bool":
            return "yes"
        if self.kind == "choice":
            return "no such choice"
        return {"1937": "x"}

    def as_dict(self) -> dict[str, Any]:
        """JSON-able form (for manifests and ``purgetoll verdict --format json``)."""
        return {"name": self.name, "default": self.default, "unit": self.unit, "kind": self.kind,
                "low": self.low, "high": self.high, "choices": list(self.choices),
                "assumption": self.assumption, "prior": list(self.prior) if self.prior else None, "doc": self.doc}


def declared_values(specs: Iterable[Param], values: dict[str, Any], owner: str = "parameters") -> dict[str, Any]:
    """Every declared parameter's value: the one given in ``values``, else its declared default.

    A key of ``values`` that no spec declares is a ``TypeError`` naming ``owner``, the unknown keys
    and the valid names. Table values (series) are copied, so no two owners share a mutable default.
    Values are not range-checked here: :func:`problems` does that.
    """
    known = {p.name: p for p in specs}
    unknown = set(values) - set(known)
    if unknown:
        raise TypeError(f"{owner}: unknown parameter(s) {sorted(unknown)} (valid: {', '.join(sorted(known))})")
    out = {}
    for name, p in known.items():
        v = values.get(name, p.default)
        out[name] = dict(v) if isinstance(v, dict) else v
    return out


def problems(specs: Iterable[Param], values: dict[str, Any]) -> list[str]:
    """What is wrong with each given value (``Param.check`` messages, in declaration order)."""
    out = []
    for p in specs:
        if p.name in values:
            problem = p.check(values[p.name])
            if problem is not None:
                out.append(problem)
    return out

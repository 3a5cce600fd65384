"""Priors of the calibrated parameters: a range, a scale (linear or log) and where the range comes from.

A :class:`Prior` names one value the simulator takes (``"denunciation.names_per_interrogation"``),
its range and unit, and its ``source`` (a citation, or ``"assumption: ..."``). The prior is uniform
on the range, or uniform in ``log10`` of the value (``scale="log"``: a capacity known only to an
order of magnitude). Everything shown to a user is in the value's own unit.

pyabc sees one internal parameter per prior (``p0``, ``p1``, ...): the logit of the value's position
within its range (on the log scale where the prior is). A uniform prior on the range is then the
standard logistic distribution on the whole real line, so the perturbation kernel never proposes a
value outside the range; with a dozen or more bounded parameters, a kernel on the bounded values
would propose outside the box almost every time (0.6 per parameter is 0.001 for 14 of them).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

import pandas as pd
import pyabc

from purgetoll.errors import ScenarioError

__all__ = ["Prior", "check_priors", "pyabc_prior", "to_values", "prior_frame"]

_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")


@dataclass(frozen=True)
class Prior:
    """Uniform prior of one parameter on ``[low, high]`` (``scale="log"``: uniform in log10)."""

    name: str
    low: float
    high: float
    scale: Literal["linear", "log"] = "linear"
    unit: str = ""
    source: str = "assumption"

    def problems(self) -> list[str]:
        """What is wrong with this declaration (empty when it is valid)."""
        out = []
        if not isinstance(self.name, str) or not _NAME.match(self.name):
            out.append(f"prior name must be snake_case words joined by dots (section.key); got {self.name!r}")
        ok = all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
                 for v in (self.low, self.high))
        if not ok:
            out.append(f"{self.name}: low and high must be finite numbers; got {self.low!r}, {self.high!r}")
        elif self.low >= self.high:
            out.append(f"{self.name}: low must be below high; got [{self.low:g}, {self.high:g}]")
        elif self.scale == "log" and self.low <= 0:
            out.append(f"{self.name}: a log-scale prior needs low > 0; got {self.low:g}")
        if self.scale not in ("linear", "log"):
            out.append(f"{self.name}: scale must be 'linear' or 'log'; got {self.scale!r}")
        if not isinstance(self.source, str) or not self.source.strip():
            out.append(f"{self.name}: source must say where the range comes from (or 'assumption: ...')")
        return out

    def bounds(self) -> tuple[float, float]:
        """The range on pyabc's scale (log10 of the value on a log scale)."""
        if self.scale == "log":
            return math.log10(self.low), math.log10(self.high)
        return float(self.low), float(self.high)

    def to_value(self, x: float) -> float:
        """pyabc's internal number (the logit of the position in the range) -> the value in its unit."""
        lo, hi = self.bounds()
        position = 1.0 / (1.0 + math.exp(-x)) if x > -700 else 0.0
        y = lo + (hi - lo) * position
        return float(10.0 ** y) if self.scale == "log" else float(y)

    def to_internal(self, value: float) -> float:
        """The value in its unit -> pyabc's internal number (a value on a bound is moved 1e-9 inside)."""
        lo, hi = self.bounds()
        y = math.log10(value) if self.scale == "log" else float(value)
        position = min(max((y - lo) / (hi - lo), 1e-9), 1 - 1e-9)
        return math.log(position / (1.0 - position))

    def median(self) -> float:
        """The prior median, in the value's unit (the middle of the range, on the log scale for a log prior)."""
        return self.to_value(0.0)

    @property
    def assumption(self) -> bool:
        """True when no source gives the range."""
        return self.source.strip().lower().startswith("assumption")


def check_priors(priors: Sequence[Prior], source: str = "priors") -> list[Prior]:
    """The priors, checked: every problem of every prior (and duplicated names) in one ScenarioError."""
    problems: list[str] = []
    names = [p.name for p in priors]
    if not priors:
        problems.append("no parameter to calibrate: give at least one prior")
    for n in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"prior {n!r} given twice")
    for p in priors:
        if not isinstance(p, Prior):
            problems.append(f"expected Prior objects; got {type(p).__name__}")
            continue
        problems.extend(p.problems())
    if problems:
        raise ScenarioError(source, problems)
    return list(priors)


def internal_names(priors: Sequence[Prior]) -> list[str]:
    """pyabc's names of the priors' parameters (``p0``, ``p1``, ...)."""
    return [f"p{i}" for i in range(len(priors))]


def pyabc_prior(priors: Sequence[Prior]) -> pyabc.Distribution:
    """The joint prior as pyabc's :class:`~pyabc.Distribution` over the internal names: each the
    standard logistic distribution (the uniform prior on the range, seen through the logit)."""
    return pyabc.Distribution(**{key: pyabc.RV("logistic", 0, 1) for key in internal_names(priors)})


def to_values(priors: Sequence[Prior], parameter: Mapping[str, float]) -> dict[str, float]:
    """pyabc's parameter (internal names) -> ``{prior.name: value}`` in the values' units."""
    return {p.name: p.to_value(float(parameter[k])) for k, p in zip(internal_names(priors), priors, strict=True)}


def prior_frame(priors: Sequence[Prior]) -> Any:
    """One row per prior: ``name, low, high, scale, unit, source, assumption``."""
    rows = [{**asdict(p), "assumption": p.assumption} for p in priors]
    return pd.DataFrame(rows, columns=["name", "low", "high", "scale", "unit", "source", "assumption"])

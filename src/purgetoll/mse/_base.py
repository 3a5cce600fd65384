"""The estimator contract shared by every MSE method.

An estimator is written as its mathematics only: a subclass declares

* ``method``: a short label used in summaries (e.g. ``"loglinear:Mt"``);
* ``_parameter_constraints``: one :class:`Constraint` per constructor option (the option
  check and its error message come from it);
* ``_fit(table) -> Fit``: the computation, returning a :class:`Fit` record.

and the base class does the rest (scikit-learn / lifelines style):

* ``__init__`` only stores options (no logic), ``get_params`` / ``set_params`` / ``clone``;
* ``fit(table)`` validates options and input, calls ``_fit``, checks the result, stores it in
  attributes ending in ``_`` and returns ``self``; a refit replaces every ``_`` attribute:
  ``table_``, ``n_observed_``, ``population_`` (the point estimate, persons), ``se_``,
  ``interval_`` (``(lower, upper)`` of the 95% interval), ``model_`` (the model fitted or
  selected, as text), ``diagnostics_`` (dict), ``draws_`` (bootstrap replicates or posterior
  draws of N, or ``None``), ``ess_`` and ``r_hat_`` (samplers; ``None`` otherwise);
* ``summary()`` (one-row DataFrame ``estimate, se, lower_95, upper_95, n_observed, method``
  plus ``ess, r_hat`` when ``sampler`` is true), ``interval()``, ``print_summary()``,
  ``plot(ax=None)``.

Intervals are always 95% (the ``lower_95`` / ``upper_95`` columns); an estimator whose natural
interval is at another level must say so in its ``method`` label.
"""

from __future__ import annotations

import inspect
import math
import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from purgetoll.errors import ConvergenceError, PurgetollError, StatisticalWarning
from purgetoll.mse._table import CaptureTable

__all__ = [
    "SUMMARY_COLUMNS",
    "SAMPLER_COLUMNS",
    "Constraint",
    "Estimator",
    "Fit",
    "InvalidParameterError",
    "NotFittedError",
]

#: Columns of every ``summary()``, in order.
SUMMARY_COLUMNS = ("estimate", "se", "lower_95", "upper_95", "n_observed", "method")
#: Extra columns of a sampler's ``summary()``.
SAMPLER_COLUMNS = ("ess", "r_hat")


class InvalidParameterError(PurgetollError, ValueError):
    """An estimator option has a value outside its declared constraint."""


class NotFittedError(PurgetollError, RuntimeError):
    """A result was asked of an estimator that has not been fitted yet."""


@dataclass(frozen=True)
class Constraint:
    """What values an option accepts: a description for the message and a check.

    The message reads ``The 'alpha' parameter of LogLinear must be <description>. Got 2
    instead.``
    """

    description: str
    check: Callable[[Any], bool]

    def ok(self, value: Any) -> bool:
        try:
            return bool(self.check(value))
        except (TypeError, ValueError):
            return False


def is_int(value: Any) -> bool:
    """True for an integer that is not a bool."""
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def is_real(value: Any) -> bool:
    """True for a finite real number that is not a bool."""
    return (
        isinstance(value, int | float | np.integer | np.floating)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


SEED = Constraint("an integer >= 0", lambda v: is_int(v) and v >= 0)


@dataclass(frozen=True)
class Fit:
    """What ``_fit`` returns: the estimate of N (persons) and its 95% interval.

    ``se`` may be ``nan`` when the method gives no standard error; ``draws`` holds bootstrap
    replicates or posterior draws of N when the method has them (used to combine strata);
    ``ess`` and ``r_hat`` are for samplers.
    """

    estimate: float
    se: float
    lower: float
    upper: float
    model: str
    diagnostics: dict[str, Any] = field(default_factory=dict)
    draws: np.ndarray | None = None
    ess: float | None = None
    r_hat: float | None = None


class Estimator(ABC):
    """Base class of every MSE estimator (see the module docstring for the contract)."""

    #: Label in summaries and the CLI output.
    method: ClassVar[str] = ""
    #: True for MCMC estimators: their summary carries ``ess`` and ``r_hat``.
    sampler: ClassVar[bool] = False
    #: One entry per constructor option.
    _parameter_constraints: ClassVar[dict[str, Constraint]] = {}

    # ------------------------------------------------------------------ parameters
    @classmethod
    def _param_names(cls) -> list[str]:
        sig = inspect.signature(cls.__init__)
        return [p for p in sig.parameters if p != "self"]

    def get_params(self) -> dict[str, Any]:
        """The constructor options, by name."""
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params: Any) -> Estimator:
        """Change options (validated at the next ``fit``); returns ``self``."""
        valid = self._param_names()
        for name, value in params.items():
            if name not in valid:
                raise InvalidParameterError(
                    f"{type(self).__name__} has no parameter '{name}' (valid: {', '.join(valid)})"
                )
            setattr(self, name, value)
        return self

    def clone(self, **overrides: Any) -> Estimator:
        """A new unfitted estimator with the same options (and ``overrides``)."""
        params = self.get_params()
        params.update(overrides)
        return type(self)(**params)

    def _validate_params(self) -> None:
        name = type(self).__name__
        for key in self._param_names():
            if callable(getattr(Estimator, key, None)):
                raise InvalidParameterError(
                    f"{name} has a parameter '{key}' that hides the method Estimator.{key}; "
                    "rename the parameter"
                )
            if key not in self._parameter_constraints:
                raise InvalidParameterError(
                    f"{name} declares no constraint for its parameter '{key}'"
                )
            value = getattr(self, key)
            constraint = self._parameter_constraints[key]
            if not constraint.ok(value):
                raise InvalidParameterError(
                    f"The '{key}' parameter of {name} must be {constraint.description}. "
                    f"Got {value!r} instead."
                )

    def method_label(self) -> str:
        """The method label of this configured estimator (subclasses may refine it)."""
        return self.method

    # ------------------------------------------------------------------ fitting
    @abstractmethod
    def _fit(self, table: CaptureTable) -> Fit:
        """The mathematics: estimate N from ``table``."""

    def fit(self, table: CaptureTable) -> Estimator:
        """Validate the options and the table, estimate N, store the results; return ``self``."""
        self._validate_params()
        if not isinstance(table, CaptureTable):
            raise TypeError(
                f"{type(self).__name__}.fit expects a purgetoll.mse.CaptureTable; got "
                f"{type(table).__name__} (build one with CaptureTable.from_frame or "
                "read_capture_csv; for strata use purgetoll.mse.Stratified)"
            )
        for attr in [a for a in vars(self) if a.endswith("_") and not a.startswith("_")]:
            delattr(self, attr)
        result = self._fit(table)
        n = table.n_observed
        if not math.isfinite(result.estimate):
            raise ConvergenceError(
                f"{type(self).__name__} on {table.source}: the estimate is not finite. Check: "
                "histories with zero counts that the model needs, a list that recorded everyone "
                "or no one (CaptureTable.uninformative_lists), lists that do not overlap."
            )
        if result.estimate < n - 1e-6 * max(n, 1):
            warnings.warn(
                f"{type(self).__name__} on {table.source}: estimate {result.estimate:.1f} is "
                f"below the {n} individuals observed",
                StatisticalWarning,
                stacklevel=2,
            )
        self.table_ = table
        self.n_observed_ = n
        self.population_ = float(result.estimate)
        self.se_ = float(result.se)
        self.interval_ = (float(result.lower), float(result.upper))
        self.model_ = result.model
        self.diagnostics_ = dict(result.diagnostics)
        self.draws_ = None if result.draws is None else np.asarray(result.draws, dtype=float)
        self.ess_ = result.ess
        self.r_hat_ = result.r_hat
        self.method_ = self.method_label()
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "population_"):
            raise NotFittedError(f"{type(self).__name__} is not fitted yet; call fit(table) first")

    # ------------------------------------------------------------------ results
    def interval(self) -> tuple[float, float]:
        """The 95% interval ``(lower, upper)`` of N (persons)."""
        self._check_fitted()
        return self.interval_

    def summary(self) -> pd.DataFrame:
        """One row: ``estimate, se, lower_95, upper_95, n_observed, method`` (+ ``ess, r_hat``)."""
        self._check_fitted()
        row: dict[str, Any] = {
            "estimate": self.population_,
            "se": self.se_,
            "lower_95": self.interval_[0],
            "upper_95": self.interval_[1],
            "n_observed": self.n_observed_,
            "method": self.method_,
        }
        if self.sampler:
            row["ess"] = np.nan if self.ess_ is None else float(self.ess_)
            row["r_hat"] = np.nan if self.r_hat_ is None else float(self.r_hat_)
        df = pd.DataFrame([row])
        df.attrs["table"] = self.table_.source
        df.attrs["model"] = self.model_
        return df

    def print_summary(self) -> None:
        """Print the summary with the model and the table it was fitted to."""
        df = self.summary()
        print(f"{type(self).__name__} estimate of the population size (persons)")
        print(f"  table: {self.table_.source}  lists: {', '.join(self.table_.lists)}")
        print(f"  model: {self.model_}")
        print(df.to_string(index=False))

    def plot(self, ax: Any = None) -> Any:
        """Draw the estimate with its 95% interval (and the draws, if any); return the axes."""
        self._check_fitted()
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 3))
        if self.draws_ is not None and self.draws_.size:
            ax.hist(self.draws_, bins=40, color="0.8", density=True, label="draws of N")
        ax.axvline(self.population_, color="C0", label=f"estimate {self.population_:,.0f}")
        ax.axvspan(*self.interval_, color="C0", alpha=0.15, label="95% interval")
        ax.axvline(self.n_observed_, color="k", ls=":", label=f"observed {self.n_observed_:,}")
        ax.set_xlabel("population size N (estimate, persons)")
        ax.set_title(f"{self.method_}: {self.model_}", fontsize="small")
        ax.legend(fontsize="small")
        return ax

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

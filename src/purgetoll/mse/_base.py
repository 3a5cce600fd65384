"""The estimator contract shared by every MSE method.

An estimator is written as its mathematics only: a subclass declares

* ``method``: a short label used in summaries (e.g. ``"loglinear:Mt"``);
* ``_parameter_constraints``: one :class:`Constraint` per constructor option (the option
  check and its error message come from it);
* ``_fit(table) -> Fit``: the computation, returning a :class:`Fit` record.

and the base class does the rest (scikit-learn / lifelines style):

* ``__init__`` only stores options (no logic), ``get_params`` / ``set_params`` / ``clone``;
* ``fit(table)`` validates options and input, checks the declared limits of the work
  (:meth:`Estimator._work`, :mod:`purgetoll.limits`) before doing any, calls ``_fit``, applies
  the rules below to the result, stores it in attributes ending in ``_`` and returns ``self``;
  a refit replaces every ``_`` attribute: ``table_``, ``n_observed_``, ``population_`` (the
  point estimate, persons), ``se_``, ``interval_`` (``(lower, upper)`` of the 95% interval),
  ``interval_method_`` (how it was made, or why there is none), ``status_`` (``"ok"`` or why
  the estimate is not estimable), ``model_`` (the model fitted or selected, as text),
  ``diagnostics_`` (dict), ``draws_`` (bootstrap replicates or posterior draws of N, or
  ``None``), ``ess_`` and ``r_hat_`` (samplers; ``None`` otherwise);
* ``summary()`` (one-row DataFrame ``estimate, se, lower_95, upper_95, n_observed, method,
  status, interval`` plus ``ess, r_hat`` when ``sampler`` is true), ``interval()``,
  ``print_summary()``, ``plot(ax=None)``.

The rules every estimator's result goes through, in one place (:meth:`Estimator.fit`):

* **An estimate that does not exist or is not identifiable is never a number.** ``_fit`` says so
  in :attr:`Fit.not_estimable` (the log-linear family by the facial-set test of
  :func:`~purgetoll.mse._existence.unobserved_estimability`; samplers when the posterior reaches
  their bound); a table on which no individual is on two lists, or no one at all, says nothing
  about those missed by every list and is refused for every method; a non-finite estimate is
  not estimable too. Then ``fit`` raises :class:`~purgetoll.errors.NotEstimableError`, or, with
  ``fit(table, mark_not_estimable=True)``, stores NaN for the estimate, s.e. and interval and the
  reason in ``status_`` (and the ``status`` column), so no output shows a number.
* **N is never below the number observed**, so the lower limit is raised to it where a
  symmetric (Wald) interval falls below: that loses no coverage, since N >= n is certain.
* **An interval from draws needs enough of them** (:mod:`purgetoll.intervals`): when
  :attr:`Fit.interval_draws` (the effective number of bootstrap replicates or posterior draws the
  interval was estimated from) is below :data:`purgetoll.intervals.MIN_DRAWS_QUANTILE`, there is
  no interval (NaN) and ``interval_method_`` says so.

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

from purgetoll.errors import NotEstimableError, PurgetollError, StatisticalWarning
from purgetoll.intervals import MIN_DRAWS_QUANTILE
from purgetoll.limits import check_all
from purgetoll.mse._table import CaptureTable

__all__ = [
    "SUMMARY_COLUMNS",
    "SAMPLER_COLUMNS",
    "Constraint",
    "Estimator",
    "Fit",
    "InvalidParameterError",
    "NotEstimable",
    "NotFittedError",
    "table_not_estimable",
]

#: Columns of every ``summary()``, in order.
SUMMARY_COLUMNS = ("estimate", "se", "lower_95", "upper_95", "n_observed", "method", "status", "interval")
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
class NotEstimable:
    """Why an estimate of N is not a number: ``kind`` is ``"does not exist"`` or ``"is not
    identifiable"``; ``reason`` says why, in the user's terms (lists, histories, the model)."""

    kind: str
    reason: str

    def text(self) -> str:
        return f"not estimable: the estimate of N {self.kind}: {self.reason}"


@dataclass(frozen=True)
class Fit:
    """What ``_fit`` returns: the estimate of N (persons) and its 95% interval.

    ``se`` may be ``nan`` when the method gives no standard error; ``draws`` holds bootstrap
    replicates or posterior draws of N when the method has them (used to combine strata);
    ``ess`` and ``r_hat`` are for samplers. ``not_estimable`` is set (and the numbers are
    ignored) when the estimate does not exist or is not identifiable. ``interval_method`` says
    how the interval was made; ``interval_draws`` is the (effective) number of draws it was
    estimated from when it comes from draws (``None`` for analytic intervals).
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
    not_estimable: NotEstimable | None = None
    interval_method: str = ""
    interval_draws: float | None = None

    @classmethod
    def none(cls, why: NotEstimable, model: str, diagnostics: dict[str, Any] | None = None) -> Fit:
        """A result that is not a number: the estimate does not exist or is not identifiable."""
        nan = math.nan
        return cls(nan, nan, nan, nan, model, dict(diagnostics or {}), not_estimable=why)


def table_not_estimable(table: CaptureTable) -> NotEstimable | None:
    """What makes every method's estimate of N meaningless on this table, if anything.

    No one observed, or no one on two lists: the overlaps of the lists are the only information
    about those missed by all of them, so every estimate would be the model's or the prior's.
    """
    if table.n_observed == 0:
        return NotEstimable("does not exist", "no individual is observed on any list")
    on_two = table.histories().sum(axis=1) >= 2
    if not np.any(table.counts[on_two] > 0):
        return NotEstimable(
            "does not exist",
            f"no individual is on more than one of the lists {', '.join(table.lists)}: without an "
            "overlap nothing in the table bounds the number on no list",
        )
    return None


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

    def _work(self, table: CaptureTable) -> list[tuple[str, float, str]]:
        """The size of the job on ``table``: ``(limit name, amount, how to make it smaller)`` for
        each declared limit of :mod:`purgetoll.limits` it touches. Checked before ``_fit``."""
        return []

    def fit(self, table: CaptureTable, *, mark_not_estimable: bool = False,
            limits: dict[str, float] | None = None) -> Estimator:
        """Validate the options and the table, estimate N, store the results; return ``self``.

        ``mark_not_estimable``: when the estimate does not exist or is not identifiable, store a
        result marked as such (NaN numbers, ``status_`` saying why) instead of raising
        :class:`~purgetoll.errors.NotEstimableError`. ``limits`` raises declared limits
        (:mod:`purgetoll.limits`), e.g. ``{"mse_boot": 50000}``.
        """
        self._validate_params()
        if not isinstance(table, CaptureTable):
            raise TypeError(
                f"{type(self).__name__}.fit expects a purgetoll.mse.CaptureTable; got "
                f"{type(table).__name__} (build one with CaptureTable.from_frame or "
                "read_capture_csv; for strata use purgetoll.mse.Stratified)"
            )
        for attr in [a for a in vars(self) if a.endswith("_") and not a.startswith("_")]:
            delattr(self, attr)
        job = f"{self.method_label()} on {table.source}"
        check_all(self._work(table), limits, job=job)
        why = table_not_estimable(table)
        result = Fit.none(why, self.method_label()) if why is not None else self._fit(table)
        n = table.n_observed
        if result.not_estimable is None and not math.isfinite(result.estimate):
            result = Fit.none(NotEstimable("does not exist", "the estimate is not finite"), result.model,
                              result.diagnostics)
        self.table_ = table
        self.n_observed_ = n
        self.model_ = result.model
        self.method_ = self.method_label()
        if result.not_estimable is not None:
            self._store_not_estimable(result.not_estimable, job, mark_not_estimable)
            return self
        if result.estimate < n - 1e-6 * max(n, 1):
            warnings.warn(
                f"{job}: estimate {result.estimate:.1f} is below the {n} individuals observed",
                StatisticalWarning,
                stacklevel=2,
            )
        lower, upper = float(result.lower), float(result.upper)
        method = result.interval_method
        if result.interval_draws is not None and not result.interval_draws >= MIN_DRAWS_QUANTILE:
            lower = upper = math.nan
            draws = f"{result.interval_draws:.0f} effective draw" + ("" if round(result.interval_draws) == 1 else "s")
            method = f"no interval: {draws} (a 95% interval needs at least {MIN_DRAWS_QUANTILE})"
        else:
            if lower < n:
                lower = float(n)  # N >= n is certain: a lower limit below it loses no coverage when raised
            if upper == math.inf:  # JSON and CSV cannot say infinity; the text does
                method = f"{method}; the upper limit is unbounded (infinite)"
        self.population_ = float(result.estimate)
        self.se_ = float(result.se)
        self.interval_ = (lower, upper)
        self.interval_method_ = method
        self.status_ = "ok"
        self.diagnostics_ = dict(result.diagnostics)
        self.draws_ = None if result.draws is None else np.asarray(result.draws, dtype=float)
        self.ess_ = result.ess
        self.r_hat_ = result.r_hat
        return self

    def _store_not_estimable(self, why: NotEstimable, job: str, mark: bool) -> None:
        if not mark:
            raise NotEstimableError(
                f"{job}: the estimate of N {why.kind}: {why.reason}. No number is reported; to get a "
                "result marked as not estimable, pass mark_not_estimable=True (CLI: --mark-not-estimable)"
            )
        nan = math.nan
        self.population_ = nan
        self.se_ = nan
        self.interval_ = (nan, nan)
        self.interval_method_ = "no interval: no estimate"
        self.status_ = why.text()
        self.diagnostics_ = {"not_estimable": why.kind, "reason": why.reason}
        self.draws_ = None
        self.ess_ = None
        self.r_hat_ = None

    @property
    def estimable_(self) -> bool:
        """True when the fitted result is a number (``status_ == "ok"``)."""
        self._check_fitted()
        return self.status_ == "ok"

    def _check_fitted(self) -> None:
        if not hasattr(self, "population_"):
            raise NotFittedError(f"{type(self).__name__} is not fitted yet; call fit(table) first")

    # ------------------------------------------------------------------ results
    def interval(self) -> tuple[float, float]:
        """The 95% interval ``(lower, upper)`` of N (persons); NaN when there is none."""
        self._check_fitted()
        return self.interval_

    def summary(self) -> pd.DataFrame:
        """One row: ``estimate, se, lower_95, upper_95, n_observed, method, status, interval``
        (+ ``ess, r_hat``)."""
        self._check_fitted()
        row: dict[str, Any] = {
            "estimate": self.population_,
            "se": self.se_,
            "lower_95": self.interval_[0],
            "upper_95": self.interval_[1],
            "n_observed": self.n_observed_,
            "method": self.method_,
            "status": self.status_,
            "interval": self.interval_method_,
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
        print(f"  status: {self.status_}")
        print(f"  interval: {self.interval_method_}")
        print(df.drop(columns=["status", "interval"]).to_string(index=False, na_rep="none"))

    def plot(self, ax: Any = None) -> Any:
        """Draw the estimate with its 95% interval (and the draws, if any); return the axes."""
        self._check_fitted()
        import matplotlib.pyplot as plt  # start-up: +0.41 s CPU on every mse command; only plot() needs it

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 3))
        if not self.estimable_:
            ax.text(0.5, 0.5, self.status_, ha="center", va="center", wrap=True, transform=ax.transAxes)
            ax.set_title(f"{self.method_}: {self.model_}", fontsize="small")
            return ax
        if self.draws_ is not None and self.draws_.size:
            ax.hist(self.draws_, bins=40, color="0.8", density=True, label="draws of N")
        ax.axvline(self.population_, color="C0", label=f"estimate {self.population_:,.0f}")
        if all(map(math.isfinite, self.interval_)):
            ax.axvspan(*self.interval_, color="C0", alpha=0.15, label="95% interval")
        ax.axvline(self.n_observed_, color="k", ls=":", label=f"observed {self.n_observed_:,}")
        ax.set_xlabel("population size N (estimate, persons)")
        ax.set_title(f"{self.method_}: {self.model_}", fontsize="small")
        ax.legend(fontsize="small")
        return ax

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

"""Estimates per stratum (sex, age group, region, ...) and their correct combination.

One estimator is fitted per stratum (each a clone of a template; an estimator with a ``seed``
gets a seed keyed on the stratum, so strata draw independent streams). Totals over strata, or
over the strata of one margin (e.g. all men), are combined by the rule that keeps them right:

* estimators with draws of N (bootstrap replicates, posterior draws): the draws of the strata
  are summed element by element (strata are independent, so the b-th draw of the sum is a draw
  of the total) and the interval is the 2.5% / 97.5% quantiles of the sums. For samplers the
  estimate is the median of the summed draws: the sum of the stratum medians is not the median
  of the total and is never used. For bootstrap methods the estimate is the sum of the stratum
  estimates (the MLE of a total is the sum of the MLEs), with the percentile interval of the
  summed replicates;
* deterministic estimators without draws (log-linear models): the estimate is the sum, the
  standard error ``sqrt(sum se^2)`` and the interval the normal (Wald) interval.

Every total's lower limit is at least the number observed in its strata (N >= n is certain), an
interval from summed draws needs enough effective draws (:mod:`purgetoll.intervals`), and a
stratum whose estimate does not exist makes every total that contains it not estimable.

Counts are persons.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from purgetoll.errors import DataError, NotEstimableError
from purgetoll.intervals import MIN_DRAWS_QUANTILE
from purgetoll.mse._base import SEED, Constraint, Estimator, Fit, InvalidParameterError
from purgetoll.mse._rng import keyed_rng
from purgetoll.mse._table import CaptureTable, StratifiedTable

__all__ = ["Stratified", "combine"]

Z95 = float(stats.norm.ppf(0.975))


def _summed_quantiles(total: np.ndarray) -> tuple[float, float]:
    """2.5% and 97.5% quantiles of summed draws, some of which may be infinite."""
    huge = 1e300
    q = np.quantile(np.minimum(total, huge), [0.025, 0.975])
    return tuple(float(v) if v < huge / 10 else math.inf for v in q)  # type: ignore[return-value]


def combine(fits: Sequence[Estimator], *, sampler: bool) -> dict[str, Any]:
    """Combine fitted estimators of disjoint strata into the estimate of their total.

    Every fit must be estimable (``status_ == "ok"``). The lower limit is never below the
    number observed in the strata combined; an interval from summed draws needs as many
    effective draws as any interval from draws (:mod:`purgetoll.intervals`): the fewest of the
    strata's (their ESS for samplers, their number of replicates otherwise).
    """
    n_obs = int(sum(f.n_observed_ for f in fits))
    draws = [f.draws_ for f in fits if f.draws_ is not None]
    if len(draws) == len(fits):
        lengths = {len(d) for d in draws}
        if len(lengths) != 1:
            raise InvalidParameterError(
                f"cannot sum draws of different lengths across strata: {sorted(lengths)}"
            )
        total = np.sum(np.vstack(draws), axis=0)
        lower, upper = _summed_quantiles(total)
        if sampler:
            estimate = float(np.median(total))
            rule = "median and quantiles of summed posterior draws"
        else:
            estimate = float(sum(f.population_ for f in fits))
            rule = "sum of estimates; percentile interval of summed bootstrap replicates"
        finite = total[np.isfinite(total)]
        se = float(np.std(finite, ddof=1)) if finite.size > 1 else math.nan
        effective = float(len(total))
        for f in fits:
            if f.ess_ is not None and math.isfinite(f.ess_):
                effective = min(effective, float(f.ess_))
        method = f"{rule}: {len(total)} draws"
        if effective < MIN_DRAWS_QUANTILE:
            lower = upper = math.nan
            method = (f"no interval: {effective:.0f} effective draws (a 95% interval needs at least "
                      f"{MIN_DRAWS_QUANTILE})")
        else:
            lower, upper = max(min(lower, estimate), n_obs), max(upper, estimate)
        return {
            "estimate": estimate,
            "se": se,
            "lower_95": lower,
            "upper_95": upper,
            "n_observed": n_obs,
            "rule": rule,
            "interval": method,
            "draws": total,
        }
    if any(d is not None for d in draws):
        raise InvalidParameterError("some strata have draws of N and others do not")
    estimate = float(sum(f.population_ for f in fits))
    se = float(np.sqrt(sum(f.se_**2 for f in fits)))
    return {
        "estimate": estimate,
        "se": se,
        "lower_95": max(estimate - Z95 * se, n_obs),
        "upper_95": estimate + Z95 * se,
        "n_observed": n_obs,
        "rule": "sum of estimates; Wald interval with sqrt(sum se^2)",
        "interval": "Wald: sum +/- 1.96 sqrt(sum se^2), raised to the number observed where below it",
        "draws": None,
    }


def _not_estimable_total(fits: Sequence[Estimator], labels: Sequence[str], n_obs: int) -> dict[str, Any]:
    bad = [lab for f, lab in zip(fits, labels, strict=True) if not f.estimable_]
    nan = math.nan
    return {"estimate": nan, "se": nan, "lower_95": nan, "upper_95": nan, "n_observed": n_obs,
            "rule": "not estimable", "interval": "no interval: no estimate", "draws": None,
            "status": f"not estimable: the estimate of N does not exist for stratum {'; '.join(bad)}, "
                      "so neither does the total"}


class Stratified(Estimator):
    """Fit ``estimator`` to every stratum of a :class:`StratifiedTable` and combine.

    Parameters
    ----------
    estimator:
        An unfitted estimator used as a template (cloned once per stratum).
    seed:
        Base seed; a stratum's estimator gets a seed keyed on (seed, stratum), if it has one.

    After ``fit``: ``population_``, ``interval_`` and ``summary()`` are for the total over all
    strata; ``strata_`` has one summary row per stratum; ``by("Gender")`` totals per level of
    one or more stratum columns.
    """

    method = "stratified"
    _parameter_constraints = {
        "estimator": Constraint(
            "an unfitted purgetoll.mse estimator", lambda v: isinstance(v, Estimator)
        ),
        "seed": SEED,
    }

    def __init__(self, estimator: Estimator, seed: int = 0) -> None:
        self.estimator = estimator
        self.seed = seed

    @property
    def sampler(self) -> bool:  # type: ignore[override]
        return bool(getattr(self.estimator, "sampler", False))

    def method_label(self) -> str:
        return f"stratified {self.estimator.method_label()}"

    def _stratum_estimator(self, key: tuple) -> Estimator:
        est = self.estimator.clone()
        if "seed" in est.get_params():
            label = "|".join(map(str, key))
            est.set_params(seed=int(keyed_rng(self.seed, "strata.seed", label).integers(2**31)))
        return est

    def _label(self, key: tuple) -> str:
        return ", ".join(f"{s}={v}" for s, v in zip(self.strata_names_, key, strict=True))

    def fit(self, table: StratifiedTable, *, mark_not_estimable: bool = False,  # type: ignore[override]
            limits: dict[str, float] | None = None) -> Stratified:
        """Fit every stratum, then combine; returns ``self``.

        A stratum whose estimate does not exist or is not identifiable makes the total not
        estimable too: :class:`~purgetoll.errors.NotEstimableError` naming the stratum, or with
        ``mark_not_estimable`` a result whose stratum rows, margins and total say so.
        """
        self._validate_params()
        if not isinstance(table, StratifiedTable):
            raise TypeError(
                f"Stratified.fit expects a purgetoll.mse.StratifiedTable; got {type(table).__name__}"
            )
        for attr in [a for a in vars(self) if a.endswith("_") and not a.startswith("_")]:
            delattr(self, attr)
        self.strata_names_ = table.strata
        fits: dict[tuple, Estimator] = {}
        for key, sub in table:
            try:
                fits[key] = self._stratum_estimator(key).fit(sub, mark_not_estimable=True, limits=limits)
            except DataError:
                raise
            except Exception as err:  # name the stratum, keep the cause
                try:
                    named = type(err)(f"stratum {self._label(key)}: {err}")
                except Exception:  # an exception type that takes other arguments
                    raise err from None
                raise named from err
        bad = [(key, f) for key, f in fits.items() if not f.estimable_]
        if bad and not mark_not_estimable:
            key, f = bad[0]
            more = f" (and {len(bad) - 1} other strata)" if len(bad) > 1 else ""
            raise NotEstimableError(
                f"stratum {self._label(key)}{more}: {f.method_} on {f.table_.source}: "
                f"{f.status_.removeprefix('not estimable: ')}. No number is reported; to get a result marked "
                "as not estimable, pass mark_not_estimable=True (CLI: --mark-not-estimable)"
            )
        self.fits_ = fits
        self.table_ = table  # type: ignore[assignment]  # a stratified fit's table is the StratifiedTable it was given
        rows = []
        for key, f in fits.items():
            row = dict(zip(table.strata, key, strict=True))
            row.update(f.summary().iloc[0].to_dict())
            row["model"] = f.model_
            rows.append(row)
        self.strata_ = pd.DataFrame(rows)
        total = self._total(list(fits.items()))
        self.n_observed_ = total["n_observed"]
        self.population_ = total["estimate"]
        self.se_ = total["se"]
        self.interval_ = (total["lower_95"], total["upper_95"])
        self.interval_method_ = total["interval"]
        self.status_ = total.get("status", "ok")
        self.model_ = f"per stratum of {', '.join(table.strata)}"
        self.diagnostics_ = {"combination": total["rule"], "strata": len(fits)}
        self.draws_ = total["draws"]
        self.ess_ = None
        self.r_hat_ = None
        self.method_ = self.method_label()
        return self

    def _total(self, items: list[tuple[tuple, Estimator]]) -> dict[str, Any]:
        fits = [f for _, f in items]
        if all(f.estimable_ for f in fits):
            return combine(fits, sampler=self.sampler)
        n_obs = int(sum(f.n_observed_ for f in fits))
        return _not_estimable_total(fits, [self._label(k) for k, _ in items], n_obs)

    def _fit(self, table: CaptureTable) -> Fit:  # pragma: no cover - fit is overridden
        # Stratified.fit() fits each stratum with the inner estimator; there is no pooled fit.
        raise TypeError("Stratified has no pooled fit: call fit() on a StratifiedTable")

    def by(self, *columns: str) -> pd.DataFrame:
        """Totals by the levels of stratum ``columns`` (e.g. ``by("Gender")``), with intervals."""
        self._check_fitted()
        bad = [c for c in columns if c not in self.strata_names_]
        if bad or not columns:
            raise InvalidParameterError(
                f"by() needs stratum columns among {', '.join(self.strata_names_)}; got "
                f"{', '.join(columns) if columns else 'none'}"
            )
        idx = [self.strata_names_.index(c) for c in columns]
        groups: dict[tuple, list[tuple[tuple, Estimator]]] = {}
        for key, f in self.fits_.items():
            groups.setdefault(tuple(key[i] for i in idx), []).append((key, f))
        rows = []
        for level, items in groups.items():
            total = self._total(items)
            row = dict(zip(columns, level, strict=True))
            row.update(
                {k: total[k] for k in ("estimate", "se", "lower_95", "upper_95", "n_observed")}
            )
            row["method"] = self.method_
            row["status"] = total.get("status", "ok")
            row["interval"] = total["interval"]
            rows.append(row)
        return pd.DataFrame(rows)

    def summary(self) -> pd.DataFrame:
        df = super().summary()
        df.attrs["table"] = self.table_.source
        return df

    def print_summary(self) -> None:
        print(
            f"Stratified estimate of the population size (persons), {self.diagnostics_['combination']}"
        )
        print(self.strata_.to_string(index=False))
        print("total:")
        print(self.summary().to_string(index=False))

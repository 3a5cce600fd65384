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

Counts are persons.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from purgetoll.errors import DataError
from purgetoll.mse._base import SEED, Constraint, Estimator, Fit, InvalidParameterError
from purgetoll.mse._rng import keyed_rng
from purgetoll.mse._table import CaptureTable, StratifiedTable

__all__ = ["Stratified", "combine"]

Z95 = float(stats.norm.ppf(0.975))


def combine(fits: Sequence[Estimator], *, sampler: bool) -> dict[str, Any]:
    """Combine fitted estimators of disjoint strata into the estimate of their total."""
    n_obs = int(sum(f.n_observed_ for f in fits))
    draws = [f.draws_ for f in fits]
    if all(d is not None for d in draws):
        lengths = {len(d) for d in draws}
        if len(lengths) != 1:
            raise InvalidParameterError(
                f"cannot sum draws of different lengths across strata: {sorted(lengths)}"
            )
        total = np.sum(np.vstack(draws), axis=0)
        lower, upper = np.quantile(total, [0.025, 0.975])
        if sampler:
            estimate = float(np.median(total))
            rule = "median and quantiles of summed posterior draws"
        else:
            estimate = float(sum(f.population_ for f in fits))
            rule = "sum of estimates; percentile interval of summed bootstrap replicates"
        se = float(np.std(total, ddof=1))
        return {
            "estimate": estimate,
            "se": se,
            "lower_95": float(min(lower, estimate)),
            "upper_95": float(max(upper, estimate)),
            "n_observed": n_obs,
            "rule": rule,
            "draws": total,
        }
    if any(d is not None for d in draws):
        raise InvalidParameterError("some strata have draws of N and others do not")
    estimate = float(sum(f.population_ for f in fits))
    se = float(np.sqrt(sum(f.se_**2 for f in fits)))
    return {
        "estimate": estimate,
        "se": se,
        "lower_95": estimate - Z95 * se,
        "upper_95": estimate + Z95 * se,
        "n_observed": n_obs,
        "rule": "sum of estimates; Wald interval with sqrt(sum se^2)",
        "draws": None,
    }


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

    def fit(self, table: StratifiedTable) -> Stratified:  # type: ignore[override]
        """Fit every stratum, then combine; returns ``self``."""
        self._validate_params()
        if not isinstance(table, StratifiedTable):
            raise TypeError(
                f"Stratified.fit expects a purgetoll.mse.StratifiedTable; got {type(table).__name__}"
            )
        for attr in [a for a in vars(self) if a.endswith("_") and not a.startswith("_")]:
            delattr(self, attr)
        fits: dict[tuple, Estimator] = {}
        for key, sub in table:
            try:
                fits[key] = self._stratum_estimator(key).fit(sub)
            except DataError:
                raise
            except Exception as err:  # name the stratum, keep the cause
                label = ", ".join(f"{s}={v}" for s, v in zip(table.strata, key, strict=True))
                try:
                    named = type(err)(f"stratum {label}: {err}")
                except Exception:  # an exception type that takes other arguments
                    raise err from None
                raise named from err
        self.fits_ = fits
        self.table_ = table
        self.strata_names_ = table.strata
        rows = []
        for key, f in fits.items():
            row = dict(zip(table.strata, key, strict=True))
            row.update(f.summary().iloc[0].to_dict())
            row["model"] = f.model_
            rows.append(row)
        self.strata_ = pd.DataFrame(rows)
        total = combine(list(fits.values()), sampler=self.sampler)
        self.n_observed_ = total["n_observed"]
        self.population_ = total["estimate"]
        self.se_ = total["se"]
        self.interval_ = (total["lower_95"], total["upper_95"])
        self.model_ = f"per stratum of {', '.join(table.strata)}"
        self.diagnostics_ = {"combination": total["rule"], "strata": len(fits)}
        self.draws_ = total["draws"]
        self.ess_ = None
        self.r_hat_ = None
        self.method_ = self.method_label()
        return self

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
        groups: dict[tuple, list[Estimator]] = {}
        for key, f in self.fits_.items():
            groups.setdefault(tuple(key[i] for i in idx), []).append(f)
        rows = []
        for level, fits in groups.items():
            total = combine(fits, sampler=self.sampler)
            row = dict(zip(columns, level, strict=True))
            row.update(
                {k: total[k] for k in ("estimate", "se", "lower_95", "upper_95", "n_observed")}
            )
            row["method"] = self.method_
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

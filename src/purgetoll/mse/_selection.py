"""Model ranking by AIC and BIC, and the minimum-BIC estimator.

Two families of candidate models:

The minimum-BIC estimator leaves out, by default, the models Rcapture flags with "the
asymptotic bias is large".

* ``"rcapture"``: the models Rcapture's ``closedp.t`` fits (M0, Mt, Mh and Mth with Chao,
  Poisson2, Darroch and Gamma3.5 heterogeneity; Mb and Mbh are left out: they model a
  behavioural response to capture, which has no meaning for lists);
* ``"hierarchical"``: Mt plus every hierarchical set of list interactions up to ``max_order``
  (the family of Rcapture's ``closedpMS.t``).

AIC is ``-2 loglik + 2 p`` and BIC ``-2 loglik + log(n) p`` with the Poisson log-likelihood of
the observed cells, ``p`` the number of estimated coefficients and ``n`` the number of
individuals observed (Rcapture 1.4-4).
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd

from purgetoll.errors import BoundaryWarning, StatisticalWarning
from purgetoll.limits import check, limit_value
from purgetoll.mse._base import (
    Constraint,
    Estimator,
    Fit,
    InvalidParameterError,
    NotEstimable,
    is_int,
    table_not_estimable,
)
from purgetoll.mse._design import ModelSpec, parse_model
from purgetoll.mse._existence import disjoint_pairs, unobserved_estimability
from purgetoll.mse._loglinear import LogLinear, fit_loglinear
from purgetoll.mse._registry import register
from purgetoll.mse._table import CaptureTable

__all__ = ["MinBIC", "hierarchical_models", "rank_models", "rcapture_models"]

#: Most candidate models :func:`hierarchical_models` enumerates by default (the declared limit
#: ``mse_models`` of :mod:`purgetoll.limits`; beyond it, use stepwise selection).
MAX_MODELS = 40_000


def rcapture_models(n_lists: int) -> list[ModelSpec]:
    """The ``closedp.t`` candidates (without Mb, Mbh); only M0 and Mt for two lists."""
    names = ["M0", "Mt"]
    if n_lists >= 3:
        for base in ("Mh", "Mth"):
            names += [f"{base}-{h}" for h in ("Chao", "Poisson2", "Darroch", "Gamma3.5")]
    return [parse_model(m, n_lists) for m in names]


def hierarchical_models(
    n_lists: int, max_order: int = 2, *, max_models: int = MAX_MODELS
) -> list[ModelSpec]:
    """Every hierarchical Mt model with interactions of order 2..``max_order``.

    A set of terms is hierarchical when each term's sub-terms of order >= 2 are in the set.
    Raises :class:`InvalidParameterError` when there would be more than ``max_models``.
    """
    if max_order < 1 or max_order > n_lists - 1:
        raise InvalidParameterError(
            f"max_order must be between 1 and {n_lists - 1} (the number of lists minus one; "
            f"the {n_lists}-way term is confounded with the unobserved cell); got {max_order}"
        )
    terms = [t for r in range(2, max_order + 1) for t in itertools.combinations(range(n_lists), r)]
    models: list[frozenset[tuple[int, ...]]] = []

    def grow(i: int, chosen: frozenset[tuple[int, ...]]) -> None:
        if len(models) > max_models:
            return
        if i == len(terms):
            models.append(chosen)
            return
        grow(i + 1, chosen)
        term = terms[i]
        subs = [s for s in itertools.combinations(term, len(term) - 1) if len(s) >= 2]
        if all(s in chosen for s in subs):
            grow(i + 1, chosen | {term})

    grow(0, frozenset())
    if len(models) > max_models:
        check("mse_models", len(models), {"mse_models": max_models},
              job=f"the hierarchical models on {n_lists} lists up to order {max_order}",
              advice="lower max_order or use stepwise selection (method 'stepwise')", at_least=True)
    return [ModelSpec("Mt", None, m) for m in models]


def rank_models(
    table: CaptureTable,
    *,
    family: str = "hierarchical",
    max_order: int = 2,
    criterion: str = "bic",
    limits: dict[str, float] | None = None,
) -> pd.DataFrame:
    """Fit every candidate model and rank them by ``criterion`` (``"bic"`` or ``"aic"``).

    Columns: ``model`` (readable name), ``spec`` (CLI string), ``n_params``, ``deviance``,
    ``df``, ``aic``, ``bic``, ``estimate`` (persons), ``se``, ``converged``, ``bias``
    (Rcapture's asymptotic bias of the estimate, persons), ``large_bias`` (Rcapture's
    warning: |bias| > 10% of the estimate) and ``status`` (``"ok"`` or why the model's estimate
    of N is not estimable). Only models with status ``ok`` and a finite criterion are ranked;
    the others follow, unranked, with NaN for every number and the reason in ``status`` (an
    estimate that does not exist is never a number, and a criterion of -inf never wins).

    ``limits`` raises the declared limits (``mse_lists``, ``mse_models``; :mod:`purgetoll.limits`).
    """
    if family not in ("rcapture", "hierarchical"):
        raise InvalidParameterError(f"family must be 'rcapture' or 'hierarchical'; got {family!r}")
    if criterion not in ("aic", "bic"):
        raise InvalidParameterError(f"criterion must be 'aic' or 'bic'; got {criterion!r}")
    job = f"ranking models on {table.source}"
    check("mse_lists", table.n_lists, limits, job=job, advice="merge lists or drop some")
    if family == "rcapture":
        specs = rcapture_models(table.n_lists)
    else:
        specs = hierarchical_models(table.n_lists, max_order,
                                    max_models=int(limit_value("mse_models", limits)))
    whole = table_not_estimable(table)
    pairs = disjoint_pairs(table)
    rows = []
    for spec in specs:
        row: dict = {"model": spec.name(table.lists), "spec": spec.cli_name()}
        res = None if whole is not None else fit_loglinear(table, spec)
        why = whole
        if res is not None:
            e = unobserved_estimability(res.design, table.counts, zero_pairs=pairs)
            why = None if e.ok else NotEstimable(e.kind or "", e.reason)
        if why is None and res is not None and np.isfinite(res.estimate):
            row.update({
                "n_params": res.glm.rank,
                "deviance": res.glm.deviance,
                "df": res.glm.df_residual,
                "aic": res.glm.aic,
                "bic": res.bic(),
                "estimate": res.estimate,
                "se": res.se,
                "converged": res.glm.converged,
                "bias": res.asymptotic_bias(),
                "large_bias": res.large_bias(),
                "status": "ok",
            })
            if not np.isfinite(row[criterion]):
                row["status"] = f"not ranked: {criterion.upper()} is {row[criterion]}"
        else:
            reason = why.text() if why is not None else "not estimable: the estimate of N is not finite"
            row.update({c: np.nan for c in _NUMBERS})
            row.update({"converged": False, "large_bias": False, "status": reason})
        rows.append(row)
    df = pd.DataFrame(rows, columns=_COLUMNS)
    # Models whose fitted values coincide (e.g. every Mth heterogeneity form on three lists,
    # where h(k) is always in the span of the main effects) tie up to rounding noise; rank
    # them by the criterion rounded to 1e-6 and then in candidate order (Rcapture's table
    # order, which is what R's which.min returns among exact ties).
    ranked = (df["status"] == "ok").to_numpy()
    key = np.where(ranked, df[criterion].round(6).to_numpy(dtype=float), np.inf)
    order = np.lexsort((np.arange(len(df)), key, ~ranked))
    return df.iloc[order].reset_index(drop=True)


_NUMBERS = ("n_params", "deviance", "df", "aic", "bic", "estimate", "se", "bias")
_COLUMNS = ["model", "spec", "n_params", "deviance", "df", "aic", "bic", "estimate", "se", "converged", "bias",
            "large_bias", "status"]


class MinBIC(Estimator):
    """The log-linear model with the smallest BIC (or AIC) among a family of candidates.

    Parameters
    ----------
    family:
        ``"rcapture"`` (default: the ``closedp.t`` models, so the choice matches Rcapture's
        table) or ``"hierarchical"`` (Mt with hierarchical interactions up to ``max_order``).
    max_order:
        Highest interaction order of the hierarchical family (2 = two-list interactions).
    criterion:
        ``"bic"`` (default) or ``"aic"``.
    ci:
        Interval of the selected model: ``"profile"`` or ``"wald"`` (conditional on the
        selection: it ignores the uncertainty of choosing the model).
    exclude_large_bias:
        Leave out models that Rcapture flags "the asymptotic bias is large" (|bias| > 10% of
        the estimate), as an analyst reading Rcapture's table does; default true. This is what
        reproduces the reference min-BIC choices (on ``sparsemse_Artificial_3`` it excludes Mt,
        whose BIC is lowest but whose bias is 74 on an estimate of 539). If every model is
        flagged, all are used and a :class:`StatisticalWarning` says so.
    """

    method = "bic"
    _parameter_constraints = {
        "family": Constraint(
            "one of 'rcapture', 'hierarchical'", lambda v: v in ("rcapture", "hierarchical")
        ),
        "max_order": Constraint("an integer >= 1", lambda v: is_int(v) and v >= 1),
        "criterion": Constraint("one of 'bic', 'aic'", lambda v: v in ("bic", "aic")),
        "ci": Constraint("one of 'profile', 'wald'", lambda v: v in ("profile", "wald")),
        "exclude_large_bias": Constraint("True or False", lambda v: isinstance(v, bool)),
    }

    def __init__(
        self,
        family: str = "rcapture",
        max_order: int = 2,
        criterion: str = "bic",
        ci: str = "profile",
        exclude_large_bias: bool = True,
    ) -> None:
        self.family = family
        self.max_order = max_order
        self.criterion = criterion
        self.ci = ci
        self.exclude_large_bias = exclude_large_bias

    def method_label(self) -> str:
        return "bic" if self.criterion == "bic" else "aic"

    def _work(self, table: CaptureTable) -> list[tuple[str, float, str]]:
        return [("mse_lists", table.n_lists, "merge lists or drop some, or use the 'lcm' method")]

    def _fit(self, table: CaptureTable) -> Fit:
        ranking = rank_models(
            table, family=self.family, max_order=self.max_order, criterion=self.criterion,
            limits={"mse_lists": table.n_lists},  # checked by fit(), with the caller's limits
        )
        self.ranking_ = ranking
        ranking = ranking[ranking["status"] == "ok"]
        if ranking.empty:
            reasons = sorted(set(self.ranking_["status"]))
            return Fit.none(NotEstimable("does not exist", "no candidate model estimates N (" + "; ".join(reasons)
                                         + ")"), "no model")
        eligible = ranking
        if self.exclude_large_bias:
            eligible = ranking[~ranking["large_bias"]]
            if eligible.empty:
                warnings.warn(
                    f"MinBIC on {table.source}: every candidate has a large asymptotic bias; "
                    "choosing among all of them",
                    StatisticalWarning,
                    stacklevel=3,
                )
                eligible = ranking
        best = eligible.iloc[0]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            inner = LogLinear(model=best["spec"], ci=self.ci).fit(table, limits={"mse_lists": table.n_lists})
        for w in caught:  # re-raise the selected model's warnings with this estimator's name
            if issubclass(w.category, BoundaryWarning):
                warnings.warn(str(w.message), BoundaryWarning, stacklevel=3)
        diagnostics = dict(inner.diagnostics_)
        diagnostics["candidates"] = len(self.ranking_)
        diagnostics["not_estimable_candidates"] = int(len(self.ranking_) - len(ranking))
        diagnostics["excluded_large_bias"] = int(len(ranking) - len(eligible))
        diagnostics["selected_spec"] = best["spec"]
        if len(eligible) > 1:
            diagnostics["delta_" + self.criterion + "_next"] = float(
                eligible[self.criterion].iloc[1] - best[self.criterion]
            )
        return Fit(
            estimate=inner.population_,
            se=inner.se_,
            lower=inner.interval_[0],
            upper=inner.interval_[1],
            model=inner.model_,
            diagnostics=diagnostics,
            interval_method=inner.interval_method_ + ", given the selected model",
        )


register(
    "bic",
    lambda spec, seed: MinBIC(criterion="bic"),
    description="the Rcapture log-linear model (M0, Mt, Mh, Mth) with the smallest BIC",
)
register(
    "aic",
    lambda spec, seed: MinBIC(criterion="aic"),
    description="the Rcapture log-linear model (M0, Mt, Mh, Mth) with the smallest AIC",
)

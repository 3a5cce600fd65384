"""Every method on one capture table, side by side: :func:`compare_methods`.

One row per method in the shape of :meth:`Estimator.summary` (``estimate, se, lower_95,
upper_95, n_observed, method, status, interval, ess, r_hat``), plus the model chosen, the number
of warnings raised and the seconds taken. A method that fails, or whose estimate does not exist,
keeps its row: no number, and ``status`` says why; one failure never hides the other methods.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from purgetoll.errors import PurgetollError
from purgetoll.mse._base import SAMPLER_COLUMNS, SUMMARY_COLUMNS, Estimator, InvalidParameterError
from purgetoll.mse._registry import make_estimator, methods
from purgetoll.mse._strata import Stratified
from purgetoll.mse._table import CaptureTable

__all__ = ["COMPARISON_COLUMNS", "compare_methods", "compare_specs", "configured_estimator", "summary_rows"]

#: The columns of :func:`compare_methods`, in order.
COMPARISON_COLUMNS = (*SUMMARY_COLUMNS, *SAMPLER_COLUMNS, "model", "warnings", "seconds")


def compare_specs() -> list[str]:
    """The method strings a comparison runs by default: every registered method and the variants
    its registration lists (``loglinear:M0``, ``loglinear:Mt``, ...)."""
    specs: list[str] = []
    for name, spec in methods().items():
        specs += [name if s is None else f"{name}:{s}" for s in spec.compare]
    return specs


def configured_estimator(method: str, seed: int, n_boot: int | None, *, strict: bool = True) -> Estimator:
    """The estimator of ``method`` with ``n_boot`` bootstrap replicates where it bootstraps; a
    method that does not is an error when ``strict``, and left as it is otherwise."""
    est = make_estimator(method, seed=seed)
    if n_boot is not None:
        if "n_boot" in est.get_params():
            est.set_params(n_boot=n_boot)
        elif strict:
            raise InvalidParameterError(f"--n-boot applies to the methods that bootstrap (stepwise); "
                                        f"{method} does not")
    return est


def compare_methods(
    table: CaptureTable,
    specs: Sequence[str] | None = None,
    *,
    seed: int = 0,
    n_boot: int | None = None,
    limits: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Fit each method of ``specs`` (default :func:`compare_specs`) to ``table``; one row each.

    Columns :data:`COMPARISON_COLUMNS`; estimates and bounds in persons. ``attrs`` name the capture
    table (``capture``: its source), the lists, the seed and the number of bootstrap replicates.
    """
    specs = compare_specs() if specs is None else list(specs)
    methods()  # the methods register before the clock starts: their imports are not a method's time
    rows = []
    for m in specs:
        t0 = time.perf_counter()
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                est = configured_estimator(m, seed, n_boot, strict=False)
                est.fit(table, mark_not_estimable=True, limits=dict(limits) if limits is not None else None)
            row = est.summary().iloc[0].to_dict()
            row.update(method=m, model=est.model_, warnings=len(caught))
        except PurgetollError as err:  # one failing method must not hide the others
            row = {"estimate": np.nan, "se": np.nan, "lower_95": np.nan, "upper_95": np.nan,
                   "n_observed": table.n_observed, "method": m, "status": f"error: {err}", "interval": "",
                   "model": "", "warnings": 0}
        row["seconds"] = round(time.perf_counter() - t0, 3)
        rows.append(row)
    df = pd.DataFrame(rows).reindex(columns=list(COMPARISON_COLUMNS))
    for col in ("estimate", "se", "lower_95", "upper_95", *SAMPLER_COLUMNS, "seconds"):
        df[col] = df[col].astype("float64")
    for col in ("n_observed", "warnings"):
        df[col] = df[col].astype("int64")
    df.attrs.update(table="mse comparison", capture=str(table.source), lists=list(table.lists), seed=seed,
                    n_boot=n_boot, unit="persons (estimates of the population size, 95% intervals)")
    return df


def summary_rows(est: Estimator) -> pd.DataFrame:
    """A fitted estimator's summary with the model chosen: one row, or for a :class:`Stratified`
    fit one row per stratum and the total (stratum columns ``all``). ``attrs`` name the capture
    table, the method and its options."""
    total = est.summary().assign(model=est.model_)
    if isinstance(est, Stratified):
        strata = est.strata_.copy()
        for col in est.strata_names_:
            total.insert(list(est.strata_names_).index(col), col, "all")
        total = pd.concat([strata[[*est.strata_names_, *total.columns[len(est.strata_names_):]]], total],
                          ignore_index=True)
    total.attrs = {"table": "mse estimate", "capture": str(est.table_.source), "method": est.method_,
                   "options": {k: v for k, v in est.get_params().items() if isinstance(v, bool | int | float | str)},
                   "unit": "persons (estimates of the population size, 95% intervals)"}
    return total

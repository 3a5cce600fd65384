"""Multiple systems estimation: how many individuals no list recorded.

Tables
    :class:`CaptureTable` (one count per observable history, ``2**K - 1`` of them, first list
    varying slowest: ``001, 010, 011, ...``), built from record-level data or aggregated
    histories and validated with errors naming file, row and column;
    :class:`StratifiedTable` (one table per stratum); :func:`read_capture_csv`.
    ``uninformative_lists()`` / ``drop_uninformative()`` report and drop lists that are
    empty, record everyone, or repeat another list.

Estimators (one contract, :class:`Estimator` in ``_base``)
    ``Est(**options)`` stores options; ``fit(table)`` validates and returns ``self``; results
    end in ``_``: ``population_`` (persons), ``interval_`` (95%), ``interval_method_``,
    ``status_``, ``se_``, ``model_``, ``diagnostics_``, ``draws_`` (bootstrap replicates /
    posterior draws or ``None``); ``summary()`` has ``estimate, se, lower_95, upper_95,
    n_observed, method, status, interval`` (+ ``ess, r_hat`` for samplers); ``interval()``,
    ``print_summary()``, ``plot(ax=None)``. An estimate that does not exist or is not
    identifiable raises :class:`purgetoll.errors.NotEstimableError` (or, with
    ``fit(table, mark_not_estimable=True)``, is NaN with the reason in ``status_``); declared
    limits (:mod:`purgetoll.limits`) are checked before any work (``fit(table, limits=...)``).

    * :class:`LogLinear` - the Rcapture family (M0, Mt, Mh/Mth with Chao, Poisson2, Darroch,
      Gamma3.5) with hierarchical list interactions; Wald and multinomial profile intervals.
    * :class:`MinBIC` - the model with the smallest BIC (or AIC); :func:`rank_models` ranks
      every hierarchical model up to an order.
    * :class:`Stepwise` - SparseMSE stepwise selection with the existence/identifiability LP
      (:func:`check_model`) and BCa bootstrap that redoes the selection.
    * :class:`Stratified` - per-stratum fits combined by summing draws, never medians.
    * :class:`BMA` (dga) and :class:`LatentClass` (LCMCR), from their own modules.

Adding a method
    Write ``purgetoll/mse/_<name>.py`` with a subclass of :class:`Estimator` (declare
    ``method``, ``_parameter_constraints`` and ``_fit(table) -> Fit``), call
    :func:`register` at import, and list the class in the module's ``__all__``: the registry
    discovers the module by file name, so the CLI gains the method. For ``from purgetoll.mse
    import X``, add the class to the imports and ``__all__`` below (a test checks that every
    estimator is there).

Comparing every method on one table: :func:`compare_methods` (one row per method, in the shape of
``summary()``; what ``purgetoll mse compare`` prints).

Methods by CLI name: :func:`methods`; an estimator from a CLI string such as
``"loglinear:Mt+1:2"``, ``"bic"`` or ``"stepwise"``: :func:`make_estimator`. Bundled tables
with their citations: :mod:`purgetoll.mse.datasets`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

# The public names, loaded on first use (purgetoll._lazy): the tables and the estimator base need
# pandas, the log-linear family scipy, and `purgetoll --help` (which imports purgetoll.mse.cli)
# needs neither.
if TYPE_CHECKING:
    from purgetoll.mse._base import (
        SAMPLER_COLUMNS,
        SUMMARY_COLUMNS,
        Estimator,
        Fit,
        InvalidParameterError,
        NotFittedError,
    )
    from purgetoll.mse._bma import BMA, GridTruncationWarning, ListOverlapWarning
    from purgetoll.mse._compare import (
        COMPARISON_COLUMNS,
        compare_methods,
        compare_specs,
        configured_estimator,
        summary_rows,
    )
    from purgetoll.mse._existence import ExistenceCheck, check_model
    from purgetoll.mse._lcm import LatentClass, PopulationBoundWarning
    from purgetoll.mse._loglinear import LogLinear
    from purgetoll.mse._registry import make_estimator, methods, register
    from purgetoll.mse._selection import MinBIC, rank_models
    from purgetoll.mse._stepwise import Stepwise
    from purgetoll.mse._strata import Stratified
    from purgetoll.mse._table import CaptureTable, StratifiedTable, history_matrix, read_capture_csv
else:
    from purgetoll._lazy import lazy_exports

    __getattr__, __dir__ = lazy_exports(__name__, __file__)

__all__ = [
    "BMA", "COMPARISON_COLUMNS", "CaptureTable", "Estimator", "ExistenceCheck", "Fit", "GridTruncationWarning",
    "InvalidParameterError", "LatentClass", "ListOverlapWarning", "LogLinear", "MinBIC",
    "NotFittedError", "PopulationBoundWarning", "SAMPLER_COLUMNS", "SUMMARY_COLUMNS", "Stepwise",
    "Stratified", "StratifiedTable", "check_model", "compare_methods", "compare_specs", "configured_estimator", "history_matrix",
    "make_estimator", "methods",
    "rank_models", "read_capture_csv", "register", "summary_rows",
]

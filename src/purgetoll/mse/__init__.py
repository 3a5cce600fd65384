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
    end in ``_``: ``population_`` (persons), ``interval_`` (95%), ``se_``, ``model_``,
    ``diagnostics_``, ``draws_`` (bootstrap replicates / posterior draws or ``None``);
    ``summary()`` has ``estimate, se, lower_95, upper_95, n_observed, method`` (+ ``ess,
    r_hat`` for samplers); ``interval()``, ``print_summary()``, ``plot(ax=None)``.

    * :class:`LogLinear` - the Rcapture family (M0, Mt, Mh/Mth with Chao, Poisson2, Darroch,
      Gamma3.5) with hierarchical list interactions; Wald and multinomial profile intervals.
    * :class:`MinBIC` - the model with the smallest BIC (or AIC); :func:`rank_models` ranks
      every hierarchical model up to an order.
    * :class:`Stepwise` - SparseMSE stepwise selection with the existence/identifiability LP
      (:func:`check_model`) and BCa bootstrap that redoes the selection.
    * :class:`Stratified` - per-stratum fits combined by summing draws, never medians.
    * ``BMA`` (dga) and ``LatentClass`` (LCMCR), from their own modules.

Adding a method
    Write ``purgetoll/mse/_<name>.py`` with a subclass of :class:`Estimator` (declare
    ``method``, ``_parameter_constraints`` and ``_fit(table) -> Fit``), call
    :func:`register` at import, and list the class in the module's ``__all__``: the registry
    discovers the module by file name, the CLI gains the method and ``from purgetoll.mse
    import X`` works. Nothing outside the module needs editing.

Methods by CLI name: :func:`methods`; an estimator from a CLI string such as
``"loglinear:Mt+1:2"``, ``"bic"`` or ``"stepwise"``: :func:`make_estimator`. Bundled tables
with their citations: :mod:`purgetoll.mse.datasets`.
"""

from __future__ import annotations

from typing import Any

#: Public name -> the module that defines it. Everything loads on first use: the tables and the
#: estimator base need pandas, the log-linear family scipy, and ``purgetoll --help`` (which
#: imports ``purgetoll.mse.cli``) needs neither.
_EXPORTS = {
    "SAMPLER_COLUMNS": "_base",
    "SUMMARY_COLUMNS": "_base",
    "Estimator": "_base",
    "Fit": "_base",
    "InvalidParameterError": "_base",
    "NotFittedError": "_base",
    "make_estimator": "_registry",
    "methods": "_registry",
    "register": "_registry",
    "CaptureTable": "_table",
    "StratifiedTable": "_table",
    "history_matrix": "_table",
    "read_capture_csv": "_table",
    "ExistenceCheck": "_existence",
    "LogLinear": "_loglinear",
    "MinBIC": "_selection",
    "Stepwise": "_stepwise",
    "Stratified": "_strata",
    "check_model": "_existence",
    "rank_models": "_selection",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Public names (:data:`_EXPORTS`, else a method module's ``__all__``), imported on first use."""
    import importlib
    import pkgutil

    known = _EXPORTS.get(name)
    if known is None and any(m.name == name for m in pkgutil.iter_modules(__path__)):
        # ``from purgetoll.mse import cli`` asks for the attribute before importing the
        # submodule: let the import system load it, without importing every method.
        raise AttributeError(f"module 'purgetoll.mse' has no attribute '{name}'")
    from purgetoll.mse._registry import discover

    for mod_name in [known] if known else discover():
        module = importlib.import_module(f"purgetoll.mse.{mod_name}")
        if name in getattr(module, "__all__", ()):
            value = getattr(module, name)
            globals()[name] = value  # cache: later lookups skip __getattr__
            return value
    raise AttributeError(f"module 'purgetoll.mse' has no attribute '{name}'")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))

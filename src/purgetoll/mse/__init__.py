"""Multiple systems estimation: how many individuals no list recorded.

Capture tables (:class:`CaptureTable`, :class:`StratifiedTable`, :func:`read_capture_csv`) and
estimators that share one contract (:class:`Estimator`, see ``_base``): ``Est(**options)
.fit(table)`` returns the estimator with ``population_``, ``interval_``, ``summary()``.

Methods are listed by :func:`methods` and built from a CLI string by :func:`make_estimator`
(``"loglinear:Mt"``, ``"bic"``, ``"stepwise"``, ...). Bundled example tables with their
citations: :mod:`purgetoll.mse.datasets`.
"""

from __future__ import annotations

from typing import Any

from purgetoll.mse._base import (
    SAMPLER_COLUMNS,
    SUMMARY_COLUMNS,
    Estimator,
    Fit,
    InvalidParameterError,
    NotFittedError,
)
from purgetoll.mse._registry import make_estimator, methods, register
from purgetoll.mse._table import CaptureTable, StratifiedTable, history_matrix, read_capture_csv

__all__ = [
    "SAMPLER_COLUMNS",
    "SUMMARY_COLUMNS",
    "CaptureTable",
    "Estimator",
    "Fit",
    "InvalidParameterError",
    "NotFittedError",
    "StratifiedTable",
    "history_matrix",
    "make_estimator",
    "methods",
    "read_capture_csv",
    "register",
]


def __getattr__(name: str) -> Any:
    """Public classes of the method modules (their ``__all__``), imported on first use."""
    import importlib

    from purgetoll.mse._registry import discover

    for mod_name in discover():
        module = importlib.import_module(f"purgetoll.mse.{mod_name}")
        if name in getattr(module, "__all__", ()):
            return getattr(module, name)
    raise AttributeError(f"module 'purgetoll.mse' has no attribute '{name}'")

"""The registry of MSE methods: CLI method names -> estimator factories.

A method is registered by the module that implements it, at import time::

    from purgetoll.mse._registry import register

    register(
        "bma",
        lambda spec, seed: BMA(seed=seed),
        description="Bayesian model averaging over decomposable graphical models (dga)",
    )

``name`` is the part of the CLI method before the first ``:``; ``spec`` is the rest (``None``
when absent), so ``loglinear:Mt+1:2`` calls the ``loglinear`` factory with ``spec="Mt+1:2"``.
``compare`` lists the specs ``purgetoll mse compare`` runs for this method (``(None,)``: the
method once, without a spec).

Every module ``purgetoll/mse/_*.py`` is imported by :func:`methods` (modules are discovered by
file name), so a new method needs no edit outside its own module to reach the CLI; its class is
importable as ``from purgetoll.mse import X`` once listed in ``purgetoll/mse/__init__.py``.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from purgetoll.mse._base import Estimator, InvalidParameterError

__all__ = ["MethodSpec", "discover", "make_estimator", "methods", "register"]

Factory = Callable[[str | None, int], Estimator]


@dataclass(frozen=True)
class MethodSpec:
    """One registered method: its CLI name, factory, one-line description and compare specs."""

    name: str
    factory: Factory
    description: str
    compare: tuple[str | None, ...] = (None,)
    module: str = ""


# Filled once, at import of the implementing modules; entries are never replaced by another
# implementation (register raises), so the registry is effectively constant after discovery.
_REGISTRY: dict[str, MethodSpec] = {}

# Infrastructure modules that register nothing (and the CLI, which imports this one).
_NOT_METHODS = {"_registry", "_base", "_table", "_rng", "_compare", "cli", "datasets"}


def register(
    name: str,
    factory: Factory,
    *,
    description: str,
    compare: tuple[str | None, ...] = (None,),
) -> None:
    """Register a method under ``name`` (lower case, no ``:``)."""
    if not name or ":" in name or name != name.lower():
        raise InvalidParameterError(f"method name must be lower case without ':'; got {name!r}")
    module = getattr(factory, "__module__", "") or ""
    old = _REGISTRY.get(name)
    if old is not None and old.module != module:
        raise InvalidParameterError(
            f"method '{name}' is already registered by {old.module}; cannot register it again "
            f"from {module}"
        )
    _REGISTRY[name] = MethodSpec(name, factory, description, tuple(compare), module)


def discover() -> list[str]:
    """Import every ``purgetoll.mse._*`` module so that it registers its methods.

    The modules are found by file name and imported on first use of the registry (they import
    this module to register, so it cannot import them when it loads).
    """
    found = []
    for info in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if info.name in _NOT_METHODS or not info.name.startswith("_"):
            continue
        importlib.import_module(f"purgetoll.mse.{info.name}")
        found.append(info.name)
    return found


def methods() -> dict[str, MethodSpec]:
    """All registered methods, by name (sorted)."""
    discover()
    return dict(sorted(_REGISTRY.items()))


def make_estimator(method: str, *, seed: int = 0) -> Estimator:
    """An unfitted estimator for a CLI method string such as ``"loglinear:Mt+1:2"`` or ``"bic"``."""
    name, _, spec = method.partition(":")
    registry = methods()
    if name not in registry:
        raise InvalidParameterError(
            f"unknown method '{method}'; valid methods: {', '.join(registry)}"
        )
    return registry[name].factory(spec or None, seed)

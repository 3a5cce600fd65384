"""Public names that load their module on first use.

``purgetoll --help`` imports every part's CLI, and the CLIs import their packages; if a package's
``__init__`` imported its mathematics eagerly, every ``--help`` would pay for pandas, scipy and
numba. A package instead maps each public name to the submodule that defines it and installs the
two functions returned here as its module-level ``__getattr__`` and ``__dir__`` (PEP 562).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(
    package: str, exports: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package`` whose public ``name`` lives in ``exports[name]``.

    ``exports`` maps a public name to the submodule (relative to ``package``) that defines it. A
    looked-up name is cached in the package namespace, so later lookups skip ``__getattr__``.
    """

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(exports))

    return __getattr__, __dir__

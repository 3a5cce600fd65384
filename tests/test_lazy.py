"""Packages give their public names through one mechanism (purgetoll._lazy): real imports under
``TYPE_CHECKING`` plus a literal ``__all__`` that tools read, loaded on first use at run time."""

import ast
import importlib
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

import purgetoll
from purgetoll._lazy import declared_exports, lazy_exports

LAZY = ["claims", "data", "demography", "mse", "report", "sim", "verdict"]
SRC = Path(purgetoll.__file__).parent


@pytest.mark.parametrize("part", LAZY)
def test_every_public_name_resolves_to_its_declared_import(part):
    package = importlib.import_module(f"purgetoll.{part}")
    for name, (module, attr) in declared_exports(package.__name__, package.__file__).items():
        assert getattr(package, name) is getattr(importlib.import_module(module), attr)
    assert set(package.__all__) <= set(dir(package))


def test_unknown_name_is_named_in_the_error():
    with pytest.raises(AttributeError, match="module 'purgetoll.demography' has no attribute 'nope'"):
        purgetoll.demography.nope  # noqa: B018


def test_a_submodule_still_imports_by_name():
    from purgetoll.mse import datasets

    assert datasets.__name__ == "purgetoll.mse.datasets"


def test_a_submodule_imported_first_never_hides_a_public_name_of_its_name():
    """``purgetoll.verdict.compare`` is the function whatever was imported before: here its module
    ``purgetoll.verdict.compare``, in a fresh interpreter."""
    code = ("import purgetoll.verdict.compare as m, purgetoll.verdict as v, sys\n"
            "from purgetoll.verdict.compare import compare\n"
            "assert sys.modules['purgetoll.verdict.compare'].compare is compare\n"
            "assert v.compare is compare, v.compare\n")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_one_mechanism():
    """No package defines its own module-level ``__getattr__``: they all use purgetoll._lazy."""
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        own = [n.name for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "__getattr__"]
        assert not own, path


def test_every_data_family_is_exported():
    from purgetoll import data
    from purgetoll.data._registry import family_modules

    for module in family_modules():
        for name in getattr(module, "__all__", ()):
            assert name in data.__all__, (
                f"{module.__name__} exports {name!r}: add `from {module.__name__} import {name}` to the "
                "TYPE_CHECKING imports of purgetoll/data/__init__.py and the name to its __all__")


def test_every_estimator_is_exported():
    from purgetoll import mse
    from purgetoll.mse._base import Estimator
    from purgetoll.mse._registry import discover

    for name in discover():
        module = importlib.import_module(f"purgetoll.mse.{name}")
        for attr in getattr(module, "__all__", ()):
            obj = getattr(module, attr)
            if inspect.isclass(obj) and issubclass(obj, Estimator) and obj is not Estimator:
                assert attr in mse.__all__, f"{module.__name__}.{attr}: add it to purgetoll/mse/__init__.py"


def _package(tmp_path, init: str) -> Path:
    path = tmp_path / "__init__.py"
    path.write_text(init, encoding="utf-8")
    return path


def test_all_and_the_imports_cannot_drift_apart(tmp_path):
    init = ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
            "    from purgetoll.demography.lexis import decimal_year, iso_date\n"
            "__all__ = ['decimal_year', 'age_of']\n")
    with pytest.raises(ImportError, match=r"imported but not in __all__: \['iso_date'\]; in __all__ but not imported: \['age_of'\]"):
        lazy_exports("purgetoll.demography", _package(tmp_path, init))


def test_the_block_holds_only_imports_from_the_package(tmp_path):
    init = ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
            "    import numpy\n__all__ = []\n")
    with pytest.raises(ImportError, match=r"line 3: the TYPE_CHECKING block holds only `from purgetoll.demography.<module> import <names>`"):
        lazy_exports("purgetoll.demography", _package(tmp_path, init))


def test_importing_the_cli_does_not_import_pandas():
    code = (
        "import sys, purgetoll.cli; "
        "print(sorted(m for m in ('pandas', 'numba', 'scipy', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

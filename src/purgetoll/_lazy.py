"""Public names that load their module on first use: the one mechanism every package uses.

``purgetoll --help`` imports every part's CLI, and each CLI imports its package. If the packages
imported their mathematics eagerly, every ``--help`` would load pandas, scipy and numba: 1.45 s
of CPU instead of 0.17 s (2.25 s instead of 0.26 s of wall time at load 3.6; ``bench/bench_cli.py``,
``bench/results/cli.json``).

A package's ``__init__`` therefore writes its public names as ordinary imports under
``if TYPE_CHECKING:`` and lists them in a literal ``__all__``, which type checkers (strict ones
too), editors and documentation tools read as they are; at run time it hands its own file to
:func:`lazy_exports`::

    from typing import TYPE_CHECKING

    if TYPE_CHECKING:
        from purgetoll.demography.births import births_series, implied_births
        from purgetoll.demography.lexis import decimal_year
    else:
        from purgetoll._lazy import lazy_exports

        __getattr__, __dir__ = lazy_exports(__name__, __file__)

    __all__ = ["births_series", "decimal_year", "implied_births"]

:func:`lazy_exports` reads those import statements and serves each name from its module the first
time it is asked for (PEP 562). It refuses, when the package is imported, a block that holds
anything but such imports and an ``__all__`` that differs from the names imported, so the two
lists cannot drift apart.
"""

from __future__ import annotations

import ast
import importlib
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def declared_exports(package: str, init_file: str | Path) -> dict[str, tuple[str, str]]:
    """Public name -> (module, name in that module), from the ``if TYPE_CHECKING:`` imports.

    ``init_file`` is the package's ``__init__.py``. Raises :class:`ImportError` naming the file
    (and line) for anything in the block that is not ``from <package>.<module> import ...``, for a
    public name given twice, and for an ``__all__`` that is not a literal list of exactly the
    names imported.
    """
    path = Path(init_file)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    blocks = [node for node in tree.body if isinstance(node, ast.If) and _is_type_checking(node.test)]
    if len(blocks) != 1:
        raise ImportError(f"{path}: expected one `if TYPE_CHECKING:` block of public imports; found {len(blocks)}")
    exports: dict[str, tuple[str, str]] = {}
    for stmt in blocks[0].body:
        if not (isinstance(stmt, ast.ImportFrom) and stmt.level == 0 and stmt.module
                and stmt.module.startswith(f"{package}.")):
            raise ImportError(f"{path}, line {stmt.lineno}: the TYPE_CHECKING block holds only "
                              f"`from {package}.<module> import <names>`")
        for alias in stmt.names:
            public = alias.asname or alias.name
            if public in exports:
                raise ImportError(f"{path}, line {stmt.lineno}: {public!r} is exported twice")
            exports[public] = (stmt.module, alias.name)
    listed = [node.value for node in tree.body if isinstance(node, ast.Assign)
              and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)]
    try:
        names = set(ast.literal_eval(listed[0])) if len(listed) == 1 else None
    except ValueError:
        names = None
    if names is None:
        raise ImportError(f"{path}: expected one literal `__all__ = [...]` of the public names")
    if names != set(exports):
        missing, extra = sorted(set(exports) - names), sorted(names - set(exports))
        raise ImportError(f"{path}: __all__ and the TYPE_CHECKING imports differ: "
                          f"imported but not in __all__: {missing}; in __all__ but not imported: {extra}")
    return exports


class _LazyPackage(types.ModuleType):
    """A package whose public names a submodule of the same name never hides.

    Importing ``pkg.compare`` makes the import system bind ``pkg.compare`` to the submodule; when
    ``compare`` is also the package's public function, whichever import came first would win.
    This refuses that one binding, so ``pkg.compare`` is always the public name (the submodule
    stays in ``sys.modules`` and ``from pkg.compare import x`` works as usual; ``import
    pkg.compare as m`` gives the public name too).
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if (isinstance(value, types.ModuleType) and value.__name__ == f"{self.__name__}.{name}"
                and name in self.__dict__.get("_lazy_public_names", ())):
            return
        super().__setattr__(name, value)


def lazy_exports(package: str, init_file: str | Path) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``, from its ``__init__.py`` (``init_file``).

    A name is imported from its module on first use and cached in the package's namespace, so later
    look-ups skip ``__getattr__``. A name that is not exported raises :class:`AttributeError` at
    once (``from package import submodule`` then imports the submodule, as usual).
    """
    exports = declared_exports(package, init_file)
    module = sys.modules[package]
    module.__dict__["_lazy_public_names"] = frozenset(exports)
    module.__class__ = _LazyPackage

    def __getattr__(name: str) -> Any:
        where = exports.get(name)
        if where is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module = importlib.import_module(where[0])
        # Cache every public name of that module: importing ``pkg.compare`` makes the import
        # system bind ``pkg.compare`` to the submodule, which must not hide a function so named.
        for public, (source, attr) in exports.items():
            if source == where[0]:
                setattr(sys.modules[package], public, getattr(module, attr))
        return getattr(sys.modules[package], name)

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(exports))

    return __getattr__, __dir__

"""The import rule: base -> data -> (demography, mse) -> sim -> scenarios -> (verdict, calibrate,
lists, claims) -> results -> report -> cli; a layer imports only the layers below it.

The contract is import-linter's, in pyproject.toml (``[tool.importlinter]``): these tests run it on
the package, show that it catches a backward import, and add what a static linter cannot see: a
module loaded by name through importlib. Imports sit at the top of a module: one inside a function
is there only for a start-up cost it states (``# start-up: +0.8 s CPU on --help``) or for an optional
dependency (``# optional: ...``), which :func:`unmarked_function_imports` checks.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import tokenize
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "src" / "purgetoll"
CONFIG = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
(LAYERS,) = [c["layers"] for c in CONFIG["contracts"] if c["id"] == "layers"]

#: Modules named in a string (loaded through importlib) from a lower layer, each with who removes
#: it. Delete an entry when its import goes (the test fails on an entry that no longer holds).
NAMED_EXCEPTIONS: set[tuple[str, str]] = set()


def _lint(cwd: Path, pythonpath: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    code = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    return subprocess.run([sys.executable, "-c", code, "--no-cache", "--no-logo", "pyproject.toml"],
                          cwd=cwd, env=env, capture_output=True, text=True)


def test_the_layers_contract_holds():
    """A new top-level module of purgetoll must be placed in a layer: add it to ``layers`` of
    ``[tool.importlinter]`` in pyproject.toml."""
    out = _lint(REPO)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "1 kept, 0 broken" in out.stdout


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    """A copy of the package's Python files and of pyproject.toml, to damage."""
    shutil.copytree(PACKAGE, tmp_path / "src" / "purgetoll",
                    ignore=lambda folder, names: [n for n in names if not (n.endswith(".py") or (Path(folder) / n).is_dir())
                                                  or n == "__pycache__"])
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


@pytest.mark.parametrize(
    ("importer", "statement", "imported"),
    [
        ("data/_census.py", "import purgetoll.report\n", "purgetoll.report"),  # two layers up
        ("demography/lexis.py", "from purgetoll import mse\n", "purgetoll.mse"),  # an independent sibling
        ("errors.py", "def f():\n    from purgetoll.sim import loop\n", "purgetoll.sim.loop"),  # inside a function
    ],
)
def test_a_backward_import_breaks_the_contract(package_copy, importer, statement, imported):
    path = package_copy / "src" / "purgetoll" / importer
    path.write_text(path.read_text(encoding="utf-8") + "\n" + statement, encoding="utf-8")
    out = _lint(package_copy, pythonpath=package_copy / "src")
    assert out.returncode == 1, out.stdout + out.stderr
    assert "1 broken" in out.stdout
    module = "purgetoll." + importer.removesuffix(".py").replace("/", ".")
    assert re.search(rf"{re.escape(module)} -> {re.escape(imported)}\b", out.stdout), out.stdout


def test_a_new_top_level_module_must_be_placed_in_a_layer(package_copy):
    (package_copy / "src" / "purgetoll" / "newpart.py").write_text('"""Not in any layer yet."""\n')
    out = _lint(package_copy, pythonpath=package_copy / "src")
    assert out.returncode == 1
    assert "purgetoll.newpart" in out.stdout


def _layer_of(module: str) -> int | None:
    """Index of ``module``'s layer in :data:`LAYERS` (0 = the highest), or None outside them."""
    top = module.split(".")[1] if module.count(".") else ""
    for i, layer in enumerate(LAYERS):
        if top in {t.strip().strip("()") for t in re.split(r"[|:]", layer)}:
            return i
    return None


def _named_modules(path: Path) -> set[str]:
    """String constants of a source file that are the name of a purgetoll module."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                and re.fullmatch(r"purgetoll(\.\w+)+", node.value)):
            target = PACKAGE.parent.joinpath(*node.value.split("."))
            if target.with_suffix(".py").is_file() or (target / "__init__.py").is_file():
                names.add(node.value)
    return names


def _backward_names() -> set[tuple[str, str]]:
    found = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
        for named in _named_modules(path):
            mine, theirs = _layer_of(module), _layer_of(named)
            if mine is not None and theirs is not None and theirs < mine:
                found.add((module, named))
    return found


def test_no_module_loads_a_higher_layer_by_name():
    """``importlib.import_module("purgetoll.x")`` is an import the linter cannot see."""
    assert _backward_names() == NAMED_EXCEPTIONS


def test_the_layers_are_read_as_written():
    assert _layer_of("purgetoll.cli") == 0
    assert _layer_of("purgetoll.verdict.runs") == _layer_of("purgetoll.claims") < _layer_of("purgetoll.scenarios")
    assert _layer_of("purgetoll.errors") == _layer_of("purgetoll._lazy") == len(LAYERS) - 1


#: The comment that says why an import sits inside a function: ``# start-up:`` with the measured
#: cost it spares (a number of s or ms), or ``# optional:`` naming the optional dependency.
IMPORT_MARKER = re.compile(r"#\s*(start-up:.*?\d\s*m?s\b|optional:\s*\S)")


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def unmarked_function_imports(source: str) -> list[int]:
    """Lines of the imports inside a function of ``source`` that say no reason.

    An import inside a function (at any depth, outside ``if TYPE_CHECKING:``) is marked when a
    :data:`IMPORT_MARKER` comment is on a line of its run of consecutive imports or among the
    comment lines just above that run.
    """
    lines = source.splitlines()
    comments = {tok.start[0]: tok.string
                for tok in tokenize.generate_tokens(iter(source.splitlines(keepends=True)).__next__)
                if tok.type == tokenize.COMMENT}
    found: list[int] = []

    def marked(run: list[ast.stmt]) -> bool:
        first, last = run[0].lineno, run[-1].end_lineno or run[-1].lineno
        if any(IMPORT_MARKER.search(comments.get(n, "")) for n in range(first, last + 1)):
            return True
        n = first - 1
        while n >= 1 and lines[n - 1].lstrip().startswith("#"):
            if IMPORT_MARKER.search(lines[n - 1]):
                return True
            n -= 1
        return False

    def visit(body: list[ast.stmt], in_function: bool) -> None:
        run: list[ast.stmt] = []
        for stmt in [*body, None]:
            if isinstance(stmt, ast.Import | ast.ImportFrom):
                run.append(stmt)
                continue
            if run and in_function and not marked(run):
                found.extend(s.lineno for s in run)
            run = []
            if stmt is None:
                return
            if isinstance(stmt, ast.If) and _is_type_checking(stmt.test):
                visit(stmt.orelse, in_function)
                continue
            inner = in_function or isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef)
            for name in ("body", "orelse", "finalbody"):
                block = getattr(stmt, name, None)
                if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                    visit(block, inner)
            for clause in [*getattr(stmt, "handlers", ()), *getattr(stmt, "cases", ())]:
                visit(clause.body, inner)

    visit(ast.parse(source).body, False)
    return sorted(found)


def test_every_import_inside_a_function_says_why():
    """Imports go at the top of the module. One inside a function is there only to spare a start-up
    cost (``purgetoll --help``'s, or a command's) or for an optional dependency, and says so on its
    line or just above its run of imports: ``# start-up: pandas, +0.37 s CPU on --help`` (the CPU an
    import at the top would add, measured) or ``# optional: ...``. An import that dodges a cycle
    breaks the layers instead: move the shared thing down a layer. See docs/ARCHITECTURE.md."""
    unmarked = [f"src/purgetoll/{path.relative_to(PACKAGE)}:{line}"
                for path in sorted(PACKAGE.rglob("*.py"))
                for line in unmarked_function_imports(path.read_text(encoding="utf-8"))]
    assert unmarked == [], "imports inside a function without `# start-up: <measured cost>`:\n" + "\n".join(unmarked)


@pytest.mark.parametrize(
    ("source", "unmarked"),
    [
        ("def f():\n    from purgetoll.sim import loop\n", [2]),  # no reason given
        ("def f():\n    import json  # standard library: no start-up reason\n", [2]),
        ("def f():\n    # start-up: the engine\n    from purgetoll.sim import loop\n", [3]),  # no cost
        ("class A:\n    def f(self):\n        if x:\n            import numpy\n", [4]),  # at any depth
        ("def f():\n    try:\n        pass\n    except E:\n        import numpy\n", [5]),
        ("def f():\n    from purgetoll.sim import loop  # start-up: +0.8 s CPU on --help\n", []),
        ("def f():\n    # start-up: the engine, +0.8 s CPU on --help\n    # (and more)\n"
         "    import numpy as np\n\n    from purgetoll.sim import (\n        loop,\n    )\n", []),  # one run: isort's groups
        ("def f():\n    # start-up: the engine, +0.8 s CPU on --help\n    import numpy as np\n    x = 1\n"
         "    from purgetoll.sim import (\n        loop,\n    )\n", [5]),  # a statement ends the run
        ("def f():\n    import dask  # optional: the [ensemble] extra\n", []),
        ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from purgetoll.sim import loop\n", []),
        ("def f():\n    if TYPE_CHECKING:\n        from purgetoll.sim import loop\n", []),
        ("import numpy\nif True:\n    import pandas\n", []),  # module level
    ],
)
def test_the_import_check_reads_markers_as_documented(source, unmarked):
    assert unmarked_function_imports(source) == unmarked

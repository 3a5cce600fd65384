"""The import rule: base -> data -> (demography, mse) -> sim -> scenarios -> (verdict, calibrate,
lists, claims) -> results -> report -> cli; a layer imports only the layers below it.

The contract is import-linter's, in pyproject.toml (``[tool.importlinter]``): these tests run it on
the package, show that it catches a backward import, and add what a static linter cannot see: a
module loaded by name through importlib.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
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

"""Packages expose their public names lazily, and say clearly when a name does not exist."""

import subprocess
import sys

import pytest

import purgetoll.claims
import purgetoll.demography
import purgetoll.report
import purgetoll.sim
import purgetoll.verdict


@pytest.mark.parametrize(
    "package",
    [purgetoll.demography, purgetoll.claims, purgetoll.report, purgetoll.sim, purgetoll.verdict],
)
def test_every_public_name_resolves(package):
    for name in package.__all__:
        assert getattr(package, name) is not None
    assert set(package.__all__) <= set(dir(package))


def test_unknown_name_is_named_in_the_error():
    with pytest.raises(AttributeError, match="module 'purgetoll.demography' has no attribute 'nope'"):
        purgetoll.demography.nope  # noqa: B018


def test_importing_the_cli_does_not_import_pandas():
    code = (
        "import sys, purgetoll.cli; "
        "print('pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

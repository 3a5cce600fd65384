"""The package imports, exposes its version and its command."""

import subprocess
import sys

import purgetoll


def test_version_is_a_string():
    assert purgetoll.__version__.count(".") == 2


def test_cli_help_lists_the_package_purpose():
    out = subprocess.run(
        [sys.executable, "-m", "purgetoll.cli", "--help"], capture_output=True, text=True, check=True
    )
    assert "Great Purge" in out.stdout

"""What every test shares: the results cache of ``purgetoll run`` goes to a folder of the session.

The cache (:class:`purgetoll.results.ResultCache`) never writes to the user's ``~/.cache`` from a
test: ``PURGETOLL_CACHE`` points to a temporary folder from the start of the session (before
collection, so code run at import time is covered too) to its end, shared by the tests and by the
commands they start, so a result computed once is reused as a user's would be.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

ENV = "PURGETOLL_CACHE"  # purgetoll.results.cache.ENV (test_cache checks that they agree)
_before: dict[str, str | None] = {}


def pytest_configure(config: pytest.Config) -> None:
    _before["value"] = os.environ.get(ENV)
    _before["folder"] = tempfile.mkdtemp(prefix="purgetoll-cache-")
    os.environ[ENV] = _before["folder"]


def pytest_unconfigure(config: pytest.Config) -> None:
    if _before.get("folder"):
        shutil.rmtree(_before["folder"], ignore_errors=True)
    if _before.get("value") is None:
        os.environ.pop(ENV, None)
    else:
        os.environ[ENV] = _before["value"]

"""What every test shares: the results cache of ``purgetoll run`` goes to a folder of the session,
and hypothesis gives no example a deadline.

The cache (:class:`purgetoll.results.ResultCache`) never writes to the user's ``~/.cache`` from a
test: ``PURGETOLL_CACHE`` points to a temporary folder from the start of the session (before
collection, so code run at import time is covered too) to its end, shared by the tests and by the
commands they start, so a result computed once is reused as a user's would be.

The machine's 2 cores are shared by everyone's tests and benchmarks, so an example's wall time says
nothing about the code: under load, an example of ``tests/data/test_life.py`` took 269 ms and failed
hypothesis's default deadline of 200 ms (``DeadlineExceeded``, reported as flaky). The number of
examples bounds a property's time instead.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest
from hypothesis import settings

settings.register_profile("shared-machine", deadline=None)
settings.load_profile("shared-machine")

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

"""What every test shares: the results cache of ``purgetoll run`` goes to a folder of the session.

The cache (:class:`purgetoll.results.ResultCache`) never writes to the user's ``~/.cache`` from a
test: ``PURGETOLL_CACHE`` points to a temporary folder for the whole session, shared by the tests
(and by the commands they start), so a result computed once is reused as a user's would be.
"""

from __future__ import annotations

import pytest

from purgetoll.results.cache import ENV


@pytest.fixture(scope="session", autouse=True)
def results_cache(tmp_path_factory):
    """The session's cache folder, in ``PURGETOLL_CACHE``."""
    mp = pytest.MonkeyPatch()
    folder = tmp_path_factory.mktemp("purgetoll-cache")
    mp.setenv(ENV, str(folder))
    yield folder
    mp.undo()

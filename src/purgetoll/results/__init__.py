"""Stored results: every engine's result saved as Parquet tables and a JSON manifest, loaded back
as the type it was, and kept in a cache keyed by its inputs.

Public surface (``from purgetoll.results import ...``):

- :func:`save_result` / :func:`load_result`: any result (a demography deficit, the claims checked,
  an MSE comparison or fit, a verdict, a simulation run) to a folder and back
  (:mod:`purgetoll.results.io`; the folder's form: :mod:`purgetoll.stored`);
- :data:`KINDS`: the kinds of result, what each loads into and how it is computed
  (:mod:`purgetoll.results.kinds`);
- :class:`Need` and :class:`ResultCache`: a result asked for by kind and settings, computed once
  and kept under a key of everything it is computed from (:mod:`purgetoll.results.cache`);
  ``purgetoll run`` takes the report's results from it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

# The public names, loaded on first use (purgetoll._lazy): pandas and pyarrow come with them.
if TYPE_CHECKING:
    from purgetoll.results.cache import ENV, Need, Placed, ResultCache, default_cache_dir
    from purgetoll.results.io import load_result, save_result
    from purgetoll.results.kinds import KINDS, Kind, kind_named, kind_of
else:
    from purgetoll._lazy import lazy_exports

    __getattr__, __dir__ = lazy_exports(__name__, __file__)

__all__ = [
    "ENV", "KINDS", "Kind", "Need", "Placed", "ResultCache", "default_cache_dir", "kind_named",
    "kind_of", "load_result", "save_result",
]

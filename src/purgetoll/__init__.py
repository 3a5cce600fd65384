"""purgetoll: the toll of Stalin's Great Purge from the census, the archive and the mechanism.

Three kinds of evidence, one package:

- ``purgetoll.data``: the published figures (censuses, life tables, the ADH reconstruction, NKVD
  and Gulag certificates, published estimates), bundled with their citations.
- ``purgetoll.demography``: life tables, projection and the deficits the censuses reveal.
- ``purgetoll.sim``: an agent model of the whole Soviet population and the terror machinery.
- ``purgetoll.mse``: multiple systems estimation over overlapping victim lists.
- ``purgetoll.claims``: the case study's quantitative claims, checked against the data.
- ``purgetoll.report``: the self-contained HTML report written by ``purgetoll run``.
"""

from purgetoll.errors import (
    BoundaryWarning,
    ConvergenceError,
    DataError,
    LimitError,
    NotEstimableError,
    ProblemsError,
    PurgetollError,
    ScenarioError,
    SettingsError,
    StatisticalWarning,
)

__version__ = "0.1.0"

__all__ = [
    "BoundaryWarning",
    "ConvergenceError",
    "DataError",
    "LimitError",
    "NotEstimableError",
    "ProblemsError",
    "PurgetollError",
    "ScenarioError",
    "SettingsError",
    "StatisticalWarning",
    "__version__",
]

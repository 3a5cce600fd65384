"""The case study's claims: every quantitative claim of the seed text as a structured record,
checked against the bundled data.

Public surface::

    from purgetoll.claims import load_claims, check_claims, ClaimVerdict

    claims = load_claims()                 # the bundled claims.toml, validated
    df = check_claims()                    # one row per claim: figure, verdict, data value, citation
    df[df.verdict == ClaimVerdict.DISAGREES]    # e.g. Conquest's 7 million arrests vs Pospelov's (pospelov_arrested)

The records live in ``claims.toml`` beside this file (schema and rules: ``_records.py``, loading: ``_schema.py``); the
verdict categories and the rounding rules are documented in ``_verdict.py``; the check methods
(which table, which computation) in ``_methods.py`` and ``_checks.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

# The public names, loaded on first use (purgetoll._lazy): the checks need pandas and the data
# loaders, which `purgetoll --help` does not.
if TYPE_CHECKING:
    from purgetoll.claims._access import DataNotLoaded
    from purgetoll.claims._checks import Evidence
    from purgetoll.claims._records import Claim, Count, FractionClaim, Range, Ratio, Share, Split
    from purgetoll.claims._schema import (
        ClaimsFileError,
        default_claims_path,
        load_claims,
        parse_claims,
    )
    from purgetoll.claims._table import (
        COLUMNS,
        SPLIT_COLUMNS,
        ClaimChecks,
        ClaimResult,
        check_claim,
        check_claims,
        run_claim_checks,
    )
    from purgetoll.claims._terms import SECTIONS
    from purgetoll.claims._verdict import (
        CLOSE_RELATIVE,
        VERDICT_RULES,
        ClaimVerdict,
        Judgement,
        Verdict,
    )
else:
    from purgetoll._lazy import lazy_exports

    __getattr__, __dir__ = lazy_exports(__name__, __file__)

__all__ = [
    "CLOSE_RELATIVE", "COLUMNS", "Claim", "ClaimChecks", "ClaimResult", "ClaimVerdict", "ClaimsFileError", "Count",
    "DataNotLoaded", "Evidence", "FractionClaim", "Judgement", "Range", "Ratio", "SECTIONS",
    "SPLIT_COLUMNS", "Share", "Split", "VERDICT_RULES", "Verdict", "check_claim", "check_claims",
    "default_claims_path", "load_claims", "parse_claims", "run_claim_checks"
]

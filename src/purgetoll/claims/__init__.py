"""The case study's claims: every quantitative claim of the seed text as a structured record,
checked against the bundled data.

Public surface::

    from purgetoll.claims import load_claims, check_claims, Verdict

    claims = load_claims()                 # the bundled claims.toml, validated
    df = check_claims()                    # one row per claim: figure, verdict, data value, citation
    df[df.verdict == Verdict.DISAGREES]    # e.g. Conquest's 7 million arrests vs 1,548,366

The records live in ``claims.toml`` beside this file (schema and rules: ``_schema.py``); the
verdict categories and the rounding rules are documented in ``_verdict.py``; the check methods
(which table, which computation) in ``_methods.py`` and ``_checks.py``.
"""

from __future__ import annotations

from purgetoll._lazy import lazy_exports

#: Public name -> the module (in this package) that defines it. Names load on first use: the
#: checks need pandas and the data loaders, which ``purgetoll --help`` does not.
_EXPORTS: dict[str, str] = {
    "CLOSE_RELATIVE": "_verdict",
    "COLUMNS": "_table",
    "SECTIONS": "_schema",
    "Claim": "_schema",
    "ClaimResult": "_table",
    "ClaimsFileError": "_schema",
    "Count": "_schema",
    "DataNotLoaded": "_access",
    "Evidence": "_checks",
    "FractionClaim": "_schema",
    "Judgement": "_verdict",
    "Range": "_schema",
    "Ratio": "_schema",
    "Share": "_schema",
    "Split": "_schema",
    "VERDICT_RULES": "_verdict",
    "Verdict": "_verdict",
    "check_claim": "_table",
    "check_claims": "_table",
    "default_claims_path": "_schema",
    "load_claims": "_schema",
    "parse_claims": "_schema",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

"""The claims file: its error and loading it (the records: :mod:`._records`; the words they use: :mod:`._terms`).

Every problem of a claims file is collected and raised at once as one :class:`ClaimsFileError`,
each line naming the claim id (or its position when the id itself is missing) and the key, and
saying what was expected (STYLE.md practice 10). The records are pydantic models
(:mod:`purgetoll.claims._records`), which are the schema: strict types (whole numbers stay whole),
unknown keys forbidden, the messages the project's own. Only what pydantic cannot see record by
record is checked here: the top-level keys and ids used twice.

A split whose two parts do not add up to its base (Conquest's "349 to 691") is *not* a schema
error: it is a faithful record of what the text says, and the check reports it as "internally
inconsistent". The schema rejects only records that cannot mean anything (a negative part, a
base other than 100 or 1000, a part larger than its base, a missing key).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from purgetoll.errors import ScenarioError
from purgetoll.files import read_toml

if TYPE_CHECKING:
    from purgetoll.claims._records import Claim

class ClaimsFileError(ScenarioError):
    """A claims file has one or more problems; all of them are listed, each naming claim and key.

    A :class:`~purgetoll.errors.ProblemsError`; it derives from ``ScenarioError`` for one release
    only, so that earlier ``except ScenarioError`` clauses keep catching it.
    """


def parse_claims(data: Mapping[str, Any], source: str) -> tuple[Claim, ...]:
    """Validate the parsed TOML of a claims file and build the records.

    Raises :class:`ClaimsFileError` listing every problem (``source`` names the file).
    """
    problems: list[str] = []
    unknown = [k for k in data if k != "claim"]
    if unknown:
        problems.append(
            f"unknown top-level key(s) {', '.join(map(repr, unknown))} (valid: 'claim')"
        )
    raws = data.get("claim")
    if not isinstance(raws, list) or not raws:
        problems.append("missing [[claim]] records: expected at least one [[claim]] table")
        raise ClaimsFileError(source, problems)
    # start-up: the records load pydantic, +0.1 s CPU on --help (which imports this module); loaded
    # when a file is read
    from purgetoll.claims._records import validate_records

    seen: dict[str, int] = {}
    for i, raw in enumerate(raws):
        cid = raw.get("id") if isinstance(raw, dict) else None
        if isinstance(cid, str) and cid:
            if cid in seen:
                problems.append(f"[claim {cid}] duplicate id (records #{seen[cid] + 1} and #{i + 1})")
            seen.setdefault(cid, i)
    claims, found = validate_records(raws)
    problems += found
    if problems:
        raise ClaimsFileError(source, problems)
    return tuple(c.from_file(source) for c in claims)


def default_claims_path() -> Path:
    """The claims file bundled with the package."""
    return Path(__file__).with_name("claims.toml")


def load_claims(path: str | Path | None = None) -> tuple[Claim, ...]:
    """Read and validate a claims file (default: the bundled ``claims.toml``).

    Raises :class:`ClaimsFileError` naming the file and listing every problem at once, or when
    the file is not valid TOML.
    """
    p = Path(path) if path is not None else default_claims_path()
    source = p.name if path is None else str(p)
    data = read_toml(p, ClaimsFileError)
    return parse_claims(data, source)

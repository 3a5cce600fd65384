"""pydantic models, the project's messages: what the claims, catalog and scenario schemas share.

Each schema is a pydantic v2 model (strict types, so a whole number stays an ``int``; unknown keys
forbidden). pydantic finds every problem of a file in one pass; :func:`problems` turns its errors
into the project's messages, which name the place (section, claim, key) in words and say what was
expected and what was found, and puts them in the order of the file. A check that pydantic's own
types do not say in those words raises :func:`problem` with the whole message, which is kept as is.

This module and the modules that build models load pydantic; they are imported when a file is
read, so ``purgetoll --help`` does not load it (``bench/bench_cli.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pydantic_core import PydanticCustomError

if TYPE_CHECKING:
    from pydantic import ValidationError
    from pydantic_core import ErrorDetails

__all__ = ["problem", "problems", "message_of", "position", "Loc", "Translate"]

#: Where a pydantic error points: the keys (and list positions) from the file's root.
Loc = tuple[str | int, ...]
#: ``(error) -> (message, sort key)``, or None to drop the error (one reported elsewhere).
Translate = Callable[["ErrorDetails"], tuple[str, tuple[Any, ...]] | None]


def problem(message: str, order: int = 1) -> Exception:
    """An error a validator raises to report ``message`` word for word (see :func:`problems`); ``order``
    ranks it among the problems of one place (a translator may read it from the error's ``ctx``)."""
    return PydanticCustomError("problem", "{message}", {"message": message, "order": order})


def problems(exc: ValidationError, translate: Translate) -> list[str]:
    """The messages of ``exc``'s errors, each once, sorted by their sort keys (the file's order)."""
    found: list[tuple[tuple[Any, ...], int, str]] = []
    for i, err in enumerate(exc.errors()):
        out = translate(err)
        if out is not None:
            found.append((out[1], i, out[0]))
    seen: set[str] = set()
    ordered = []
    for _, _, message in sorted(found, key=lambda t: (t[0], t[1])):
        if message not in seen:
            seen.add(message)
            ordered.append(message)
    return ordered


def message_of(err: ErrorDetails) -> str | None:
    """The message of a :func:`problem`, else None."""
    ctx = err.get("ctx") or {}
    return str(ctx["message"]) if err["type"] == "problem" and "message" in ctx else None


def position(data: Any, loc: Sequence[str | int]) -> tuple[int, ...]:
    """Where ``loc`` sits in the parsed file: the index of each key among its siblings (file order)."""
    out: list[int] = []
    node = data
    for part in loc:
        if isinstance(node, Mapping):
            keys = list(node)
            out.append(keys.index(part) if part in keys else len(keys))
            node = node.get(part) if part in keys else None
        elif isinstance(node, list) and isinstance(part, int):
            out.append(part)
            node = node[part] if 0 <= part < len(node) else None
        else:
            break
    return tuple(out)

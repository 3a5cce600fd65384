"""The project's reference folder, found as the repository sees it: ``<repo>/../shared``.

The package never reads it; a few tests do (the maintainer tools' byte-for-byte rebuild, the
seed text). In a linked git worktree (``git worktree add``) the folder sits beside the main
checkout, so that checkout's ``../shared`` is tried too. Tests that need the folder skip, saying
where they looked, when it is absent (for example on a copy of the repository alone).
"""

from __future__ import annotations

from pathlib import Path

import pytest

#: The repository (``tests/`` is at its top).
REPO = Path(__file__).resolve().parents[1]


def _checkouts(repo: Path) -> list[Path]:
    """``repo`` and, when it is a linked worktree, the main checkout it belongs to."""
    out = [repo]
    git = repo / ".git"
    if git.is_file():  # a linked worktree: ".git" holds "gitdir: <main>/.git/worktrees/<name>"
        gitdir = Path(git.read_text(encoding="utf-8").removeprefix("gitdir:").strip())
        commondir = gitdir / "commondir"
        if commondir.is_file():
            out.append((gitdir / commondir.read_text(encoding="utf-8").strip()).resolve().parent)
    return out


#: Where the reference folder is looked for, in order.
CANDIDATES = tuple(checkout.parent / "shared" for checkout in _checkouts(REPO))


def shared_path(*parts: str) -> Path:
    """``<repo>/../shared/<parts>``; skips the calling test, saying where it looked, if absent."""
    for folder in CANDIDATES:
        path = folder.joinpath(*parts)
        if path.exists():
            return path
    looked = ", ".join(str(folder.joinpath(*parts)) for folder in CANDIDATES)
    pytest.skip(f"the reference folder is not beside the repository (looked for {looked})")

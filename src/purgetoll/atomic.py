"""Atomic writes: a file or a folder appears whole or not at all.

A run killed part way must never leave a half-written report, table or snapshot. Everything is
written under a temporary name in the same directory and renamed into place, which is atomic on
POSIX file systems.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_file(path: str | os.PathLike[str], mode: str = "w", **open_kwargs) -> Iterator:
    """Open ``path`` for writing so that it appears only once the block finishes without error.

    The file is written as a hidden temporary sibling and renamed over ``path`` at the end; on an
    exception the temporary file is removed and any earlier ``path`` is left untouched.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with open(tmp, mode, **open_kwargs) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def atomic_dir(path: str | os.PathLike[str], *, overwrite: bool = False) -> Iterator[Path]:
    """Build a directory in a temporary sibling and move it to ``path`` when the block succeeds.

    Yields the temporary directory to write into. With ``overwrite=False`` an existing ``path`` is an
    error (raised before anything is written); with ``overwrite=True`` the old directory is replaced
    only after the new one is complete. On an exception the temporary directory is removed and an
    existing ``path`` is left as it was.
    """
    target = Path(path)
    if target.exists() and not overwrite:
        raise FileExistsError(f"{target} already exists; pass overwrite (--force) to replace it")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if overwrite and target.exists():
        old = target.with_name(f".{target.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target, old)
        os.replace(tmp, target)
        shutil.rmtree(old, ignore_errors=True)
        return
    # Without overwrite, the target may have appeared while we were building (a concurrent run with
    # the same name). rename() refuses to replace a non-empty directory, so nobody's files are lost.
    try:
        os.rename(tmp, target)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise FileExistsError(
            f"{target} appeared while it was being written; pass overwrite (--force) to replace it"
        ) from exc

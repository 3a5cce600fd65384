"""Write one run of the report: ``<out>/<name>/`` with report.html, one CSV per figure and table,
and manifest.json, all at once or not at all.

The run directory is built in a hidden temporary sibling and moved into place only when every
section has been built and every file written (``purgetoll.atomic.atomic_dir``): a run that fails
leaves nothing behind and an earlier run of the same name as it was. An existing run is replaced
only with ``force=True``; without a name, the run is named after the UTC time it was made, with a
suffix if that name is taken, so a plain rerun never overwrites anything.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from purgetoll import __version__
from purgetoll.atomic import atomic_dir
from purgetoll.errors import PurgetollError
from purgetoll.report.html import render_html
from purgetoll.report.manifest import MANIFEST_NAME, build_manifest
from purgetoll.report.model import ReportError, RunContext, Section
from purgetoll.report.registry import Builder, section_builders
from purgetoll.report.render_png import render_png

__all__ = ["REPORT_NAME", "RunExistsError", "default_run_name", "write_run"]

REPORT_NAME = "report.html"

# A run name is one path component: no separators, no leading dot (hidden/temporary names).
_RUN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_RESERVED = {REPORT_NAME.removesuffix(".html"), MANIFEST_NAME.removesuffix(".json")}


class RunExistsError(PurgetollError, FileExistsError):
    """The named run directory exists and ``force`` was not given."""


def default_run_name(now: datetime, out: Path) -> str:
    """``YYYYMMDDTHHMMSSZ`` of ``now`` in UTC, with ``-2``, ``-3``, ... if that run exists."""
    base = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    name, n = base, 1
    while (out / name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def _is_run(path: Path) -> bool:
    """Whether ``path`` is a run directory written by purgetoll (its manifest says so)."""
    try:
        manifest = json.loads((path / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and "purgetoll_version" in manifest


def _command(out: Path, name: str | None, force: bool) -> str:
    argv = ["purgetoll", "run"]
    if name is not None:
        argv += ["--name", name]
    argv += ["--out", str(out)]
    if force:
        argv.append("--force")
    return shlex.join(argv)


def _build_all(
    ctx: RunContext, builders: Sequence[tuple[str, Builder]]
) -> list[tuple[str, Section]]:
    built = []
    for name, build in builders:
        try:
            section = build(ctx)
        except PurgetollError as exc:
            raise ReportError(f"section {name!r} failed: {exc}") from exc
        except Exception as exc:
            raise ReportError(f"section {name!r} failed: {type(exc).__name__}: {exc}") from exc
        if not isinstance(section, Section):
            raise ReportError(
                f"section {name!r}: build(ctx) must return a Section; got {type(section).__name__}"
            )
        built.append((name, section))
    _check_csv_names(built)
    return built


def _check_csv_names(built: Sequence[tuple[str, Section]]) -> None:
    """Every figure and table writes ``<name>.csv``: no two may claim one file with other data.

    A table may share the name of a figure that shows exactly the same data: the one CSV then
    serves both. Reserved names (``report``, ``manifest``) are refused.
    """
    # CSV name -> (kind, "figure 'x' of section 'y'", data).
    owner: dict[str, tuple[str, str, pd.DataFrame]] = {}
    for name, section in built:
        items = [("figure", f) for f in section.figures] + [("table", t) for t in section.tables]
        for kind, item in items:
            if item.name in _RESERVED:
                raise ReportError(f"section {name!r}: the name {item.name!r} is reserved")
            this = f"{kind} {item.name!r} of section {name!r}"
            if item.name in owner:
                other_kind, other, other_data = owner[item.name]
                if other_kind != kind and other_data.equals(item.data):
                    continue
                raise ReportError(
                    f"{this} and {other} would both write {item.name}.csv; "
                    "give them different names"
                    + ("" if other_kind == kind else " (or the same data)")
                )
            owner[item.name] = (kind, this, item.data)


def write_run(
    out: str | Path = "runs",
    name: str | None = None,
    *,
    force: bool = False,
    sections: Sequence[tuple[str, Builder]] | None = None,
    now: datetime | None = None,
    command: str | None = None,
) -> Path:
    """Build the report and write the run directory; return the path of its ``report.html``.

    Parameters
    ----------
    out:
        Folder holding the runs (created if missing).
    name:
        The run's name; default: the UTC time (see :func:`default_run_name`).
    force:
        Replace an existing run of that name (only once the new one is complete).
    sections:
        ``(name, build)`` pairs; default: the modules listed in ``purgetoll.report.sections``.
    now, command:
        The time and command line recorded in the report; default: now, and the equivalent
        ``purgetoll run`` command.

    Raises
    ------
    RunExistsError
        ``<out>/<name>`` exists and ``force`` is False, or it exists and is not a purgetoll run
        (no ``manifest.json``), which even ``force`` never replaces (nothing is written).
    ReportError
        A section failed or handed back something that cannot be shown (nothing is written).
    """
    out = Path(out)
    now = now or datetime.now(UTC)
    if name is None:
        run_name = default_run_name(now, out)
    else:
        if not isinstance(name, str) or not _RUN_NAME.match(name):
            raise ReportError(
                f"run name {name!r} must be 1-100 letters, digits, '.', '_' or '-', "
                "starting with a letter or digit"
            )
        run_name = name
    target = out / run_name
    if target.exists() and not force:
        raise RunExistsError(
            f"run {str(target)!r} already exists; choose another --name or pass --force to replace it"
        )
    if target.exists() and not _is_run(target):
        # --force replaces a whole directory: never one that purgetoll did not write.
        raise RunExistsError(
            f"{str(target)!r} exists but is not a purgetoll run (no manifest.json with a "
            "purgetoll_version); refusing to replace it, even with --force"
        )
    builders = list(sections) if sections is not None else section_builders()
    ctx = RunContext(
        name=run_name,
        command=command or _command(out, name, force),
        created_utc=now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        version=__version__,
        sections=tuple(n for n, _ in builders),
    )
    with atomic_dir(target, overwrite=force) as tmp:
        built = _build_all(ctx, builders)
        pngs: dict[str, bytes] = {}
        for _, section in built:
            for fig in section.figures:
                pngs[fig.name] = render_png(fig)
                fig.data.to_csv(tmp / f"{fig.name}.csv", index=False, lineterminator="\n")
            for table in section.tables:
                if table.name in pngs:
                    continue  # the figure of the same name wrote this very data
                table.data.to_csv(tmp / f"{table.name}.csv", index=False, lineterminator="\n")
        (tmp / REPORT_NAME).write_text(render_html(ctx, built, pngs), encoding="utf-8")
        manifest = build_manifest(ctx, built, tmp)
        (tmp / MANIFEST_NAME).write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    return target / REPORT_NAME

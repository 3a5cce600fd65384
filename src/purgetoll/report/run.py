"""Write one run of the report: ``<out>/<name>/`` with report.html, one CSV per figure and table,
the stored results it renders (``results/<name>/``) and manifest.json, all at once or not at all.

The results the sections need (their ``NEEDS``) are taken from the cache keyed by their inputs
(:class:`purgetoll.results.ResultCache`, outside the run folder), computed and kept there when
missing, copied into the run's ``results/`` and rendered from that copy; so are the figures'
PNGs. :func:`rerender_run` renders a run again from its own ``results/`` without computing.

The run directory is a :class:`purgetoll.folders.RunFolder`: built in a hidden staging folder beside
it under its lock and swapped into place only when every section has been built and every file
written, so a run that fails leaves nothing behind and an earlier run of the same name as it was.
An existing run is replaced only with ``force=True``, and a folder holding files that no run wrote
never; without a name, the run is named after the UTC time it was made, with a suffix if that name
is taken (or being written by another process), so a plain rerun never overwrites anything.
"""

from __future__ import annotations

import functools
import hashlib
import re
import shlex
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from purgetoll import __version__
from purgetoll.atomic import atomic_file
from purgetoll.errors import FolderInUseError, PurgetollError, RunExistsError
from purgetoll.folders import RunFolder, read_sealed
from purgetoll.report.html import render_html
from purgetoll.report.manifest import MANIFEST_NAME, build_manifest
from purgetoll.report.model import BuildError, Figure, ReportError, RunContext, Section
from purgetoll.report.registry import Builder, section_builders, section_needs
from purgetoll.report.render_png import render_png
from purgetoll.results import Need, ResultCache, load_result
from purgetoll.stored import copy_stored, jsonable, stored_kind

__all__ = ["REPORT_NAME", "RESULTS_DIR", "RunExistsError", "default_run_name", "preview_context", "rerender_run",
           "write_run"]

REPORT_NAME = "report.html"
#: The kind (and the folder beside the runs, and in a run's results) of a stored calibration.
CALIBRATION = "calibration"
#: The folder of a run that holds the stored results its sections render, one folder each.
RESULTS_DIR = "results"

# A run name is one path component: no separators, no leading dot (hidden/temporary names).
_RUN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_RESERVED = {REPORT_NAME.removesuffix(".html"), MANIFEST_NAME.removesuffix(".json")}


def default_run_name(now: datetime, out: Path) -> str:
    """``YYYYMMDDTHHMMSSZ`` of ``now`` in UTC, with ``-2``, ``-3``, ... if that run exists."""
    base = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    name, n = base, 1
    while (out / name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def _command(out: Path, name: str | None, force: bool, calibration: Path | None = None) -> str:
    argv = ["purgetoll", "run"]
    if name is not None:
        argv += ["--name", name]
    argv += ["--out", str(out)]
    if calibration is not None:
        argv += ["--calibration", str(calibration)]
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
            raise BuildError(f"section {name!r} failed: {exc}") from exc
        except Exception as exc:
            raise BuildError(f"section {name!r} failed: {type(exc).__name__}: {exc}") from exc
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
    cache: ResultCache | None = None,
    now: datetime | None = None,
    command: str | None = None,
    calibration: str | Path | None = None,
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
        ``(name, build)`` pairs; default: the modules listed in ``purgetoll.report.sections``. The
        stored results they render are those their modules declare in ``NEEDS``.
    cache:
        Where results and figures are taken from and kept; default
        ``ResultCache()`` (``$PURGETOLL_CACHE`` or ``~/.cache/purgetoll``);
        ``ResultCache(None)`` computes everything and keeps nothing. Its ``log`` says what was
        reused and what computed.
    now, command:
        The time and command line recorded in the report; default: now, and the equivalent
        ``purgetoll run`` command.
    calibration:
        A stored calibration folder (``purgetoll calibrate run --out DIR``) to show; default
        ``<out>/calibration`` if it holds one. It is copied into the run's ``results/calibration``
        (checked against its SHA-256) and rendered from there; the report never runs one.

    Raises
    ------
    RunExistsError
        ``<out>/<name>`` holds a run and ``force`` is False (nothing is written).
    ForeignContentError
        ``<out>/<name>`` holds files that no purgetoll run wrote, which even ``force`` never
        replaces (nothing is written).
    FolderInUseError
        Another process is writing ``<out>/<name>``.
    OutputError
        A write failed (full or read-only file system, ...): the message names the path; an
        earlier run of that name is left as it was.
    ReportError
        A section failed or handed back something that cannot be shown (nothing is written).
    """
    out = Path(out)
    now = now or datetime.now(UTC)
    if name is not None and (not isinstance(name, str) or not _RUN_NAME.match(name)):
        raise ReportError(
            f"run name {name!r} must be 1-100 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    builders = list(sections) if sections is not None else section_builders()
    needs = section_needs(builders)
    cache = ResultCache() if cache is None else cache
    given = Path(calibration) if calibration is not None else None
    if given is not None and stored_kind(given) != CALIBRATION:
        raise ReportError(f"--calibration {str(given)!r}: not a stored calibration (make one with "
                          "`purgetoll calibrate run --out DIR`)")
    found = given if given is not None else (out / CALIBRATION if stored_kind(out / CALIBRATION) == CALIBRATION
                                             else None)
    with _claim(out, name, force, now) as folder:
        run_command = command or _command(out, name, force, given)
        placed = {key: cache.place(need, folder.path / RESULTS_DIR / key, command=run_command)
                  for key, need in needs.items()}
        results = _load_results(folder.path, needs)
        listing = {key: {"kind": p.need.kind, "settings": jsonable(p.need.settings), "key": p.key,
                         "path": f"{RESULTS_DIR}/{key}"} for key, p in placed.items()}
        if found is not None:  # a stored calibration, never computed here: copied (checked) and rendered
            copy_stored(found, folder.path / RESULTS_DIR / CALIBRATION, CALIBRATION)
            results[CALIBRATION] = load_result(folder.path / RESULTS_DIR / CALIBRATION, CALIBRATION)
            listing[CALIBRATION] = {"kind": CALIBRATION, "settings": {}, "key": None,
                                    "path": f"{RESULTS_DIR}/{CALIBRATION}", "copied_from": str(found)}
        ctx = RunContext(
            name=folder.name,
            command=run_command,
            created_utc=now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            version=__version__,
            sections=tuple(n for n, _ in builders),
            results=results,
        )
        _render(folder, ctx, builders, cache, {"results": listing} if listing else {})
    return out / folder.name / REPORT_NAME


def rerender_run(run: str | Path, *, to: str | Path | None = None, force: bool = False,
                 cache: ResultCache | None = None) -> Path:
    """Render the run in folder ``run`` again from the results stored in it, computing nothing;
    return the path of the new ``report.html``.

    The run is replaced whole by its new rendering (``to``: written there instead, a new folder
    unless ``force``). The name, command and date recorded are the run's own, so with the same
    purgetoll every CSV comes out byte for byte the same; the manifest adds when and by which
    version it was rendered again. Every stored result is checked against its SHA-256 first: a
    damaged run is an error naming the file, and nothing is written.
    """
    run = Path(run)
    if not (run / MANIFEST_NAME).is_file():  # nothing of a run there: what was given, not a damaged run
        what = "no such folder" if not run.exists() else f"no {MANIFEST_NAME}"
        raise ReportError(f"{run}: not a run of `purgetoll run` ({what})")
    manifest = read_sealed(run / MANIFEST_NAME, "report run's manifest")
    if not isinstance(manifest.get("sections"), list) or "run" not in manifest:
        raise ReportError(f"{run}: not a run of `purgetoll run` (its manifest lists no sections)")
    listing = manifest.get("results") or {}
    names = [s["module"] for s in manifest["sections"]]
    builders = section_builders(names)
    target = run if to is None else Path(to)
    cache = ResultCache() if cache is None else cache
    with RunFolder(target, kind="report", force=force or to is None) as folder:
        for entry in listing.values():  # each checked against its SHA-256 as it is copied
            copy_stored(run / entry["path"], folder.path / entry["path"], entry["kind"])
        needs = {key: Need(entry["kind"], **entry["settings"]) for key, entry in listing.items()}
        ctx = RunContext(
            name=str(manifest["run"]),
            command=str(manifest["command"]),
            created_utc=str(manifest["created_utc"]),
            version=str(manifest["purgetoll_version"]),
            sections=tuple(names),
            results=_load_results(folder.path, needs),
        )
        rendered = {"rendered_again_utc": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "rendered_again_by": __version__}
        _render(folder, ctx, builders, cache, {"results": listing, **rendered} if listing else rendered)
    return target / REPORT_NAME


def preview_context(sections: Sequence[str], *, cache: ResultCache | None = None) -> RunContext:
    """A context for building the section modules ``sections`` outside a run (a notebook, a test):
    the results they need taken from the cache (computed and kept if missing)."""
    cache = ResultCache() if cache is None else cache
    results = {key: cache.obtain(need) for key, need in section_needs(section_builders(sections)).items()}
    return RunContext("preview", "purgetoll run", "2026-01-01T00:00:00Z", __version__, tuple(sections), results)


def _load_results(folder: Path, needs: Mapping[str, Need]) -> dict[str, Any]:
    return {key: load_result(folder / RESULTS_DIR / key, need.kind) for key, need in needs.items()}


def _render(folder: RunFolder, ctx: RunContext, builders: Sequence[tuple[str, Builder]],
            cache: ResultCache, extra: Mapping[str, Any]) -> None:
    """Build the sections, write the CSVs, the page and the manifest, and commit the run."""
    tmp = folder.path
    built = _build_all(ctx, builders)
    pngs: dict[str, bytes] = {}
    for _, section in built:
        for fig in section.figures:
            text = _write_csv(fig.data, tmp / f"{fig.name}.csv")
            pngs[fig.name] = cache.file("report.figure", _figure_key(fig, text), "figure.png",
                                        functools.partial(render_png, fig))
        for table in section.tables:
            if table.name in pngs:
                continue  # the figure of the same name wrote this very data
            _write_csv(table.data, tmp / f"{table.name}.csv")
    with atomic_file(tmp / REPORT_NAME, encoding="utf-8") as fh:
        fh.write(render_html(ctx, built, pngs))
    folder.commit({**build_manifest(ctx, built), **extra}, indent=2, sort_keys=False)


def _figure_key(fig: Figure, csv_text: str) -> dict[str, Any]:
    """What a figure's PNG is drawn from: its name, size, data (as written, and its dtypes) and
    matplotlib's version (the drawing code is in the cache key's package fingerprint)."""
    return {"figure": fig.name, "size_inches": list(fig.size_inches),
            "csv_sha256": hashlib.sha256(csv_text.encode("utf-8")).hexdigest(),
            "dtypes": [str(t) for t in fig.data.dtypes], "matplotlib": metadata.version("matplotlib")}


def _write_csv(df: pd.DataFrame, path: Path) -> str:
    text = df.to_csv(index=False, lineterminator="\n")
    with atomic_file(path, encoding="utf-8", newline="") as fh:
        fh.write(text)
    return text


def _claim(out: Path, name: str | None, force: bool, now: datetime) -> RunFolder:
    """The opened run folder ``out/name``; without a name, the first free time-stamped one."""
    if name is not None:
        return RunFolder(out / name, kind="report", force=force).open()
    base = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    for n in range(1, 1000):
        candidate = base if n == 1 else f"{base}-{n}"
        if (out / candidate).exists():
            continue
        try:
            return RunFolder(out / candidate, kind="report").open()
        except (FolderInUseError, RunExistsError):
            continue  # another run took this name first
    raise ReportError(f"no free run name under {str(out)!r} for {base}")

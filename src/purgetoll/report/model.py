"""What a report section hands to the report: the small, stable extension API of ``purgetoll run``.

A section is a module ``purgetoll/report/sections/<name>.py`` with one function::

    def build(ctx: RunContext) -> Section: ...

It returns a :class:`Section` (a title, plain-text intro, figures, tables). A section renders; it
computes nothing that takes time: a result it shows (a deficit, a verdict, the claims checked) is
declared in the module's ``NEEDS`` (name -> :class:`purgetoll.results.Need`), computed or taken
from the cache by ``purgetoll run``, stored with the run, and handed over as ``ctx.result(name)``,
so ``purgetoll report RUN_DIR`` renders it again without computing. It never writes files
and never touches matplotlib's global state: the report draws each :class:`Figure` itself from
the figure's own DataFrame (so the CSV written beside the report is exactly what was drawn), under
fixed rcParams, and renders the HTML, the CSVs and the manifest.

Every figure and table carries its sources (:class:`Source`: a citation and, where it came from a
bundled table, that table's catalog name). Left empty, they are read from the DataFrame's
``attrs["source"]`` / ``attrs["table"]`` (the convention of every ``purgetoll.data`` loader); a
figure or table with no citation at all is refused. Anything that is an estimate rather than a
published count sets ``estimate=True`` and is labelled "Estimate" in the report.

A whole section module, for example ``sections/deficit.py`` (then add ``"deficit",`` to
``sections/__init__.py``)::

    from purgetoll.report import Figure, RunContext, Section, Table

    def _draw(fig, data):                       # only fig and data: no pyplot
        ax = fig.add_subplot()
        ax.plot(data["age"], data["deficit"])

    def build(ctx: RunContext) -> Section:
        df = my_deficit_by_age()                # attrs["source"] set by the code that made it
        return Section(
            title="The deficit of men in 1959",
            intro="Plain text.\\n\\nA second paragraph.",
            figures=[Figure("deficit_1959", "Deficit by age", df, _draw, estimate=True)],
            tables=[Table("deficit_1959_table", "Deficit by 10-year group", df, estimate=True)],
        )

Names of figures and tables are unique across the report (each writes ``<name>.csv``); the run
refuses a duplicate, naming both sections. A section that raises stops the run and nothing is
written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from purgetoll.errors import PurgetollError

if TYPE_CHECKING:  # matplotlib is imported only when a figure is drawn
    import matplotlib.figure

__all__ = ["Figure", "ReportError", "RunContext", "Section", "Source", "Table"]

# File-safe names: the CSV of a figure or table is written as "<name>.csv" in the run directory.
_NAME = re.compile(r"^[a-z0-9][a-z0-9_]*$")


class ReportError(PurgetollError, ValueError):
    """A section, figure or table cannot be put in the report; the message names which and why."""


class BuildError(ReportError, RuntimeError):
    """A section or a figure failed while the report was built (a failure, not bad input: the command
    exits 1); the message names which and the cause."""


@dataclass(frozen=True)
class Source:
    """Where a figure's or table's numbers come from.

    ``citation`` is the full reference as it should be printed; ``table`` is the catalog name of
    the bundled table (``purgetoll data show TABLE``) when the numbers came from one, else None
    (for instance a figure quoted from the case study).
    """

    citation: str
    table: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.citation, str) or not self.citation.strip():
            raise ReportError(f"a Source needs a non-empty citation; got {self.citation!r}")

    @classmethod
    def of(cls, df: pd.DataFrame) -> Source:
        """The source recorded on a loader's DataFrame (``attrs["source"]``, ``attrs["table"]``)."""
        citation = df.attrs.get("source")
        if not isinstance(citation, str) or not citation.strip():
            table = df.attrs.get("table", "<unnamed>")
            raise ReportError(
                f"DataFrame {table!r} has no attrs['source'] citation; "
                "every number in the report must name its source"
            )
        table = df.attrs.get("table")
        return cls(citation=citation, table=table if isinstance(table, str) else None)


def _check_name(kind: str, name: str) -> None:
    if not isinstance(name, str) or not _NAME.match(name):
        raise ReportError(
            f"{kind} name {name!r} must be lower-case letters, digits and '_' "
            "(it names the CSV written beside the report)"
        )


def _sources(kind: str, name: str, sources: Sequence[Source], data: pd.DataFrame) -> tuple:
    if isinstance(sources, Source):
        sources = (sources,)
    sources = tuple(sources)
    if not sources:
        if not data.attrs.get("source"):
            raise ReportError(
                f"{kind} {name!r} has no sources and its data has no attrs['source']; "
                "every figure and table must show its citation"
            )
        sources = (Source.of(data),)
    for s in sources:
        if not isinstance(s, Source):
            raise ReportError(f"{kind} {name!r}: sources must be Source objects; got {s!r}")
    return sources


@dataclass(frozen=True)
class Figure:
    """A matplotlib figure drawn by the report from ``data``.

    Parameters
    ----------
    name:
        File-safe name, unique in the report; the data is written to ``<name>.csv``.
    title:
        Heading shown above the figure.
    data:
        Exactly the numbers drawn (tidy, one row per plotted value); written as CSV.
    plot:
        ``plot(fig, data)`` draws on a fresh ``matplotlib.figure.Figure`` (Agg, fixed rcParams,
        constrained layout: do not call ``subplots_adjust`` or ``tight_layout``). It must use
        only ``fig`` and ``data``: no pyplot, no global state.
    caption:
        Plain text under the figure: what is shown, units, caveats.
    sources:
        The citations; empty means ``Source.of(data)``.
    estimate:
        True when the figure shows estimates rather than published counts.
    size_inches:
        Width and height of the figure in inches (rendered at the report's fixed dpi).
    """

    name: str
    title: str
    data: pd.DataFrame
    plot: Callable[[matplotlib.figure.Figure, pd.DataFrame], Any]
    caption: str = ""
    sources: Sequence[Source] = ()
    estimate: bool = False
    size_inches: tuple[float, float] = (9.0, 5.0)

    def __post_init__(self) -> None:
        _check_name("figure", self.name)
        if not isinstance(self.data, pd.DataFrame):
            raise ReportError(f"figure {self.name!r}: data must be a pandas DataFrame")
        if not callable(self.plot):
            raise ReportError(f"figure {self.name!r}: plot must be callable as plot(fig, data)")
        w, h = self.size_inches
        if not (0 < w <= 20 and 0 < h <= 20):
            raise ReportError(f"figure {self.name!r}: size_inches must be in (0, 20]; got {w}x{h}")
        object.__setattr__(self, "sources", _sources("figure", self.name, self.sources, self.data))


@dataclass(frozen=True)
class Table:
    """A table shown in the report as HTML and written beside it, whole, as ``<name>.csv``.

    ``formats`` maps a column to how the HTML shows a value: a ``str.format`` pattern (for
    example ``"{:d}"``) or a function of the value returning text; by default integers get
    thousands separators and floats one decimal. ``html_columns`` picks the columns the page
    shows (default: all); the CSV always keeps every column and full values.
    """

    name: str
    caption: str
    data: pd.DataFrame
    sources: Sequence[Source] = ()
    estimate: bool = False
    formats: dict[str, str | Callable[[Any], str]] = field(default_factory=dict)
    html_columns: Sequence[str] = ()

    def __post_init__(self) -> None:
        _check_name("table", self.name)
        if not isinstance(self.data, pd.DataFrame):
            raise ReportError(f"table {self.name!r}: data must be a pandas DataFrame")
        columns = {str(c) for c in self.data.columns}
        unknown = sorted(set(self.formats) - columns)
        if unknown:
            raise ReportError(f"table {self.name!r}: formats name columns not in the data: {unknown}")
        object.__setattr__(self, "html_columns", tuple(self.html_columns))
        unknown = sorted(set(self.html_columns) - columns)
        if unknown:
            raise ReportError(
                f"table {self.name!r}: html_columns name columns not in the data: {unknown}"
            )
        object.__setattr__(self, "sources", _sources("table", self.name, self.sources, self.data))


@dataclass(frozen=True)
class Section:
    """One section of the report, in the order of ``purgetoll.report.sections.SECTIONS``.

    ``intro`` (and a figure's ``caption``) is plain text: paragraphs separated by a blank line; a
    paragraph whose lines all start with four spaces is a code block (for commands); lines starting
    with ``- `` at the end of a paragraph are a bulleted list. Figures come before tables.
    """

    title: str
    intro: str = ""
    figures: Sequence[Figure] = ()
    tables: Sequence[Table] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.title, str) or not self.title.strip():
            raise ReportError("a Section needs a non-empty title")
        object.__setattr__(self, "figures", tuple(self.figures))
        object.__setattr__(self, "tables", tuple(self.tables))
        for f in self.figures:
            if not isinstance(f, Figure):
                raise ReportError(f"section {self.title!r}: figures must be Figure objects; got {f!r}")
        for t in self.tables:
            if not isinstance(t, Table):
                raise ReportError(f"section {self.title!r}: tables must be Table objects; got {t!r}")


@dataclass(frozen=True)
class RunContext:
    """What a section may know about the run it is part of, and the stored results it renders.

    Attributes
    ----------
    name:
        The run's name (its directory under the output folder).
    command:
        The command line that reproduces the run's content (``purgetoll run ...``).
    created_utc:
        When the run was made, ISO 8601 in UTC (shown in the report, never in a CSV).
    version:
        The purgetoll version.
    sections:
        The section module names of this report, in order.
    results:
        The stored results the sections asked for (their ``NEEDS``), by name, as loaded from the
        run's ``results/`` folder: :meth:`result` gives one.
    """

    name: str
    command: str
    created_utc: str
    version: str
    sections: tuple[str, ...]
    results: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def result(self, name: str) -> Any:
        """The stored result ``name``; :class:`ReportError` when the run has none of that name."""
        try:
            return self.results[name]
        except KeyError:
            have = ", ".join(sorted(self.results)) or "none"
            raise ReportError(f"the run has no stored result {name!r} (a section must declare it in its "
                              f"NEEDS; the run has: {have})") from None

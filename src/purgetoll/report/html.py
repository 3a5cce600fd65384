"""Render built sections as one self-contained HTML page.

Everything the page shows is inside it: CSS inline, figures as base64 PNG ``data:`` URIs, no
script, no web font, no external link to load. The only links are to the page's own anchors and
to the CSV files written beside it in the run directory. All text is HTML-escaped; citations
are printed as text, never turned into links.
"""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Callable, Mapping, Sequence
from numbers import Integral, Real
from typing import Any

import pandas as pd

from purgetoll.report.model import Figure, RunContext, Section, Source, Table

__all__ = ["CSS", "collect_sources", "render_html"]

CSS = """
body { font-family: Georgia, 'DejaVu Serif', serif; color: #1b1b1b; background: #fff;
       max-width: 68rem; margin: 2rem auto; padding: 0 1.2rem; line-height: 1.5; }
h1, h2, h3 { font-family: 'DejaVu Sans', Arial, sans-serif; line-height: 1.25; }
h1 { font-size: 1.7rem; margin-bottom: .2rem; }
h2 { font-size: 1.3rem; border-top: 1px solid #ccc; padding-top: 1.2rem; margin-top: 2.2rem; }
h3 { font-size: 1.05rem; margin-top: 1.6rem; }
.meta { color: #555; font-size: .9rem; }
nav ol { padding-left: 1.4rem; }
figure { margin: 1rem 0 1.6rem; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption, .caption { font-size: .92rem; color: #333; }
.source { font-size: .85rem; color: #444; margin-top: .3rem; }
.estimate { display: inline-block; font-family: 'DejaVu Sans', Arial, sans-serif;
            font-size: .75rem; font-weight: bold; color: #7a3b00; background: #fff1dd;
            border: 1px solid #e0b27a; border-radius: 3px; padding: 0 .35rem; margin-right: .4rem; }
.table { overflow-x: auto; }
table { border-collapse: collapse; font-size: .86rem; margin: .6rem 0 .3rem; }
th, td { border-bottom: 1px solid #ddd; padding: .25rem .55rem; vertical-align: top; }
th { text-align: left; background: #f4f4f4; font-family: 'DejaVu Sans', Arial, sans-serif; }
td { overflow-wrap: break-word; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.nw { white-space: nowrap; }
pre { background: #f6f6f6; padding: .6rem .8rem; overflow-x: auto; font-size: .85rem; }
.sources li { font-size: .88rem; margin-bottom: .3rem; }
code { font-size: .88rem; }
"""


_NOWRAP_CHARS = 12


def collect_sources(sections: Sequence[tuple[str, Section]]) -> list[Source]:
    """Every distinct source of the report's figures and tables, in order of first use."""
    seen: dict[Source, None] = {}
    for _, section in sections:
        for s in [s for f in section.figures for s in f.sources] + [s for t in section.tables for s in t.sources]:
            seen.setdefault(s, None)
    return list(seen)


def _paragraphs(text: str) -> str:
    """Plain text to HTML, a small fixed subset of Markdown.

    Blocks are separated by a blank line. A block whose lines all start with four spaces is a code
    block; a block that ends in lines starting with ``- `` is a bulleted list (after an optional
    lead-in paragraph); any other block is a paragraph. Everything is escaped.
    """
    out = []
    for block in text.strip("\n").split("\n\n"):
        if not block.strip():
            continue
        lines = block.split("\n")
        if all(line.startswith("    ") for line in lines):
            code = "\n".join(line[4:] for line in lines)
            out.append(f"<pre><code>{html.escape(code)}</code></pre>")
            continue
        first_item = next((i for i, line in enumerate(lines) if line.startswith("- ")), None)
        items: list[str] = []
        if first_item is not None and all(line.startswith("- ") for line in lines[first_item:]):
            items = [line[2:].strip() for line in lines[first_item:]]
            lines = lines[:first_item]
        if lines:
            out.append(f"<p>{html.escape(' '.join(line.strip() for line in lines))}</p>")
        if items:
            out.append("<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>")
    return "\n".join(out)


def _cell(value: object, pattern: str | Callable[[Any], str] | None) -> tuple[str, bool]:
    """Format one table cell; returns (escaped text, is_number)."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "\u2014", False
    if callable(pattern):
        return html.escape(str(pattern(value))), isinstance(value, Real)
    if pattern is not None:
        return html.escape(pattern.format(value)), isinstance(value, Real)
    if isinstance(value, bool):
        return ("yes" if value else "no"), False
    if isinstance(value, Integral):
        return f"{int(value):,}", True
    if isinstance(value, Real):
        return f"{float(value):,.1f}", True
    return html.escape(str(value)), False


def _source_line(sources: Sequence[Source], numbers: Mapping[Source, int]) -> str:
    refs = "; ".join(
        f'<a href="#src-{numbers[s]}">[{numbers[s]}]</a> {html.escape(s.citation)}' for s in sources
    )
    return f'<div class="source">Source: {refs}</div>'


def _badge(estimate: bool) -> str:
    return '<span class="estimate">Estimate</span>' if estimate else ""


def _figure_html(fig: Figure, png: bytes, numbers: Mapping[Source, int]) -> str:
    b64 = base64.b64encode(png).decode("ascii")
    caption = _paragraphs(fig.caption) if fig.caption else ""
    return (
        f'<figure id="fig-{fig.name}">\n<h3>{_badge(fig.estimate)}{html.escape(fig.title)}</h3>\n'
        f'<img src="data:image/png;base64,{b64}" alt="{html.escape(fig.title, quote=True)}">\n'
        f"<figcaption>{caption}\n{_source_line(fig.sources, numbers)}\n"
        f'<div class="source">Data: <a href="{fig.name}.csv">{fig.name}.csv</a></div>'
        "</figcaption>\n</figure>"
    )


def _table_html(table: Table, numbers: Mapping[Source, int]) -> str:
    df = table.data[list(table.html_columns)] if table.html_columns else table.data
    # Column names are shown with spaces so long headers can wrap; the CSV keeps the names.
    head = "".join(f"<th>{html.escape(str(c).replace('_', ' '))}</th>" for c in df.columns)
    rows = []
    for record in df.itertuples(index=False, name=None):
        cells = []
        for col, value in zip(df.columns, record, strict=True):
            text, num = _cell(value, table.formats.get(str(col)))
            if num:
                cells.append(f'<td class="num">{text}</td>')
            elif len(text) <= _NOWRAP_CHARS:  # short labels such as "30-34" stay on one line
                cells.append(f'<td class="nw">{text}</td>')
            else:  # identifiers such as claim ids may break after an underscore
                cells.append(f"<td>{text.replace('_', '_<wbr>')}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f'<div class="table" id="tab-{table.name}">\n'
        f'<p class="caption">{_badge(table.estimate)}{html.escape(table.caption)}</p>\n'
        f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n"
        + "\n".join(rows)
        + "\n</tbody>\n</table>\n"
        f"{_source_line(table.sources, numbers)}\n"
        f'<div class="source">Data: <a href="{table.name}.csv">{table.name}.csv</a></div>\n</div>'
    )


def render_html(
    ctx: RunContext, sections: Sequence[tuple[str, Section]], pngs: Mapping[str, bytes]
) -> str:
    """The whole report page.

    ``sections`` are (module name, built Section) pairs in report order; ``pngs`` maps each
    figure name to its PNG bytes.
    """
    sources = collect_sources(sections)
    numbers = {s: i for i, s in enumerate(sources, start=1)}
    toc = "\n".join(
        f'<li><a href="#sec-{name}">{html.escape(sec.title)}</a></li>' for name, sec in sections
    )
    body = []
    for name, sec in sections:
        parts = [f'<section id="sec-{name}">', f"<h2>{html.escape(sec.title)}</h2>"]
        if sec.intro:
            parts.append(_paragraphs(sec.intro))
        parts.extend(_figure_html(f, pngs[f.name], numbers) for f in sec.figures)
        parts.extend(_table_html(t, numbers) for t in sec.tables)
        parts.append("</section>")
        body.append("\n".join(parts))
    source_items = "\n".join(
        f'<li id="src-{numbers[s]}">{html.escape(s.citation)}'
        + (f" (bundled table <code>{html.escape(s.table)}</code>)" if s.table else "")
        + "</li>"
        for s in sources
    )
    title = f"purgetoll report {ctx.name}"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        "<header>\n<h1>The toll of the Great Purge: what the evidence shows</h1>\n"
        f'<p class="meta">Run <code>{html.escape(ctx.name)}</code> &middot; purgetoll '
        f"{html.escape(ctx.version)} &middot; made {html.escape(ctx.created_utc)} &middot; "
        f"<code>{html.escape(ctx.command)}</code></p>\n</header>\n"
        f'<nav>\n<ol>\n{toc}\n<li><a href="#sources">Sources</a></li>\n</ol>\n</nav>\n'
        + "\n".join(body)
        + '\n<section id="sources">\n<h2>Sources</h2>\n'
        f'<ol class="sources">\n{source_items}\n</ol>\n</section>\n</body>\n</html>\n'
    )

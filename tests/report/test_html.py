"""The report page is self-contained: nothing to load from a network, all text escaped."""

from __future__ import annotations

import base64
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from purgetoll.report import RunContext, Section, write_run
from purgetoll.report.html import render_html
from tests.report.conftest import tiny_section

CTX = RunContext("t", "purgetoll run --name t", "2026-11-28T12:00:00Z", "0.1.0", ("tiny",))


class _Refs(HTMLParser):
    """Collects every tag and every attribute that could make a browser fetch something."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.refs: list[tuple[str, str, str]] = []
        self.ids: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for key, value in attrs:
            if key in {"src", "href", "srcset", "poster", "data", "action", "background"}:
                self.refs.append((tag, key, value or ""))
            if key == "id":
                self.ids.add(value)

    def handle_data(self, data):
        self.text.append(data)


def _parse(text: str) -> _Refs:
    p = _Refs()
    p.feed(text)
    p.close()
    return p


def test_report_loads_nothing_from_a_network(tmp_path, tiny_sections):
    path = write_run(tmp_path, "h", sections=tiny_sections)
    text = path.read_text(encoding="utf-8")
    refs = _parse(text)
    assert not {"script", "link", "iframe", "object", "embed"} & set(refs.tags)
    assert "@import" not in text and "url(" not in text
    files = {p.name for p in path.parent.iterdir()}
    for tag, key, value in refs.refs:
        if value.startswith("#"):
            assert value[1:] in refs.ids, f"dangling anchor {value}"
        elif value.startswith("data:image/png;base64,"):
            png = base64.b64decode(value.split(",", 1)[1], validate=True)
            assert png.startswith(b"\x89PNG\r\n\x1a\n")
        else:  # a relative link to a file written beside the report, never a URL
            assert "://" not in value and value in files, (tag, key, value)
    assert [v for _, k, v in refs.refs if k == "src" and not v.startswith("data:")] == []


def test_every_figure_and_table_shows_its_source_and_csv(tmp_path, tiny_sections):
    text = write_run(tmp_path, "h", sections=tiny_sections).read_text()
    assert text.count('<div class="source">Source:') == 2
    assert '<a href="#src-1">[1]</a> A tiny census (test fixture), p. 1' in text
    assert '<a href="#src-2">[2]</a> Someone, A Book (1968), p. 2' in text
    assert '<a href="tiny_pyramid.csv">tiny_pyramid.csv</a>' in text
    assert '<a href="tiny_ratio.csv">tiny_ratio.csv</a>' in text
    assert '<li id="src-1">A tiny census (test fixture), p. 1 (bundled table <code>tiny_census</code>)</li>' in text


def test_estimates_are_labelled(tmp_path, tiny_sections):
    text = write_run(tmp_path, "h", sections=tiny_sections).read_text()
    assert text.count('<span class="estimate">Estimate</span>') == 1
    assert '<span class="estimate">Estimate</span>Men per 1000 women (estimate for the test)' in text


def test_intro_paragraphs_code_blocks_and_table_formats(tmp_path, tiny_sections):
    text = write_run(tmp_path, "h", sections=tiny_sections).read_text()
    assert "<h2>Tiny &lt;census&gt; &amp; friends</h2>" in text
    assert "<p>First paragraph.</p>\n<p>Second one.</p>\n<pre><code>purgetoll run --name x</code></pre>" in text
    # default integer format has thousands separators; the formatted column does not
    assert '<td class="nw">0-9</td><td class="num">10</td><td class="num">12</td><td class="num">833</td>' in text


_PAGE_TAGS = {"html", "head", "meta", "title", "style", "body", "header", "h1", "p", "code", "nav",
              "ol", "ul", "li", "a", "section", "h2", "pre"}
_PLAIN = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=60)


@settings(max_examples=60, deadline=None)
@given(title=_PLAIN.filter(lambda s: s.strip()), intro=_PLAIN)
def test_any_text_is_shown_as_text_never_as_markup(title, intro):
    page = render_html(CTX, [("s", Section(title=title, intro=intro))], {})
    parsed = _parse(page)
    # the page's own structure only: whatever the text, it adds no element of its own
    assert set(parsed.tags) <= _PAGE_TAGS
    assert parsed.tags.count("h2") == 2 and "script" not in parsed.tags
    assert title in "".join(parsed.text)
    for word in intro.split():
        if word != "-":  # a bullet marker, consumed by the list
            assert word in "".join(parsed.text)


def test_tiny_section_renders_without_a_run(tmp_path):
    section = tiny_section(CTX)
    page = render_html(CTX, [("tiny", section)], {"tiny_pyramid": b"\x89PNG\r\n\x1a\nfake"})
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>\n")
    assert 'id="sec-tiny"' in page and 'href="#sec-tiny"' in page


def test_long_identifiers_may_break_after_underscores_short_labels_do_not():
    import pandas as pd

    from purgetoll.report import Source, Table

    df = pd.DataFrame({"id": ["census1959_permille_60_69"], "ages": ["60-69"], "n": [1040]})
    section = Section("S", tables=[Table("t", "T", df, sources=[Source("Book")])])
    page = render_html(CTX, [("s", section)], {})
    assert "<td>census1959_<wbr>permille_<wbr>60_<wbr>69</td>" in page
    assert '<td class="nw">60-69</td><td class="num">1,040</td>' in page
    assert "<th>id</th><th>ages</th><th>n</th>" in page


def test_bulleted_lists_after_a_lead_in():
    text = "Assumptions:\n- one <a>\n- two\n\n- only items\n\nnot - a list\n- because mixed\nend"
    page = render_html(CTX, [("s", Section("S", intro=text))], {})
    assert "<p>Assumptions:</p>\n<ul><li>one &lt;a&gt;</li><li>two</li></ul>" in page
    assert "<ul><li>only items</li></ul>" in page
    assert "<p>not - a list - because mixed end</p>" in page

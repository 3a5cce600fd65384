"""The report as a reader opens it: the real ``purgetoll run`` report in headless Chromium, offline.

Debian's ``chromium`` package (``.ci/run`` installs it with apt-get when it is missing), driven from
Python by playwright with the installed browser's path, a fresh profile and no network: the page
loads without a console error and asks for nothing beyond its own file, every figure renders
(``naturalWidth > 0``) with its alt text, and every anchor of the page resolves to an element that
shows; and the same checks catch a damaged copy of the page. The tests skip, saying why, only
when no Chromium is installed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

#: Flags this machine needs (no sandbox as root, no GPU, no network calls of its own).
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]

#: What the page shows, read in the browser after it has loaded.
FACTS = """() => ({
  images: [...document.images].map(i => ({alt: i.alt, complete: i.complete, width: i.naturalWidth,
                                          height: i.naturalHeight, figure: i.closest('figure')?.id})),
  figures: document.querySelectorAll('figure').length,
  anchors: [...document.querySelectorAll('a[href^="#"]')].map(a => {
    const target = document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1)));
    return {href: a.getAttribute('href'), found: target !== null,
            shown: target !== null && target.getClientRects().length > 0};
  }),
  sections: [...document.querySelectorAll('section[id]')].map(s => s.id),
  files: [...document.querySelectorAll('a[href]:not([href^="#"])')].map(a => a.getAttribute('href')),
})"""


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.skip("no Chromium on this machine: .ci/run installs Debian's chromium package with apt-get; "
                    "here it is not installed (apt-get install chromium)")
    return found


def _open(report: Path, profile: Path) -> dict:
    """Open ``report`` in headless Chromium (fresh profile, offline): what it logged, asked for, shows."""
    from playwright.sync_api import sync_playwright

    browser = _chromium()
    seen: dict = {"console": [], "errors": [], "requests": [], "report": report}
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(str(profile), executable_path=browser, headless=True,
                                                       args=FLAGS, offline=True)
        try:
            page = context.new_page()
            page.on("console", lambda m: seen["console"].append((m.type, m.text)))
            page.on("pageerror", lambda e: seen["errors"].append(str(e)))
            page.on("request", lambda r: seen["requests"].append(r.url))
            page.goto(report.as_uri(), wait_until="load")
            seen.update(page.evaluate(FACTS))
            seen["jump"] = {}
            for section in seen["sections"]:  # a reader following the table of contents
                page.goto(f"{report.as_uri()}#{section}")
                seen["jump"][section] = page.evaluate(
                    f"() => {{ const top = document.getElementById('{section}').getBoundingClientRect().top; "
                    f"return location.hash === '#{section}' && top > -2 && top < window.innerHeight; }}")
        finally:
            context.close()
    return seen


@pytest.fixture(scope="module")
def opened(runs, tmp_path_factory):
    """The first real run's report.html as Chromium shows it."""
    return _open(runs / "one" / "report.html", tmp_path_factory.mktemp("chromium-profile"))


def test_the_page_loads_without_console_errors(opened):
    assert opened["errors"] == []
    assert [m for m in opened["console"] if m[0] in ("error", "warning")] == []


def test_it_asks_for_nothing_beyond_its_own_file(opened):
    assert opened["requests"] == [opened["report"].as_uri()]


def test_every_figure_renders_with_its_alt_text(opened):
    assert opened["figures"] > 0
    assert len(opened["images"]) == opened["figures"]
    for img in opened["images"]:
        assert img["complete"] and img["width"] > 0 and img["height"] > 0, img
        assert img["alt"].strip(), img


def test_every_anchor_resolves_and_every_section_can_be_jumped_to(opened):
    assert opened["anchors"], "the page has a table of contents"
    for a in opened["anchors"]:
        assert a["found"] and a["shown"], a
    hrefs = {a["href"] for a in opened["anchors"]}
    assert {f"#{s}" for s in opened["sections"]} <= hrefs
    assert opened["jump"] and all(opened["jump"].values()), opened["jump"]


def test_every_file_the_page_links_is_beside_it(opened):
    folder = Path(opened["report"]).parent
    assert opened["files"]
    for href in opened["files"]:
        assert (folder / href).is_file(), href


def test_the_checks_catch_a_damaged_page(runs, tmp_path):
    """The same checks on a copy with a truncated figure, an anchor to nowhere and a failing script."""
    text = (runs / "one" / "report.html").read_text(encoding="utf-8")
    start = text.index('<img src="data:image/png;base64,') + len('<img src="data:image/png;base64,')
    text = text[:start] + text[start:start + 12] + text[text.index('"', start):]
    text = text.replace("</nav>", '<a href="#nowhere">lost</a></nav><script>undefined_function()</script>', 1)
    damaged = tmp_path / "report.html"
    damaged.write_text(text, encoding="utf-8")
    seen = _open(damaged, tmp_path / "profile")
    assert any("undefined_function" in e for e in seen["errors"])
    assert [i["width"] for i in seen["images"]].count(0) == 1
    assert [a["href"] for a in seen["anchors"] if not a["found"]] == ["#nowhere"]

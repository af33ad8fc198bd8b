"""The built site as a reader gets it (issue 13 item 8).

The book is built once (from the committed book/ and results/) into a temporary folder. Then the front page
and every chapter's landing page are checked twice:

* in the built HTML (``html.parser``; needs no browser): the scoreboard table links every published chapter,
  each landing page has its claims table, every ``<img src>`` of the front page, the landing pages and the
  notebook pages points to a file that exists;
* in headless Chromium (the Debian package ``chromium``; skipped with the reason when no browser is found,
  ``GENREP_CHROMIUM`` names another binary): the DOM the browser built after loading the page has the
  scoreboard / claims table, and every image the browser tried to load decoded (``naturalWidth > 0``); the
  landing pages hold no figure, so each chapter's last notebook page with a figure is opened too.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

REPO = Path(__file__).resolve().parents[1]
BROWSERS = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
    "chromium-headless-shell",
)

pytestmark = pytest.mark.slow


def find_browser() -> str | None:
    env = os.environ.get("GENREP_CHROMIUM")
    if env:
        return shutil.which(env) or (env if Path(env).exists() else None)
    return next((p for p in map(shutil.which, BROWSERS) if p), None)


class Page(HTMLParser):
    """Tables (with the ids of the sections around them), links inside tables, images, <body> attributes."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.sections: list[str] = []
        self.tables: list[tuple[str, ...]] = []
        self.table_links: dict[tuple[str, ...], list[str]] = {}
        self.imgs: list[str] = []
        self.body: dict[str, str] = {}
        self._in_table = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section":
            self.sections.append(a.get("id") or "")
        elif tag == "table":
            self._in_table += 1
            self.tables.append(tuple(self.sections))
            self.table_links.setdefault(tuple(self.sections), [])
        elif tag == "a" and self._in_table and a.get("href"):
            self.table_links[tuple(self.sections)].append(a["href"])
        elif tag == "img":
            self.imgs.append(a.get("src") or "")
        elif tag == "body":
            self.body = {k: v or "" for k, v in attrs}

    def handle_endtag(self, tag):
        if tag == "section" and self.sections:
            self.sections.pop()
        elif tag == "table" and self._in_table:
            self._in_table -= 1

    def tables_in(self, section: str) -> int:
        return sum(section in ids for ids in self.tables)

    def links_in(self, section: str) -> list[str]:
        return [h for ids, hrefs in self.table_links.items() if section in ids for h in hrefs]


def missing_images(page: Path, srcs: list[str]) -> list[str]:
    bad = []
    for src in srcs:
        parts = urlsplit(src)
        if not src.strip():
            bad.append("(empty src)")
        elif parts.scheme in ("data", "http", "https"):
            continue
        elif not (page.parent / unquote(parts.path)).resolve().is_file():
            bad.append(src)
    return bad


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(html folder, published chapters): the book built from a copy of the committed pages and results."""
    root = tmp_path_factory.mktemp("site")
    for name in ("_config.yml", "book", "results"):
        src = REPO / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, root / name)
    shutil.copytree(REPO / "chapters", root / "chapters", ignore=shutil.ignore_patterns("*.py"))
    chapters = sorted(p.parent.name for p in (root / "book").glob("*/published.json"))
    assert chapters, "no chapter is published under book/"
    env = {**os.environ, "GENREP_ROOT": str(root), "OMP_NUM_THREADS": "1"}
    for var in ("GENREP_BOOK", "GENREP_RESULTS", "GENREP_CHAPTERS", "GENREP_RUNS"):
        env.pop(var, None)
    r = subprocess.run(
        [sys.executable, "-m", "genrep", "book", "--out", str(root)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    html = root / "_build" / "html"
    assert (html / "book" / "intro.html").is_file(), "the front page was not built"
    return html, chapters


def check_front(page: Page, chapters: list[str]) -> list[str]:
    errors = []
    if not page.tables_in("scoreboard"):
        errors.append("front page: no scoreboard table")
    links = " ".join(page.links_in("scoreboard"))
    errors += [f"front page: the scoreboard has no link to {ch}" for ch in chapters if f"{ch}/index.html" not in links]
    return errors


def check_landing(page: Page, ch: str) -> list[str]:
    return [] if page.tables_in("headline-claims") else [f"{ch}: no claims table under 'Headline claims'"]


def test_built_html_has_scoreboard_claims_tables_and_no_broken_image(site):
    html, chapters = site
    front = html / "book" / "intro.html"
    errors = check_front(Page(front.read_text()), chapters)
    errors += [f"front page: missing image {s}" for s in missing_images(front, Page(front.read_text()).imgs)]
    for ch in chapters:
        landing = html / "book" / ch / "index.html"
        if not landing.is_file():
            errors.append(f"{ch}: no landing page")
            continue
        errors += check_landing(Page(landing.read_text()), ch)
        for p in [landing, *sorted((html / "book" / ch).glob("[0-9][0-9]_*.html"))]:
            missing = missing_images(p, Page(p.read_text()).imgs)
            errors += [f"{p.relative_to(html)}: missing image {s}" for s in missing]
    assert not errors, "\n".join(errors)


def test_dom_check_can_fail(tmp_path):
    """The checks above on pages that lack what they look for."""
    (tmp_path / "ok.png").write_bytes(b"\x89PNG")
    page = tmp_path / "p.html"
    page.write_text(
        '<body><section id="scoreboard"><p>none yet</p></section><img src="ok.png">'
        '<img src="gone.png"><img src="data:image/png;base64,AAAA"></body>'
    )
    p = Page(page.read_text())
    assert check_front(p, ["metrics"]) == [
        "front page: no scoreboard table",
        "front page: the scoreboard has no link to metrics",
    ]
    assert check_landing(p, "metrics")
    assert missing_images(page, p.imgs) == ["gone.png"]
    good = Page(
        '<section id="headline-claims"><table><tr><td><a href="../metrics/index.html">m</a></td></tr></table></section>'
    )
    assert check_landing(good, "m") == []
    assert Page(
        '<section id="scoreboard"><div><table><tr><td><a href="metrics/index.html">x</a></td></tr>'
        "</table></div></section>"
    ).links_in("scoreboard") == ["metrics/index.html"]


PROBE = """<script>
window.addEventListener("load", function () {
  var bad = [];
  document.querySelectorAll("img").forEach(function (im) {
    if (!im.complete || im.naturalWidth === 0) bad.push(im.getAttribute("src"));
  });
  document.body.setAttribute("data-broken-images", JSON.stringify(bad));
  document.body.setAttribute("data-probe", "loaded");
});
</script>
"""


def browser_dom(browser: str, page: Path, profile: Path) -> Page:
    """The DOM headless Chromium built for ``page`` after its load event (a copy of the page with a probe
    that records which images failed to decode, next to the original so that relative links resolve)."""
    text = page.read_text().replace('loading="lazy"', "")
    probe = page.with_name(f".probe-{page.name}")
    probe.write_text(text.replace("</body>", PROBE + "</body>", 1) if "</body>" in text else text + PROBE)
    try:
        r = subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--disable-extensions",
                f"--user-data-dir={profile}",
                "--virtual-time-budget=15000",
                "--dump-dom",
                probe.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        probe.unlink(missing_ok=True)
    assert r.returncode == 0 and "<html" in r.stdout.lower(), f"{browser} failed on {page}: {r.stderr[-2000:]}"
    return Page(r.stdout)


def browser_errors(dom: Page, label: str) -> list[str]:
    if dom.body.get("data-probe") != "loaded":
        return [f"{label}: the page never finished loading in the browser"]
    return [f"{label}: broken image {s}" for s in json.loads(dom.body.get("data-broken-images") or "[]")]


def test_front_and_landing_pages_in_headless_chromium(site, tmp_path):
    browser = find_browser()
    if browser is None:
        pytest.skip("no headless Chromium found (Debian: apt-get install chromium; or set GENREP_CHROMIUM)")
    html, chapters = site
    dom = browser_dom(browser, html / "book" / "intro.html", tmp_path / "profile")
    errors = check_front(dom, chapters) + browser_errors(dom, "front page")
    for ch in chapters:
        dom = browser_dom(browser, html / "book" / ch / "index.html", tmp_path / "profile")
        errors += check_landing(dom, ch) + browser_errors(dom, ch)
        # the landing pages carry no figure: the chapter's last notebook page with one is opened too
        arms = json.loads((html.parents[1] / "book" / ch / "published.json").read_text()).get("arms", [])
        pages = [p for p in (html / "book" / ch / f"{a}.html" for a in arms) if p.is_file()]
        with_img = [p for p in pages if Page(p.read_text()).imgs]
        if with_img:
            dom = browser_dom(browser, with_img[-1], tmp_path / "profile")
            errors += browser_errors(dom, f"{ch}/{with_img[-1].name}")
            if not dom.imgs:
                errors.append(f"{ch}/{with_img[-1].name}: no image in the browser's DOM")
    assert not errors, "\n".join(errors)


def test_browser_probe_sees_a_broken_image(tmp_path):
    browser = find_browser()
    if browser is None:
        pytest.skip("no headless Chromium found (Debian: apt-get install chromium; or set GENREP_CHROMIUM)")
    page = tmp_path / "p.html"
    page.write_text(
        '<html><body><section id="headline-claims"><table><tr><td>x</td></tr></table></section>'
        '<img src="gone.png"></body></html>'
    )
    dom = browser_dom(browser, page, tmp_path / "profile")
    assert check_landing(dom, "p") == []
    assert browser_errors(dom, "p") == ["p: broken image gone.png"]

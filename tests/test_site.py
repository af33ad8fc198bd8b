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
import re
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
WIDTH = 1400  # px: the browser window the landing pages are checked in
BAD_TEXT_RE = re.compile(r"\bNone\b|\bnan\b|\bNaN\b|\{'")
HASH_ALT_RE = re.compile(r"^(?:[0-9a-f]{12,}(?:\.\w+)?|\S+\.(?:png|jpe?g|svg|gif))$", re.I)


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
        self.alts: list[tuple[str, str]] = []  # (src, alt)
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.figures: list[str] = []  # the caption text of each <figure> ('' when none)
        self.body: dict[str, str] = {}
        self._in_table = 0
        self._fig: list[str] | None = None
        self._in_caption = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])
        if tag == "figure":
            self._fig = []
        elif tag == "figcaption":
            self._in_caption += 1
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
            self.alts.append((a.get("src") or "", a.get("alt") or ""))
        elif tag == "body":
            self.body = {k: v or "" for k, v in attrs}

    def handle_data(self, data):
        if self._in_caption and self._fig is not None:
            self._fig.append(data)

    def handle_endtag(self, tag):
        if tag == "figcaption" and self._in_caption:
            self._in_caption -= 1
        elif tag == "figure" and self._fig is not None:
            self.figures.append(" ".join("".join(self._fig).split()))
            self._fig = None
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
  var W = document.documentElement.clientWidth, claims = [];
  document.querySelectorAll("table.genrep-claims:not(.genrep-sanity):not(.genrep-coverage)").forEach(function (tb) {
    var box = tb.getBoundingClientRect(), parent = tb.parentElement.getBoundingClientRect();
    var rows = [];
    tb.querySelectorAll("tbody tr").forEach(function (tr) {
      var v = tr.cells[0].getBoundingClientRect();
      var hrefs = Array.prototype.map.call(tr.querySelectorAll("a"), function (a) { return a.getAttribute("href"); });
      rows.push({id: tr.id, left: v.left, right: v.right, links: hrefs});
    });
    claims.push({right: box.right, parent_right: parent.right, text: tb.innerText, rows: rows});
  });
  document.body.setAttribute("data-claims", JSON.stringify({width: W, tables: claims}));
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
                f"--window-size={WIDTH},1000",
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


def figure_errors(page: Page, label: str) -> list[str]:
    """Every <figure> has a caption; every image has alt text that is words, not a hash or a file name."""
    errors = [f"{label}: a figure without a caption" for cap in page.figures if not cap.strip()]
    for src, alt in page.alts:
        if not alt.strip() or HASH_ALT_RE.match(alt.strip()):
            errors.append(f"{label}: image {src[:50]!r} has alt text {alt[:40]!r}")
    return errors


class Links:
    """Resolve the internal links of the built site: the target file exists and holds the fragment's id."""

    def __init__(self, html_root: Path):
        self.root = html_root.resolve()
        self.cache: dict[Path, Page] = {}

    def page(self, path: Path) -> Page:
        if path not in self.cache:
            self.cache[path] = Page(path.read_text(errors="replace"))
        return self.cache[path]

    def broken(self, page: Path, hrefs: list[str]) -> list[str]:
        out = []
        for href in hrefs:
            parts = urlsplit(href)
            if parts.scheme or href.startswith(("mailto:", "javascript:")) or href in ("#", ""):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page.resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                out.append(href)
            elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in self.page(target).ids:
                out.append(href)
        return out


def claims_errors(dom: Page, label: str, width: int = WIDTH) -> tuple[list[str], list[list[str]]]:
    """(errors, links of each claim row) from the probe's record of the claims tables in a browser window."""
    data = json.loads(dom.body.get("data-claims") or "{}")
    errors, links = [], []
    tables = data.get("tables", [])
    if not tables:
        return [f"{label}: no claims table in the browser's DOM"], []
    for t in tables:
        if t["right"] > t["parent_right"] + 1 or t["right"] > width:
            errors.append(f"{label}: claims table {t['right']:.0f} px wide beyond its column ({t['parent_right']:.0f})")
        for r in t["rows"]:
            if r["left"] < 0 or r["right"] > data["width"]:
                errors.append(f"{label}: the verdict of {r['id']} lies outside the viewport ({r['right']:.0f} px)")
            links.append(r["links"])
        bad = sorted(set(BAD_TEXT_RE.findall(t["text"])))
        if bad:
            errors.append(f"{label}: claims table shows {bad}")
    return errors, links


def distinct_link_errors(label: str, links: list[list[str]]) -> list[str]:
    """Each claim row links to its own targets: no two rows share a link."""
    seen: dict[str, int] = {}
    for row in links:
        for h in set(row):
            seen[h] = seen.get(h, 0) + 1
    return [f"{label}: {k} claim rows link to {h}" for h, k in seen.items() if k > 1]


def test_site_in_chromium_at_1400px(site, tmp_path):
    """Front page and every landing page in headless Chromium at 1400 px: the verdict column inside the
    viewport and the claims tables inside their column, no None/nan/dict text in them, every claim linked to
    targets of its own that exist; every figure captioned with real alt text, every image loads, and no
    internal link of the site is broken."""
    browser = find_browser()
    if browser is None:
        if os.environ.get("CI"):  # CI installs it (.ci/install-browser): a missing browser there is a failure
            pytest.fail("CI: no headless Chromium found; .ci/install-browser should have installed it")
        pytest.skip("no headless Chromium found (run .ci/install-browser; or set GENREP_CHROMIUM)")
    html, chapters = site
    links = Links(html)
    profile = tmp_path / "profile"
    front = html / "book" / "intro.html"
    dom = browser_dom(browser, front, profile)
    errors = check_front(dom, chapters) + browser_errors(dom, "front page") + figure_errors(dom, "front page")
    if not dom.figures:
        errors.append("front page: no forest plot figure")
    n_claims = 0
    for ch in chapters:
        page = html / "book" / ch / "index.html"
        dom = browser_dom(browser, page, profile)
        errors += check_landing(dom, ch) + browser_errors(dom, ch) + figure_errors(dom, ch)
        errs, rows = claims_errors(dom, ch)
        errors += errs + distinct_link_errors(ch, rows)
        n_claims += len(rows)
        for row in rows:
            if not row:
                errors.append(f"{ch}: a claim row without a link to its evidence")
            errors += [f"{ch}: claim link {h} does not resolve" for h in links.broken(page, row)]
        if not any("forest" in src for src, _ in dom.alts):
            errors.append(f"{ch}: no forest plot")
    pages = sorted(p for p in (html / "book").rglob("*.html") if not p.name.startswith("."))
    for p in pages:
        parsed = links.page(p)
        errors += figure_errors(parsed, str(p.relative_to(html)))
        errors += [f"{p.relative_to(html)}: broken link {h}" for h in links.broken(p, parsed.hrefs)]
    print(f"checked {len(pages)} pages, {len(chapters)} landing pages in Chromium at {WIDTH} px, {n_claims} claims")
    assert not errors, "\n".join(errors[:60]) + (f"\n... {len(errors) - 60} more" if len(errors) > 60 else "")


def test_claims_checks_can_fail(tmp_path):
    """The browser-record checks on a record that breaks every rule."""
    dom = Page(
        "<body data-claims='"
        + json.dumps(
            {
                "width": 1400,
                "tables": [
                    {
                        "right": 1500,
                        "parent_right": 1100,
                        "text": "x = None {'a': 1}",
                        "rows": [
                            {"id": "claim-a", "left": 1300, "right": 1450, "links": ["s.html#x"]},
                            {"id": "claim-b", "left": 10, "right": 100, "links": ["s.html#x"]},
                        ],
                    }
                ],
            }
        ).replace("'", "&#39;")
        + "'></body>"
    )
    errors, rows = claims_errors(dom, "p")
    text = "\n".join(errors)
    assert "beyond its column" in text and "claim-a lies outside" in text and "None" in text and "{'" in text
    assert distinct_link_errors("p", rows) == ["p: 2 claim rows link to s.html#x"]
    assert claims_errors(Page("<body></body>"), "p")[0] == ["p: no claims table in the browser's DOM"]
    fig = Page('<figure><img src="a.png" alt="3f2a9c0d1e2b4a5c.png"><figcaption> </figcaption></figure>')
    assert len(figure_errors(fig, "p")) == 2
    good = Page('<figure><img src="a.png" alt="Forest plot of 3 claims"><figcaption>Fig. 1 x</figcaption></figure>')
    assert figure_errors(good, "p") == []
    (tmp_path / "t.html").write_text('<p id="here">x</p>')
    links = Links(tmp_path)
    assert links.broken(tmp_path / "t.html", ["t.html#here", "t.html#gone", "missing.html", "https://x.org", "#"]) == [
        "t.html#gone",
        "missing.html",
    ]

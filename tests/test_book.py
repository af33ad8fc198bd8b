"""Build the book from the committed reduced results and check each chapter page carries tables and images."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_book_builds_with_tables_and_images(tmp_path, monkeypatch):
    root = tmp_path / "site"
    root.mkdir()
    for name in ("_config.yml", "book", "results"):
        src = REPO / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, root / name)
    shutil.copytree(REPO / "chapters", root / "chapters", ignore=shutil.ignore_patterns("*.py"))
    monkeypatch.setenv("GENREP_ROOT", str(root))
    from genrep.runner import list_chapters, published_tier

    chapters = list_chapters(root / "chapters")
    assert chapters, "no chapters"
    for ch in chapters:
        assert published_tier(ch), f"chapter {ch} has no executed notebooks committed under book/{ch}/"
    r = subprocess.run(
        [sys.executable, "-m", "genrep", "book", "--out", str(root)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    html = root / "_build" / "html"
    front = (html / "book" / "intro.html").read_text()
    assert "Scoreboard" in front
    for ch in chapters:
        assert f"{ch}/index.html" in front, f"scoreboard lacks {ch}"
        landing = (html / "book" / ch / "index.html").read_text()
        assert "<table" in landing and "Headline claims" in landing
        pages = sorted((html / "book" / ch).glob("[0-9][0-9]_*.html"))
        assert pages, f"no notebook pages for {ch}"
        text = "".join(p.read_text() for p in pages)
        assert re.search(r"<table", text), f"{ch}: no table in the notebook pages"
        assert re.search(r"<img[^>]+src=", text), f"{ch}: no image in the notebook pages"
        assert "Run parameters" in text and "tier" in text


def test_committed_generated_pages_are_current(tmp_path):
    """book/intro.md, book/<chapter>/index.md and _toc.yml, regenerated from the committed results/, equal
    the committed files (run `python -m genrep book --pages-only` and commit when this fails)."""
    import os

    root = tmp_path / "site"
    root.mkdir()
    for name in ("_config.yml", "_toc.yml", "book", "results"):
        src = REPO / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, root / name)
    shutil.copytree(REPO / "chapters", root / "chapters", ignore=shutil.ignore_patterns("*.py"))
    env = {**os.environ, "GENREP_ROOT": str(root), "OMP_NUM_THREADS": "1"}
    for var in ("GENREP_BOOK", "GENREP_RESULTS", "GENREP_CHAPTERS", "GENREP_RUNS"):
        env.pop(var, None)
    code = "import json; from genrep.report.book import generated_pages; print(json.dumps(generated_pages()))"
    r = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    import json

    pages = json.loads(r.stdout)
    stale = [rel for rel, text in pages.items() if (REPO / rel).read_text() != text]
    assert not stale, f"generated pages out of date (run `python -m genrep book --pages-only`): {stale}"


def test_toc_has_at_most_40_entries_summary_first():
    import yaml

    from genrep.report.book import MAX_TOC, toc_entries

    toc = yaml.safe_load((REPO / "_toc.yml").read_text())
    assert toc_entries(toc) <= MAX_TOC
    for ch in toc.get("parts", [{}])[0].get("chapters", []):
        secs = [s["file"] for s in ch.get("sections", [])]
        assert secs and "summary" in secs[0], f"{ch['file']}: the summary is not the first page"

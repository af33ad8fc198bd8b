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

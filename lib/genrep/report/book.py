"""Generated pages of the book: the table of contents, each chapter's landing page (from its checks.json)
and the front page with the scoreboard. ``genrep book`` writes them and then runs ``jupyter-book build``.
"""
from __future__ import annotations

import json
from pathlib import Path

import yaml

from genrep.paths import book_dir, chapters_dir, repo_root, results_dir

from .tables import TIER_NOTE

INTRO_HEAD = """# Generative Models, Replicated

Each chapter of this book re-runs a paper on generative image models with one shared PyTorch library
(`genrep`): every table of the paper stands beside our number, the tier that produced it, and a verdict.
A verdict is one of *replicated*, *not replicated*, or *not testable at this tier*. The `reduced` tier is
a CPU smoke run on subsets or procedural stand-ins, so it never earns *replicated*; what its numbers
showed is kept as the *outcome* (consistent / inconsistent with the paper's claim).

Rebuild any chapter with `make replicate CHAPTER=<name> CONFIG=reduced|budget|full`, then `make book`.
"""


def _rel_to_root(p: Path) -> str:
    try:
        return str(p.relative_to(repo_root()))
    except ValueError:
        return str(p)


def published(chapter: str) -> dict | None:
    try:
        return json.loads((book_dir() / chapter / "published.json").read_text())
    except (OSError, ValueError):
        return None


def chapter_checks(chapter: str, tier: str) -> tuple[list[dict], str]:
    """All checks of a chapter at a tier (from every arm's checks.json) and the data note."""
    checks, data = [], ""
    for p in sorted((results_dir() / chapter / tier).glob("*/checks.json")):
        d = json.loads(p.read_text())
        checks += d.get("checks", [])
        data = data or d.get("data", "")
    return checks, data


def _fmt_ours(ours: dict) -> str:
    return ", ".join(f"{k} = {v:.4g}" if isinstance(v, float) else f"{k} = {v}" for k, v in ours.items())


def _md_cell(s: str) -> str:
    return str(s).replace("|", "\\|").replace("\n", " ")


def landing_page(chapter: str) -> str:
    meta = yaml.safe_load((chapters_dir() / chapter / "chapter.yaml").read_text()) or {}
    pub = published(chapter) or {}
    tier = pub.get("tier", "reduced")
    checks, data = chapter_checks(chapter, tier)
    lines = [f"# {meta.get('title', chapter)}", ""]
    if meta.get("paper"):
        lines += [f"**Source:** {meta['paper']}", ""]
    if meta.get("summary"):
        lines += [meta["summary"].strip(), ""]
    lines += ["```{admonition} Tier shown on these pages: " + tier, ":class: " +
              ("warning" if tier == "reduced" else "note"), "", TIER_NOTE[tier] + ".",
              *([f"Data: {data}."] if data else []), "```", "", "## Headline claims", ""]
    if checks:
        lines += ["| claim | paper | ours | verdict | outcome |", "|---|---|---|---|---|"]
        for c in checks:
            lines.append(f"| {_md_cell(c['claim'])} | {_md_cell(c['paper'])} | {_md_cell(_fmt_ours(c.get('ours', {})))} "
                         f"| **{c['verdict']}** | {c.get('outcome', '')} |")
    else:
        lines.append("No checks have been recorded yet for this tier.")
    errata = meta.get("errata") or []
    lines += ["", "## Errata and deviations", ""]
    lines += [f"- {e}" for e in errata] if errata else ["None recorded."]
    lines += ["", "## Notebooks", "", "```{tableofcontents}", "```", ""]
    return "\n".join(lines)


def _chapter_dirs() -> list[Path]:
    """Chapter folders in book order: ``order:`` in chapter.yaml (default 100), then name."""
    dirs = [p for p in chapters_dir().iterdir() if (p / "chapter.yaml").exists()]
    order = {p: (yaml.safe_load((p / "chapter.yaml").read_text()) or {}).get("order", 100) for p in dirs}
    return sorted(dirs, key=lambda p: (order[p], p.name))


def scoreboard() -> str:
    rows = ["| chapter | tier shown | replicated | not replicated | not testable at this tier |",
            "|---|---|---|---|---|"]
    any_row = False
    for d in _chapter_dirs():
        pub = published(d.name)
        if not pub:
            continue
        meta = yaml.safe_load((d / "chapter.yaml").read_text()) or {}
        checks, _ = chapter_checks(d.name, pub["tier"])
        count = {v: sum(c["verdict"] == v for c in checks) for v in
                 ("replicated", "not replicated", "not testable at this tier")}
        title = meta.get("title", d.name)
        rows.append(f"| [{title}]({d.name}/index.md) | {pub['tier']} | {count['replicated']} | "
                    f"{count['not replicated']} | {count['not testable at this tier']} |")
        any_row = True
    return "\n".join(rows) if any_row else "No chapter has been run yet."


def toc() -> dict:
    chapters = []
    for d in _chapter_dirs():
        pub = published(d.name)
        if not pub:
            continue
        nbs = [a for a in pub.get("arms", []) if (book_dir() / d.name / f"{a}.ipynb").exists()]
        entry = {"file": _rel_to_root(book_dir() / d.name / "index")}
        if nbs:
            entry["sections"] = [{"file": _rel_to_root(book_dir() / d.name / a)} for a in nbs]
        chapters.append(entry)
    out = {"format": "jb-book", "root": _rel_to_root(book_dir() / "intro")}
    if chapters:
        out["parts"] = [{"caption": "Chapters", "chapters": chapters}]
    return out


def write_site_pages() -> list[Path]:
    """Regenerate book/intro.md (front page + scoreboard), book/<chapter>/index.md and _toc.yml."""
    written = []
    bd = book_dir()
    bd.mkdir(parents=True, exist_ok=True)
    intro = INTRO_HEAD + "\n## Scoreboard\n\n" + scoreboard() + "\n"
    (bd / "intro.md").write_text(intro)
    written.append(bd / "intro.md")
    for d in _chapter_dirs():
        if published(d.name):
            path = bd / d.name / "index.md"
            path.write_text(landing_page(d.name))
            written.append(path)
    toc_path = repo_root() / "_toc.yml"
    toc_path.write_text("# Generated by `python -m genrep book`; do not edit by hand.\n" +
                        yaml.safe_dump(toc(), sort_keys=False))
    written.append(toc_path)
    return written

"""Generated pages of the book: the table of contents, each chapter's landing page (from its checks.json)
and the front page with the scoreboard. ``genrep book`` writes them and then runs ``jupyter-book build``.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from genrep.paths import book_dir, chapters_dir, repo_root, results_dir

from .checks import format_interval
from .publish import checks_label, clean_book
from .tables import TIER_NOTE, VERDICTS, tier_rank

INTRO_HEAD = """# Generative Models, Replicated

Each chapter of this book re-runs a paper on generative image models with one shared PyTorch library
(`genrep`): every table of the paper stands beside our number, the tier that produced it, and a verdict.
A verdict is one of *replicated*, *not replicated*, *inconclusive* (the difference is within its noise:
seeds or a bootstrap interval, shown beside it) or *not testable at this tier*. Each claim declares the
smallest tier at which it can be tested. The `reduced` tier is a CPU smoke run on subsets or procedural
stand-ins, so it never earns a verdict; what its numbers showed is kept as the *outcome* (consistent /
inconsistent with the paper's claim). The `cpu` tier (real data, about an hour per chapter on a 2-core CPU)
decides the claims that small scale can decide; `budget` (one GPU) and `full` (the paper's settings) the rest.
Each chapter shows the highest tier that has been run (full > budget > cpu > reduced).

Rebuild any chapter with `make replicate CHAPTER=<name> CONFIG=reduced|cpu|budget|full`, then `make book`.
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
        checks += [{**c, "_notebook": p.parent.name} for c in d.get("checks", [])]
        data = data or d.get("data", "")
    return checks, data


def _fmt_ours(ours: dict) -> str:
    return ", ".join(f"{k} = {v:.4g}" if isinstance(v, float) else f"{k} = {v}" for k, v in ours.items())


def _md_cell(s: str) -> str:
    return str(s).replace("|", "\\|").replace("\n", " ")


def _cell_links(chapter: str, checks: list[dict]) -> dict[str, str]:
    """Notebook -> a MyST reference to its cell that decided the checks, for the published notebooks that
    carry the target (each notebook read once)."""
    links = {}
    for nb in {c.get("_notebook") for c in checks} - {None}:
        path = book_dir() / chapter / f"{nb}.ipynb"
        label = checks_label(chapter, nb)
        if path.is_file() and f"({label})=" in path.read_text():
            links[nb] = f"{{ref}}`{nb} <{label}>`"
    return links


def _claims_table(checks: list[dict], chapter: str | None = None) -> list[str]:
    """Markdown rows for a chapter's checks; metric, interval, n and min-tier columns only where present;
    with ``chapter``, a last column links each claim to the notebook cell that decided it."""
    cols = [
        ("claim", lambda c: c["claim"]),
        ("paper", lambda c: c["paper"]),
        ("ours", lambda c: _fmt_ours(c.get("ours", {}))),
    ]
    optional = [
        ("metric", "metric", lambda c: c.get("metric") or ""),
        ("interval", "interval", lambda c: format_interval(c.get("interval"))),
        ("n", "n", lambda c: _fmt_n(c.get("n"))),
        ("min tier", "min_tier", lambda c: c.get("min_tier") or ""),
    ]
    present = {key for _, key, _ in optional if any(c.get(key) not in (None, "", []) for c in checks)}
    cols += [(head, get) for head, key, get in optional if key in present]
    cols += [("verdict", lambda c: f"**{c['verdict']}**"), ("outcome", lambda c: c.get("outcome", ""))]
    links = _cell_links(chapter, checks) if chapter else {}
    if links:
        cols.append(("decided in", lambda c: links.get(c.get("_notebook"), "")))
    lines = ["| " + " | ".join(h for h, _ in cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(_md_cell(get(c)) for _, get in cols) + " |" for c in checks]
    return lines


def _fmt_n(n) -> str:
    if n is None:
        return ""
    if isinstance(n, dict):
        return ", ".join(f"{k}: {v}" for k, v in n.items())
    if isinstance(n, (list, tuple)):
        return " / ".join(map(str, n))
    return str(n)


def verdict_counts(checks: list[dict]) -> dict[str, int]:
    """How many checks carry each of the four verdicts."""
    return {v: sum(c.get("verdict") == v for c in checks) for v in VERDICTS}


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
    lines += [
        "```{admonition} Tier shown on these pages: " + tier,
        ":class: " + ("warning" if tier == "reduced" else "note"),
        "",
        TIER_NOTE[tier] + ".",
        *([f"Data: {data}."] if data else []),
        "```",
        "",
        "## Headline claims",
        "",
    ]
    if checks:
        count = verdict_counts(checks)
        lines += [f"At the {tier} tier: " + ", ".join(f"{count[v]} {v}" for v in VERDICTS) + ".", ""]
        lines += _claims_table(checks, chapter)
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
    """Per chapter and in total: the tier shown and how many claims carry each of the four verdicts."""
    rows = ["| chapter | tier shown | " + " | ".join(VERDICTS) + " |", "|---|---|" + "---|" * len(VERDICTS)]
    total = dict.fromkeys(VERDICTS, 0)
    tiers: dict[str, int] = {}
    for d in _chapter_dirs():
        pub = published(d.name)
        if not pub:
            continue
        meta = yaml.safe_load((d / "chapter.yaml").read_text()) or {}
        checks, _ = chapter_checks(d.name, pub["tier"])
        count = verdict_counts(checks)
        for v in VERDICTS:
            total[v] += count[v]
        tiers[pub["tier"]] = tiers.get(pub["tier"], 0) + 1
        title = meta.get("title", d.name)
        rows.append(
            f"| [{title}]({d.name}/index.md) | {pub['tier']} | " + " | ".join(str(count[v]) for v in VERDICTS) + " |"
        )
    if not tiers:
        return "No chapter has been run yet."
    shown = ", ".join(
        f"{t} ({k} chapter{'s' if k > 1 else ''})" for t, k in sorted(tiers.items(), key=lambda tk: -tier_rank(tk[0]))
    )
    rows.append(f"| **total** | {shown} | " + " | ".join(f"**{total[v]}**" for v in VERDICTS) + " |")
    return "\n".join(rows)


def missing_pages() -> list[str]:
    """Messages for executed notebooks that a chapter's published.json lists but book/ lacks (deleted by hand,
    or lost in a copy): the table of contents would silently drop them."""
    out = []
    for d in _chapter_dirs():
        pub = published(d.name) or {}
        for arm in pub.get("arms", []):
            if not (book_dir() / d.name / f"{arm}.ipynb").exists():
                out.append(
                    f"book/{d.name}/{arm}.ipynb is published (published.json, tier {pub.get('tier')}) but missing; "
                    f"`make replicate CHAPTER={d.name} CONFIG={pub.get('tier')}` restores it from runs/, or re-runs "
                    f"it with FORCE=1 NOTEBOOK={arm}"
                )
    return out


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
    written += clean_book(bd)  # executed notebooks without machine paths or progress bars (idempotent)
    intro = INTRO_HEAD + "\n## Scoreboard\n\n" + scoreboard() + "\n"
    (bd / "intro.md").write_text(intro)
    written.append(bd / "intro.md")
    for d in _chapter_dirs():
        if published(d.name):
            path = bd / d.name / "index.md"
            path.write_text(landing_page(d.name))
            written.append(path)
    if not bd.resolve().is_relative_to(repo_root().resolve()):
        return written  # a book outside the repository (GENREP_BOOK elsewhere) never rewrites its _toc.yml
    toc_path = repo_root() / "_toc.yml"
    toc_path.write_text(
        "# Generated by `python -m genrep book`; do not edit by hand.\n" + yaml.safe_dump(toc(), sort_keys=False)
    )
    written.append(toc_path)
    return written

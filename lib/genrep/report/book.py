"""Generated pages of the book: the table of contents, each chapter's landing page (from its checks.json and
run.json files) and the front page with the forest plot of every chapter and the scoreboard. ``genrep book``
writes them and then runs ``jupyter-book build``.

A landing page reads, top to bottom: the paper (cited from ``book/references.bib``), what the chapter does,
the forest plot of its claims, the claims table (verdict first; :mod:`genrep.report.render`), the sanity
checks (pass/fail, never on the scoreboard), how to reproduce it (commands, measured wall time per tier,
hardware, commit and date, from the results' ``run.json``), the errata, the notebooks (one page each; the
other seeds and arms of a notebook as downloads) and the references.

The repository URL comes from ``_config.yml`` (``repository: url:``); when it is set the landing pages link
each chapter's source there (see the comments in ``_config.yml`` for the matching buttons).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from genrep.paths import book_dir, chapters_dir, repo_root, results_dir

from . import coverage, forest, render
from .publish import clean_book
from .tables import TIER_NOTE, TIERS, VERDICTS, tier_rank

MAX_TOC = 40  # toc entries below the front page (landing pages and notebook pages)

INTRO_HEAD = """# Generative Models, Replicated

Each chapter of this book re-runs a paper on generative image models with one shared PyTorch library
(`genrep`): every table of the paper stands beside our number, the tier that produced it, and a verdict.
A verdict is one of *replicated*, *not replicated*, *inconclusive* (the difference is within its noise:
seeds or a bootstrap interval, shown beside it) or *not testable at this tier*. Each claim declares the
test its words need (superiority, non-inferiority or equivalence within a stated margin, a trend, or a
tolerance around the paper's value) and the smallest tier at which it can be tested. The `reduced` tier is
a CPU smoke run on subsets or procedural stand-ins, so it never earns a verdict; what its numbers showed is
kept as the *outcome*. The `cpu` tier (real data, about an hour per chapter on a 2-core CPU) decides the
claims that small scale can decide; `budget` (one GPU) and `full` (the paper's settings) the rest. Each
chapter shows the highest tier that has been run (full > budget > cpu > reduced). Pipeline checks (file
sizes, parameter counts, shapes) are *sanity checks*: pass or fail, never counted as claims.

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


class BookError(ValueError):
    """The book cannot be generated from what results/ and book/ hold (the message names the file and the fix)."""


def chapter_checks(chapter: str, tier: str) -> tuple[list[dict], str]:
    """All checks of a chapter at a tier (from every arm's checks.json) and the data note."""
    checks, data = [], ""
    for p in sorted((results_dir() / chapter / tier).glob("*/checks.json")):
        try:
            d = json.loads(p.read_text())
            if not isinstance(d, dict) or not isinstance(d.get("checks", []), list):
                raise ValueError("not a checks.json object")
        except (OSError, ValueError) as e:
            raise BookError(
                f"{_rel_to_root(p)} is unreadable ({type(e).__name__}); re-make it: make replicate "
                f"CHAPTER={chapter} TIER={tier} NOTEBOOK={p.parent.name} (or restore it: git checkout -- "
                f"{_rel_to_root(p)})"
            ) from None
        checks += [{**c, "_notebook": p.parent.name} for c in d.get("checks", [])]
        data = data or d.get("data", "")
    return checks, data


def verdict_counts(checks: list[dict]) -> dict[str, int]:
    """How many claims carry each of the four verdicts (sanity checks are not claims)."""
    return render.verdict_counts(checks)


def _meta(chapter: str) -> dict:
    return yaml.safe_load((chapters_dir() / chapter / "chapter.yaml").read_text()) or {}


def _comparisons(chapter: str) -> dict[str, str]:
    """Claim id -> its paper.yaml ``comparison`` text (the forest plot's fallback for a claim's direction)."""
    try:
        paper = yaml.safe_load((chapters_dir() / chapter / "paper.yaml").read_text()) or {}
    except (OSError, yaml.YAMLError):  # the plot then orients only what checks.json records
        return {}
    return {k: str((v or {}).get("comparison") or "") for k, v in (paper.get("claims") or {}).items()}


# -- configuration and bibliography ---------------------------------------------------------------------
def site_config() -> dict:
    try:
        return yaml.safe_load((repo_root() / "_config.yml").read_text()) or {}
    except OSError:
        return {}


def repository_url() -> str:
    """``repository: url:`` of _config.yml ('' when unset)."""
    return str(((site_config().get("repository") or {}).get("url")) or "").rstrip("/")


BIB_ENTRY_RE = re.compile(r"@\w+\s*\{\s*([^,\s]+)\s*,(.*?)(?=^@|\Z)", re.S | re.M)


def bib_keys(chapter: str) -> list[str]:
    """Keys of book/references.bib whose ``chapter`` field names ``chapter`` (comma-separated), in file order."""
    try:
        text = (book_dir() / "references.bib").read_text()
    except OSError:
        return []
    keys = []
    for key, body in BIB_ENTRY_RE.findall(text):
        m = re.search(r"^\s*chapter\s*=\s*\{([^}]*)\}", body, re.M)
        if m and chapter in [c.strip() for c in m.group(1).split(",")]:
            keys.append(key)
    return keys


# -- notebooks, arms and pages ----------------------------------------------------------------------------
def notebook_arms(chapter: str) -> list[tuple[str, list[str]]]:
    """[(notebook, [its published arms, in published order])] for the arms present under book/<chapter>/."""
    pub = published(chapter) or {}
    arms = [a for a in pub.get("arms", []) if (book_dir() / chapter / f"{a}.ipynb").exists()]
    names = [str(n.get("name")) for n in (_meta(chapter).get("notebooks") or []) if n.get("name")]
    groups: dict[str, list[str]] = {}
    for a in arms:
        nb = next((n for n in names if a == n or a.startswith(n + "-")), a.split("-", 1)[0])
        groups.setdefault(nb, []).append(a)
    return list(groups.items())


def summary_arm(chapter: str) -> str | None:
    """The published arm whose checks.json holds the chapter's claims (its summary), or None."""
    pub = published(chapter) or {}
    tier = pub.get("tier", "reduced")
    with_checks = [a for a in pub.get("arms", []) if (results_dir() / chapter / tier / a / "checks.json").exists()]
    return with_checks[-1] if with_checks else None


GUIDES = ("adding_a_chapter",)  # book/<page>.md written by hand, listed after the chapters under "Contributing"


def guide_pages() -> list[Path]:
    """The guides (``GUIDES``) present under book/, in toc order."""
    return [book_dir() / f"{g}.md" for g in GUIDES if (book_dir() / f"{g}.md").exists()]


def toc_pages(chapters: list[str] | None = None, limit: int | None = None) -> dict[str, list[str]]:
    """Chapter -> the arms shown as pages, summary first, then one page per notebook (its first arm). When
    the landing pages plus these pages exceed ``limit`` (default: MAX_TOC less the guides), the chapter with the
    most pages gives up its last non-summary notebook page (that notebook is then a download on the landing page)
    until they fit."""
    limit = MAX_TOC - len(guide_pages()) if limit is None else limit
    chapters = chapters if chapters is not None else [d.name for d in _chapter_dirs() if published(d.name)]
    pages: dict[str, list[str]] = {}
    for ch in chapters:
        summ = summary_arm(ch)
        firsts = [arms[0] for _, arms in notebook_arms(ch)]
        if summ in firsts:
            firsts.remove(summ)
        pages[ch] = ([summ] if summ else []) + firsts
    while len(pages) + sum(map(len, pages.values())) > limit:
        ch = max(pages, key=lambda c: (len(pages[c]), c))
        if len(pages[ch]) <= 1:
            break
        pages[ch].pop()
    return pages


# -- provenance -----------------------------------------------------------------------------------------
def _runs(chapter: str, tier: str) -> list[dict]:
    out = []
    for p in sorted((results_dir() / chapter / tier).glob("*/run.json")):
        try:
            out.append(json.loads(p.read_text()))
        except ValueError:
            continue
    return out


def _duration(seconds: float) -> str:
    m = seconds / 60
    return f"{m:.0f} min" if m < 90 else f"{m / 60:.1f} h"


def _commit(run: dict) -> tuple[str | None, bool | None]:
    git = run.get("git") or {}
    commit = run.get("commit") or git.get("commit")
    dirty = run.get("dirty", git.get("dirty"))
    return commit, dirty


def reproduce_box(chapter: str, tier: str) -> list[str]:
    """The 'Reproduce' admonition: commands, wall time per tier (summed over arms), hardware and threads,
    commit and date of the published run, and whether all its arms ran from one clean commit."""
    lines = [
        "````{admonition} Reproduce this chapter",
        ":class: tip",
        "",
        "```bash",
        "make install",
        "make data",
        f"make replicate CHAPTER={chapter} CONFIG={tier}",
        "make book",
        "```",
        "",
    ]
    rows = []
    for t in sorted({p.name for p in (results_dir() / chapter).glob("*") if p.name in TIERS}, key=tier_rank):
        runs = _runs(chapter, t)
        walls = [float(r["wall_s"]) for r in runs if isinstance(r.get("wall_s"), (int, float))]
        if not runs:
            continue
        devices = sorted({str(r.get("device")) for r in runs if r.get("device")})
        rows.append(
            f"| {t}{' (shown)' if t == tier else ''} | {len(runs)} | {_duration(sum(walls)) if walls else '—'} | "
            f"{'; '.join(devices) or '—'} |"
        )
    if rows:
        lines += ["| tier | arms | wall time, summed over arms | hardware (threads) |", "|---|---|---|---|", *rows, ""]
    runs = _runs(chapter, tier)
    if runs:
        commits = {}
        dirty_arms = 0
        for r in runs:
            c, d = _commit(r)
            if c:
                commits[c] = commits.get(c, 0) + 1
            dirty_arms += bool(d)
        dates = sorted(str(r.get("finished"))[:10] for r in runs if r.get("finished"))
        torch = sorted({str(r["torch"]) for r in runs if r.get("torch")})
        repo = repository_url()

        def link(c: str) -> str:
            return f"[`{c[:10]}`]({repo}/commit/{c})" if repo else f"`{c[:10]}`"

        if len(commits) == 1:
            (c,) = commits
            where = f"from commit {link(c)}"
        elif commits:
            top = sorted(commits.items(), key=lambda kv: -kv[1])
            where = f"from {len(commits)} commits (" + ", ".join(f"{link(c)}: {k} arms" for c, k in top) + ")"
        else:
            where = "from an unrecorded commit"
        state = (
            "every arm from a clean tree, so the published results can be checked out and re-run"
            if dirty_arms == 0 and len(commits) == 1
            else f"{dirty_arms} of {len(runs)} arms with uncommitted changes"
            if dirty_arms
            else "clean trees, but not one commit: re-running at one commit may move the numbers within their noise"
        )
        span = f"{dates[0]} to {dates[-1]}" if dates and dates[0] != dates[-1] else (dates[0] if dates else "?")
        lines.append(
            f"The published {tier} run: {len(runs)} arms finished {span}, {where}; {state}."
            + (f" PyTorch {', '.join(torch)}." if torch else "")
        )
        if repo:
            lines.append(f"Source: [chapters/{chapter}]({repo}/tree/HEAD/chapters/{chapter}).")
    lines += ["````", ""]
    return lines


# -- landing pages ----------------------------------------------------------------------------------------
def _md_escape(s: str) -> str:
    return str(s).replace("|", "\\|").replace("\n", " ")


def _forest_caption(chapter: str, tier: str, n: int, skipped: int) -> str:
    return (
        f"The chapter's claims at the {tier} tier. Each row is one claim: our estimate (dot) and its interval "
        f"(bar), shifted so that the decision boundary of its test is at 0 and the paper's direction points right, "
        f"in standard errors of our estimate. An interval wholly in the green zone replicates the claim, wholly in "
        f"the red zone contradicts it. Colour: the verdict; hollow: not testable at this tier. {n} claims plotted"
        + (f"; {skipped} with an interval but no recorded direction left off." if skipped else ".")
    )


def _linked(claims: list[dict]) -> list[dict]:
    """Each claim with its key, its row in the claims table of the notebook that wrote it (``_link``) and
    the cell there that decided it (``_evidence``); keys are numbered per notebook, as that page numbers them."""
    by_nb: dict[str, list[int]] = {}
    for i, c in enumerate(claims):
        by_nb.setdefault(c.get("_notebook") or "", []).append(i)
    out = [dict(c) for c in claims]
    for nb, idx in by_nb.items():
        keys = render.claim_keys([claims[i] for i in idx])
        for i, k in zip(idx, keys, strict=True):
            out[i]["_key"] = k
            if nb:
                out[i]["_link"] = f"{nb}.html#{render.claim_anchor(k)}"
                out[i]["_evidence"] = f"{nb}.html#{render.evidence_anchor(k)}"
    return out


def landing_page(chapter: str) -> str:
    meta = _meta(chapter)
    pub = published(chapter) or {}
    tier = pub.get("tier", "reduced")
    checks, data = chapter_checks(chapter, tier)
    keys = bib_keys(chapter)
    lines = [f"# {meta.get('title', chapter)}", ""]
    if meta.get("paper"):
        cite = f" {{cite:p}}`{','.join(keys)}`" if keys else ""
        lines += [f"**Source:** {meta['paper'].strip()}{cite}", ""]
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
    ]
    claims, sanity = render.split_kinds(checks)
    path, n_plot, skipped = forest.chapter_figure(
        checks, book_dir() / chapter / "forest.png", _comparisons(chapter), title=""
    )
    lines += ["## Headline claims", ""]
    if claims:
        count = verdict_counts(checks)
        lines += [f"At the {tier} tier, {len(claims)} claims: " + ", ".join(f"{count[v]} {v}" for v in VERDICTS) + "."]
        if sanity:
            ok, total = render.sanity_counts(checks)
            lines[-1] += f" Sanity checks (not claims): {ok} of {total} pass."
        lines.append("")
    if path is not None:
        alt = f"Forest plot of {n_plot} claims of this chapter on a signed scale; " + ", ".join(
            f"{sum(r['verdict'] == v for r in forest.rows(checks, _comparisons(chapter))[0])} {v}" for v in VERDICTS
        )
        lines += [
            "```{figure} forest.png",
            f":name: forest-{chapter.replace('_', '-')}",
            f":alt: {alt}",
            ":width: 100%",
            "",
            _forest_caption(chapter, tier, n_plot, skipped),
            "```",
            "",
        ]
    elif claims:
        lines += [
            f"*No forest plot yet: none of the {len(claims)} claims at this tier records an interval with its "
            "direction (re-run the summary notebook to record them).*",
            "",
        ]
    if claims:
        lines += [render.claims_table(_linked(claims), style=True), ""]
    else:
        lines += ["No claims have been recorded yet for this tier.", ""]
    if sanity:
        lines += ["### Sanity checks", "", "Pipeline checks: pass or fail, never on the scoreboard.", ""]
        lines += [render.sanity_table(checks), ""]
    cov = coverage.coverage_table(chapter, tier, style=not claims)
    if cov:
        lines += ["## The paper's tables and figures in this book", "", coverage.summary_line(chapter, tier), ""]
        lines += [cov, ""]
    lines += ["## Reproduce", "", *reproduce_box(chapter, tier)]
    errata = meta.get("errata") or []
    lines += ["## Errata and deviations", ""]
    lines += [f"- {e}" for e in errata] if errata else ["None recorded."]
    lines += ["", "## Notebooks", ""]
    pages = set(toc_pages().get(chapter, []))
    for nb, arms in notebook_arms(chapter):
        shown = [a for a in arms if a in pages]
        rest = [a for a in arms if a not in pages]
        head = f"[{nb}]({shown[0]}.ipynb)" if shown else f"`{nb}`"
        if shown and len(arms) > 1:
            head += f" (page: arm `{shown[0].split('-', 1)[-1]}`)"
        dl = ", ".join(f"{{download}}`{a.split('-', 1)[-1] if a != nb else a} <{a}.ipynb>`" for a in rest)
        lines.append(f"- {head}" + (f"; {'other arms' if shown else 'executed notebook'}: {dl}" if dl else ""))
    lines.append("")
    return "\n".join(lines)


def _chapter_dirs() -> list[Path]:
    """Chapter folders in book order: ``order:`` in chapter.yaml (default 100), then name."""
    dirs = [p for p in chapters_dir().iterdir() if (p / "chapter.yaml").exists()]
    order = {p: (yaml.safe_load((p / "chapter.yaml").read_text()) or {}).get("order", 100) for p in dirs}
    return sorted(dirs, key=lambda p: (order[p], p.name))


def scoreboard() -> str:
    """Per chapter and in total: the tier shown, how many claims carry each of the four verdicts, and the
    sanity checks passed (pipeline checks, not claims)."""
    rows = [
        "| chapter | tier shown | " + " | ".join(VERDICTS) + " | sanity checks passed |",
        "|---|---|" + "---|" * len(VERDICTS) + "---|",
    ]
    total = dict.fromkeys(VERDICTS, 0)
    ok_total = n_total = 0
    tiers: dict[str, int] = {}
    for d in _chapter_dirs():
        pub = published(d.name)
        if not pub:
            continue
        meta = yaml.safe_load((d / "chapter.yaml").read_text()) or {}
        checks, _ = chapter_checks(d.name, pub["tier"])
        count = verdict_counts(checks)
        ok, n = render.sanity_counts(checks)
        ok_total, n_total = ok_total + ok, n_total + n
        for v in VERDICTS:
            total[v] += count[v]
        tiers[pub["tier"]] = tiers.get(pub["tier"], 0) + 1
        title = _md_escape(meta.get("title", d.name))
        rows.append(
            f"| [{title}]({d.name}/index.md) | {pub['tier']} | "
            + " | ".join(str(count[v]) for v in VERDICTS)
            + (f" | {ok} of {n} |" if n else " | — |")
        )
    if not tiers:
        return "No chapter has been run yet."
    shown = ", ".join(
        f"{t} ({k} chapter{'s' if k > 1 else ''})" for t, k in sorted(tiers.items(), key=lambda tk: -tier_rank(tk[0]))
    )
    rows.append(
        f"| **total** | {shown} | "
        + " | ".join(f"**{total[v]}**" for v in VERDICTS)
        + (f" | **{ok_total} of {n_total}** |" if n_total else " | — |")
    )
    return "\n".join(rows)


def front_forest() -> tuple[Path | None, int]:
    """book/forest.png: one panel per published chapter (claims plotted); (path or None, claims plotted)."""
    groups = {}
    for d in _chapter_dirs():
        pub = published(d.name)
        if not pub:
            continue
        checks, _ = chapter_checks(d.name, pub["tier"])
        rs, _ = forest.rows(checks, _comparisons(d.name))
        groups[_meta(d.name).get("title", d.name)] = sorted(rs, key=lambda r: -r["x"])
    n = sum(map(len, groups.values()))
    if not n:
        return None, 0
    return forest.panels(groups, book_dir() / "forest.png"), n


def intro_page() -> str:
    lines = [INTRO_HEAD]
    path, n = front_forest()
    if path is not None:
        lines += [
            "## Every chapter at a glance",
            "",
            "```{figure} forest.png",
            ":name: forest-all",
            f":alt: Forest plots of {n} claims, one panel per chapter, each claim's interval on the signed scale "
            "of the paper's direction, coloured by verdict",
            ":width: 100%",
            "",
            "Every chapter's claims at the tier it shows: each dot is our estimate and each bar its interval, in "
            "standard errors past the decision boundary in the paper's direction (green zone: replicated if the "
            "whole bar lies there; red: contradicted). Colour: the verdict; hollow: not testable at this tier. "
            "Each chapter page names every row.",
            "```",
            "",
        ]
    lines += ["## Scoreboard", "", scoreboard(), ""]
    repo = repository_url()
    lines += ["## Source and references", ""]
    if repo:
        lines += [f"The code, notebooks and results are at <{repo}>.", ""]
    lines += [
        "Each chapter page cites its paper (links to the paper, the dataset and its licence where one exists) and "
        "says how to reproduce it: the commands, the measured wall time per tier, the hardware and the commit of "
        "the published run.",
        "",
        "```{bibliography}",
        ":all:",
        "```",
        "",
    ]
    return "\n".join(lines)


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
                    f"restore the committed page with `git checkout -- book/{d.name}/{arm}.ipynb`, or re-make it "
                    f"with `make replicate CHAPTER={d.name} TIER={pub.get('tier')} NOTEBOOK={arm} FORCE=1`"
                )
    return out


def toc() -> dict:
    """Front page; per chapter its landing page, then its summary, then one page per notebook, then the guides
    (≤ MAX_TOC entries in all)."""
    chapters = []
    guides = [{"file": _rel_to_root(p.with_suffix(""))} for p in guide_pages()]
    pages = toc_pages()
    for d in _chapter_dirs():
        if d.name not in pages:
            continue
        entry = {"file": _rel_to_root(book_dir() / d.name / "index")}
        if pages[d.name]:
            entry["sections"] = [{"file": _rel_to_root(book_dir() / d.name / a)} for a in pages[d.name]]
        chapters.append(entry)
    out = {"format": "jb-book", "root": _rel_to_root(book_dir() / "intro")}
    if chapters:
        out["parts"] = [{"caption": "Chapters", "chapters": chapters}]
    if guides:
        out.setdefault("parts", []).append({"caption": "Contributing", "chapters": guides})
    return out


def toc_entries(t: dict) -> int:
    """Entries below the root of a toc (landing pages and their sections)."""
    n = 0
    for part in t.get("parts", []):
        for ch in part.get("chapters", []):
            n += 1 + len(ch.get("sections", []))
    return n


TOC_HEADER = "# Generated by `python -m genrep book`; do not edit by hand.\n"


def generated_pages() -> dict[str, str]:
    """Relative path -> text of every generated markdown page and the toc (what write_site_pages writes)."""
    out = {_rel_to_root(book_dir() / "intro.md"): intro_page()}
    for d in _chapter_dirs():
        if published(d.name):
            out[_rel_to_root(book_dir() / d.name / "index.md")] = landing_page(d.name)
    out["_toc.yml"] = TOC_HEADER + yaml.safe_dump(toc(), sort_keys=False)
    return out


def write_site_pages() -> list[Path]:
    """Regenerate book/intro.md (front page + forest plot + scoreboard), book/<chapter>/index.md (and the
    forest.png files) and _toc.yml."""
    written = []
    bd = book_dir()
    pages = generated_pages()  # everything read and checked before anything is written (BookError names a bad file)
    bd.mkdir(parents=True, exist_ok=True)
    written += clean_book(bd)  # executed notebooks without machine paths or progress bars (idempotent)
    toc_text = pages.pop("_toc.yml")
    for rel, text in pages.items():
        path = Path(rel) if Path(rel).is_absolute() else repo_root() / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        written.append(path)
    written += [p for p in [bd / "forest.png", *sorted(bd.glob("*/forest.png"))] if p.exists()]
    if not bd.resolve().is_relative_to(repo_root().resolve()):
        return written  # a book outside the repository (GENREP_BOOK elsewhere) never rewrites its _toc.yml
    toc_path = repo_root() / "_toc.yml"
    toc_path.write_text(toc_text)
    written.append(toc_path)
    return written

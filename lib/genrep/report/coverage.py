"""Which of a paper's tables, figures and ablations the book regenerates, and at which tier.

Each chapter declares its paper's items once, under ``items:`` in ``chapters/<chapter>/chapter.yaml`` (validated by
``genrep.runner.chapters.load_chapter``): a producer (``notebook``, optional ``arm``, the ``file`` it writes into
``results/<chapter>/<tier>/<notebook or notebook-arm>/`` and the ``tiers`` that produce it), a ``text`` cell of a
notebook, or ``out_of_scope:`` / ``missing:`` with the reason. This module reads that list and the committed
``results/`` (the report layer may not import the runner, so chapter.yaml is read with yaml here) and says, per item,
where the reader finds it::

    at the shown tier                 the shown tier claims it and its file is there
    lower tier only (reduced)         a lower tier produced it; the shown tier did not run it
    budget/full only: needs …         only a GPU tier produces it
    missing: needs …                  nothing produces it yet
    out of scope: …                   left out, with the reason

A table file counts as produced only when it holds a value of ours (a CSV with an ``ours`` column whose cells are
all empty is the shown tier's placeholder, not the item).
"""

from __future__ import annotations

import csv
from pathlib import Path

import yaml

from genrep.paths import chapters_dir, results_dir

from . import render
from .tables import TIERS, tier_rank

AT_SHOWN = "at the shown tier"
LOWER = "lower tier only"
GPU_ONLY = "budget/full only"
MISSING = "missing"
OUT_OF_SCOPE = "out of scope"
KINDS = (AT_SHOWN, LOWER, GPU_ONLY, MISSING, OUT_OF_SCOPE)


def items(chapter: str, root: Path | None = None) -> list[dict]:
    """The ``items:`` of a chapter's chapter.yaml (an empty list when it declares none)."""
    path = (root or chapters_dir()) / chapter / "chapter.yaml"
    return list((yaml.safe_load(path.read_text()) or {}).get("items") or [])


def item(chapter: str, item_id: str) -> dict:
    """The declared item ``item_id`` of a chapter (KeyError naming the declared ids when there is none)."""
    found = [it for it in items(chapter) if it.get("id") == item_id]
    if not found:
        raise KeyError(
            f"{chapter}: no item {item_id!r} in chapter.yaml; declared: {[it['id'] for it in items(chapter)]}"
        )
    return found[0]


def lower_tier(chapter: str, tier: str, folder: str, name: str, results: Path | None = None) -> str | None:
    """The highest tier below ``tier`` whose results hold ``<folder>/<name>`` (None when none does)."""
    base = (results or results_dir()) / chapter
    for t in reversed(TIERS[: tier_rank(tier)]):
        if (base / t / folder / name).is_file():
            return t
    return None


def absent_sentence(chapter: str, item_id: str, tier: str, results: Path | None = None) -> str:
    """One sentence for a page that does not show ``item_id`` at ``tier``: what it is and where (or whether) the
    book has it, from its declaration in chapter.yaml."""
    it = item(chapter, item_id)
    _, _, text = status(chapter, it, tier, results)
    return f"{it['id']} ({it['caption']}) is not produced at the {tier} tier: {text}."


def item_paths(chapter: str, tier: str, item: dict, results: Path | None = None) -> list[Path]:
    """The existing files of ``item`` at ``tier``: ``<results>/<chapter>/<tier>/<folder>/<file>`` where the folder
    is the notebook's (``<notebook>`` or ``<notebook>-<arm>``, ``arm`` a glob; any of its arms when none is given)."""
    if "file" not in item:
        return []
    base = (results or results_dir()) / chapter / tier
    nb = item["notebook"]
    pattern = f"{nb}-{item['arm']}" if item.get("arm") else None
    folders = sorted(base.glob(pattern)) if pattern else [base / nb, *sorted(base.glob(f"{nb}-*"))]
    return [f / item["file"] for f in folders if (f / item["file"]).is_file()]


def has_values(path: Path) -> bool:
    """Whether a results file holds the item: any file but a CSV whose ``ours`` column is entirely empty."""
    if path.suffix != ".csv":
        return True
    with path.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    if not rows or "ours" not in rows[0]:
        return bool(rows)
    return any((r.get("ours") or "").strip() for r in rows)


def produced(chapter: str, tier: str, item: dict, results: Path | None = None) -> bool:
    """Whether ``item`` was produced at ``tier`` (a file of it holds values)."""
    return any(has_values(p) for p in item_paths(chapter, tier, item, results))


def status(chapter: str, item: dict, shown: str, results: Path | None = None) -> tuple[str, str, str]:
    """(kind, tier where the reader sees it or '—', the status text) of one item, with the chapter shown at tier
    ``shown``; ``kind`` is one of :data:`KINDS`."""
    if "out_of_scope" in item:
        return OUT_OF_SCOPE, "—", f"{OUT_OF_SCOPE}: {item['out_of_scope']}"
    if "missing" in item:
        return MISSING, "—", f"{MISSING}: needs {item['missing']}"
    if "text" in item:
        return AT_SHOWN, shown, f"{AT_SHOWN} (as text in {item['notebook']}: {item['text']})"
    tiers = item.get("tiers") or []
    if shown in tiers and produced(chapter, shown, item, results):
        return AT_SHOWN, shown, AT_SHOWN
    lower = [t for t in tiers if tier_rank(t) < tier_rank(shown) and produced(chapter, t, item, results)]
    if lower:
        best = max(lower, key=tier_rank)
        higher = [t for t in tiers if tier_rank(t) > tier_rank(shown)]
        return LOWER, best, f"{LOWER} ({best})" + (f"; also at {'/'.join(higher)}" if higher else "")
    unmade = [t for t in tiers if tier_rank(t) <= tier_rank(shown)]
    if unmade:
        return MISSING, "—", f"{MISSING}: declared for {', '.join(unmade)}; needs a run of {item['notebook']}"
    higher = [t for t in tiers if tier_rank(t) > tier_rank(shown)]
    if higher:
        need = item.get("needs") or f"a run of the {'/'.join(higher)} tier"
        return GPU_ONLY, "—", f"{GPU_ONLY} ({'/'.join(higher)}): needs {need}"
    return MISSING, "—", f"{MISSING}: declared for {', '.join(tiers)}, not produced"


def rows(chapter: str, shown: str, results: Path | None = None) -> list[dict]:
    """One row per declared item: id, caption, kind, tier, status, note."""
    out = []
    for it in items(chapter):
        kind, tier, text = status(chapter, it, shown, results)
        row = {"id": it["id"], "caption": it["caption"], "kind": kind, "tier": tier, "status": text}
        out.append({**row, "note": it.get("note", "")})
    return out


def counts(chapter: str, shown: str, results: Path | None = None) -> dict[str, int]:
    """How many items of each kind (:data:`KINDS`), plus ``items`` in all."""
    rs = rows(chapter, shown, results)
    return {"items": len(rs), **{k: sum(r["kind"] == k for r in rs) for k in KINDS}}


COLS = (("item", "30%"), ("shown at tier", "13%"), ("status", "57%"))


def coverage_table(chapter: str, shown: str, style: bool = True, results: Path | None = None) -> str:
    """The landing page's coverage table (item | shown at tier | status) as HTML in the claims table's style (fixed
    layout, wrapped cells: it fits the 772 px column); empty text when the chapter declares no items."""
    rs = rows(chapter, shown, results)
    if not rs:
        return ""
    head = "".join(f'<th style="width:{w}">{render._e(c)}</th>' for c, w in COLS)
    body = []
    for r in rs:
        item = f"<b>{render._e(r['id'])}</b><br><span class='genrep-small'>{render._e(r['caption'])}</span>"
        note = f"<br><span class='genrep-small'>{render._e(r['note'])}</span>" if r["note"] else ""
        cells = f"<td>{item}</td><td>{render._e(r['tier'])}</td><td>{render._e(r['status'])}{note}</td>"
        body.append(f"<tr>{cells}</tr>")
    table = (
        f'<table class="genrep-claims genrep-coverage"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )
    return (render.STYLE if style else "") + table


def summary_line(chapter: str, shown: str, results: Path | None = None) -> str:
    """One sentence: of N items, how many the shown tier has, how many only a lower tier, and so on."""
    c = counts(chapter, shown, results)
    parts = [f"{c[k]} {k}" for k in KINDS if c[k]]
    return f"Of the paper's {c['items']} tables, figures and ablations declared here: " + ", ".join(parts) + "."


__all__ = [
    "KINDS",
    "absent_sentence",
    "counts",
    "coverage_table",
    "item_paths",
    "item",
    "items",
    "lower_tier",
    "produced",
    "rows",
    "status",
]

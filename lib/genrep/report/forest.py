"""Forest plots of a chapter's claims on one signed scale: "how far past the decision boundary, in the
direction the paper claims, measured in standard errors of our estimate".

Each claim with an interval becomes a row: its estimate and interval are moved so that the boundary the
test decides against sits at 0 and the paper's direction points right, then divided by the interval's
standard error (half its width / 1.96), so claims in different units share one axis. The shaded zone
right of 0 is where an interval must lie wholly for *replicated*; wholly left of 0 is *not replicated*.
For a claim of closeness (equivalence, tolerance) the signed distance is ``margin − |value − target|``:
positive inside the margin. The marker's colour is the verdict (the colours of the claims table).

A claim is oriented from its checks.json entry: ``expect`` ('<', '>' or 'within'), ``target`` /
``threshold`` (the boundary; 0 for a difference), ``margin`` / ``tolerance``, and its ``test``; where
``expect`` is missing it is read from the paper.yaml ``comparison`` ('A < B', 'x ≥ 0.8') or, for a decided
superiority / trend claim, from the side its interval lies on. A claim that cannot be oriented is counted
under the plot, never guessed.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Iterable, Mapping
from pathlib import Path

from .render import BADGE, normalize
from .tables import NOT_TESTABLE

Z95 = 1.959964
DECIDED = {
    "replicated": "replicated",
    "consistent": "replicated",
    "not replicated": "not replicated",
    "inconsistent": "not replicated",
}
CLIP = 8.0  # standard errors shown either side; beyond, an arrow


def _expect_from_text(text: str) -> str | None:
    t = text or ""
    less = bool(re.search(r"<|≤|\bfalls\b|\bdecreas|\blower\b|\bsmaller\b|\bbelow\b", t))
    more = bool(re.search(r">|≥|\brises\b|\bincreas|\bhigher\b|\blarger\b|\babove\b", t))
    return "<" if less and not more else ">" if more and not less else None


def _threshold_from_text(text: str) -> float | None:
    m = re.search(r"(?:<=?|>=?|≤|≥)\s*(-?\d+(?:\.\d+)?)\s*$", (text or "").strip())
    return float(m.group(1)) if m else None


def orient(c: Mapping, comparison: str = "") -> dict | None:
    """``{'x', 'lo', 'hi', 'id', 'text', 'verdict'}`` on the signed standard-error scale, or None when the
    check has no finite interval or no known direction/boundary. ``comparison``: the claim's paper.yaml
    comparison text, a fallback for the direction."""
    c = normalize(c)
    iv = c.get("interval")
    if c["kind"] != "claim" or not iv or len(iv) != 2:
        return None
    try:
        lo, hi = float(iv[0]), float(iv[1])
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi < lo:
        return None
    ours = c.get("ours") or {}
    est = ours.get("difference") if isinstance(ours, Mapping) else None
    est = float(est) if isinstance(est, (int, float)) and math.isfinite(est) and lo <= est <= hi else (lo + hi) / 2
    se = (hi - lo) / (2 * Z95) or max(abs(est), 1.0) * 1e-3
    test = c.get("test") or ""
    expect = c.get("expect")
    margin = c.get("margin") if c.get("margin") is not None else c.get("tolerance")
    if expect == "within" or test in ("equivalence", "tolerance"):
        target = c.get("target", c.get("threshold", 0.0 if test == "equivalence" else None))
        if target is None or margin is None:
            return None
        target, margin = float(target), float(margin)

        def f(v):
            return margin - abs(v - target)

        ends = [f(lo), f(hi)]
        top = margin if lo <= target <= hi else max(ends)
        x, a, b = f(est), min(ends), top
    else:
        if test == "non-inferiority":
            boundary = float(margin) if margin is not None else None
            expect = expect or "<"
        elif c.get("threshold") is not None or c.get("target") is not None:
            boundary = float(c.get("threshold", c.get("target")))
        elif test in ("superiority", "trend"):
            boundary = 0.0
        else:
            boundary = _threshold_from_text(comparison)
            if boundary is None and isinstance(ours, Mapping) and "difference" in ours:
                boundary = 0.0  # an older check of a difference (A − B): 0 is its boundary
        if boundary is None:
            return None
        expect = expect or _expect_from_text(comparison)
        if expect is None and test in ("superiority", "trend") and c["verdict"] != NOT_TESTABLE:
            side = ">" if lo > boundary else "<" if hi < boundary else None
            dec = c.get("outcome") if c.get("outcome") in ("replicated", "not replicated") else c["verdict"]
            if side and dec == "replicated":
                expect = side
            elif side and dec == "not replicated":
                expect = "<" if side == ">" else ">"
        if expect not in ("<", ">"):
            return None
        sign = 1.0 if expect == ">" else -1.0
        a, b = sorted((sign * (lo - boundary), sign * (hi - boundary)))
        x = sign * (est - boundary)
    decided = DECIDED.get(c.get("decision") or c.get("outcome") or "")
    undecided = (c.get("decision") or c.get("outcome")) == "inconclusive" and (a > 0 or b < 0)
    if undecided or (decided == "replicated" and a <= 0) or (decided == "not replicated" and b >= 0):
        return None  # the orientation read from the text disagrees with the recorded decision: not guessed
    return {
        "x": x / se,
        "lo": a / se,
        "hi": b / se,
        "id": c["id"],
        "text": c["text"],
        "verdict": c["verdict"],
        "outcome": c.get("outcome"),
    }


def rows(checks: Iterable[Mapping], comparisons: Mapping[str, str] | None = None) -> tuple[list[dict], int]:
    """(oriented rows, number of claims with an interval that could not be oriented)."""
    out, skipped = [], 0
    for c in checks:
        n = normalize(c)
        if n["kind"] != "claim":
            continue
        r = orient(c, (comparisons or {}).get(n["id"], ""))
        if r is None:
            skipped += bool(n.get("interval"))
            continue
        out.append(r)
    return out, skipped


def _label(text: str, width: int = 58) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def plot(groups: Mapping[str, list[dict]], path: str | Path, title: str = "", note: str = "") -> Path:
    """Draw the forest plot of ``groups`` ({heading: rows}) into ``path`` (PNG, no timestamps)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    items: list[tuple[str, dict | None]] = []
    for head, rs in groups.items():
        if len(groups) > 1:
            items.append((head, None))
        items += [(_label(r["text"]), r) for r in rs]
    n = max(len(items), 1)
    fig, ax = plt.subplots(figsize=(8.0, 0.9 + 0.27 * n))
    ax.axvspan(0, CLIP * 1.08, color="#1a7f37", alpha=0.08, lw=0)
    ax.axvspan(-CLIP * 1.08, 0, color="#cf222e", alpha=0.05, lw=0)
    ax.axvline(0, color="#444", lw=0.8)
    for i, (label, r) in enumerate(items):
        y = n - 1 - i
        if r is None:
            ax.text(-CLIP * 1.06, y, label, fontsize=8.5, fontweight="bold", va="center", ha="left")
            continue
        colour = BADGE.get(r["verdict"], BADGE[NOT_TESTABLE])[0]
        lo, hi, x = (max(-CLIP, min(CLIP, v)) for v in (r["lo"], r["hi"], r["x"]))
        hollow = r["verdict"] == NOT_TESTABLE
        ax.plot([lo, hi], [y, y], color=colour, lw=2.0, alpha=0.6 if hollow else 1.0, solid_capstyle="butt")
        ax.plot([x], [y], "o", ms=5.5, color=colour, mfc="white" if hollow else colour, mew=1.4)
        for end, v in ((lo, r["lo"]), (hi, r["hi"])):
            if abs(v) > CLIP:
                ax.annotate("", (end + (0.35 if v > 0 else -0.35), y), (end, y), arrowprops={"arrowstyle": "->"})
    ax.set_yticks([n - 1 - i for i, (_, r) in enumerate(items) if r is not None])
    ax.set_yticklabels([lab for lab, r in items if r is not None], fontsize=8)
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlim(-CLIP * 1.08, CLIP * 1.08)
    ax.set_xlabel(
        "← against the paper · distance of our estimate from the decision boundary, in standard errors · "
        "in the paper's direction →",
        fontsize=8,
    )
    ax.tick_params(axis="x", labelsize=8)
    handles = [
        Line2D([], [], marker="o", color=BADGE[v][0], mfc="white" if v == NOT_TESTABLE else BADGE[v][0], label=v)
        for v in BADGE
    ]
    ax.legend(handles=handles, fontsize=7.5, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=4, frameon=False)
    if title:
        fig.suptitle(title, fontsize=9.5, y=1.0)
    if note:
        fig.text(0.01, -0.01, note, fontsize=7.5, va="top", color="#57606a")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return path


def chapter_figure(
    checks: Iterable[Mapping], path: str | Path, comparisons: Mapping[str, str] | None = None, title: str = ""
) -> tuple[Path | None, int, int]:
    """The chapter's forest plot at ``path``: (path or None when no claim could be placed, claims plotted,
    claims with an interval left off)."""
    rs, skipped = rows(checks, comparisons)
    if not rs:
        return None, 0, skipped
    return plot({"": rs}, path, title), len(rs), skipped


def panels(groups: Mapping[str, list[dict]], path: str | Path, ncols: int = 2) -> Path:
    """The front page's figure: one small forest panel per chapter ({title: rows}), rows unlabelled and
    sorted as given, the same signed axis and zones as :func:`plot`."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    names = list(groups)
    nrows = max(1, math.ceil(len(names) / ncols))
    tallest = max((len(v) for v in groups.values()), default=1)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(8.0, nrows * (0.7 + 0.09 * tallest) + 0.4), squeeze=False, sharex=True
    )
    for k, ax in enumerate(axes.flat):
        if k >= len(names):
            ax.axis("off")
            continue
        rs = groups[names[k]]
        if not rs:
            ax.text(0, 0, "no claim with an oriented interval yet", ha="center", va="center", fontsize=7.5)
        ax.axvspan(0, CLIP * 1.08, color="#1a7f37", alpha=0.08, lw=0)
        ax.axvspan(-CLIP * 1.08, 0, color="#cf222e", alpha=0.05, lw=0)
        ax.axvline(0, color="#444", lw=0.8)
        for i, r in enumerate(rs):
            y = len(rs) - 1 - i
            colour = BADGE.get(r["verdict"], BADGE[NOT_TESTABLE])[0]
            lo, hi, x = (max(-CLIP, min(CLIP, v)) for v in (r["lo"], r["hi"], r["x"]))
            hollow = r["verdict"] == NOT_TESTABLE
            ax.plot([lo, hi], [y, y], color=colour, lw=1.6, alpha=0.6 if hollow else 1.0)
            ax.plot([x], [y], "o", ms=3.8, color=colour, mfc="white" if hollow else colour, mew=1.0)
        ax.set_yticks([])
        ax.set_ylim(-0.8, max(len(rs), 1) - 0.2)
        ax.set_xlim(-CLIP * 1.08, CLIP * 1.08)
        ax.set_title(textwrap.fill(f"{names[k]} ({len(rs)} claims)", 56), fontsize=8)
        ax.tick_params(axis="x", labelsize=7.5)
    fig.supxlabel(
        "← against the paper · standard errors past the decision boundary · in the paper's direction →", fontsize=8
    )
    handles = [
        Line2D([], [], marker="o", ls="", color=BADGE[v][0], mfc="white" if v == NOT_TESTABLE else BADGE[v][0], label=v)
        for v in BADGE
    ]
    fig.legend(handles=handles, fontsize=7.5, loc="upper center", bbox_to_anchor=(0.5, 1.02), ncol=4, frameon=False)
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return path

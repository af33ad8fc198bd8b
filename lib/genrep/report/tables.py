"""Replication tables: each cell of a paper's table beside ours, with the tier and a verdict.

A :class:`ReplicationTable` is built in a summary notebook from results JSON, saved as CSV, and shown
as HTML. The paper value is kept verbatim (a string, as printed in the paper); ours is a number (or
None when not run); the verdict is computed by :func:`verdict` from an explicit tolerance or claim.
"""

from __future__ import annotations

import csv
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

from genrep.tiers import TIERS, highest_tier, tier_rank  # noqa: F401  (re-exported: the report speaks of tiers)

TIER_NOTE = {
    "reduced": "reduced tier: CPU smoke run on subsets or stand-ins; not a replication",
    "cpu": "cpu tier: at most ~60 min per chapter on a 2-core CPU, real data; decides the claims that small "
    "scale can decide",
    "budget": "budget tier: one modern GPU, real data, shortened schedule",
    "full": "full tier: the paper's own settings",
}
NOT_TESTABLE = "not testable at this tier"
DECISIONS = ("replicated", "not replicated", "inconclusive")  # what the numbers of a testable tier can say
VERDICTS = (*DECISIONS, NOT_TESTABLE)
NOT_COMPUTED = "not computed at this tier"  # the note of a declared claim a run did not compute
SANITY_RESULTS = ("pass", "fail", "not run")  # what a sanity check shows (never a verdict, never counted)
KINDS = ("claim", "sanity")


def counted(kind: str, verdict_word: str) -> bool:
    """Whether a check counts on the scoreboard: a claim (not a sanity check) with a decided verdict."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; valid kinds: {', '.join(KINDS)}")
    return kind == "claim" and verdict_word in DECISIONS


def sanity_result(ok: bool | None, tier: str, min_tier: str | None = None) -> str:
    """'pass' / 'fail' for a sanity check that ran ('not run' when ``ok`` is None or the tier is below its
    ``min_tier``); unlike a claim, a sanity check holds at the reduced tier too."""
    if min_tier is not None and tier_rank(tier) < tier_rank(min_tier):
        return "not run"
    tier_rank(tier)
    return "not run" if ok is None else ("pass" if ok else "fail")


def testable(tier: str, min_tier: str | None = None) -> bool:
    """Whether a claim can be decided at ``tier``: never at reduced, nor below the claim's ``min_tier``."""
    rank = tier_rank(tier)
    return rank > 0 and (min_tier is None or rank >= tier_rank(min_tier))


def verdict(ok: bool | None, tier: str, min_tier: str | None = None, decision: str | None = None) -> str:
    """The verdict word for a comparison whose outcome is ``ok`` (or whose three-way ``decision`` is given).

    The reduced tier never yields 'replicated' or 'not replicated': it is a smoke run, so its verdict is
    'not testable at this tier' whatever the numbers say (the outcome is still recorded beside it); so is
    any tier below the claim's ``min_tier``. A ``decision`` ('replicated' / 'not replicated' /
    'inconclusive', e.g. from :func:`genrep.report.compare_seeds`) overrides the boolean ``ok``.
    """
    if decision is not None and decision not in DECISIONS:
        raise ValueError(f"unknown decision {decision!r}; valid decisions: {', '.join(DECISIONS)}")
    if not testable(tier, min_tier):
        return NOT_TESTABLE
    if decision is not None:
        return decision
    if ok is None:
        return NOT_TESTABLE
    return "replicated" if ok else "not replicated"


def outcome(ok: bool | None, decision: str | None = None) -> str:
    """What the numbers said, recorded even where the verdict is 'not testable at this tier'."""
    if decision is not None:
        return {"replicated": "consistent", "not replicated": "inconsistent"}.get(decision, decision)
    return "" if ok is None else ("consistent" if ok else "inconsistent")


def within(paper: float, ours: float, rel: float | None = None, abs_: float | None = None) -> bool:
    """True when ``ours`` is within a relative and/or absolute tolerance of ``paper``."""
    if ours is None or (isinstance(ours, float) and math.isnan(ours)):
        return False
    d = abs(ours - paper)
    ok_rel = rel is not None and d <= rel * abs(paper)
    ok_abs = abs_ is not None and d <= abs_
    return ok_rel or ok_abs


@dataclass
class Cell:
    row: str
    column: str
    paper: str
    ours: float | str | None
    tier: str
    verdict: str
    outcome: str = ""  # consistent / inconsistent / inconclusive / '': what the numbers said, even at reduced
    note: str = ""


@dataclass
class ReplicationTable:
    """One table (or figure claim) of a paper: title, source (e.g. 'Heusel et al. 2017, Fig. 3'), tier."""

    name: str
    title: str
    source: str
    tier: str
    data_note: str = ""  # e.g. "CIFAR-10 JPEG mirror (lossy), 2,000 images" or "procedural stand-in"
    cells: list[Cell] = field(default_factory=list)

    def __post_init__(self):
        tier_rank(self.tier)

    def add(
        self,
        row: str,
        column: str,
        paper: str,
        ours,
        ok: bool | None,
        note: str = "",
        decision: str | None = None,
        min_tier: str | None = None,
    ) -> Cell:
        """Add a cell. ``ok`` is the outcome of the comparison (None when it cannot be compared); a
        three-way ``decision`` overrides it; below ``min_tier`` the cell is 'not testable at this tier'."""
        v = verdict(ok, self.tier, min_tier, decision)
        cell = Cell(row, column, str(paper), ours, self.tier, v, outcome(ok, decision), note)
        self.cells.append(cell)
        return cell

    @property
    def caption(self) -> str:
        parts = [f"{self.title} — {self.source}", TIER_NOTE[self.tier]]
        if self.data_note:
            parts.append(f"data: {self.data_note}")
        return ". ".join(parts) + "."

    def rows(self) -> list[dict]:
        return [asdict(c) for c in self.cells]

    def to_frame(self):
        import pandas as pd

        df = pd.DataFrame(self.rows(), columns=[f for f in Cell.__dataclass_fields__])
        return df

    def save(self, results_dir: str | Path) -> Path:
        path = Path(results_dir) / f"table_{self.name}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(Cell.__dataclass_fields__))
            w.writeheader()
            for r in self.rows():
                r = dict(r)
                if isinstance(r["ours"], float):
                    r["ours"] = f"{r['ours']:.6g}"
                w.writerow(r)
        return path

    def _repr_html_(self) -> str:
        df = self.to_frame().drop(columns=["tier"])
        df["ours"] = [(f"{v:.4g}" if isinstance(v, float) else ("—" if v is None else v)) for v in df["ours"]]
        html = df.to_html(index=False, escape=True, classes="replication-table")
        return f"<p><b>{_esc(self.caption)}</b></p>{html}"


def _esc(s: str) -> str:
    import html

    return html.escape(s)

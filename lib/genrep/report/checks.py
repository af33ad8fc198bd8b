"""Headline claims of a chapter and our verdict on each, written to ``checks.json``.

The chapter landing page and the book's front-page scoreboard are generated from these files.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .tables import DECISIONS, tier_rank, verdict
from .tables import outcome as _outcome


@dataclass
class Check:
    """One claim: what the paper says (verbatim or paraphrased with its source) and what we measured.

    ``Check(claim, paper, ok, tier, ours, note=...)``; the optional fields say how it was decided: the
    ``interval`` of the compared quantity, the ``metric`` (e.g. 'FID (TF-Inception, n = 10000)'), the
    sample size ``n``, the claim's ``min_tier`` and ``claim_id`` (from paper.yaml), the ``data`` it used,
    and a three-way ``decision`` ('replicated' / 'not replicated' / 'inconclusive') that overrides ``ok``.
    """

    claim: str
    paper: str
    ok: bool | None
    tier: str
    ours: dict = field(default_factory=dict)  # the numbers behind the outcome
    note: str = ""
    interval: tuple[float, float] | None = None
    metric: str = ""
    n: int | list | dict | None = None  # samples (or seeds) behind the interval, per arm where it differs
    min_tier: str | None = None
    data: str = ""
    claim_id: str = ""
    decision: str | None = None

    def __post_init__(self):
        tier_rank(self.tier)
        if self.min_tier is not None:
            tier_rank(self.min_tier)
        if self.decision is not None and self.decision not in DECISIONS:
            raise ValueError(f"unknown decision {self.decision!r}; valid decisions: {', '.join(DECISIONS)}")
        if self.interval is not None:
            lo, hi = (float(v) for v in self.interval)
            self.interval = (lo, hi)
        if self.decision is not None:  # the decision overrides ok, so that checks.json says one thing
            self.ok = {"replicated": True, "not replicated": False}.get(self.decision)

    @classmethod
    def from_comparison(cls, claim: str, paper: str, tier: str, comparison, ours: dict | None = None, **kw) -> Check:
        """A check decided by a :class:`~genrep.report.Comparison` (its decision, interval, n and method)."""
        ours = {"difference": comparison.difference, **(ours or {})}
        note = kw.pop("note", "") or comparison.method
        n = kw.pop("n", None)
        n = n if n is not None else (list(comparison.n) if len(comparison.n) > 1 else comparison.n[0])
        return cls(
            claim,
            paper,
            comparison.ok,
            tier,
            ours,
            note,
            interval=comparison.interval,
            n=n,
            decision=comparison.decision,
            **kw,
        )

    @classmethod
    def for_claim(
        cls, declared, paper, tier: str, ok: bool | None = None, ours: dict | None = None, comparison=None, **kw
    ) -> Check:
        """A check of a claim declared in paper.yaml (a :class:`~genrep.report.claims.Claim`): its text, id,
        metric and minimal tier are taken from the declaration; ``comparison`` (if given) decides it."""
        kw = {"claim_id": declared.id, "metric": declared.metric, "min_tier": declared.min_tier, **kw}
        paper = str(paper)
        if comparison is not None:
            return cls.from_comparison(declared.text, paper, tier, comparison, ours, **kw)
        return cls(declared.text, paper, ok, tier, ours or {}, **kw)

    @property
    def verdict(self) -> str:
        return verdict(self.ok, self.tier, self.min_tier, self.decision)

    @property
    def outcome(self) -> str:
        return _outcome(self.ok, self.decision)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["interval"] = None if self.interval is None else list(self.interval)
        d["verdict"] = self.verdict
        d["outcome"] = self.outcome
        return d


def write_checks(results_dir: str | Path, chapter: str, tier: str, checks: list[Check], data_note: str = "") -> Path:
    """Write ``checks.json`` (chapter, tier, data note, and each check with its verdict)."""
    tier_rank(tier)
    path = Path(results_dir) / "checks.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"chapter": chapter, "tier": tier, "data": data_note, "checks": [c.to_dict() for c in checks]}
    path.write_text(json.dumps(payload, indent=2, default=_jsonable) + "\n")
    return path


def load_checks(path: str | Path) -> dict:
    return json.loads(Path(path).read_text())


def checks_frame(checks: list[Check]):
    """A small table of claims for display in a notebook."""
    import pandas as pd

    rows = []
    for c in checks:
        row = {
            "claim": c.claim,
            "paper": c.paper,
            "verdict": c.verdict,
            "outcome": c.outcome,
            "ours": ", ".join(f"{k}={_fmt(v)}" for k, v in c.ours.items()),
        }
        if any(x.metric for x in checks):
            row["metric"] = c.metric
        if any(x.interval is not None for x in checks):
            row["interval"] = format_interval(c.interval)
        rows.append(row)
    return pd.DataFrame(rows)


def format_interval(interval) -> str:
    """'[lo, hi]' with 4 significant digits, '' for none."""
    if interval is None:
        return ""
    lo, hi = interval
    return f"[{lo:.4g}, {hi:.4g}]"


def _fmt(v) -> str:
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def _jsonable(o):
    try:
        import numpy as np

        if isinstance(o, np.generic):
            return o.item()
        if isinstance(o, np.ndarray):
            return o.tolist()
    except ImportError:  # pragma: no cover
        pass
    if hasattr(o, "item"):
        return o.item()
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")

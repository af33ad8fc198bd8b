"""Headline claims of a chapter and our verdict on each, written to ``checks.json``.

The chapter landing page and the book's front-page scoreboard are generated from these files.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .tables import TIERS, verdict


@dataclass
class Check:
    """One claim: what the paper says (verbatim or paraphrased with its source) and what we measured."""

    claim: str
    paper: str
    ok: bool | None
    tier: str
    ours: dict = field(default_factory=dict)  # the numbers behind the outcome
    note: str = ""

    @property
    def verdict(self) -> str:
        return verdict(self.ok, self.tier)

    @property
    def outcome(self) -> str:
        return "" if self.ok is None else ("consistent" if self.ok else "inconsistent")

    def to_dict(self) -> dict:
        d = asdict(self)
        d["verdict"] = self.verdict
        d["outcome"] = self.outcome
        return d


def write_checks(results_dir: str | Path, chapter: str, tier: str, checks: list[Check], data_note: str = "") -> Path:
    """Write ``checks.json`` (chapter, tier, data note, and each check with its verdict)."""
    if tier not in TIERS:
        raise ValueError(f"unknown tier {tier!r}; valid tiers: {', '.join(TIERS)}")
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

    return pd.DataFrame(
        [{"claim": c.claim, "paper": c.paper, "verdict": c.verdict, "outcome": c.outcome,
          "ours": ", ".join(f"{k}={_fmt(v)}" for k, v in c.ours.items())} for c in checks]
    )


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

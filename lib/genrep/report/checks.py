"""A chapter's claims with our verdict on each, and its sanity checks, written to ``checks.json``.

The chapter landing page and the book's front-page scoreboard are generated from these files. Each entry has a
``kind``: a ``claim`` (what the paper says, or a question we ask) carries a verdict and counts on the scoreboard
when decided (``counted``); a ``sanity`` check (a pipeline check, true by construction or set by us) is pass / fail
only. A claim's ``outcome`` is what the numbers said, kept even where its ``verdict`` is 'not testable at this tier'
(below its ``min_tier``, at the reduced tier, or when its ``premise`` was not met).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .tables import DECISIONS, KINDS, NOT_TESTABLE, counted, sanity_result, testable, tier_rank, verdict

_OUTCOME_WORD = {True: "replicated", False: "not replicated"}
_TEST_VALUE = {"tolerance": "value", "trend": "slope", "non-inferiority": "how much worse"}


@dataclass
class Check:
    """One claim (or sanity check): what the paper says (verbatim or paraphrased with its source) and what we measured.

    ``Check(claim, paper, ok, tier, ours, note=...)``; the optional fields say how it was decided: the
    ``interval`` of the compared quantity (``interval_of`` says of what), the ``metric``, the sample size ``n``,
    the claim's ``min_tier`` and ``claim_id`` (from paper.yaml), the ``data`` it used, and a three-way
    ``decision`` ('replicated' / 'not replicated' / 'inconclusive') that overrides ``ok``. ``test``, ``margin``,
    ``tolerance``, ``family`` and ``p`` name the test that decided it; ``premise`` is ``{"text", "value", "met"}``
    (None: the claim involves no trained model); ``decide_with`` says what would decide an inconclusive claim and
    ``needs`` what a not-testable one needs. ``kind='sanity'`` makes a pass / fail pipeline check (``value``).
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
    kind: str = "claim"
    test: str | None = None
    margin: float | None = None
    tolerance: float | None = None
    family: str | None = None
    premise: dict | None = None
    decide_with: str | None = None
    needs: str | None = None
    ours_claim: bool = False
    interval_of: str = ""
    p: float | None = None
    confidence: float | None = None
    value: str = ""  # a sanity check's measured value
    expect: str | None = None  # '<', '>' (the interval must lie below / above ``target``) or 'within'
    target: float | None = None  # the decision boundary (0 for a difference; the margin of a non-inferiority
    # test; the centre of an equivalence or tolerance band): lets a reader, and the forest plot, place it

    def __post_init__(self):
        tier_rank(self.tier)
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind {self.kind!r}; valid kinds: {', '.join(KINDS)}")
        if self.min_tier is not None:
            tier_rank(self.min_tier)
        if self.decision is not None and self.decision not in DECISIONS:
            raise ValueError(f"unknown decision {self.decision!r}; valid decisions: {', '.join(DECISIONS)}")
        if self.kind == "sanity" and self.decision is not None:
            raise ValueError("a sanity check is pass / fail (ok), it has no three-way decision")
        if self.interval is not None:
            lo, hi = (float(v) for v in self.interval)
            self.interval = (lo, hi)
        if self.ok is not None:
            self.ok = bool(self.ok)  # numpy booleans too
        if self.decision is not None:  # the decision overrides ok, so that checks.json says one thing
            self.ok = {"replicated": True, "not replicated": False}.get(self.decision)
        if self.premise is not None:
            if not isinstance(self.premise, dict) or set(self.premise) != {"text", "value", "met"}:
                raise ValueError(f"premise must be {{'text', 'value', 'met'}}, got {self.premise!r}")
            if self.premise["met"] is not None:
                self.premise = {**self.premise, "met": bool(self.premise["met"])}

    @classmethod
    def from_comparison(cls, claim: str, paper: str, tier: str, comparison, ours: dict | None = None, **kw) -> Check:
        """A check decided by a :class:`~genrep.report.Comparison` (its decision, interval, n, method and test)."""
        key = _TEST_VALUE.get(getattr(comparison, "test", ""), "difference")
        ours = {key: comparison.difference, **(ours or {})}
        note = kw.pop("note", "") or comparison.method
        n = kw.pop("n", None)
        n = n if n is not None else (list(comparison.n) if len(comparison.n) != 1 else comparison.n[0])
        test = getattr(comparison, "test", "") or None
        margin = getattr(comparison, "margin", None)
        kw.setdefault("test", test)
        kw.setdefault("margin", margin if test in ("non-inferiority", "equivalence") else None)
        kw.setdefault("tolerance", margin if test == "tolerance" else None)
        kw.setdefault("family", getattr(comparison, "family", None))
        kw.setdefault("p", getattr(comparison, "p", None))
        kw.setdefault("confidence", comparison.confidence)
        kw.setdefault("interval_of", comparison.method)
        expect, target = _boundary(comparison, test, margin)
        kw.setdefault("expect", expect)
        kw.setdefault("target", target)
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
        kw.setdefault("ours_claim", bool(getattr(declared, "ours", False)))
        paper = str(paper)
        if comparison is not None:
            return cls.from_comparison(declared.text, paper, tier, comparison, ours, **kw)
        return cls(declared.text, paper, ok, tier, ours or {}, **kw)

    @property
    def premise_met(self) -> bool | None:
        """True when there is no premise or it was met; False / None when it was not met / not measured."""
        return True if self.premise is None else self.premise["met"]

    @property
    def verdict(self) -> str:
        """A claim's verdict ('not testable at this tier' below min_tier, at reduced, or when the premise was not
        met); a sanity check's 'pass' / 'fail' / 'not run'."""
        if self.kind == "sanity":
            return sanity_result(self.ok, self.tier, self.min_tier)
        if self.premise_met is not True:
            return NOT_TESTABLE
        return verdict(self.ok, self.tier, self.min_tier, self.decision)

    @property
    def outcome(self) -> str | None:
        """What the numbers said ('replicated' / 'not replicated' / 'inconclusive'; None when nothing was
        computed), kept even where the verdict is 'not testable at this tier'."""
        if self.kind == "sanity":
            return None
        return self.decision if self.decision is not None else _OUTCOME_WORD.get(self.ok)

    @property
    def counted(self) -> bool:
        """Whether this check counts on the scoreboard: a claim with a decided verdict."""
        return counted(self.kind, self.verdict)

    def why_not_testable(self) -> str | None:
        """One line of what a not-testable claim needs (its declared ``needs`` first); None when testable."""
        if self.kind == "sanity" or self.verdict != NOT_TESTABLE:
            return None
        if self.needs:
            return self.needs
        if not testable(self.tier, self.min_tier):
            return f"a run at the {self.min_tier or 'cpu'} tier or above (this is the {self.tier} tier)"
        if self.premise_met is not True:
            p = self.premise
            got = "not measured" if p["met"] is None else f"measured {p['value']}"
            return f"a run that meets the premise ({p['text']}; {got})"
        return "the comparison, computed at this tier"

    def to_dict(self) -> dict:
        if self.kind == "sanity":
            return {
                "kind": "sanity",
                "id": self.claim_id,
                "text": self.claim,
                "ok": self.ok,
                "value": self.value,
                "tier": self.tier,
                "min_tier": self.min_tier,
                "note": self.note,
                "verdict": self.verdict,
                "counted": False,
                "claim": self.claim,
                "claim_id": self.claim_id,
            }
        d = asdict(self)
        d.pop("value")
        d["interval"] = None if self.interval is None else list(self.interval)
        d["verdict"] = self.verdict
        d["outcome"] = self.outcome
        d["counted"] = self.counted
        d["needs"] = self.why_not_testable()
        if d["verdict"] != "inconclusive":
            d["decide_with"] = None
        return d


def write_checks(results_dir: str | Path, chapter: str, tier: str, checks: list[Check], data_note: str = "") -> Path:
    """Write ``checks.json`` (chapter, tier, data note, and each check with its verdict)."""
    tier_rank(tier)
    path = Path(results_dir) / "checks.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"chapter": chapter, "tier": tier, "data": data_note, "checks": [c.to_dict() for c in checks]}
    path.write_text(json.dumps(payload, indent=2, default=_jsonable) + "\n")
    return path


_OLD_OUTCOME = {"consistent": "replicated", "inconsistent": "not replicated", "": None}


def normalise_check(entry: dict) -> dict:
    """One checks.json entry with every field of the current format: an entry written before claims and sanity
    checks were told apart reads as a claim, its old outcome words ('consistent' / 'inconsistent') become
    decisions, and it counts when its verdict is decided."""
    d = dict(entry)
    kind = d.setdefault("kind", "claim")
    if kind == "sanity":
        d.setdefault("id", d.get("claim_id", ""))
        d.setdefault("text", d.get("claim", ""))
        d.setdefault("ok", None)
        d.setdefault("value", "")
        d.setdefault("verdict", "not run" if d["ok"] is None else ("pass" if d["ok"] else "fail"))
        d["counted"] = False
        return d
    for k in ("test", "margin", "tolerance", "family", "premise", "decide_with", "needs", "p", "confidence"):
        d.setdefault(k, None)
    d.setdefault("ours_claim", False)
    d.setdefault("interval_of", "")
    out = d.get("outcome")
    if out in _OLD_OUTCOME:
        out = _OLD_OUTCOME[out]
    if out is None and "outcome" not in entry:
        out = d.get("decision") or _OUTCOME_WORD.get(d.get("ok"))
    d["outcome"] = out
    if "verdict" not in d:
        d["verdict"] = verdict(d.get("ok"), d.get("tier", "reduced"), d.get("min_tier"), d.get("decision"))
    d.setdefault("counted", d["verdict"] in DECISIONS)
    return d


def load_checks(path: str | Path) -> dict:
    """Read ``checks.json``; entries written in an older format get the current fields (:func:`normalise_check`)."""
    payload = json.loads(Path(path).read_text())
    payload["checks"] = [normalise_check(c) for c in payload.get("checks", [])]
    return payload


def checks_frame(checks: list[Check]):
    """A small table of claims for display in a notebook (sanity checks as pass / fail rows)."""
    import pandas as pd

    rows = []
    for c in checks:
        row = {
            "claim": c.claim,
            "kind": c.kind,
            "paper": c.paper,
            "test": c.test or "",
            "verdict": c.verdict,
            "outcome": c.outcome or "",
            "ours": c.value if c.kind == "sanity" else ", ".join(f"{k}={_fmt(v)}" for k, v in c.ours.items()),
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


def _boundary(comparison, test: str | None, margin: float | None) -> tuple[str | None, float | None]:
    """Where a comparison's interval is judged: (expect, target) as :class:`Check` records them."""
    target = getattr(comparison, "target", None)
    if test == "non-inferiority":
        return "<", None if margin is None else float(margin)
    if test == "equivalence":
        return "within", 0.0 if target is None else float(target)
    if test == "tolerance":
        return "within", None if target is None else float(target)
    expect = getattr(comparison, "expect", None)
    if expect not in ("<", ">"):
        return None, None
    return expect, 0.0 if target is None else float(target)

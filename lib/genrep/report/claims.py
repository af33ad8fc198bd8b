"""A paper's numbers, its claims and our sanity checks, declared once as data in ``chapters/<chapter>/paper.yaml``::

    paper: "Zhu et al. 2017, Unpaired Image-to-Image Translation (CycleGAN)"   # optional
    numbers:
      fid_monet:
        value: "42.49448"              # verbatim, as printed (a string keeps its digits)
        source: "Table 3.1, p. 12"     # table / figure / page
        note: "public leaderboard"     # optional
    claims:                            # what the paper says (or a question we ask: ours: true); verdicts
      cycle_beats_no_cycle:
        text: "the cycle loss lowers FID"
        comparison: "FID(cycle) < FID(no cycle)"
        test: superiority              # superiority | non-inferiority | equivalence | trend | tolerance
        metric: "FID (TF-Inception)"
        min_tier: cpu                  # the smallest tier at which the claim is testable
        why: "a direction between two arms of one recipe shows at 64²"
        premise: "samples recognisable: FID of both arms below 150"   # or "none: <why no trained model>"
        numbers: [fid_monet]           # optional: the paper numbers the claim rests on
        # margin + margin_reason        (required for non-inferiority / equivalence)
        # tolerance + tolerance_reason  (required for tolerance)
        # family: all | any             (one claim tested at several n / levels / datasets)
        # ours: true, both_ways_opt_out: "<reason>", needs: "<what deciding it needs>", source, note
    sanity:                            # pipeline checks, true by construction or set by us: pass / fail only
      sizes:
        text: "the generator has 11.4 M parameters"
        why: "a count of our own network, not a claim of the paper"

A summary notebook reads values from here (``paper.number('fid_monet')``) instead of repeating them.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from genrep.paths import chapters_dir  # a bare chapter name

from .tables import TIERS
from .verdicts import TESTS

TOP_KEYS = {"paper", "numbers", "claims", "sanity"}
NUMBER_KEYS = {"value": True, "source": True, "note": False, "unit": False}  # key -> required
CLAIM_KEYS = {
    "text": True,
    "comparison": True,
    "test": True,
    "metric": True,
    "min_tier": True,
    "why": True,
    "premise": True,
    "margin": False,
    "margin_reason": False,
    "tolerance": False,
    "tolerance_reason": False,
    "family": False,
    "ours": False,
    "both_ways_opt_out": False,
    "needs": False,
    "numbers": False,
    "source": False,
    "note": False,
}
SANITY_KEYS = {"text": True, "why": True, "min_tier": False, "numbers": False, "source": False, "note": False}
MARGIN_TESTS = ("non-inferiority", "equivalence")
FAMILY_RULES = ("all", "any")
_NUM = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


@dataclass(frozen=True)
class PaperNumber:
    """One number of the paper, verbatim (``str(n)``) and as a float (``float(n)``), with its source."""

    id: str
    value: str | int | float
    source: str
    note: str = ""
    unit: str = ""

    def __str__(self) -> str:
        return str(self.value)

    def __float__(self) -> float:
        if isinstance(self.value, (int, float)):
            return float(self.value)
        text = str(self.value).replace("\u2212", "-")
        text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)  # thousands separators: 3,576,704
        m = _NUM.search(text)
        if m is None:
            raise ValueError(f"paper number {self.id!r} = {self.value!r} holds no number")
        return float(m.group())

    @property
    def x(self) -> float:
        """The value as a float (``float(self)``)."""
        return float(self)


@dataclass(frozen=True)
class Claim:
    """A claim: what it says, the comparison, test and metric that decide it, its minimal tier and premise.

    ``premise`` is the condition a run must meet for the claim to be testable (``None`` when the declaration says
    ``"none: <why>"``: no trained model is involved; ``premise_text`` keeps the declared words either way)."""

    id: str
    text: str
    comparison: str
    metric: str
    min_tier: str
    why: str
    numbers: tuple[str, ...] = ()
    tolerance: float | None = None
    source: str = ""
    note: str = ""
    test: str | None = None
    premise: str | None = None
    premise_text: str = ""
    margin: float | None = None
    margin_reason: str = ""
    tolerance_reason: str = ""
    family: str | None = None
    ours: bool = False
    both_ways_opt_out: str = ""
    needs: str = ""


@dataclass(frozen=True)
class SanityCheck:
    """A pipeline check (a file exists, a parameter count, a number we set ourselves): pass / fail, never a verdict."""

    id: str
    text: str
    why: str
    min_tier: str = "reduced"
    numbers: tuple[str, ...] = ()
    source: str = ""
    note: str = ""


@dataclass
class Paper:
    """The contents of one ``paper.yaml``."""

    path: Path
    citation: str = ""
    numbers: dict[str, PaperNumber] = field(default_factory=dict)
    claims: dict[str, Claim] = field(default_factory=dict)
    sanity: dict[str, SanityCheck] = field(default_factory=dict)

    def number(self, id: str) -> PaperNumber:
        return _lookup(self.numbers, id, "number", self.path)

    def claim(self, id: str) -> Claim:
        return _lookup(self.claims, id, "claim", self.path)

    def sanity_check(self, id: str) -> SanityCheck:
        return _lookup(self.sanity, id, "sanity check", self.path)


def paper_number(paper: Paper, id: str) -> PaperNumber:
    """The paper number ``id`` (KeyError naming the closest ids when it is not declared)."""
    return paper.number(id)


def claim(paper: Paper, id: str) -> Claim:
    """The claim ``id`` (KeyError naming the closest ids when it is not declared)."""
    return paper.claim(id)


def _lookup(d: dict, id: str, what: str, path: Path):
    if id in d:
        return d[id]
    close = difflib.get_close_matches(str(id), list(d), n=3)
    hint = f"; did you mean {', '.join(map(repr, close))}?" if close else f"; declared: {', '.join(d) or 'none'}"
    raise KeyError(f"no {what} {id!r} in {path}{hint}")


def _paper_path(where: str | Path) -> Path:
    p = Path(where)
    if p.suffix in (".yaml", ".yml"):
        return p
    if p.is_dir():
        return p / "paper.yaml"

    return chapters_dir() / str(where) / "paper.yaml"


def load_paper(chapter_dir: str | Path) -> Paper:
    """Read and validate ``paper.yaml`` of a chapter (its folder, the file itself, or the chapter name).

    Unknown keys, missing required keys, unknown tier or test names, a margin or tolerance without its reason (or
    missing where the test needs one) and a claim without a premise raise ValueError naming the file and the claim.
    """
    path = _paper_path(chapter_dir)
    if not path.exists():
        raise FileNotFoundError(f"no paper.yaml at {path}")
    try:
        raw = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as e:
        raise ValueError(f"{path}: not valid YAML: {e}") from None
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: expected a mapping with keys {sorted(TOP_KEYS)}")
    _keys(raw, {k: False for k in TOP_KEYS}, path, "top level")
    if "sanity" not in raw:
        raise ValueError(
            f"{path}: no top-level 'sanity:' (pipeline checks, pass/fail; write 'sanity: {{}}' when there are none): "
            "claims and sanity checks are kept apart"
        )
    numbers = {}
    for nid, spec in _section(raw, "numbers", path).items():
        where = f"number {nid!r}"
        _keys(spec, NUMBER_KEYS, path, where)
        value = spec["value"]
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise ValueError(f"{path}: {where}: value must be a number or a verbatim string, got {value!r}")
        numbers[str(nid)] = PaperNumber(
            str(nid), value, str(spec["source"]), str(spec.get("note", "")), str(spec.get("unit", ""))
        )
    claims = {str(cid): _claim(str(cid), spec, numbers, path) for cid, spec in _section(raw, "claims", path).items()}
    sanity = {}
    for sid, spec in _section(raw, "sanity", path).items():
        where = f"sanity check {sid!r}"
        if str(sid) in claims:
            raise ValueError(f"{path}: {where}: the id is also a claim; an id is either a claim or a sanity check")
        _keys(spec, SANITY_KEYS, path, where)
        tier = spec.get("min_tier", "reduced")
        if tier not in TIERS:
            raise ValueError(f"{path}: {where}: unknown min_tier {tier!r}; valid tiers: {', '.join(TIERS)}")
        sanity[str(sid)] = SanityCheck(
            str(sid),
            _text(spec, "text", path, where),
            _text(spec, "why", path, where),
            tier,
            _refs(spec, numbers, path, where),
            str(spec.get("source", "")),
            str(spec.get("note", "")),
        )
    return Paper(path, str(raw.get("paper", "")), numbers, claims, sanity)


def _claim(cid: str, spec, numbers: dict, path: Path) -> Claim:
    where = f"claim {cid!r}"
    _keys(spec, CLAIM_KEYS, path, where)
    if spec["min_tier"] not in TIERS:
        raise ValueError(f"{path}: {where}: unknown min_tier {spec['min_tier']!r}; valid tiers: {', '.join(TIERS)}")
    refs = _refs(spec, numbers, path, where)
    text, comparison, metric, why = (_text(spec, k, path, where) for k in ("text", "comparison", "metric", "why"))
    test = spec.get("test")
    if test is not None and test not in TESTS:
        raise ValueError(f"{path}: {where}: unknown test {test!r}; valid tests: {', '.join(TESTS)}")
    tol = _number(spec, "tolerance", path, where, positive=False)
    margin = _number(spec, "margin", path, where, positive=True)
    for key, val in (("margin", margin), ("tolerance", tol)):
        reason = spec.get(f"{key}_reason")
        if reason is not None and (not isinstance(reason, str) or not reason.strip()):
            raise ValueError(f"{path}: {where}: {key}_reason must be a non-empty string")
        if reason is not None and val is None:
            raise ValueError(f"{path}: {where}: {key}_reason given without {key}")
        if val is not None and reason is None:
            raise ValueError(f"{path}: {where}: {key} {val:g} needs {key}_reason (why this {key})")
    if test in MARGIN_TESTS and margin is None:
        raise ValueError(f"{path}: {where}: test {test!r} needs margin (with margin_reason)")
    if margin is not None and test not in MARGIN_TESTS:
        raise ValueError(f"{path}: {where}: margin only applies to {' / '.join(MARGIN_TESTS)}, not test {test!r}")
    if test == "tolerance" and tol is None:
        raise ValueError(f"{path}: {where}: test 'tolerance' needs tolerance (with tolerance_reason)")
    if tol is not None and test not in ("tolerance", None):
        raise ValueError(f"{path}: {where}: tolerance only applies to test 'tolerance', not {test!r}")
    fam = spec.get("family")
    if fam is not None and fam not in FAMILY_RULES:
        raise ValueError(f"{path}: {where}: family must be 'all' or 'any', got {fam!r}")
    ours = spec.get("ours", False)
    if not isinstance(ours, bool):
        raise ValueError(f"{path}: {where}: ours must be true or false, got {ours!r}")
    premise_text = _text(spec, "premise", path, where) if "premise" in spec else ""
    premise = premise_text or None
    if premise_text.lower().startswith("none"):
        reason = premise_text[4:].lstrip(" :").strip()
        if not premise_text[4:].lstrip().startswith(":") or not reason:
            raise ValueError(
                f"{path}: {where}: premise {premise_text!r}: write 'none: <why no trained model is involved>'"
            )
        premise = None
    opt = {k: _text(spec, k, path, where) if k in spec else "" for k in ("margin_reason", "tolerance_reason")}
    opt |= {k: _text(spec, k, path, where) if k in spec else "" for k in ("both_ways_opt_out", "needs")}
    return Claim(
        cid,
        text,
        comparison,
        metric,
        spec["min_tier"],
        why,
        refs,
        tol,
        str(spec.get("source", "")),
        str(spec.get("note", "")),
        test=test,
        premise=premise,
        premise_text=premise_text,
        margin=margin,
        family=fam,
        ours=ours,
        **opt,
    )


def _refs(spec: dict, numbers: dict, path: Path, where: str) -> tuple[str, ...]:
    refs = spec.get("numbers") or []
    if isinstance(refs, str):
        refs = [refs]
    missing = [r for r in refs if r not in numbers]
    if missing:
        raise ValueError(f"{path}: {where}: refers to undeclared number(s) {', '.join(map(repr, missing))}")
    return tuple(refs)


def _text(spec: dict, key: str, path: Path, where: str) -> str:
    v = spec[key]
    if not isinstance(v, str) or not v.strip():
        raise ValueError(f"{path}: {where}: {key} must be a non-empty string")
    return v.strip()


def _number(spec: dict, key: str, path: Path, where: str, positive: bool) -> float | None:
    v = spec.get(key)
    if v is None:
        return None
    number = isinstance(v, (int, float)) and not isinstance(v, bool)
    if not (number and math.isfinite(v) and (v > 0 if positive else v >= 0)):
        raise ValueError(f"{path}: {where}: {key} must be a number {'> 0' if positive else '>= 0'}, got {v!r}")
    return float(v)


def _section(raw: dict, name: str, path: Path) -> dict:
    sec = raw.get(name) or {}
    if not isinstance(sec, dict):
        raise ValueError(f"{path}: {name} must be a mapping of id -> fields")
    return sec


def _keys(spec, allowed: dict[str, bool], path: Path, where: str) -> None:
    if not isinstance(spec, dict):
        raise ValueError(f"{path}: {where}: expected a mapping, got {spec!r}")
    unknown = [k for k in spec if k not in allowed]
    if unknown:
        hints = []
        for k in unknown:
            m = difflib.get_close_matches(str(k), allowed, 1)
            hints.append(f"{k!r}" + (f" (did you mean {m[0]!r}?)" if m else ""))
        raise ValueError(f"{path}: {where}: unknown key(s) {', '.join(hints)}; allowed: {', '.join(allowed)}")
    missing = [k for k, req in allowed.items() if req and k not in spec]
    if missing:
        raise ValueError(f"{path}: {where}: missing required key(s) {', '.join(missing)}")

"""A paper's numbers and headline claims, declared once as data in ``chapters/<chapter>/paper.yaml``::

    paper: "Zhu et al. 2017, Unpaired Image-to-Image Translation (CycleGAN)"   # optional
    numbers:
      fid_monet:
        value: "42.49448"              # verbatim, as printed (a string keeps its digits)
        source: "Table 3.1, p. 12"     # table / figure / page
        note: "public leaderboard"     # optional
    claims:
      cycle_beats_no_cycle:
        text: "the cycle loss lowers FID"
        comparison: "A < B"            # A < B, A > B, within, monotone, ...
        metric: "FID (TF-Inception)"
        min_tier: cpu                  # the smallest tier at which the claim is testable
        why: "a direction between two arms of one recipe shows at 64²"
        numbers: [fid_monet]           # optional: the paper numbers the claim rests on
        tolerance: 0.05                # optional: for 'within' claims

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

TOP_KEYS = {"paper", "numbers", "claims"}
NUMBER_KEYS = {"value": True, "source": True, "note": False, "unit": False}  # key -> required
CLAIM_KEYS = {
    "text": True,
    "comparison": True,
    "metric": True,
    "min_tier": True,
    "why": True,
    "numbers": False,
    "tolerance": False,
    "source": False,
    "note": False,
}
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
    """A headline claim: what it says, the comparison and metric that test it, and its minimal tier."""

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


@dataclass
class Paper:
    """The contents of one ``paper.yaml``."""

    path: Path
    citation: str = ""
    numbers: dict[str, PaperNumber] = field(default_factory=dict)
    claims: dict[str, Claim] = field(default_factory=dict)

    def number(self, id: str) -> PaperNumber:
        return _lookup(self.numbers, id, "number", self.path)

    def claim(self, id: str) -> Claim:
        return _lookup(self.claims, id, "claim", self.path)


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

    Unknown keys, missing required keys and unknown tier names raise ValueError naming the file.
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
    claims = {}
    for cid, spec in _section(raw, "claims", path).items():
        where = f"claim {cid!r}"
        _keys(spec, CLAIM_KEYS, path, where)
        if spec["min_tier"] not in TIERS:
            raise ValueError(f"{path}: {where}: unknown min_tier {spec['min_tier']!r}; valid tiers: {', '.join(TIERS)}")
        refs = spec.get("numbers") or []
        if isinstance(refs, str):
            refs = [refs]
        missing = [r for r in refs if r not in numbers]
        if missing:
            raise ValueError(f"{path}: {where}: refers to undeclared number(s) {', '.join(map(repr, missing))}")
        tol = spec.get("tolerance")
        number = isinstance(tol, (int, float)) and not isinstance(tol, bool)
        if tol is not None and not (number and math.isfinite(tol) and tol >= 0):
            raise ValueError(f"{path}: {where}: tolerance must be a number >= 0, got {tol!r}")
        for k in ("text", "comparison", "metric", "why"):
            if not isinstance(spec[k], str) or not spec[k].strip():
                raise ValueError(f"{path}: {where}: {k} must be a non-empty string")
        text, comparison, metric, why = (spec[k].strip() for k in ("text", "comparison", "metric", "why"))
        claims[str(cid)] = Claim(
            str(cid),
            text,
            comparison,
            metric,
            spec["min_tier"],
            why,
            tuple(refs),
            None if tol is None else float(tol),
            str(spec.get("source", "")),
            str(spec.get("note", "")),
        )
    return Paper(path, str(raw.get("paper", "")), numbers, claims)


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

"""Every claim of every chapter can come out both ways: for each claim declared in a ``paper.yaml``, synthetic
metrics fed to its real check code give 'replicated', 'not replicated' and 'inconclusive' (see
``tests/both_ways/__init__.py`` for the case files). Run with ``-s`` to see how many claims were enumerated."""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

import pytest

from genrep.paths import chapters_dir
from genrep.report import DECISIONS, Check, Comparison, load_paper
from genrep.runner.chapters import list_chapters

CASES_DIR = Path(__file__).resolve().parent / "both_ways"


def _papers() -> dict[str, object]:
    root = chapters_dir()
    return {ch: load_paper(root / ch) for ch in list_chapters(root) if (root / ch / "paper.yaml").exists()}


def _cases(chapter: str) -> dict:
    path = CASES_DIR / f"{chapter}.py"
    if not path.exists():
        return {}
    module = importlib.import_module(f"tests.both_ways.{chapter}")
    cases = getattr(module, "CASES", None)
    if not isinstance(cases, dict):
        raise AssertionError(f"{path} must define CASES = {{claim_id: {{decision: callable | reason}}}}")
    return cases


PAPERS = _papers()
CLAIMS = [(ch, cid) for ch, paper in PAPERS.items() for cid in paper.claims]


def _decision(result) -> tuple[str | None, str | None]:
    if isinstance(result, Comparison):
        return result.decision, result.test or None
    if isinstance(result, Check):
        return result.outcome, result.test
    raise AssertionError(f"a case must return a Comparison or a Check, got {type(result).__name__}")


@pytest.mark.parametrize("chapter, cid", CLAIMS, ids=[f"{ch}:{cid}" for ch, cid in CLAIMS])
def test_every_claim_can_go_both_ways(chapter, cid):
    paper = PAPERS[chapter]
    claim = paper.claim(cid)
    if claim.both_ways_opt_out:
        return  # the written reason is stored in paper.yaml and shown on the claim's page
    cases = _cases(chapter).get(cid)
    where = f"{chapter}:{cid} (tests/both_ways/{chapter}.py)"
    assert cases, f"{where}: no both-ways cases; add them, or declare both_ways_opt_out with a reason in paper.yaml"
    unknown = set(cases) - set(DECISIONS)
    assert not unknown, f"{where}: unknown decision(s) {sorted(unknown)}; valid: {', '.join(DECISIONS)}"
    assert callable(cases.get("replicated")), f"{where}: needs a 'replicated' case"
    for decision in DECISIONS:
        case = cases.get(decision)
        assert case is not None, f"{where}: no {decision!r} case (a callable, or a string saying why it cannot arise)"
        if isinstance(case, str):
            assert case.strip(), f"{where}: the reason why {decision!r} cannot arise is empty"
            continue
        got, test = _decision(case())
        assert got == decision, f"{where}: the {decision!r} case came out {got!r}"
        assert test == claim.test, f"{where}: the {decision!r} case used {test!r}; the claim declares {claim.test!r}"


@pytest.mark.parametrize("chapter", sorted(PAPERS))
def test_case_files_name_only_declared_claims(chapter):
    cases = _cases(chapter)
    undeclared = sorted(set(cases) - set(PAPERS[chapter].claims))
    assert not undeclared, f"tests/both_ways/{chapter}.py names claims not declared in paper.yaml: {undeclared}"
    sanity = sorted(set(cases) & set(PAPERS[chapter].sanity))
    assert not sanity, f"tests/both_ways/{chapter}.py gives cases for sanity checks {sanity}: only claims have verdicts"


def test_case_files_belong_to_a_chapter():
    orphans = sorted(p.stem for p in CASES_DIR.glob("*.py") if p.stem != "__init__" and p.stem not in PAPERS)
    assert not orphans, f"tests/both_ways holds case files for unknown chapters: {orphans}"


def test_claims_are_enumerated(capsys):
    """Prints how many claims the both-ways test enumerates (visible with ``pytest -s``)."""
    assert len(CLAIMS) == sum(len(p.claims) for p in PAPERS.values()) and len(PAPERS) == len(list_chapters())
    with capsys.disabled():
        print(f"\nboth-ways: {len(CLAIMS)} claims in {len(PAPERS)} chapters")

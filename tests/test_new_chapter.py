"""``genrep new-chapter``: the skeleton it writes loads, lints, goes both ways, and runs at the reduced tier.

Every test works in a throwaway project root (``GENREP_ROOT``) holding a copy of ``lib/`` (the skeleton writes
``lib/genrep/report/papers/<name>.py``, which the runs must import) and the tests' scaffolding, so the repository's
own chapters, library and tests are never touched."""

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from genrep.cli import main
from genrep.report import DECISIONS, Check, Comparison, load_paper
from genrep.runner.chapters import ConfigError, load_chapter
from genrep.runner.newchapter import FILES, check_name, new_chapter

REPO = Path(__file__).resolve().parents[1]
PAPER = 'A. O\'Brien and B. Écrivain (2024), *A "quoted" title: with a colon*, Some Venue'
# the repository's tests that check every chapter: run on the skeleton after its reduced run
REPO_TESTS = ("test_both_ways", "test_results_current", "test_paper_items")
SKELETON = [
    "chapters/demo/chapter.yaml",
    "chapters/demo/paper.yaml",
    "chapters/demo/tiers/reduced.yaml",
    "chapters/demo/tiers/cpu.yaml",
    "chapters/demo/tiers/budget.yaml",
    "chapters/demo/tiers/full.yaml",
    "chapters/demo/01_data.py",
    "chapters/demo/02_train.py",
    "chapters/demo/03_summary.py",
    "lib/genrep/report/papers/demo.py",
    "tests/test_demo.py",
    "tests/both_ways/demo.py",
]


@pytest.fixture
def root(tmp_path, monkeypatch):
    """A throwaway project: pyproject.toml (ruff's settings), a copy of lib/, tests/ with its package files."""
    r = tmp_path / "root"
    r.mkdir()
    shutil.copy2(REPO / "pyproject.toml", r)
    shutil.copytree(REPO / "lib", r / "lib", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    (r / "tests" / "both_ways").mkdir(parents=True)
    for rel in ("tests/__init__.py", "tests/conftest.py", "tests/test_both_ways.py", "tests/both_ways/__init__.py"):
        shutil.copy2(REPO / rel, r / rel)
    (r / "chapters").mkdir()
    (r / "book").mkdir()
    for var in ("GENREP_CHAPTERS", "GENREP_RESULTS", "GENREP_RUNS", "GENREP_BOOK"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("GENREP_ROOT", str(r))
    monkeypatch.setenv("GENREP_DATA", str(tmp_path / "nodata"))
    monkeypatch.chdir(r)
    return r


def _env(root: Path) -> dict:
    """The environment of a subprocess that imports genrep (and the skeleton's module) from the root's copy."""
    return {**os.environ, "PYTHONPATH": str(root / "lib"), "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


def test_the_skeleton_is_what_the_loaders_and_the_runner_accept(root):
    before = _tree(root)
    written = new_chapter("demo", PAPER)
    assert sorted(str(w.path.relative_to(root)) for w in written) == sorted(SKELETON)
    assert _tree(root) - before == set(SKELETON)
    assert all(w.lines == len(w.path.read_text().splitlines()) > 0 for w in written)
    assert len(FILES) == len(SKELETON)

    meta = yaml.safe_load((root / "chapters/demo/chapter.yaml").read_text())
    assert meta["paper"] == PAPER and meta["title"] == "Demo"
    paper = load_paper(root / "chapters" / "demo")
    assert paper.citation == PAPER
    claim = paper.claim("beats_chance")
    assert claim.test == "superiority" and claim.premise and claim.min_tier == "cpu" and claim.ours
    assert list(paper.sanity) == ["splits_disjoint"]

    chapter = load_chapter("demo")
    assert chapter.tiers() == ["reduced", "cpu", "budget", "full"]
    plans = {t: [a.id for a in chapter.plan(t)] for t in chapter.tiers()}
    assert plans["reduced"] == ["01_data", "02_train", "03_summary"]
    assert plans["cpu"] == ["01_data", "02_train-seed0", "02_train-seed1", "02_train-seed2", "03_summary"]
    assert chapter.tier_threads("reduced") == 1
    for name in ("01_data", "02_train", "03_summary"):
        src = (root / "chapters" / "demo" / f"{name}.py").read_text()
        assert src.count('tags=["parameters"]') == 1 and "{{" not in src
    assert "start_notebook(" in (root / "chapters/demo/02_train.py").read_text()
    assert "train_loop(" in (root / "chapters/demo/02_train.py").read_text()
    assert "apply_update(" in (root / "chapters/demo/02_train.py").read_text()


def test_the_skeleton_passes_ruff(root):
    new_chapter("demo", PAPER, title="A demo: its title")
    ruff = Path(sys.executable).with_name("ruff")
    if not ruff.exists():
        pytest.skip("ruff is not installed beside this Python")
    files = [p for p in SKELETON if p.endswith(".py")]
    for args in (["check", "--no-cache"], ["format", "--check", "--no-cache"]):
        r = subprocess.run([str(ruff), *args, *files], cwd=root, capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.parametrize("name", ["Demo", "2demo", "demo-2", "de mo", "", "class", "_demo", "x" * 41])
def test_invalid_names_are_refused_before_anything_is_written(root, name, capsys):
    before = _tree(root)
    with pytest.raises(ConfigError, match="invalid chapter name"):
        check_name(name)
    assert main(["new-chapter", name, "--paper", PAPER]) == 2
    assert "error: invalid chapter name" in capsys.readouterr().err
    assert _tree(root) == before


def test_an_existing_chapter_or_file_is_refused_and_nothing_is_written(root, capsys):
    new_chapter("demo", PAPER)
    before = {p: (root / p).read_bytes() for p in _tree(root)}
    assert main(["new-chapter", "demo", "--paper", "another paper"]) == 2
    assert "chapter 'demo' already exists" in capsys.readouterr().err
    assert {p: (root / p).read_bytes() for p in _tree(root)} == before

    (root / "tests" / "test_other.py").write_text("# someone's tests\n")
    with pytest.raises(ConfigError, match="already exist, so nothing was written.*test_other.py"):
        new_chapter("other", PAPER)
    assert not (root / "chapters" / "other").exists()
    assert not (root / "lib/genrep/report/papers/other.py").exists()
    with pytest.raises(ConfigError, match="--paper must name the paper"):
        new_chapter("third", "  ")
    assert not (root / "chapters" / "third").exists()


def _load(name: str, path: Path, monkeypatch):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, name, module)
    spec.loader.exec_module(module)
    return module


def test_the_example_claim_comes_out_every_way(root, monkeypatch):
    """The logic of tests/test_both_ways.py on the skeleton's case file, in this process: the generated decision
    module is imported as genrep.report.papers.demo."""
    import genrep.report.papers as papers

    new_chapter("demo", PAPER)
    module = _load("genrep.report.papers.demo", root / "lib/genrep/report/papers/demo.py", monkeypatch)
    monkeypatch.setattr(papers, "demo", module, raising=False)
    cases = _load("skeleton_both_ways_demo", root / "tests/both_ways/demo.py", monkeypatch).CASES
    paper = load_paper(root / "chapters" / "demo")
    assert set(cases) == set(paper.claims)
    for cid, by_decision in cases.items():
        assert set(by_decision) == set(DECISIONS), cid
        for decision, case in by_decision.items():
            result = case()
            got = result.decision if isinstance(result, Comparison) else result.outcome
            test = result.test if isinstance(result, (Comparison, Check)) else None
            assert (got, test) == (decision, paper.claim(cid).test), (cid, decision)
    premise, met = module.fits_premise([0.9, 0.2])
    assert met is False and "0.200" in premise


@pytest.mark.slow
def test_make_new_chapter_passes_the_paper_through_untouched(root):
    make = shutil.which("make")
    if make is None or not (REPO / ".venv" / "bin" / "python").exists():
        pytest.skip("needs make and the repository's .venv")
    paper = 'C. D\'Arcy & E. "Quote" (2025): a title; with; semicolons'
    r = subprocess.run(
        [make, "-C", str(REPO), "-o", ".venv/.installed", "new-chapter", "NAME=via_make", f"PAPER={paper}"],
        capture_output=True,
        text=True,
        env=_env(root),
        timeout=300,
    )
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert "wrote chapter 'via_make': 12 files" in r.stdout
    assert load_paper(root / "chapters" / "via_make").citation == paper
    assert not (REPO / "chapters" / "via_make").exists()


@pytest.mark.slow
def test_the_skeleton_replicates_at_reduced_and_its_tests_pass(root):
    """What the issue asks of a new chapter: it runs at reduced as written (the claim 'not testable at this tier',
    the sanity check passing), its results are current, and its own tests and the both-ways test pass."""
    new_chapter("demo", PAPER)
    env = _env(root)
    cli = [sys.executable, "-m", "genrep"]
    r = subprocess.run(
        [*cli, "replicate", "demo", "--no-stage-data"], cwd=root, env=env, capture_output=True, text=True, timeout=900
    )
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert "all 3 arm(s) ok" in r.stdout
    checks = json.loads((root / "results/demo/reduced/03_summary/checks.json").read_text())
    by_id = {c["claim_id"]: c for c in checks["checks"]}
    assert set(by_id) == {"beats_chance", "splits_disjoint"}
    claim, sanity = by_id["beats_chance"], by_id["splits_disjoint"]
    assert claim["kind"] == "claim" and claim["verdict"] == "not testable at this tier" and not claim["counted"]
    assert claim["test"] == "superiority" and claim["outcome"] == "inconclusive"  # one seed: no interval
    assert claim["premise"]["text"].startswith("the model fits its training data")
    assert sanity["kind"] == "sanity" and sanity["ok"] is True and sanity["verdict"] == "pass"
    metrics = json.loads((root / "results/demo/reduced/02_train/metrics.json").read_text())
    assert metrics["test_accuracy"] > metrics["chance"]  # the example model learns at reduced too
    assert (root / "book/demo/03_summary.ipynb").is_file()

    status = subprocess.run([*cli, "status", "demo", "--tier", "reduced"], cwd=root, env=env, capture_output=True)
    assert status.returncode == 0, status.stdout.decode()[-2000:]
    suite = [f"tests/{t}.py" for t in REPO_TESTS if (REPO / "tests" / f"{t}.py").exists()]
    for rel in suite:
        shutil.copy2(REPO / rel, root / rel)
    pytest_args = ["tests/test_demo.py", *suite, "-k", "demo", "-q", "-p", "no:cacheprovider"]  # the chapter's cases
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", *pytest_args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert tests.returncode == 0, tests.stdout[-3000:] + tests.stderr[-3000:]
    passed = re.search(r"(\d+) passed", tests.stdout)
    assert passed and int(passed.group(1)) >= 4 + len(suite) and "failed" not in tests.stdout, tests.stdout[-2000:]

"""The install story: environment.yml mirrors pyproject.toml; Makefile and CI call what the README says."""

import re
from pathlib import Path

import tomllib
import yaml

REPO = Path(__file__).resolve().parents[1]


def _names(reqs):
    return {re.split(r"[<>=!\[ ]", r.strip(), maxsplit=1)[0].lower() for r in reqs if not r.startswith("-e")}


def test_environment_yml_matches_pyproject():
    py = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    want = {r.lower() for r in py["dependencies"] + py["optional-dependencies"]["test"]}
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    have = {r.lower() for r in pip if not r.startswith("-e")}
    assert have == want, f"only in environment.yml: {have - want}; only in pyproject: {want - have}"
    assert "-e ." in pip


def test_readme_commands_exist_in_makefile_and_ci():
    readme = (REPO / "README.md").read_text()
    top = readme[: readme.index("## Everyday commands")]
    assert "make replicate CHAPTER=cyclegan_monet" in top and "make test" in top
    mk = (REPO / "Makefile").read_text()
    for target in ("install", "data", "replicate", "test", "book"):
        assert re.search(rf"^{target}:", mk, re.M), target
    assert re.search(r"^replicate: install", mk, re.M) and re.search(r"^test: install", mk, re.M)
    assert "make test" in (REPO / ".ci" / "run").read_text()


def test_book_config_does_not_execute_notebooks():
    cfg = yaml.safe_load((REPO / "_config.yml").read_text())
    assert cfg["execute"]["execute_notebooks"] == "off"
    assert cfg["only_build_toc_files"] is True


def test_gitignore_keeps_data_and_checkpoints_out():
    ig = (REPO / ".gitignore").read_text().split()
    for p in ("/data/", "/runs/", "/.venv/", "/_build/"):
        assert p in ig


def test_every_chapter_has_three_tiers_and_valid_plans():
    from genrep.report import TIERS
    from genrep.runner import list_chapters, load_chapter

    chapters = list_chapters(REPO / "chapters")
    assert "metrics" in chapters
    for name in chapters:
        ch = load_chapter(name, REPO / "chapters")
        tiers = ch.tiers()  # in TIERS order; the cpu tier may still be missing or empty of arms
        assert {"reduced", "budget", "full"} <= set(tiers) and set(tiers) <= set(TIERS), name
        for t in tiers:
            assert ch.plan(t) or t == "cpu", (name, t)


def test_the_layer_contract_fails_on_an_upward_import(tmp_path):
    """`lint-imports` (in `make test`) keeps the layers of pyproject.toml: the library as it is passes, and a
    copy where the bottom layer imports the report layer fails, naming both modules."""
    import shutil
    import subprocess
    import sys

    exe = Path(sys.executable).with_name("lint-imports")
    cfg = str(REPO / "pyproject.toml")

    def lint(root: Path) -> subprocess.CompletedProcess:
        env = {"PYTHONPATH": str(root), "PATH": str(exe.parent), "HOME": str(tmp_path)}
        return subprocess.run(
            [str(exe), "--config", cfg, "--no-cache"],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=300,
        )

    ok = lint(REPO / "lib")
    assert ok.returncode == 0 and "broken" in ok.stdout and "0 broken" in ok.stdout, ok.stdout + ok.stderr
    copy = tmp_path / "lib"
    shutil.copytree(REPO / "lib" / "genrep", copy / "genrep", ignore=shutil.ignore_patterns("__pycache__", "assets"))
    seed = copy / "genrep" / "runtime" / "seed.py"
    seed.write_text(seed.read_text() + "\nfrom genrep.report import tables  # noqa: E402,F401\n")
    bad = lint(copy)
    assert bad.returncode != 0 and "1 broken" in bad.stdout, bad.stdout + bad.stderr
    assert "genrep.runtime.seed -> genrep.report.tables" in bad.stdout

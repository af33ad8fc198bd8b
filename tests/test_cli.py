"""CLI tests on the fixture chapter `toy`: bad names, the cache, failures, resume, publishing, --jobs."""

import json
import os
import signal
import subprocess
import sys
import time

import nbformat
import pytest

from genrep.cli import main

from .conftest import run_cli
from .test_runner import library_copy  # noqa: F401 (autouse: modules are hashed from a private copy)


def _metrics(root, arm, tier="reduced"):
    return json.loads((root / "results" / "toy" / tier / arm / "metrics.json").read_text())


@pytest.mark.parametrize(
    "argv, expect",
    [
        (["replicate", "nosuch"], "unknown chapter 'nosuch'"),
        (["replicate", "toy", "--config", "budgett"], "unknown tier 'budgett'"),
        (["replicate", "toy", "--notebook", "01_trian"], "Did you mean '01_train'"),
        (["replicate", "toy", "--set", "stpes=3"], "unknown parameter 'stpes'"),
    ],
)
def test_bad_names_are_rejected_before_anything_runs(toy_root, capsys, argv, expect):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert expect in err and "Valid:" in err
    assert not (toy_root / "results").exists() and not (toy_root / "runs").exists()


def test_typo_in_tier_file_is_rejected(toy_root, capsys):
    tier = toy_root / "chapters" / "toy" / "tiers" / "reduced.yaml"
    tier.write_text(tier.read_text().replace("steps: 60", "step: 60"))
    assert main(["replicate", "toy"]) == 2
    assert "unknown parameter 'step' for notebook 01_train" in capsys.readouterr().err


def test_replicate_then_cache_hit_then_lib_change(toy_root, capsys, library_copy):  # noqa: F811
    assert main(["replicate", "toy"]) == 0
    out = capsys.readouterr().out
    assert "[1/2] 01_train: done in" in out and "[2/2] 02_summary: done in" in out
    res = toy_root / "results" / "toy" / "reduced"
    for f in [
        "01_train/run.json",
        "01_train/metrics.json",
        "02_summary/table_toy.csv",
        "02_summary/weights.png",
        "02_summary/checks.json",
    ]:
        assert (res / f).exists(), f
    run = json.loads((res / "01_train" / "run.json").read_text())
    assert run["status"] == "ok" and run["tier"] == "reduced" and run["params"]["steps"] == 60
    assert {"genrep_hash", "git", "device", "torch", "wall_s", "data", "seed"} <= set(run)
    assert _metrics(toy_root, "01_train")["final_loss"] < 0.1
    # executed notebook in the book: parameters shown once as a table, default cells hidden
    nb = nbformat.read(toy_root / "book" / "toy" / "01_train.ipynb", as_version=4)
    tagged = [c.metadata.get("tags", []) for c in nb.cells]
    assert sum("run-parameters" in t for t in tagged) == 1
    assert all("remove-cell" in t for t in tagged if "parameters" in t or "injected-parameters" in t)
    assert json.loads((toy_root / "book" / "toy" / "published.json").read_text())["tier"] == "reduced"
    assert "book/toy/01_train" in (toy_root / "_toc.yml").read_text()
    # nothing changed: both arms cached, in seconds
    t0 = time.time()
    assert main(["replicate", "toy"]) == 0
    out = capsys.readouterr().out
    assert out.count(": cached") == 2 and "running" not in out
    assert time.time() - t0 < 20
    # a comment is not a change; code is: it re-runs the arms whose kernels imported the module (here: both)
    tables = library_copy / "report" / "tables.py"
    tables.write_text(tables.read_text() + "\n# edited\n")
    assert main(["replicate", "toy"]) == 0
    assert "running" not in capsys.readouterr().out
    tables.write_text(tables.read_text() + "\n_EDITED = True\n")
    assert main(["replicate", "toy"]) == 0
    out = capsys.readouterr().out
    assert "01_train: running (genrep/report/tables.py changed)" in out and "02_summary: done in" in out


def test_editing_a_notebook_reruns_it_and_its_dependents(toy_root, capsys):
    assert main(["replicate", "toy"]) == 0
    capsys.readouterr()
    nb = toy_root / "chapters" / "toy" / "01_train.py"
    nb.write_text(nb.read_text() + "\n# %%\nprint('edited')\n")
    assert main(["replicate", "toy"]) == 0
    out = capsys.readouterr().out
    assert "01_train: done" in out and "02_summary: done" in out


def test_failing_arm_reports_notebook_and_keeps_finished(toy_root, capsys):
    assert main(["replicate", "toy", "--set", "lr=1e6"]) == 1  # diverges: the NaN guard stops it
    out = capsys.readouterr().out
    assert "01_train: FAILED" in out and "NonFiniteError" in out
    assert "executed notebook: runs/toy/reduced/01_train.failed.ipynb" in out
    assert "02_summary: skipped" in out
    assert (toy_root / "runs" / "toy" / "reduced" / "01_train.failed.ipynb").exists()
    assert not (toy_root / "runs" / "toy" / "reduced" / "01_train.ipynb").exists()
    res = toy_root / "results" / "toy" / "reduced" / "01_train"
    assert not (res / "run.json").exists()  # nothing ran before: no results, only the failure record
    fail = json.loads((res / "last_failure.json").read_text())
    assert fail["status"] == "failed" and "NonFiniteError" in fail["error"]
    assert fail["executed_notebook"] == "runs/toy/reduced/01_train.failed.ipynb"


def test_interrupted_run_resumes_to_the_same_result(toy_root, tmp_path):
    env = {"GENREP_ROOT": str(toy_root), "GENREP_DATA": str(tmp_path / "nodata")}
    args = ["replicate", "toy", "--notebook", "01_train", "--set", "step_sleep=0.1", "--set", "steps=40"]
    p = subprocess.Popen(
        [sys.executable, "-m", "genrep", *args],
        env={**os.environ, **env},
        cwd=toy_root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    ckpt = toy_root / "runs" / "toy" / "reduced" / "01_train" / "ckpt.pt"
    deadline = time.time() + 120
    while not ckpt.exists() and time.time() < deadline and p.poll() is None:
        time.sleep(0.2)
    assert ckpt.exists(), p.stdout.read().decode()[-3000:]
    time.sleep(0.6)
    os.killpg(p.pid, signal.SIGKILL)  # as abrupt as a lost machine: no chance to save anything
    p.wait()
    last = None  # the orphaned kernel notices its parent is gone and exits; wait until it stops writing
    while last != ckpt.stat().st_mtime:
        last = ckpt.stat().st_mtime
        time.sleep(2.0)
    assert not (toy_root / "results" / "toy" / "reduced" / "01_train" / "metrics.json").exists()
    assert list((toy_root / "results" / "toy" / "reduced").glob(".01_train.tmp-*"))  # the killed run's temp
    r = run_cli(*args, env=env, cwd=toy_root)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "the run resumes from it" in r.stdout, r.stdout
    assert not list((toy_root / "results" / "toy" / "reduced").glob(".*"))  # leftovers cleaned
    executed = (toy_root / "runs" / "toy" / "reduced" / "01_train.ipynb").read_text()
    assert "resumed from step" in executed
    resumed = _metrics(toy_root, "01_train")
    r = run_cli(*args, "--force", env=env, cwd=toy_root)  # unbroken run of the same configuration
    assert r.returncode == 0, r.stdout + r.stderr
    assert "resumed from step" not in (toy_root / "runs" / "toy" / "reduced" / "01_train.ipynb").read_text()
    assert _metrics(toy_root, "01_train") == resumed


def test_jobs_and_published_tier(toy_root, capsys):
    assert main(["replicate", "toy", "--config", "budget", "--jobs", "2"]) == 0
    out = capsys.readouterr().out
    assert "01_train-a: done" in out and "01_train-b: done" in out
    a, b = _metrics(toy_root, "01_train-a", "budget"), _metrics(toy_root, "01_train-b", "budget")
    assert a["weight"] != b["weight"]  # two learning rates, two results
    assert (toy_root / "runs" / "toy" / "budget" / "01_train-a.log").exists()
    # a reduced run afterwards must not overwrite the budget notebooks in the book
    assert main(["replicate", "toy"]) == 0
    out = capsys.readouterr().out
    assert "shows the budget tier" in out
    assert json.loads((toy_root / "book" / "toy" / "published.json").read_text())["tier"] == "budget"
    assert (toy_root / "book" / "toy" / "01_train-a.ipynb").exists()
    assert not (toy_root / "book" / "toy" / "01_train.ipynb").exists()


def test_list_and_unknown_command(toy_root):
    r = run_cli("list", env={"GENREP_ROOT": str(toy_root)})
    assert r.returncode == 0 and "toy" in r.stdout and "budget" in r.stdout
    r = run_cli("frobnicate")
    assert r.returncode != 0 and "invalid choice" in r.stderr


def test_filtered_runs_share_keys_and_need_their_inputs(toy_root, capsys):
    assert main(["replicate", "toy", "--notebook", "02_summary"]) == 1  # its input has not run yet
    assert "02_summary: skipped (needs 01_train" in capsys.readouterr().out
    assert main(["replicate", "toy", "--notebook", "01_train"]) == 0
    out = capsys.readouterr().out
    assert "book/toy not updated" in out and not (toy_root / "book" / "toy" / "published.json").exists()
    assert main(["replicate", "toy"]) == 0  # only the summary is left to run, then the chapter is published
    out = capsys.readouterr().out
    assert "01_train: cached" in out and "02_summary: done" in out
    assert main(["replicate", "toy", "--notebook", "02_summary"]) == 0
    assert "02_summary: cached" in capsys.readouterr().out  # same key as in the full run
    pub = json.loads((toy_root / "book" / "toy" / "published.json").read_text())
    assert pub["arms"] == ["01_train", "02_summary"]


def test_make_data_strict_fails_with_the_fix_when_a_dataset_is_missing(tmp_path, monkeypatch, capsys):
    import genrep.metrics.inception as inc
    from genrep.cli import main as cli_main

    monkeypatch.setenv("GENREP_DATA", str(tmp_path / "data"))
    monkeypatch.setattr(inc, "prepare_inception_weights", lambda: "ok: (test)")
    empty = tmp_path / "empty"
    empty.mkdir()
    assert cli_main(["data", "cats64", "--source", str(empty), "--no-download", "--strict"]) == 1
    err = capsys.readouterr().err
    assert "not staged: cats64" in err and "GENREP_DATA_SOURCE" in err and "MANIFEST.md" in err
    assert cli_main(["data", "cats64", "--source", str(empty), "--no-download"]) == 0  # not strict: a report only

"""Arms as Ray tasks (issue 21): the toy chapter through a local Ray runtime gives the local executor's
results, respects dependency order, reports a failing arm, and a second run is all cache hits."""

import json
import sys

import pytest

from genrep.cli import main

from .test_runner import RES, _tree, library_copy  # noqa: F401 (autouse: modules hashed from a private copy)

ray = pytest.importorskip("ray", reason='the Ray extra is not installed (pip install "genrep[ray]")')


@pytest.fixture(scope="module", autouse=True)
def local_ray():
    """One local Ray runtime with 2 CPUs for the module (starting one takes seconds)."""
    ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR", log_to_driver=False)
    yield
    ray.shutdown()


def _metrics(root, arm):
    return json.loads((root.joinpath(*RES) / arm / "metrics.json").read_text())


@pytest.mark.timeout(600)
def test_ray_executor_matches_local_and_caches(toy_root, capsys):
    assert main(["replicate", "toy", "--no-stage-data"]) == 0
    capsys.readouterr()
    local = {a: _metrics(toy_root, a) for a in ("01_train",)}
    local_files = sorted(_tree(toy_root.joinpath(*RES)))
    assert main(["replicate", "toy", "--no-stage-data", "--executor", "ray", "--force"]) == 0
    out = capsys.readouterr().out
    assert "on Ray (a local runtime)" in out
    # dependency order: the summary starts only after the training arm is done
    assert out.index("01_train: done") < out.index("02_summary: running")
    assert {a: _metrics(toy_root, a) for a in local} == local  # same seeds, same numbers
    assert sorted(_tree(toy_root.joinpath(*RES))) == local_files  # the same files came back to the driver
    book_nb = (toy_root / "book" / "toy" / "01_train.ipynb").read_text()
    assert "results/toy/reduced/01_train" in book_nb and "genrep-ray-" not in book_nb  # no worker paths
    # a second run decides from the cache exactly as locally: nothing runs
    assert main(["replicate", "toy", "--no-stage-data", "--executor", "ray"]) == 0
    assert capsys.readouterr().out.count(": cached") == 2


@pytest.mark.timeout(600)
def test_a_failing_ray_arm_is_reported_and_keeps_earlier_results(toy_root, capsys):
    assert main(["replicate", "toy", "--no-stage-data"]) == 0
    capsys.readouterr()
    before = _tree(toy_root.joinpath(*RES))
    code = main(
        [
            "replicate",
            "toy",
            "--no-stage-data",
            "--executor",
            "ray",
            "--set",
            "steps=10",
            "--set",
            "fail_after_save=boom",
        ]
    )
    out = capsys.readouterr().out
    assert code == 1 and "01_train: FAILED" in out and "RuntimeError: boom" in out
    assert "executed notebook: runs/toy/reduced/01_train.failed.ipynb" in out
    assert "02_summary: skipped" in out
    after = _tree(toy_root.joinpath(*RES))
    after.pop("01_train/last_failure.json")
    assert after == before


def test_without_ray_the_executor_names_the_install_command(toy_root, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray now raises ImportError
    assert main(["replicate", "toy", "--no-stage-data", "--executor", "ray"]) != 0
    err = capsys.readouterr()
    assert 'pip install "genrep[ray]"' in err.err + err.out

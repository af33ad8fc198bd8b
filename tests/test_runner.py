"""The runner never loses or mixes results: a cache keyed on what a run imported, atomic arms, one run per
chapter/tier, values checked before anything runs, interrupts that save (issue 12, items 1, 3, 4, 5, 7).
Uses the fixture chapter `toy`."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from genrep.cli import main
from genrep.runner import ConfigError, load_chapter
from genrep.runner.chapters import convert_value, read_parameters

RES = ("results", "toy", "reduced")


@pytest.fixture(autouse=True)
def library_copy(tmp_path, monkeypatch):
    """In-process runs hash the modules their kernels imported from a private copy of ``lib/genrep``:
    others editing lib/ must not turn cache hits into runs, and a test can edit the copy."""
    from genrep.runner import cache

    lib = tmp_path / "lib" / "genrep"
    shutil.copytree(cache.PACKAGE_DIR, lib, ignore=shutil.ignore_patterns("__pycache__", "assets"))
    monkeypatch.setattr(cache, "library_root", lambda: lib)
    return lib


def _tree(root) -> dict:
    """Relative path -> bytes of every file under ``root`` (to compare folders before and after)."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _leftovers(toy_root) -> list:
    return [p for base in (toy_root.joinpath(*RES), toy_root / "runs" / "toy" / "reduced") for p in base.glob(".*")]


# -- item 1: a cache keyed on what a run used ------------------------------------------------------------
def _edit(lib, rel):
    p = lib / rel
    p.write_text(p.read_text() + "\n_EDITED = True  # a code edit (docstrings and comments do not count)\n")


def test_cache_follows_the_modules_each_arm_imported(toy_root, library_copy, capsys):
    assert main(["replicate", "toy"]) == 0
    capsys.readouterr()
    res = toy_root.joinpath(*RES)
    train = json.loads((res / "01_train" / "run.json").read_text())
    summary = json.loads((res / "02_summary" / "run.json").read_text())
    # the kernel's genrep modules with their hashes; the runner's own (genrep.runner, genrep.cli) are not
    assert {"genrep/train/loop.py", "genrep/train/ema.py", "genrep/report/tables.py"} <= set(train["imports"])
    assert "genrep/report/book.py" in summary["imports"] and "genrep/report/book.py" not in train["imports"]
    assert "genrep/train/ema.py" not in summary["imports"]
    used = set(train["imports"]) | set(summary["imports"])
    assert not any(f.startswith("genrep/runner/") or f == "genrep/cli.py" for f in used)
    assert "genrep/metrics/frechet.py" not in used
    assert all(len(h) == 16 for h in train["imports"].values())
    assert summary["upstream"] == {"01_train": train["cache_key"]} and train["upstream"] == {}
    assert train["cache_key"] != train["base_key"]
    book = toy_root / "book" / "toy"
    assert nbformat.read(book / "01_train.ipynb", as_version=4).metadata["genrep"] == {
        "cache_key": train["cache_key"],
        "status": "ok",
    }
    assert "genrep-record-imports" not in (book / "01_train.ipynb").read_text()  # the runner's cell is gone

    # (a) code in a module no kernel imported (old code: every arm re-ran)
    _edit(library_copy, "metrics/frechet.py")
    _edit(library_copy, "runner/replicate.py")
    assert main(["replicate", "toy"]) == 0
    out = capsys.readouterr().out
    assert out.count(": cached") == 2 and "running" not in out, out
    # (b) a module only the summary imported: only the summary runs
    _edit(library_copy, "report/book.py")
    assert main(["replicate", "toy"]) == 0
    out = capsys.readouterr().out
    assert "01_train: cached" in out and "02_summary: running (genrep/report/book.py changed)" in out, out
    assert json.loads((res / "01_train" / "run.json").read_text()) == train
    # (b) a module only training imported: it runs, and so does the summary, whose input has a new key
    _edit(library_copy, "train/ema.py")
    assert main(["replicate", "toy"]) == 0
    out = capsys.readouterr().out
    assert "01_train: running (genrep/train/ema.py changed)" in out, out
    assert "02_summary: running (input 01_train re-ran with a new key)" in out, out
    train2 = json.loads((res / "01_train" / "run.json").read_text())
    assert train2["base_key"] == train["base_key"] and train2["cache_key"] != train["cache_key"]
    assert json.loads((res / "02_summary" / "run.json").read_text())["upstream"] == {"01_train": train2["cache_key"]}
    assert nbformat.read(book / "01_train.ipynb", as_version=4).metadata["genrep"]["cache_key"] == train2["cache_key"]
    # a module that was imported and is gone now is a change too (no crash); restored, it is a hit again
    rep = sys.modules["genrep.runner.replicate"]
    arms = load_chapter("toy").plan("reduced", check=False)
    pool = library_copy / "train" / "pool.py"
    text = pool.read_text()
    pool.unlink()
    keys, _, looks = rep.compute_keys(arms)
    assert keys == {"01_train": None, "02_summary": None}
    assert looks["01_train"].why == "genrep/train/pool.py (deleted) changed"
    assert looks["02_summary"].why == "an input re-runs"
    pool.write_text(text)
    assert rep.compute_keys(arms)[0] == {
        "01_train": train2["cache_key"],
        "02_summary": json.loads((res / "02_summary" / "run.json").read_text())["cache_key"],
    }


def test_a_run_json_without_imports_is_a_miss(toy_root, capsys):
    assert main(["replicate", "toy"]) == 0
    capsys.readouterr()
    path = toy_root.joinpath(*RES, "01_train", "run.json")
    rec = json.loads(path.read_text())
    old = {k: v for k, v in rec.items() if k not in ("imports", "base_key", "upstream")}  # the old format
    path.write_text(json.dumps(old))
    assert main(["replicate", "toy"]) == 0
    out = capsys.readouterr().out
    assert "01_train: running (its run.json predates the import record)" in out, out
    # it re-ran to the same key (same notebook, parameters, data and modules): the summary stays cached
    assert "02_summary: cached" in out and "inputs re-ran to the same keys" in out, out
    assert json.loads(path.read_text())["cache_key"] == rec["cache_key"]
    # an import record that is not a mapping, or a run.json that is not JSON: a miss, no crash
    path.write_text(json.dumps({**rec, "imports": ["genrep/train/loop.py"]}))
    keys, _, looks = sys.modules["genrep.runner.replicate"].compute_keys(
        load_chapter("toy").plan("reduced", check=False)
    )
    assert keys["01_train"] is None and "predates the import record" in looks["01_train"].why
    path.write_text("{not json")
    assert main(["replicate", "toy", "--notebook", "01_train"]) == 0
    assert "01_train: running (no earlier run)" in capsys.readouterr().out


# -- item 3: atomic arms ---------------------------------------------------------------------------------
def test_failed_rerun_keeps_results_and_book_and_records_the_failure(toy_root, capsys):
    assert main(["replicate", "toy"]) == 0
    capsys.readouterr()
    res = toy_root.joinpath(*RES)
    before, book_before = _tree(res), _tree(toy_root / "book" / "toy")
    # the executed notebook names the final results folder, not the temporary one it ran in
    nb_text = (toy_root / "book" / "toy" / "01_train.ipynb").read_text()
    assert "results/toy/reduced/01_train" in nb_text and ".tmp-" not in nb_text
    # a different configuration that crashes after it has written its metrics (old code: rmtree first,
    # then the half-written folder of the failed run stood in for the published results)
    assert main(["replicate", "toy", "--set", "steps=10", "--set", "fail_after_save=boom"]) == 1
    out = capsys.readouterr().out
    assert "01_train: FAILED" in out and "RuntimeError: boom" in out
    assert "earlier results kept in results/toy/reduced/01_train" in out
    assert "02_summary: skipped" in out and "Fix the cause shown above" in out
    fail = json.loads((res / "01_train" / "last_failure.json").read_text())
    assert fail["status"] == "failed" and fail["error"] == "RuntimeError: boom"
    assert fail["earlier_results_kept"] and fail["params"]["steps"] == 10
    assert fail["executed_notebook"] == "runs/toy/reduced/01_train.failed.ipynb"
    after = _tree(res)
    after.pop("01_train/last_failure.json")
    assert after == before  # metrics, run.json (ok, old key), the summary's table and figure: untouched
    assert _tree(toy_root / "book" / "toy") == book_before
    assert (toy_root / "runs" / "toy" / "reduced" / "01_train.failed.ipynb").exists()
    assert not _leftovers(toy_root)
    # the old configuration is still complete: all cached, and the book keeps the ok notebook
    assert main(["replicate", "toy"]) == 0
    assert capsys.readouterr().out.count(": cached") == 2
    stamp = nbformat.read(toy_root / "runs" / "toy" / "reduced" / "01_train.ipynb", as_version=4).metadata
    assert stamp["genrep"]["status"] == "ok"
    # a successful run replaces the folder wholesale: the failure record goes with the old results
    assert main(["replicate", "toy", "--set", "steps=30"]) == 0
    capsys.readouterr()
    assert not (res / "01_train" / "last_failure.json").exists()
    assert json.loads((res / "01_train" / "run.json").read_text())["params"]["steps"] == 30
    assert not (toy_root / "runs" / "toy" / "reduced" / "01_train.failed.ipynb").exists()


def test_only_notebooks_ok_under_the_current_key_are_published(toy_root, capsys):
    assert main(["replicate", "toy"]) == 0
    capsys.readouterr()
    book_nb = toy_root / "book" / "toy" / "01_train.ipynb"
    executed = toy_root / "runs" / "toy" / "reduced" / "01_train.ipynb"
    # a published notebook that went missing is noticed and restored from the stamped executed notebook
    book_nb.unlink()
    assert main(["replicate", "toy"]) == 0
    capsys.readouterr()
    assert book_nb.exists()
    # an executed notebook from another run (here: a failed one) is never copied into the book
    nb = nbformat.read(executed, as_version=4)
    nb.metadata["genrep"] = {"cache_key": "another-run", "status": "failed"}
    nbformat.write(nb, executed)
    book_nb.unlink()
    assert main(["replicate", "toy"]) == 0
    out = capsys.readouterr().out
    assert (
        "book/toy/01_train.ipynb is missing: its executed notebook runs/toy/reduced/01_train.ipynb is "
        "not from the run that made its results"
    ) in out and "FORCE=1 NOTEBOOK=01_train" in out
    assert not book_nb.exists()
    # an override that also changes an upstream notebook says so, instead of "has not run at this tier"
    assert main(["replicate", "toy", "--notebook", "02_summary", "--set", "seed=1"]) == 1
    out = capsys.readouterr().out
    assert (
        "02_summary: skipped (needs 01_train, which has run at this tier but not with --set seed; run it "
        "too: --notebook 01_train)"
    ) in out and "Run the missing inputs first" in out


def test_summary_in_a_temporary_folder_reads_its_sibling_arms(toy_root, capsys):
    assert main(["replicate", "toy", "--config", "budget"]) == 0
    capsys.readouterr()
    res = toy_root / "results" / "toy" / "budget"
    table = (res / "02_summary" / "table_toy.csv").read_text()
    assert "01_train-a" in table and "01_train-b" in table  # arms found through results/toy/budget/
    assert sorted(p.name for p in res.iterdir()) == ["01_train-a", "01_train-b", "02_summary"]


def test_leftovers_of_a_killed_run_are_cleaned_and_a_half_swap_is_rolled_back(toy_root, capsys):
    _clean_leftovers = sys.modules["genrep.runner.replicate"]._clean_leftovers

    res = toy_root.joinpath(*RES)
    (res / ".01_train.old-4242").mkdir(parents=True)  # killed between the two renames of a swap
    (res / ".01_train.old-4242" / "metrics.json").write_text("{}")
    (res / ".02_summary.tmp-4242").mkdir()
    (res / "02_summary").mkdir()
    (res / ".02_summary.old-4242").mkdir()  # killed after the swap, before deleting the old folder
    runs = toy_root / "runs" / "toy" / "reduced"
    runs.mkdir(parents=True)
    (runs / ".01_train.tmp-4242.ipynb").write_text("{}")
    _clean_leftovers("toy", "reduced")
    assert "restored results/toy/reduced/01_train" in capsys.readouterr().out
    assert (res / "01_train" / "metrics.json").exists()
    assert sorted(p.name for p in res.iterdir()) == ["01_train", "02_summary"]
    assert not list(runs.iterdir())


# -- item 4: one replicate per chapter and tier ----------------------------------------------------------
def test_a_second_replicate_of_the_same_chapter_and_tier_stops_at_once(toy_root, capsys):
    args = [
        "replicate",
        "toy",
        "--notebook",
        "01_train",
        "--set",
        "step_sleep=0.1",
        "--set",
        "steps=40",
        "--no-stage-data",
    ]
    p = subprocess.Popen(
        [sys.executable, "-m", "genrep", *args],
        cwd=toy_root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lock = toy_root / "runs" / "toy" / "reduced.lock"
    ckpt = toy_root / "runs" / "toy" / "reduced" / "01_train" / "ckpt.pt"
    try:
        deadline = time.time() + 120
        while not ckpt.exists() and time.time() < deadline and p.poll() is None:
            time.sleep(0.2)
        assert ckpt.exists() and lock.read_text().strip() == str(p.pid)
        t0 = time.time()
        # old code: the second run deleted the first one's live runs/ and results/ and both said "ok"
        assert main(["replicate", "toy"]) == 2
        assert time.time() - t0 < 10
        assert f"another replicate (pid {p.pid}) is running toy/reduced" in capsys.readouterr().err
        assert ckpt.exists()
        out, _ = p.communicate(timeout=180)
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
    assert p.returncode == 0, out
    assert "resumed from step" not in (toy_root / "runs" / "toy" / "reduced" / "01_train.ipynb").read_text()
    assert json.loads(toy_root.joinpath(*RES, "01_train", "run.json").read_text())["params"]["steps"] == 40
    assert lock.read_text() == ""  # released
    # a lock file left by a process that died holds no lock: it is taken over, with a note
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    lock.write_text(f"{dead.pid}\n")
    assert main(["replicate", "toy", "--notebook", "01_train", "--set", "steps=5"]) == 0
    assert f"taking over the lock of toy/reduced from pid {dead.pid}" in capsys.readouterr().out


# -- item 7: values checked before anything runs --------------------------------------------------------
@pytest.mark.parametrize(
    "argv, expect",
    [
        (
            ["--set", "steps=abc"],
            "--set steps=abc: notebook 01_train expects an integer for 'steps' (its default is 60)",
        ),
        (["--set", "steps=2.5"], "expects an integer for 'steps'"),
        (["--set", "lr=fast"], "expects a number for 'lr'"),
        (["--set", "steps=None"], "expects an integer for 'steps'"),
        (["--set", "steps=0"], "toy/reduced 01_train: steps = 0 (from --set) must be >= 1"),
        (["--set", "steps=-1"], "steps = -1 (from --set) must be >= 1"),
        (["--set", "log_every=100"], "log_every = 100 (from --set) must be <= steps (= 60)"),
        (["--set", "steps=3"], "log_every = 5 (the default) must be <= steps (= 3)"),
        (["--set", "digits=9"], "02_summary: digits = 9 (from --set) must be <= 6"),
        (
            ["--notebook", "01_train", "--set", "digits=2"],
            "parameter 'digits' given with --set is not declared by the selected notebook(s) 01_train; it belongs "
            "to 02_summary (add --notebook 02_summary)",
        ),
    ],
)
def test_bad_values_are_rejected_before_anything_runs(toy_root, capsys, argv, expect):
    assert main(["replicate", "toy", *argv]) == 2
    err = capsys.readouterr().err
    assert expect in err, err
    assert not (toy_root / "results").exists() and not (toy_root / "runs").exists()


def test_tier_file_values_meet_the_constraints_too(toy_root, capsys):
    tier = toy_root / "chapters" / "toy" / "tiers" / "reduced.yaml"
    tier.write_text(tier.read_text().replace("steps: 60", "steps: 0"))
    assert main(["replicate", "toy"]) == 2
    assert "steps = 0 (from toy/tiers/reduced.yaml) must be >= 1" in capsys.readouterr().err


def test_jobs_must_be_positive(toy_root, capsys):
    with pytest.raises(SystemExit) as e:
        main(["replicate", "toy", "--jobs", "0"])
    assert e.value.code == 2 and "expected an integer >= 1, got 0" in capsys.readouterr().err
    from genrep.runner import replicate

    with pytest.raises(ConfigError, match="--jobs must be an integer >= 1"):
        replicate("toy", jobs=0)


def test_set_values_take_the_type_of_the_default(toy_root):
    ch = load_chapter("toy")
    (arm,) = ch.plan("reduced", ["01_train"], {"steps": "1e2", "lr": "1", "fail_after_save": "3"})
    assert arm.params["steps"] == 100 and type(arm.params["steps"]) is int
    assert arm.params["lr"] == 1.0 and type(arm.params["lr"]) is float
    assert arm.params["fail_after_save"] == "3"  # a str default keeps the text as typed


def test_notebook_selects_one_arm_by_its_id_and_names_the_arms_when_it_does_not_exist(toy_root, monkeypatch):
    ch = load_chapter("toy")
    (arm,) = ch.plan("budget", ["01_train-b"], {"steps": "7"})
    assert arm.id == "01_train-b" and arm.params["lr"] == 0.02 and arm.params["steps"] == 7
    assert [a.id for a in ch.plan("budget", ["01_train"])] == ["01_train-a", "01_train-b"]
    with pytest.raises(ConfigError, match=r"unknown arm '01_train-c' at tier 'budget'.*Valid: 01_train-a, 01_train-b"):
        ch.plan("budget", ["01_train-c"])
    with pytest.raises(ConfigError, match="unknown notebook '03_train-a'"):
        ch.plan("budget", ["03_train-a"])
    # the runner runs only the selected arm; the other stays untouched
    import importlib

    rep_mod = importlib.import_module("genrep.runner.replicate")
    seen = []
    monkeypatch.setattr(
        rep_mod,
        "_replicate",
        lambda ch, tier, only, ov, full, *a: seen.append([x.id for x in full if x.selected_by(only)]) or 0,
    )
    assert main(["replicate", "toy", "--config", "budget", "--notebook", "01_train-b", "--no-stage-data"]) == 0
    assert seen == [["01_train-b"]]


def test_replicate_above_reduced_prepares_the_inception_weights(toy_root, monkeypatch):
    import importlib

    inception = importlib.import_module("genrep.metrics.inception")
    rep_mod = importlib.import_module("genrep.runner")
    calls = []
    monkeypatch.setattr(inception, "prepare_inception_weights", lambda: calls.append(1) or "ok: stub")
    monkeypatch.setattr(rep_mod, "replicate", lambda *a, **k: 0)
    monkeypatch.setattr(importlib.import_module("genrep.data"), "stage", lambda **k: {})
    assert main(["replicate", "toy"]) == 0 and calls == []  # reduced: proxies only
    assert main(["replicate", "toy", "--config", "budget", "--no-stage-data"]) == 0 and calls == []
    assert main(["replicate", "toy", "--config", "budget"]) == 0 and calls == [1]  # staged with the data


def test_convert_and_check_conventions(tmp_path):
    path = tmp_path / "01_nb.py"
    path.write_text(
        '# %% tags=["parameters"]\ntier = "reduced"\nresults_dir = "r"\nruns_dir = "x"\n'
        "flag = True\nsizes = [1, 2]\nn_images = None          # None = all\n"
        "tsne_n = 6000           # points embedded, 0 to skip\nwarm_n = 0\n"
        "epochs = 5\nsample_interval = 2    # grid every k epochs; check: >= 1 and <= epochs\n"
        'norm = "instance"        # check: in ["instance", "batch"]\n'
        'arms = "all"             # "all" or a list\n'
    )
    from genrep.runner.chapters import Notebook, check_values

    defaults, comments, checks = read_parameters(path)
    assert [str(c) for c in checks["sample_interval"]] == [">= 1", "<= epochs"]
    nb = Notebook("01_nb", path, defaults, [], comments, checks)
    assert convert_value(nb, "flag", "false") is False and convert_value(nb, "flag", "yes") is True
    with pytest.raises(ConfigError, match="expects true or false"):
        convert_value(nb, "flag", "1")
    assert convert_value(nb, "sizes", "[3, 4]") == [3, 4]
    with pytest.raises(ConfigError, match="expects a list"):
        convert_value(nb, "sizes", "3")
    assert convert_value(nb, "n_images", "500") == 500 and convert_value(nb, "n_images", "None") is None
    assert convert_value(nb, "arms", "[a, b]") == ["a", "b"] and convert_value(nb, "arms", "0") == "0"
    ok = {"tsne_n": 0, "warm_n": 0, "n_images": None, "epochs": 1, "sample_interval": 1, "norm": "batch"}
    check_values(nb, ok, "nb", {})
    for bad, msg in [
        ({"n_images": 0}, "n_images = 0 .* must be >= 1"),
        ({"epochs": 0}, "epochs = 0"),
        ({"sample_interval": 6}, r"must be <= epochs \(= 5\)"),
        ({"norm": "layer"}, r"must be in \['instance', 'batch'\]"),
    ]:
        with pytest.raises(ConfigError, match=msg):
            check_values(nb, bad, "nb", {})
    path.write_text(path.read_text().replace("<= epochs", "<= epoch"))
    with pytest.raises(ConfigError, match="unknown parameter 'epoch' in the check of 'sample_interval'"):
        read_parameters(path)


# -- item 5: interrupts that save -----------------------------------------------------------------------
def _start(toy_root, *sets):
    args = ["replicate", "toy", "--notebook", "01_train", "--no-stage-data"]
    for s in sets:
        args += ["--set", s]
    return subprocess.Popen(
        [sys.executable, "-m", "genrep", *args],
        cwd=toy_root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def test_sigterm_interrupts_the_kernel_which_saves_a_checkpoint(toy_root):
    p = _start(toy_root, "step_sleep=0.1", "steps=400")
    ckpt = toy_root / "runs" / "toy" / "reduced" / "01_train" / "ckpt.pt"
    try:
        deadline = time.time() + 120
        while not ckpt.exists() and time.time() < deadline and p.poll() is None:
            time.sleep(0.2)
        assert ckpt.exists()
        time.sleep(1.0)
        t0 = time.time()
        os.kill(p.pid, signal.SIGTERM)  # the runner only (old code: it died, the kernel trained on)
        out, _ = p.communicate(timeout=60)
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
    assert p.returncode == 130, out
    assert time.time() - t0 < 30
    import torch

    step = torch.load(ckpt, weights_only=False)["step"]
    assert 5 < step < 400
    assert (
        f"01_train: checkpoint at step {step} of 400 in runs/toy/reduced/01_train/ckpt.pt; the next run "
        f"resumes from it" in out
    )
    mtime = ckpt.stat().st_mtime
    time.sleep(2.0)
    assert ckpt.stat().st_mtime == mtime  # the kernel stopped with the runner
    res = toy_root.joinpath(*RES, "01_train")
    assert not (res / "metrics.json").exists()
    assert json.loads((res / "last_failure.json").read_text())["status"] == "interrupted"
    assert not _leftovers(toy_root)


def test_an_interrupt_before_any_checkpoint_promises_no_resume(toy_root):
    p = _start(toy_root, "start_sleep=60")
    stamp = toy_root / "runs" / "toy" / "reduced" / "01_train" / "cache_key.txt"
    try:
        deadline = time.time() + 120
        while not stamp.exists() and time.time() < deadline and p.poll() is None:
            time.sleep(0.2)
        assert stamp.exists()
        time.sleep(3.0)
        t0 = time.time()
        os.kill(p.pid, signal.SIGINT)
        out, _ = p.communicate(timeout=150)  # generous on a loaded machine; the assertion below is the claim
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
    assert p.returncode == 130, out
    assert time.time() - t0 < 55  # not after the 60 s sleep
    assert "01_train: stopped before a checkpoint was saved; the next run starts it from the beginning" in out
    assert "resumes" not in out and "resume" not in out.splitlines()[-1]


# -- item 6: no silent stand-ins -------------------------------------------------------------------------
def test_standin_results_never_replace_real_ones_nor_fill_a_real_data_tier(toy_root, capsys, monkeypatch):
    monkeypatch.delenv("GENREP_ALLOW_STANDINS", raising=False)
    assert main(["replicate", "toy"]) == 0
    capsys.readouterr()
    res = toy_root.joinpath(*RES)
    before = _tree(res)
    # the data went missing: the notebook falls back to a stand-in; the runner keeps the real-data results
    assert main(["replicate", "toy", "--set", "data_source=stand-in"]) == 1
    out = capsys.readouterr().out
    assert "01_train: FAILED" in out and "procedural stand-in where the earlier results used real data" in out
    assert "make data" in out and "--allow-standins" in out
    after = _tree(res)
    after.pop("01_train/last_failure.json")
    assert after == before
    # a tier that promises real data refuses stand-ins even with nothing to protect
    assert (
        main(["replicate", "toy", "--config", "budget", "--notebook", "01_train", "--set", "data_source=stand-in"]) == 1
    )
    assert "the budget tier promises real data" in capsys.readouterr().out
    assert not (toy_root / "results" / "toy" / "budget" / "01_train-a" / "run.json").exists()
    # asked for explicitly, stand-ins are published
    assert main(["replicate", "toy", "--set", "data_source=stand-in", "--allow-standins"]) == 0
    capsys.readouterr()
    assert json.loads((res / "01_train" / "metrics.json").read_text())["data_source"] == "stand-in"
    # and a stand-in run may replace stand-in results without the flag
    monkeypatch.delenv("GENREP_ALLOW_STANDINS", raising=False)
    assert main(["replicate", "toy", "--set", "data_source=stand-in", "--set", "steps=30"]) == 0


def test_a_tier_can_declare_its_parallel_jobs(toy_root, capsys, monkeypatch):
    import importlib

    from genrep.runner.chapters import load_chapter

    rep_mod = importlib.import_module("genrep.runner.replicate")
    tier = toy_root / "chapters" / "toy" / "tiers" / "reduced.yaml"
    assert load_chapter("toy").tier_jobs("reduced") == 1  # no jobs: key
    tier.write_text("jobs: 3\n" + tier.read_text())
    assert load_chapter("toy").tier_jobs("reduced") == 3
    seen = []
    monkeypatch.setattr(rep_mod, "_replicate", lambda ch, tier, only, ov, full, force, jobs, *a: seen.append(jobs) or 0)
    assert rep_mod.replicate("toy") == 0 and rep_mod.replicate("toy", jobs=1) == 0
    assert seen == [3, 1]  # --jobs wins over the tier's default
    tier.write_text(tier.read_text().replace("jobs: 3", "jobs: zero"))
    assert main(["replicate", "toy"]) == 2
    assert "jobs must be an integer >= 1, got 'zero'" in capsys.readouterr().err


def test_parallel_jobs_share_the_cores_among_their_blas_pools():
    from genrep.runner.replicate import BLAS_THREAD_VARS, job_env

    env = job_env({"PATH": "/bin"}, jobs=2, cpus=2)
    assert all(env[v] == "1" for v in BLAS_THREAD_VARS) and env["PATH"] == "/bin"
    assert job_env({}, jobs=2, cpus=16)["OPENBLAS_NUM_THREADS"] == "8"
    assert job_env({}, jobs=4, cpus=2)["OMP_NUM_THREADS"] == "1"  # never below one thread
    assert job_env({"OMP_NUM_THREADS": "3"}, jobs=2, cpus=2)["OMP_NUM_THREADS"] == "3"  # the user's choice stays


# -- item 2: hand-offs through declared outputs, and pauses ------------------------------------------------
def _declare_handoff(toy_root, outputs="[ckpt.pt]"):
    """01_train hands its checkpoint to 02_summary through runs/ (as a generator checkpoint is handed to an
    evaluation arm in the chapters)."""
    yml = toy_root / "chapters" / "toy" / "chapter.yaml"
    text = (Path(__file__).parent / "fixtures" / "chapters" / "toy" / "chapter.yaml").read_text()
    text = text.replace("  - name: 01_train\n", f"  - name: 01_train\n    outputs: {outputs}\n")
    yml.write_text(text.replace("    needs: all\n", "    needs: all\n    reads: [01_train]\n"))


def test_a_reader_whose_inputs_lack_their_outputs_reruns_them_first(toy_root, capsys):
    _declare_handoff(toy_root)
    assert main(["replicate", "toy"]) == 0
    capsys.readouterr()
    res, runs = toy_root.joinpath(*RES), toy_root / "runs" / "toy" / "reduced"
    train = json.loads((res / "01_train" / "run.json").read_text())
    shutil.rmtree(runs)  # a clean clone: results/ committed, runs/ not
    # nothing reads the outputs when every arm is cached: nothing runs
    assert main(["replicate", "toy"]) == 0
    out = capsys.readouterr().out
    assert out.count(": cached") == 2 and "running" not in out, out
    # the summary must run (edited): its input re-runs first instead of the summary failing (old: FORCE=1)
    nb = toy_root / "chapters" / "toy" / "02_summary.py"
    nb.write_text(nb.read_text() + "\n_edited = True\n")
    assert main(["replicate", "toy", "--notebook", "02_summary"]) == 0
    out = capsys.readouterr().out
    assert (
        "01_train: running (cached, but 02_summary needs its output ckpt.pt, missing from runs/toy/reduced/01_train)"
    ) in out, out
    assert "02_summary: running" in out and out.index("01_train: running") < out.index("02_summary: running")
    assert (runs / "01_train" / "ckpt.pt").is_file()
    again = json.loads((res / "01_train" / "run.json").read_text())
    assert again["cache_key"] == train["cache_key"]  # the same run, re-made; not forced
    # a notebook that does not write what it declares fails, and keeps its earlier results
    _declare_handoff(toy_root, outputs='[ckpt.pt, "samples_*.npz"]')
    assert main(["replicate", "toy", "--notebook", "01_train", "--force"]) == 1
    out = capsys.readouterr().out
    assert "01_train: FAILED" in out and "did not write its declared output(s) samples_*.npz" in out, out
    assert json.loads((res / "01_train" / "run.json").read_text()) == again


def test_reads_must_name_a_needed_notebook_with_outputs(toy_root):
    yml = toy_root / "chapters" / "toy" / "chapter.yaml"
    yml.write_text(yml.read_text().replace("    needs: all\n", "    needs: all\n    reads: [01_train]\n"))
    with pytest.raises(ConfigError, match="reads the outputs of '01_train', which declares no outputs"):
        load_chapter("toy")
    _declare_handoff(toy_root)
    text = yml.read_text()
    yml.write_text(text.replace("  - name: 01_train\n", "  - name: 01_train\n    reads: [02_summary]\n"))
    with pytest.raises(ConfigError, match="reads the outputs of '02_summary', which is not among its needs"):
        load_chapter("toy")


def test_a_run_that_stops_at_max_minutes_is_paused_not_failed(toy_root, capsys):
    nb = toy_root / "chapters" / "toy" / "01_train.py"
    text = nb.read_text()
    for anchor, added in [
        ('data_source = "real"', "pause_at = 0  # test hook: stop here (0: never)\n"),
        ("ckpt = Checkpointer(", "from genrep.train.budget import TrainingPaused\n"),
        (
            "res.save_metrics(",
            "if pause_at:\n    raise TrainingPaused(f'stopped after max_minutes at step {pause_at}')\n",
        ),
    ]:
        assert text.count(anchor) == 1, anchor
        text = text.replace(anchor, added + anchor)
    nb.write_text(text)
    assert main(["replicate", "toy"]) == 0
    capsys.readouterr()
    res = toy_root.joinpath(*RES)
    before = _tree(res)
    rc = main(["replicate", "toy", "--set", "pause_at=30"])
    out = capsys.readouterr().out
    assert rc == 75, out
    assert "01_train: PAUSED after" in out and "stopped after max_minutes at step 30" in out
    assert "its checkpoint at step 60 of 60 is kept in runs/toy/reduced/01_train" in out, out
    assert "02_summary: skipped (needs 01_train, which paused)" in out and "FAILED" not in out
    assert "run the same command again to continue" in out
    fail = json.loads((res / "01_train" / "last_failure.json").read_text())
    assert fail["status"] == "paused" and fail["earlier_results_kept"]
    after = _tree(res)
    after.pop("01_train/last_failure.json")
    assert after == before


def test_make_book_notices_a_published_notebook_missing_from_book(toy_root, capsys):
    """Old: the table of contents silently dropped it. Now `genrep book` names it and how to restore it, and
    changes nothing while it refuses; a damaged checks.json is one line naming the file."""
    assert main(["replicate", "toy"]) == 0
    assert main(["book", "--pages-only"]) == 0
    (toy_root / "book" / "toy" / "01_train.ipynb").unlink()
    before = {
        p: p.read_bytes() for p in toy_root.rglob("*") if p.is_file() and "book" in p.parts or p.name == "_toc.yml"
    }
    capsys.readouterr()
    assert main(["book", "--pages-only"]) == 1
    err = capsys.readouterr().err
    assert "book/toy/01_train.ipynb is published" in err and "git checkout -- book/toy/01_train.ipynb" in err
    assert "make replicate CHAPTER=toy TIER=reduced NOTEBOOK=01_train FORCE=1" in err
    after = {
        p: p.read_bytes() for p in toy_root.rglob("*") if p.is_file() and "book" in p.parts or p.name == "_toc.yml"
    }
    assert after == before  # nothing written while refusing
    assert main(["replicate", "toy", "--notebook", "01_train", "--force"]) == 0  # the advised command restores it
    assert (toy_root / "book" / "toy" / "01_train.ipynb").exists()
    checks = toy_root / "results" / "toy" / "reduced" / "02_summary" / "checks.json"
    checks.write_text('{"checks": [')
    capsys.readouterr()
    assert main(["book", "--pages-only"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "results/toy/reduced/02_summary/checks.json is unreadable" in err, err
    assert "Traceback" not in err

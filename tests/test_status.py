"""Published means reproducible (issue "Published means reproducible"): keys that change when numbers can change
and only then, `genrep status`, results checked rather than trusted, provenance that can be checked out, and the
re-run of a summary over recorded inputs. Uses the fixture chapter `toy` and a private copy of the library."""

import importlib
import json
import shutil
import subprocess

import pytest

from genrep.cli import main
from genrep.runner import cache

RES = ("results", "toy", "reduced")


@pytest.fixture(autouse=True)
def library_copy(tmp_path, monkeypatch):
    lib = tmp_path / "lib" / "genrep"
    shutil.copytree(cache.PACKAGE_DIR, lib, ignore=shutil.ignore_patterns("__pycache__", "assets"))
    monkeypatch.setattr(cache, "library_root", lambda: lib)
    return lib


# -- hashing: what counts as a change ------------------------------------------------------------------
def test_python_is_hashed_by_its_code_not_its_docstrings_comments_or_layout():
    src = '"""Module doc."""\nimport os\n\n\ndef f(x):\n    """Doc."""\n    return x + 1  # add one\n'
    same = [
        src.replace("Module doc.", "Another module doc."),
        src.replace('    """Doc."""\n', ""),
        src.replace("  # add one", ""),
        src.replace("x + 1", "(x+1)"),
        "# a comment first\n" + src + "\n\n",
    ]
    for s in same:
        assert cache.python_code_hash(s) == cache.python_code_hash(src), s
    for s in [src.replace("x + 1", "x + 2"), src.replace("import os", "import sys"), src + "\nY = 1\n"]:
        assert cache.python_code_hash(s) != cache.python_code_hash(src), s
    # a string that is not the first statement is code (an expression), not a docstring
    assert cache.python_code_hash(src + '\n"""trailing"""\n') != cache.python_code_hash(src)
    assert cache.python_code_hash("def (:") != cache.python_code_hash("def (: ")  # unparsable: hashed as text


def test_notebooks_are_hashed_by_their_code_cells_and_tags():
    nb = '# %% [markdown]\n# # Title\n# Some words.\n\n# %% tags=["parameters"]\nsteps = 3\n\n# %%\nprint(steps)\n'
    h = cache.notebook_code_hash(nb)
    assert cache.notebook_code_hash(nb.replace("Some words.", "Other words, and more.")) == h
    assert cache.notebook_code_hash(nb.replace("print(steps)", "print(steps)  # show it")) == h
    assert cache.notebook_code_hash(nb.replace("steps = 3", "steps = 4")) != h
    assert cache.notebook_code_hash(nb.replace('tags=["parameters"]', "")) != h  # papermill injects after it


def test_the_hand_off_and_the_run_environment_are_in_the_keys():
    imports = {"m.py": "1"}
    assert cache.full_key("b", imports, {"ckpt.pt": "aa"}) != cache.full_key("b", imports, {"ckpt.pt": "ab"})
    assert cache.full_key("b", {"m.py": "1"}, None) == cache.full_key("b", {"m.py": "1"}, {})
    env = cache.run_env(1, "auto")
    assert env["threads"] == 1 and env["device"] in ("cpu", "cuda", "mps") and env["torch"].count(".") == 1
    assert cache.run_env(1, "cpu")["device"] == "cpu"


def test_a_checkpoint_is_hashed_by_its_contents_not_its_wall_clock(tmp_path):
    import torch

    m = torch.nn.Linear(3, 2)
    opt = torch.optim.Adam(m.parameters())
    m(torch.randn(4, 3)).sum().backward()
    opt.step()  # Adam keeps a 0-d step tensor
    payload = {"step": 3, "state": {"m": m.state_dict(), "opt": opt.state_dict()}, "elapsed_s": 1.0}
    p = tmp_path / "ckpt.pt"
    torch.save(payload, p)
    h = cache.handoff_file_hash(p)
    torch.save({**payload, "elapsed_s": 2.5}, p)  # another run of the same configuration: other wall time
    assert cache.handoff_file_hash(p) == h
    with torch.no_grad():
        m.weight[0, 0] += 1e-6
    torch.save({**payload, "state": {"m": m.state_dict(), "opt": opt.state_dict()}}, p)
    assert cache.handoff_file_hash(p) != h  # different weights
    (tmp_path / "samples.npz").write_bytes(b"abc")
    assert cache.handoff_file_hash(tmp_path / "samples.npz") == cache.handoff_hashes(tmp_path, ["*.npz"])["samples.npz"]


def _status(*args) -> tuple[int, str]:
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        rc = main(["status", "toy", *args])
    return rc, buf.getvalue()


# -- status, cosmetic vs code edits, damaged results ---------------------------------------------------
@pytest.mark.slow
def test_status_follows_code_edits_only_and_damaged_results_rerun(toy_root, library_copy, capsys):
    rc, out = _status("--tier", "reduced")
    assert rc == 1 and "never run" in out, out
    assert main(["replicate", "toy"]) == 0
    capsys.readouterr()
    assert _status("--tier", "reduced")[0] == 0
    train = json.loads(toy_root.joinpath(*RES, "01_train", "run.json").read_text())
    assert train["key_scheme"] == cache.KEY_SCHEME and train["env"]["threads"] == 1
    assert "metrics.json" in train["results"]

    # a docstring, a comment and formatting in a module the summary imported; markdown in a notebook
    page_path = toy_root / "book" / "toy" / "01_train.ipynb"
    outputs = [c.get("outputs") for c in json.loads(page_path.read_text())["cells"]]
    book = library_copy / "report" / "book.py"
    text = book.read_text()
    book.write_text(text.replace('"""', '"""Edited docstring. ', 1).replace("\n\n\n", "\n\n\n# a comment\n", 1))
    nb = toy_root / "chapters" / "toy" / "01_train.py"
    nb.write_text(nb.read_text().replace("A linear regression", "A small linear regression"))
    rc, out = _status("--tier", "reduced")
    assert rc == 0, out
    assert main(["replicate", "toy"]) == 0
    out = capsys.readouterr().out
    assert "running" not in out and "text of 01_train updated from the notebooks (nothing executed)" in out, out
    page = json.loads(page_path.read_text())
    assert "A small linear regression" in json.dumps(page)
    assert [c.get("outputs") for c in page["cells"]] == outputs  # new text, the run's outputs kept

    # one character of code: exactly the arm that imported it is stale, and status says which file
    book.write_text(book.read_text() + "\n_EDITED = 1\n")
    rc, out = _status("--tier", "reduced")
    assert rc == 1 and "02_summary" in out and "genrep/report/book.py changed" in out, out
    assert "01_train" not in out.split("not current", 1)[1], out
    book.write_text(text)
    assert _status("--tier", "reduced")[0] == 0

    # a damaged result file: named, re-run, never "cached, ok"
    checks = toy_root.joinpath(*RES, "02_summary", "checks.json")
    good = checks.read_text()
    checks.write_text(good[: len(good) // 2])
    rc, out = _status("--tier", "reduced")
    assert rc == 1 and "checks.json (unreadable" in out, out
    assert main(["replicate", "toy"]) == 0
    out = capsys.readouterr().out
    assert "02_summary: running (its results are damaged" in out and "01_train: cached" in out, out
    assert json.loads(checks.read_text())["chapter"] == "toy"
    assert _status("--tier", "reduced")[0] == 0


@pytest.mark.slow
def test_a_summary_reruns_over_recorded_inputs_and_says_so(toy_root, capsys):
    assert main(["replicate", "toy"]) == 0
    capsys.readouterr()
    assert main(["replicate", "toy", "--inputs-as-recorded"]) != 0
    assert "--inputs-as-recorded needs --notebook" in capsys.readouterr().err
    nb = toy_root / "chapters" / "toy" / "01_train.py"
    nb.write_text(nb.read_text().replace("steps = 60", "steps = 61"))  # the training arm is stale now
    capsys.readouterr()
    assert main(["replicate", "toy", "--notebook", "02_summary"]) == 1  # without: it needs its input first
    assert "skipped" in capsys.readouterr().out
    assert main(["replicate", "toy", "--notebook", "02_summary", "--inputs-as-recorded", "--force"]) == 0
    out = capsys.readouterr().out
    assert "02_summary: running" in out and "01_train: running" not in out, out
    rec = json.loads(toy_root.joinpath(*RES, "02_summary", "run.json").read_text())
    assert rec["inputs_as_recorded"] == ["01_train"]
    rc, out = _status("--tier", "reduced")
    assert rc == 1 and "01_train" in out and "02_summary" in out  # both stale until the training re-runs


def _git(root, *args):
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


@pytest.mark.slow
def test_above_reduced_only_committed_sources_are_published(toy_root, capsys, monkeypatch):
    monkeypatch.setenv("GENREP_ALLOW_DIRTY", "0")  # restored after the test (replicate --allow-dirty sets it)
    _git(toy_root, "init", "-q")
    _git(toy_root, "-c", "user.email=t@t", "-c", "user.name=t", "add", "chapters")
    _git(toy_root, "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "toy")
    nb = toy_root / "chapters" / "toy" / "01_train.py"
    nb.write_text(nb.read_text().replace("steps = 60", "steps = 62"))
    before = sorted(p for p in toy_root.rglob("results/**/*") if p.is_file())
    assert main(["replicate", "toy", "--tier", "budget", "--notebook", "01_train-a"]) == 1
    out = capsys.readouterr().out
    assert "uncommitted changes in chapters/toy/01_train.py" in out and "--allow-dirty" in out, out
    assert "FAILED after 0.0 s" in out  # refused before it ran, not after
    after = sorted(p for p in toy_root.rglob("results/**/*") if p.is_file() and p.name != "last_failure.json")
    assert after == before

    assert main(["replicate", "toy", "--tier", "budget", "--notebook", "01_train-a", "--allow-dirty"]) == 0
    res = toy_root / "results" / "toy" / "budget" / "01_train-a"
    rec = json.loads((res / "run.json").read_text())
    assert rec["git"]["dirty"] and "chapters/toy/01_train.py" in rec["git"]["dirty_files"]
    assert rec["git"]["commit"] and len(rec["git"]["commit"]) == 40
    assert "steps = 62" in (res / "dirty.diff").read_text()
    rc, out = _status("--tier", "budget")
    assert rc == 1 and "dirty" in out and "uncommitted" in out, out

    # committed: the same run is published clean
    _git(toy_root, "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qam", "more steps")
    monkeypatch.setenv("GENREP_ALLOW_DIRTY", "0")
    assert main(["replicate", "toy", "--tier", "budget", "--notebook", "01_train-a", "--force"]) == 0
    rec = json.loads((res / "run.json").read_text())
    assert rec["git"]["dirty"] is False and not (res / "dirty.diff").exists()


# -- interrupts keep their promises ------------------------------------------------------------------------
def _start(toy_root, *extra):
    import os
    import sys

    env = {**os.environ, "GENREP_ROOT": str(toy_root), "OMP_NUM_THREADS": "1"}
    args = ["replicate", "toy", "--notebook", "01_train", "--no-stage-data", "--set", "step_sleep=0.1", *extra]
    return subprocess.Popen(
        [sys.executable, "-m", "genrep", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=toy_root,
        text=True,
    )


def _wait_for_training(p, toy_root, timeout=300):
    """Read the runner's output until the arm runs, then until its fresh run saved a checkpoint."""
    import time

    seen = ""
    for line in p.stdout:
        seen += line
        if "01_train: running" in line:
            break
    ck = toy_root / "runs" / "toy" / "reduced" / "01_train" / "ckpt.pt"
    forced = ck.with_name("forced.txt")  # written once the forced run has discarded the old checkpoint
    t0 = time.time()
    while not (forced.exists() and ck.exists()) and time.time() - t0 < timeout:
        time.sleep(0.2)
    time.sleep(1.0)
    assert ck.exists(), f"training made no checkpoint in time: {seen}"


@pytest.mark.slow
def test_interrupts_under_a_closed_pipe_under_force_and_by_sigterm_keep_their_promises(toy_root):
    assert main(["replicate", "toy", "--notebook", "01_train"]) == 0  # earlier results, which must survive
    procs = []
    try:
        _interrupts(toy_root, procs)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()


def _interrupts(toy_root, procs):
    import signal

    res = toy_root.joinpath(*RES, "01_train")
    before = (res / "metrics.json").read_bytes()

    # Ctrl-C while the reader of our output (`| tee`) has gone: the run still stops and saves
    p = _start(toy_root, "--force", "--set", "steps=4000")
    procs.append(p)
    _wait_for_training(p, toy_root)
    p.stdout.close()  # tee exited: every later write to the pipe fails
    p.send_signal(signal.SIGINT)
    assert p.wait(timeout=300) == 130
    fail = json.loads((res / "last_failure.json").read_text())
    assert fail["status"] == "interrupted" and "stopped by SIGINT" in fail["error"], fail
    assert (res / "metrics.json").read_bytes() == before

    # the same forced command resumes its own interrupted run instead of discarding the checkpoint
    p = _start(toy_root, "--force", "--set", "steps=4000")
    procs.append(p)
    out = ""
    for line in p.stdout:
        out += line
        if "resumes from it" in line or "discarding" in line:
            break
    p.send_signal(signal.SIGTERM)  # and a SIGTERM is named SIGTERM, not SIGINT
    out += p.stdout.read()
    assert p.wait(timeout=300) == 130, out
    assert "the interrupted forced run resumes from it" in out and "discarding" not in out, out
    assert "SIGTERM received" in out, out
    fail = json.loads((res / "last_failure.json").read_text())
    assert "SIGTERM" in fail["error"] or fail["status"] == "interrupted", fail
    assert (res / "metrics.json").read_bytes() == before


# -- faults named as what they are ----------------------------------------------------------------------
def _fake_earlier_results(toy_root):
    res = toy_root.joinpath(*RES, "01_train")
    res.mkdir(parents=True)
    (res / "run.json").write_text(json.dumps({"status": "ok"}))
    (res / "metrics.json").write_text('{"final_loss": 1.0}')
    return res, {p.name: p.read_bytes() for p in res.iterdir()}


def test_a_full_disk_during_a_run_is_one_line_and_leaves_nothing_behind(toy_root, capsys, monkeypatch):
    import errno
    import os

    rep = importlib.import_module("genrep.runner.replicate")

    res, before = _fake_earlier_results(toy_root)

    def full_disk(arm, base, *a, **k):  # the kernel wrote part of its results, then a checkpoint hit ENOSPC
        tmp = rep.arm_paths(arm)[0].with_name(f".{arm.id}.tmp-{os.getpid()}")
        tmp.mkdir()
        (tmp / "metrics.json").write_text("{")
        raise OSError(errno.ENOSPC, "No space left on device", str(rep.arm_paths(arm)[1] / "ckpt.pt"))

    monkeypatch.setattr(rep, "_run_arm_inner", full_disk)
    assert main(["replicate", "toy", "--notebook", "01_train", "--no-stage-data"]) == 1
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "FAILED" in x)
    assert "no space left on the device of" in line and "GENREP_RUNS" in line and "MB free there" in line, out
    assert "earlier results kept in results/toy/reduced/01_train" in out and "no earlier results" not in out, out
    assert "Traceback" not in out and "no executed notebook was saved" in out
    assert not list(res.parent.glob(".*tmp-*"))
    assert {p.name: p.read_bytes() for p in res.iterdir() if p.name != "last_failure.json"} == before


def test_an_unwritable_folder_is_named_before_anything_runs(toy_root, capsys, monkeypatch):
    import errno

    from genrep.runner import faults

    res, before = _fake_earlier_results(toy_root)

    def denied(path, *a, **k):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(faults, "open", denied, raising=False)
    assert main(["replicate", "toy", "--notebook", "01_train", "--no-stage-data"]) == 1
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "FAILED" in x)
    assert "cannot write to" in line and "permission denied" in line and "GENREP_" in line, out
    assert "FAILED after 0.0 s" in line and "earlier results kept" in out, out
    assert {p.name: p.read_bytes() for p in res.iterdir() if p.name != "last_failure.json"} == before


@pytest.fixture
def tiny_tmpfs(tmp_path):
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)], capture_output=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({r.stderr.decode().strip()}); the injected-error tests cover it")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_a_real_full_runs_folder_is_named_at_once(toy_root, tiny_tmpfs, capsys, monkeypatch):
    monkeypatch.setenv("GENREP_RUNS", str(tiny_tmpfs))
    filler = tiny_tmpfs / "filler"
    with open(filler, "wb") as f:  # fill it to the last block
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError:
            pass
    res, before = _fake_earlier_results(toy_root)
    assert main(["replicate", "toy", "--notebook", "01_train", "--no-stage-data"]) == 1
    out, err = capsys.readouterr()
    lines = [x for x in (out + err).splitlines() if "no space left" in x]
    assert len(lines) == 1 and "GENREP_RUNS" in lines[0] and "MB free there" in lines[0], out + err
    assert "Traceback" not in out + err
    assert {p.name: p.read_bytes() for p in res.iterdir() if p.name != "last_failure.json"} == before


# -- a re-made hand-off: bit-identical, or every reader runs again ----------------------------------------
def _three_notebooks_with_a_handoff(toy_root):
    ch = toy_root / "chapters" / "toy"
    (ch / "03_report.py").write_text(
        (ch / "02_summary.py").read_text().replace("02_summary", "03_report").replace("verdict_counts(", "len(")
    )
    yml = ch / "chapter.yaml"
    text = yml.read_text().replace("  - name: 01_train\n", "  - name: 01_train\n    outputs: [ckpt.pt]\n")
    text = text.replace("    needs: all\n", "    needs: all\n    reads: [01_train]\n", 1)
    yml.write_text(text.replace("errata:", "  - name: 03_report\n    needs: all\nerrata:"))


def _pretend_recorded_handoff_differs(toy_root):
    """Rewrite the records as if 01_train's hand-off had other bytes when it ran (keys kept consistent)."""
    rep = importlib.import_module("genrep.runner.replicate")
    from genrep.runner.chapters import load_chapter

    arms = load_chapter("toy").plan("reduced", check=False)
    keys = {}
    for arm in arms:
        path = rep.arm_paths(arm)[0] / "run.json"
        rec = json.loads(path.read_text())
        if arm.id == "01_train":
            rec["handoff"] = {"ckpt.pt": "0" * 16}
        base = rep.arm_base_key(arm, arms, keys, rec["data"])
        keys[arm.id] = cache.full_key(base, rec["imports"], rec.get("handoff") or None)
        rec.update(base_key=base, cache_key=keys[arm.id], upstream={u: keys[u] for u in rec["upstream"]})
        path.write_text(json.dumps(rec))


@pytest.mark.slow
def test_a_remade_handoff_keeps_the_chapter_consistent(toy_root, capsys):
    _three_notebooks_with_a_handoff(toy_root)
    assert main(["replicate", "toy", "--no-stage-data"]) == 0
    runs = toy_root / "runs" / "toy" / "reduced"
    # bit-identical when re-made (one pinned thread, seeded): the readers that did not run stay cached
    shutil.rmtree(runs)
    capsys.readouterr()
    assert main(["replicate", "toy", "--notebook", "02_summary", "--force", "--no-stage-data"]) == 0
    out = capsys.readouterr().out
    assert "01_train: running (cached, but 02_summary needs its output ckpt.pt" in out, out
    assert "03_report: cached" in out and "re-made to the same keys" in out, out
    assert _status("--tier", "reduced")[0] == 0
    # a hand-off whose bytes differ from the recorded ones: every reader runs again, the summary included
    shutil.rmtree(runs)
    _pretend_recorded_handoff_differs(toy_root)
    assert _status("--tier", "reduced")[0] == 0
    assert main(["replicate", "toy", "--notebook", "02_summary", "--force", "--no-stage-data"]) == 0
    out = capsys.readouterr().out
    assert "03_report: running (an input's hand-off was re-made with different bytes)" in out, out
    assert _status("--tier", "reduced")[0] == 0


def test_a_closed_pipe_is_dropped_not_raised():
    import errno
    import io

    from genrep.runner.console import PipeSafe

    class Closed(io.StringIO):
        def write(self, text):
            raise BrokenPipeError(errno.EPIPE, "closed")

        def flush(self):
            raise BrokenPipeError(errno.EPIPE, "closed")

    out = PipeSafe(Closed())
    assert out.write("abc") == 3 and out.broken
    out.flush()  # silent once broken
    live = PipeSafe(io.StringIO())
    assert live.write("hi") == 2 and live.getvalue() == "hi" and not live.broken

"""``genrep replicate``: run every arm of a chapter at a tier, reusing what is cached, resuming what was
interrupted, publishing the executed notebooks to the book.

Cache (see :mod:`genrep.runner.cache`): the pre-run *base key* of an arm covers its notebook source,
effective parameters, the data manifest and the keys of the arms it depends on; ``run.json`` also records
the ``genrep`` modules the kernel imported with their hashes, and ``cache_key`` combines both. An arm is
skipped when its ``run.json`` says ``ok`` under the same base key and every recorded module file is
unchanged, so editing a library file re-runs only the arms that imported it (and the arms downstream of
them, whose inputs then have new keys).

Safety:

* **One run per chapter and tier.** ``runs/<chapter>/<tier>.lock`` is held (``flock``) for the whole
  run; a second ``replicate`` of the same chapter and tier stops at once. A lock left by a dead process
  holds nothing and is taken over with a note.
* **Atomic arms.** An arm runs into ``results/<chapter>/<tier>/.<arm>.tmp-<pid>/`` (a sibling, so a
  summary still reads the other arms through the parent folder); only on success is it swapped in for
  ``<arm>/``. On failure or interrupt the earlier results stay as they were and ``<arm>/last_failure.json``
  records what happened; the executed notebook goes to ``runs/<chapter>/<tier>/<arm>.failed.ipynb``.
* **Publishing.** Only executed notebooks stamped ``ok`` under the arm's current key (notebook metadata
  ``genrep``) reach ``book/``.
* **Interrupts.** SIGINT/SIGTERM interrupt the running kernels (``train_loop`` saves a checkpoint and
  stops) and start no further arm; a second one stops at once. The closing message promises a resume
  only for an arm whose runs folder holds a checkpoint.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from contextlib import contextmanager
from pathlib import Path

import nbformat

from genrep.data import manifest_hash
from genrep.paths import book_dir, repo_root, results_dir, runs_dir
from genrep.report.book import write_site_pages
from genrep.report.provenance import run_record, write_json
from genrep.report.publish import publish_notebook, thin_figures
from genrep.runtime.signals import SignalHandlers
from genrep.tiers import TIERS

from . import cache, faults
from .chapters import Arm, Chapter, ConfigError, _unknown, load_chapter
from .execute import execute, imports_file, interrupt_kernels, kill_kernels, request_stop, reset_stop, stop_requested
from .gitstate import git_diff, git_sources
from .ray_executor import EXECUTORS, execute_on_ray, require_ray, start


class Busy(RuntimeError):
    """Another ``replicate`` holds the lock of this chapter and tier."""


def data_manifest() -> dict:
    return {"manifest": manifest_hash()}


def _rel(p: Path) -> str:
    try:
        return str(p.relative_to(repo_root()))
    except ValueError:
        return str(p)


def arm_paths(arm: Arm) -> tuple[Path, Path, Path]:
    """(results folder, runs folder for checkpoints, executed-notebook path under runs/)."""
    res = results_dir() / arm.chapter / arm.tier / arm.id
    run = runs_dir() / arm.chapter / arm.tier / arm.id
    return res, run, runs_dir() / arm.chapter / arm.tier / f"{arm.id}.ipynb"


def failed_notebook(arm: Arm) -> Path:
    return runs_dir() / arm.chapter / arm.tier / f"{arm.id}.failed.ipynb"


def injected_params(arm: Arm) -> dict:
    res, run, _ = arm_paths(arm)
    return {**arm.params, "tier": arm.tier, "results_dir": _rel(res), "runs_dir": _rel(run)}


def upstream(arm: Arm, arms: list[Arm]) -> list[Arm]:
    """The arms of ``arms`` whose notebooks ``arm`` needs (they come before it)."""
    return [a for a in arms if a.notebook.name in arm.notebook.needs]


def read_from(arm: Arm, arms: list[Arm]) -> list[Arm]:
    """The arms whose declared outputs ``arm`` reads from runs/ (its notebook's ``reads:``). An arm that names
    some of them in its parameters (``train_arm: 02_dcgan_train-s1``, ``gen_arms: [02_rf_unet-synth, ...]``)
    reads only those."""
    ups = [a for a in arms if a.notebook.name in arm.notebook.reads]
    values = [x for v in arm.params.values() for x in (v if isinstance(v, list | tuple) else [v])]
    named = [a for a in ups if a.id in {v for v in values if isinstance(v, str)}]
    return named or ups


def representative_arms(arms: list[Arm]) -> set[str]:
    """The ids of the arms that exercise every notebook of ``arms`` once: the first arm of each notebook, and
    every arm whose outputs those read (followed up the chain). ``test-notebooks`` executes these; the other
    arms run the same notebooks with other parameters."""
    chosen: dict[str, Arm] = {}
    for a in arms:
        chosen.setdefault(a.notebook.name, a)
    ids = {a.id for a in chosen.values()}
    stack = list(chosen.values())
    while stack:
        for up in read_from(stack.pop(), arms):
            if up.id not in ids:
                ids.add(up.id)
                stack.append(up)
    return ids


def stale_arms(arms: list[Arm]) -> dict[str, str]:
    """``{arm id: why}`` for the arms of one chapter and tier whose committed results are not a cache hit
    under the current notebooks, parameters and library. The data manifest is the one the results record
    (every arm of a tier run shares it), so the answer does not depend on which datasets are staged here."""
    recs = [_read_json(arm_paths(a)[0] / "run.json") for a in arms]
    manifests = {json.dumps(r.get("data"), sort_keys=True) for r in recs if r.get("data")}
    data = json.loads(manifests.pop()) if len(manifests) == 1 else data_manifest()
    keys: dict[str, str | None] = {}
    why: dict[str, str] = {}
    for arm in arms:
        look = cache_lookup(arm, arm_base_key(arm, arms, keys, data))
        keys[arm.id] = look.key
        if look.key is None:
            why[arm.id] = look.why
    return why


def downstream(ids: set[str], arms: list[Arm]) -> set[str]:
    """The arms that depend on any of ``ids``, directly or down the chain."""
    out: set[str] = set()
    frontier = set(ids)
    while frontier:
        nxt = {a.id for a in arms if a.id not in out and any(u.id in frontier for u in upstream(a, arms))}
        out |= nxt
        frontier = nxt
    return out


def missing_outputs(arm: Arm) -> list[str]:
    """The declared ``outputs:`` of ``arm`` (chapter.yaml) that its runs folder lacks. runs/ is not committed,
    so on a clean clone every cached arm lacks them."""
    run = arm_paths(arm)[1]
    return [pat for pat in arm.notebook.outputs if not any(f.is_file() for f in run.glob(pat))]


def reruns_for_outputs(must_run: set[str], arms: list[Arm], keys: dict) -> dict[str, tuple[list[str], str]]:
    """Cached arms that must run again because an arm that runs needs their declared outputs and they are
    missing: ``{arm id: (missing files, id of the arm that needs them)}``, followed up the chain (an arm that
    re-runs may itself need an upstream arm's outputs)."""
    extra: dict[str, tuple[list[str], str]] = {}
    stack = [a for a in arms if a.id in must_run]
    seen = set(must_run)
    while stack:
        arm = stack.pop()
        for up in read_from(arm, arms):
            if up.id in seen or not keys.get(up.id):
                continue
            miss = missing_outputs(up)
            if miss:
                extra[up.id] = (miss, arm.id)
                seen.add(up.id)
                stack.append(up)
    return extra


# ``train_for`` stopped at max_minutes and the notebook raised genrep.train.budget.TrainingPaused
PAUSED_ERROR = "TrainingPaused"
EXIT_PAUSED = 75  # EX_TEMPFAIL: nothing failed; run the same command again to continue


def arm_base_key(arm: Arm, arms: list[Arm], keys: dict, data: dict | None = None) -> str | None:
    """The pre-run key of ``arm``, or None while the cache key of an arm it depends on is unknown (that
    arm has to run first)."""
    ups = {a.id: keys.get(a.id) for a in upstream(arm, arms)}
    if any(k is None for k in ups.values()):
        return None
    return cache.base_key(arm, data if data is not None else data_manifest(), ups, arm_env(arm))


def arm_env(arm: Arm) -> dict:
    """What besides code, parameters and data changes the arm's numbers (part of its base key)."""
    return cache.run_env(arm.threads, arm.params.get("device"))


def cache_lookup(arm: Arm, base: str | None) -> cache.Lookup:
    if base is None:
        return cache.Lookup(None, "an input re-runs")
    res = arm_paths(arm)[0]
    return cache.lookup(_read_json(res / "run.json"), base, res_dir=res)


def source_files(arm: Arm, imports: dict | None = None) -> list[Path]:
    """The files an arm's numbers come from: its notebook, chapter.yaml, the tier file, paper.yaml, and the
    library modules its kernel imported (all of ``lib/genrep`` before the run, when they are not known yet)."""
    ch_dir = arm.notebook.path.parent
    files = [arm.notebook.path, ch_dir / "chapter.yaml", ch_dir / "tiers" / f"{arm.tier}.yaml", ch_dir / "paper.yaml"]
    lib = cache.library_root()
    if imports is None:
        files.append(lib)
    else:
        files += [lib.parent / f for f in imports]
    return files


def allow_dirty() -> bool:
    return os.environ.get("GENREP_ALLOW_DIRTY", "") not in ("", "0")


def dirty_refusal(arm: Arm, state: dict) -> str | None:
    """Why results of ``arm`` may not be published from this working tree (None when they may): above
    ``reduced`` every file a published number comes from must be committed, so that the commit a reader
    checks out re-makes it. ``--allow-dirty`` (GENREP_ALLOW_DIRTY=1) publishes anyway, with the diff stored."""
    if arm.tier == "reduced" or allow_dirty() or not state.get("dirty"):
        return None
    files = state["dirty_files"]
    more = f" and {len(files) - 5} more" if len(files) > 5 else ""
    return (
        f"uncommitted changes in {', '.join(files[:5])}{more}: the {arm.tier} tier publishes only from committed "
        f"sources (commit them first, or pass --allow-dirty to publish with the diff stored beside the results)"
    )


def compute_keys(
    arms: list[Arm], chapter: Chapter | None = None, as_recorded: set[str] | None = None
) -> tuple[dict, dict, dict]:
    """(cache keys, base keys, lookups) of ``arms`` in dependency order: the cache key of an arm that is a
    cache hit, else None (it is known once the arm has run); the base key, else None while an input's key
    is unknown. Arms in ``as_recorded`` that are not current but finished earlier count with the key their
    ``run.json`` records (``--inputs-as-recorded``: re-run a summary over the committed results of its inputs)."""
    data = data_manifest()
    keys: dict[str, str | None] = {}
    bases: dict[str, str | None] = {}
    looks: dict[str, cache.Lookup] = {}
    for arm in arms:
        bases[arm.id] = arm_base_key(arm, arms, keys, data)
        looks[arm.id] = cache_lookup(arm, bases[arm.id])
        keys[arm.id] = looks[arm.id].key
        if keys[arm.id] is None and as_recorded and arm.id in as_recorded:
            rec = _read_json(arm_paths(arm)[0] / "run.json")
            if rec.get("status") == "ok" and rec.get("cache_key"):
                keys[arm.id] = rec["cache_key"]
                looks[arm.id] = cache.Lookup(rec["cache_key"], f"as recorded, though {looks[arm.id].why}")
    return keys, bases, looks


def _read_json(path: Path) -> dict:
    try:
        out = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return out if isinstance(out, dict) else {}


def is_cached(arm: Arm, key: str) -> bool:
    res, _, _ = arm_paths(arm)
    rec = _read_json(res / "run.json")
    return rec.get("status") == "ok" and rec.get("cache_key") == key


# -- lock --------------------------------------------------------------------------------------------
def lock_path(chapter: str, tier: str) -> Path:
    return runs_dir() / chapter / f"{tier}.lock"


@contextmanager
def chapter_lock(chapter: str, tier: str):
    """Hold ``runs/<chapter>/<tier>.lock`` (``flock``) for the block; raise :class:`Busy` when another
    process holds it. A lock file left by a dead process is taken over (the kernel released its lock)."""
    import fcntl

    path = lock_path(chapter, tier)
    path.parent.mkdir(parents=True, exist_ok=True)
    f = open(path, "a+")
    try:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        f.seek(0)
        holder = f.read().strip() or "unknown"
        f.close()
        raise Busy(
            f"another replicate (pid {holder}) is running {chapter}/{tier}; wait for it to finish "
            f"or stop it (kill -INT {holder})"
        ) from None
    except OSError as e:  # a file system without locks: run unlocked rather than not at all
        print(f"warning: cannot lock {_rel(path)} ({e}); running without the lock", flush=True)
    try:
        f.seek(0)
        old = f.read().strip()
        if old and old != str(os.getpid()):
            print(f"note: taking over the lock of {chapter}/{tier} from pid {old}, no longer running", flush=True)
        f.seek(0)
        f.truncate()
        f.write(f"{os.getpid()}\n")
        f.flush()
    except OSError:  # e.g. a full runs folder: release the file before the error is reported
        f.close()
        raise
    try:
        yield
    finally:
        f.seek(0)
        f.truncate()
        f.flush()
        f.close()  # closing the file releases the flock


def _clean_leftovers(chapter: str, tier: str) -> None:
    """Remove temporary folders and notebooks of killed runs (the lock is held, so none is live); an
    interrupted swap (``<arm>`` gone, ``.<arm>.old-<pid>`` present) is rolled back."""
    res_base, runs_base = results_dir() / chapter / tier, runs_dir() / chapter / tier
    for old in sorted(res_base.glob(".*.old-*")) if res_base.is_dir() else []:
        final = old.with_name(old.name[1:].rsplit(".old-", 1)[0])
        if not final.exists():
            old.rename(final)
            print(f"note: restored {_rel(final)} (a run was killed while swapping it)", flush=True)
        else:
            shutil.rmtree(old, ignore_errors=True)
    for base in (res_base, runs_base):
        for p in sorted(base.glob(".*.tmp-*")) if base.is_dir() else []:
            if p.is_dir():
                shutil.rmtree(p, ignore_errors=True)
            else:
                p.unlink(missing_ok=True)


# -- checkpoints -------------------------------------------------------------------------------------
def find_checkpoint(run: Path) -> tuple[Path, int, int | None] | None:
    """(path, step, total steps) of a ``train_loop`` checkpoint under ``run``, or None."""
    import torch

    if not run.is_dir():
        return None
    for p in sorted(run.rglob("*")):
        if not p.is_file() or p.suffix not in (".pt", ".ckpt", ".pth"):
            continue
        try:
            payload = torch.load(p, map_location="cpu", weights_only=False, mmap=True)
        except Exception:
            try:
                payload = torch.load(p, map_location="cpu", weights_only=False)
            except Exception:
                continue
        if isinstance(payload, dict) and "step" in payload and "state" in payload:
            return p, int(payload["step"]), payload.get("total_steps")
    return None


def _prepare_runs_dir(arm: Arm, key: str, force: bool) -> None:
    """Keep a checkpoint only when it belongs to this exact configuration, ``key`` being the base key
    (notebook, parameters, data, inputs); a library edit keeps it (the resume says which files changed).
    ``--force`` starts afresh, except to resume its own interrupted forced run of the same configuration
    (``forced.txt``), so that "run the same command again to resume" holds for a forced run too."""
    _, run, _ = arm_paths(arm)
    stamp, forced = run / "cache_key.txt", run / "forced.txt"
    own_forced = force and forced.is_file() and forced.read_text().strip() == key
    if run.exists() and not own_forced and (force or not stamp.exists() or stamp.read_text().strip() != key):
        if any(run.iterdir()):
            why = "--force" if force else "a different configuration"
            print(f"      discarding checkpoints in {_rel(run)} ({why})", flush=True)
        shutil.rmtree(run)
    elif run.exists():
        ck = find_checkpoint(run)
        if ck is not None:
            of = f" of {ck[2]}" if ck[2] else ""
            what = "the interrupted forced run" if own_forced else "the run"
            print(f"      found a checkpoint (step {ck[1]}{of}) in {_rel(ck[0])}: {what} resumes from it", flush=True)
            old = _read_json(run / "library.json")
            now = cache.library_snapshot()
            changed = sorted(f for f in set(old) | set(now) if old.get(f) != now.get(f)) if old else []
            if changed:
                more = f" and {len(changed) - 5} more" if len(changed) > 5 else ""
                print(
                    f"      note: library files changed since the checkpoint was saved: "
                    f"{', '.join(changed[:5])}{more} (FORCE=1 starts afresh)",
                    flush=True,
                )
            return
    run.mkdir(parents=True, exist_ok=True)
    stamp.write_text(key + "\n")
    if force:
        forced.write_text(key + "\n")
    write_json(run / "library.json", cache.library_snapshot())


# -- one arm -----------------------------------------------------------------------------------------
def _finish_notebook(path: Path, arm: Arm, tmp_rel: str, final_rel: str, dest: Path, key: str, status: str) -> None:
    """Point the executed notebook at the final results folder and its final path, and stamp it with the
    cache key and status (publishing copies only notebooks stamped ok under the current key)."""
    if not path.exists():
        return
    try:
        nb = nbformat.reads(path.read_text().replace(tmp_rel, final_rel), as_version=4)
    except Exception:  # an unreadable notebook (kernel died mid-write): leave it as it is
        return
    pm = nb.metadata.get("papermill")
    if isinstance(pm, dict):
        pm.update(input_path=_rel(arm.notebook.path), output_path=_rel(dest))
    nb.metadata["genrep"] = {"cache_key": key, "status": status}
    nbformat.write(nb, path)


def _data_sources(res: Path) -> set[str]:
    """The ``data_source`` values an arm's metrics.json records ('real', 'stand-in', ...), at any depth."""
    found: set[str] = set()

    def walk(v):
        if isinstance(v, dict):
            for k, x in v.items():
                if k == "data_source" and isinstance(x, str):
                    found.add(x)
                else:
                    walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    walk(_read_json(res / "metrics.json"))
    return found


def standin_refusal(arm: Arm, new: Path, old: Path) -> str | None:
    """Why results made on a procedural stand-in may not be published (None when they may).

    A tier above ``reduced`` promises real data, and committed real-data results are never replaced by
    stand-in ones; ``--allow-standins`` (GENREP_ALLOW_STANDINS=1) lifts both."""
    if os.environ.get("GENREP_ALLOW_STANDINS", "") not in ("", "0"):
        return None
    if "stand-in" not in _data_sources(new):
        return None
    fix = (
        "stage the real data with `make data` (GENREP_DATA_SOURCE names a local mirror), or pass "
        "--allow-standins to publish stand-in results anyway"
    )
    if arm.tier != "reduced":
        return f"ran on a procedural stand-in, but the {arm.tier} tier promises real data: {fix}"
    if "real" in _data_sources(old):
        return f"ran on a procedural stand-in where the earlier results used real data (kept): {fix}"
    return None


def _swap_in(new: Path, final: Path) -> None:
    old = final.with_name(f".{final.name}.old-{os.getpid()}")
    if final.exists():
        final.rename(old)
    new.rename(final)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)


def _run_arm(arm: Arm, base: str, *args, **kw) -> tuple[str, str, float, str | None]:
    """:func:`_run_arm_inner`, with a full disk or an unwritable folder reported as one line naming the folder
    and the variable that moves it (checked before the run too), and no temporary folder left behind."""
    t0 = time.time()
    res, run, executed = arm_paths(arm)
    need = faults.tree_mb(run)
    bad = faults.preflight([res.parent, run.parent, executed.parent])
    if bad:
        return _failed(arm, "failed", bad, 0.0, base, None)
    try:
        st, err, secs, key = _run_arm_inner(arm, base, *args, **kw)
    except OSError as e:
        msg = faults.describe(e, run, need)
        if msg is None:
            raise
        tag = f"tmp-{os.getpid()}"
        shutil.rmtree(res.with_name(f".{res.name}.{tag}"), ignore_errors=True)
        executed.with_name(f".{arm.id}.{tag}.ipynb").unlink(missing_ok=True)
        return _failed(arm, "failed", msg, time.time() - t0, base, None)
    if st == "failed":
        low_space = any(shutil.disk_usage(p).free < 8 * 2**20 for p in (run.parent, res.parent) if p.exists())
        named = faults.describe_text(err, run) or (
            faults.describe(OSError(28, "No space left on device"), run, need) if low_space else None
        )
        if named:
            err = f"{named} (the notebook said: {err[:160]})"
            _record_error(arm, err)
    return st, err, secs, key


def _record_error(arm: Arm, err: str) -> None:
    path = arm_paths(arm)[0] / "last_failure.json"
    rec = _read_json(path)
    if rec:
        try:
            write_json(path, {**rec, "error": err})
        except OSError:
            pass


def _run_arm_inner(
    arm: Arm,
    base: str,
    force: bool,
    jobs: int,
    slot: int,
    procs: dict,
    upstream_keys: dict | None = None,
    executor: str = "local",
    extra_record: dict | None = None,
) -> tuple[str, str, float, str | None]:
    """Run one arm (pre-run key ``base``) into temporary paths; swap the results in on success. Returns
    (status, error, seconds, cache key) with status ``ok``, ``failed``, ``paused`` (the notebook raised
    ``TrainingPaused`` at ``max_minutes``; its checkpoint resumes it) or ``interrupted``; the cache key
    (base key + the hashes of the modules the kernel imported + the hand-off files it left) only when ok."""

    res, run, executed = arm_paths(arm)
    refusal = dirty_refusal(arm, git_sources(source_files(arm)))
    if refusal:  # before an hour of work, not after it
        return _failed(arm, "failed", refusal, 0.0, base, None)
    _prepare_runs_dir(arm, base, force)
    snapshot = cache.library_snapshot()  # the library as this run starts
    tag = f"tmp-{os.getpid()}"
    tmp_res = res.with_name(f".{res.name}.{tag}")
    tmp_nb = executed.with_name(f".{arm.id}.{tag}.ipynb")
    if tmp_res.exists():
        shutil.rmtree(tmp_res)
    tmp_res.mkdir(parents=True)
    inj = injected_params(arm)
    run_inj = {**inj, "results_dir": _rel(tmp_res)}
    if executor == "ray":
        ok, err, secs = execute_on_ray(arm, run_inj, inj, tmp_nb, tmp_res)
    elif jobs == 1:
        with pinned_threads(arm.threads):  # the kernel inherits this process's environment
            ok, err, secs = execute(arm, run_inj, tmp_nb, live=True, shown=inj)
    else:
        log = executed.with_suffix(".log")
        ok, err, secs = _execute_subprocess(arm, run_inj, inj, tmp_nb, log, slot, procs, jobs)
    record = imports_file(tmp_nb)
    kernel_imports = _read_json(record)
    record.unlink(missing_ok=True)
    if ok and not isinstance(kernel_imports.get("modules"), dict):  # {} is fine: a notebook without genrep
        ok, err = (
            False,
            (
                f"the kernel did not record its genrep imports ({_rel(record)} is missing or "
                f"unreadable), so the cache could not key this run"
            ),
        )
    unwritten = missing_outputs(arm) if ok else []
    if unwritten:
        ok, err = (
            False,
            (
                f"the notebook did not write its declared output(s) {', '.join(unwritten)} to {_rel(run)} "
                f"(chapter.yaml, outputs: of {arm.notebook.name})"
            ),
        )
    if ok:
        refusal = standin_refusal(arm, tmp_res, res)
        if refusal:
            ok, err = False, refusal
    imports = cache.import_hashes(cache.imported_files(kernel_imports), snapshot) if ok else {}
    git = git_sources(source_files(arm, imports)) if ok else {}
    if ok:
        refusal = dirty_refusal(arm, git)  # a file edited while the arm ran
        if refusal:
            ok, err = False, refusal
    handoff = cache.handoff_hashes(run, arm.notebook.outputs) if ok else {}
    key = cache.full_key(base, imports, handoff or None) if ok else None
    status = (
        "ok" if ok else "interrupted" if stop_requested() else "paused" if err.startswith(PAUSED_ERROR) else "failed"
    )
    _finish_notebook(
        tmp_nb,
        arm,
        run_inj["results_dir"],
        inj["results_dir"],
        executed if ok else failed_notebook(arm),
        key or base,
        status,
    )
    if not ok:
        if tmp_nb.exists():
            tmp_nb.replace(failed_notebook(arm))
        return _failed(arm, status, err, secs, base, tmp_res)
    if git.get("dirty"):  # published anyway (--allow-dirty): what differed from the commit, beside the results
        (tmp_res / "dirty.diff").write_text(git_diff(git["dirty_files"]))
    thin_figures(tmp_res)  # committed figures as palette PNGs where that saves a third
    rec = run_record(
        chapter=arm.chapter,
        tier=arm.tier,
        arm=arm.id,
        notebook=arm.notebook.name,
        params=inj,
        cache_key=key,
        wall_s=secs,
        status="ok",
        data=data_manifest(),
        executed=_rel(executed),
        extra={
            **_throughput(tmp_res),
            "key_scheme": cache.KEY_SCHEME,
            "notebook_code": cache.notebook_code_hash(arm.notebook.source),
            "base_key": base,
            "env": arm_env(arm),
            "upstream": upstream_keys or {},
            "imports": imports,
            "handoff": handoff,
            "results": cache.result_hashes(tmp_res),
            "git": {**git, "allow_dirty": bool(git.get("dirty"))},
            **(extra_record or {}),
        },
    )
    write_json(tmp_res / "run.json", rec)
    (run / "forced.txt").unlink(missing_ok=True)  # finished: the next --force starts afresh
    if tmp_nb.exists():
        tmp_nb.replace(executed)
    _swap_in(tmp_res, res)
    failed_notebook(arm).unlink(missing_ok=True)
    return status, err, secs, key


def _failed(arm: Arm, status: str, err: str, secs: float, base: str, tmp_res: Path | None):
    """Record a run that did not finish (``last_failure.json``); the earlier results stay as they were."""
    res = arm_paths(arm)[0]
    kept = _read_json(res / "run.json").get("status") == "ok"
    if tmp_res is not None:
        shutil.rmtree(tmp_res, ignore_errors=True)
    try:
        _write_failure(res, status, err, secs, base, arm, kept)
    except OSError as e:  # the results folder itself cannot take it: the message still says what happened
        print(f"      (could not write {_rel(res / 'last_failure.json')}: {faults.describe(e, res) or e})", flush=True)
    return status, err, secs, None


def _write_failure(res: Path, status: str, err: str, secs: float, base: str, arm: Arm, kept: bool) -> None:
    write_json(
        res / "last_failure.json",
        {
            "status": status,
            "error": err,
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "wall_s": round(secs, 2),
            "base_key": base,
            "params": injected_params(arm),
            "executed_notebook": _rel(failed_notebook(arm)),
            "earlier_results_kept": kept,
        },
    )


@contextmanager
def pinned_threads(threads: int | None):
    """Run the block with every BLAS/OpenMP/torch thread pool of the kernels it starts sized to ``threads``
    (the tier's pinned count; None leaves the environment alone)."""
    if not threads:
        yield
        return
    saved = {v: os.environ.get(v) for v in BLAS_THREAD_VARS}
    os.environ.update({v: str(threads) for v in BLAS_THREAD_VARS})
    try:
        yield
    finally:
        for v, old in saved.items():
            if old is None:
                os.environ.pop(v, None)
            else:
                os.environ[v] = old


def _throughput(res: Path) -> dict:
    m = _read_json(res / "metrics.json")
    return {"throughput": m["throughput"]} if "throughput" in m else {}


BLAS_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def arm_job_env(environ: dict, jobs: int, threads: int | None) -> dict:
    """A parallel arm's environment: the tier's pinned thread count where it has one, else :func:`job_env`."""
    if threads:
        return {**environ, **{v: str(threads) for v in BLAS_THREAD_VARS}}
    return job_env(environ, jobs)


def job_env(environ: dict, jobs: int, cpus: int | None = None) -> dict:
    """The environment of one of ``jobs`` parallel arms: each BLAS/OpenMP thread pool a user has not sized gets
    its share of the cores. Left at its default, numpy's OpenBLAS starts one thread per core in every job, and
    its threads spin against the other jobs' (measured here: a 256-row Fréchet distance 15-40× slower with two
    jobs on two cores)."""
    env = dict(environ)
    share = str(max(1, (cpus or os.cpu_count() or 1) // max(1, jobs)))
    for var in BLAS_THREAD_VARS:
        env.setdefault(var, share)
    return env


def _execute_subprocess(
    arm: Arm, inj: dict, shown: dict, executed: Path, log: Path, slot: int, procs: dict, jobs: int = 1
) -> tuple[bool, str, float]:
    """One arm in a child process (so each can have its own GPU); output goes to a log file. The child
    has its own session: the runner forwards interrupts to it (SIGINT: save and stop; SIGTERM: stop now)."""
    env = arm_job_env(os.environ, jobs, arm.threads)
    try:
        import torch

        ngpu = torch.cuda.device_count()
    except Exception:  # pragma: no cover
        ngpu = 0
    if ngpu > 1 and "CUDA_VISIBLE_DEVICES" not in os.environ:
        env["CUDA_VISIBLE_DEVICES"] = str(slot % ngpu)
    log.parent.mkdir(parents=True, exist_ok=True)
    spec = {
        "chapter": arm.chapter,
        "tier": arm.tier,
        "notebook": arm.notebook.name,
        "arm": arm.arm,
        "params": arm.params,
        "threads": arm.threads,
        "injected": inj,
        "shown": shown,
        "executed": str(executed),
    }
    with open(log, "w") as f:
        p = subprocess.Popen(
            [sys.executable, "-m", "genrep.runner.worker", json.dumps(spec)],
            env=env,
            stdout=f,
            stderr=subprocess.STDOUT,
            cwd=repo_root(),
            start_new_session=True,
        )
        procs[p.pid] = p
        try:
            p.wait()
        finally:
            procs.pop(p.pid, None)
    try:
        out = json.loads(log.read_text().strip().splitlines()[-1])
        return bool(out["ok"]), out["error"], float(out["secs"])
    except (ValueError, KeyError, IndexError):
        return False, f"worker exited with code {p.returncode}; see {_rel(log)}", 0.0


# -- interrupts --------------------------------------------------------------------------------------
class _Interrupts(SignalHandlers):
    """SIGINT/SIGTERM while arms run: the first interrupts the kernels (and worker processes) so training
    saves a checkpoint and stops; a second raises ``KeyboardInterrupt`` (stop now)."""

    signals = (signal.SIGINT, signal.SIGTERM)

    def __init__(self, procs: dict):
        self.procs = procs
        self.signum: int | None = None

    def _handle(self, signum, frame):
        if self.signum is not None:
            raise KeyboardInterrupt
        self.signum = signum
        request_stop()
        print(
            f"\n{signal.Signals(signum).name} received: interrupting the running notebook(s) so that "
            f"training saves a checkpoint; no further arm starts (send it again to stop at once)",
            file=sys.stderr,
            flush=True,
        )
        interrupt_kernels(signum)  # the kernels get the signal the runner got, so training names it
        for p in list(self.procs.values()):
            _send(p.pid, signal.SIGINT if signum == signal.SIGINT else signal.SIGUSR1)

    def hard_stop(self) -> None:
        for p in list(self.procs.values()):
            _send(p.pid, signal.SIGTERM)
        kill_kernels()


def _send(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


# -- publishing --------------------------------------------------------------------------------------
def published_tier(chapter: str) -> str | None:
    try:
        return json.loads((book_dir() / chapter / "published.json").read_text())["tier"]
    except (OSError, ValueError, KeyError):
        return None


def _notebook_stamp(path: Path) -> dict | None:
    try:
        return dict(nbformat.read(path, as_version=4).metadata.get("genrep") or {})
    except Exception:
        return None


def _publishable(arm: Arm, key: str) -> str | None:
    """Why the executed notebook of ``arm`` may not go to the book (None when it may)."""
    res, _, executed = arm_paths(arm)
    if not is_cached(arm, key):
        return "its results are not ok under the current configuration"
    if not executed.exists():
        return f"its executed notebook {_rel(executed)} is missing"
    stamp = _notebook_stamp(executed)
    if not stamp or stamp.get("cache_key") != key or stamp.get("status") != "ok":
        return f"its executed notebook {_rel(executed)} is not from the run that made its results"
    return None


def publish(ch: Chapter, tier: str, arms: list[Arm], keys: dict[str, str]) -> bool:
    """Copy executed notebooks into book/<chapter>/ unless a higher tier is already published there. Only
    notebooks stamped ok under the current key are copied; a tier change happens only when all of them are."""
    cur = published_tier(ch.name)
    rank = {t: i for i, t in enumerate(TIERS)}
    if cur is not None and rank.get(cur, -1) > rank[tier]:
        print(
            f"book/{ch.name} shows the {cur} tier; this {tier} run stays in results/ and runs/ "
            f"(a lower tier never overwrites a higher one)",
            flush=True,
        )
        return False
    dest = book_dir() / ch.name
    why = {a.id: _publishable(a, keys[a.id]) for a in arms}
    bad = {k: v for k, v in why.items() if v}
    if cur != tier and bad:
        print(
            f"book/{ch.name} not updated to tier {tier}: "
            + "; ".join(f"{k}: {v}" for k, v in bad.items())
            + f" (re-run them: make replicate CHAPTER={ch.name} CONFIG={tier} FORCE=1 NOTEBOOK=...)",
            flush=True,
        )
        return False
    dest.mkdir(parents=True, exist_ok=True)
    if cur != tier:  # a new tier replaces the old notebooks wholesale
        for p in dest.glob("*.ipynb"):
            p.unlink()
    for arm in arms:
        target = dest / f"{arm.id}.ipynb"
        if not why[arm.id]:
            publish_notebook(arm_paths(arm)[2], target)  # cleaned for readers: no paths, no progress bars
        elif target.exists():
            stamp = _notebook_stamp(target) or {}
            if stamp.get("cache_key") not in (None, keys[arm.id]):
                target.unlink()  # a notebook of another configuration would contradict the results
                print(f"removed book/{ch.name}/{arm.id}.ipynb: {why[arm.id]}", flush=True)
        if not target.exists():
            print(
                f"book/{ch.name}/{arm.id}.ipynb is missing: {why[arm.id]} (regenerate it: make replicate "
                f"CHAPTER={ch.name} CONFIG={tier} FORCE=1 NOTEBOOK={arm.notebook.name})",
                flush=True,
            )
    write_json(dest / "published.json", {"tier": tier, "arms": [a.id for a in arms]})
    return True


def refresh_page(arm: Arm, target: Path) -> bool:
    """Bring the published notebook ``target`` of a cached arm up to date with its source's markdown, comments
    and layout (edits that keep the cache key, so nothing executes): cells are matched one to one, the run's
    outputs stay. Returns whether the page changed; a notebook whose cells do not line up is left alone."""
    import jupytext

    try:
        src = jupytext.reads(arm.notebook.source, fmt="py:percent").cells
        nb = nbformat.read(target, as_version=4)
    except Exception:
        return False
    skip = {"injected-parameters", "run-parameters"}
    body = [c for c in nb.cells if not skip & set(c.get("metadata", {}).get("tags", []))]
    if len(body) != len(src) or any(a.cell_type != b.cell_type for a, b in zip(body, src, strict=True)):
        return False
    if any(
        a.cell_type == "code" and cache.python_code_hash(a.source) != cache.python_code_hash(b.source)
        for a, b in zip(body, src, strict=True)
    ):
        return False  # code that differs: not the page of this run
    changed, titled = False, arm.arm is None
    for cell, new in zip(body, src, strict=True):
        text = new.source
        if cell.cell_type == "markdown" and not titled and text.lstrip().startswith("# "):
            first, _, rest = text.lstrip().partition("\n")
            text = f"{first} — {arm.arm}" + ("\n" + rest if rest else "")
            titled = True
        if cell.source != text:
            cell.source, changed = text, True
    if changed:
        nbformat.write(nb, target)
    return changed


def refresh_pages(ch: Chapter, tier: str, arms: list[Arm], ran: set[str]) -> list[str]:
    """:func:`refresh_page` for every published arm of the tier that did not run now; returns the arms updated."""
    if published_tier(ch.name) != tier:
        return []
    done = []
    for arm in arms:
        target = book_dir() / ch.name / f"{arm.id}.ipynb"
        if arm.id not in ran and target.exists() and refresh_page(arm, target):
            done.append(arm.id)
    return done


def _book_incomplete(chapter: str, tier: str, arms: list[Arm]) -> bool:
    return published_tier(chapter) == tier and any(not (book_dir() / chapter / f"{a.id}.ipynb").exists() for a in arms)


# -- the command -------------------------------------------------------------------------------------
def replicate(
    chapter: str,
    tier: str = "reduced",
    only: list[str] | None = None,
    overrides: dict | None = None,
    force: bool = False,
    jobs: int | None = None,
    do_publish: bool = True,
    allow_standins: bool = False,
    executor: str = "local",
    allow_dirty: bool = False,
    inputs_as_recorded: bool = False,
) -> int:
    """Run a chapter; returns a process exit code (0 when every arm succeeded or was cached, 130 when
    interrupted). ``jobs=None`` takes the tier's ``jobs:`` (else 1). Results made on procedural stand-ins are
    refused above ``reduced`` and where they would replace real-data results, unless ``allow_standins``;
    results from uncommitted sources are refused above ``reduced`` unless ``allow_dirty``. With
    ``inputs_as_recorded`` the selected arms (``only``) read the arms they need as those last ran, even when
    those are no longer current (their run.json names them in ``inputs_as_recorded``)."""
    if allow_standins:
        os.environ["GENREP_ALLOW_STANDINS"] = "1"
    if allow_dirty:
        os.environ["GENREP_ALLOW_DIRTY"] = "1"
    if inputs_as_recorded and not only:
        raise ConfigError("--inputs-as-recorded needs --notebook: it re-runs the selected arms over recorded inputs")
    if tier not in TIERS:
        raise _unknown("tier", tier, TIERS)
    if jobs is not None and (not isinstance(jobs, int) or jobs < 1):
        raise ConfigError(f"--jobs must be an integer >= 1, got {jobs!r}")

    if executor not in EXECUTORS:
        raise _unknown("executor", executor, EXECUTORS)
    ch = load_chapter(chapter)
    if jobs is None:
        jobs = ch.tier_jobs(tier)
    ch.plan(tier, only, overrides)  # every name, type and constraint is validated before anything runs
    full = ch.plan(tier, None, overrides, check=False)
    if executor == "ray":
        start(require_ray())
        jobs = max(jobs, len(full))  # Ray queues the tasks by the resources they ask for
    with chapter_lock(chapter, tier):
        _clean_leftovers(chapter, tier)
        return _replicate(ch, tier, only, overrides or {}, full, force, jobs, do_publish, executor, inputs_as_recorded)


def _replicate(
    ch: Chapter,
    tier: str,
    only,
    overrides: dict,
    full: list[Arm],
    force: bool,
    jobs: int,
    do_publish: bool,
    executor: str = "local",
    inputs_as_recorded: bool = False,
) -> int:
    chapter = ch.name
    selected = [a for a in full if a.selected_by(only)]
    # keys over the whole chapter, so a filtered run shares them; an arm that must run gets its key (and
    # its dependents their base keys) once it has run
    recorded = {a.id for a in full if a not in selected} if inputs_as_recorded else None
    keys, bases, looks = compute_keys(full, ch, recorded)
    stale_inputs = sorted(k for k in recorded or () if not looks[k].key or looks[k].why.startswith("as recorded"))
    data = data_manifest()
    # cached inputs whose hand-off files (runs/, not committed) are gone run again first, without --force
    extra = reruns_for_outputs({a.id for a in selected if force or not keys[a.id]}, full, keys)
    # a re-made hand-off may differ from the recorded one (then its producer gets a new key): every arm that
    # read the old one, down the chain, is checked again once its inputs are done, and runs unless its key holds
    conditional = downstream(set(extra), full) - {a.id for a in selected} - set(extra)
    arms = [a for a in full if a in selected or a.id in extra or a.id in conditional]
    by_id = {a.id: a for a in full}
    n = len(arms)
    t_start = time.time()
    print(
        f"replicate {chapter} at tier {tier}: {n} arm(s), "
        + (f"on Ray ({os.environ.get('RAY_ADDRESS') or 'a local runtime'})" if executor == "ray" else f"jobs={jobs}"),
        flush=True,
    )
    status: dict[str, str] = {a.id: "ok" for a in full if a not in arms and keys[a.id]}
    todo = []
    reason: dict[str, str] = {}
    for i, arm in enumerate(arms, 1):
        if arm.id in extra:
            miss, needer = extra[arm.id]
            reason[arm.id] = (
                f"cached, but {needer} needs its output{'s' if len(miss) > 1 else ''} "
                f"{', '.join(miss)}, missing from {_rel(arm_paths(arm)[1])}"
            )
            keys[arm.id] = None
            todo.append((i, arm))
        elif arm.id in conditional:
            keys[arm.id] = None  # decided once its inputs have re-run
            todo.append((i, arm))
        elif not force and keys[arm.id]:
            status[arm.id] = "ok"
            print(f"[{i}/{n}] {arm.id}: cached (key {keys[arm.id][:8]})", flush=True)
        else:
            keys[arm.id] = None  # unknown until it has run (also under --force)
            todo.append((i, arm))

    def deps(arm: Arm) -> list[str]:
        return [a.id for a in upstream(arm, full)]

    base_looks = None

    def why_missing(dep: str) -> str:
        nonlocal base_looks
        if overrides and base_looks is None:
            base_looks = compute_keys(ch.plan(tier, None, None, check=False), ch)[2]
        if base_looks and base_looks[dep].key:
            names = [k for k in overrides if k in by_id[dep].notebook.params]
            what = f"--set {', '.join(names)}" if names else "the --set values (through its own inputs)"
            return (
                f"{dep}, which has run at this tier but not with {what}; run it too: "
                f"--notebook {by_id[dep].notebook.name}"
            )
        return f"{dep}, which has not run at this tier"

    reset_stop()
    procs: dict = {}
    pending = list(todo)
    running: dict = {}
    slots: dict = {}  # future -> GPU slot (a worker's CUDA_VISIBLE_DEVICES with several GPUs)
    hint: list[str] = []
    pool = ThreadPoolExecutor(max_workers=jobs)
    with _Interrupts(procs) as sig:
        try:
            while pending or running:
                if sig.signum is not None:
                    for _, arm in pending:
                        status[arm.id] = "not started"
                    pending = []
                for i, arm in list(pending):
                    ds = deps(arm)
                    queued = {a.id for _, a in pending + list(running.values())}
                    missing = [d for d in ds if d not in status and d not in queued]
                    bad = [d for d in ds if status.get(d) not in (None, "ok")]
                    if bad or missing:
                        status[arm.id] = "skipped"
                        paused = [d for d in bad if status.get(d) == "paused"]
                        parts = (
                            [f"{', '.join(d for d in bad if d not in paused)}, which did not finish"]
                            if len(paused) < len(bad)
                            else []
                        )
                        parts += [f"{', '.join(paused)}, which paused"] if paused else []
                        parts += [why_missing(d) for d in missing]
                        hint += [p for p in parts if "run it too" in p or "has not run" in p]
                        print(f"[{i}/{n}] {arm.id}: skipped (needs {'; '.join(parts)})", flush=True)
                        pending.remove((i, arm))
                    elif all(status.get(d) == "ok" for d in ds) and len(running) < jobs:
                        pending.remove((i, arm))
                        base = arm_base_key(arm, full, keys, data)  # its inputs' keys are all known now
                        if arm.id in conditional:
                            looks[arm.id] = cache_lookup(arm, base)
                            if looks[arm.id].key:
                                keys[arm.id], status[arm.id] = looks[arm.id].key, "ok"
                                print(
                                    f"[{i}/{n}] {arm.id}: cached (key {keys[arm.id][:8]}; its inputs were re-made "
                                    f"to the same keys)",
                                    flush=True,
                                )
                                continue
                            reason[arm.id] = "an input's hand-off was re-made with different bytes"
                        if base != bases[arm.id]:  # an input has run since the plan
                            bases[arm.id], looks[arm.id] = base, cache_lookup(arm, base)
                            if not force and looks[arm.id].key:  # it ran to the key this arm was made with
                                keys[arm.id], status[arm.id] = looks[arm.id].key, "ok"
                                print(
                                    f"[{i}/{n}] {arm.id}: cached (key {keys[arm.id][:8]}; its inputs "
                                    f"re-ran to the same keys)",
                                    flush=True,
                                )
                                continue
                        forced = force and arm.id not in extra
                        why = reason.get(arm.id) or (
                            "--force" if forced else _why_run(arm, looks[arm.id], {d: keys[d] for d in ds})
                        )
                        print(f"[{i}/{n}] {arm.id}: running ({why}) ...", flush=True)
                        slot = min(set(range(jobs)) - set(slots.values()))
                        stale = [d for d in ds if d in stale_inputs]
                        fut = pool.submit(
                            _run_arm,
                            arm,
                            base,
                            forced,
                            jobs,
                            slot,
                            procs,
                            {d: keys[d] for d in ds},
                            executor,
                            {"inputs_as_recorded": stale} if stale else None,
                        )
                        running[fut], slots[fut] = (i, arm), slot
                if not running:
                    continue
                done, _ = wait(list(running), return_when=FIRST_COMPLETED)
                for fut in done:
                    i, arm = running.pop(fut)
                    slots.pop(fut)
                    try:
                        st, err, secs, key = fut.result()
                    except Exception as e:  # a bug in the runner itself: report it like a failed arm
                        st, err, secs, key = "failed", f"{type(e).__name__}: {e}", 0.0, None
                    status[arm.id], keys[arm.id] = st, key
                    if st == "ok":
                        print(f"[{i}/{n}] {arm.id}: done in {secs:.1f} s", flush=True)
                    elif st == "paused":
                        ck = find_checkpoint(arm_paths(arm)[1])
                        at = f" at step {ck[1]}" + (f" of {ck[2]}" if ck[2] else "") if ck else ""
                        print(
                            f"[{i}/{n}] {arm.id}: PAUSED after {secs:.1f} s — {err.split(': ', 1)[-1]}\n"
                            f"      its checkpoint{at} is kept in {_rel(arm_paths(arm)[1])}; earlier results "
                            f"are kept; the same command continues it",
                            flush=True,
                        )
                    else:
                        res = arm_paths(arm)[0]
                        kept = _read_json(res / "run.json").get("status") == "ok"
                        fnb = failed_notebook(arm)
                        where = f"executed notebook: {_rel(fnb)}" if fnb.exists() else "no executed notebook was saved"
                        print(
                            f"[{i}/{n}] {arm.id}: {st.upper()} after {secs:.1f} s — {err}\n"
                            f"      {where}\n"
                            f"      {'earlier results kept in' if kept else 'no earlier results in'} {_rel(res)}"
                            + (" (see last_failure.json)" if (res / "last_failure.json").exists() else ""),
                            flush=True,
                        )
        except KeyboardInterrupt:
            sig.hard_stop()
            pool.shutdown(wait=False, cancel_futures=True)
            lines = ["\nstopped at once: running arms were killed without saving; earlier results are kept."]
            for _, arm in running.values():
                lines.append(_resume_line(arm))
            print("\n".join(lines), file=sys.stderr, flush=True)
            return 130
    pool.shutdown(wait=True)
    total = time.time() - t_start
    if sig.signum is not None:
        return _report_interrupt(ch, tier, arms, status, total)
    not_ok = [a.id for a in arms if status.get(a.id) != "ok"]
    if not_ok:
        failed = [a for a in not_ok if status.get(a) == "failed"]
        paused = [a for a in not_ok if status.get(a) == "paused"]
        msg = (
            f"{len(not_ok)} of {n} arm(s) did not finish: {', '.join(not_ok)} ({total:.1f} s). Finished "
            f"arms are kept, and arms that did not finish keep their earlier results."
        )
        if failed:
            msg += " Fix the cause shown above; then the same command runs only what did not finish."
        elif paused:
            msg += (
                f" Paused at max_minutes: {', '.join(paused)}; run the same command again to continue from "
                f"the checkpoint{'s' if len(paused) > 1 else ''}."
            )
        elif hint:
            msg += " Run the missing inputs first (or leave out --notebook)."
        print(msg, flush=True)
        return EXIT_PAUSED if paused and not failed else 1
    if do_publish:
        refreshed = refresh_pages(ch, tier, full, {a.id for _, a in todo})
        if refreshed:
            print(f"book/{chapter}: text of {', '.join(refreshed)} updated from the notebooks (nothing executed)")
    if do_publish and (todo or _book_incomplete(chapter, tier, full)):
        if all(status.get(a.id) == "ok" for a in full):
            if publish(ch, tier, full, keys):
                write_site_pages()
        else:
            print(
                f"book/{chapter} not updated: the whole chapter has not run at tier {tier} yet "
                f"(make replicate CHAPTER={chapter} CONFIG={tier})",
                flush=True,
            )
    print(
        f"replicate {chapter} ({tier}): all {n} arm(s) ok in {total:.1f} s; results in "
        f"{_rel(results_dir() / chapter / tier)}",
        flush=True,
    )
    return 0


def _why_run(arm: Arm, look: cache.Lookup, ups: dict) -> str:
    """Why ``arm`` runs, naming the inputs whose keys changed when that is the reason."""
    if look.why.startswith("its notebook"):
        rec_up = _read_json(arm_paths(arm)[0] / "run.json").get("upstream")
        if isinstance(rec_up, dict):
            changed = [d for d, k in ups.items() if rec_up.get(d) != k]
            if changed:
                return f"input{'s' if len(changed) > 1 else ''} {', '.join(changed)} re-ran with a new key"
    return look.why


def _report_interrupt(ch: Chapter, tier: str, arms: list[Arm], status: dict, total: float) -> int:
    lines = [f"interrupted after {total:.1f} s: finished arms are kept; interrupted arms keep their earlier results."]
    resumable = False
    for arm in arms:
        st = status.get(arm.id)
        if st == "interrupted":
            line = _resume_line(arm)
            resumable = resumable or "resumes" in line
            lines.append(line)
        elif st == "not started":
            lines.append(f"  {arm.id}: not started")
    lines.append(f"Run the same command again to {'resume' if resumable else 'continue'}.")
    print("\n".join(lines), file=sys.stderr, flush=True)
    return 130


def _resume_line(arm: Arm) -> str:
    """What the next run does with an interrupted arm: resume from its checkpoint, or start afresh."""
    ck = find_checkpoint(arm_paths(arm)[1])
    if ck is None:
        return f"  {arm.id}: stopped before a checkpoint was saved; the next run starts it from the beginning"
    of = f" of {ck[2]}" if ck[2] else ""
    return f"  {arm.id}: checkpoint at step {ck[1]}{of} in {_rel(ck[0])}; the next run resumes from it"

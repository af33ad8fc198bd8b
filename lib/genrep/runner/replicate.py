"""``genrep replicate``: run every arm of a chapter at a tier, reusing what is cached, resuming what was
interrupted, publishing the executed notebooks to the book.

Cache key of an arm = sha256 of (notebook source, effective parameters, genrep source hash, data manifest
hash, keys of the arms it depends on). An arm whose ``run.json`` says ``ok`` under the same key is skipped.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from pathlib import Path

from genrep.paths import book_dir, repo_root, results_dir, runs_dir
from genrep.report.provenance import run_record, source_hash, write_json
from genrep.report.tables import TIERS

from .chapters import Arm, Chapter, load_chapter
from .execute import execute


def data_manifest() -> dict:
    try:
        from genrep.data import manifest_hash
    except ImportError:  # pragma: no cover - data package always present in a full install
        return {"manifest": "none"}
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


def injected_params(arm: Arm) -> dict:
    res, run, _ = arm_paths(arm)
    return {**arm.params, "tier": arm.tier, "results_dir": _rel(res), "runs_dir": _rel(run)}


def compute_keys(arms: list[Arm], chapter: Chapter) -> dict[str, str]:
    src, data = source_hash(), data_manifest()
    keys: dict[str, str] = {}
    for arm in arms:
        deps = sorted(keys[a.id] for a in arms if a.notebook.name in arm.notebook.needs and a.id in keys)
        blob = json.dumps({"nb": hashlib.sha256(arm.notebook.source.encode()).hexdigest(), "params": arm.params,
                           "arm": arm.id, "tier": arm.tier, "genrep": src, "data": data, "deps": deps},
                          sort_keys=True, default=str)
        keys[arm.id] = hashlib.sha256(blob.encode()).hexdigest()[:20]
    return keys


def is_cached(arm: Arm, key: str) -> bool:
    res, _, _ = arm_paths(arm)
    try:
        rec = json.loads((res / "run.json").read_text())
    except (OSError, ValueError):
        return False
    return rec.get("status") == "ok" and rec.get("cache_key") == key


def _prepare_runs_dir(arm: Arm, key: str, force: bool) -> None:
    """Keep a checkpoint only when it belongs to this exact configuration (so a resume is faithful)."""
    _, run, _ = arm_paths(arm)
    stamp = run / "cache_key.txt"
    if run.exists() and (force or not stamp.exists() or stamp.read_text().strip() != key):
        if any(run.iterdir()):
            why = "--force" if force else "a different configuration"
            print(f"      discarding checkpoints in {_rel(run)} ({why})", flush=True)
        shutil.rmtree(run)
    elif run.exists() and any(p.name != "cache_key.txt" for p in run.iterdir()):
        print(f"      found checkpoints in {_rel(run)}: the run resumes from them", flush=True)
    run.mkdir(parents=True, exist_ok=True)
    stamp.write_text(key + "\n")


def _run_arm(arm: Arm, key: str, force: bool, jobs: int, slot: int) -> tuple[bool, str, float]:
    res, run, executed = arm_paths(arm)
    _prepare_runs_dir(arm, key, force)
    if res.exists():
        shutil.rmtree(res)  # no stale files from an earlier configuration
    res.mkdir(parents=True)
    inj = injected_params(arm)
    if jobs == 1:
        ok, err, secs = execute(arm, inj, executed, live=True)
    else:
        ok, err, secs = _execute_subprocess(arm, inj, executed, slot)
    rec = run_record(chapter=arm.chapter, tier=arm.tier, arm=arm.id, notebook=arm.notebook.name,
                     params=inj, cache_key=key, wall_s=secs, status="ok" if ok else "failed",
                     data=data_manifest(), executed=_rel(executed), extra=_throughput(res))
    if not ok:
        rec["error"] = err
    write_json(res / "run.json", rec)
    return ok, err, secs


def _throughput(res: Path) -> dict:
    try:
        m = json.loads((res / "metrics.json").read_text())
    except (OSError, ValueError):
        return {}
    return {"throughput": m["throughput"]} if "throughput" in m else {}


def _execute_subprocess(arm: Arm, inj: dict, executed: Path, slot: int) -> tuple[bool, str, float]:
    """One arm in a child process (so each can have its own GPU); output goes to a log file."""
    env = dict(os.environ)
    try:
        import torch

        ngpu = torch.cuda.device_count()
    except Exception:  # pragma: no cover
        ngpu = 0
    if ngpu > 1 and "CUDA_VISIBLE_DEVICES" not in os.environ:
        env["CUDA_VISIBLE_DEVICES"] = str(slot % ngpu)
    log = executed.with_suffix(".log")
    log.parent.mkdir(parents=True, exist_ok=True)
    spec = {"chapter": arm.chapter, "tier": arm.tier, "notebook": arm.notebook.name, "arm": arm.arm,
            "params": arm.params, "injected": inj, "executed": str(executed)}
    with open(log, "w") as f:
        p = subprocess.run([sys.executable, "-m", "genrep.runner.worker", json.dumps(spec)], env=env,
                           stdout=f, stderr=subprocess.STDOUT, cwd=repo_root())
    try:
        out = json.loads(log.read_text().strip().splitlines()[-1])
        return bool(out["ok"]), out["error"], float(out["secs"])
    except (ValueError, KeyError, IndexError):
        return False, f"worker exited with code {p.returncode}; see {_rel(log)}", 0.0


def published_tier(chapter: str) -> str | None:
    try:
        return json.loads((book_dir() / chapter / "published.json").read_text())["tier"]
    except (OSError, ValueError, KeyError):
        return None


def publish(ch: Chapter, tier: str, arms: list[Arm]) -> bool:
    """Copy executed notebooks into book/<chapter>/ unless a higher tier is already published there."""
    cur = published_tier(ch.name)
    if cur is not None and TIERS.index(cur) > TIERS.index(tier):
        print(f"book/{ch.name} shows the {cur} tier; this {tier} run stays in results/ and runs/ "
              f"(a lower tier never overwrites a higher one)", flush=True)
        return False
    dest = book_dir() / ch.name
    dest.mkdir(parents=True, exist_ok=True)
    if cur != tier:  # a new tier replaces the old notebooks wholesale
        for p in dest.glob("*.ipynb"):
            p.unlink()
    for arm in arms:
        _, _, executed = arm_paths(arm)
        if executed.exists():
            shutil.copy2(executed, dest / f"{arm.id}.ipynb")
    write_json(dest / "published.json", {"tier": tier, "arms": [a.id for a in arms]})
    return True


def replicate(chapter: str, tier: str = "reduced", only: list[str] | None = None, overrides: dict | None = None,
              force: bool = False, jobs: int = 1, do_publish: bool = True) -> int:
    """Run a chapter; returns a process exit code (0 when every arm succeeded or was cached)."""
    if tier not in TIERS:
        from .chapters import _unknown

        raise _unknown("tier", tier, TIERS)
    ch = load_chapter(chapter)
    ch.plan(tier, only, overrides)  # every name (notebooks in `only` too) is validated before anything runs
    full = ch.plan(tier, None, overrides)
    keys = compute_keys(full, ch)  # keys over the whole chapter, so a filtered run shares them
    arms = [a for a in full if not only or a.notebook.name in only]
    n = len(arms)
    t_start = time.time()
    print(f"replicate {chapter} at tier {tier}: {n} arm(s), jobs={jobs}", flush=True)
    status: dict[str, str] = {a.id: "ok" for a in full if a not in arms and is_cached(a, keys[a.id])}
    todo = []
    for i, arm in enumerate(arms, 1):
        if not force and is_cached(arm, keys[arm.id]):
            status[arm.id] = "ok"
            print(f"[{i}/{n}] {arm.id}: cached (key {keys[arm.id][:8]})", flush=True)
        else:
            todo.append((i, arm))

    def deps(arm: Arm) -> list[str]:
        return [a.id for a in full if a.notebook.name in arm.notebook.needs]

    pending = list(todo)
    running = {}
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        slot = 0
        while pending or running:
            for i, arm in list(pending):
                ds = deps(arm)
                missing = [d for d in ds if d not in status and d not in {a.id for _, a in pending + list(
                    running.values())}]
                bad = [d for d in ds if status.get(d) in ("failed", "skipped")] + missing
                if bad:
                    status[arm.id] = "skipped"
                    print(f"[{i}/{n}] {arm.id}: skipped (needs {', '.join(bad)}, which did not finish"
                          f"{' or has not run at this tier' if missing else ''})", flush=True)
                    pending.remove((i, arm))
                elif all(status.get(d) == "ok" for d in ds) and len(running) < max(1, jobs):
                    print(f"[{i}/{n}] {arm.id}: running ...", flush=True)
                    running[pool.submit(_run_arm, arm, keys[arm.id], force, jobs, slot)] = (i, arm)
                    slot += 1
                    pending.remove((i, arm))
            if not running:
                continue
            done, _ = wait(list(running), return_when=FIRST_COMPLETED)
            for fut in done:
                i, arm = running.pop(fut)
                try:
                    ok, err, secs = fut.result()
                except KeyboardInterrupt:
                    raise
                except Exception as e:  # a bug in the runner itself: report it like a failed arm
                    ok, err, secs = False, f"{type(e).__name__}: {e}", 0.0
                status[arm.id] = "ok" if ok else "failed"
                _, _, executed = arm_paths(arm)
                if ok:
                    print(f"[{i}/{n}] {arm.id}: done in {secs:.1f} s", flush=True)
                else:
                    print(f"[{i}/{n}] {arm.id}: FAILED after {secs:.1f} s — {err}\n"
                          f"      executed notebook: {_rel(executed)}", flush=True)
    failed = [a.id for a in arms if status.get(a.id) != "ok"]
    total = time.time() - t_start
    if failed:
        print(f"{len(failed)} of {n} arm(s) did not finish: {', '.join(failed)} ({total:.1f} s). "
              f"Finished arms are kept; run the same command again to retry the rest.", flush=True)
        return 1
    if do_publish and todo:
        if all(status.get(a.id) == "ok" for a in full):
            if publish(ch, tier, full):
                from genrep.report.book import write_site_pages

                write_site_pages()
        else:
            print(f"book/{chapter} not updated: the whole chapter has not run at tier {tier} yet "
                  f"(make replicate CHAPTER={chapter} CONFIG={tier})", flush=True)
    print(f"replicate {chapter} ({tier}): all {n} arm(s) ok in {total:.1f} s; results in "
          f"{_rel(results_dir() / chapter / tier)}", flush=True)
    return 0

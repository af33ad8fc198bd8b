"""Provenance: what produced a results folder (``run.json``), and the hashes the replicate cache keys on."""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
import time
from pathlib import Path

from genrep.paths import PACKAGE_DIR, repo_root
from genrep.runtime.device import device_name
from genrep.runtime.hashing import feed_file


def source_hash() -> str:
    """sha256 over every source file and asset of the installed ``genrep`` package (path + bytes).

    Editing any library file changes it, so the replicate cache re-runs notebooks that import the library
    (jupyter-cache would not notice imported code).
    """
    h = hashlib.sha256()
    for p in sorted(PACKAGE_DIR.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts and p.suffix not in {".pyc"}:
            h.update(str(p.relative_to(PACKAGE_DIR)).encode())
            h.update(b"\0")
            feed_file(h, p)
    return h.hexdigest()[:16]


def git_info(root: Path | None = None) -> dict:
    root = root or repo_root()
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10
        ).stdout.strip()
        dirty = bool(
            subprocess.run(
                ["git", "status", "--porcelain", "--", "lib", "chapters"],
                cwd=root,
                capture_output=True,
                text=True,
                timeout=10,
            ).stdout.strip()
        )
    except (OSError, subprocess.SubprocessError):
        commit, dirty = "", None
    return {"commit": commit or None, "dirty": dirty}


def device_info() -> dict:
    import torch

    if torch.cuda.is_available():
        name = torch.cuda.get_device_name(0)
        count = torch.cuda.device_count()
    elif getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        name, count = "Apple MPS", 1
    else:
        name, count = device_name("cpu"), 0
    return {"device": name, "gpus": count, "torch": torch.__version__, "python": platform.python_version()}


def run_record(
    *,
    chapter: str,
    tier: str,
    arm: str,
    notebook: str,
    params: dict,
    cache_key: str,
    wall_s: float,
    status: str,
    data: dict,
    executed: str | None,
    extra: dict | None = None,
) -> dict:
    rec = {
        "chapter": chapter,
        "tier": tier,
        "arm": arm,
        "notebook": notebook,
        "status": status,
        "params": params,
        "seed": params.get("seed"),
        "cache_key": cache_key,
        "genrep_hash": source_hash(),
        "git": git_info(),
        **device_info(),
        "wall_s": round(wall_s, 2),
        "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "data": data,
        "executed_notebook": executed,
    }
    if extra:
        rec.update(extra)
    return rec


def write_json(path: str | Path, obj: dict) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(obj, indent=2, sort_keys=False, default=str) + "\n")
    tmp.replace(path)
    return path

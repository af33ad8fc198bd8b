"""Where an arm's sources stand in git: the commit checked out and which of the files it used differ from it.

Lives in the runner (not in ``genrep.report``) because only the runner process asks: kernels never import it, so
editing it changes no arm's cache key.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from genrep.paths import repo_root


def _git(args: list[str], root: Path) -> str | None:
    try:
        out = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout if out.returncode == 0 else None


def git_sources(paths, root: Path | None = None) -> dict:
    """The commit checked out and, of ``paths`` (files an arm used), those that differ from it: modified,
    staged, untracked or deleted. ``{"commit": sha | None, "dirty": bool | None, "dirty_files": [...]}``;
    outside a git checkout commit and dirty are None."""
    root = Path(root or repo_root())
    rels = []
    for p in paths:
        p = Path(p)
        try:
            rels.append((p if not p.is_absolute() else p.resolve().relative_to(root.resolve())).as_posix())
        except ValueError:
            continue
    commit = (_git(["rev-parse", "HEAD"], root) or "").strip() or None
    if commit is None:
        return {"commit": None, "dirty": None, "dirty_files": []}
    dirty: list[str] = []
    for i in range(0, len(rels), 200):
        out = _git(["status", "--porcelain", "--untracked-files=all", "--", *rels[i : i + 200]], root)
        if out is None:
            return {"commit": commit, "dirty": None, "dirty_files": []}
        dirty += [line[3:].strip().split(" -> ")[-1] for line in out.splitlines() if line.strip()]
    dirty = sorted(set(dirty))
    return {"commit": commit, "dirty": bool(dirty), "dirty_files": dirty}


def git_diff(files, root: Path | None = None) -> str:
    """The uncommitted changes of ``files`` against HEAD (untracked files in full), for results published from
    a dirty tree (``--allow-dirty``)."""
    root = Path(root or repo_root())
    files = list(files)
    text = (_git(["diff", "HEAD", "--", *files], root) or "") if files else ""
    for f in files:
        p = root / f
        tracked = _git(["ls-files", "--error-unmatch", "--", f], root)
        if tracked is None and p.is_file():
            text += f"--- /dev/null\n+++ b/{f}\n" + "".join("+" + line for line in p.read_text().splitlines(True))
    return text

"""Faults named as what they are: a full disk or an unwritable folder in runs/, results/ or book/ becomes one line
naming the folder, the variable that moves it and the space free there, instead of a traceback, a misleading
"NotJSONError" or a claim that earlier results are gone."""

from __future__ import annotations

import errno
import os
import shutil
import uuid
from pathlib import Path

from genrep.paths import book_dir, results_dir, runs_dir

NO_SPACE = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
NO_WRITE = (errno.EACCES, errno.EPERM, errno.EROFS)


def folders() -> list[tuple[str, Path]]:
    """(variable, folder) of every place the runner writes."""
    return [("GENREP_RUNS", runs_dir()), ("GENREP_RESULTS", results_dir()), ("GENREP_BOOK", book_dir())]


def _owner(path: Path | str | None) -> tuple[str, Path] | None:
    """The (variable, folder) that ``path`` lies in, if any."""
    if path is None:
        return None
    p = Path(path).absolute()
    for var, base in folders():
        try:
            p.relative_to(base.absolute())
            return var, base
        except ValueError:
            continue
    return None


def _suspect(err: int) -> tuple[str, Path] | None:
    """For an error that names no file: the runner's folder that is full (or not writable)."""
    for var, base in folders():
        if not base.exists():
            continue
        try:
            if err in NO_SPACE and shutil.disk_usage(base).free < 2**20:
                return var, base
            if err in NO_WRITE and not os.access(base, os.W_OK):
                return var, base
        except OSError:
            continue
    return None


def _free_mb(path: Path) -> str:
    p = Path(path)
    while not p.exists() and p != p.parent:
        p = p.parent
    try:
        return f"{shutil.disk_usage(p).free / 2**20:,.0f} MB free there"
    except OSError:
        return "free space unknown"


def describe(e: BaseException, hint_path: Path | None = None, need_mb: float | None = None) -> str | None:
    """One line for a full-disk or permission error (None for any other error)."""
    if not isinstance(e, OSError) or e.errno not in NO_SPACE + NO_WRITE:
        return None
    where = _owner(e.filename) or _owner(hint_path) or _suspect(e.errno)
    var, base = where if where else (None, Path(e.filename or hint_path or "."))
    move = f"; or point {var} at another folder" if var else ""
    if e.errno in NO_SPACE:
        need = f" (the arm's last run left about {need_mb:,.0f} MB)" if need_mb else ""
        return f"no space left on the device of {base} ({_free_mb(base)}){need}: free some space{move}"
    return f"cannot write to {base} ({os.strerror(e.errno).lower()}): make it writable{move}"


def describe_text(text: str, hint_path: Path | None = None) -> str | None:
    """The same for an error that reached us as text (a kernel's traceback, e.g. a checkpoint save)."""
    low = text or ""
    if "[Errno 28]" in low or "No space left on device" in low:
        return describe(OSError(errno.ENOSPC, "No space left on device"), hint_path)
    if "[Errno 13]" in low or "[Errno 30]" in low:
        return describe(OSError(errno.EACCES, "Permission denied"), hint_path)
    return None


def preflight(paths: list[Path]) -> str | None:
    """Can each folder be created and written? Checked before an arm runs, so that an unwritable folder is
    reported at once rather than after the work (None when all can)."""
    for p in paths:
        try:
            p.mkdir(parents=True, exist_ok=True)
            probe = p / f".write-probe-{uuid.uuid4().hex[:8]}"
            with open(probe, "wb") as f:
                f.write(b"\0" * 4096)
                f.flush()
                os.fsync(f.fileno())
            probe.unlink()
        except OSError as e:
            return describe(e, p) or f"cannot use {p}: {e}"
    return None


def tree_mb(path: Path) -> float:
    """Size of the files under ``path`` in MB (0 when it does not exist)."""
    if not Path(path).exists():
        return 0.0
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file()) / 2**20

"""Cache keys that follow what a run used.

An arm's **base key** is known before it runs: sha256 of its notebook source, effective parameters, arm
and tier, the data manifest and the keys of the arms it depends on. Its **imports** are the ``genrep``
modules its kernel had imported when the notebook finished (read from ``sys.modules`` by a last cell the
runner appends, see :func:`genrep.runner.execute.execute`), each with the sha256 of its file, e.g.
``{"genrep/report/tables.py": "3f1c…"}``. Its **cache key** combines the two
(:func:`full_key`); ``run.json`` records all three.

An arm is a cache hit when its ``run.json`` says ``ok``, its ``base_key`` equals the current one and every
recorded import still hashes the same (a deleted file is a change). A ``run.json`` without an import
record (made before this scheme) is a miss. Modules that only the runner process imported
(``genrep.runner``, ``genrep.cli``) do not count: the kernel is a process of its own.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from genrep.paths import PACKAGE_DIR
from genrep.runtime.hashing import file_hexdigest

PACKAGE = "genrep"


def library_root() -> Path:
    """The folder of the ``genrep`` package whose files the imports are hashed from (tests point it at a
    copy, so they can edit the library without touching the real one)."""
    return PACKAGE_DIR


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def file_hash(rel: str, root: Path | None = None) -> str | None:
    """sha256 prefix of the library file ``rel`` (``genrep/...``); None when it does not exist."""
    root = root or library_root()
    parts = Path(rel).parts
    if not parts or parts[0] != PACKAGE:
        return None
    try:
        return file_hexdigest(root.joinpath(*parts[1:]))[:16]
    except OSError:
        return None


def library_snapshot(root: Path | None = None) -> dict[str, str]:
    """``genrep/<path>`` -> hash of every Python source file of the library (taken when an arm starts, so
    the imports of a long run are recorded as they were when it began; a file edited during the run then
    makes the next check a miss rather than a false hit)."""
    root = root or library_root()
    out = {}
    for p in sorted(root.rglob("*.py")):
        if "__pycache__" not in p.parts and p.is_file():
            try:
                out[f"{PACKAGE}/{p.relative_to(root).as_posix()}"] = file_hexdigest(p)[:16]
            except OSError:
                pass
    return out


def imported_files(record: dict) -> list[str]:
    """``genrep/<path>`` of each module in a kernel's import record ``{"package": dir, "modules": {name:
    file}}`` (files outside the package folder, and modules without a file, are left out)."""
    pkg = record.get("package")
    mods = record.get("modules")
    if not pkg or not isinstance(mods, dict):
        return []
    base = Path(pkg)
    out = set()
    for name, f in mods.items():
        if not (name == PACKAGE or str(name).startswith(PACKAGE + ".")) or not f:
            continue
        try:
            rel = Path(f).relative_to(base)
        except ValueError:
            continue
        out.add(f"{PACKAGE}/{rel.as_posix()}")
    return sorted(out)


def import_hashes(files: list[str], snapshot: dict | None = None, root: Path | None = None) -> dict:
    """``{file: hash}`` for the imported ``files``: from ``snapshot`` when it has them, else hashed now."""
    snapshot = snapshot or {}
    return {f: snapshot.get(f) or file_hash(f, root) for f in sorted(files)}


def imports_digest(imports: dict) -> str:
    return _sha(json.dumps(sorted(imports.items()), default=str).encode())


def base_key(arm, data: dict, upstream: dict[str, str]) -> str:
    """The pre-run key: notebook source, effective parameters, arm, tier, data manifest, upstream keys."""
    blob = json.dumps(
        {
            "nb": hashlib.sha256(arm.notebook.source.encode()).hexdigest(),
            "params": arm.params,
            "arm": arm.id,
            "tier": arm.tier,
            "data": data,
            "deps": dict(sorted(upstream.items())),
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


def full_key(base: str, imports: dict) -> str:
    """The cache key of a finished run: its base key and the hashes of the modules it imported."""
    return hashlib.sha256(f"{base}:{imports_digest(imports)}".encode()).hexdigest()[:20]


def changed_imports(imports: dict, root: Path | None = None) -> list[str]:
    """Recorded imports whose file now hashes differently (or is gone, or was never hashed)."""
    return [f for f, h in sorted(imports.items()) if h is None or file_hash(f, root) != h]


@dataclass
class Lookup:
    """What the cache says about an arm: ``key`` is its cache key when it is a hit, else None and ``why``
    says what changed (shown on the "running" line)."""

    key: str | None
    why: str = ""


def lookup(rec: dict, base: str, root: Path | None = None) -> Lookup:
    """Is the finished run recorded in ``rec`` (a ``run.json``) valid for the pre-run key ``base``?"""
    if not rec:
        return Lookup(None, "no earlier run")
    if rec.get("status") != "ok":
        return Lookup(None, "the earlier run did not finish")
    if rec.get("base_key") is None or not isinstance(rec.get("imports"), dict):
        return Lookup(None, "its run.json predates the import record")
    if rec["base_key"] != base:
        return Lookup(None, "its notebook, parameters, data or inputs changed")
    imports = rec["imports"]
    changed = changed_imports(imports, root)
    if changed:
        gone = [f for f in changed if file_hash(f, root) is None]
        shown = ", ".join(f + (" (deleted)" if f in gone else "") for f in changed[:3])
        more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
        return Lookup(None, f"{shown}{more} changed")
    key = full_key(base, imports)
    if rec.get("cache_key") != key:
        return Lookup(None, "its run.json has an inconsistent cache key")
    return Lookup(key)


# The cell the runner appends to every notebook it executes: it writes the kernel's genrep modules to
# ``path`` (a JSON file beside the executed notebook) and leaves nothing behind in the namespace.
RECORD_CELL = """\
def __genrep_record_imports(path):
    import json, os, sys
    pkg = sys.modules.get("genrep")
    mods = {n: getattr(m, "__file__", None) for n, m in list(sys.modules.items())
            if m is not None and (n == "genrep" or n.startswith("genrep."))}
    with open(path, "w") as f:
        init = getattr(pkg, "__file__", None)
        json.dump({"package": os.path.dirname(os.path.abspath(init)) if init else None,
                   "modules": {n: os.path.abspath(v) for n, v in mods.items() if v}}, f)
__genrep_record_imports(__PATH__)
del __genrep_record_imports
"""
RECORD_TAG = "genrep-record-imports"


def record_cell_source(path: Path) -> str:
    return RECORD_CELL.replace("__PATH__", repr(str(path)))

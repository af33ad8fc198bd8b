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

**What counts as a change.** Python files are hashed by their syntax tree with docstrings removed
(:func:`code_hash`), notebooks by their code cells (:func:`notebook_code_hash`): a docstring, comment,
formatting or markdown edit keeps the cache; any change to code does not. Besides code, parameters and
data, the base key holds what else can change numbers (:func:`base_key`'s ``env``): the pinned thread
count of the tier, the torch version (major.minor) and the device type.
"""

from __future__ import annotations

import ast
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


KEY_SCHEME = 2  # 1: file bytes; 2: syntax trees without docstrings, notebook code cells, env in the base key


def _strip_docstrings(tree: ast.AST) -> ast.AST:
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant):
                if isinstance(body[0].value.value, str):
                    node.body = body[1:] or [ast.Pass()]
    return tree


def python_code_hash(source: str | bytes) -> str:
    """sha256 prefix of Python ``source`` by its syntax tree without docstrings: comments, docstrings and
    formatting do not change it, any change to the code does. Source that does not parse is hashed as text."""
    text = source.decode("utf-8", "replace") if isinstance(source, bytes) else source
    try:
        tree = _strip_docstrings(ast.parse(text))
    except (SyntaxError, ValueError):
        return _sha(("text:" + text).encode())
    return _sha(ast.dump(tree, annotate_fields=True, include_attributes=False).encode())


def code_hash(path: Path) -> str:
    """:func:`python_code_hash` of a ``.py`` file; the sha256 prefix of the bytes of any other file."""
    path = Path(path)
    if path.suffix == ".py":
        return python_code_hash(path.read_bytes())
    return file_hexdigest(path)[:16]


def notebook_code_hash(source: str) -> str:
    """sha256 prefix of a jupytext (percent) notebook's code: each code cell by :func:`python_code_hash` (IPython
    syntax that does not parse counts as text) with its tags (``parameters`` matters to papermill). Markdown
    cells, comments and formatting do not count."""
    import jupytext

    nb = jupytext.reads(source, fmt="py:percent")
    cells = [
        [python_code_hash(c.source), sorted(c.get("metadata", {}).get("tags", []))]
        for c in nb.cells
        if c.cell_type == "code" and c.source.strip()
    ]
    return _sha(json.dumps(cells).encode())


def file_hash(rel: str, root: Path | None = None) -> str | None:
    """:func:`code_hash` of the library file ``rel`` (``genrep/...``); None when it does not exist."""
    root = root or library_root()
    parts = Path(rel).parts
    if not parts or parts[0] != PACKAGE:
        return None
    try:
        return code_hash(root.joinpath(*parts[1:]))
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
                out[f"{PACKAGE}/{p.relative_to(root).as_posix()}"] = code_hash(p)
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


def base_key(arm, data: dict, upstream: dict[str, str], env: dict | None = None) -> str:
    """The pre-run key: notebook code, effective parameters, arm, tier, data manifest, upstream keys, and
    ``env`` (threads, torch version, device type: what else changes numbers; see :func:`run_env`)."""
    blob = json.dumps(
        {
            "scheme": KEY_SCHEME,
            "nb": notebook_code_hash(arm.notebook.source),
            "params": arm.params,
            "arm": arm.id,
            "tier": arm.tier,
            "data": data,
            "deps": dict(sorted(upstream.items())),
            "env": env or {},
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


def full_key(base: str, imports: dict, handoff: dict | None = None) -> str:
    """The cache key of a finished run: its base key, the hashes of the modules it imported and, for an arm
    that leaves files for later arms (``outputs:``), the hashes of those files: a re-made hand-off whose bytes
    differ gets a new key, so every arm that read the old one runs again."""
    tail = f":{_sha(json.dumps(sorted(handoff.items())).encode())}" if handoff else ""
    return hashlib.sha256(f"{base}:{imports_digest(imports)}{tail}".encode()).hexdigest()[:20]


def torch_version() -> str:
    """major.minor of the installed torch (patch releases and build tags such as +cu130 do not count)."""
    try:
        from importlib.metadata import version

        v = version("torch")
    except Exception:  # pragma: no cover - torch is a dependency
        return "unknown"
    return ".".join(v.split("+")[0].split(".")[:2])


def device_type(requested: object = None) -> str:
    """The device type an arm runs on: its ``device`` parameter when it names one, else cuda when available."""
    if isinstance(requested, str) and requested.split(":")[0] in ("cpu", "cuda", "mps"):
        return requested.split(":")[0]
    try:
        import torch

        if torch.cuda.is_available():
            return "cuda"
        mps = getattr(torch.backends, "mps", None)
        if mps is not None and mps.is_available():
            return "mps"
    except Exception:  # pragma: no cover
        pass
    return "cpu"


def run_env(threads: int | None, device: object = None) -> dict:
    """What besides code, parameters and data changes an arm's numbers: the pinned CPU thread count (None when
    the tier does not pin it), the torch version and the device type."""
    return {"threads": threads, "torch": torch_version(), "device": device_type(device)}


VOLATILE_KEYS = ("elapsed_s",)  # wall-clock time a checkpoint carries: not part of what a reader reads


def _feed(h, obj) -> None:
    import numpy as np
    import torch

    if isinstance(obj, torch.Tensor):
        t = obj.detach().cpu().reshape(-1).contiguous()  # 0-d tensors (step counters) as 1-d: viewable as bytes
        h.update(f"T{t.dtype}{tuple(obj.shape)}".encode())
        h.update(t.view(torch.uint8).numpy().tobytes() if t.numel() else b"")
    elif isinstance(obj, np.ndarray):
        h.update(f"A{obj.dtype}{obj.shape}".encode())
        h.update(np.ascontiguousarray(obj).tobytes())
    elif isinstance(obj, dict):
        h.update(b"{")
        for k in sorted(obj, key=repr):
            if k in VOLATILE_KEYS:
                continue
            h.update(repr(k).encode())
            _feed(h, obj[k])
        h.update(b"}")
    elif isinstance(obj, (list, tuple)):
        h.update(b"[")
        for v in obj:
            _feed(h, v)
        h.update(b"]")
    else:
        h.update(repr(obj).encode())


def handoff_file_hash(path: Path) -> str:
    """The hash of a handed-on file as its readers see it: a torch checkpoint by its contents (tensors, steps,
    random states; not the wall-clock time it records, nor the zip container's layout), any other file by its
    bytes. Two runs of one configuration then give the same hash exactly when they computed the same state."""
    path = Path(path)
    if path.suffix in (".pt", ".pth", ".ckpt"):
        try:
            import torch

            obj = torch.load(path, map_location="cpu", weights_only=False)
        except Exception:
            return file_hexdigest(path)[:16]
        h = hashlib.sha256()
        try:
            _feed(h, obj)
        except Exception:  # an object this walk cannot read: its bytes are a safe (stricter) stand-in
            return file_hexdigest(path)[:16]
        return "c" + h.hexdigest()[:15]
    return file_hexdigest(path)[:16]


def handoff_hashes(run: Path, patterns) -> dict:
    """``{relative path: hash}`` (:func:`handoff_file_hash`) of the files under ``run`` matching the declared
    ``outputs:``."""
    out = {}
    for pat in patterns or ():
        for f in sorted(Path(run).glob(pat)):
            if f.is_file():
                out[f.relative_to(run).as_posix()] = handoff_file_hash(f)
    return out


def changed_imports(imports: dict, root: Path | None = None) -> list[str]:
    """Recorded imports whose file now hashes differently (or is gone, or was never hashed)."""
    return [f for f, h in sorted(imports.items()) if h is None or file_hash(f, root) != h]


@dataclass
class Lookup:
    """What the cache says about an arm: ``key`` is its cache key when it is a hit, else None and ``why``
    says what changed (shown on the "running" line)."""

    key: str | None
    why: str = ""


def result_hashes(res: Path) -> dict:
    """``{file: sha256 prefix}`` of what an arm wrote to its results folder (run.json itself left out)."""
    res = Path(res)
    return {
        f.relative_to(res).as_posix(): file_hexdigest(f)[:16]
        for f in sorted(res.rglob("*"))
        if f.is_file() and f.name not in ("run.json", "last_failure.json", "dirty.diff")
    }


def unreadable_results(res: Path, recorded: dict | None) -> list[str]:
    """Result files of a finished arm that are missing, changed since the run (when ``recorded`` has their
    hashes) or, for JSON, unreadable: each as ``"<path> (why)"``."""
    res = Path(res)
    bad = []
    for name, h in sorted((recorded or {}).items()):
        f = res / name
        if not f.is_file():
            bad.append(f"{f} (missing)")
        elif file_hexdigest(f)[:16] != h:
            bad.append(f"{f} (changed since the run)")
    for f in sorted(res.glob("*.json")) if res.is_dir() else []:
        if f.name == "last_failure.json":
            continue
        try:
            json.loads(f.read_text())
        except (OSError, ValueError) as e:
            bad.append(f"{f} (unreadable: {type(e).__name__})")
    return list(dict.fromkeys(bad))


def lookup(rec: dict, base: str, root: Path | None = None, res_dir: Path | None = None) -> Lookup:
    """Is the finished run recorded in ``rec`` (a ``run.json``) valid for the pre-run key ``base``? With
    ``res_dir`` its result files are checked too (present, unchanged, readable)."""
    if not rec:
        return Lookup(None, "no earlier run")
    if rec.get("status") != "ok":
        return Lookup(None, "the earlier run did not finish")
    if rec.get("base_key") is None or not isinstance(rec.get("imports"), dict):
        return Lookup(None, "its run.json predates the import record")
    if rec.get("key_scheme") != KEY_SCHEME:
        return Lookup(None, "its run.json was keyed by an older scheme (code hashed as bytes)")
    if rec["base_key"] != base:
        return Lookup(None, "its notebook code, parameters, data, inputs or run environment changed")
    imports = rec["imports"]
    changed = changed_imports(imports, root)
    if changed:
        gone = [f for f in changed if file_hash(f, root) is None]
        shown = ", ".join(f + (" (deleted)" if f in gone else "") for f in changed[:3])
        more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
        return Lookup(None, f"{shown}{more} changed")
    key = full_key(base, imports, rec.get("handoff") or None)
    if rec.get("cache_key") != key:
        return Lookup(None, "its run.json has an inconsistent cache key")
    if res_dir is not None:
        bad = unreadable_results(res_dir, rec.get("results"))
        if bad:
            more = f" and {len(bad) - 2} more" if len(bad) > 2 else ""
            return Lookup(None, f"its results are damaged: {'; '.join(bad[:2])}{more}")
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

"""Staging: copy dataset files from the local mirror into ``data_dir()/raw/<name>/`` and verify them.

Every staged file is checked against the size and digest in the registry. A verified file is recorded
in ``raw/<name>/.verified.json`` with its size and mtime, so later checks (``available``, ``load``,
``manifest_hash``) cost one ``stat`` instead of re-hashing; a file whose size or mtime changed is
re-hashed, and one whose digest is wrong is reported as corrupt.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from .. import paths
from ..runtime.hashing import feed_file
from .registry import DATASETS, FIX, FIX_SOURCE, DataError, DatasetSpec, FileSpec, get_spec

STAMP = ".verified.json"
IMAGE_EXTS = (".jpg", ".jpeg", ".png")


def raw_dir(name: str) -> Path:
    return paths.data_dir() / "raw" / name


# ----------------------------------------------------------------------------------------- checksums


def _hasher(expected: str):
    return hashlib.md5() if expected.startswith("md5:") else hashlib.sha256()


def _hexdigest(h) -> str:
    return ("md5:" if h.name == "md5" else "") + h.hexdigest()


def file_digest(path: Path, expected: str = "") -> str:
    """Digest of ``path`` in the format of ``expected`` (sha256 hex, or ``md5:<hex>``)."""
    return _hexdigest(feed_file(_hasher(expected), path))


def _copy_hashed(src: Path, dest: Path, expected: str) -> str:
    """Copy src -> dest (atomically, via a temporary file) and return the digest of the bytes copied."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fo:
            h = feed_file(_hasher(expected), src, sink=fo.write)
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return _hexdigest(h)


def _read_stamps(d: Path) -> dict:
    try:
        return json.loads((d / STAMP).read_text())
    except (OSError, ValueError):
        return {}


def _write_stamp(d: Path, fs: FileSpec) -> None:
    st = (d / fs.name).stat()
    stamps = _read_stamps(d)
    stamps[fs.name] = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "digest": fs.sha256}
    tmp = d / f".{STAMP}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(stamps, indent=1, sort_keys=True))
    os.replace(tmp, d / STAMP)


def _check(d: Path, fs: FileSpec, stamps: dict) -> tuple[str, str]:
    """Status of one staged file: ("ok" | "missing" | "corrupt", detail). Hashes only when unstamped."""
    p = d / fs.name
    try:
        st = p.stat()
    except OSError:
        return "missing", ""
    s = stamps.get(fs.name)
    if s and (s["size"], s["mtime_ns"], s["digest"]) == (st.st_size, st.st_mtime_ns, fs.sha256):
        return "ok", ""
    if st.st_size != fs.size:
        return "corrupt", f"has {st.st_size} bytes"
    got = file_digest(p, fs.sha256)
    if got != fs.sha256:
        return "corrupt", f"has digest {got}"
    _write_stamp(d, fs)
    return "ok", ""


# ------------------------------------------------------------------------------- variants, verify


def _folder_files(spec: DatasetSpec) -> list[Path]:
    d = raw_dir(spec.name) / spec.layout["folder"]
    if not d.is_dir():
        return []
    return sorted(p for p in d.iterdir() if p.suffix.lower() in IMAGE_EXTS)


def _present(v: DatasetSpec) -> bool:
    """Is this variant (at least partly) staged? Decides which variant load() uses."""
    if v.reader == "folder":
        return bool(_folder_files(v))
    return bool(v.files) and all((raw_dir(v.name) / f.name).exists() for f in v.files)


def active_variant(name: str) -> DatasetSpec:
    """The variant load() would use: the first staged preferred variant, else the default spec."""
    spec = get_spec(name)
    return next((v for v in spec.variants if _present(v)), spec)


@dataclass
class Staged:
    """A verified dataset: the variant in use, its files (name -> path) and a fingerprint of them."""

    spec: DatasetSpec
    files: dict
    fingerprint: str


def _describe(fs: FileSpec, d: Path) -> str:
    kind = "md5 " + fs.sha256[4:] if fs.sha256.startswith("md5:") else "sha256 " + fs.sha256
    return f"  expected {d / fs.name} ({fs.size} bytes, {kind}), copied from <mirror>/{fs.path}"


def _fix_line(spec: DatasetSpec) -> str:
    src = paths.data_source()
    if src is None:
        where = "no mirror was found at ../shared/data"
    else:
        where = f"the mirror looked in is {src}" + ("" if src.is_dir() else ", which does not exist")
    online = "; without a mirror it downloads MNIST with torchvision" if spec.name == "mnist" else ""
    return f"Fix: run `{spec.fix}` (or `{FIX_SOURCE}` if your mirror of the data is elsewhere; {where}{online})."


def verify(name: str) -> Staged:
    """Check that ``name`` is staged and intact; raise :class:`DataError` (one message + fix) if not."""
    v = active_variant(name)
    d = raw_dir(name)
    if v.reader == "folder":
        files = _folder_files(v)
        h = hashlib.sha256()
        for p in files:
            h.update(f"{p.name}:{p.stat().st_size}\n".encode())
        return Staged(v, {"folder": d / v.layout["folder"]}, "folder:" + h.hexdigest()[:16])
    stamps = _read_stamps(d)
    problems = [(fs, *_check(d, fs, stamps)) for fs in v.files]
    bad = [(fs, st, detail) for fs, st, detail in problems if st != "ok"]
    if bad:
        state = "corrupt" if any(st == "corrupt" for _, st, _ in bad) else "missing"
        lines = [f"Dataset {name!r} [{v.title}] is {state} in {d}:"]
        for fs, st, detail in bad:
            lines.append(_describe(fs, d) + (f" — {st}: it {detail}" if detail else f" — {st}"))
        lines.append(_fix_line(v))
        raise DataError("\n".join(lines))
    return Staged(v, {fs.name: d / fs.name for fs in v.files}, ",".join(fs.sha256 for fs in v.files))


def available(name: str) -> bool:
    """True when ``name`` is staged and verified (a valid stamp, or the digest checked now)."""
    try:
        verify(name)
        return True
    except DataError:
        return False


def manifest_hash(names=None) -> str:
    """Short hash over the verified checksums of the staged datasets ("missing" for absent ones).

    Changes exactly when a dataset is (re-)staged with different content or a variant switches, so the
    replicate cache key built from it invalidates results computed on other data.
    """
    parts = []
    for name in sorted(names or DATASETS):
        try:
            st = verify(name)
            parts.append(f"{name}={st.spec.title}|{st.fingerprint}")
        except DataError:
            parts.append(f"{name}=missing")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


# ------------------------------------------------------------------------------------------ stage


def _find_source(source: Path | None, fs: FileSpec) -> Path | None:
    if source is None:
        return None
    for cand in (source / fs.path, source / fs.name):
        if cand.is_file():
            return cand
    return None


def _stage_files(v: DatasetSpec, source: Path | None, say, rehash: bool = False) -> str:
    """Copy + verify the files of one variant. Returns ok | staged | missing | corrupt. ``rehash`` checks
    every staged file's digest instead of trusting its stamp (size and mtime survive bit rot)."""
    d = raw_dir(v.name)
    stamps = {} if rehash else _read_stamps(d)
    result = []
    for fs in v.files:
        st, detail = _check(d, fs, stamps)
        if st == "ok":
            result.append("ok")
            continue
        if st == "corrupt":
            say(f"  {v.name}: staged {fs.name} {detail}, expected {fs.sha256}: staging it again")
        src = _find_source(source, fs)
        if src is None:
            result.append("missing")
            continue
        say(f"  {v.name}: copying {fs.path} ({fs.size / 1e6:.1f} MB)")
        got = _copy_hashed(src, d / fs.name, fs.sha256)
        if got != fs.sha256:
            (d / fs.name).unlink(missing_ok=True)
            say(f"  {v.name}: CORRUPT source {src}: digest {got}, expected {fs.sha256}")
            result.append("corrupt")
            continue
        _write_stamp(d, fs)
        result.append("staged")
    for status in ("corrupt", "missing", "staged"):
        if status in result:
            return status
    return "ok"


def _download_mnist(spec: DatasetSpec, say) -> str:
    """Fallback for MNIST only: torchvision's downloader (needs network), then verify as usual."""
    tmp = raw_dir(spec.name) / "_download"
    try:
        import torchvision

        say("  mnist: not in the mirror; trying torchvision download")
        torchvision.datasets.MNIST(str(tmp), train=True, download=True)
        status = _stage_files(spec, tmp / "MNIST" / "raw", say)
        return "downloaded" if status in ("ok", "staged") else status
    except Exception as e:  # noqa: BLE001 -- offline, HTTP error, no torchvision: "missing"
        say(f"  mnist: download failed ({type(e).__name__}: {e})")
        return "missing"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def stage(names=None, source=None, progress=True, download=True, rehash=False) -> dict:
    """Stage datasets from the local mirror into ``data_dir()/raw``; returns ``{name: status}``.

    status is "ok" (already staged and verified), "staged" (copied and verified now), "downloaded"
    (MNIST via torchvision), "missing" (not in the mirror: not an error here; load() will explain) or
    "corrupt" (the mirror's copy has the wrong checksum). ``source`` defaults to
    ``genrep.paths.data_source()``. Preferred variants (official CIFAR-10 tarball) are staged instead
    of the default files when the mirror has them. ``download=False`` never touches the network.
    ``rehash=True`` (``make data``) recomputes every staged file's checksum rather than trusting the stamps.
    """
    source = Path(source) if source is not None else paths.data_source()
    say = print if progress else (lambda *a: None)
    out = {}
    for name in names or list(DATASETS):
        spec = get_spec(name)
        status = None
        for v in spec.variants:
            if v.reader == "folder":
                if _present(v):
                    status = "ok"
            elif any(_find_source(source, f) for f in v.files) or _present(v):
                s = _stage_files(v, source, say, rehash)
                if s in ("ok", "staged"):
                    status = s
                else:  # set a broken preferred copy aside so that load() uses the default files
                    for f in v.files:
                        p = raw_dir(name) / f.name
                        if p.exists():
                            p.replace(p.with_name(p.name + ".corrupt"))
                    say(f"  {name}: preferred variant '{v.title}' is {s}; using the default files")
            if status:
                break
        if status is None:
            status = _stage_files(spec, source, say, rehash)
            if status == "missing" and name == "mnist" and download:
                status = _download_mnist(spec, say)
        title = active_variant(name).title if status != "missing" else spec.title
        say(f"{name:14s} {status:10s} {title}")
        out[name] = status
    return out


__all__ = [
    "FIX",
    "DataError",
    "Staged",
    "active_variant",
    "available",
    "file_digest",
    "manifest_hash",
    "raw_dir",
    "stage",
    "verify",
]

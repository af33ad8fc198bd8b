"""Prepare, on this machine, what a lent GPU machine needs: the wheels it lacks and a size check of what travels.

    python tools/device/kit.py wheels   # download the notebook-runner packages the device lacks into .whl/
    python tools/device/kit.py size     # what a device call would carry, against the 64 MiB limit
    python tools/device/kit.py check    # both, and print the first call's command (tools/device/README.md)

The device image has PyTorch and the scientific stack (``present.txt``) but not papermill, jupytext, nbformat,
nbclient, ipykernel, nbval or their Jupyter dependencies. ``wheels`` resolves that closure for the device's
Python (3.12, x86-64 manylinux) at the versions installed here, leaves out what the image already has, and also
``OPTIONAL`` (IPython's completion and the debugger: papermill and nbval ran without them), about 4 MB in all.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
WHEELS = ROOT / ".whl"
LIMIT = 64 * 2**20  # the working tree and carried paths of one call
TOP = ["papermill", "jupytext", "nbformat", "nbclient", "ipykernel", "jupyter_client", "nbval"]
OPTIONAL = {"jedi", "parso", "debugpy"}
PLATFORMS = [
    "manylinux_2_34_x86_64",
    "manylinux_2_31_x86_64",
    "manylinux_2_28_x86_64",
    "manylinux_2_27_x86_64",
    "manylinux_2_26_x86_64",
    "manylinux_2_24_x86_64",
    "manylinux_2_17_x86_64",
    "manylinux2014_x86_64",
    "manylinux2010_x86_64",
    "manylinux1_x86_64",
]


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def present() -> set[str]:
    lines = (HERE / "present.txt").read_text().splitlines()
    return {norm(x) for x in lines if x.strip() and not x.startswith("#")}


def wheel_name(path: Path) -> str:
    return norm(path.name.split("-")[0])


def pinned() -> list[str]:
    """The top-level packages at the versions this machine's environment has (the ones the tests ran with)."""
    out = []
    for name in TOP:
        try:
            out.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            out.append(name)
    return out


def download_wheels(dest: Path = WHEELS) -> list[Path]:
    have = present()
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "pip", "download", "--only-binary=:all:", "--python-version", "3.12"]
        cmd += ["--implementation", "cp", "-d", tmp, "--quiet"]
        for p in PLATFORMS:
            cmd += ["--platform", p]
        subprocess.run([*cmd, *pinned()], check=True)
        got = sorted(Path(tmp).glob("*.whl"))
        keep = [w for w in got if wheel_name(w) not in have and wheel_name(w) not in OPTIONAL]
        if dest.exists():
            shutil.rmtree(dest)
        dest.mkdir(parents=True)
        for w in keep:
            shutil.copy2(w, dest / w.name)
    names = [wheel_name(w) for w in keep]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise SystemExit(f"two versions of {sorted(dup)} in {dest}: the device's pip refuses the whole set")
    out = sorted(dest.glob("*.whl"))
    missing = unmet_requirements(out, have | OPTIONAL)
    if missing:
        raise SystemExit(f"the wheels need packages neither carried nor on the device: {missing}")
    size = sum(w.stat().st_size for w in out)
    print(f"{len(out)} wheels, {size / 2**20:.1f} MiB in {dest.relative_to(ROOT)}: {', '.join(sorted(names))}")
    return out


DEVICE_ENV = {
    "python_version": "3.12",
    "python_full_version": "3.12.3",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "platform_machine": "x86_64",
    "os_name": "posix",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
    "extra": "",
}


def unmet_requirements(wheels: list[Path], elsewhere: set[str]) -> dict[str, list[str]]:
    """{wheel: [requirements that no carried wheel and nothing in ``elsewhere`` provides]}, read from each wheel's
    METADATA (``Requires-Dist`` lines whose markers hold on the device; extras are not installed)."""
    from packaging.requirements import Requirement

    carried = {wheel_name(w) for w in wheels}
    out = {}
    for w in wheels:
        with zipfile.ZipFile(w) as z:
            meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
            lines = z.read(meta).decode("utf-8", "replace").splitlines()
        need = []
        for line in lines:
            if not line.startswith("Requires-Dist:"):
                continue
            req = Requirement(line.split(":", 1)[1].strip())
            if req.marker is not None and not req.marker.evaluate(DEVICE_ENV):
                continue
            if norm(req.name) not in carried | elsewhere:
                need.append(str(req))
        if need:
            out[w.name] = need
    return out


def _git_files(*args: str) -> list[Path]:
    res = subprocess.run(["git", "ls-files", "-z", *args], cwd=ROOT, capture_output=True, check=True)
    return [ROOT / p for p in res.stdout.decode().split("\0") if p]


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def carried_size(carry: list[str]) -> dict:
    """Bytes that one device call sends: tracked files as they are in the working tree, untracked files git does
    not ignore, and the carried paths."""
    tracked = sum(p.stat().st_size for p in _git_files() if p.is_file())
    untracked = sum(p.stat().st_size for p in _git_files("--others", "--exclude-standard") if p.is_file())
    carried = {c: _size(ROOT / c) for c in carry if (ROOT / c).exists()}
    total = tracked + untracked + sum(carried.values())
    return {"tracked": tracked, "untracked": untracked, "carried": carried, "total": total}


def report_size(carry: list[str]) -> bool:
    s = carried_size(carry)
    mib = 2**20
    parts = ", ".join(f"{k} {v / mib:.1f}" for k, v in s["carried"].items())
    ok = s["total"] <= LIMIT
    print(
        f"a device call carries {s['total'] / mib:.1f} MiB of {LIMIT / mib:.0f}: tracked {s['tracked'] / mib:.1f}, "
        f"untracked {s['untracked'] / mib:.1f}, carried [{parts or 'nothing'}] -> {'ok' if ok else 'TOO LARGE'}"
    )
    return ok


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=["wheels", "size", "check"])
    ap.add_argument("--carry", action="append", default=None, help="paths a call carries (default: .whl)")
    a = ap.parse_args(argv)
    carry = a.carry or [".whl"]
    if a.what in ("wheels", "check"):
        download_wheels()
    ok = report_size(carry)
    if a.what == "check":
        print(
            "first call (tools/device/README.md): run(command='bash tools/device/cuda_check.sh', "
            "carry=['.whl'], timeout_s=330)"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

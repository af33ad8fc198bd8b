"""Where things live. Every path in the project is derived from here.

The repository root is found from this file (an editable install keeps ``lib/genrep`` inside the
checkout); ``GENREP_ROOT`` overrides it, ``GENREP_DATA`` overrides the data folder, and
``GENREP_RESULTS`` / ``GENREP_RUNS`` / ``GENREP_BOOK`` override the output folders (the notebook tests
point them at a temporary directory so that they never overwrite committed results).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ASSETS_DIR = PACKAGE_DIR / "assets"


def repo_root() -> Path:
    env = os.environ.get("GENREP_ROOT")
    if env:
        return Path(env).resolve()
    cand = PACKAGE_DIR.parents[1]
    if (cand / "pyproject.toml").exists() and (cand / "chapters").is_dir():
        return cand
    return Path.cwd().resolve()


def _env_dir(var: str, default: str) -> Path:
    env = os.environ.get(var)
    return Path(env).resolve() if env else repo_root() / default


def data_dir() -> Path:
    return _env_dir("GENREP_DATA", "data")


def results_dir() -> Path:
    return _env_dir("GENREP_RESULTS", "results")


def runs_dir() -> Path:
    return _env_dir("GENREP_RUNS", "runs")


def book_dir() -> Path:
    return _env_dir("GENREP_BOOK", "book")


def chapters_dir() -> Path:
    return _env_dir("GENREP_CHAPTERS", "chapters")


def data_source() -> Path | None:
    """The local mirror that ``make data`` copies from: GENREP_DATA_SOURCE, else ../shared/data."""
    env = os.environ.get("GENREP_DATA_SOURCE")
    if env:
        return Path(env).resolve()
    cand = repo_root().parent / "shared" / "data"
    return cand if cand.is_dir() else None

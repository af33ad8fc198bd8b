import os
import shutil
import sys
from pathlib import Path

import pytest
import torch

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def toy_root(tmp_path, monkeypatch):
    """A throwaway project root holding the fixture chapters; every genrep path points inside it."""
    root = tmp_path / "root"
    shutil.copytree(FIXTURES / "chapters", root / "chapters")
    (root / "book").mkdir()
    for var in ("GENREP_CHAPTERS", "GENREP_RESULTS", "GENREP_RUNS", "GENREP_BOOK", "GENREP_DATA"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("GENREP_ROOT", str(root))
    monkeypatch.setenv("GENREP_DATA", str(tmp_path / "nodata"))
    monkeypatch.chdir(root)
    return root


def run_cli(*args, env=None, timeout=300, **kw):
    import subprocess

    return subprocess.run(
        [sys.executable, "-m", "genrep", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=timeout,
        **kw,
    )


@pytest.fixture(autouse=True)
def one_torch_thread():
    """Tests use tiny networks: one torch thread is faster than two spinning against each other on a
    shared 2-core CPU (CI), and it makes timings less noisy."""
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)

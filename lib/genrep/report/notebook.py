"""The first lines of every training or evaluation notebook, and the data labels its metrics start with.

``start_notebook`` creates the arm's runs folder, picks the device (and the CPU thread count), optionally
turns on the CUDA fast paths, seeds python/numpy/torch (after the fast paths, so that the deterministic
settings win) and opens the arm's ``Results``; it returns them with a ``Stopwatch`` on that device. Neither
the device choice nor the folders draw random numbers, so the random streams are those of the notebooks'
earlier hand-written prologues.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import torch

from ..runtime import Stopwatch, prepare_device, seed_everything, setup_fast
from .results import Results


@dataclass
class NotebookContext:
    """``dev, res, clock = start_notebook(...)`` unpacks the three; ``fast`` holds what ``setup_fast`` set."""

    dev: torch.device
    res: Results
    clock: Stopwatch
    fast: dict = field(default_factory=dict)

    def __iter__(self):
        return iter((self.dev, self.res, self.clock))


def start_notebook(
    *,
    tier: str,
    results_dir: str | Path,
    runs_dir: str | Path,
    seed: int,
    device="auto",
    cpu_threads=None,
    fast: bool = False,
) -> NotebookContext:
    """Runs folder, device, (``fast``: ``setup_fast``), seeds, ``Results`` and a ``Stopwatch``."""
    Path(runs_dir).mkdir(parents=True, exist_ok=True)
    dev = prepare_device(device, cpu_threads)
    settings = setup_fast(dev) if fast else {}
    seed_everything(seed)
    return NotebookContext(dev, Results(results_dir, tier), Stopwatch(dev), settings)


def data_fields(data, *, dataset: str | None = None, note: str | None = None, count: str | None = None) -> dict:
    """The data labels a notebook's ``metrics.json`` starts with: ``dataset`` (the name asked for, when
    given), ``data`` (the loaded data's title, or ``note`` where the notebook words it), ``data_source`` (real,
    stand-in, subset, ...) and, under the key ``count``, the number of images ``data`` holds:
    ``res.save_metrics(**data_fields(train, dataset=dataset, count="n_train"), ...)``."""
    out = {} if dataset is None else {"dataset": dataset}
    out |= {"data": data.title if note is None else note, "data_source": data.source}
    if count is not None:
        out[count] = len(data.images)
    return out

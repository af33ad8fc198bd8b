"""Wall-clock timing that is honest on GPUs (it waits for queued kernels), and throughput records.

with Timer(device) as t:
    samples = sample(model, 1000)
print(format_seconds(t.elapsed), throughput(1000, t.elapsed), "images/s")

sw = Stopwatch(device)
with sw.timed("sample", images=1000):
    samples = sample(model, 1000)
run_json["timing"] = sw.summary()   # {"sample": {"seconds": .., "images_per_s": ..}}
"""

from __future__ import annotations

import contextlib
import math
import time

import torch


def synchronize(device: str | torch.device | None = None) -> None:
    """Wait for queued GPU work. ``device=None`` syncs CUDA if it is in use in this process."""
    kind = torch.device(device).type if device is not None else None
    if kind == "cuda" or (kind is None and torch.cuda.is_available() and torch.cuda.is_initialized()):
        torch.cuda.synchronize()
    elif kind == "mps":
        torch.mps.synchronize()


class Timer:
    """Context manager measuring wall time in seconds (``.elapsed``), synchronising the GPU at both
    ends so that asynchronous CUDA/MPS work is counted where it happens."""

    def __init__(self, device: str | torch.device | None = None):
        self.device = device
        self.elapsed = 0.0
        self._start = None

    def __enter__(self) -> Timer:
        synchronize(self.device)
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        synchronize(self.device)
        self.elapsed = time.perf_counter() - self._start


def throughput(n_items: float, seconds: float) -> float:
    """Items per second; NaN when no time was measured."""
    return n_items / seconds if seconds > 0 else math.nan


def format_seconds(s: float) -> str:
    """Short human form: '850 ms', '12.3 s', '4 min 05 s', '2 h 03 min', '1 d 04 h'."""
    if s is None or not math.isfinite(s):
        return "?"
    if s < 1:
        return f"{s * 1000:.0f} ms"
    if s < 60:
        return f"{s:.1f} s"
    s = round(s)
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    if s < 86400:
        return f"{s // 3600} h {s % 3600 // 60:02d} min"
    return f"{s // 86400} d {s % 86400 // 3600:02d} h"


def _row(seconds: float, counts: dict) -> dict:
    row = {"seconds": round(seconds, 3)}
    for k, v in counts.items():
        row[k] = v
        row[f"{k}_per_s"] = float(f"{throughput(v, seconds):.4g}")
    return row


class Stopwatch:
    """Accumulates named timings and item counts, and summarises them for run.json.

    ``timed(name, **counts)`` times a block; counts such as ``steps=100, images=6400`` are kept and
    become ``steps_per_s`` and ``images_per_s`` in ``summary()``. Timing the same name again adds
    up. ``count(name, **counts)`` adds counts known only after the block.
    """

    def __init__(self, device: str | torch.device | None = None):
        self.device = device
        self.seconds: dict[str, float] = {}
        self.counts: dict[str, dict[str, float]] = {}

    def add(self, name: str, seconds: float, **counts: float) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds
        self.count(name, **counts)

    def count(self, name: str, **counts: float) -> None:
        c = self.counts.setdefault(name, {})
        for k, v in counts.items():
            c[k] = c.get(k, 0) + v

    @contextlib.contextmanager
    def timed(self, name: str, **counts: float):
        with Timer(self.device) as t:
            yield t
        self.add(name, t.elapsed, **counts)

    def summary(self) -> dict[str, dict[str, float]]:
        """{name: {"seconds": s, "images": n, "images_per_s": n / s, ...}} (rates to 4 digits)."""
        return {name: _row(s, self.counts.get(name, {})) for name, s in self.seconds.items()}


@contextlib.contextmanager
def timed(name: str, record: dict, device: str | torch.device | None = None, **counts: float):
    """Time a block into a plain dict: ``with timed("sample", run["timing"], images=n): ...`` sets
    ``run["timing"]["sample"] = {"seconds": .., "images": n, "images_per_s": ..}``; timing the same
    name again into the same dict adds up seconds and counts."""
    with Timer(device) as t:
        yield t
    old = record.get(name, {})
    counts = {k: old.get(k, 0) + v for k, v in counts.items()}
    record[name] = _row(old.get("seconds", 0.0) + t.elapsed, counts)

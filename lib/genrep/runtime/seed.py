"""Seeding and the random state that a checkpoint carries.

``seed_everything(seed)`` makes a CPU run bit-reproducible; ``rng_state()`` / ``set_rng_state()``
capture and restore every generator (python, numpy, torch CPU, each CUDA device, MPS) so that a
resumed run draws the same random numbers an uninterrupted one would have drawn.
"""

from __future__ import annotations

import os
import random

import numpy as np
import torch


def _seed_generators(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)  # also seeds every CUDA device (lazily) and MPS


def seed_everything(seed: int, deterministic: bool = True) -> torch.Generator:
    """Seed python ``random``, numpy and torch (CPU, CUDA, MPS); return a CPU ``torch.Generator``
    seeded with ``seed`` for code that wants its own stream (e.g. a fixed evaluation noise batch).

    ``deterministic=True`` also asks torch for deterministic kernels
    (``use_deterministic_algorithms(True, warn_only=True)``: ops without a deterministic version
    warn instead of failing), sets ``cudnn.deterministic`` and turns the cuDNN autotuner off, and
    sets ``CUBLAS_WORKSPACE_CONFIG`` (needed for deterministic cuBLAS; it only takes effect if CUDA
    has not been used yet in this process). On CPU this makes two runs with one seed bit-identical;
    on a GPU it gets close but atomics in some backward kernels can still differ in the last bits.
    ``deterministic=False`` switches those settings off again (fast mode).
    """
    _seed_generators(seed)
    if deterministic:
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
        torch.backends.cudnn.benchmark = False
    torch.use_deterministic_algorithms(deterministic, warn_only=True)
    torch.backends.cudnn.deterministic = deterministic
    return torch.Generator().manual_seed(seed)


def rng_state() -> dict:
    """Every random generator's state, as a dict that ``torch.save`` can store.

    Only tensors, ints, floats and tuples are used, so a checkpoint holding it also loads with
    ``torch.load(weights_only=True)``.
    """
    np_state = np.random.get_state(legacy=True)
    state = {
        "python": random.getstate(),
        "numpy": (np_state[0], torch.from_numpy(np_state[1].astype(np.int64)), *np_state[2:]),
        "torch": torch.get_rng_state(),
    }
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state["cuda"] = torch.cuda.get_rng_state_all()
    if torch.backends.mps.is_available() and hasattr(torch, "mps") and hasattr(torch.mps, "get_rng_state"):
        state["mps"] = torch.mps.get_rng_state()
    return state


def set_rng_state(state: dict) -> None:
    """Restore the generators captured by ``rng_state()``.

    Generators missing from ``state`` (e.g. CUDA state in a checkpoint written on a CPU machine)
    are left alone; extra ones (a CUDA state loaded on CPU) are ignored. When both machines have
    GPUs, as many devices as both have are restored.
    """
    if "python" in state:
        version, internal, gauss = state["python"]
        random.setstate((version, tuple(internal), gauss))
    if "numpy" in state:
        name, keys, pos, has_gauss, cached = state["numpy"]
        keys = keys.numpy() if isinstance(keys, torch.Tensor) else np.asarray(keys)
        np.random.set_state((name, keys.astype(np.uint32), int(pos), int(has_gauss), float(cached)))
    if "torch" in state:
        torch.set_rng_state(state["torch"].cpu())
    if "cuda" in state and torch.cuda.is_available():
        n = min(len(state["cuda"]), torch.cuda.device_count())
        for i in range(n):
            torch.cuda.set_rng_state(state["cuda"][i].cpu(), device=i)
    if "mps" in state and torch.backends.mps.is_available():
        torch.mps.set_rng_state(state["mps"].cpu())


def _draw_device(generator: torch.Generator | None, device) -> torch.device | None:
    return generator.device if generator is not None else (torch.device(device) if device is not None else None)


def randn(shape, *, generator: torch.Generator | None = None, device=None, dtype=None) -> torch.Tensor:
    """Standard normal noise of ``shape`` on ``device``.

    With a ``generator`` the numbers are drawn on the generator's own device and then moved to ``device``: a CPU
    generator gives the same noise whatever the device (CUDA's kernels refuse a CPU generator, so writing
    ``torch.randn(..., generator=g, device=cuda)`` fails on a GPU only). Without one, the global RNG of ``device``
    draws, as ``torch.randn`` does."""
    x = torch.randn(tuple(shape), generator=generator, device=_draw_device(generator, device), dtype=dtype)
    return x if device is None else x.to(device)


def rand(shape, *, generator: torch.Generator | None = None, device=None, dtype=None) -> torch.Tensor:
    """Uniform noise on [0, 1) of ``shape`` on ``device``, drawn on the generator's device like :func:`randn`."""
    x = torch.rand(tuple(shape), generator=generator, device=_draw_device(generator, device), dtype=dtype)
    return x if device is None else x.to(device)


def randint(low: int, high: int, size, *, generator: torch.Generator | None = None, device=None) -> torch.Tensor:
    """``torch.randint(low, high, size)`` on ``device``, drawn on the generator's device like :func:`randn`."""
    x = torch.randint(low, high, tuple(size), generator=generator, device=_draw_device(generator, device))
    return x if device is None else x.to(device)

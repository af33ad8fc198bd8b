"""Which device to train on, and how to make it fast.

    device = select_device()          # cuda > mps > cpu; GENREP_DEVICE or `prefer` override
    setup_fast(device)                # TF32 matmuls + cudnn autotuner on CUDA, nothing elsewhere
    with autocast(device):            # bf16 autocast on CUDA, a no-op on CPU and MPS
        loss = model(x)

Mixed precision is bf16 only: it needs no GradScaler, and on CPU/MPS the book keeps fp32 so that
the reduced tier is exact and reproducible.
"""

from __future__ import annotations

import contextlib
import os
import platform

import torch

AUTO = ("", "auto", "none")


def _cuda_error(spec: str, source: str) -> RuntimeError:
    if torch.version.cuda is None:
        why = f"this torch ({torch.__version__}) was built without CUDA"
    else:
        why = f"torch {torch.__version__} (CUDA {torch.version.cuda}) sees no usable GPU"
    return RuntimeError(
        f"device {spec!r} was requested ({source}) but CUDA is not available: {why}. "
        "Use 'cpu' or 'auto', or unset GENREP_DEVICE."
    )


def select_device(prefer: str | torch.device | None = None) -> torch.device:
    """Pick the device to run on.

    Order of precedence: an explicit ``prefer`` ("cpu", "cuda", "cuda:1", "mps"), then the
    ``GENREP_DEVICE`` environment variable, then the best available (cuda > mps > cpu).
    ``None`` or "auto" means "no preference". A device that was asked for but is not available
    raises ``RuntimeError`` saying why, instead of silently running somewhere else.
    """
    source = "prefer=" + repr(str(prefer))
    spec = "" if prefer is None else str(prefer).strip().lower()
    if spec in AUTO:
        spec = os.environ.get("GENREP_DEVICE", "").strip().lower()
        source = f"GENREP_DEVICE={spec!r}"
    if spec in AUTO:
        if torch.cuda.is_available():
            return torch.device("cuda")
        if torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")

    try:
        device = torch.device(spec)
    except RuntimeError as err:
        raise ValueError(f"unknown device {spec!r} ({source}); use cpu, cuda, cuda:N, mps or auto") from err
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise _cuda_error(spec, source)
        n = torch.cuda.device_count()
        if device.index is not None and device.index >= n:
            raise RuntimeError(f"device {spec!r} was requested ({source}) but only {n} GPU(s) are visible")
    elif device.type == "mps":
        if not torch.backends.mps.is_available():
            raise RuntimeError(
                f"device 'mps' was requested ({source}) but MPS is not available "
                "(it needs Apple silicon and a torch build with MPS). Use 'cpu' or 'auto'."
            )
    elif device.type != "cpu":
        raise ValueError(f"unsupported device {spec!r} ({source}); use cpu, cuda, cuda:N, mps or auto")
    return device


def _as_device(device: str | torch.device) -> torch.device:
    return device if isinstance(device, torch.device) else torch.device(device)


def amp_dtype(device: str | torch.device) -> torch.dtype | None:
    """The autocast dtype used on ``device``: bfloat16 on a CUDA GPU that supports it, else None."""
    device = _as_device(device)
    if device.type == "cuda" and torch.cuda.is_available() and torch.cuda.is_bf16_supported():
        return torch.bfloat16
    return None


def autocast(device: str | torch.device, enabled: bool = True):
    """A context manager: bf16 ``torch.autocast`` on CUDA, a no-op (nullcontext) on CPU and MPS.

    Use it around the forward pass and the loss only; call ``backward()`` and the optimizer outside.
    """
    dtype = amp_dtype(device) if enabled else None
    if dtype is None:
        return contextlib.nullcontext()
    return torch.autocast(device_type="cuda", dtype=dtype)


def prepare_device(device: str | torch.device | None = "auto", cpu_threads: int | None = None) -> torch.device:
    """The notebooks' device line: ``select_device(device)``, and on CPU ``torch.set_num_threads(cpu_threads)``
    when ``cpu_threads`` is a positive number (small networks on a busy 2-core machine run faster on one
    thread than on two that spin against each other). 0 or None keeps torch's default.
    """
    dev = select_device(device)
    if dev.type == "cpu" and cpu_threads:
        torch.set_num_threads(int(cpu_threads))
    return dev


def setup_fast(device: str | torch.device) -> dict:
    """Turn on the fast paths for ``device`` and return what was set (for run.json).

    On CUDA: TF32 tensor cores for float32 matmuls (``torch.set_float32_matmul_precision("high")``;
    cuDNN convolutions already use TF32 by default) and the cuDNN autotuner (``cudnn.benchmark``),
    which picks the fastest convolution algorithm per input shape. Both trade bit-exactness for
    speed, so call this *before* ``seed_everything(..., deterministic=True)`` if you want the
    deterministic setting to win (it turns the autotuner off again). On CPU and MPS: nothing.

    The legacy ``set_float32_matmul_precision`` is used on purpose: mixing it with the newer
    per-backend ``fp32_precision`` flags makes some torch versions raise inside torch.compile.
    """
    device = _as_device(device)
    if device.type != "cuda":
        return {}
    torch.set_float32_matmul_precision("high")
    torch.backends.cudnn.benchmark = True
    return {"float32_matmul_precision": "high", "cudnn_benchmark": True, "amp_dtype": str(amp_dtype(device))}


def device_name(device: str | torch.device) -> str:
    """A human-readable name for run.json, e.g. 'NVIDIA H100 80GB HBM3' or 'cpu (x86_64, 1 thread)'."""
    device = _as_device(device)
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    if device.type == "mps":
        return f"mps ({platform.machine()})"
    n = torch.get_num_threads()
    return f"cpu ({platform.machine()}, {n} thread{'' if n == 1 else 's'})"

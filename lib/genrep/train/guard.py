"""The NaN guard: stop a run at the first non-finite loss, and say what to do about it."""
from __future__ import annotations

import math
from pathlib import Path

import torch


class NonFiniteError(RuntimeError):
    """A loss (or any value a training step reported) became NaN or infinite."""


def _fmt_lr(lr) -> str:
    if lr is None:
        return ""
    if isinstance(lr, dict):
        return " (lr " + ", ".join(f"{k}={v:.3g}" for k, v in lr.items()) + ")"
    return f" (lr={lr:.3g})"


def check_finite(value, *, step: int | None = None, name: str = "loss", checkpoint: str | Path | None = None,
                 checkpoint_step: int | None = None, lr: float | dict | None = None) -> float:
    """Return ``value`` as a python float, or raise ``NonFiniteError`` if it is NaN or +-inf.

    ``value`` is a number or a tensor; a tensor with several elements is checked element-wise and
    returned as its mean. The optional ``step``, ``checkpoint`` (path of the last good checkpoint,
    and its ``checkpoint_step``) and ``lr`` (a float or {optimizer name: lr}) go into the message.
    Converting a CUDA tensor waits for the GPU (``.item()``).
    """
    if isinstance(value, torch.Tensor):
        t = value.detach()
        bad = t.numel() == 0 or not bool(torch.isfinite(t).all())
        x = float(t.float().mean()) if t.numel() else math.nan
    else:
        x = float(value)
        bad = not math.isfinite(x)
    if not bad:
        return x

    what = "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    where = f" at step {step}" if step is not None else ""
    if checkpoint is not None:
        at = f" (step {checkpoint_step})" if checkpoint_step is not None else ""
        ckpt = (f" The last good checkpoint is {checkpoint}{at}; resuming from it with the same settings "
                "will hit the same NaN, so change a setting first (or delete the checkpoint to start over).")
    else:
        ckpt = " No checkpoint has been saved yet."
    raise NonFiniteError(
        f"{name} became {what}{where}{_fmt_lr(lr)}.{ckpt} Things to try: lower the learning rate (or warm it "
        "up), clip gradients, turn off mixed precision (bf16 autocast), and check the inputs for NaN/inf."
    )

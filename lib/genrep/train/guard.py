"""The training guard: stop a run at the first non-finite loss, at a loss pinned at a clamp, or when a step
fails after a module's forward pass went non-finite, and say what to do about it.

* ``check_finite``: a NaN or infinite value a step reported.
* ``StuckDetector``: losses frozen at binary cross-entropy's clamp (PyTorch clamps log(p) at -100, so a
  saturated BCE term is exactly 100 or 0) for many checked steps: the run has diverged without ever
  producing a NaN (a DCGAN at a huge learning rate does this), and its losses carry no gradient.
* ``ForwardWatch``: forward hooks that note which layers produce non-finite outputs. When a step fails
  inside a loss (``binary_cross_entropy`` rejects a NaN input with a ``RuntimeError`` before any guard sees
  a loss), ``train_loop`` replays the step under them and the error names the first such layer.
"""

from __future__ import annotations

import math
from pathlib import Path

import torch


class NonFiniteError(RuntimeError):
    """A loss (or any value a training step reported) became NaN or infinite."""


class DivergedError(NonFiniteError):
    """A loss sat at a clamp for many steps, or a step failed after its forward pass went non-finite."""


# binary_cross_entropy clamps log(p) and log(1 - p) at -100: a saturated term is exactly 100 per element
BCE_CLAMP = 100.0


def _fmt_lr(lr) -> str:
    if lr is None:
        return ""
    if isinstance(lr, dict):
        return " (lr " + ", ".join(f"{k}={v:.3g}" for k, v in lr.items()) + ")"
    return f" (lr={lr:.3g})"


def check_finite(
    value,
    *,
    step: int | None = None,
    name: str = "loss",
    checkpoint: str | Path | None = None,
    checkpoint_step: int | None = None,
    lr: float | dict | None = None,
) -> float:
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
    raise NonFiniteError(
        f"{name} became {what}{where}{_fmt_lr(lr)}.{_checkpoint_note(checkpoint, checkpoint_step)}{FIXES}"
    )


FIXES = (
    " Things to try: lower the learning rate (or warm it up), clip gradients, turn off mixed precision "
    "(bf16 autocast), and check the inputs for NaN/inf."
)


def _checkpoint_note(checkpoint, checkpoint_step, since: int | None = None) -> str:
    if checkpoint is None:
        return " No checkpoint has been saved yet."
    at = f" (step {checkpoint_step})" if checkpoint_step is not None else ""
    if since is not None and checkpoint_step is not None and checkpoint_step > since:
        return (
            f" The checkpoint {checkpoint}{at} was saved after the trouble began (step {since}): delete it "
            "and start over with changed settings."
        )
    return (
        f" The last good checkpoint is {checkpoint}{at}; resuming from it with the same settings will "
        "diverge the same way, so change a setting first (or delete the checkpoint to start over)."
    )


class StuckDetector:
    """Notices a run whose losses sit at binary cross-entropy's clamp.

    A GAN at a huge learning rate saturates: each BCE term is then exactly 0 or exactly ``BCE_CLAMP``
    (PyTorch clamps log(p) at -100), so a batch-mean loss freezes on the lattice of multiples of
    ``clamp / batch`` (100.0, 103.125 when one of 32 terms flips, 96.875, ...) and never becomes NaN. The
    detector raises ``DivergedError`` when, for ``patience`` consecutive checked steps, some value is at
    least half the clamp and an exact multiple of ``clamp / 4096`` (any batch of up to 4,096 terms that is a
    power of two). A loss of a training run that still learns lands on that lattice with probability
    ~1e-12 per step; constants a step reports (a batch size, a learning rate) are not on it.
    """

    def __init__(self, patience: int = 25, clamp: float = BCE_CLAMP, grain: int = 4096):
        if patience < 1:
            raise ValueError(f"patience must be >= 1, got {patience}")
        self.patience, self.clamp, self.grain = patience, clamp, grain
        self._since: int | None = None
        self._count = 0

    def clamped(self, v: float) -> bool:
        return abs(v) >= self.clamp / 2 and (v * self.grain / self.clamp).is_integer()

    def update(
        self, values: dict[str, float], step: int, checkpoint=None, checkpoint_step: int | None = None, lr=None
    ) -> None:
        """Record one checked step; raise ``DivergedError`` when losses have sat at the clamp long enough."""
        at = {k: v for k, v in values.items() if self.clamped(v)}
        if not at:
            self._count, self._since = 0, None
            return
        if self._since is None:
            self._since = step
        self._count += 1
        if self._count >= self.patience:
            shown = ", ".join(f"{k}={v:g}" for k, v in at.items())
            raise DivergedError(
                f"{shown} at binary cross-entropy's clamp for {self._count} checked steps, from step "
                f"{self._since} to step {step}{_fmt_lr(lr)}: log(0) is clamped to -100, so each saturated term "
                f"is exactly {self.clamp:g} or 0; the run has diverged and its losses no longer carry a "
                f"gradient.{_checkpoint_note(checkpoint, checkpoint_step, self._since)}{FIXES}"
            )


class ForwardWatch:
    """Forward hooks on every leaf module of ``modules`` ({name: nn.Module}) that note, in call order, the
    modules whose output is not finite; ``first_bad()`` is the first of them. Only ``train_loop``'s replay of
    a failed step uses it (each hook syncs with the device). A context manager: the hooks go on exit."""

    def __init__(self, modules: dict):
        self.modules = modules
        self._handles: list = []
        self._bad: list[str] = []

    def _hook(self, name):
        def hook(module, inputs, output):
            outs = output if isinstance(output, (tuple, list)) else (output,)
            if any(
                isinstance(o, torch.Tensor) and o.is_floating_point() and not bool(torch.isfinite(o).all())
                for o in outs
            ):
                self._bad.append(name)

        return hook

    def __enter__(self) -> ForwardWatch:
        for top, mod in self.modules.items():
            for sub, m in mod.named_modules():
                if not any(True for _ in m.children()):  # leaves: the layers that compute
                    self._handles.append(m.register_forward_hook(self._hook(f"{top}.{sub}" if sub else top)))
        return self

    def __exit__(self, *exc) -> None:
        for h in self._handles:
            h.remove()
        self._handles.clear()

    def first_bad(self) -> str | None:
        return self._bad[0] if self._bad else None

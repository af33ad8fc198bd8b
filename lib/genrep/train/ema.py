"""Exponential moving average of a model's weights (as in DDPM, rectified flow, many GANs).

    ema = EMA(model, decay=0.999)
    for step in ...:
        ...; opt.step(); ema.update(model)
    samples = sample(ema.module)          # evaluate the averaged weights

After each update, for every floating-point parameter *and buffer* (e.g. BatchNorm running stats):
``shadow = decay * shadow + (1 - decay) * current``; integer buffers (``num_batches_tracked``)
are copied. With ``warmup=True`` the decay used at update ``n`` (counting from 1) is
``min(decay, (1 + n) / (10 + n))``, so early averages are not dominated by the random init.
"""

from __future__ import annotations

import copy

import torch
from torch import nn


def _unwrap(model: nn.Module) -> nn.Module:
    return getattr(model, "_orig_mod", model)  # a torch.compile'd module shares its parameters with _orig_mod


def _tensors(module: nn.Module) -> list[torch.Tensor]:
    return list(module.parameters()) + list(module.buffers())


class EMA:
    """A shadow copy of ``model`` whose weights are the moving average of the model's weights.

    The shadow lives on the model's device (move both together with ``ema.to(device)``), is in
    eval mode and has ``requires_grad=False``. ``state_dict()`` / ``load_state_dict()`` include
    the number of updates so a resumed run continues the warm-up where it stopped.
    """

    def __init__(self, model: nn.Module, decay: float = 0.999, warmup: bool = False):
        if not 0.0 <= decay <= 1.0:
            raise ValueError(f"EMA decay must be in [0, 1], got {decay}")
        self.decay = decay
        self.warmup = warmup
        self.num_updates = 0
        self.module = copy.deepcopy(_unwrap(model)).eval().requires_grad_(False)

    def current_decay(self) -> float:
        """The decay the next ``update`` will use."""
        if not self.warmup:
            return self.decay
        n = self.num_updates + 1
        return min(self.decay, (1 + n) / (10 + n))

    @torch.no_grad()
    def update(self, model: nn.Module) -> None:
        """Move the shadow weights towards ``model``'s current weights."""
        d = self.current_decay()
        self.num_updates += 1
        ema_t, cur_t = _tensors(self.module), _tensors(_unwrap(model))
        if len(ema_t) != len(cur_t):
            raise ValueError("EMA.update: the model does not have the same parameters and buffers as the EMA")
        floats = [(e, c) for e, c in zip(ema_t, cur_t, strict=False) if e.is_floating_point()]
        for e, c in zip(ema_t, cur_t, strict=False):
            if not e.is_floating_point():
                e.copy_(c)
        if floats:
            e_list = [e for e, _ in floats]
            c_list = [c.detach().to(e.dtype) for e, c in floats]
            # shadow += (1 - d) * (current - shadow), as one fused kernel per dtype/device group
            if hasattr(torch, "_foreach_lerp_"):
                torch._foreach_lerp_(e_list, c_list, 1.0 - d)
            else:
                for e, c in zip(e_list, c_list, strict=False):
                    e.lerp_(c, 1.0 - d)

    @torch.no_grad()
    def copy_to(self, model: nn.Module) -> None:
        """Overwrite ``model``'s parameters and buffers with the averaged ones."""
        for e, c in zip(_tensors(self.module), _tensors(_unwrap(model)), strict=False):
            c.copy_(e)

    def to(self, *args, **kwargs) -> EMA:
        self.module.to(*args, **kwargs)
        return self

    def state_dict(self) -> dict:
        return {
            "decay": self.decay,
            "warmup": self.warmup,
            "num_updates": self.num_updates,
            "module": self.module.state_dict(),
        }

    def load_state_dict(self, state: dict) -> None:
        self.decay = state["decay"]
        self.warmup = state["warmup"]
        self.num_updates = state["num_updates"]
        self.module.load_state_dict(state["module"])

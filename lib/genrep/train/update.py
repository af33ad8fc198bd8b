"""One optimiser update, the lines every maximum-likelihood or denoising step ends with."""

from __future__ import annotations

import torch


def apply_update(loss: torch.Tensor, model: torch.nn.Module, opt, sched=None, grad_clip=None, ema=None) -> None:
    """Zero the gradients, back-propagate ``loss``, clip the gradient norm of ``model``'s parameters to
    ``grad_clip`` (when not None), step ``opt`` and then ``sched`` (when given), and update ``ema`` from
    ``model`` (when given)."""
    opt.zero_grad(set_to_none=True)
    loss.backward()
    if grad_clip is not None:
        torch.nn.utils.clip_grad_norm_(model.parameters(), grad_clip)
    opt.step()
    if sched is not None:
        sched.step()
    if ema is not None:
        ema.update(model)

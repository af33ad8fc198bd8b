"""Learning-rate schedules.

``linear_decay(opt, total_steps, decay_start)``: the CycleGAN / pix2pix schedule -- constant, then a
linear decay to 0 at ``total_steps``, starting after ``decay_start`` steps. Returns a ``LambdaLR``
(its ``state_dict`` goes into a checkpoint like any other state; the factor is a picklable callable).
"""

from __future__ import annotations

import torch


class LinearDecay:
    """Factor 1 for step < start, then (total - step) / (total - start), reaching 0 at ``total``."""

    def __init__(self, total_steps: int, decay_start: int):
        if not 0 <= decay_start <= total_steps:
            raise ValueError(f"decay_start must be in [0, total_steps={total_steps}], got {decay_start}")
        self.total, self.start = int(total_steps), int(decay_start)

    def __call__(self, step: int) -> float:
        if step < self.start:
            return 1.0
        return max(0.0, (self.total - step) / max(1, self.total - self.start))


def linear_decay(opt: torch.optim.Optimizer, total_steps: int, decay_start: int) -> torch.optim.lr_scheduler.LambdaLR:
    return torch.optim.lr_scheduler.LambdaLR(opt, LinearDecay(total_steps, decay_start))

"""The one contract every invertible map of the library follows.

``forward(x) -> (z, logabsdet)`` maps data towards the latent; ``inverse(z) -> (x, logabsdet)`` maps back.
``logabsdet`` is a tensor of shape (batch,) holding log|det ∂output/∂input| of the direction called, so
``inverse(forward(x)[0])[1] == -forward(x)[1]``. Transforms are ``nn.Module`` s; ``__call__`` is ``forward``.
"""

from __future__ import annotations

import torch
from torch import nn


class Transform(nn.Module):
    """Base class: an invertible map with a tractable log-determinant."""

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:  # pragma: no cover - abstract
        raise NotImplementedError

    def inverse(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:  # pragma: no cover - abstract
        raise NotImplementedError


class CompositeTransform(Transform):
    """``t_n ∘ … ∘ t_1``: forward runs the list in order, inverse in reverse; log-dets add."""

    def __init__(self, transforms):
        super().__init__()
        self.transforms = nn.ModuleList(transforms)

    def forward(self, x):
        total = x.new_zeros(x.shape[0])
        for t in self.transforms:
            x, ld = t(x)
            total = total + ld
        return x, total

    def inverse(self, z):
        total = z.new_zeros(z.shape[0])
        for t in reversed(self.transforms):
            z, ld = t.inverse(z)
            total = total + ld
        return z, total


class InverseTransform(Transform):
    """Swaps the directions of a transform."""

    def __init__(self, transform: Transform):
        super().__init__()
        self.base = transform

    def forward(self, x):
        return self.base.inverse(x)

    def inverse(self, z):
        return self.base(z)

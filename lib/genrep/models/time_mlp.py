"""``TimeMLP``: an MLP velocity field v(z, t) for rectified flow in a latent space (spec §3.4).

Input [z, Fourier(t)] (32 log-spaced frequencies → 64 features), ``depth`` hidden layers of ``hidden``
units, each Linear + LayerNorm + GELU, then Linear(hidden → d). Defaults (d=18, 512, depth 4) give
843,794 parameters (spec: ≈0.85 M). Called as ``model(z, t)`` like every velocity field of
``genrep.diffusion.rf_loss`` / ``rf_sample``.
"""

from __future__ import annotations

import torch
from torch import nn

from .blocks import FourierTime


class TimeMLP(nn.Module):
    def __init__(self, dim: int, hidden: int = 512, depth: int = 4, time_freqs: int = 32):
        super().__init__()
        self.fourier = FourierTime(time_freqs)
        layers, cin = [], dim + self.fourier.dim
        for _ in range(depth):
            layers += [nn.Linear(cin, hidden), nn.LayerNorm(hidden), nn.GELU()]
            cin = hidden
        self.net = nn.Sequential(*layers, nn.Linear(cin, dim))

    def forward(self, z: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        return self.net(torch.cat([z, self.fourier(t.to(z.device)).to(z.dtype)], dim=1))

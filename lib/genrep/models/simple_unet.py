"""The time-conditioned ``DeepFindrUNet`` of DeepFindr's "Diffusion models from scratch in PyTorch" (the
paper's ref. [12]; spec cyclegan_monet §3.8, Figs. 3.4–3.6).

``Block(in, out, up)``:

1. ``h = BN(ReLU(Conv3×3(x)))`` (an up block takes ``2·in`` channels: the skip is concatenated first)
2. ``h = h + ReLU(Linear(t_emb))`` broadcast over space
3. ``h = BN(ReLU(Conv3×3(h)))``
4. ``Conv(k4, s2, p1)`` (down) or ``ConvTranspose(k4, s2, p1)`` (up)

``DeepFindrUNet``: sinusoidal time embedding (dim 32) → Linear → ReLU; ``conv0`` 3→64 (3×3); down blocks
64→128→256→512→1024; up blocks 1024→512→256→128→64 with skips; a 1×1 output conv 64→3. With the
default channels it has 62,438,883 parameters (the spec's 62.4 M). The input side must be divisible by
``2**(len(channels)-1)``. The paper's attention layers were future work and are not built.
"""

from __future__ import annotations

import torch
from torch import nn

from genrep.models.embeddings import sinusoidal_embedding


class Block(nn.Module):
    def __init__(self, in_ch: int, out_ch: int, time_emb_dim: int, up: bool = False):
        super().__init__()
        self.up = up
        self.time_mlp = nn.Linear(time_emb_dim, out_ch)
        self.conv1 = nn.Conv2d(2 * in_ch if up else in_ch, out_ch, 3, padding=1)
        self.transform = nn.ConvTranspose2d(out_ch, out_ch, 4, 2, 1) if up else nn.Conv2d(out_ch, out_ch, 4, 2, 1)
        self.conv2 = nn.Conv2d(out_ch, out_ch, 3, padding=1)
        self.bnorm1 = nn.BatchNorm2d(out_ch)
        self.bnorm2 = nn.BatchNorm2d(out_ch)
        self.relu = nn.ReLU()

    def forward(self, x, t_emb):
        h = self.bnorm1(self.relu(self.conv1(x)))
        h = h + self.relu(self.time_mlp(t_emb))[:, :, None, None]
        h = self.bnorm2(self.relu(self.conv2(h)))
        return self.transform(h)


class SinusoidalTime(nn.Module):
    """t (B,) → sinusoidal embedding (B, dim) via :func:`genrep.models.embeddings.sinusoidal_embedding`."""

    def __init__(self, dim: int):
        super().__init__()
        self.dim = dim

    def forward(self, t):
        return sinusoidal_embedding(t, self.dim)


class DeepFindrUNet(nn.Module):
    """ε-prediction network ``model(x_t, t)``; ``t`` is a long tensor of step indices."""

    def __init__(self, channels=(64, 128, 256, 512, 1024), time_emb_dim: int = 32, in_ch: int = 3, out_ch: int = 3):
        super().__init__()
        channels = tuple(int(c) for c in channels)
        if len(channels) < 2:
            raise ValueError(f"channels needs at least two entries, got {channels}")
        self.channels, self.time_emb_dim = channels, time_emb_dim
        self.time_mlp = nn.Sequential(SinusoidalTime(time_emb_dim), nn.Linear(time_emb_dim, time_emb_dim), nn.ReLU())
        self.conv0 = nn.Conv2d(in_ch, channels[0], 3, padding=1)
        self.downs = nn.ModuleList(Block(channels[i], channels[i + 1], time_emb_dim) for i in range(len(channels) - 1))
        up = channels[::-1]
        self.ups = nn.ModuleList(Block(up[i], up[i + 1], time_emb_dim, up=True) for i in range(len(up) - 1))
        self.output = nn.Conv2d(up[-1], out_ch, 1)

    def forward(self, x, t):
        k = 2 ** (len(self.channels) - 1)
        if x.shape[-1] % k or x.shape[-2] % k:
            raise ValueError(f"input {tuple(x.shape[-2:])} is not divisible by {k}")
        t_emb = self.time_mlp(t)
        x = self.conv0(x)
        skips = []
        for d in self.downs:
            x = d(x, t_emb)
            skips.append(x)
        for u in self.ups:
            x = u(torch.cat([x, skips.pop()], dim=1), t_emb)
        return self.output(x)

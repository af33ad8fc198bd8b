"""Glow's building blocks (Kingma & Dhariwal 2018): ActNorm, the LU-parameterised invertible 1×1
convolution, and the 2×2 squeeze. All act on (B, C, H, W) tensors and follow ``Transform``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .base import Transform


class ActNorm(Transform):
    """Per-channel affine ``y = (x + bias) · exp(log_scale)``, initialised on the first training batch so
    that each channel of ``y`` has zero mean and unit variance (data-dependent initialisation).
    log|det| = H·W·Σ log_scale.
    """

    def __init__(self, channels: int):
        super().__init__()
        self.bias = nn.Parameter(torch.zeros(1, channels, 1, 1))
        self.log_scale = nn.Parameter(torch.zeros(1, channels, 1, 1))
        self.register_buffer("initialized", torch.tensor(False))

    @torch.no_grad()
    def _init(self, x):
        mean = x.mean(dim=(0, 2, 3), keepdim=True)
        std = x.std(dim=(0, 2, 3), keepdim=True) if x.numel() > x.shape[1] else torch.ones_like(mean)
        self.bias.copy_(-mean)
        self.log_scale.copy_(-torch.log(std + 1e-6))
        self.initialized.fill_(True)

    def _logdet(self, x):
        return (self.log_scale.sum() * x.shape[2] * x.shape[3]).expand(x.shape[0])

    def forward(self, x):
        if self.training and not bool(self.initialized):
            self._init(x)
        return (x + self.bias) * torch.exp(self.log_scale), self._logdet(x)

    def inverse(self, z):
        return z * torch.exp(-self.log_scale) - self.bias, -self._logdet(z)


class InvConv1x1LU(Transform):
    """Invertible 1×1 convolution with W = P·L·(U + diag(sign·exp(log_s))), P a fixed permutation,
    L unit lower-triangular, U strictly upper-triangular. log|det| = H·W·Σ log_s (no determinant needed).
    Initialised at a random rotation, as in Glow.
    """

    def __init__(self, channels: int, seed: int | None = None):
        super().__init__()
        g = torch.Generator().manual_seed(seed) if seed is not None else None
        w = torch.linalg.qr(torch.randn(channels, channels, generator=g, dtype=torch.float64))[0]
        P, L, U = torch.linalg.lu(w)
        s = torch.diagonal(U)
        self.register_buffer("P", P.float())
        self.register_buffer("sign_s", torch.sign(s).float())
        self.register_buffer("l_mask", torch.tril(torch.ones(channels, channels), -1))
        self.register_buffer("eye", torch.eye(channels))
        self.L = nn.Parameter(L.float())
        self.U = nn.Parameter(torch.triu(U, 1).float())
        self.log_s = nn.Parameter(torch.log(torch.abs(s)).float())

    def weight(self) -> torch.Tensor:
        L = self.L * self.l_mask + self.eye
        U = self.U * self.l_mask.T + torch.diag(self.sign_s * torch.exp(self.log_s))
        return self.P @ L @ U

    def _logdet(self, x):
        return (self.log_s.sum() * x.shape[2] * x.shape[3]).expand(x.shape[0])

    def forward(self, x):
        w = self.weight()
        return F.conv2d(x, w[:, :, None, None]), self._logdet(x)

    def inverse(self, z):
        w_inv = torch.linalg.inv(self.weight().double()).to(z.dtype)
        return F.conv2d(z, w_inv[:, :, None, None]), -self._logdet(z)


def squeeze2x2(x: torch.Tensor) -> torch.Tensor:
    b, c, h, w = x.shape
    if h % 2 or w % 2:
        raise ValueError(f"squeeze2x2 needs even height and width, got {h}×{w}")
    x = x.reshape(b, c, h // 2, 2, w // 2, 2).permute(0, 1, 3, 5, 2, 4)
    return x.reshape(b, 4 * c, h // 2, w // 2)


def unsqueeze2x2(x: torch.Tensor) -> torch.Tensor:
    b, c, h, w = x.shape
    x = x.reshape(b, c // 4, 2, 2, h, w).permute(0, 1, 4, 2, 5, 3)
    return x.reshape(b, c // 4, 2 * h, 2 * w)


class Squeeze2x2(Transform):
    """(C, H, W) → (4C, H/2, W/2) by moving each 2×2 patch into channels; a permutation, so log|det| = 0."""

    def forward(self, x):
        return squeeze2x2(x), x.new_zeros(x.shape[0])

    def inverse(self, z):
        return unsqueeze2x2(z), z.new_zeros(z.shape[0])

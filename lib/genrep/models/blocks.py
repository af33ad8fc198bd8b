"""Convolution building blocks shared by the U-Nets and conv VAEs (spec rectified_flow_cars §3.0), and
``make_norm``, the one factory of 2-D normalisation layers for every network in ``genrep.models``.

Kernel 3, padding 1, order Conv → Norm → GELU. "Layer normalisation" in a conv net is ambiguous; we
offer ``norm="layer"`` = ``GroupNorm(1, C)`` (normalise over C, H, W per sample, per-channel affine; the
default), ``norm="layer_channel"`` = per-pixel LayerNorm over channels (ConvNeXt's LayerNorm2d),
``norm="group"`` = GroupNorm(8, C) and ``norm="none"``. ``Down`` = conv s1 + conv s2 (channels change in
the strided conv); ``Up`` = ConvTranspose s2 (k3, p1, output_padding 1: exactly doubles H and W) + conv s1.
``make_norm`` also builds ``"group32"`` (the DDPM U-Net's GroupNorm), ``"instance"`` and ``"batch"``
(the pix2pix / CycleGAN networks).
"""

from __future__ import annotations

import math

import torch
from torch import nn

NORMS = ("layer", "layer_channel", "group", "group32", "instance", "batch", "none")


class LayerNorm2d(nn.Module):
    """LayerNorm over the channel dimension at every pixel of [B, C, H, W] (ConvNeXt style)."""

    def __init__(self, channels: int, eps: float = 1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(channels))
        self.bias = nn.Parameter(torch.zeros(channels))
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.permute(0, 2, 3, 1)
        x = nn.functional.layer_norm(x, x.shape[-1:], self.weight, self.bias, self.eps)
        return x.permute(0, 3, 1, 2)


def _max_groups(channels: int, max_groups: int = 32) -> int:
    return max(g for g in range(1, max_groups + 1) if channels % g == 0)


def make_norm(norm: str, channels: int) -> nn.Module:
    """A normalisation layer for [B, C, H, W] features:

    * ``"layer"``: GroupNorm(1, C); ``"layer_channel"``: :class:`LayerNorm2d`; ``"group"``: GroupNorm(gcd(8, C))
      (the RF-UNet / ConvVAE blocks);
    * ``"group32"``: GroupNorm with the largest divisor of C ≤ 32 groups, eps 1e-6 (Ho et al.'s DDPM U-Net);
    * ``"instance"``: InstanceNorm2d with a learnable affine and no running statistics (pix2pix's default; at
      batch 1 it equals BatchNorm in train mode); ``"batch"``: BatchNorm2d;
    * ``"none"``: identity.
    """
    if norm == "layer":
        return nn.GroupNorm(1, channels)
    if norm == "layer_channel":
        return LayerNorm2d(channels)
    if norm == "group":
        return nn.GroupNorm(math.gcd(8, channels), channels)
    if norm == "group32":
        return nn.GroupNorm(_max_groups(channels), channels, eps=1e-6)
    if norm == "instance":
        return nn.InstanceNorm2d(channels, affine=True, track_running_stats=False)
    if norm == "batch":
        return nn.BatchNorm2d(channels)
    if norm == "none":
        return nn.Identity()
    raise ValueError(f"unknown norm {norm!r}; valid: {', '.join(NORMS)}")


class ConvNormAct(nn.Sequential):
    """Conv3×3 (stride 1 or 2, padding 1) → Norm → GELU."""

    def __init__(self, cin: int, cout: int, stride: int = 1, norm: str = "layer"):
        super().__init__(nn.Conv2d(cin, cout, 3, stride, 1), make_norm(norm, cout), nn.GELU())


class ConvTNormAct(nn.Sequential):
    """ConvTranspose3×3 stride 2 (doubles H and W exactly) → Norm → GELU."""

    def __init__(self, cin: int, cout: int, norm: str = "layer"):
        super().__init__(nn.ConvTranspose2d(cin, cout, 3, 2, 1, output_padding=1), make_norm(norm, cout), nn.GELU())


class Down(nn.Module):
    """One resolution step down: ConvNormAct(cin→cin) then ConvNormAct(cin→cout, stride 2)."""

    def __init__(self, cin: int, cout: int, norm: str = "layer"):
        super().__init__()
        self.conv1 = ConvNormAct(cin, cin, 1, norm)
        self.conv2 = ConvNormAct(cin, cout, 2, norm)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv2(self.conv1(x))


class Up(nn.Module):
    """One resolution step up: ConvTNormAct(cin→cout) then ConvNormAct(cout→cout)."""

    def __init__(self, cin: int, cout: int, norm: str = "layer"):
        super().__init__()
        self.up = ConvTNormAct(cin, cout, norm)
        self.conv = ConvNormAct(cout, cout, 1, norm)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(self.up(x))


class FourierTime(nn.Module):
    """t ∈ [0, 1] → [sin(f·t), cos(f·t)] for ``n_freqs`` log-spaced frequencies f in [f_min, f_max]."""

    def __init__(self, n_freqs: int = 32, f_min: float = 1.0, f_max: float = 1000.0):
        super().__init__()
        self.register_buffer("freqs", torch.logspace(math.log10(f_min), math.log10(f_max), n_freqs))
        self.dim = 2 * n_freqs

    def forward(self, t: torch.Tensor) -> torch.Tensor:
        a = t.float().reshape(-1, 1) * self.freqs[None]
        return torch.cat([torch.sin(a), torch.cos(a)], dim=1)

"""Latent-space interpolation.

Spec dcgan_vae_cats §3.3: alphas = linspace(0, 1, 10), both endpoints included (8 intermediate).
"""

from __future__ import annotations

import torch


def _alphas(z: torch.Tensor, steps: int) -> torch.Tensor:
    a = torch.linspace(0, 1, steps, device=z.device, dtype=z.dtype)
    return a.view(steps, *([1] * z.dim()))


def lerp(z1: torch.Tensor, z2: torch.Tensor, steps: int = 10) -> torch.Tensor:
    """Linear interpolation -> (steps, *z1.shape); [0] == z1 and [-1] == z2 exactly."""
    a = _alphas(z1, steps)
    out = (1 - a) * z1 + a * z2
    out[0], out[-1] = z1, z2
    return out


def slerp(z1: torch.Tensor, z2: torch.Tensor, steps: int = 10, eps: float = 1e-6) -> torch.Tensor:
    """Spherical interpolation of the flattened tensors (each treated as one vector) -> (steps, *z1.shape).

    Falls back to lerp when z1 and z2 are (anti-)parallel within eps, or either is zero."""
    v1, v2 = z1.flatten().double(), z2.flatten().double()
    n1, n2 = v1.norm(), v2.norm()
    if n1 < eps or n2 < eps:
        return lerp(z1, z2, steps)
    cos = (v1 @ v2 / (n1 * n2)).clamp(-1, 1)
    omega = torch.arccos(cos)
    so = torch.sin(omega)
    if so < eps:
        return lerp(z1, z2, steps)
    a = _alphas(v1, steps).view(steps, 1)
    out = (torch.sin((1 - a) * omega) / so) * v1 + (torch.sin(a * omega) / so) * v2
    out = out.to(z1.dtype).view(steps, *z1.shape)
    out[0], out[-1] = z1, z2
    return out

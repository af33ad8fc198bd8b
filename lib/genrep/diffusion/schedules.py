"""Beta schedules for Gaussian diffusion.

- ``linear``: β linear from ``beta_start`` to ``beta_end`` (Ho et al. 2020: 1e-4 → 0.02 at T = 1000).
- ``linear_scaled``: the same line scaled by 1000/T, so a shorter chain still ends near pure noise
  (T = 500 gives 2e-4 → 0.04 and ᾱ_T ≈ e^-10; identical to ``linear`` at T = 1000).
- ``cosine``: Nichol & Dhariwal 2021, ᾱ(t) = cos²(((t/T + s)/(1 + s))·π/2), β clipped at 0.999.
"""

from __future__ import annotations

import math

import torch

BETA_SCHEDULES = ("linear", "linear_scaled", "cosine")


def make_betas(
    kind: str, T: int, beta_start: float = 1e-4, beta_end: float = 0.02, cosine_s: float = 0.008
) -> torch.Tensor:
    """β_1..β_T as a float64 tensor of shape (T,)."""
    if T < 1:
        raise ValueError(f"T must be a positive number of steps, got {T}")
    if kind == "linear":
        return torch.linspace(beta_start, beta_end, T, dtype=torch.float64)
    if kind == "linear_scaled":
        scale = 1000.0 / T
        return torch.linspace(beta_start * scale, beta_end * scale, T, dtype=torch.float64)
    if kind == "cosine":
        steps = torch.arange(T + 1, dtype=torch.float64) / T
        abar = torch.cos((steps + cosine_s) / (1 + cosine_s) * math.pi / 2) ** 2
        abar = abar / abar[0]
        return (1 - abar[1:] / abar[:-1]).clamp(max=0.999)
    raise ValueError(f"unknown beta schedule {kind!r}; choose one of {', '.join(BETA_SCHEDULES)}")

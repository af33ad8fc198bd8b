"""Time embeddings for time-conditioned networks."""

from __future__ import annotations

import math

import torch


def sinusoidal_embedding(t: torch.Tensor, dim: int, max_period: float = 10000.0) -> torch.Tensor:
    """Transformer-style sinusoidal embedding (Vaswani et al.; used by DDPM U-Nets): (B,) -> (B, dim).

    ``t`` may be integer step indices or floats; the first half of the features are sines, the second
    half cosines, with frequencies geometrically spaced from 1 to 1/max_period. Odd ``dim`` is zero-padded.
    """
    half = dim // 2
    freqs = torch.exp(
        -math.log(max_period) * torch.arange(half, device=t.device, dtype=torch.float32) / max(half - 1, 1)
    )
    args = t.float()[:, None] * freqs[None]
    emb = torch.cat([torch.sin(args), torch.cos(args)], dim=1)
    if dim % 2:
        emb = torch.nn.functional.pad(emb, (0, 1))
    return emb

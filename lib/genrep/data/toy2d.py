"""The 2-D toy data set of Plumerault (2023, §3.4), on which the AVAE's reconstructions are compared."""

from __future__ import annotations

import torch


def toy_data(n: int, seed: int = 0, shared_noise: bool = False) -> torch.Tensor:
    """x = (3 z1 + 0.1 ε, cos(3 z1 + tanh(3 z2)) + 0.1 ε), z1, z2, ε ~ N(0, 1) (§3.4).

    The thesis's formula reuses one ε for both coordinates (``shared_noise=True``); by default each
    coordinate gets its own noise (spec §11.21)."""
    g = torch.Generator().manual_seed(seed)
    z1, z2, e1, e2 = torch.randn(4, n, generator=g)
    e2 = e1 if shared_noise else e2
    return torch.stack([3 * z1 + 0.1 * e1, torch.cos(3 * z1 + torch.tanh(3 * z2)) + 0.1 * e2], 1)

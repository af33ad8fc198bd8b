"""Small helpers shared by the metric modules."""

from __future__ import annotations

import numpy as np
import torch


def as_tensor64(feats) -> torch.Tensor:
    """numpy or torch [N, D] -> float64 torch tensor (on the input's device when it is a tensor)."""
    t = feats if isinstance(feats, torch.Tensor) else torch.from_numpy(np.asarray(feats))
    t = t.detach().to(torch.float64)
    if t.ndim != 2:
        raise ValueError(f"features must have shape [N, D], got {tuple(t.shape)}")
    return t


def as_numpy64(x) -> np.ndarray:
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu().numpy()
    return np.asarray(x, dtype=np.float64)

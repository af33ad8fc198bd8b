"""Kernel Inception Distance (Bińkowski, Sutherland, Arbel & Gretton, ICLR 2018, "Demystifying MMD GANs").

KID is the unbiased estimator of the squared MMD with the cubic polynomial kernel
k(x, y) = (x·y / d + 1)³, averaged over random subsets (torch-fidelity defaults: 100 subsets of 1000):

    MMD²_u = 1/(m(m-1)) Σ_{i≠j} k(x_i, x_j) + 1/(m(m-1)) Σ_{i≠j} k(y_i, y_j) - 2/m² Σ_{i,j} k(x_i, y_j)

Unbiased, so it can be negative for two samples of one distribution, and it does not need N > d as FID
does. Like FID it is "KID" only on Inception features; otherwise "KID-<extractor>".
"""

from __future__ import annotations

import numpy as np
import torch

from genrep.metrics._util import as_tensor64


def _mmd2_unbiased(x: torch.Tensor, y: torch.Tensor) -> float:
    m, d = x.shape
    kxx = (x @ x.T / d + 1) ** 3
    kyy = (y @ y.T / d + 1) ** 3
    kxy = (x @ y.T / d + 1) ** 3
    sxx = (kxx.sum() - kxx.diagonal().sum()) / (m * (m - 1))
    syy = (kyy.sum() - kyy.diagonal().sum()) / (m * (m - 1))
    return float(sxx + syy - 2 * kxy.mean())


def kid_from_features(feats_a, feats_b, subsets=100, subset_size=1000, seed=0) -> tuple[float, float]:
    """(mean, std) over ``subsets`` random subsets (without replacement) of the unbiased MMD² estimate.

    ``subset_size`` is clipped to min(len(a), len(b)). Float64, on the features' device."""
    a, b = as_tensor64(feats_a), as_tensor64(feats_b)
    b = b.to(a.device)
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"feature dims differ: {a.shape[1]} vs {b.shape[1]}")
    m = min(subset_size, len(a), len(b))
    if m < 2:
        raise ValueError("KID needs at least 2 samples per set")
    rng = np.random.default_rng(seed)
    vals = []
    for _ in range(subsets):
        ia = torch.from_numpy(rng.choice(len(a), m, replace=False)).to(a.device)
        ib = torch.from_numpy(rng.choice(len(b), m, replace=False)).to(a.device)
        vals.append(_mmd2_unbiased(a[ia], b[ib]))
    vals = np.array(vals)
    return float(vals.mean()), float(vals.std())

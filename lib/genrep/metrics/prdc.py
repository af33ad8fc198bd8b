"""Improved precision and recall (Kynkäänniemi, Karras, Laine, Lehtinen & Aila, NeurIPS 2019), plus
density and coverage (Naeem, Oh, Uh, Choi & Yoo, ICML 2020), from k-NN manifold estimates.

Each sample of a set gets a hypersphere whose radius is the distance to its k-th nearest neighbour in
the same set (self excluded). Then

    precision = fraction of fake samples inside at least one real sphere   (fidelity)
    recall    = fraction of real samples inside at least one fake sphere   (diversity)
    density   = (1/(k M)) Σ_j #{real spheres containing fake j}
    coverage  = fraction of real spheres that contain at least one fake sample

Distances are computed in float64 with batched ``torch.cdist`` on the features' device, in chunks, so
10k x 10k sets of 2048-d features fit comfortably on a GPU.
"""

from __future__ import annotations

import torch

from genrep.metrics._util import as_tensor64


def _knn_radii(x: torch.Tensor, k: int, chunk: int) -> torch.Tensor:
    # (k+1)-th smallest distance in the row: the first one is the point itself (distance 0)
    return torch.cat([torch.cdist(x[i : i + chunk], x).kthvalue(k + 1, dim=1).values for i in range(0, len(x), chunk)])


def prdc(real_feats, fake_feats, k=3, chunk=1024) -> dict:
    """dict(precision, recall, density, coverage) of fake vs real [N, D] features."""
    real, fake = as_tensor64(real_feats), as_tensor64(fake_feats)
    fake = fake.to(real.device)
    if min(len(real), len(fake)) <= k:
        raise ValueError(f"need more than k={k} samples in each set")
    r_real, r_fake = _knn_radii(real, k, chunk), _knn_radii(fake, k, chunk)
    inside_count = torch.zeros(len(fake), dtype=torch.float64, device=real.device)  # per fake: #real spheres
    real_covered = torch.zeros(len(real), dtype=torch.bool, device=real.device)
    for i in range(0, len(fake), chunk):
        inside = torch.cdist(fake[i : i + chunk], real) <= r_real[None]  # [chunk, N_real]
        inside_count[i : i + chunk] = inside.sum(1)
        real_covered |= inside.any(0)
    recall_hits = torch.cat(
        [(torch.cdist(real[i : i + chunk], fake) <= r_fake[None]).any(1) for i in range(0, len(real), chunk)]
    )
    return dict(
        precision=float((inside_count > 0).double().mean()),
        recall=float(recall_hits.double().mean()),
        density=float(inside_count.sum() / (k * len(fake))),
        coverage=float(real_covered.double().mean()),
    )


def precision_recall(real_feats, fake_feats, k=3) -> dict:
    """dict(precision, recall) of Kynkäänniemi et al. 2019 (k-NN manifolds; the paper uses k=3)."""
    out = prdc(real_feats, fake_feats, k=k)
    return dict(precision=out["precision"], recall=out["recall"])

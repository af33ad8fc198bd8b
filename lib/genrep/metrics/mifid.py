"""Memorization-informed FID (Kaggle "Generative Dog Images" / "I'm Something of a Painter Myself").

Kaggle's scoring kernel (see anchors.md 2.2):

    d_ij  = 1 - |cos(f_gen_i, f_ref_j)|          rows whose features sum to 0 are dropped
    d     = mean_i min_j d_ij                    over the GENERATED images (query set)
    d_thr = d if d < eps else 1                  eps = 0.1
    MiFID = FID / (d_thr + 1e-14)

So MiFID == FID unless generated images are, on average, almost collinear in feature space with some
reference image; then FID is multiplied by at least 1/eps. Note torchmetrics computes d in the other
direction (real -> fake); we follow Kaggle (generated -> reference).
"""

from __future__ import annotations

import torch

from genrep.metrics._util import as_tensor64
from genrep.metrics.frechet import fid_from_features

FID_EPSILON = 1e-14


def _normalised(f: torch.Tensor) -> torch.Tensor:
    f = f[f.sum(1) != 0]
    return f / f.norm(dim=1, keepdim=True)


def min_cosine_distances(gen_feats, ref_feats, chunk=2048) -> torch.Tensor:
    """Per generated row: min over reference rows of 1 - |cos| (float64, chunked; zero rows dropped)."""
    g, r = _normalised(as_tensor64(gen_feats)), _normalised(as_tensor64(ref_feats))
    r = r.to(g.device)
    mins = [(1 - (g[i : i + chunk] @ r.T).abs()).min(1).values for i in range(0, len(g), chunk)]
    return torch.cat(mins).clamp_min(0)


def mean_min_cosine_distance(gen_feats, ref_feats, chunk=2048) -> float:
    """mean over generated rows of min over reference rows of 1 - |cos| (Kaggle's d)."""
    return float(min_cosine_distances(gen_feats, ref_feats, chunk).mean())


def mifid_from_features(gen_feats, ref_feats, eps=0.1) -> dict:
    """dict(fid, distance, distance_thr, mifid) in Kaggle's definition (generated -> reference)."""
    fid = fid_from_features(gen_feats, ref_feats)
    d = mean_min_cosine_distance(gen_feats, ref_feats)
    d_thr = d if d < eps else 1.0
    return dict(fid=fid, distance=d, distance_thr=d_thr, mifid=fid / (d_thr + FID_EPSILON))

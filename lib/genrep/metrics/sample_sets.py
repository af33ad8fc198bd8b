"""Set-level statistics of generated images: diversity, near-duplicates and memorisation (spec
rectified_flow_cars §7, M3–M4), and every per-method number of Table R1 in one call.

* ``mean_pairwise_cosine_distance``, ``vendi_score`` (Friedman & Dieng 2023, cosine kernel): diversity.
* ``near_duplicate_clusters``: agglomerative clustering (average linkage, cosine distance) cut at a
  threshold; ``duplicate_threshold`` calibrates it as a low percentile of real train→train NN distances,
  so real images are *not* near-duplicates of each other.
* ``nn_distance_ratio``: distance of each generated image to its nearest training image, divided by that
  training image's own NN distance within the training set (< 1/3 suggests a copy).
* ``evaluate_samples``: FD / KID, precision / recall, the diversity and memorisation numbers above, sharpness
  relative to the training images (:mod:`genrep.metrics.sharpness`) and the pixel oracle's utility.

Sharpness lives in :mod:`genrep.metrics.sharpness`, regression quality in :mod:`genrep.metrics.regression`,
bootstrapped Fréchet distances and their per-method table in :mod:`genrep.metrics.fd_bootstrap`.
"""

from __future__ import annotations

import numpy as np
import torch

from genrep.data.raters import image_utility
from genrep.metrics.frechet import fid_from_features
from genrep.metrics.kid import kid_from_features
from genrep.metrics.prdc import precision_recall
from genrep.metrics.sharpness import high_freq_energy, laplacian_variance


def _unit(f) -> torch.Tensor:
    f = torch.as_tensor(np.asarray(f), dtype=torch.float64)
    return f / f.norm(dim=1, keepdim=True).clamp_min(1e-12)


def mean_pairwise_cosine_distance(feats) -> float:
    """Mean cosine distance over distinct pairs, in O(n·d): Σ_ij u_i·u_j = |Σ_i u_i|²."""
    u = _unit(feats)
    n = len(u)
    if n < 2:
        return float("nan")
    s = u.sum(0).pow(2).sum() - n
    return float(1 - s / (n * (n - 1)))


def vendi_score(feats) -> float:
    """exp(entropy of the eigenvalues of K/n), K the cosine-similarity kernel: the effective number of
    distinct samples (1 = all identical, n = all orthogonal)."""
    u = _unit(feats)
    gram = u.T @ u if len(u) > u.shape[1] else u @ u.T  # same non-zero eigenvalues, smaller matrix
    lam = torch.linalg.eigvalsh(gram / len(u)).clamp_min(0)
    lam = lam[lam > 1e-12]
    return float(torch.exp(-(lam * lam.log()).sum()))


def _cosine_dist(a, b) -> torch.Tensor:
    return (1 - _unit(a) @ _unit(b).T).clamp_min(0)


def nn_cosine_distances(train_feats) -> np.ndarray:
    d = _cosine_dist(train_feats, train_feats)
    d.fill_diagonal_(float("inf"))
    return d.min(1).values.numpy()


def duplicate_threshold(train_feats, percentile: float = 1.0) -> float:
    """The ``percentile``-th percentile of train→train nearest-neighbour cosine distances."""
    return float(np.percentile(nn_cosine_distances(train_feats), percentile))


def near_duplicate_clusters(feats, threshold: float) -> tuple[int, np.ndarray]:
    """(number of clusters, labels) of average-linkage clustering cut at cosine distance ``threshold``."""
    from sklearn.cluster import AgglomerativeClustering

    f = np.asarray(feats, np.float64)
    if len(f) < 2:
        return len(f), np.zeros(len(f), int)
    lab = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=max(threshold, 1e-9)
    ).fit_predict(f)
    return int(lab.max() + 1), lab


def nn_distance_ratio(gen_feats, train_feats, chunk: int = 2048) -> np.ndarray:
    """Per generated image: L2 distance to the nearest training image / that image's own train NN distance."""
    tr = torch.as_tensor(np.asarray(train_feats), dtype=torch.float64)
    dtt = torch.cdist(tr, tr)
    dtt.fill_diagonal_(float("inf"))
    own = dtt.min(1).values.clamp_min(1e-12)
    g = torch.as_tensor(np.asarray(gen_feats), dtype=torch.float64)
    out = []
    for i in range(0, len(g), chunk):
        d = torch.cdist(g[i : i + chunk], tr)
        v, j = d.min(1)
        out.append(v / own[j])
    return torch.cat(out).numpy() if out else np.zeros(0)


def evaluate_samples(
    gen, train, extractor, train_feats=None, kid_subset: int = 1000, kid_subsets: int = 100, seed: int = 0
) -> dict:
    """Every per-method number of Table R1 for uint8 samples ``gen`` against uint8 ``train`` images:
    FD / KID (named by the extractor, e.g. FD-cifarnet), precision / recall (k=3), Vendi and mean pairwise
    cosine distance, sharpness relative to the training images, memorisation (NN-distance ratio) and
    the pixel oracle's Moira utility."""
    tf = extractor(train) if train_feats is None else train_feats
    gf = extractor(gen)
    m = min(kid_subset, len(tf), len(gf))
    kid, kid_sd = kid_from_features(tf, gf, subsets=kid_subsets, subset_size=m, seed=seed)
    ratio = nn_distance_ratio(gf, tf)
    return {
        "metric": extractor.metric_name,
        "kid_metric": extractor.kid_name,
        "n": len(gen),
        "fd": float(fid_from_features(tf, gf)),
        "kid": float(kid),
        "kid_std": float(kid_sd),
        **precision_recall(tf, gf, k=3),
        "vendi": vendi_score(gf),
        "mean_cos_dist": mean_pairwise_cosine_distance(gf),
        "sharpness_rel": float(np.median(laplacian_variance(gen)) / np.median(laplacian_variance(train))),
        "hf_energy_rel": float(np.median(high_freq_energy(gen)) / np.median(high_freq_energy(train))),
        "mem_ratio_median": float(np.median(ratio)),
        "mem_frac_below_third": float((ratio < 1 / 3).mean()),
        "oracle_mean": float(np.mean(image_utility(gen))),
    }

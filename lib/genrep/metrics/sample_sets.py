"""Set-level statistics of generated images: diversity, near-duplicates, memorisation, sharpness,
and regression quality (spec rectified_flow_cars §7, M3–M5, M7).

* ``mean_pairwise_cosine_distance``, ``vendi_score`` (Friedman & Dieng 2023, cosine kernel): diversity.
* ``near_duplicate_clusters``: agglomerative clustering (average linkage, cosine distance) cut at a
  threshold; ``duplicate_threshold`` calibrates it as a low percentile of real train→train NN distances,
  so real images are *not* near-duplicates of each other.
* ``nn_distance_ratio``: distance of each generated image to its nearest training image, divided by that
  training image's own NN distance within the training set (< 1/3 suggests a copy).
* ``laplacian_variance``, ``high_freq_energy``: sharpness of uint8 images (grey-level).
* ``regression_report``: RMSE, MAE, Pearson r, Spearman ρ.
* ``fd_bootstrap``: a Fréchet distance of two feature sets with bootstrap replicates whose real-side resamples
  depend on ``seed`` alone, so that replicate-wise differences of two methods scored against the same real
  features are paired on the real images.
* ``score_fd_table``: that distance and KID for several methods' samples against one reference set, at the
  methods' n and again at the held-out set's n beside the held-out (real) images themselves (FD's bias is
  O(1/n): the real-vs-real floor is only a floor at equal n).
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F


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


def _grey(images) -> torch.Tensor:
    x = torch.as_tensor(images)
    x = x.float() / 255 if x.dtype == torch.uint8 else x.float()
    return (0.299 * x[:, 0] + 0.587 * x[:, 1] + 0.114 * x[:, 2])[:, None] if x.shape[1] == 3 else x


def laplacian_variance(images, chunk: int = 1024) -> np.ndarray:
    """Per image: variance of the 3×3 Laplacian of the grey image (valid region)."""
    k = torch.tensor([[0.0, 1, 0], [1, -4, 1], [0, 1, 0]]).view(1, 1, 3, 3)
    return torch.cat(
        [F.conv2d(_grey(images[i : i + chunk]), k).flatten(1).var(1) for i in range(0, len(images), chunk)]
    ).numpy()


def high_freq_energy(images, chunk: int = 1024) -> np.ndarray:
    """Per image: share of the (mean-removed) grey power spectrum above a quarter of the sampling rate."""
    out = []
    for i in range(0, len(images), chunk):
        g = _grey(images[i : i + chunk])[:, 0]
        g = g - g.mean((1, 2), keepdim=True)
        p = torch.fft.fft2(g).abs().pow(2)
        fy = torch.fft.fftfreq(g.shape[1]).abs()[:, None]
        fx = torch.fft.fftfreq(g.shape[2]).abs()[None]
        high = (torch.sqrt(fy**2 + fx**2) > 0.25).float()
        out.append((p * high).sum((1, 2)) / p.sum((1, 2)).clamp_min(1e-12))
    return torch.cat(out).numpy()


def regression_report(y_true, y_pred) -> dict:
    from scipy.stats import pearsonr, spearmanr

    y, p = np.asarray(y_true, float), np.asarray(y_pred, float)
    ok = len(y) > 2 and y.std() > 0 and p.std() > 0
    return {
        "rmse": float(np.sqrt(np.mean((y - p) ** 2))),
        "mae": float(np.mean(np.abs(y - p))),
        "pearson": float(pearsonr(y, p)[0]) if ok else float("nan"),
        "spearman": float(spearmanr(y, p)[0]) if ok else float("nan"),
        "n": len(y),
    }


def evaluate_samples(
    gen, train, extractor, train_feats=None, kid_subset: int = 1000, kid_subsets: int = 100, seed: int = 0
) -> dict:
    """Every per-method number of Table R1 for uint8 samples ``gen`` against uint8 ``train`` images:
    FD / KID (named by the extractor, e.g. FD-cifarnet), precision / recall (k=3), Vendi and mean pairwise
    cosine distance, sharpness relative to the training images, memorisation (NN-distance ratio) and
    the pixel oracle's Moira utility."""
    from ..data.raters import image_utility
    from . import fid_from_features, kid_from_features, precision_recall

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


def fd_bootstrap(fake_feats, real_feats, n_boot: int = 200, seed: int = 0) -> dict:
    """{"value", "boot", "n_fake", "n_real"}: the Fréchet distance of ``fake_feats`` vs ``real_feats`` ([N, D]
    each) and ``n_boot`` replicates (fakes and reals resampled with replacement; the real-side index stream
    is fixed by ``seed``, so two methods' replicates share it and their differences are paired)."""
    from . import fid_from_features

    ff, fr = (np.ascontiguousarray(np.asarray(f, np.float64)) for f in (fake_feats, real_feats))
    if len(ff) < 2 or len(fr) < 2:
        raise ValueError(f"fd_bootstrap needs at least 2 fake and 2 real rows, got {len(ff)} and {len(fr)}")
    rf, rr = np.random.default_rng([seed, 1]), np.random.default_rng([seed, 2])
    boot = [
        fid_from_features(ff[rf.integers(0, len(ff), len(ff))], fr[rr.integers(0, len(fr), len(fr))])
        for _ in range(int(n_boot))
    ]
    return {
        "value": float(fid_from_features(ff, fr)),
        "boot": [round(float(b), 4) for b in boot],
        "n_fake": len(ff),
        "n_real": len(fr),
    }


def score_fd_table(
    samples: dict, reference, held_out, extractor, n: int, n_boot: int = 200, seed: int = 0, progress: bool = True
) -> dict:
    """Per method of ``samples`` ({name: uint8 images}): ``fd_bootstrap`` of its first ``n`` images against
    ``reference`` (uint8, used whole) plus KID, and the same at ``n_eq = min(n, len(held_out))`` (key
    ``"eq"``), where the row ``"held-out (real)"`` scores ``held_out[:n_eq]`` itself. Features are extracted once
    per set with ``extractor`` (its ``metric_name`` labels the result)."""
    from . import kid_from_features

    if n < 2:
        raise ValueError(f"n must be at least 2, got {n}")
    rf = extractor(reference).double()
    n_eq = min(n, len(held_out))
    out = {
        "metric": extractor.metric_name,
        "kid_metric": extractor.kid_name,
        "n": n,
        "n_eq": n_eq,
        "n_reference": len(rf),
        "methods": {},
    }
    sets = {**samples, "held-out (real)": held_out[:n_eq]}
    for i, (name, imgs) in enumerate(sets.items()):
        if progress:
            print(
                f"[{i + 1}/{len(sets)}] {extractor.metric_name} features of {name} ({min(n, len(imgs))} images)",
                flush=True,
            )
        ff = extractor(imgs[:n]).double()
        row = {}
        if name != "held-out (real)":
            row = fd_bootstrap(ff, rf, n_boot, seed)
            kid, kid_sd = kid_from_features(rf, ff, subsets=100, subset_size=min(len(rf), len(ff), 1000), seed=seed)
            row.update(kid=float(kid), kid_std=float(kid_sd))
        row["eq"] = fd_bootstrap(ff[:n_eq], rf, n_boot, seed)
        out["methods"][name] = row
    return out

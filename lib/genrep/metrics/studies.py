"""Studies that measure the measuring instruments (the ``metrics`` chapter computes with these).

- :func:`disturbance_study` — Heusel et al. (2017), Fig. 3: the Fréchet distance between a clean
  reference set and a disturbed set should rise monotonically with the disturbance level.
- :func:`sample_size_study` — the bias of the Fréchet distance and the unbiasedness of KID as the number
  of images shrinks (Bińkowski et al. 2018; Chong & Forsyth 2020).
"""
from __future__ import annotations

import numpy as np
import torch
from tqdm import tqdm

from .disturbances import DISTURBANCES, disturb
from .frechet import feature_stats, frechet_distance
from .kid import kid_from_features


def is_monotone(values, rel_tol: float = 0.0) -> bool:
    """True when every value exceeds the one before it (by more than ``rel_tol`` of the previous value)."""
    v = list(values)
    return all(b > a + rel_tol * abs(a) for a, b in zip(v, v[1:]))


def disturbance_study(reference: torch.Tensor, pool: torch.Tensor, extractors: list, kinds: list[str] | None = None,
                      seed: int = 0, other: torch.Tensor | None = None, labels: torch.Tensor | None = None,
                      kid_subsets: int = 20, batch_size: int = 256, progress: bool = True) -> list[dict]:
    """Distances between ``reference`` and ``pool`` disturbed at each level of each kind.

    ``reference`` and ``pool`` are disjoint uint8 image sets from one dataset (so level 0 measures the
    sampling floor). Kinds that need another dataset (``other``) or labels are skipped without them.
    Returns rows {extractor, metric, kind, level, fd, kid, kid_std}.
    """
    kinds = list(kinds or DISTURBANCES)
    for k in kinds:
        if k not in DISTURBANCES:
            raise ValueError(f"unknown disturbance {k!r}; valid: {', '.join(DISTURBANCES)}")
    usable = [k for k in kinds if not ((DISTURBANCES[k].needs == "other" and other is None) or
                                       (DISTURBANCES[k].needs == "labels" and labels is None))]
    ref_feats = {e.name: e(reference, batch_size=batch_size) for e in extractors}
    ref_stats = {n: feature_stats(f) for n, f in ref_feats.items()}
    jobs = [(k, lv) for k in usable for lv in DISTURBANCES[k].levels]
    rows = []
    for kind, level in tqdm(jobs, desc="disturbances", disable=not progress):
        x = disturb(pool, kind, level, seed=seed, other=other, labels=labels)
        for e in extractors:
            f = e(x, batch_size=batch_size)
            mu, sig = feature_stats(f)
            kid, kid_std = kid_from_features(ref_feats[e.name], f, subsets=kid_subsets,
                                             subset_size=min(1000, len(f), len(reference)), seed=seed)
            rows.append({"extractor": e.name, "metric": e.metric_name, "kind": kind, "level": float(level),
                         "fd": frechet_distance(*ref_stats[e.name], mu, sig), "kid": kid, "kid_std": kid_std})
    return rows


def monotonicity(rows: list[dict], key: str = "fd") -> dict[tuple[str, str], bool]:
    """{(extractor, kind): is the distance strictly increasing over the levels?}"""
    out = {}
    for ext in sorted({r["extractor"] for r in rows}):
        for kind in dict.fromkeys(r["kind"] for r in rows):
            vals = [r[key] for r in sorted((r for r in rows if r["extractor"] == ext and r["kind"] == kind),
                                           key=lambda r: r["level"])]
            if vals:
                out[(ext, kind)] = is_monotone(vals)
    return out


def sample_size_study(reference: torch.Tensor, comparisons: dict[str, torch.Tensor], sizes: list[int],
                      repeats: int = 5, seed: int = 0, kid_subsets: int = 20, progress: bool = True) -> list[dict]:
    """FD and KID between ``n`` reference features and ``n`` features of each comparison set, for each n.

    Works on *features* ([N, D] tensors), so one extraction serves every n. Each (n, repeat) draws fresh
    disjoint subsets; when a comparison set is the reference itself, the two draws are disjoint halves,
    so the true distance is 0 and any positive mean is bias.
    Returns rows {comparison, n, fd_mean, fd_std, kid_mean, kid_std, repeats} (mean and sample standard
    deviation over the repeats).
    """
    g = torch.Generator().manual_seed(seed)
    rows = []
    jobs = [(name, n) for name in comparisons for n in sizes]
    for name, n in tqdm(jobs, desc="sample sizes", disable=not progress):
        comp = comparisons[name]
        same = comp is reference
        need_ref = 2 * n if same else n
        if len(reference) < need_ref or len(comp) < n:
            continue
        fds, kids = [], []
        for _ in range(repeats):
            perm = torch.randperm(len(reference), generator=g)
            a = reference[perm[:n]]
            b = reference[perm[n:2 * n]] if same else comp[torch.randperm(len(comp), generator=g)[:n]]
            fds.append(frechet_distance(*feature_stats(a), *feature_stats(b)))
            kids.append(kid_from_features(a, b, subsets=kid_subsets, subset_size=n, seed=len(rows))[0])
        rows.append({"comparison": name, "n": n, "fd_mean": float(np.mean(fds)), "fd_std": float(np.std(fds)),
                     "kid_mean": float(np.mean(kids)), "kid_std": float(np.std(kids, ddof=1)) if repeats > 1 else 0.0,
                     "repeats": repeats})
    return rows


def consistent_with_zero(mean: float, std: float, repeats: int, confidence: float = 0.99) -> bool:
    """Two-sided t-test: is a mean of ``repeats`` draws with sample std ``std`` consistent with 0?"""
    from scipy.stats import t

    if repeats < 2:
        return False
    se = std / np.sqrt(repeats)
    return abs(mean) <= t.ppf(0.5 + confidence / 2, repeats - 1) * se + 1e-12


def resolve_extractors(names="auto", device=None) -> list:
    """Extractors by name; ``"auto"`` means every one available here (Inception only with its weights)."""
    from .extractors import available_extractors, get_extractor

    avail = available_extractors()
    if names == "auto":
        names = avail
    names = [names] if isinstance(names, str) else list(names)
    bad = [n for n in names if n not in avail]
    if bad:
        raise ValueError(f"extractor(s) {bad} not available here; available: {avail} "
                         "(inception needs its weights; see the README)")
    return [get_extractor(n, device) for n in names]


def images_per_second(extractor, images, batch_size: int = 256, repeats: int = 2) -> float:
    """Feature-extraction throughput (best of ``repeats`` timed passes after one warm-up batch)."""
    import time

    from genrep.train import synchronize

    extractor(images[:batch_size], batch_size=batch_size)
    best = float("inf")
    for _ in range(repeats):
        synchronize(extractor.device)
        t0 = time.perf_counter()
        extractor(images, batch_size=batch_size)
        synchronize(extractor.device)
        best = min(best, time.perf_counter() - t0)
    return len(images) / best

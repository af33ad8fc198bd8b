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

from genrep.runtime import synchronize

from .disturbances import DISTURBANCES, disturb
from .extractors import available_extractors, get_extractor
from .frechet import FrechetReference, fid_from_features
from .kid import kid_from_features


def is_monotone(values, rel_tol: float = 0.0) -> bool:
    """True when every value exceeds the one before it (by more than ``rel_tol`` of the previous value)."""
    v = list(values)
    return all(b > a + rel_tol * abs(a) for a, b in zip(v, v[1:], strict=False))


def disturbance_study(
    reference: torch.Tensor,
    pool: torch.Tensor,
    extractors: list,
    kinds: list[str] | None = None,
    seed: int = 0,
    other: torch.Tensor | None = None,
    labels: torch.Tensor | None = None,
    kid_subsets: int = 20,
    batch_size: int = 256,
    progress: bool = True,
    bootstrap: int = 0,
    bootstrap_for: tuple = ("inception",),
) -> list[dict]:
    """Distances between ``reference`` and ``pool`` disturbed at each level of each kind.

    ``reference`` and ``pool`` are disjoint uint8 image sets from one dataset (so level 0 measures the
    sampling floor). Kinds that need another dataset (``other``) or labels are skipped without them.
    An undisturbed level (identical to the pool) reuses the pool's features instead of extracting again.
    With ``bootstrap`` = B > 0, the extractors named in ``bootstrap_for`` also get ``fd_boot``: B Fréchet
    distances over resampled pool rows, the same B row draws at every level of a kind (paired), so the
    difference between two levels has a bootstrap interval.
    Returns rows {extractor, metric, kind, level, fd, kid, kid_std[, fd_boot]}.
    """
    kinds = list(kinds or DISTURBANCES)
    for k in kinds:
        if k not in DISTURBANCES:
            raise ValueError(f"unknown disturbance {k!r}; valid: {', '.join(DISTURBANCES)}")
    usable = [
        k
        for k in kinds
        if not (
            (DISTURBANCES[k].needs == "other" and other is None)
            or (DISTURBANCES[k].needs == "labels" and labels is None)
        )
    ]
    ref_feats = {e.name: e(reference, batch_size=batch_size) for e in extractors}
    refs = {n: FrechetReference.from_features(f) for n, f in ref_feats.items()}
    draws = np.random.default_rng(seed).integers(0, len(pool), (bootstrap, len(pool))) if bootstrap else None
    pool_feats: dict = {}
    jobs = [(k, lv) for k in usable for lv in DISTURBANCES[k].levels]
    rows = []
    for kind, level in tqdm(jobs, desc="disturbances", disable=not progress):
        x = disturb(pool, kind, level, seed=seed, other=other, labels=labels)
        same = torch.equal(x, pool)
        for e in extractors:
            if same and e.name in pool_feats:
                f = pool_feats[e.name]
            else:
                f = e(x, batch_size=batch_size)
                if same:
                    pool_feats[e.name] = f
            kid, kid_std = kid_from_features(
                ref_feats[e.name], f, subsets=kid_subsets, subset_size=min(1000, len(f), len(reference)), seed=seed
            )
            row = {
                "extractor": e.name,
                "metric": e.metric_name,
                "kind": kind,
                "level": float(level),
                "fd": refs[e.name].distance(f),
                "kid": kid,
                "kid_std": kid_std,
            }
            if bootstrap and e.name in bootstrap_for:
                fn = f.double().numpy()
                row["fd_boot"] = [refs[e.name].distance(fn[i]) for i in draws]
            rows.append(row)
    return rows


def step_intervals(rows: list[dict], extractor: str, kind: str, confidence: float = 0.95) -> list[tuple]:
    """Paired-bootstrap intervals of FD(level i+1) - FD(level i) for one kind (rows with ``fd_boot``)."""
    sub = sorted((r for r in rows if r["extractor"] == extractor and r["kind"] == kind), key=lambda r: r["level"])
    if any("fd_boot" not in r for r in sub):
        raise ValueError(f"rows of {extractor}/{kind} have no fd_boot: run disturbance_study with bootstrap > 0")
    a = (1 - confidence) / 2
    out = []
    for lo, hi in zip(sub, sub[1:], strict=False):
        d = np.asarray(hi["fd_boot"]) - np.asarray(lo["fd_boot"])
        out.append((float(np.quantile(d, a)), float(np.quantile(d, 1 - a))))
    return out


UNDISTURBED = ("undisturbed", 0.0)  # the key of the one undisturbed set in :func:`distinct_sets`


def distinct_sets(rows: list[dict], extractor: str, kind: str | None = None) -> dict[tuple, float]:
    """{set: distance} of ``extractor`` over the distinct disturbed sets (every (kind, level), or the levels of one
    ``kind``). Level 0 of every kind is the undisturbed pool itself (:data:`~genrep.metrics.disturbances.DISTURBANCES`
    starts each kind at the identity, and :func:`disturbance_study` reuses the pool's features for it), so across
    kinds it is one set, keyed :data:`UNDISTURBED`, not one per kind: counting it once per kind would weigh the
    same distance several times. Level-0 rows whose distances differ are not one set and stay apart.
    """
    sel = [r for r in rows if r["extractor"] == extractor and (kind is None or r["kind"] == kind)]
    zero = [r["fd"] for r in sel if float(r["level"]) == 0.0]
    one = bool(zero) and bool(np.allclose(zero, zero[0], rtol=1e-9, atol=0.0))
    out = {(r["kind"], float(r["level"])): r["fd"] for r in sel if not (one and float(r["level"]) == 0.0)}
    if one:
        out[UNDISTURBED] = zero[0]
    return out


def rank_agreement(rows: list[dict], extractor: str, reference: str = "inception", kind: str | None = None) -> float:
    """Spearman rank correlation between ``extractor``'s and ``reference``'s distances over the distinct disturbed
    sets (:func:`distinct_sets`: every (kind, level) with the undisturbed set once, or the levels of one ``kind``):
    does a proxy order degradations like FID?"""
    from scipy.stats import spearmanr

    a, b = distinct_sets(rows, extractor, kind), distinct_sets(rows, reference, kind)
    keys = sorted(set(a) & set(b))
    if len(keys) < 3:
        raise ValueError(f"need at least 3 common disturbed sets of {extractor} and {reference}, got {len(keys)}")
    return float(spearmanr([a[k] for k in keys], [b[k] for k in keys]).statistic)


def monotonicity(rows: list[dict], key: str = "fd") -> dict[tuple[str, str], bool]:
    """{(extractor, kind): is the distance strictly increasing over the levels?}"""
    out = {}
    for ext in sorted({r["extractor"] for r in rows}):
        for kind in dict.fromkeys(r["kind"] for r in rows):
            vals = [
                r[key]
                for r in sorted(
                    (r for r in rows if r["extractor"] == ext and r["kind"] == kind), key=lambda r: r["level"]
                )
            ]
            if vals:
                out[(ext, kind)] = is_monotone(vals)
    return out


def sample_size_study(
    reference: torch.Tensor,
    comparisons: dict[str, torch.Tensor],
    sizes: list[int],
    repeats: int = 5,
    seed: int = 0,
    kid_subsets: int = 20,
    progress: bool = True,
) -> list[dict]:
    """FD and KID between ``n`` reference features and ``n`` features of each comparison set, for each n.

    Works on *features* ([N, D] tensors), so one extraction serves every n. Each (n, repeat) draws fresh
    disjoint subsets; when a comparison set is the reference itself, the two draws are disjoint halves,
    so the true distance is 0 and any positive mean is bias.
    Returns rows {comparison, n, fd_mean, fd_std, kid_mean, kid_std, repeats, fd_values, kid_values} (mean
    and sample standard deviation over the repeats, and the values of each draw).
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
            b = reference[perm[n : 2 * n]] if same else comp[torch.randperm(len(comp), generator=g)[:n]]
            fds.append(fid_from_features(a, b))
            kids.append(kid_from_features(a, b, subsets=kid_subsets, subset_size=n, seed=len(rows))[0])
        rows.append(
            {
                "comparison": name,
                "n": n,
                "fd_mean": float(np.mean(fds)),
                "fd_std": float(np.std(fds)),
                "kid_mean": float(np.mean(kids)),
                "kid_std": float(np.std(kids, ddof=1)) if repeats > 1 else 0.0,
                "repeats": repeats,
                "fd_values": [float(v) for v in fds],
                "kid_values": [float(v) for v in kids],
            }
        )
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

    avail = available_extractors()
    if names == "auto":
        names = avail
    names = [names] if isinstance(names, str) else list(names)
    bad = [n for n in names if n not in avail]
    if bad:
        raise ValueError(
            f"extractor(s) {bad} not available here; available: {avail} (inception needs its weights; see the README)"
        )
    return [get_extractor(n, device) for n in names]


def images_per_second(extractor, images, batch_size: int = 256, repeats: int = 2) -> float:
    """Feature-extraction throughput (best of ``repeats`` timed passes after one warm-up batch)."""
    import time

    extractor(images[:batch_size], batch_size=batch_size)
    best = float("inf")
    for _ in range(repeats):
        synchronize(extractor.device)
        t0 = time.perf_counter()
        extractor(images, batch_size=batch_size)
        synchronize(extractor.device)
        best = min(best, time.perf_counter() - t0)
    return len(images) / best

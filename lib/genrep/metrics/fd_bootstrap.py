"""Fréchet distances with paired bootstrap replicates, and the table of them for several methods' samples
(spec rectified_flow_cars §7, M1).

* ``fd_bootstrap``: a Fréchet distance of two feature sets with bootstrap replicates whose real-side resamples
  depend on ``seed`` alone, so that replicate-wise differences of two methods scored against the same real
  features are paired on the real images.
* ``score_fd_table``: that distance and KID for several methods' samples against one reference set, at the
  methods' n and again at the held-out set's n beside the held-out (real) images themselves (FD's bias is
  O(1/n): the real-vs-real floor is only a floor at equal n).
"""

from __future__ import annotations

import numpy as np

from genrep.metrics.frechet import fid_from_features
from genrep.metrics.kid import kid_from_features


def fd_bootstrap(fake_feats, real_feats, n_boot: int = 200, seed: int = 0) -> dict:
    """{"value", "boot", "n_fake", "n_real"}: the Fréchet distance of ``fake_feats`` vs ``real_feats`` ([N, D]
    each) and ``n_boot`` replicates (fakes and reals resampled with replacement; the real-side index stream
    is fixed by ``seed``, so two methods' replicates share it and their differences are paired)."""
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

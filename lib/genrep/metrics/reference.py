"""Reference features of a real dataset, computed once and cached: the real side of FID / KID / MiFID.

    feats = reference_features("cifar10", "test", size=32, n=10000)      # float32 [n, 2048]
    mu, sigma = reference_stats("monet", "train", size=256)              # float64, for FID

The cache file (``<data>/fid_refs/*.npz``) is keyed by dataset, split, size, n, seed, feature dims, the
dataset's staged fingerprint (its manifest hash) and the checksum of the Inception weights, so changing any
of them computes again. Features are stored (not only mean and covariance) because KID, MiFID and
precision/recall need them.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import torch

from genrep.data import load, manifest_hash
from genrep.metrics.frechet import feature_stats
from genrep.metrics.inception import weights_checksum
from genrep.paths import data_dir

from .extractors import inception_features


def _key(dataset, split, size, n, seed, dims) -> tuple[str, dict]:

    meta = dict(
        dataset=dataset,
        split=split,
        size=size,
        n=n,
        seed=seed,
        dims=dims,
        data=manifest_hash([dataset]),
        weights=weights_checksum(),
    )
    return hashlib.sha256(json.dumps(meta, sort_keys=True).encode()).hexdigest()[:16], meta


def reference_path(dataset, split="train", size=None, n=None, seed=0, dims=2048) -> Path:

    key, _ = _key(dataset, split, size, n, seed, dims)
    return data_dir() / "fid_refs" / f"{dataset}_{split}_{size or 'native'}_{n or 'all'}_s{seed}_d{dims}_{key}.npz"


def reference_images(dataset, split="train", size=None, n=None, seed=0) -> torch.Tensor:
    """The uint8 images behind :func:`reference_features` (same seeded subset, same order)."""

    images = load(dataset, split, size=size)
    if n is not None and n < len(images):
        g = torch.Generator().manual_seed(seed)
        images = images[torch.randperm(len(images), generator=g)[:n].sort().values]
    return images


def reference_features(
    dataset, split="train", size=None, n=None, seed=0, dims=2048, device=None, progress=True
) -> np.ndarray:
    """TF-Inception features of ``n`` images of a staged real dataset (a seeded subset; all when None).
    Raises ``genrep.data.DataError`` when the dataset is not staged: a reference set is never a stand-in."""

    path = reference_path(dataset, split, size, n, seed, dims)
    if path.is_file():
        try:
            with np.load(path) as z:
                return z["features"]
        except (OSError, ValueError, KeyError):  # a truncated or corrupt cache file: compute it again
            path.unlink(missing_ok=True)
    images = reference_images(dataset, split, size, n, seed)
    feats = inception_features(images, dims=dims, device=device, progress=progress)
    _, meta = _key(dataset, split, size, n, seed, dims)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, features=feats, meta=json.dumps({**meta, "count": len(feats)}))
    tmp.replace(path)
    return feats


def reference_stats(dataset, split="train", size=None, n=None, seed=0, dims=2048, device=None):
    """(mu, sigma) in float64 of :func:`reference_features`."""
    return feature_stats(reference_features(dataset, split, size, n, seed, dims, device))


def cached_features(extractor, images: torch.Tensor, progress=None) -> torch.Tensor:
    """``extractor(images)``, cached in ``<data>/fid_refs`` by the images' bytes, the extractor and its weights.

    For a real subset that several arms score against (every seed of a chapter would otherwise extract the
    same 1,000 real images again). Only the TF-Inception extractors are cached (the proxies are cheap and
    their weights are trained per data directory); for any other extractor this is ``extractor(images)``.
    """

    if not extractor.name.startswith("inception"):
        return extractor(images, progress=progress)
    x = images.contiguous().cpu()
    h = hashlib.sha256(x.numpy().tobytes())
    h.update(json.dumps([extractor.name, extractor.dim, list(x.shape), str(x.dtype), weights_checksum()]).encode())
    path = data_dir() / "fid_refs" / f"images_{extractor.name}_{len(x)}_{h.hexdigest()[:16]}.npz"
    if path.is_file():
        try:
            with np.load(path) as z:
                return torch.from_numpy(z["features"])
        except (OSError, ValueError, KeyError):
            path.unlink(missing_ok=True)
    feats = extractor(images, progress=progress)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, features=feats.cpu().numpy())
    tmp.replace(path)
    return feats

"""Measurements around samplers: wall-clock time per batch, Fréchet distances under two protocols, and
how Gaussian a latent is.

- ``time_sampling(fn, device, repeats, warmup)``: median wall-clock seconds of ``fn()`` (GPU-synchronised).
- ``fd_protocols(features_fn, fake, real, small_n, small_repeats, large_n, seed)``: the "thesis-like"
  protocol (n = 25 vs 25, repeated over seeds: mean ± sd; rank-deficient and biased) and the standard one
  (n fakes vs the real reference set).
- ``true_fid(fake, real, extractors, n_boot, seed, device)``: FID (TF-Inception pool3, 2,048-d) and FID-192
  (the same network after its second max pool) of uint8 samples against real images, with ``n_boot``
  bootstrap replicates drawn with index streams fixed by ``seed`` alone, so that two arms scored against the
  same real images get the same real-side resamples (their replicate-wise differences are paired).
- ``sample_uint8(sample_fn, n, batch_size, clock)``: ``n`` uint8 samples drawn in batches (the one batched
  sampler the notebooks call, whatever the model family) and ``score_samples(...)``: the proxy Fréchet
  distances and true FID of such samples against test images.
- ``latent_gaussianity(z)``: per-dimension mean/std, excess kurtosis, a KS statistic against N(0, 1) (with
  the KS of N(0, 1) draws of the same size as a baseline), and the Gaussian "gap"
  E[−log N(z)]/D − ½·log(2πe) (0 for a standard normal latent).
"""

from __future__ import annotations

import contextlib
import math
import statistics

import numpy as np
import torch

from genrep.metrics.extractors import get_extractor
from genrep.metrics.frechet import fid_from_features
from genrep.models.classifiers import SmallCNN
from genrep.runtime.timing import Timer


def time_sampling(fn, device=None, repeats: int = 5, warmup: int = 1) -> dict:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        with Timer(device) as t:
            fn()
        times.append(t.elapsed)
    return {"median_s": statistics.median(times), "min_s": min(times), "repeats": repeats}


def fd_protocols(
    features_fn,
    fake: torch.Tensor,
    real: torch.Tensor,
    small_n: int = 25,
    small_repeats: int = 20,
    large_n: int | None = None,
    seed: int = 0,
) -> dict:
    """Fréchet distances of uint8 ``fake`` vs ``real`` images with ``features_fn(uint8) -> (N, d)``."""
    g = torch.Generator().manual_seed(seed)
    ff, fr = features_fn(fake).double().cpu(), features_fn(real).double().cpu()
    small = []
    for _ in range(small_repeats):
        i = torch.randperm(len(ff), generator=g)[:small_n]
        j = torch.randperm(len(fr), generator=g)[:small_n]
        small.append(fid_from_features(ff[i].numpy(), fr[j].numpy()))
    n = min(large_n or len(ff), len(ff))
    large = fid_from_features(ff[:n].numpy(), fr.numpy())
    return {
        "small_n": small_n,
        "small_mean": float(np.mean(small)),
        "small_sd": float(np.std(small)),
        "large_n": n,
        "real_n": len(fr),
        "large": float(large),
    }


def true_fid(
    fake: torch.Tensor,
    real: torch.Tensor,
    extractors=("inception", "inception192"),
    n_boot: int = 200,
    seed: int = 0,
    device=None,
) -> dict:
    """{extractor name: {"metric", "value", "boot", "n_fake", "n_real", "impl"}} for uint8 image batches."""

    if len(fake) < 2 or len(real) < 2:
        raise ValueError(f"true_fid needs at least 2 fake and 2 real images, got {len(fake)} and {len(real)}")
    out = {}
    for name in extractors:
        ext = get_extractor(name, device)
        ff, fr = ext(fake).double().numpy(), ext(real).double().numpy()
        rf, rr = np.random.default_rng([seed, 1]), np.random.default_rng([seed, 2])
        boot = [
            fid_from_features(ff[rf.integers(0, len(ff), len(ff))], fr[rr.integers(0, len(fr), len(fr))])
            for _ in range(n_boot)
        ]
        out[name] = {
            "metric": ext.metric_name,
            "value": float(fid_from_features(ff, fr)),
            "boot": [round(float(b), 4) for b in boot],
            "n_fake": len(ff),
            "n_real": len(fr),
            "impl": ext.impl,
        }
    return out


def _ks_normal(x: torch.Tensor) -> float:
    x = x.double().flatten().sort().values
    n = len(x)
    cdf = 0.5 * (1 + torch.erf(x / math.sqrt(2)))
    i = torch.arange(1, n + 1, dtype=torch.float64)
    return float(torch.maximum(i / n - cdf, cdf - (i - 1) / n).max())


def latent_gaussianity(z: torch.Tensor, max_values: int = 200_000, seed: int = 0) -> dict:
    z = z.detach().double().flatten(1).cpu()
    D = z.shape[1]
    mean, std = z.mean(0), z.std(0)
    c = z - mean
    kurt = c.pow(4).mean(0) / c.pow(2).mean(0).pow(2) - 3
    g = torch.Generator().manual_seed(seed)
    flat = z.flatten()
    if len(flat) > max_values:
        flat = flat[torch.randperm(len(flat), generator=g)[:max_values]]
    ks = _ks_normal(flat)
    ks_ref = _ks_normal(torch.randn(len(flat), generator=g, dtype=torch.float64))
    nll = 0.5 * (z.pow(2).sum(1) / D + math.log(2 * math.pi))
    gap = float(nll.mean() - 0.5 * math.log(2 * math.pi * math.e))
    return {
        "mean_abs_mean": float(mean.abs().mean()),
        "mean_std": float(std.mean()),
        "overall_std": float(z.std()),
        "excess_kurtosis": float(kurt.mean()),
        "ks": ks,
        "ks_normal_reference": ks_ref,
        "gap_nats_per_dim": gap,
        "n": int(z.shape[0]),
        "dims": int(D),
    }


def feature_fn(dataset: str, classifier_path=None, device="cpu", image_size: int = 32):
    """(features(uint8 images) -> (N, d) tensor, metric name) for the chapter's Fréchet distances:
    MNIST uses the SmallCNN trained in the data notebook (128-d, "FD-mnistcnn"); colour datasets use the
    book's ``cifarnet`` proxy ("FD-cifarnet"). Neither is FID."""
    if dataset == "mnist":
        from pathlib import Path

        if classifier_path is None or not Path(classifier_path).exists():
            raise FileNotFoundError(f"no MNIST feature classifier at {classifier_path}: run the data notebook first")
        net = SmallCNN(1, image_size)
        net.load_state_dict(torch.load(classifier_path, map_location="cpu"))
        net = net.to(device).eval()

        @torch.no_grad()
        def fn(x):
            return torch.cat(
                [net.features(x[i : i + 500].to(device).float() / 255).cpu() for i in range(0, len(x), 500)]
            )

        return fn, "FD-mnistcnn"

    ext = get_extractor("cifarnet", device)
    return (lambda x: ext(x)), "FD-cifarnet"


def grey_background_fraction(images: torch.Tensor, border: int = 2, threshold: float = 0.1) -> float:
    """Share of RGB uint8 images whose border pixels have a mean HSV saturation below ``threshold``
    (the thesis's remark that its CelebA samples "all have grey backgrounds"). Grayscale input: 1.0."""
    if images.shape[1] == 1:
        return 1.0
    x = images.float() / 255
    mask = torch.ones(x.shape[-2:], dtype=torch.bool)
    mask[border:-border, border:-border] = False
    px = x[:, :, mask]  # (N, 3, n_border)
    mx, mn = px.max(1).values, px.min(1).values
    sat = torch.where(mx > 0, (mx - mn) / mx.clamp(min=1e-6), torch.zeros_like(mx))
    return float((sat.mean(1) < threshold).float().mean())


def sample_uint8(sample_fn, n: int, batch_size: int, clock=None) -> torch.Tensor:
    """``n`` uint8 images on the CPU from ``sample_fn(k) -> k uint8 images`` called in batches of at most
    ``batch_size`` (without gradients); timed as "sampling" (``images=n``) when a ``Stopwatch`` is given."""
    with contextlib.ExitStack() as stack:
        stack.enter_context(torch.no_grad())
        if clock is not None:
            stack.enter_context(clock.timed("sampling", images=n))
        return torch.cat([sample_fn(min(batch_size, n - i)).cpu() for i in range(0, n, batch_size)])


def score_samples(
    samples: torch.Tensor,
    real: torch.Tensor,
    *,
    dataset: str,
    classifier_path,
    device,
    image_size: int,
    n_fid: int,
    fid_repeats: int,
    fid_extractors,
    fid_boot: int,
    seed: int,
    tier: str,
) -> dict:
    """``{"fd_name", "fd", "true_fid"}`` for uint8 ``samples`` against ``real`` test images: the proxy Fréchet distances
    under both protocols (``feature_fn``, ``fd_protocols``) and, when ``fid_extractors`` names any, true FID on
    ``min(n_fid, len(samples), len(real))`` images of each side (printed with its n and tier)."""
    feats, fd_name = feature_fn(dataset, classifier_path, device, image_size)
    fd = fd_protocols(feats, samples, real, small_repeats=fid_repeats, large_n=n_fid, seed=seed)
    n_true = min(n_fid, len(samples), len(real))
    fid = true_fid(samples[:n_true], real[:n_true], fid_extractors, fid_boot, seed, device) if fid_extractors else {}
    for f in fid.values():
        print(
            f"{f['metric']} {f['value']:.2f} ({f['n_fake']} samples vs {f['n_real']} test images, "
            f"TF-Inception; {tier} tier)"
        )
    return {"fd_name": fd_name, "fd": fd, "true_fid": fid}

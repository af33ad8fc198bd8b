"""Fréchet distance between Gaussians fitted to features (FID: Heusel et al., NeurIPS 2017, "GANs Trained
by a Two Time-Scale Update Rule Converge to a Local Nash Equilibrium").

    d² = |mu1 - mu2|² + tr(S1) + tr(S2) - 2 tr( (S1 S2)^{1/2} )

pytorch-fid takes ``scipy.linalg.sqrtm(S1 @ S2)``, which can return complex parts and slightly negative
values. We use the symmetric form instead: the eigenvalues of S1 S2 equal those of the symmetric PSD
matrix A = S1^{1/2} S2 S1^{1/2}, so tr((S1 S2)^{1/2}) = sum_i sqrt(lambda_i(A)), with S1^{1/2} and the
lambda_i from ``eigh`` (tiny negative eigenvalues from round-off clipped to 0). All in float64.

FID proper needs pytorch-fid Inception pool3 features; with any other extractor the result is an
"FD-<extractor>" and must be labelled so (``Extractor.metric_name``).
"""

from __future__ import annotations

import warnings

import numpy as np

from genrep.metrics._util import as_numpy64, as_tensor64


def _sym(a: np.ndarray) -> np.ndarray:
    return (a + a.T) / 2


def sqrtm_psd(a: np.ndarray) -> np.ndarray:
    """Square root of a symmetric PSD matrix via eigh (negative round-off eigenvalues clipped)."""
    w, v = np.linalg.eigh(_sym(a))
    return (v * np.sqrt(np.clip(w, 0, None))) @ v.T


def frechet_distance(mu1, sigma1, mu2, sigma2) -> float:
    """Fréchet distance between N(mu1, sigma1) and N(mu2, sigma2), float64; returns a Python float."""
    mu1, mu2 = as_numpy64(mu1).ravel(), as_numpy64(mu2).ravel()
    s1, s2 = np.atleast_2d(as_numpy64(sigma1)), np.atleast_2d(as_numpy64(sigma2))
    if mu1.shape != mu2.shape or s1.shape != s2.shape or s1.shape != (mu1.size, mu1.size):
        raise ValueError(f"shape mismatch: mu {mu1.shape} / {mu2.shape}, sigma {s1.shape} / {s2.shape}")
    r1 = sqrtm_psd(s1)
    lam = np.linalg.eigvalsh(_sym(r1 @ s2 @ r1))
    tr_covmean = np.sqrt(np.clip(lam, 0, None)).sum()
    diff = mu1 - mu2
    return float(diff @ diff + np.trace(s1) + np.trace(s2) - 2 * tr_covmean)


def feature_stats(feats) -> tuple[np.ndarray, np.ndarray]:
    """Mean and unbiased covariance (as ``np.cov(rowvar=False)``) of [N, D] features, float64 numpy.

    Computed with torch on the features' device (GPU when they are there)."""
    f = as_tensor64(feats)
    n, d = f.shape
    if n < 2:
        raise ValueError("need at least 2 feature rows for a covariance")
    if n < d:
        warnings.warn(
            f"{n} samples < {d} feature dims: the covariance is rank-deficient and the Fréchet "
            "distance is biased upward; use more samples or a lower-dimensional extractor",
            stacklevel=3,
        )
    mu = f.mean(0)
    fc = f - mu
    sigma = fc.T @ fc / (n - 1)
    return mu.cpu().numpy(), sigma.cpu().numpy()


def fid_from_features(feats_a, feats_b) -> float:
    """Fréchet distance between the Gaussian fits of two [N, D] feature sets (numpy or torch).

    Only "FID" when the features are pytorch-fid Inception pool3 (2048-d); otherwise an FD-proxy."""
    return frechet_distance(*feature_stats(feats_a), *feature_stats(feats_b))

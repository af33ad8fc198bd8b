"""Fréchet distance between Gaussians fitted to features (FID: Heusel et al., NeurIPS 2017, "GANs Trained
by a Two Time-Scale Update Rule Converge to a Local Nash Equilibrium").

    d² = |mu1 - mu2|² + tr(S1) + tr(S2) - 2 tr( (S1 S2)^{1/2} )

``frechet_distance`` is pytorch-fid's ``calculate_frechet_distance`` (``scipy.linalg.sqrtm(S1 @ S2)``, its
imaginary round-off dropped), so an FID here is pytorch-fid's number. Two exact rearrangements serve the
cases it is slow or ill-posed for, tested equal to it: a set of n <= D/2 rows (:func:`_fd_low_rank`) and one
fixed reference against many sets (:class:`FrechetReference`). Both use the symmetric form: the eigenvalues
of S1 S2 equal those of the symmetric PSD matrix A = S1^{1/2} S2 S1^{1/2}, so tr((S1 S2)^{1/2}) =
sum_i sqrt(lambda_i(A)), with S1^{1/2} and the lambda_i from ``eigh`` (round-off negatives clipped to 0).
All in float64.

FID proper needs pytorch-fid Inception pool3 features; with any other extractor the result is an
"FD-<extractor>" and must be labelled so (``Extractor.metric_name``).
"""

from __future__ import annotations

import contextlib
import io
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
    """Fréchet distance between N(mu1, sigma1) and N(mu2, sigma2): pytorch-fid's
    ``calculate_frechet_distance`` on float64 inputs, as a Python float. Mismatched shapes raise ValueError;
    its note on a singular product (it then adds 1e-6 to both diagonals) becomes a warning."""
    mu1, mu2 = as_numpy64(mu1).ravel(), as_numpy64(mu2).ravel()
    s1, s2 = np.atleast_2d(as_numpy64(sigma1)), np.atleast_2d(as_numpy64(sigma2))
    if mu1.shape != mu2.shape or s1.shape != s2.shape or s1.shape != (mu1.size, mu1.size):
        raise ValueError(f"shape mismatch: mu {mu1.shape} / {mu2.shape}, sigma {s1.shape} / {s2.shape}")
    import pytorch_fid.fid_score  # imports torchvision and PIL: only when a distance is computed

    note = io.StringIO()
    with contextlib.redirect_stdout(note), warnings.catch_warnings():
        warnings.filterwarnings("ignore", "The `disp` argument is deprecated", DeprecationWarning)  # SciPy >= 1.16
        d = pytorch_fid.fid_score.calculate_frechet_distance(mu1, s1, mu2, s2)
    if note.getvalue().strip():
        warnings.warn(f"pytorch-fid: {note.getvalue().strip()}", stacklevel=2)
    return float(d)


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

    Only "FID" when the features are TF-Inception pool3 (2048-d); otherwise an FD-proxy. When a set has at
    most D/2 rows its covariance has rank < D/2, and the distance is computed exactly in that set's row
    space (:func:`_fd_low_rank`: n x n matrices instead of D x D square roots)."""
    a, b = as_numpy64(feats_a), as_numpy64(feats_b)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1]:
        raise ValueError(f"expected two [N, D] feature sets with equal D, got {a.shape} and {b.shape}")
    if min(len(a), len(b)) < 2:
        raise ValueError("need at least 2 feature rows for a covariance")
    if 2 * min(len(a), len(b)) <= a.shape[1]:  # pays off below about D/2 rows (measured)
        return _fd_low_rank(a, b) if len(a) <= len(b) else _fd_low_rank(b, a)
    return frechet_distance(*feature_stats(a), *feature_stats(b))


def _fd_low_rank(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Fréchet distance when ``a`` has n <= D rows. With X_a = U s V^T (thin SVD of the centred rows),
    S_a^{1/2} = V diag(s / sqrt(n - 1)) V^T, and the non-zero eigenvalues of S_a^{1/2} S_b S_a^{1/2} are those
    of W^T W / (n_b - 1) with W = X_b V diag(s / sqrt(n - 1)), an n x n matrix."""
    xa, xb = a - a.mean(0), b - b.mean(0)
    _, s, vt = np.linalg.svd(xa, full_matrices=False)
    w = (xb @ vt.T) * (s / np.sqrt(len(a) - 1))
    lam = np.linalg.eigvalsh(_sym(w.T @ w)) / (len(b) - 1)
    diff = a.mean(0) - b.mean(0)
    tr_a = float((s**2).sum()) / (len(a) - 1)
    tr_b = float((xb * xb).sum()) / (len(b) - 1)
    return float(diff @ diff + tr_a + tr_b - 2 * np.sqrt(np.clip(lam, 0, None)).sum())


class FrechetReference:
    """Fréchet distances from one fixed reference Gaussian to many feature sets (disturbance levels,
    bootstrap resamples), fast: the reference's matrix square root R is computed once, and for a set of
    n <= d rows the trace term tr((S_r S)^{1/2}) comes from the eigenvalues of the n x n Gram matrix
    (X_c R)(X_c R)^T / (n - 1), which are the non-zero eigenvalues of R S R. Same value as
    :func:`frechet_distance` up to round-off (tested)."""

    def __init__(self, mu, sigma):
        self.mu = as_numpy64(mu).ravel()
        self.sigma = np.atleast_2d(as_numpy64(sigma))
        self.root = sqrtm_psd(self.sigma)
        self.trace = float(np.trace(self.sigma))

    @classmethod
    def from_features(cls, feats) -> FrechetReference:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the caller reports n against d once, in words
            return cls(*feature_stats(feats))

    def distance(self, feats) -> float:
        """Fréchet distance between the reference and the Gaussian fit of ``feats`` [n, d]."""
        f = as_numpy64(feats)
        n, d = f.shape
        if d != self.mu.size:
            raise ValueError(f"feature dims differ: {d} vs the reference's {self.mu.size}")
        if n < 2:
            raise ValueError("need at least 2 feature rows for a covariance")
        mu = f.mean(0)
        xc = f - mu
        if n <= d:
            y = xc @ self.root
            lam = np.linalg.eigvalsh(_sym(y @ y.T)) / (n - 1)
            tr_s = float((xc * xc).sum()) / (n - 1)
        else:
            sig = xc.T @ xc / (n - 1)
            lam = np.linalg.eigvalsh(_sym(self.root @ sig @ self.root))
            tr_s = float(np.trace(sig))
        diff = mu - self.mu
        return float(diff @ diff + self.trace + tr_s - 2 * np.sqrt(np.clip(lam, 0, None)).sum())

"""Active latent units of a VAE (Burda, Grosse & Salakhutdinov 2016) and subsets of latent dims.

The activity of dim d is ``Var_x[μ_d(x)]`` over a data set; a unit is active when it exceeds a threshold
(0.01 by convention). The report keeps "the 18 most activated neurons": we rank by this variance and
report mean |μ_d| as a second ranking. A sampler working in a subset of dims fills the others with 0, the
prior mean of a collapsed unit (:func:`embed_subset`).
"""

from __future__ import annotations

import numpy as np


def active_unit_stats(mu, logvar=None, threshold: float = 0.01) -> dict:
    mu = np.asarray(mu, np.float64)
    var = mu.var(0)
    order = np.argsort(-var, kind="stable")
    out = {
        "variance": var,
        "mean_abs": np.abs(mu).mean(0),
        "order": order,
        "order_mean_abs": np.argsort(-np.abs(mu).mean(0), kind="stable"),
        "active": int((var > threshold).sum()),
        "threshold": threshold,
    }
    if logvar is not None:
        out["mean_posterior_var"] = np.exp(np.asarray(logvar, np.float64)).mean(0)
    return out


def top_active_dims(stats: dict, n_active="auto") -> np.ndarray:
    """The ``n_active`` most active dims (sorted ascending), or every dim above the threshold for "auto"."""
    if n_active == "auto":
        n = max(1, stats["active"])
    elif isinstance(n_active, (int, np.integer)) and n_active >= 1:
        n = min(int(n_active), len(stats["variance"]))
    else:
        raise ValueError(f"n_active must be a positive int or 'auto', got {n_active!r}")
    return np.sort(stats["order"][:n])


def embed_subset(z_sub, dims, latent_dim: int) -> np.ndarray:
    """Put [n, len(dims)] vectors into [n, latent_dim] at ``dims`` with zeros elsewhere."""
    z_sub = np.asarray(z_sub)
    out = np.zeros((len(z_sub), latent_dim), z_sub.dtype)
    out[:, np.asarray(dims)] = z_sub
    return out

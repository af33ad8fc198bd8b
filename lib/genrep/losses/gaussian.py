"""Diagonal-Gaussian posteriors q(z|x) = N(μ, exp(logvar)): the KL to the prior N(0, I) and the
reparameterised draw. Callers that hold log σ pass ``logvar = 2 * log_sigma`` (exact in floating point).

* ``kl_std_normal(mu, logvar, reduction)``: KL = ½(μ² + σ² − 1 − log σ²) per latent dimension, computed
  in float32 (each use cast separately, as under bf16 autocast), then reduced.
* ``reparameterize(mu, logvar, generator)``: z = μ + exp(½ logvar)·ε, ε ~ N(0, I).
"""

from __future__ import annotations

import torch

from genrep.runtime import randn

KL_REDUCTIONS = ("none", "per_example", "batchmean", "sum")


def kl_std_normal(mu: torch.Tensor, logvar: torch.Tensor, reduction: str = "sum") -> torch.Tensor:
    """KL(N(μ, exp(logvar)) ‖ N(0, I)) for [B, D] statistics (``logvar`` broadcasts to ``mu``).

    ``reduction``: ``"none"`` → [B, D]; ``"per_example"`` → sum over latent dims, [B];
    ``"batchmean"`` → that, averaged over the batch; ``"sum"`` → summed over batch and dims.
    """
    if reduction not in KL_REDUCTIONS:
        raise ValueError(f"reduction must be one of {', '.join(KL_REDUCTIONS)}; got {reduction!r}")
    logvar = logvar.expand_as(mu)
    kl = 0.5 * (mu.float().pow(2) + logvar.float().exp() - 1 - logvar.float())
    if reduction == "none":
        return kl
    if reduction == "sum":
        return kl.sum()
    kl = kl.sum(1)
    return kl.mean() if reduction == "batchmean" else kl


def reparameterize(
    mu: torch.Tensor, logvar: torch.Tensor, generator: torch.Generator | None = None, like: bool | None = None
) -> torch.Tensor:
    """z = μ + exp(½ logvar)·ε. The draw of ε is the caller's choice: ``like=True`` (the default without a
    ``generator``) draws ``torch.randn_like(mu)`` (μ's dtype, the global RNG); ``like=False`` (the default
    with one) draws ``randn(mu.shape, device=mu.device, generator=generator)`` (float32, on the generator's device;
    the global RNG when ``generator`` is None). The two are different draws under bf16 autocast."""
    if like is None:
        like = generator is None
    if like and generator is not None:
        raise ValueError("like=True draws from the global RNG; pass like=False to use a generator")
    eps = torch.randn_like(mu) if like else randn(mu.shape, device=mu.device, generator=generator)
    return mu + torch.exp(0.5 * logvar) * eps

"""VAE loss of spec dcgan_vae_cats §3.2: ``BCE(x_hat, x, reduction='sum') + KL`` with weight 1, where
KL = -0.5 * sum(1 + logvar - mu^2 - exp(logvar)), summed over batch and latent dims (nats per batch)."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def bce_sum(x_hat: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy summed over batch and pixels (x, x_hat in [0, 1])."""
    return F.binary_cross_entropy(x_hat, x, reduction="sum")


def kl_std_normal(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(N(mu, exp(logvar)) || N(0, I)), summed over batch and dims."""
    return -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())


def vae_loss(x_hat, x, mu, logvar, beta: float = 1.0):
    """-> (total, recon, kl) with total = recon + beta * kl."""
    recon, kl = bce_sum(x_hat, x), kl_std_normal(mu, logvar)
    return recon + beta * kl, recon, kl

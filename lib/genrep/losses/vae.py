"""VAE loss of spec dcgan_vae_cats §3.2: ``BCE(x_hat, x, reduction='sum') + KL`` with weight 1, where
KL = -0.5 * sum(1 + logvar - mu^2 - exp(logvar)), summed over batch and latent dims (nats per batch)."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def bce_sum(x_hat: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy summed over batch and pixels (x, x_hat in [0, 1])."""
    return F.binary_cross_entropy(x_hat, x, reduction="sum")


def vae_loss(x_hat, x, mu, logvar, beta: float = 1.0):
    """-> (total, recon, kl) with total = recon + beta * kl.

    The KL is :func:`genrep.losses.gaussian.kl_std_normal` (``reduction="sum"``) written in the tutorial's
    order of terms: the gradients are the same, but the logged loss differs in the last bits, and the
    committed Table 4.2 "Average Loss" was computed with this order, so it stays.
    """
    recon = bce_sum(x_hat, x)
    kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return recon + beta * kl, recon, kl

"""GAN losses.

``bce_*``: on discriminator PROBABILITIES (D ends in Sigmoid, spec dcgan_vae_cats §3.1, ``nn.BCELoss``):
``d_loss = BCE(D(real),1) + BCE(D(fake),0)`` is a SUM of two means, so chance level is 2 ln 2 = 1.386;
``g_loss = BCE(D(fake),1)`` is the non-saturating loss. ``bce_logits_*``: the same on raw logits.
``lsgan_*``: least squares (0.5 (MSE(real,1) + MSE(fake,0)), MSE(fake,1)). ``hinge_*``: hinge loss.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def bce_d_loss(d_real: torch.Tensor, d_fake: torch.Tensor) -> torch.Tensor:
    return F.binary_cross_entropy(d_real, torch.ones_like(d_real)) + F.binary_cross_entropy(
        d_fake, torch.zeros_like(d_fake)
    )


def bce_g_loss(d_fake: torch.Tensor) -> torch.Tensor:
    return F.binary_cross_entropy(d_fake, torch.ones_like(d_fake))


def bce_logits_d_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    return F.binary_cross_entropy_with_logits(
        real_logits, torch.ones_like(real_logits)
    ) + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))


def bce_logits_g_loss(fake_logits: torch.Tensor) -> torch.Tensor:
    return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))


def lsgan_d_loss(real_out: torch.Tensor, fake_out: torch.Tensor) -> torch.Tensor:
    return 0.5 * (F.mse_loss(real_out, torch.ones_like(real_out)) + F.mse_loss(fake_out, torch.zeros_like(fake_out)))


def lsgan_g_loss(fake_out: torch.Tensor) -> torch.Tensor:
    return F.mse_loss(fake_out, torch.ones_like(fake_out))


def hinge_d_loss(real_out: torch.Tensor, fake_out: torch.Tensor) -> torch.Tensor:
    return F.relu(1 - real_out).mean() + F.relu(1 + fake_out).mean()


def hinge_g_loss(fake_out: torch.Tensor) -> torch.Tensor:
    return -fake_out.mean()

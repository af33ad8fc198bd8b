"""Losses shared by the chapters: GAN losses (gan.py), VAE losses (vae.py) and the Gaussian posterior's KL
and reparameterised draw (gaussian.py)."""

from .gan import (
    bce_d_loss,
    bce_g_loss,
    bce_logits_d_loss,
    bce_logits_g_loss,
    hinge_d_loss,
    hinge_g_loss,
    lsgan_d_loss,
    lsgan_g_loss,
)
from .gaussian import kl_std_normal, reparameterize
from .vae import bce_sum, vae_loss

__all__ = [
    "bce_d_loss",
    "bce_g_loss",
    "bce_logits_d_loss",
    "bce_logits_g_loss",
    "hinge_d_loss",
    "hinge_g_loss",
    "lsgan_d_loss",
    "lsgan_g_loss",
    "bce_sum",
    "kl_std_normal",
    "reparameterize",
    "vae_loss",
]

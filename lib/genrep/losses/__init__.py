"""Losses shared by the chapters: GAN losses (gan.py) and VAE losses (vae.py)."""

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
from .vae import bce_sum, kl_std_normal, vae_loss

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
    "vae_loss",
]

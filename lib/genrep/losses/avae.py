"""Losses of the AVAE family (Plumerault 2023, Ch. 3; spec controlling_generative_models §3.2).

Conventions: images in [-1, 1]; sums over pixels / latent dimensions, mean over the batch.

* ``gaussian_vae_loss``: L_VAE = ½‖D(z) − x‖² + β·½Σ_j(σ_j² + μ_j² − 1 − log σ_j²)   (Eq. 3.3–3.5).
* ``latent_loss(kind, mu_fake, z, log_sigma)``: the generator's latent reconstruction term, measured
  through the frozen VAE encoder (``mu_fake`` = μ_e(G(z, ξ)); σ_e is detached here):
    - ``"a"``    L_Z^a = ½‖(μ_e(x̃) − z) / σ_e‖²                              (Eq. 3.8 / 3.11)
    - ``"b"``    L_Z^b = ½‖(μ_e(x̃) − √(1 − σ_e²)·z) / σ_e‖², σ_e clamped < 1    (Eq. 3.12, the corrected loss)
    - ``"code"`` the released code's variant: Σ_batch Σ_j ½(z − μ)²·w_j, w = softmax(−2 log σ)
                 (normalised 1/σ² weights, summed over the batch, no √(1−σ²); spec §11.5)
* ``manifold_loss(critic_logit_real)``: L_M = logit C(G(z, ξ)) with C = P(fake) (Eq. 3.11); in the
  "D = P(real)" convention used by our critics this is −D_logit(x̃), averaged over the batch.
"""

from __future__ import annotations

import torch

from .gaussian import kl_std_normal

LATENT_LOSSES = ("a", "b", "code")
SIGMA_MAX_B = 0.999


def gaussian_vae_loss(x_hat, x, mu, log_sigma, beta: float = 1.0):
    """→ (total, recon, kl), each the batch mean of a per-example sum (unit-variance Gaussian decoder)."""
    recon = 0.5 * (x_hat - x).pow(2).flatten(1).sum(1).mean()
    kl = kl_std_normal(mu, 2 * log_sigma, "batchmean")
    return recon + beta * kl, recon, kl


def latent_loss(kind: str, mu_fake: torch.Tensor, z: torch.Tensor, log_sigma: torch.Tensor) -> torch.Tensor:
    """The AVAE latent reconstruction loss ``kind`` ∈ {a, b, code} (see the module docstring)."""
    if kind not in LATENT_LOSSES:
        raise ValueError(f"unknown latent_loss {kind!r}; valid: {', '.join(LATENT_LOSSES)}")
    log_sigma = log_sigma.detach().expand_as(z)
    if kind == "a":
        return 0.5 * ((mu_fake - z) / log_sigma.exp()).pow(2).sum(1).mean()
    if kind == "b":
        sigma = log_sigma.exp().clamp(max=SIGMA_MAX_B)
        target = torch.sqrt(1 - sigma**2) * z
        return 0.5 * ((mu_fake - target) / sigma).pow(2).sum(1).mean()
    w = torch.softmax(-2 * log_sigma, dim=1)
    return (0.5 * (z - mu_fake).pow(2) * w).sum()


def manifold_loss(fake_logit_real: torch.Tensor) -> torch.Tensor:
    """L_M (Eq. 3.11) from the critic's logit of P(real) on generated samples: mean(−logit)."""
    return -fake_logit_real.mean()

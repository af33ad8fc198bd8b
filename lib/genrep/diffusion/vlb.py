"""The variational bound of a Gaussian diffusion with ε-prediction and fixed reverse variances,
for **continuous** data (e.g. a flow's latent z0), in nats per example.

    −log p(z0) ≤ L_T + Σ_{t=2..T} L_{t−1} + L_0
    L_T     = KL(q(z_T|z0) ‖ N(0, I))
    L_{t−1} = KL(q(z_{t−1}|z_t, z0) ‖ p_φ(z_{t−1}|z_t))            (σ_t² = β_t or β̃_t, ``sigma_kind``)
            = D/2·(log(σ_t²/β̃_t) + β̃_t/σ_t² − 1) + β_t²/(2σ_t² α_t (1−ᾱ_t)) ‖ε − ε_φ(z_t, t)‖²
    L_0     = −log N(z0; μ_φ(z_1, 1), β_1 I) = D/2·log(2πβ_1) + ‖ε − ε_φ(z_1, 1)‖² / (2α_1)

L_0 is a continuous Gaussian decoder (the discretisation of images is handled by dequantization before
the flow), never Ho et al.'s discretised decoder. No clipping of the predicted x0 is involved.
Indices follow ``GaussianDiffusion``: step index i = 0..T−1 is the paper's t = i + 1.

- ``vlb_terms(diffusion, model, z0, t_index, learned_variance=False)``: the per-example term for each step index
  (L_0 at index 0); with ``learned_variance`` the model returns [ε, v] and σ² interpolates β_t and β̃_t (iDDPM);
- ``terms_from_prediction(diffusion, eps, logvar, noise, t)``: the same from a prediction already made;
- ``prior_kl(diffusion, z0)``: L_T;
- ``vlb_estimate(diffusion, model, z0, n_t)``: L_T + L_0 + (T−1)·mean of ``n_t`` draws of L_{t−1}, t ~ U{2..T}
  (unbiased); ``n_t=None`` sums all T terms exactly;
- ``vlb_loss(diffusion, model, z0)``: the one-draw unbiased training estimate L_T + T·L_{t−1}, t ~ U{1..T}.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from genrep.diffusion.gaussian import GaussianDiffusion


def _sigma2(d: GaussianDiffusion, i: torch.Tensor) -> torch.Tensor:
    if d.sigma_kind == "beta":
        return d.betas.to(i.device)[i]
    return d.posterior_variance.to(i.device)[i]


def prior_kl(d: GaussianDiffusion, z0: torch.Tensor) -> torch.Tensor:
    """KL(N(√ᾱ_T z0, (1−ᾱ_T) I) ‖ N(0, I)) per example, nats."""
    ab = float(d.alphas_bar[-1])
    z = z0.float().flatten(1)
    return 0.5 * (ab * z.pow(2) + (1 - ab) - 1 - math.log(1 - ab)).sum(1)


def split_learned_variance(d: GaussianDiffusion, out: torch.Tensor, t: torch.Tensor):
    """iDDPM's learned variance: the network returns [ε, v] (2C channels); log σ² = f·log β_t + (1−f)·log β̃_t
    with f = (v + 1)/2 (Nichol & Dhariwal 2021, Eq. 15). Returns (ε, log σ²)."""
    eps, v = out.float().chunk(2, dim=1)
    shape = (-1, *([1] * (eps.ndim - 1)))
    log_b = torch.log(d.betas.to(t.device)[t]).reshape(shape)
    log_bt = d.posterior_log_variance.to(t.device)[t].reshape(shape)
    f = (v + 1) / 2
    return eps, f * log_b + (1 - f) * log_bt


def vlb_terms(
    d: GaussianDiffusion,
    model: Callable,
    z0: torch.Tensor,
    t: torch.Tensor,
    noise: torch.Tensor | None = None,
    learned_variance: bool = False,
    detach_mean: bool = False,
) -> torch.Tensor:
    """Per-example L_{t} for step indices ``t`` (index 0: the decoder term L_0; index i ≥ 1: L_{i}).

    ``learned_variance``: the model returns [ε, v] and σ² is interpolated (iDDPM); ``detach_mean`` stops the
    gradient through ε (iDDPM's hybrid loss trains only the variance with this term).
    """
    if noise is None:
        noise = torch.randn_like(z0)
    z_t = d.q_sample(z0, t, noise)
    out = model(z_t, t)
    if learned_variance:
        eps, logvar = split_learned_variance(d, out, t)
    else:
        # fixed σ²; the decoder (t index 0) uses β_1 for both kinds (β̃_1 = 0)
        s2_fixed = torch.where(t == 0, d.betas.to(t.device)[t], _sigma2(d, t))
        eps, logvar = out.float(), torch.log(s2_fixed).reshape(-1, *([1] * (z0.ndim - 1)))
    return terms_from_prediction(d, eps.detach() if detach_mean else eps, logvar, noise, t)


def terms_from_prediction(
    d: GaussianDiffusion, eps: torch.Tensor, logvar: torch.Tensor, noise: torch.Tensor, t: torch.Tensor
) -> torch.Tensor:
    """L_t per example from a prediction ε_θ(z_t, t) of the ``noise`` that made z_t and the model's log σ²
    (broadcastable to ε)."""
    err = (eps.float() - noise.float()).pow(2)  # elementwise
    shape = (-1, *([1] * (eps.ndim - 1)))
    dev = eps.device
    b = d.betas.to(dev)[t].reshape(shape)
    a, ab = 1 - b, d.alphas_bar.to(dev)[t].reshape(shape)
    ab_prev = d.alphas_bar_prev.to(dev)[t].reshape(shape)
    post_var = (b * (1 - ab_prev) / (1 - ab)).clamp(min=1e-20)
    s2 = torch.exp(logvar).expand_as(err)
    logvar = logvar.expand_as(err)
    # KL between Gaussians with variances β̃ (posterior) and σ² (model), plus the mean term
    kl = 0.5 * (logvar - torch.log(post_var) + post_var / s2 - 1) + b.pow(2) / (2 * s2 * a * (1 - ab)) * err
    dec = 0.5 * (math.log(2 * math.pi) + logvar) + b * err / (2 * a * s2)
    return torch.where(t.reshape(shape) == 0, dec, kl).flatten(1).sum(1)


def vlb_estimate(
    d: GaussianDiffusion,
    model: Callable,
    z0: torch.Tensor,
    n_t: int | None = 4,
    generator: torch.Generator | None = None,
    learned_variance: bool = False,
) -> torch.Tensor:
    """Upper bound on −log p(z0) per example (nats): exact with ``n_t=None``, else unbiased in t."""
    B, T = z0.shape[0], d.T
    lv = learned_variance
    total = prior_kl(d, z0) + vlb_terms(
        d, model, z0, torch.zeros(B, dtype=torch.long, device=z0.device), learned_variance=lv
    )
    if T == 1:
        return total
    if n_t is None:
        for i in range(1, T):
            total = total + vlb_terms(
                d, model, z0, torch.full((B,), i, dtype=torch.long, device=z0.device), learned_variance=lv
            )
        return total
    acc = torch.zeros_like(total)
    for _ in range(n_t):
        t = torch.randint(1, T, (B,), generator=generator).to(z0.device)
        acc = acc + vlb_terms(d, model, z0, t, learned_variance=lv)
    return total + (T - 1) * acc / n_t


def vlb_loss(d: GaussianDiffusion, model: Callable, z0: torch.Tensor, learned_variance: bool = False) -> torch.Tensor:
    """One-draw unbiased estimate of the bound per example: L_T + T·L_{t}, t ~ U{0..T−1} (index)."""
    t = d.sample_t(z0.shape[0], z0.device)
    return prior_kl(d, z0) + d.T * vlb_terms(d, model, z0, t, learned_variance=learned_variance)

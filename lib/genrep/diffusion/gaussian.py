"""Gaussian diffusion (DDPM, Ho et al. 2020) with ε-prediction.

The process owns the schedule and the sampler; the network is any ``model(x_t, t)`` that predicts ε,
with ``t`` a long tensor of step indices 0..T-1 (index 0 is the paper's t = 1).

- ``q_sample(x0, t, noise)``: x_t = √ᾱ_t x0 + √(1-ᾱ_t) ε, with ᾱ_t = Π_{s≤t} (1-β_s).
- ``loss(model, x0)``: mean squared error between ε and ε_θ(x_t, t), t uniform.
- ``sample(model, shape)``: ancestral sampling (Algorithm 2), σ_t² = β_t (``sigma_kind="beta"``) or the
  posterior variance β̃_t (``"beta_tilde"``). ``clip_x0`` clips the predicted x0 to [-1, 1] before forming
  the posterior mean; it is right for pixels in [-1, 1] and must be off for latents of unknown range.
  ``clamp_xt`` clamps every x_t of the chain to [-1, 1] instead (the sampler of the SimpleUnet tutorial
  that the Monet chapter's solution 2 builds on, which pairs it with β̃_t and no x0 clipping).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from tqdm import tqdm  # not tqdm.auto: no IProgress warning or widget in executed notebooks

from genrep.diffusion.schedules import make_betas
from genrep.runtime import randint, randn


def _extract(a: torch.Tensor, t: torch.Tensor, ndim: int) -> torch.Tensor:
    return a.to(t.device)[t].reshape(-1, *([1] * (ndim - 1)))


class GaussianDiffusion:
    def __init__(
        self,
        T: int = 1000,
        schedule: str = "linear",
        beta_start: float = 1e-4,
        beta_end: float = 0.02,
        sigma_kind: str = "beta",
        clip_x0: bool = True,
        betas: torch.Tensor | None = None,
        clamp_xt: bool = False,
    ):
        if sigma_kind not in ("beta", "beta_tilde"):
            raise ValueError(f"sigma_kind must be 'beta' or 'beta_tilde', got {sigma_kind!r}")
        b = betas.double() if betas is not None else make_betas(schedule, T, beta_start, beta_end)
        self.T = int(b.numel())
        self.schedule = schedule if betas is None else "custom"
        self.sigma_kind = sigma_kind
        self.clip_x0 = clip_x0
        self.clamp_xt = bool(clamp_xt)
        a = 1.0 - b
        abar = torch.cumprod(a, 0)
        abar_prev = torch.cat([torch.ones(1, dtype=torch.float64), abar[:-1]])
        post_var = b * (1 - abar_prev) / (1 - abar)
        f = torch.float32
        self.betas = b.to(f)
        self.alphas_bar = abar.to(f)
        self.alphas_bar_prev = abar_prev.to(f)
        self.sqrt_abar = abar.sqrt().to(f)
        self.sqrt_one_minus_abar = (1 - abar).sqrt().to(f)
        self.sqrt_recip_abar = (1 / abar).sqrt().to(f)
        self.sqrt_recipm1_abar = (1 / abar - 1).sqrt().to(f)
        self.posterior_variance = post_var.to(f)
        # log of the posterior variance with its t=0 entry (0) replaced by the next one, as in Ho et al.
        self.posterior_log_variance = torch.log(torch.cat([post_var[1:2], post_var[1:]])).to(f)
        self.posterior_coef_x0 = (b * abar_prev.sqrt() / (1 - abar)).to(f)
        self.posterior_coef_xt = ((1 - abar_prev) * a.sqrt() / (1 - abar)).to(f)

    def __repr__(self) -> str:
        return (
            f"GaussianDiffusion(T={self.T}, schedule={self.schedule!r}, sigma_kind={self.sigma_kind!r}, "
            f"clip_x0={self.clip_x0}, clamp_xt={self.clamp_xt}, alpha_bar_T={float(self.alphas_bar[-1]):.3g})"
        )

    # forward process -------------------------------------------------------------------------------
    def sample_t(self, n: int, device=None, generator: torch.Generator | None = None) -> torch.Tensor:
        return randint(0, self.T, (n,), device=device, generator=generator)

    def q_sample(self, x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor | None = None) -> torch.Tensor:
        if noise is None:
            noise = torch.randn_like(x0)
        return _extract(self.sqrt_abar, t, x0.ndim) * x0 + _extract(self.sqrt_one_minus_abar, t, x0.ndim) * noise

    def loss(
        self,
        model: Callable,
        x0: torch.Tensor,
        t: torch.Tensor | None = None,
        noise: torch.Tensor | None = None,
        reduction: str = "mean",
    ) -> torch.Tensor:
        """‖ε − ε_θ(x_t, t)‖² averaged over all elements (``reduction="none"``: per example)."""
        if t is None:
            t = self.sample_t(x0.shape[0], x0.device)
        if noise is None:
            noise = torch.randn_like(x0)
        eps = model(self.q_sample(x0, t, noise), t)
        err = (eps.float() - noise.float()).pow(2)
        if reduction == "none":
            return err.flatten(1).mean(1)
        return err.mean()

    # reverse process -------------------------------------------------------------------------------
    def predict_x0(self, x_t: torch.Tensor, t: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
        return _extract(self.sqrt_recip_abar, t, x_t.ndim) * x_t - _extract(self.sqrt_recipm1_abar, t, x_t.ndim) * eps

    def p_mean_variance(self, model: Callable, x_t: torch.Tensor, t: torch.Tensor, clip_x0: bool | None = None):
        """(mean, variance, log variance, predicted x0) of p_θ(x_{t-1} | x_t)."""
        clip = self.clip_x0 if clip_x0 is None else clip_x0
        eps = model(x_t, t).float()
        x0 = self.predict_x0(x_t, t, eps)
        if clip:
            x0 = x0.clamp(-1, 1)
        mean = _extract(self.posterior_coef_x0, t, x_t.ndim) * x0 + _extract(self.posterior_coef_xt, t, x_t.ndim) * x_t
        if self.sigma_kind == "beta":
            var = _extract(self.betas, t, x_t.ndim)
            logvar = var.log()
        else:
            var = _extract(self.posterior_variance, t, x_t.ndim)
            logvar = _extract(self.posterior_log_variance, t, x_t.ndim)
        return mean, var, logvar, x0

    @torch.no_grad()
    def p_sample(
        self,
        model: Callable,
        x_t: torch.Tensor,
        t: int,
        generator: torch.Generator | None = None,
        clip_x0: bool | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        tt = torch.full((x_t.shape[0],), t, device=x_t.device, dtype=torch.long)
        mean, _, logvar, x0 = self.p_mean_variance(model, x_t, tt, clip_x0)
        if t == 0:
            return mean, x0
        z = randn(x_t.shape, device=x_t.device, generator=generator, dtype=mean.dtype)
        return mean + (0.5 * logvar).exp() * z, x0

    @torch.no_grad()
    def sample(
        self,
        model: Callable,
        shape,
        device=None,
        generator: torch.Generator | None = None,
        x_T: torch.Tensor | None = None,
        clip_x0: bool | None = None,
        progress: bool = True,
        keep_every: int = 0,
    ) -> torch.Tensor | tuple[torch.Tensor, list[torch.Tensor]]:
        """Ancestral sampling from x_T ~ N(0, I) down to x_0.

        ``keep_every=k`` also returns the list of intermediate x_t every k steps (for figures).
        """
        x = x_T if x_T is not None else randn(shape, device=device, generator=generator)
        kept = []
        steps = range(self.T - 1, -1, -1)
        for t in tqdm(steps, desc="sampling", total=self.T, leave=False, disable=not progress):
            x, _ = self.p_sample(model, x, t, generator, clip_x0)
            if self.clamp_xt:
                x = x.clamp(-1, 1)
            if keep_every and (t % keep_every == 0):
                kept.append(x.detach().clone())
        return (x, kept) if keep_every else x

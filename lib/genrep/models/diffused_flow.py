"""Diffused-Flows (Sajekar 2023): a multi-scale spline flow f_θ maps x to z0, a DDPM carries z0 to N(0, I).

Training (the thesis's Figure 4.1, Algorithm 1, rebuilt from the prose):
    x = dequantized data;  (z0, ℓ) = f_θ(x);  t ~ U{1..T}, ε ~ N(0, I);  z_t = √ᾱ_t z0 + √(1−ᾱ_t) ε;
    L = R(‖ε − ε_φ(z_t, t)‖²) ∓ λ·ℓ    — gradients reach θ and φ (z0 is not detached).
Sampling (Algorithm 2): z_T ~ N(0, I), ancestral steps down to z0 **without x0-clipping**, x = f_θ^{-1}(z0)
with the flow in eval mode, then quantize.

``objective``:
- ``"thesis_printed"``: R(MSE) + λ·ℓ — Eq. 4.6 as printed (rewards shrinking the latent; unbounded below);
- ``"thesis_fixed"``: R(MSE) − λ·ℓ — the usual sign (rewards inflating the latent; also unbounded below);
- ``"vlb"``: [L_VLB(z0) − ℓ] / (D ln 2), a true upper bound on −log p(x) in bits/dim (one-draw estimate),
  plus ``lambda_simple``·L_simple on φ only (z0 detached);
- ``"hybrid"``: ``thesis_fixed`` + 0.001·L_vlb with iDDPM's learned variance interpolation and a stop-gradient
  on the mean in the L_vlb term (the §4.2 prose); the U-Net must output 2C channels [ε, v].
``mse_reduction`` R ∈ {"sum", "mean"} over the D latent dimensions. ℓ includes the preprocessing's −D·b·ln 2.
The optimised scalar is the per-example objective divided by D (the same optimum; Adam is scale-invariant);
``loss_raw`` keeps the thesis's units (nats per image).

Evaluation: ``nll_thesis`` (the objective on test data in bits/dim, what the thesis calls NLL: not a
likelihood) and ``nll_bound_bpd`` (L_VLB − ℓ in bits/dim: a real upper bound on the NLL).
"""

from __future__ import annotations

import math

import torch
from torch import nn

from genrep.diffusion.gaussian import GaussianDiffusion
from genrep.diffusion.vlb import split_learned_variance, terms_from_prediction, vlb_estimate, vlb_loss
from genrep.losses.gaussian import reparameterize
from genrep.runtime import autocast, randn

OBJECTIVES = ("thesis_printed", "thesis_fixed", "vlb", "hybrid")
HYBRID_WEIGHT = 0.001


class AutocastNet(nn.Module):
    """Runs ``net(x, t)`` under ``genrep.train.autocast(device)`` (bf16 on CUDA, a no-op on the CPU) and
    returns float32: the U-Net in low precision, the flow (and its log-determinants) in full precision."""

    def __init__(self, net: nn.Module, device):
        super().__init__()
        self.net, self.device_type = net, torch.device(device).type

    def forward(self, x, t):

        with autocast(self.device_type):
            return self.net(x, t).float()


MSE_REDUCTIONS = ("sum", "mean")


class DiffusedFlow(nn.Module):
    def __init__(
        self,
        flow: nn.Module,
        unet: nn.Module,
        diffusion: GaussianDiffusion,
        objective: str = "thesis_fixed",
        mse_reduction: str = "sum",
        lambda_logdet: float = 1.0,
        lambda_simple: float = 0.0,
    ):
        super().__init__()
        if objective not in OBJECTIVES:
            raise ValueError(f"unknown objective {objective!r}; choose one of {', '.join(OBJECTIVES)}")
        if mse_reduction not in MSE_REDUCTIONS:
            raise ValueError(f"mse_reduction must be one of {MSE_REDUCTIONS}, got {mse_reduction!r}")
        if diffusion.clip_x0:
            raise ValueError("latent diffusion must run with clip_x0=False: flow latents are not in [-1, 1]")
        self.flow, self.unet, self.diffusion = flow, unet, diffusion
        self.objective, self.mse_reduction = objective, mse_reduction
        self.lambda_logdet, self.lambda_simple = float(lambda_logdet), float(lambda_simple)
        self.learned_variance = objective == "hybrid"  # the U-Net then returns [ε, v]: 2C channels

    @property
    def dim(self) -> int:
        return math.prod(self.flow.in_shape)

    def _predict(self, z_t, t):
        """(ε_θ, log σ² or None) at (z_t, t)."""
        out = self.unet(z_t, t)
        if not self.learned_variance:
            return out.float(), None
        if out.shape[1] != 2 * z_t.shape[1]:
            raise ValueError(
                f"objective 'hybrid' needs a U-Net with 2×{z_t.shape[1]} output channels "
                f"(ε and the variance interpolation), got {out.shape[1]}"
            )
        return split_learned_variance(self.diffusion, out, t)

    def _eps_err(self, z0, with_vb: bool = False):
        t = self.diffusion.sample_t(z0.shape[0], z0.device)
        eps = torch.randn_like(z0)
        pred, logvar = self._predict(self.diffusion.q_sample(z0, t, eps), t)
        err = (pred - eps.float()).flatten(1).pow(2)
        if not with_vb:
            return err
        # iDDPM's L_vlb term with a stop-gradient on the mean: it trains only the variance
        vb = self.diffusion.T * terms_from_prediction(self.diffusion, pred.detach(), logvar, eps, t)
        return err, vb

    def loss(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        """Algorithm 1 on a batch of dequantized images ``x`` ∈ [0, 2^b). Returns the scalar ``loss`` to
        minimise and diagnostics (``loss_raw`` in nats/image, ``mse`` per dim, ``logdet`` per dim, ``latent_std``)."""
        z0, ld = self.flow(x)
        D = self.dim
        if self.objective == "vlb":
            raw = vlb_loss(self.diffusion, self.unet, z0) - ld
            loss = raw.mean() / (D * math.log(2))
            mse = self.diffusion.loss(self.unet, z0.detach()) if self.lambda_simple else None
            if mse is not None:
                loss = loss + self.lambda_simple * mse
            else:
                with torch.no_grad():
                    mse = self._eps_err(z0.detach()).mean()
        else:
            err, vb = self._eps_err(z0, True) if self.learned_variance else (self._eps_err(z0), None)
            r = err.sum(1) if self.mse_reduction == "sum" else err.mean(1)
            sign = 1.0 if self.objective == "thesis_printed" else -1.0
            raw = r + sign * self.lambda_logdet * ld
            if vb is not None:  # hybrid = thesis_fixed + 0.001·L_vlb (iDDPM, §4.2 prose)
                raw = raw + HYBRID_WEIGHT * (vb if self.mse_reduction == "sum" else vb / self.dim)
            loss = raw.mean() / D
            mse = err.mean().detach()
        return {
            "loss": loss,
            "loss_raw": raw.mean().detach(),
            "mse": mse.detach(),
            "logdet": (ld.mean() / D).detach(),
            "latent_std": z0.detach().float().std(),
        }

    @torch.no_grad()
    def nll_thesis(self, x: torch.Tensor) -> torch.Tensor:
        """(Σ‖ε − ε_φ(z_t, t)‖² − ℓ(x)) / (D ln 2) per example, one t per image: the thesis's "NLL"."""
        z0, ld = self.flow(x)
        return (self._eps_err(z0).sum(1) - ld) / (self.dim * math.log(2))

    @torch.no_grad()
    def nll_bound_bpd(self, x: torch.Tensor, n_t: int | None = 4) -> torch.Tensor:
        """(L_VLB(z0) − ℓ(x)) / (D ln 2) per example: an upper bound on −log p(x) in bits/dim."""
        z0, ld = self.flow(x)
        bound = vlb_estimate(self.diffusion, self.unet, z0, n_t, learned_variance=self.learned_variance)
        return (bound - ld) / (self.dim * math.log(2))

    @torch.no_grad()
    def sample(
        self, n: int, device=None, generator: torch.Generator | None = None, progress: bool = False, keep_every: int = 0
    ):
        """Algorithm 2: reverse diffusion from N(0, I) (no clipping), then the inverse flow. Returns the
        dequantized-scale images x ∈ ≈[0, 2^b) (and the kept z_t when ``keep_every``)."""
        shape = (n, *self.flow.in_shape)
        if self.learned_variance:
            z0, kept = self._sample_learned(shape, device, generator, keep_every)
        else:
            out = self.diffusion.sample(
                self.unet,
                shape,
                device=device,
                generator=generator,
                clip_x0=False,
                progress=progress,
                keep_every=keep_every,
            )
            z0, kept = out if keep_every else (out, None)
        x = self.flow.inverse(z0)[0]
        return (x, kept) if keep_every else x

    @torch.no_grad()
    def _sample_learned(self, shape, device, generator, keep_every):
        d = self.diffusion
        z = randn(shape, device=device, generator=generator)
        kept = []
        for i in range(d.T - 1, -1, -1):
            t = torch.full((shape[0],), i, device=z.device, dtype=torch.long)
            eps, logvar = self._predict(z, t)
            b, ab = float(d.betas[i]), float(d.alphas_bar[i])
            z = (z - b / math.sqrt(1 - ab) * eps) / math.sqrt(1 - b)
            if i > 0:
                z = reparameterize(z, logvar, generator, like=False)
            if keep_every and i % keep_every == 0:
                kept.append(z.clone())
        return z, kept

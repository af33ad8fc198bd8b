"""GAN inversion in the √d ball (Eq. 4.2): ẑ = argmin_{‖z‖ ≤ √d} L(I, G(z)), by Adam with a projection
after every step (the initial z₀ ~ N(0, I) is projected too), one independent z per target."""

from __future__ import annotations

import math

import torch

from .losses import recon_loss


def project_ball(z: torch.Tensor, radius: float | None = None) -> torch.Tensor:
    """Scale each row of z into the ball of radius √d (d = z.shape[1]) or ``radius``."""
    r = math.sqrt(z.shape[1]) if radius is None else radius
    n = z.norm(dim=1, keepdim=True).clamp_min(1e-12)
    return z * torch.clamp(r / n, max=1.0)


def invert(
    G,
    target: torch.Tensor,
    loss: str = "blur_mse",
    sigma: float = 3.0,
    mask=None,
    steps: int = 200,
    lr: float = 0.01,
    z0: torch.Tensor | None = None,
    constrain: bool = True,
    latent_dim: int | None = None,
    gen: torch.Generator | None = None,
    history: bool = False,
):
    """Invert ``G`` (a callable z → images in [-1, 1], in eval mode) on ``target`` [B, C, H, W].

    Returns (z [B, d], final per-example loss [B], per-step mean losses (list) if ``history``)."""
    if z0 is None:
        if latent_dim is None:
            raise ValueError("give z0 or latent_dim")
        z0 = torch.randn(len(target), latent_dim, generator=gen).to(target.device)
    z = (project_ball(z0) if constrain else z0).detach().clone().requires_grad_(True)
    opt = torch.optim.Adam([z], lr=lr)
    hist = []
    for _ in range(steps):
        per = recon_loss(loss, G(z), target, mask, sigma=sigma)
        opt.zero_grad(set_to_none=True)
        per.sum().backward()
        opt.step()
        if constrain:
            with torch.no_grad():
                z.copy_(project_ball(z))
        if history:
            hist.append(per.detach().mean().item())
    with torch.no_grad():
        final = recon_loss(loss, G(z), target, mask, sigma=sigma)
    return (z.detach(), final, hist) if history else (z.detach(), final)

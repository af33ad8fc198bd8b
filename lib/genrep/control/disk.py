"""The analytic "white disk" generator of Fig. 4.5: the latent is the disk centre p ∈ ℝ² (pixels), the
image a soft disk of radius r on black, I(x) = 2σ(k (r − ‖x − p‖)) − 1 in [−1, 1].

Once two disks do not overlap, the MSE between them is constant in p, so ∇_p MSE ≈ 0: the vanishing
gradient that makes naive inversion along translations fail (Eq. 4.7–4.8). A blurred loss widens the
basin by about σ."""

from __future__ import annotations

import torch

from .losses import recon_loss


def disk(p: torch.Tensor, size: int = 64, radius: float = 6.0, sharpness: float = 2.0) -> torch.Tensor:
    """p [B, 2] (x, y in pixels) → images [B, 1, size, size] in [−1, 1]."""
    g = torch.arange(size, dtype=p.dtype, device=p.device) + 0.5
    y, x = torch.meshgrid(g, g, indexing="ij")
    d = torch.sqrt((x[None] - p[:, 0, None, None]) ** 2 + (y[None] - p[:, 1, None, None]) ** 2)
    return (2 * torch.sigmoid(sharpness * (radius - d)) - 1)[:, None]


def gradient_norm_vs_distance(
    distances, loss: str = "mse", sigma: float = 3.0, size: int = 64, radius: float = 6.0
) -> torch.Tensor:
    """‖∇_p L(G(p), G(p*))‖ for a target disk at the centre and p shifted horizontally by each distance."""

    d = torch.as_tensor(distances, dtype=torch.float32)
    c = size / 2
    target = disk(torch.tensor([[c, c]]).expand(len(d), 2), size, radius)
    p = torch.stack([c + d, torch.full_like(d, c)], 1).requires_grad_(True)
    per = recon_loss(loss, disk(p, size, radius), target, sigma=sigma)
    (g,) = torch.autograd.grad(per.sum(), p)
    return g.norm(dim=1)

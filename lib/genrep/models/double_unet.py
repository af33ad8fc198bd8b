"""The paper's "double U-Net" generator of solution 2 (spec cyclegan_monet §3.8, Fig. 3.3).

Two time-conditioned :class:`~genrep.models.simple_unet.DeepFindrUNet` in a chain, ``ε̂ = U2(U1(x_t, t), t)``.
The middle output ``h = U1(x_t, t)`` is the "photo" stage of the painting generator's noise → photo →
painting chain (and the "painting" stage of the photo generator's).

Training (:func:`double_unet_loss`) draws one random (painting m, photo p) pair per row, one **shared**
t and one **shared** ε, noises both images with them (``GaussianDiffusion.q_sample``) and adds a
cross-network L1 between each network's noisy input and the *other* network's middle output::

    MSE(ε̂_M, ε) + MSE(ε̂_P, ε) + λ_mid · [L1(x_t^M, h_P) + L1(x_t^P, h_M)]

There is no discriminator, identity or cycle term (the paper's evaluated version). Sampling is plain
DDPM ancestral sampling with the painting generator as the ε-network (``GaussianDiffusion.sample``).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from genrep.models.simple_unet import DeepFindrUNet


class DoubleUNet(nn.Module):
    def __init__(self, channels=(64, 128, 256, 512, 1024), time_emb_dim: int = 32):
        super().__init__()
        self.u1 = DeepFindrUNet(channels, time_emb_dim)
        self.u2 = DeepFindrUNet(channels, time_emb_dim)

    def forward(self, x_t, t, return_mid: bool = False):
        h = self.u1(x_t, t)
        eps = self.u2(h, t)
        return (eps, h) if return_mid else eps


def double_unet_loss(
    diffusion,
    g_m: DoubleUNet,
    g_p: DoubleUNet,
    m: torch.Tensor,
    p: torch.Tensor,
    lambda_mid: float = 1.0,
    t: torch.Tensor | None = None,
    noise: torch.Tensor | None = None,
):
    """(total loss, dict of its parts) for one batch of paired paintings ``m`` and photos ``p``."""
    if m.shape != p.shape:
        raise ValueError(f"paintings {tuple(m.shape)} and photos {tuple(p.shape)} must pair up one to one")
    if t is None:
        t = diffusion.sample_t(m.shape[0], m.device)
    if noise is None:
        noise = torch.randn_like(m)
    xm, xp = diffusion.q_sample(m, t, noise), diffusion.q_sample(p, t, noise)
    eps_m, h_m = g_m(xm, t, return_mid=True)
    eps_p, h_p = g_p(xp, t, return_mid=True)
    mse_m = F.mse_loss(eps_m.float(), noise.float())
    mse_p = F.mse_loss(eps_p.float(), noise.float())
    cross = F.l1_loss(h_p.float(), xm.float()) + F.l1_loss(h_m.float(), xp.float())
    total = mse_m + mse_p + lambda_mid * cross
    return total, {"eps_mse_monet": mse_m.detach(), "eps_mse_photo": mse_p.detach(), "mid_l1": cross.detach()}

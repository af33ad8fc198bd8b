"""The convolutional VAE of spec rectified_flow_cars §3.2 and its β-VAE loss with explicit reductions.

Encoder: stem Conv3×3(in→base) then one ``Down`` per ch_mult step (base·m_i → base·m_{i+1}); flatten;
Linear → 2·latent (μ and log σ²). Decoder mirrors it: Linear(latent → C_last·h·w), one ``Up`` per step,
Conv3×3(base→in) and a sigmoid (``data_range=(0, 1)``) or tanh (``(-1, 1)``). Defaults (base 32,
ch_mult (1, 2, 4, 8, 16), latent 64, 96×128 input) give 9,452,419 parameters (spec: ≈9.5 M).

Loss (:func:`beta_vae_loss`): ``recon + β·KL`` averaged over the batch, where ``recon`` is the squared
error **summed** over pixels (``recon_reduction="sum"``, the default) or averaged (``"mean"``), and KL to
N(0, I) is summed over latent dims (``kl_reduction="sum"``) or averaged (``"mean"``). With sum/sum and
data in [0, 1], β = 0.1 leaves a minority of the 64 units active; mean reductions make β effectively
hundreds of times larger (spec §11.3).
"""

from __future__ import annotations

import itertools

import torch
from torch import nn

from genrep.losses.gaussian import kl_std_normal, reparameterize

from .blocks import Down, Up

REDUCTIONS = ("sum", "mean")


class ConvVAE(nn.Module):
    def __init__(
        self,
        in_ch: int = 3,
        image_size=(96, 128),
        base_ch: int = 32,
        ch_mult=(1, 2, 4, 8, 16),
        latent_dim: int = 64,
        norm: str = "layer",
        data_range=(0, 1),
    ):
        super().__init__()
        chs = [base_ch * m for m in ch_mult]
        n = len(chs) - 1
        h, w = image_size
        if h % 2**n or w % 2**n:
            raise ValueError(f"image size {image_size} must be divisible by {2**n}")
        if tuple(data_range) not in ((0, 1), (-1, 1)):
            raise ValueError(f"data_range must be (0, 1) or (-1, 1), got {data_range}")
        self.latent_dim, self.data_range = latent_dim, tuple(data_range)
        self.bottom = (chs[-1], h // 2**n, w // 2**n)
        flat = chs[-1] * self.bottom[1] * self.bottom[2]
        self.encoder = nn.Sequential(
            nn.Conv2d(in_ch, chs[0], 3, 1, 1), *[Down(c, cn, norm) for c, cn in itertools.pairwise(chs)], nn.Flatten()
        )
        self.to_stats = nn.Linear(flat, 2 * latent_dim)
        self.from_z = nn.Linear(latent_dim, flat)
        self.decoder = nn.Sequential(
            *[Up(cn, c, norm) for c, cn in reversed(list(itertools.pairwise(chs)))], nn.Conv2d(chs[0], in_ch, 3, 1, 1)
        )

    def encode(self, x: torch.Tensor):
        mu, logvar = self.to_stats(self.encoder(x)).chunk(2, dim=1)
        return mu, logvar

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        h = self.decoder(self.from_z(z).view(len(z), *self.bottom))
        return torch.sigmoid(h) if self.data_range == (0, 1) else torch.tanh(h)

    def forward(self, x: torch.Tensor):
        mu, logvar = self.encode(x)
        return self.decode(reparameterize(mu, logvar)), mu, logvar


def beta_vae_loss(x_hat, x, mu, logvar, beta: float = 0.1, recon_reduction: str = "sum", kl_reduction: str = "sum"):
    """(loss, recon, kl) per image, averaged over the batch; see the module doc for the reductions."""
    for name, r in (("recon_reduction", recon_reduction), ("kl_reduction", kl_reduction)):
        if r not in REDUCTIONS:
            raise ValueError(f"{name} must be one of {REDUCTIONS}, got {r!r}")
    se = (x_hat.float() - x.float()).pow(2).flatten(1)
    recon = se.sum(1) if recon_reduction == "sum" else se.mean(1)
    kl_d = kl_std_normal(mu, logvar, "none")
    kl = kl_d.sum(1) if kl_reduction == "sum" else kl_d.mean(1)
    return (recon + beta * kl).mean(), recon.mean(), kl.mean()

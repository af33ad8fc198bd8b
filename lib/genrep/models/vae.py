"""MLP VAE copied from Jackson-Kang/Pytorch-VAE-tutorial (spec dcgan_vae_cats §3.2).

Encoder: flatten CHW (B, 12288) -> Linear(12288,512)+LReLU(0.2) -> Linear(512,512)+LReLU(0.2) -> heads
Linear(512,16) for mu and Linear(512,16) for log sigma^2 (no activation). Decoder: Linear(16,512)+LReLU ->
Linear(512,512)+LReLU -> Linear(512,12288)+Sigmoid -> view (3,64,64). Data in [0, 1].
Parameters: encoder (with heads) 6,571,040 + decoder 6,575,104 = 13,146,144.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from genrep.losses.gaussian import reparameterize
from genrep.runtime import randn


class MLPVAE(nn.Module):
    def __init__(self, image_shape=(3, 64, 64), hidden_dim: int = 512, latent_dim: int = 16):
        super().__init__()
        self.image_shape = tuple(image_shape)
        self.latent_dim = latent_dim
        d = math.prod(self.image_shape)
        self.encoder = nn.Sequential(
            nn.Linear(d, hidden_dim),
            nn.LeakyReLU(0.2),
            nn.Linear(hidden_dim, hidden_dim),
            nn.LeakyReLU(0.2),
        )
        self.fc_mu = nn.Linear(hidden_dim, latent_dim)
        self.fc_logvar = nn.Linear(hidden_dim, latent_dim)
        self.decoder = nn.Sequential(
            nn.Linear(latent_dim, hidden_dim),
            nn.LeakyReLU(0.2),
            nn.Linear(hidden_dim, hidden_dim),
            nn.LeakyReLU(0.2),
            nn.Linear(hidden_dim, d),
            nn.Sigmoid(),
        )

    def encode(self, x: torch.Tensor):
        """x (B, C, H, W) in [0, 1] -> (mu, logvar), each (B, latent_dim)."""
        h = self.encoder(x.flatten(1))
        return self.fc_mu(h), self.fc_logvar(h)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """z (B, latent_dim) -> image (B, C, H, W) in [0, 1] (Sigmoid)."""
        return self.decoder(z).view(z.shape[0], *self.image_shape)

    def forward(self, x: torch.Tensor):
        """-> (x_hat, mu, logvar)."""
        mu, logvar = self.encode(x)
        return self.decode(reparameterize(mu, logvar)), mu, logvar

    @torch.no_grad()
    def sample(self, n: int, generator: torch.Generator | None = None, device=None) -> torch.Tensor:
        """n decoded draws of z ~ N(0, I) (spec §3.3 "VAE samples"), drawn on the generator's device (a CPU
        generator gives the same z on any device)."""
        if device is None:
            device = generator.device if generator is not None else next(self.parameters()).device
        z = randn((n, self.latent_dim), generator=generator, device=device)
        return self.decode(z.to(next(self.parameters()).device))

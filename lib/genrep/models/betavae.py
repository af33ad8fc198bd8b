"""The β-VAE of Table 4.2 (Burgess et al. 2018 layout) for 64×64 binary dSprites.

Encoder: 4 × [Conv 32, 4×4, stride 2, 'same', ReLU] → Dense 256 ReLU → Dense 256 ReLU → μ (Dense 10) and
σ (Dense 10 → exp). Decoder: Dense 256 ReLU → Dense 256 ReLU → **Dense 512 ReLU** → reshape 4×4×32 →
3 × [ConvT 32, 4×4, stride 2, ReLU] → ConvT 1, 4×4, stride 2, sigmoid. Table 4.2 reshapes the 256-unit
output straight to 4×4×32 = 512 values, which cannot work; the Dense 512 (as in Burgess et al.) is our
fix (errata, spec §11.19). The likelihood is unspecified; we use Bernoulli (BCE summed over pixels),
which fits the sigmoid output and binary data. Loss = BCE + β·KL, mean over the batch.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from genrep.losses.gaussian import kl_std_normal, reparameterize


class BetaVAE(nn.Module):
    def __init__(self, latent_dim: int = 10, channels: int = 1):
        super().__init__()
        self.latent_dim = latent_dim

        def conv(cin):
            return [nn.Conv2d(cin, 32, 4, 2, 1), nn.ReLU()]

        self.enc = nn.Sequential(
            *conv(channels),
            *conv(32),
            *conv(32),
            *conv(32),
            nn.Flatten(),
            nn.Linear(512, 256),
            nn.ReLU(),
            nn.Linear(256, 256),
            nn.ReLU(),
        )
        self.mu, self.log_sigma = nn.Linear(256, latent_dim), nn.Linear(256, latent_dim)

        def up(cout):
            return [nn.ConvTranspose2d(32, cout, 4, 2, 1)]

        self.dec = nn.Sequential(
            nn.Linear(latent_dim, 256),
            nn.ReLU(),
            nn.Linear(256, 256),
            nn.ReLU(),
            nn.Linear(256, 512),
            nn.ReLU(),
            nn.Unflatten(1, (32, 4, 4)),
            *up(32),
            nn.ReLU(),
            *up(32),
            nn.ReLU(),
            *up(32),
            nn.ReLU(),
            *up(channels),
        )

    def encode(self, x):
        h = self.enc(x)
        return self.mu(h), self.log_sigma(h)

    def decode_logits(self, z):
        return self.dec(z)

    def decode(self, z):
        return torch.sigmoid(self.dec(z))

    def loss(self, x, beta: float = 1.0, gen=None):
        """x in [0, 1] → (total, recon, kl), batch means of per-example sums."""
        mu, ls = self.encode(x)
        z = reparameterize(mu, 2 * ls, gen, like=False)
        rec = F.binary_cross_entropy_with_logits(self.decode_logits(z), x, reduction="none").flatten(1).sum(1).mean()
        kl = kl_std_normal(mu, 2 * ls, "batchmean")
        return rec + beta * kl, rec, kl

"""The AVAE family of Plumerault (2023, Ch. 3): VAE, GAN, VAE/GAN, BiGAN and AVAE on DCGAN-like blocks.

Networks (spec §3.1; details from the official TF2 code, tagged [C] in the spec):

* ``down_block(c, s)``: Conv 5×5 stride s 'same' (no bias) → BatchNorm → LeakyReLU(0.2).
* ``up_block(c, s)``: ConvTranspose 5×5 stride s 'same' (no bias) → BatchNorm → ReLU.
* ``Critic``: Conv5 s2 (w) + LReLU → Down(2w) → Down(4w) → Down(8w) → Linear(1) (logit of P(real)).
* ``Encoder``: the critic's trunk with a Linear(d_z) head for μ and a *free* learned log σ vector
  (independent of x, initialised 0).
* ``Generator`` (= decoder): Linear(d_in → 8w·4·4) → BN → ReLU → Up(4w) → Up(2w) → Up(w) → ConvT5 s2 → tanh.
  At 32 px the second Down / Up block has stride 1. All weights N(0, 0.02), BN γ ~ N(1, 0.02).
* ``BiGANCritic``: x-net (critic trunk → Dense 8w), z-net (2 hidden Dense 8w, LReLU), concatenation,
  2 × Dense 16w LReLU → Dense 1.

The frameworks that train these networks (one joint step per call, Fig. 3.4) are in
:mod:`genrep.systems.avae`; the 2-D toy data of §3.4 in :mod:`genrep.data.toy2d`.
"""

from __future__ import annotations

import torch
from torch import nn

from genrep.models.init import init_normal


def down_block(cin: int, cout: int, stride: int = 2) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(cin, cout, 5, stride, 2, bias=False), nn.BatchNorm2d(cout, momentum=0.1), nn.LeakyReLU(0.2)
    )


def up_block(cin: int, cout: int, stride: int = 2) -> nn.Sequential:
    return nn.Sequential(
        nn.ConvTranspose2d(cin, cout, 5, stride, 2, output_padding=stride - 1, bias=False),
        nn.BatchNorm2d(cout, momentum=0.1),
        nn.ReLU(),
    )


def _check_size(size: int) -> None:
    if size not in (32, 64):
        raise ValueError(f"image size must be 32 or 64 (the thesis's low-resolution nets), got {size}")


class Trunk(nn.Module):
    """The critic / encoder convolutions: [B, C, S, S] → [B, 8w·4·4]; ``blocks(x)`` lists every block."""

    def __init__(self, channels: int = 3, size: int = 64, width: int = 64):
        super().__init__()
        _check_size(size)
        s2 = 1 if size == 32 else 2
        self.blocks = nn.ModuleList(
            [
                nn.Sequential(nn.Conv2d(channels, width, 5, 2, 2), nn.LeakyReLU(0.2)),
                down_block(width, 2 * width, s2),
                down_block(2 * width, 4 * width),
                down_block(4 * width, 8 * width),
            ]
        )
        self.out_dim = 8 * width * 16

    def forward(self, x, upto: int | None = None):
        for i, b in enumerate(self.blocks):
            x = b(x)
            if upto is not None and i + 1 == upto:
                return x
        return x.flatten(1)


class Critic(nn.Module):
    def __init__(self, channels=3, size=64, width=64):
        super().__init__()
        self.trunk = Trunk(channels, size, width)
        self.head = nn.Linear(self.trunk.out_dim, 1)
        self.feature_block = 2 if size == 64 else 3  # VAE/GAN's Φ (spec §3.3)
        self.feature_scale = 2**-0.5 if size == 64 else 1.0
        init_normal(self)

    def forward(self, x):
        return self.head(self.trunk(x)).squeeze(1)

    def features(self, x):
        return self.trunk(x, upto=self.feature_block) * self.feature_scale


class Encoder(nn.Module):
    """μ_e(x) from the trunk; log σ_e a free parameter vector (independent of x, init 0)."""

    def __init__(self, channels=3, size=64, width=64, latent_dim=100):
        super().__init__()
        self.trunk = Trunk(channels, size, width)
        self.mu = nn.Linear(self.trunk.out_dim, latent_dim)
        self.log_sigma = nn.Parameter(torch.zeros(latent_dim))
        init_normal(self)

    def forward(self, x):
        return self.mu(self.trunk(x)), self.log_sigma[None]


class Generator(nn.Module):
    def __init__(self, in_dim=100, channels=3, size=64, width=64):
        super().__init__()
        _check_size(size)
        s2 = 1 if size == 32 else 2
        self.w = width
        self.fc = nn.Sequential(
            nn.Linear(in_dim, 8 * width * 16, bias=False), nn.BatchNorm1d(8 * width * 16), nn.ReLU()
        )
        self.net = nn.Sequential(
            up_block(8 * width, 4 * width),
            up_block(4 * width, 2 * width, s2),
            up_block(2 * width, width),
            nn.ConvTranspose2d(width, channels, 5, 2, 2, output_padding=1),
            nn.Tanh(),
        )
        init_normal(self)

    def forward(self, z):
        return self.net(self.fc(z).view(len(z), 8 * self.w, 4, 4))


class BiGANCritic(nn.Module):
    def __init__(self, channels=3, size=64, width=64, latent_dim=100):
        super().__init__()
        self.trunk = Trunk(channels, size, width)
        h = 8 * width
        self.xnet = nn.Sequential(nn.Linear(self.trunk.out_dim, h), nn.LeakyReLU(0.2))
        self.znet = nn.Sequential(nn.Linear(latent_dim, h), nn.LeakyReLU(0.2), nn.Linear(h, h), nn.LeakyReLU(0.2))
        self.joint = nn.Sequential(
            nn.Linear(2 * h, 2 * h), nn.LeakyReLU(0.2), nn.Linear(2 * h, 2 * h), nn.LeakyReLU(0.2), nn.Linear(2 * h, 1)
        )
        init_normal(self)

    def forward(self, x, z):
        return self.joint(torch.cat([self.xnet(self.trunk(x)), self.znet(z)], 1)).squeeze(1)


def mlp(din: int, dout: int, hidden: int = 128, depth: int = 2) -> nn.Sequential:
    """An MLP with ``depth`` hidden layers (the toy model of §3.4 uses 2 × 128)."""
    layers, d = [], din
    for _ in range(depth):
        layers += [nn.Linear(d, hidden), nn.LeakyReLU(0.2)]
        d = hidden
    return nn.Sequential(*layers, nn.Linear(d, dout))


class MLPEncoder(nn.Module):
    def __init__(self, din=2, latent_dim=1, hidden=128):
        super().__init__()
        self.net = mlp(din, latent_dim, hidden)
        self.log_sigma = nn.Parameter(torch.zeros(latent_dim))

    def forward(self, x):
        return self.net(x), self.log_sigma[None]


class _Squeeze(nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x, z=None):
        return self.net(x if z is None else torch.cat([x, z], 1)).squeeze(1)

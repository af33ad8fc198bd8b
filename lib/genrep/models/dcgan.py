"""DCGAN generator/discriminator, exactly the PyTorch DCGAN-tutorial network (spec dcgan_vae_cats §3.1).

All convolutions use kernel 4 and ``bias=False``. Each network is a single ``self.net = nn.Sequential``
with the tutorial's layer order and indices, so the authors' ``generator.pth`` / ``discriminator.pth``
load unchanged. Default sizes give G = 3,576,704 and D = 2,765,568 parameters.

Init: the authors used the PyTorch default (no N(0, 0.02) init); ``genrep.models.init.init_normal``
(conv weights N(0, 0.02), BatchNorm weight N(1, 0.02), biases 0) is opt-in.
"""

from __future__ import annotations

import torch
from torch import nn


class DCGANGenerator(nn.Module):
    """z (B, nz) or (B, nz, 1, 1) -> image (B, nc, 64, 64) in [-1, 1] (Tanh).

    ConvT(nz->8ngf,4,1,0)+BN+ReLU, then 3x ConvT(4,2,1)+BN+ReLU halving channels,
    then ConvT(ngf->nc,4,2,1)+Tanh.
    """

    def __init__(self, nz: int = 100, ngf: int = 64, nc: int = 3):
        super().__init__()
        self.nz = nz
        self.net = nn.Sequential(
            nn.ConvTranspose2d(nz, ngf * 8, 4, 1, 0, bias=False),  # 0: 4x4
            nn.BatchNorm2d(ngf * 8),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 8, ngf * 4, 4, 2, 1, bias=False),  # 3: 8x8
            nn.BatchNorm2d(ngf * 4),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False),  # 6: 16x16
            nn.BatchNorm2d(ngf * 2),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False),  # 9: 32x32
            nn.BatchNorm2d(ngf),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf, nc, 4, 2, 1, bias=False),  # 12: 64x64
            nn.Tanh(),
        )

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        if z.dim() == 2:
            z = z[:, :, None, None]
        return self.net(z)


class DCGANDiscriminator(nn.Module):
    """image (B, nc, 64, 64) in [-1, 1] -> probability (B,) (Sigmoid; train with BCELoss).

    Conv(nc->ndf,4,2,1)+LReLU(0.2) (no BN), 3x Conv(4,2,1)+BN+LReLU(0.2) doubling channels,
    Conv(8ndf->1,4,1,0)+Sigmoid, ``.view(-1)``.
    """

    def __init__(self, ndf: int = 64, nc: int = 3):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(nc, ndf, 4, 2, 1, bias=False),  # 0: 32x32
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False),  # 2: 16x16
            nn.BatchNorm2d(ndf * 2),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf * 2, ndf * 4, 4, 2, 1, bias=False),  # 5: 8x8
            nn.BatchNorm2d(ndf * 4),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf * 4, ndf * 8, 4, 2, 1, bias=False),  # 8: 4x4
            nn.BatchNorm2d(ndf * 8),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf * 8, 1, 4, 1, 0, bias=False),  # 11: 1x1
            nn.Sigmoid(),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).view(-1)

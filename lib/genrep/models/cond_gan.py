"""A small class-conditional GAN with a chunked latent — the book's stand-in for BigGAN-128 in Ch. 4.

BigGAN (Brock et al. 2019) splits z into chunks: chunk 0 (with the class embedding) feeds the first
linear layer, the others modulate the conditional BatchNorms of successive residual blocks. Ours keeps
that structure at 32 or 64 px (spec §3.10 stand-in): z ∈ ℝ^{6·chunk} (default 6 × 20 = 120, like the
non-deep BigGAN-128 the thesis's code used), chunk 0 + class embedding → Linear → 4×4; chunks 1–4 drive
the conditional BN of 4 residual blocks (at 32 px the first block does not upsample); chunk 5 drives the
output BN. The discriminator is a projection discriminator with spectral norm; hinge loss;
Adam(2e-4, β = (0, 0.999)).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils import spectral_norm as SN

N_CHUNKS = 6


class CondBN(nn.Module):
    def __init__(self, c, cond_dim):
        super().__init__()
        self.bn = nn.BatchNorm2d(c, affine=False)
        self.gain, self.bias = nn.Linear(cond_dim, c), nn.Linear(cond_dim, c)
        nn.init.zeros_(self.gain.weight)
        nn.init.zeros_(self.bias.weight)
        nn.init.zeros_(self.gain.bias)
        nn.init.zeros_(self.bias.bias)

    def forward(self, x, c):
        return self.bn(x) * (1 + self.gain(c)[:, :, None, None]) + self.bias(c)[:, :, None, None]


class GBlock(nn.Module):
    def __init__(self, cin, cout, cond_dim, up=True):
        super().__init__()
        self.up = up
        self.bn1, self.bn2 = CondBN(cin, cond_dim), CondBN(cout, cond_dim)
        self.c1, self.c2 = nn.Conv2d(cin, cout, 3, 1, 1), nn.Conv2d(cout, cout, 3, 1, 1)
        self.sc = nn.Conv2d(cin, cout, 1)

    def forward(self, x, c):
        h = F.relu(self.bn1(x, c))
        if self.up:
            h, x = F.interpolate(h, scale_factor=2), F.interpolate(x, scale_factor=2)
        h = self.c2(F.relu(self.bn2(self.c1(h), c)))
        return h + self.sc(x)


class CondGenerator(nn.Module):
    def __init__(self, n_classes=20, chunk=20, width=32, size=64, channels=3, embed_dim=32):
        super().__init__()
        if size not in (32, 64):
            raise ValueError(f"size must be 32 or 64, got {size}")
        self.chunk, self.latent_dim, self.n_classes = chunk, N_CHUNKS * chunk, n_classes
        self.embed = nn.Embedding(n_classes, embed_dim)
        ch = [8 * width, 8 * width, 4 * width, 2 * width, width]
        self.fc = nn.Linear(chunk + embed_dim, ch[0] * 16)
        ups = [size == 64, True, True, True]
        cd = chunk + embed_dim
        self.blocks = nn.ModuleList([GBlock(ch[i], ch[i + 1], cd, ups[i]) for i in range(4)])
        self.out_bn = CondBN(width, cd)
        self.out = nn.Conv2d(width, channels, 3, 1, 1)
        self.ch0 = ch[0]

    def chunks(self, z):
        return z.split(self.chunk, dim=1)

    def forward(self, z, y):
        zs, e = self.chunks(z), self.embed(y)
        h = self.fc(torch.cat([zs[0], e], 1)).view(len(z), self.ch0, 4, 4)
        for i, b in enumerate(self.blocks):
            h = b(h, torch.cat([zs[i + 1], e], 1))
        return torch.tanh(self.out(F.relu(self.out_bn(h, torch.cat([zs[5], e], 1)))))


class DBlock(nn.Module):
    def __init__(self, cin, cout, down=True, first=False):
        super().__init__()
        self.down, self.first = down, first
        self.c1, self.c2 = SN(nn.Conv2d(cin, cout, 3, 1, 1)), SN(nn.Conv2d(cout, cout, 3, 1, 1))
        self.sc = SN(nn.Conv2d(cin, cout, 1))

    def forward(self, x):
        h = x if self.first else F.relu(x)
        h = self.c2(F.relu(self.c1(h)))
        s = self.sc(x)
        if self.down:
            h, s = F.avg_pool2d(h, 2), F.avg_pool2d(s, 2)
        return h + s


class ProjDiscriminator(nn.Module):
    def __init__(self, n_classes=20, width=32, size=64, channels=3):
        super().__init__()
        ch = [channels, width, 2 * width, 4 * width, 8 * width]
        downs = [True, True, True, size == 64]
        self.blocks = nn.Sequential(*[DBlock(ch[i], ch[i + 1], downs[i], i == 0) for i in range(4)])
        self.lin = SN(nn.Linear(ch[-1], 1))
        self.embed = SN(nn.Embedding(n_classes, ch[-1]))

    def forward(self, x, y):
        h = F.relu(self.blocks(x)).sum((2, 3))
        return self.lin(h).squeeze(1) + (self.embed(y) * h).sum(1)

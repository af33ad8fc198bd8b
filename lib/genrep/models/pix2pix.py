"""The pix2pix U-Net generator (Isola et al. 2017), as used by CycleGAN's "unet_256" and the Kaggle
Monet tutorials (spec cyclegan_monet §3.1, paper Fig. 3.1).

* Down path: ``Conv(k4, s2, p1) → norm → LeakyReLU(0.2)``; the first block has no norm, nor does the
  1×1 bottleneck (the last down block). Channels ``ngf · min(2**i, 8)``: C64 C128 C256 C512 C512 … .
* Up path: ``ConvTranspose(k4, s2, p1) → norm → dropout → ReLU``; dropout 0.5 in the three innermost up
  blocks. After each up block the matching down output is concatenated (the bottleneck and the output
  layer have no skip).
* Output: ``ConvTranspose(2·ngf → out, k4, s2, p1) → tanh``.

With ``n_down=8``, ``ngf=64`` at 256² this has 54,414,531 parameters (instance norm with a learnable
scale and shift, convolutions without bias before a norm), the size the spec quotes (54.4 M). The
TensorFlow tutorial's copy has 54,414,979: it also normalises the 1×1 bottleneck and drops two biases.
``n_down`` is the number of halvings: the input side must be divisible by ``2**n_down`` (use 5 at 32²).
"""

from __future__ import annotations

import torch
from torch import nn

from genrep.models.blocks import make_norm
from genrep.models.init import init_normal

NORMS = ("instance", "batch", "none")  # the norms of the pix2pix / CycleGAN networks (see ``make_norm``)


def check_norm(norm: str) -> None:
    """ValueError unless ``norm`` is one of :data:`NORMS`."""
    if norm not in NORMS:
        raise ValueError(f"norm must be one of {', '.join(NORMS)}; got {norm!r}")


def channel_mults(n_down: int) -> list[int]:
    """Channel multipliers of the down path: 1, 2, 4, 8, 8, 8, ... (pix2pix)."""
    return [min(2**i, 8) for i in range(n_down)]


class Down(nn.Module):
    """Conv(k4, s2, p1) → norm → LeakyReLU(0.2)."""

    def __init__(self, cin: int, cout: int, norm: str = "instance", use_norm: bool = True):
        super().__init__()
        use_norm = use_norm and norm != "none"
        self.conv = nn.Conv2d(cin, cout, 4, 2, 1, bias=not use_norm)
        self.norm = make_norm(norm, cout) if use_norm else nn.Identity()
        self.act = nn.LeakyReLU(0.2, inplace=False)

    def forward(self, x):
        return self.act(self.norm(self.conv(x)))


class Up(nn.Module):
    """ConvTranspose(k4, s2, p1) → norm → dropout → ReLU."""

    def __init__(self, cin: int, cout: int, norm: str = "instance", dropout: float = 0.0):
        super().__init__()
        self.conv = nn.ConvTranspose2d(cin, cout, 4, 2, 1, bias=norm == "none")
        self.norm = make_norm(norm, cout)
        self.drop = nn.Dropout(dropout) if dropout > 0 else nn.Identity()
        self.act = nn.ReLU()

    def forward(self, x):
        return self.act(self.drop(self.norm(self.conv(x))))


class Pix2PixUNet(nn.Module):
    """pix2pix U-Net generator; ``forward(x)`` maps [B, in_ch, S, S] in [-1, 1] to [B, out_ch, S, S]."""

    def __init__(
        self,
        in_ch: int = 3,
        out_ch: int = 3,
        ngf: int = 64,
        n_down: int = 8,
        norm: str = "instance",
        dropout: float = 0.5,
        n_dropout: int = 3,
        init_std: float | None = 0.02,
    ):
        super().__init__()
        check_norm(norm)
        if n_down < 2:
            raise ValueError(f"n_down must be >= 2, got {n_down}")
        self.n_down, self.ngf, self.norm = n_down, ngf, norm
        ch = [ngf * m for m in channel_mults(n_down)]
        self.downs = nn.ModuleList(
            Down(in_ch if i == 0 else ch[i - 1], ch[i], norm, use_norm=0 < i < n_down - 1) for i in range(n_down)
        )
        ups = []
        for j in range(n_down - 1):  # up block j lifts level n_down-1-j to level n_down-2-j
            cin = ch[-1] if j == 0 else 2 * ch[n_down - 1 - j]
            ups.append(Up(cin, ch[n_down - 2 - j], norm, dropout if j < n_dropout else 0.0))
        self.ups = nn.ModuleList(ups)
        self.out = nn.Sequential(nn.ConvTranspose2d(2 * ch[0], out_ch, 4, 2, 1), nn.Tanh())
        if init_std:
            init_normal(self, init_std)

    def forward(self, x):
        if x.shape[-1] % (2**self.n_down) or x.shape[-2] % (2**self.n_down):
            raise ValueError(f"input {tuple(x.shape[-2:])} is not divisible by 2**n_down = {2**self.n_down}")
        skips = []
        for d in self.downs:
            x = d(x)
            skips.append(x)
        for j, u in enumerate(self.ups):
            x = torch.cat([u(x), skips[-2 - j]], dim=1)
        return self.out(x)

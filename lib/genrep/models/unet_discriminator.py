"""U-Net discriminator (Schönfeld, Schiele & Khoreva 2020, "A U-Net based discriminator for GANs"; the
paper's Fig. 3.2 II, spec §3.3).

* Encoder: the pix2pix down blocks of :class:`~genrep.models.pix2pix.Pix2PixUNet` (depth ``n_down``,
  down to 1×1 at 256² with 8). A linear head on the globally summed bottleneck features gives one
  real/fake logit per image (the paper tried a patch-level head here: no better).
* Decoder: pix2pix up blocks (no dropout) with skip concatenations back to full size; a last
  ``ConvTranspose(→1)`` gives a per-pixel logit map.

``forward(x)`` returns ``(global_logits [B], pixel_logits [B, 1, H, W])``.
"""

from __future__ import annotations

import torch
from torch import nn

from genrep.models.init import init_normal
from genrep.models.pix2pix import Down, Up, channel_mults, check_norm


class UNetDiscriminator(nn.Module):
    def __init__(
        self, in_ch: int = 3, ndf: int = 64, n_down: int = 8, norm: str = "instance", init_std: float | None = 0.02
    ):
        super().__init__()
        check_norm(norm)
        ch = [ndf * m for m in channel_mults(n_down)]
        self.n_down = n_down
        self.downs = nn.ModuleList(
            Down(in_ch if i == 0 else ch[i - 1], ch[i], norm, use_norm=0 < i < n_down - 1) for i in range(n_down)
        )
        self.global_head = nn.Linear(ch[-1], 1)
        self.ups = nn.ModuleList(
            Up(ch[-1] if j == 0 else 2 * ch[n_down - 1 - j], ch[n_down - 2 - j], norm) for j in range(n_down - 1)
        )
        self.pixel_head = nn.ConvTranspose2d(2 * ch[0], 1, 4, 2, 1)
        if init_std:
            init_normal(self, init_std)

    def forward(self, x):
        skips = []
        for d in self.downs:
            x = d(x)
            skips.append(x)
        g = self.global_head(x.sum(dim=(2, 3))).squeeze(1)
        for j, u in enumerate(self.ups):
            x = torch.cat([u(x), skips[-2 - j]], dim=1)
        return g, self.pixel_head(x)

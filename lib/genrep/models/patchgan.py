"""PatchGAN discriminator ("feature extraction" discriminator of the paper, Fig. 3.2 I; spec §3.2).

``n_down`` stride-2 blocks ``Conv(k4, s2, p1) → norm → LeakyReLU(0.2)`` (no norm on the first) with
channels ``ndf · min(2**i, 8)``, then ``final_stride1_layers - 1`` blocks ``Conv(k4, s1, p1) → norm →
LeakyReLU`` and a last ``Conv(→1, k4, s1, p1)`` giving a map of patch logits (LSGAN: no sigmoid).

* default ``n_down=4, final_stride1_layers=1``: 256 → 16 → **15×15** logits, 2,765,633 parameters
  (the paper's "15×15 representation", our inferred layer stack);
* ``n_down=3, final_stride1_layers=2``: the standard 70×70 PatchGAN of pix2pix/CycleGAN, **30×30** at 256².

``features(x, layer)`` returns the output of the ``layer``-th stride-2 block (1-based): the "subordinate
downsampling block clipped from the discriminator" of Better Cycles (spec §3.4).
"""

from __future__ import annotations

from torch import nn

from genrep.models.blocks import make_norm
from genrep.models.init import init_normal
from genrep.models.pix2pix import Down, channel_mults, check_norm


class PatchGAN(nn.Module):
    def __init__(
        self,
        in_ch: int = 3,
        ndf: int = 64,
        n_down: int = 4,
        final_stride1_layers: int = 1,
        norm: str = "instance",
        init_std: float | None = 0.02,
    ):
        super().__init__()
        check_norm(norm)
        if n_down < 1 or final_stride1_layers < 1:
            raise ValueError(f"n_down and final_stride1_layers must be >= 1 (got {n_down}, {final_stride1_layers})")
        ch = [ndf * m for m in channel_mults(n_down + final_stride1_layers - 1)]
        self.downs = nn.ModuleList(
            Down(in_ch if i == 0 else ch[i - 1], ch[i], norm, use_norm=i > 0) for i in range(n_down)
        )
        mids = []
        for k in range(n_down, n_down + final_stride1_layers - 1):
            use = norm != "none"
            mids += [
                nn.Conv2d(ch[k - 1], ch[k], 4, 1, 1, bias=not use),
                make_norm(norm, ch[k]) if use else nn.Identity(),
                nn.LeakyReLU(0.2),
            ]
        self.mid = nn.Sequential(*mids)
        self.head = nn.Conv2d(ch[-1], 1, 4, 1, 1)
        self.n_down = n_down
        if init_std:
            init_normal(self, init_std)

    def features(self, x, layer: int = 3):
        """Activations after the ``layer``-th stride-2 block (1 ≤ layer ≤ n_down)."""
        if not 1 <= layer <= self.n_down:
            raise ValueError(f"layer must be in 1..{self.n_down}, got {layer}")
        for d in self.downs[:layer]:
            x = d(x)
        return x

    def forward(self, x):
        for d in self.downs:
            x = d(x)
        return self.head(self.mid(x))


def patchgan_output_size(size: int, n_down: int = 4, final_stride1_layers: int = 1) -> int:
    """Side of the logit map for a ``size``² input (each k4 s1 p1 layer removes one pixel)."""
    for _ in range(n_down):
        size //= 2
    return size - final_stride1_layers

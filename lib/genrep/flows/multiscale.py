"""The Glow-style multi-scale image flow of the NSF reference code (Durkan et al. 2019, ``experiments/images.py``).

    Preprocess → for each level l = 1..L:
        Squeeze2x2 → steps_per_level × [ActNorm → InvConv1x1LU → RQSplineCoupling2d] → InvConv1x1LU
        → (if multi_scale and l < L) factor out half of the channels as the latent z^(l)

``forward(x)`` returns the latent **in one tensor shaped like x** and log|det J| (including the
preprocessing's −D·b·ln 2). ``latent_layout`` says how the per-level latents are put together:
``"image"`` undoes the squeezes and splits (z0 is a C×H×W image of the same layout as x), ``"flat_reshape"``
concatenates the flattened per-level latents (the NSF repo) and reshapes them to C×H×W. Both are
permutations, so the log-determinant does not depend on the layout.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from genrep.runtime import randn

from .base import CompositeTransform, Transform
from .coupling import AffineCoupling2d, RQSplineCoupling2d
from .layers import ActNorm, InvConv1x1LU, squeeze2x2, unsqueeze2x2
from .preprocess import Preprocess

LATENT_LAYOUTS = ("image", "flat_reshape")
COUPLINGS = ("rq_spline", "affine")


def gaussian_log_prob(z: torch.Tensor) -> torch.Tensor:
    """Σ log N(z; 0, 1) per example."""
    return -0.5 * (z.flatten(1).pow(2).sum(1) + z[0].numel() * math.log(2 * math.pi))


class MultiscaleFlow(Transform):
    def __init__(
        self,
        in_shape=(1, 32, 32),
        levels: int = 3,
        steps_per_level: int = 8,
        hidden_channels: int = 64,
        num_res_blocks: int = 2,
        num_bins: int = 4,
        tail_bound: float = 3.0,
        dropout: float = 0.0,
        batchnorm: bool = True,
        multi_scale: bool = True,
        num_bits: int = 8,
        latent_layout: str = "image",
        coupling: str = "rq_spline",
    ):
        super().__init__()
        if latent_layout not in LATENT_LAYOUTS:
            raise ValueError(f"latent_layout must be one of {LATENT_LAYOUTS}, got {latent_layout!r}")
        if coupling not in COUPLINGS:
            raise ValueError(f"coupling must be one of {COUPLINGS}, got {coupling!r}")
        c, h, w = in_shape
        if h % 2**levels or w % 2**levels:
            raise ValueError(f"{levels} levels need H and W divisible by {2**levels}, got {h}×{w}")
        self.in_shape, self.levels, self.multi_scale = tuple(in_shape), levels, multi_scale
        self.latent_layout, self.num_bits = latent_layout, num_bits
        self.preprocess = Preprocess(num_bits)
        blocks, self.level_shapes = [], []
        for lvl in range(levels):
            c, h, w = 4 * c, h // 2, w // 2
            steps = []
            for _ in range(steps_per_level):
                if coupling == "rq_spline":
                    cp = RQSplineCoupling2d(
                        c, hidden_channels, num_res_blocks, num_bins, tail_bound, dropout, batchnorm
                    )
                else:
                    cp = AffineCoupling2d(c, hidden_channels, num_res_blocks, dropout, batchnorm)
                steps += [ActNorm(c), InvConv1x1LU(c), cp]
            steps.append(InvConv1x1LU(c))
            blocks.append(CompositeTransform(steps))
            self.level_shapes.append((c, h, w))
            if multi_scale and lvl < levels - 1:
                c = c // 2
        self.blocks = nn.ModuleList(blocks)
        self.num_transforms = levels * steps_per_level

    @property
    def dim(self) -> int:
        return math.prod(self.in_shape)

    def _split(self, lvl: int) -> bool:
        return self.multi_scale and lvl < self.levels - 1

    # layouts: the list of per-level latents <-> one tensor shaped like x ---------------------------------
    def _join(self, zs: list[torch.Tensor]) -> torch.Tensor:
        if self.latent_layout == "flat_reshape":
            return torch.cat([z.flatten(1) for z in zs], 1).reshape(zs[0].shape[0], *self.in_shape)
        h = zs[-1]
        for lvl in range(self.levels - 1, -1, -1):
            if self._split(lvl):
                h = torch.cat([zs[lvl], h], 1)
            h = unsqueeze2x2(h)
        return h

    def _unjoin(self, z: torch.Tensor) -> list[torch.Tensor]:
        b = z.shape[0]
        if self.latent_layout == "flat_reshape":
            shapes = self.latent_shapes()
            sizes = [math.prod(s) for s in shapes]
            return [p.reshape(b, *s) for p, s in zip(torch.split(z.reshape(b, -1), sizes, 1), shapes, strict=False)]
        zs, h = [], z
        for lvl in range(self.levels):
            h = squeeze2x2(h)
            if self._split(lvl):
                half = h.shape[1] // 2
                zs.append(h[:, :half])
                h = h[:, half:]
        zs.append(h)
        return zs

    def latent_shapes(self) -> list[tuple[int, int, int]]:
        """Shapes of the per-level latents (the factored-out halves, then the last level)."""
        out = []
        for lvl, (c, h, w) in enumerate(self.level_shapes):
            if self._split(lvl):
                out.append((c // 2, h, w))
        out.append(self.level_shapes[-1])
        return out

    # the flow -----------------------------------------------------------------------------------------
    def forward(self, x):
        h, logdet = self.preprocess(x)
        zs = []
        for lvl, block in enumerate(self.blocks):
            h, ld = block(squeeze2x2(h))
            logdet = logdet + ld
            if self._split(lvl):
                half = h.shape[1] // 2
                zs.append(h[:, :half])
                h = h[:, half:]
        zs.append(h)
        return self._join(zs), logdet

    def inverse(self, z):
        zs = self._unjoin(z)
        h = zs[-1]
        logdet = z.new_zeros(z.shape[0])
        for lvl in range(self.levels - 1, -1, -1):
            if self._split(lvl):
                h = torch.cat([zs[lvl], h], 1)
            h, ld = self.blocks[lvl].inverse(h)
            logdet = logdet + ld
            h = unsqueeze2x2(h)
        x, ld = self.preprocess.inverse(h)
        return x, logdet + ld

    # likelihood (the NSF baseline) --------------------------------------------------------------------
    def log_prob(self, x: torch.Tensor) -> torch.Tensor:
        """log p(x) in nats per example under a standard normal base distribution."""
        z, logdet = self(x)
        return gaussian_log_prob(z) + logdet

    def bits_per_dim(self, x: torch.Tensor) -> torch.Tensor:
        """−log p(x) / (D ln 2) per example (x dequantized, in [0, 2^b))."""
        return -self.log_prob(x) / (self.dim * math.log(2))

    @torch.no_grad()
    def sample(self, n: int, temperature: float = 1.0, device=None, generator=None) -> torch.Tensor:
        z = randn((n, *self.in_shape), device=device, generator=generator) * temperature
        return self.inverse(z)[0]

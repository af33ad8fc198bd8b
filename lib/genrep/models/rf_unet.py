"""The rectified-flow velocity U-Net of spec rectified_flow_cars §3.1 ("RF-UNet").

Stem Conv3×3(in→base); encoder levels with channels base·ch_mult[:-1], each ConvNormAct(C→C) (+ time
bias) then a stride-2 ConvNormAct(C→C_next); the skip is taken before the downsampling. Bottleneck
2×ConvNormAct at base·ch_mult[-1], the first with a time bias. Decoder per level: ConvTranspose s2
(C_next→C) + Norm + GELU, concatenate the skip, ConvNormAct(2C→C). Head Conv3×3(base→in), zero-initialised.

Time: Fourier features of t (32 log-spaced frequencies in [1, 1000] → 64-d), one Linear(64→256), then a
per-level Linear(256→C_l) bias added to the encoder activations and the bottleneck only (the report:
"added to the encoder activations"), with no non-linearity in between ("a linear layer").
``time_in_decoder=True`` also adds it to the decoder (a variant, spec §11.4).

Defaults (base 64, ch_mult (1, 2, 4, 8)) give 10,414,275 parameters (spec: ≈10.4 M).
"""

from __future__ import annotations

import itertools

import torch
from torch import nn

from .blocks import ConvNormAct, ConvTNormAct, FourierTime


class RectifiedFlowUNet(nn.Module):
    def __init__(
        self,
        in_ch: int = 3,
        base_ch: int = 64,
        ch_mult=(1, 2, 4, 8),
        norm: str = "layer",
        time_freqs: int = 32,
        time_dim: int = 256,
        time_in_decoder: bool = False,
    ):
        super().__init__()
        if len(ch_mult) < 2:
            raise ValueError(f"ch_mult needs at least two levels, got {ch_mult}")
        chs = [base_ch * m for m in ch_mult]
        self.n_down = len(chs) - 1
        self.fourier = FourierTime(time_freqs)
        self.time = nn.Linear(self.fourier.dim, time_dim)
        self.stem = nn.Conv2d(in_ch, chs[0], 3, 1, 1)
        self.enc1 = nn.ModuleList([ConvNormAct(c, c, 1, norm) for c in chs[:-1]])
        self.enc_t = nn.ModuleList([nn.Linear(time_dim, c) for c in chs[:-1]])
        self.down = nn.ModuleList([ConvNormAct(c, cn, 2, norm) for c, cn in itertools.pairwise(chs)])
        self.mid1 = ConvNormAct(chs[-1], chs[-1], 1, norm)
        self.mid_t = nn.Linear(time_dim, chs[-1])
        self.mid2 = ConvNormAct(chs[-1], chs[-1], 1, norm)
        self.up = nn.ModuleList([ConvTNormAct(cn, c, norm) for c, cn in itertools.pairwise(chs)])
        self.dec = nn.ModuleList([ConvNormAct(2 * c, c, 1, norm) for c in chs[:-1]])
        self.dec_t = nn.ModuleList([nn.Linear(time_dim, c) for c in chs[:-1]]) if time_in_decoder else None
        self.head = nn.Conv2d(chs[0], in_ch, 3, 1, 1)
        nn.init.zeros_(self.head.weight)
        nn.init.zeros_(self.head.bias)

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        div = 2**self.n_down
        if x.shape[-2] % div or x.shape[-1] % div:
            raise ValueError(f"H and W must be divisible by {div} (got {tuple(x.shape[-2:])})")
        temb = self.time(self.fourier(t.to(x.device)))
        h = self.stem(x)
        skips = []
        for conv, tl, down in zip(self.enc1, self.enc_t, self.down, strict=False):
            h = conv(h) + tl(temb)[:, :, None, None].to(h.dtype)
            skips.append(h)
            h = down(h)
        h = self.mid2(self.mid1(h) + self.mid_t(temb)[:, :, None, None].to(h.dtype))
        for i in reversed(range(self.n_down)):
            h = self.up[i](h)
            if self.dec_t is not None:
                h = h + self.dec_t[i](temb)[:, :, None, None].to(h.dtype)
            h = self.dec[i](torch.cat([h, skips[i]], dim=1))
        return self.head(h)

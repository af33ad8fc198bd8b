"""The DDPM U-Net of Ho, Jain & Abbeel (2020), time-conditioned, with generic widths.

    DDPMUNet(in_channels=3, ch=128, ch_mult=(1, 2, 2, 2), num_res_blocks=2, attn_resolutions=(16,),
         dropout=0.1, image_size=32)        # Ho et al.'s CIFAR-10 model, 35.7 M parameters

Structure (the reference ``diffusion_tf`` model): a 3×3 conv stem; for each resolution ``num_res_blocks``
ResBlocks (GroupNorm → SiLU → conv3×3, + Dense(SiLU(temb)), GroupNorm → SiLU → dropout → conv3×3, skip;
the last conv zero-initialised) with self-attention where the resolution is in ``attn_resolutions``,
then a strided-conv downsample (not after the last level); a middle ResBlock–Attention–ResBlock; an upsampling
path with ``num_res_blocks + 1`` ResBlocks per level on skip-concatenated features and nearest-neighbour
upsample + conv; GroupNorm → SiLU → conv3×3 (zero-initialised) to ``out_channels``. The time step goes
through ``genrep.models.embeddings.sinusoidal_embedding(ch)`` and a 2-layer MLP to 4·ch.
GroupNorm uses 32 groups, or fewer for narrow layers (the largest divisor of the width ≤ 32).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from genrep.models.blocks import make_norm
from genrep.models.embeddings import sinusoidal_embedding


def _zero(m: nn.Module) -> nn.Module:
    for p in m.parameters():
        nn.init.zeros_(p)
    return m


class ResBlock(nn.Module):
    def __init__(self, cin: int, cout: int, temb: int, dropout: float):
        super().__init__()
        self.norm1, self.conv1 = make_norm("group32", cin), nn.Conv2d(cin, cout, 3, padding=1)
        self.temb = nn.Linear(temb, cout)
        self.norm2, self.drop = make_norm("group32", cout), nn.Dropout(dropout)
        self.conv2 = _zero(nn.Conv2d(cout, cout, 3, padding=1))
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, temb):
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.temb(F.silu(temb))[:, :, None, None]
        h = self.conv2(self.drop(F.silu(self.norm2(h))))
        return self.skip(x) + h


class AttnBlock(nn.Module):
    def __init__(self, ch: int):
        super().__init__()
        self.norm = make_norm("group32", ch)
        self.qkv = nn.Conv2d(ch, 3 * ch, 1)
        self.proj = _zero(nn.Conv2d(ch, ch, 1))

    def forward(self, x, temb=None):
        b, c, h, w = x.shape
        q, k, v = self.qkv(self.norm(x)).reshape(b, 3, c, h * w).unbind(1)
        out = F.scaled_dot_product_attention(
            q.transpose(1, 2)[:, None], k.transpose(1, 2)[:, None], v.transpose(1, 2)[:, None]
        )[:, 0]
        return x + self.proj(out.transpose(1, 2).reshape(b, c, h, w))


class DDPMUNet(nn.Module):
    def __init__(
        self,
        in_channels: int = 3,
        ch: int = 128,
        ch_mult=(1, 2, 2, 2),
        num_res_blocks: int = 2,
        attn_resolutions=(16,),
        dropout: float = 0.1,
        image_size: int = 32,
        out_channels: int | None = None,
    ):
        super().__init__()
        if image_size % 2 ** (len(ch_mult) - 1):
            raise ValueError(f"image_size {image_size} is not divisible by 2^{len(ch_mult) - 1} (ch_mult={ch_mult})")
        self.ch, self.in_channels = ch, in_channels
        self.out_channels = out_channels or in_channels
        temb = 4 * ch
        self.temb = nn.Sequential(nn.Linear(ch, temb), nn.SiLU(), nn.Linear(temb, temb))
        self.stem = nn.Conv2d(in_channels, ch, 3, padding=1)
        attn = {int(a) for a in attn_resolutions}
        self.down = nn.ModuleList()
        chans, cur, res = [ch], ch, image_size
        for i, m in enumerate(ch_mult):
            for _ in range(num_res_blocks):
                blocks = [ResBlock(cur, ch * m, temb, dropout)]
                cur = ch * m
                if res in attn:
                    blocks.append(AttnBlock(cur))
                self.down.append(nn.ModuleList(blocks))
                chans.append(cur)
            if i < len(ch_mult) - 1:
                self.down.append(nn.ModuleList([nn.Conv2d(cur, cur, 3, stride=2, padding=1)]))
                chans.append(cur)
                res //= 2
        self.mid = nn.ModuleList([ResBlock(cur, cur, temb, dropout), AttnBlock(cur), ResBlock(cur, cur, temb, dropout)])
        self.up = nn.ModuleList()
        for i, m in reversed(list(enumerate(ch_mult))):
            for _ in range(num_res_blocks + 1):
                blocks = [ResBlock(cur + chans.pop(), ch * m, temb, dropout)]
                cur = ch * m
                if res in attn:
                    blocks.append(AttnBlock(cur))
                self.up.append(nn.ModuleList(blocks))
            if i > 0:
                self.up.append(
                    nn.ModuleList([nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(cur, cur, 3, padding=1)])
                )
                res *= 2
        self.out = nn.Sequential(
            make_norm("group32", cur), nn.SiLU(), _zero(nn.Conv2d(cur, self.out_channels, 3, padding=1))
        )

    @staticmethod
    def _run(blocks, h, temb):
        for b in blocks:
            h = b(h, temb) if isinstance(b, (ResBlock, AttnBlock)) else b(h)
        return h

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        if t.ndim == 0:
            t = t.expand(x.shape[0])
        temb = self.temb(sinusoidal_embedding(t, self.ch))
        hs = [self.stem(x)]
        for blocks in self.down:
            hs.append(self._run(blocks, hs[-1], temb))
        h = self._run(self.mid, hs[-1], temb)
        for blocks in self.up:
            if isinstance(blocks[0], ResBlock):
                h = torch.cat([h, hs.pop()], 1)
            h = self._run(blocks, h, temb)
        return self.out(h)


__all__ = ["AttnBlock", "DDPMUNet", "ResBlock"]

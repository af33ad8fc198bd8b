"""The two-domain photo/painting stand-in of spec cyclegan_monet §2 (used only when the Kaggle Monet data
is not staged, and labelled so): domain-A scenes, a brick patch that never occurs in domain B, and the
fixed, known "painting" style operator S that makes domain B and the oracle targets."""

from __future__ import annotations

import zlib

import torch
import torch.nn.functional as F

from ..shapes import box_sdf, ellipse_sdf, paint
from .canvas import Rand, grid


def _scenes(r, n, s):
    """Domain-A scenes: sky gradient, horizon at a random height, a ground/water band of random hue,
    0-3 ellipses (sun or trees), hard edges and slight noise. Floats in [0, 1], [n, 3, s, s]."""
    x, yy = grid(s)
    horizon = r.u3(n, -0.3, 0.4)
    top, low = r.u(n, 0.1, 0.6, 3), r.u(n, 0.5, 1.0, 3)
    t = ((yy + 1) / 2)[:, None]
    img = top[:, :, None, None] * (1 - t) + low[:, :, None, None] * t
    hue = r.u(n, 0.05, 0.8, 3)[:, :, None, None]
    img = paint(img, (yy > horizon).float(), hue.expand(n, 3, s, s))
    n_ell = torch.randint(0, 4, (n,), generator=r.g)
    for k in range(3):
        cx, cy = r.u3(n, -0.8, 0.8), r.u3(n, -0.8, 0.6)
        rx, ry = r.u3(n, 0.08, 0.3), r.u3(n, 0.08, 0.3)
        col = r.u(n, 0.0, 1.0, 3)
        present = (n_ell > k).float()[:, None, None]
        img = paint(img, (ellipse_sdf(x, yy, cx, cy, rx, ry) < 0).float() * present, col)
    return img + 0.02 * torch.randn(n, 3, s, s, generator=r.g)


def _bricks(r, n, s):
    """A brick/checkerboard patch (colour [n, 3, s, s] and coverage [n, s, s]) that never occurs in B."""
    x, yy = grid(s)
    cx, cy, hw = r.u3(n, -0.5, 0.5), r.u3(n, -0.5, 0.5), r.u3(n, 0.25, 0.45)
    row = torch.floor((yy + 1) * s / 4)
    shift = (row % 2) * 3
    mortar = ((torch.floor((x + 1) * s / 2 + shift) % 6) < 1) | ((torch.floor((yy + 1) * s / 2) % 4) < 1)
    brick = (
        torch.tensor([0.62, 0.22, 0.15])[None, :, None, None] * (1 - mortar.float()[:, None])
        + 0.85 * mortar.float()[:, None]
    )
    cover = (box_sdf(x, yy, cx, cy, hw, hw) < 0).float()
    return brick.expand(n, 3, s, s), cover


STYLE_PALETTE = torch.tensor([[0.55, 0.25, 0.20], [0.20, 0.50, 0.25], [0.30, 0.30, 0.70]])  # towards blue-violet


def style_operator(x: torch.Tensor, seed: int = 1234) -> torch.Tensor:
    """The fixed, known "painting" style S of the two-domain stand-in, on floats in [0, 1] [n, 3, s, s]:
    a pastel blue-violet palette matrix plus a gamma shift, a Gaussian blur (σ = 0.8), oriented short
    stroke texture (fixed seed) and 6-level posterisation. Deterministic: S(x) is the oracle target."""
    _n, _, s, _ = x.shape
    y = torch.einsum("dc,nchw->ndhw", STYLE_PALETTE.to(x), x)
    y = (0.25 + 0.7 * y).clamp(0, 1) ** 0.8
    k = torch.arange(-2, 3, dtype=x.dtype, device=x.device)
    g = torch.exp(-(k**2) / (2 * 0.8**2))
    g = g / g.sum()
    y = F.conv2d(F.pad(y, (2, 2, 0, 0), mode="replicate"), g.view(1, 1, 1, 5).expand(3, 1, 1, 5), groups=3)
    y = F.conv2d(F.pad(y, (0, 0, 2, 2), mode="replicate"), g.view(1, 1, 5, 1).expand(3, 1, 5, 1), groups=3)
    gen = torch.Generator().manual_seed(seed)
    strokes = torch.randn(1, 1, max(s // 2, 2), max(s // 8, 2), generator=gen)
    strokes = F.interpolate(strokes, size=(s, s), mode="bilinear", align_corners=False).to(x)
    y = (y + 0.05 * strokes).clamp(0, 1)
    return torch.round(y * 5) / 5


def two_domain_standin(n_a: int = 256, n_b: int = 32, n_ref: int = 64, size: int = 32, seed: int = 0) -> dict:
    """The procedural photo→painting task of spec cyclegan_monet §2, as uint8 tensors:

    ``photos`` (domain A, 10 % with a brick patch; ``bricks`` marks them), ``paintings`` (an independent
    draw of scenes through :func:`style_operator`), ``reference`` (``n_ref`` more paintings, held out),
    and ``oracle`` = S(photos), the exact target of each photo."""
    r = Rand(zlib.crc32(f"two_domain/{seed}".encode()))
    a = _scenes(r, n_a, size)
    has = torch.rand(n_a, generator=r.g) < 0.1
    col, cover = _bricks(r, n_a, size)
    a = paint(a, cover * has.float()[:, None, None], col).clamp(0, 1)
    b = style_operator(_scenes(r, n_b + n_ref, size).clamp(0, 1))

    def u8(t):
        return (t.clamp(0, 1) * 255).round().to(torch.uint8)

    photos = u8(a)
    return {
        "photos": photos,
        "bricks": has,
        "paintings": u8(b[:n_b]),
        "reference": u8(b[n_b:]),
        "oracle": u8(style_operator(photos.float() / 255)),
    }

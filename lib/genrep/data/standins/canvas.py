"""The stand-ins' canvas: the seeded draws every painter uses (one generator per (name, split, seed)),
the [-1, 1] pixel grid and a shape's local frame. Shapes themselves are drawn with
:mod:`genrep.data.shapes`, colours come from :mod:`genrep.data.colours`."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from ..shapes import pixel_grid, rotate


class Rand:
    """A seeded generator with the few draws the painters need; per-image values are [n, 1, 1]."""

    def __init__(self, seed: int):
        self.g = torch.Generator().manual_seed(seed)

    def u(self, n, lo=0.0, hi=1.0, *shape):
        return lo + (hi - lo) * torch.rand(n, *shape, generator=self.g)

    def u3(self, n, lo=0.0, hi=1.0):
        return self.u(n, lo, hi)[:, None, None]

    def pick(self, table, n, jitter=0.0):
        """n rows of ``table`` (a colour family: a list of RGB triples), each jittered by +-jitter."""
        t = torch.tensor(table, dtype=torch.float32)
        c = t[torch.randint(len(t), (n,), generator=self.g)]
        return (c + self.u(n, -jitter, jitter, 3)).clamp(0, 1)

    def noise(self, n, c, h, w, s, mode="bilinear"):
        """Smooth noise: N(0,1) at h x w, upsampled to s x s."""
        z = torch.randn(n, c, max(h, 2), max(w, 2), generator=self.g)
        return F.interpolate(z, size=(s, s), mode=mode, align_corners=False)


def grid(s):
    """Pixel centres of an s × s image in [-1, 1] (y pointing down): x, y [1, s, s] each."""
    x, y = pixel_grid(s, s)
    return (x * 2 - 1)[None], (y * 2 - 1)[None]


def local(x, y, cx, cy, ang=0.0, sc=1.0):
    """Coordinates relative to a centre, rotated by ang and divided by sc (multiply distances back by sc)."""
    u, v = rotate(x - cx, y - cy, ang)
    return u / sc, v / sc

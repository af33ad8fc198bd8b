"""The ``mnist`` stand-in: seven-segment-style digits drawn as strokes, one template per class, with random
affine jitter and stroke width; white on black, 1 channel, labels 0..9."""

from __future__ import annotations

import torch

from ..shapes import cover
from .canvas import grid

_SEG = {
    "a": (-1, -1, 1, -1),
    "b": (1, -1, 1, 0),
    "c": (1, 0, 1, 1),
    "d": (-1, 1, 1, 1),
    "e": (-1, 0, -1, 1),
    "f": (-1, -1, -1, 0),
    "g": (-1, 0, 1, 0),
}
_DIGITS = [
    "abcdef",
    [(0, -1, 0, 1), (-0.6, -0.5, 0, -1)],
    "abged",
    "abgcd",
    "fgbc",
    "afgcd",
    "afgedc",
    ["a", (1, -1, -0.2, 1)],
    "abcdefg",
    "abcdfg",
]


def _digit_table():
    t = torch.zeros(10, 7, 4)
    valid = torch.zeros(10, 7, dtype=torch.bool)
    for k, strokes in enumerate(_DIGITS):
        for j, s in enumerate(strokes):
            t[k, j] = torch.tensor(_SEG[s] if isinstance(s, str) else s, dtype=torch.float32)
            valid[k, j] = True
    return t, valid


def paint_digits(r, n, s, y):
    table, valid = _digit_table()
    seg = table[y] + r.u(n, -0.12, 0.12, 7, 4)  # hand-drawn jitter of every endpoint
    seg = seg * torch.tensor([0.28, 0.45, 0.28, 0.45])  # digit box ~ 0.56 x 0.9 of [-1, 1]
    ang, shear, sc = r.u(n, -0.25, 0.25), r.u(n, -0.3, 0.3), r.u(n, 0.8, 1.15)
    M = (
        torch.stack(
            [
                torch.stack([torch.cos(ang), -torch.sin(ang) + shear], -1),
                torch.stack([torch.sin(ang), torch.cos(ang)], -1),
            ],
            -2,
        )
        * sc[:, None, None]
    )
    shift = r.u(n, -0.1, 0.1, 2)
    a = seg[..., :2] @ M.transpose(1, 2) + shift[:, None]  # [n, 7, 2] stroke starts
    b = seg[..., 2:] @ M.transpose(1, 2) + shift[:, None]  # and ends
    x, yy = grid(s)
    px, py = x.reshape(1, 1, -1), yy.reshape(1, 1, -1)  # [1, 1, s*s]
    ax, ay, bx, by = a[..., :1], a[..., 1:], b[..., :1] - a[..., :1], b[..., 1:] - a[..., 1:]  # [n, 7, 1]
    dx, dy = px - ax, py - ay
    t = ((dx * bx + dy * by) / (bx * bx + by * by).clamp(min=1e-6)).clamp(0, 1)
    d2 = (dx - t * bx) ** 2 + (dy - t * by) ** 2  # squared distance to each stroke
    d = d2.masked_fill(~valid[y][..., None], float("inf")).amin(1).sqrt().view(n, s, s)
    width = r.u3(n, 0.07, 0.13)
    return (cover(d - width, s, soft=1.3) * r.u3(n, 0.85, 1.0))[:, None]

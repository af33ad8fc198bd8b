"""The ``cifar10`` stand-in: 10 classes of coloured shapes (disc, square, triangle, ring, cross, diamond,
ellipse, striped disc, twin blobs, star) on gradient backgrounds with texture; labels 0..9."""

from __future__ import annotations

import math

import torch

from ..colours import CLASS_TINT
from ..shapes import box_sdf, cover, ellipse_sdf, paint, triangle_sdf
from .canvas import grid, local


def _cifar_shape(k, u, v):
    rho = torch.sqrt(u * u + v * v)
    if k == 0:
        return rho - 1
    if k == 1:
        return torch.maximum(u.abs(), v.abs()) - 0.8
    if k == 2:
        return triangle_sdf(u, v, [(0, -1.1), (1.0, 0.65), (-1.0, 0.65)])
    if k == 3:
        return (rho - 0.75).abs() - 0.25
    if k == 4:
        return torch.minimum(box_sdf(u, v, 0, 0, 1, 0.3), box_sdf(u, v, 0, 0, 0.3, 1))
    if k == 5:
        return (u.abs() + v.abs() - 1.05) / math.sqrt(2)
    if k == 6:
        return ellipse_sdf(u, v, 0, 0, 1.1, 0.5)
    if k == 7:
        return rho - 0.95
    if k == 8:
        return torch.minimum(ellipse_sdf(u, v, -0.5, 0, 0.5, 0.5), ellipse_sdf(u, v, 0.5, 0, 0.5, 0.5))
    theta = torch.atan2(v, u)
    return rho - (0.7 + 0.3 * torch.cos(5 * theta))


def paint_objects(r, n, s, y):
    x, yy = grid(s)
    c1, c2 = r.u(n, 0.05, 0.95, 3), r.u(n, 0.05, 0.95, 3)
    phi = r.u3(n, 0, 2 * math.pi)
    t = ((x * torch.cos(phi) + yy * torch.sin(phi)) * 0.5 + 0.5).clamp(0, 1)[:, None]
    img = c1[:, :, None, None] * (1 - t) + c2[:, :, None, None] * t
    img = img + 0.12 * r.noise(n, 3, 4, 4, s) + 0.03 * torch.randn(n, 3, s, s, generator=r.g)
    fg = 0.5 * torch.tensor(CLASS_TINT)[y] + 0.5 * r.u(n, 0, 1, 3)
    cx, cy, ang, sc = r.u3(n, -0.2, 0.2), r.u3(n, -0.2, 0.2), r.u3(n, 0, 2 * math.pi), r.u3(n, 0.45, 0.7)
    u, v = local(x, yy, cx, cy, ang, sc)
    d = torch.empty(n, s, s)
    for k in range(10):
        i = y == k
        if i.any():
            d[i] = _cifar_shape(k, u[i], v[i]) * sc[i]
    shade = (1 - 0.25 * v.clamp(-1, 1))[:, None] * fg[:, :, None, None]
    stripes = torch.where((y == 7)[:, None, None] & (torch.sin(u * 7) > 0), 0.45, 1.0)[:, None]
    return paint(img, cover(d, s), shade * stripes)

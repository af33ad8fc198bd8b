"""The ``cars`` stand-in: side-view car bodies with a cabin, windows and two wheels on a road."""

from __future__ import annotations

import torch

from ..colours import CAR_PAINT
from ..shapes import box_sdf, cover, ellipse_sdf, paint
from .canvas import grid, local


def paint_cars(r, n, s, y):
    x, yy = grid(s)
    sky = r.pick([(0.6, 0.7, 0.85), (0.8, 0.8, 0.78), (0.45, 0.5, 0.45)], n, 0.1)
    road = r.pick([(0.35, 0.35, 0.37), (0.5, 0.48, 0.45)], n, 0.05)
    horizon = r.u3(n, 0.15, 0.4)
    img = paint(sky[:, :, None, None].expand(n, 3, s, s) + 0.05 * r.noise(n, 3, 4, 4, s), cover(horizon - yy, s), road)
    flip = torch.where(r.u3(n) < 0.5, -1.0, 1.0)
    u, v = local(x, yy, r.u3(n, -0.08, 0.08), r.u3(n, -0.05, 0.1), r.u3(n, -0.05, 0.05), r.u3(n, 0.8, 1.05))
    u = u * flip
    img = paint(img, cover(ellipse_sdf(u, v, 0, 0.55, 0.95, 0.07), s, soft=3), torch.zeros(n, 3) + 0.1)
    body_c = r.pick(CAR_PAINT, n, 0.05)[:, :, None, None] * (1.15 - 0.35 * (v[:, None] + 0.3).clamp(0, 1))
    body = torch.minimum(box_sdf(u, v, 0, 0.2, 0.88, 0.19, 0.08), box_sdf(u, v, -0.08, -0.08, 0.48, 0.17, 0.12))
    img = paint(img, cover(body, s), body_c)
    glass = torch.maximum(box_sdf(u, v, -0.08, -0.08, 0.4, 0.11, 0.08), 0.03 - (u + 0.05).abs())
    img = paint(img, cover(glass, s), r.pick([(0.2, 0.25, 0.32), (0.45, 0.55, 0.65)], n, 0.05))
    for wx in (-0.52, 0.52):
        img = paint(img, cover(ellipse_sdf(u, v, wx, 0.4, 0.18, 0.18), s), torch.zeros(n, 3) + 0.05)
        img = paint(img, cover(ellipse_sdf(u, v, wx, 0.4, 0.08, 0.08), s), torch.zeros(n, 3) + 0.7)
    return img

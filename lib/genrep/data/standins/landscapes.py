"""The painting and photo stand-ins: ``monet`` (smooth pastel colour fields with directional brush-stroke
noise) and ``monet_photos`` (sharper landscapes: sky gradient, horizon, textured ground, buildings and
trees)."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from ..colours import MONET
from ..shapes import box_sdf, cover, ellipse_sdf, paint
from .canvas import grid


def paint_monet(r, n, s, y):
    cols = torch.stack([r.pick(MONET, n, 0.08) for _ in range(4)], 1)  # [n, 4, 3]
    w = torch.softmax(3 * r.noise(n, 4, 3, 3, s), 1)  # [n, 4, s, s]
    img = torch.einsum("nkhw,nkc->nchw", w, cols)
    strokes = r.noise(n, 1, max(s // 24, 3), max(s // 5, 6), s) + 0.5 * r.noise(n, 3, s // 12, s // 3, s)
    ang = r.u(n, -0.6, 0.6)
    rot = torch.stack(
        [
            torch.stack([torch.cos(ang), -torch.sin(ang), 0 * ang], -1),
            torch.stack([torch.sin(ang), torch.cos(ang), 0 * ang], -1),
        ],
        1,
    )
    grid = F.affine_grid(rot * 0.8, (n, 3, s, s), align_corners=False)
    strokes = F.grid_sample(strokes, grid, mode="bilinear", padding_mode="reflection", align_corners=False)
    img = img + 0.07 * strokes + 0.012 * torch.randn(n, 3, s, s, generator=r.g)
    return img


# ----------------------------------------------------------------------------------- monet_photos


def paint_photos(r, n, s, y):
    x, yy = grid(s)
    horizon = r.u3(n, -0.25, 0.35) + r.u3(n, -0.12, 0.12) * x
    top, low = (
        r.pick([(0.12, 0.3, 0.7), (0.3, 0.5, 0.85), (0.25, 0.25, 0.45)], n, 0.08),
        r.pick([(0.75, 0.82, 0.92), (0.95, 0.7, 0.45), (0.7, 0.72, 0.75)], n, 0.06),
    )
    t = ((yy + 1) / (horizon + 1).clamp(min=0.1)).clamp(0, 1)[:, None]
    img = top[:, :, None, None] * (1 - t) + low[:, :, None, None] * t
    clouds = (r.noise(n, 1, 5, 8, s, "bicubic") - 0.5).clamp(min=0) * r.u3(n, 0, 0.5)[:, None]
    img = img + clouds
    ground = r.pick([(0.2, 0.42, 0.15), (0.72, 0.62, 0.42), (0.15, 0.3, 0.42), (0.3, 0.3, 0.32)], n, 0.06)
    depth = ((yy - horizon) / (1 - horizon).clamp(min=0.1)).clamp(0, 1)[:, None]
    grain = 0.15 * r.noise(n, 1, s // 8, s // 8, s) + 0.12 * torch.randn(n, 1, s, s, generator=r.g)
    gimg = ground[:, :, None, None] * (1.1 - 0.5 * depth) * (1 + grain) + 0.02 * torch.randn(n, 3, s, s, generator=r.g)
    img = paint(img, cover(horizon - yy, s), gimg)
    for _ in range(3):  # buildings (tall boxes) or trees (trunk + round canopy) standing on the horizon
        cx, w, h = r.u3(n, -0.9, 0.9), r.u3(n, 0.05, 0.25), r.u3(n, 0.15, 0.7)
        base = horizon + 0.02
        tree = r.u3(n) < 0.5
        col = r.pick([(0.55, 0.5, 0.48), (0.6, 0.3, 0.22), (0.85, 0.85, 0.82), (0.3, 0.3, 0.35)], n, 0.08)
        present = (r.u3(n) < 0.75).float()
        building = box_sdf(x, yy, cx, base - h / 2, w, h / 2)
        canopy = ellipse_sdf(x, yy, cx, base - h, w * 1.6 + 0.05, h * 0.5 + 0.05)
        trunk = box_sdf(x, yy, cx, base - h / 2, 0.03, h / 2)
        d = torch.where(tree, torch.minimum(canopy, trunk), building)
        green = r.pick([(0.12, 0.3, 0.1), (0.25, 0.4, 0.12)], n, 0.05)
        c = torch.where(tree[:, None], green[:, :, None, None], col[:, :, None, None]) * (
            1 + 0.12 * torch.randn(n, 1, s, s, generator=r.g)
        )
        img = paint(img, cover(d, s) * present, c)
    return img

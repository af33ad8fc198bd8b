"""The face stand-ins: ``cats64`` (fur-coloured face blobs with ears, two eyes with pupils and a nose) and
``celeba`` (aligned face ellipses with hair, eyes, eyebrows, nose and mouth)."""

from __future__ import annotations

import torch

from ..colours import FUR, HAIR, SKIN
from ..shapes import box_sdf, cover, ellipse_sdf, paint, triangle_sdf
from .canvas import grid, local


def paint_cats(r, n, s, y):
    x, yy = grid(s)
    img = r.u(n, 0.15, 0.8, 3)[:, :, None, None] + 0.1 * r.noise(n, 3, 3, 3, s)
    u, v = local(x, yy, r.u3(n, -0.08, 0.08), r.u3(n, 0.05, 0.18), r.u3(n, -0.2, 0.2), r.u3(n, 0.85, 1.1))
    fur = r.pick(FUR, n, 0.08)[:, :, None, None] * (1 + 0.12 * r.noise(n, 1, s // 4, s // 4, s))
    tabby = r.u3(n, 0, 0.25)[:, None] * torch.sin(9 * torch.atan2(v + 0.6, u))[:, None]
    fur = fur * (1 - tabby.clamp(min=0))
    ears = torch.minimum(
        triangle_sdf(u, v, [(-0.62, -0.05), (-0.12, -0.45), (-0.55, -0.95)]),
        triangle_sdf(u, v, [(0.62, -0.05), (0.12, -0.45), (0.55, -0.95)]),
    )
    head = torch.minimum(ellipse_sdf(u, v, 0, 0.05, 0.68, 0.56), ears)
    img = paint(img, cover(head, s), fur)
    iris = r.pick([(0.45, 0.7, 0.2), (0.85, 0.75, 0.2), (0.8, 0.55, 0.15), (0.4, 0.6, 0.75)], n, 0.05)
    pupil_w = r.u3(n, 0.02, 0.07)
    for sx in (-1, 1):
        img = paint(img, cover(ellipse_sdf(u, v, sx * 0.27, -0.02, 0.14, 0.1), s), iris)
        pupil = ellipse_sdf(u, v, sx * 0.27, -0.02, pupil_w, 0.095)
        img = paint(img, cover(pupil, s), torch.zeros(n, 3) + 0.03)
    nose = triangle_sdf(u, v, [(-0.08, 0.2), (0.08, 0.2), (0, 0.3)])
    return paint(img, cover(nose, s), torch.tensor([[0.85, 0.5, 0.55]]).expand(n, 3))


def paint_celeba(r, n, s, y):
    x, yy = grid(s)
    img = r.u(n, 0.1, 0.95, 3)[:, :, None, None] + 0.08 * r.noise(n, 3, 2, 2, s)
    u, v = local(x, yy, r.u3(n, -0.04, 0.04), r.u3(n, -0.03, 0.03), r.u3(n, -0.08, 0.08), r.u3(n, 0.92, 1.05))
    skin = r.pick(SKIN, n, 0.04)
    hair = r.pick(HAIR, n, 0.05)
    cloth = r.u(n, 0.05, 0.9, 3)
    img = paint(img, cover(ellipse_sdf(u, v, 0, 1.2, 0.95, 0.4), s), cloth)
    img = paint(img, cover(box_sdf(u, v, 0, 0.8, 0.2, 0.3), s), skin * 0.85)
    long_hair = r.u3(n, 0.3, 1.0)
    img = paint(
        img,
        cover(torch.minimum(ellipse_sdf(u, v, 0, -0.12, 0.6, 0.62), box_sdf(u, v, 0, 0.3, 0.55, long_hair * 0.6)), s),
        hair,
    )
    img = paint(
        img,
        cover(ellipse_sdf(u, v, 0, 0.1, 0.42, 0.56), s, soft=1.5),
        skin[:, :, None, None] * (1 - 0.1 * (u.abs() / 0.4)[:, None]),
    )
    for sx in (-1, 1):
        img = paint(img, cover(box_sdf(u, v, sx * 0.18, -0.12, 0.1, 0.015, 0.01), s), hair * 0.8)
        img = paint(img, cover(ellipse_sdf(u, v, sx * 0.18, -0.02, 0.085, 0.04), s), torch.zeros(n, 3) + 0.92)
        img = paint(img, cover(ellipse_sdf(u, v, sx * 0.18, -0.02, 0.035, 0.035), s), torch.zeros(n, 3) + 0.1)
    img = paint(img, cover(ellipse_sdf(u, v, 0, 0.16, 0.045, 0.08), s, soft=2), skin * 0.82)
    lips = r.pick([(0.7, 0.3, 0.3), (0.6, 0.35, 0.35), (0.8, 0.4, 0.45)], n, 0.05)
    return paint(img, cover(ellipse_sdf(u, v, 0, 0.34, 0.14, 0.04), s), lips)

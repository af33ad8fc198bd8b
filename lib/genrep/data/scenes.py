"""Procedural scenes with known factors: the stand-ins for ILSVRC/BigGAN (textured shapes) and for the
multi-object 3D-Room / CLEVR scenes (multi-object dSprites).

``textured_shapes(n, size, seed)`` — one object per image, 20 classes (10 "train", 10 "held-out"):
  a sky/ground background split at a random horizon (0.3–0.7 of the height, class palette + noise), a
  shape (square, ellipse, heart, triangle, star) filled with a high-frequency class texture (stripes,
  checker, dots or filtered noise, random phase), scale 0.25–0.6, position 0.2–0.8, random rotation; a
  global brightness factor for the "night-capable" classes (every third). Returns images, labels, the
  object mask and every factor, so position / scale of generated images can be measured against truth.

``multi_dsprites(n, size, seed, max_objects)`` — 0..max_objects coloured dSprites shapes with rotation
  and depth order on a dark background; returns images, ground-truth rotated boxes, tight axis-aligned
  boxes and object counts (for AP and count error, Table 5.1's metrics).

Both are deterministic in their arguments and pure torch (CPU). Labelled "procedural stand-in" wherever
used.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from .dsprites import render
from .shapes import ellipse_in, heart_in, pixel_grid, rotate, square_in, star_in, triangle_in

N_CLASSES = 20
TRAIN_CLASSES = tuple(range(10))
HELDOUT_CLASSES = tuple(range(10, 20))
SHAPE_NAMES = ("square", "ellipse", "heart", "triangle", "star")
TEXTURES = ("stripes", "checker", "dots", "noise")


def shape_mask(kind, u, v):
    """Soft-free inside test for shape ``kind`` [n,1,1] (index into SHAPE_NAMES) in local units."""
    sq = square_in(u, v, 0.75)
    out = sq
    for k, m in enumerate((sq, ellipse_in(u, v, 0.6), heart_in(u, v), triangle_in(u, v), star_in(u, v))):
        out = torch.where(kind == k, m, out)
    return out


def _class_table(n_classes=N_CLASSES, seed=1234):
    g = torch.Generator().manual_seed(seed)
    return {
        "shape": torch.arange(n_classes) % 5,
        "texture": (torch.arange(n_classes) // 5) % 4,
        "fg": torch.rand(n_classes, 2, 3, generator=g) * 0.8 + 0.2,  # two texture colours
        "sky": torch.rand(n_classes, 3, generator=g) * 0.5 + 0.4,
        "ground": torch.rand(n_classes, 3, generator=g) * 0.5 + 0.1,
        "freq": 6 + torch.rand(n_classes, generator=g) * 6,
        "night": (torch.arange(n_classes) % 3) == 0,
    }


def textured_shapes(
    n: int, size: int = 64, seed: int = 0, classes=None, supersample: int = 2, fixed: dict | None = None
) -> dict:
    """``n`` images of the textured-shapes stand-in → dict(images uint8 [n,3,s,s], labels, masks uint8
    [n,1,s,s], x, y, scale, angle, horizon, brightness). ``classes`` restricts the labels drawn;
    ``fixed`` pins factors (e.g. ``{"x": 0.5}``)."""
    classes = torch.as_tensor(classes if classes is not None else range(N_CLASSES))
    if classes.min() < 0 or classes.max() >= N_CLASSES:
        raise ValueError(f"classes must lie in 0..{N_CLASSES - 1}")
    g = torch.Generator().manual_seed(10_007 * seed + 17)

    def u(lo, hi):
        return lo + (hi - lo) * torch.rand(n, generator=g)

    y = classes[torch.randint(len(classes), (n,), generator=g)]
    f = {
        "x": u(0.2, 0.8),
        "y": u(0.2, 0.8),
        "scale": u(0.25, 0.6),
        "angle": u(0, 2 * math.pi),
        "horizon": u(0.3, 0.7),
        "brightness": u(0.35, 1.0),
        "phase": u(0, 2 * math.pi),
    }
    for k, v in (fixed or {}).items():
        if k not in f:
            raise ValueError(f"unknown factor {k!r}; valid: {', '.join(f)}")
        f[k] = torch.full((n,), float(v))
    T = _class_table()
    f["brightness"] = torch.where(T["night"][y], f["brightness"], torch.ones(n))
    s = size * supersample
    X, Y = (t.expand(n, s, s) for t in pixel_grid(s, s))

    def c3(t):
        return t[:, :, None, None]

    noise = F.interpolate(torch.randn(n, 1, 8, 8, generator=g), size=(s, s), mode="bilinear", align_corners=False)
    sky = (Y < f["horizon"][:, None, None]).float()[:, None]
    bg = c3(T["sky"][y]) * sky + c3(T["ground"][y]) * (1 - sky) + 0.06 * noise
    half = f["scale"][:, None, None] / 2
    dx, dy = (X - f["x"][:, None, None]) / half, (Y - f["y"][:, None, None]) / half
    lu, lv = rotate(dx, dy, f["angle"][:, None, None])
    m = shape_mask(T["shape"][y][:, None, None], lu, lv).float()[:, None]
    fr, ph, tex = T["freq"][y][:, None, None], f["phase"][:, None, None], T["texture"][y][:, None, None]
    stripes = (torch.sin(fr * math.pi * lu + ph) > 0).float()
    checker = ((torch.sin(fr * math.pi * lu / 2 + ph) * torch.sin(fr * math.pi * lv / 2)) > 0).float()
    dots = ((torch.sin(fr * math.pi * lu + ph) ** 2 + torch.sin(fr * math.pi * lv) ** 2) < 0.6).float()
    hf = F.interpolate(torch.randn(n, 1, 24, 24, generator=g), size=(s, s), mode="bilinear", align_corners=False)[:, 0]
    nz = (hf > 0).float()
    pat = torch.where(tex == 0, stripes, torch.where(tex == 1, checker, torch.where(tex == 2, dots, nz)))[:, None]
    col = T["fg"][y]
    fg = c3(col[:, 0]) * pat + c3(col[:, 1]) * (1 - pat)
    img = (bg * (1 - m) + fg * m) * f["brightness"][:, None, None, None]
    img = F.avg_pool2d(img, supersample).clamp(0, 1)
    mask = F.avg_pool2d(m, supersample)
    out = {"images": (img * 255).round().to(torch.uint8), "labels": y, "masks": (mask * 255).round().to(torch.uint8)}
    out.update({k: v for k, v in f.items() if k != "phase"})
    return out


def multi_dsprites(n: int, size: int = 64, seed: int = 0, max_objects: int = 4, min_objects: int = 1) -> dict:
    """Multi-object dSprites with colour, rotation and depth order → dict(images uint8 [n,3,s,s],
    counts [n], boxes [n, max_objects, 5] (cx, cy, w, h, angle; pixels; zero rows for absent objects),
    tight [n, max_objects, 4] (x0, y0, x1, y1 of the visible pixels), masks [n, max_objects, s, s])."""
    g = torch.Generator().manual_seed(7919 * seed + 3)
    counts = torch.randint(min_objects, max_objects + 1, (n,), generator=g)
    img = torch.full((n, 3, size, size), 0.08)
    boxes = torch.zeros(n, max_objects, 5)
    masks = torch.zeros(n, max_objects, size, size, dtype=torch.bool)
    for k in range(max_objects):  # k = depth order: later objects are drawn in front
        present = counts > k
        shape = torch.randint(0, 3, (n,), generator=g)
        scale = 0.6 + 0.8 * torch.rand(n, generator=g)
        ang = 2 * math.pi * torch.rand(n, generator=g)
        cx = size * (0.15 + 0.7 * torch.rand(n, generator=g))
        cy = size * (0.15 + 0.7 * torch.rand(n, generator=g))
        colour = 0.3 + 0.7 * torch.rand(n, 3, generator=g)
        spr = render(shape.numpy(), scale.numpy() * size / 64, ang.numpy(), cx.numpy(), cy.numpy(), size=size)
        m = (spr[:, 0] > 0) & present[:, None, None]
        img = torch.where(m[:, None], colour[:, :, None, None], img)
        masks[:, :k] &= ~m[:, None]
        masks[:, k] = m
        half = 9.0 * scale * size / 64
        boxes[:, k] = torch.stack([cx, cy, 1.6 * half, 1.6 * half, ang], 1) * present[:, None]
    tight = torch.zeros(n, max_objects, 4)
    for i in range(n):
        for k in range(max_objects):
            ys, xs = torch.nonzero(masks[i, k], as_tuple=True)
            if len(xs):
                tight[i, k] = torch.tensor([xs.min(), ys.min(), xs.max() + 1, ys.max() + 1], dtype=torch.float32)
    visible = (tight[..., 2] > tight[..., 0]).sum(1)
    return {
        "images": (img * 255).round().to(torch.uint8),
        "counts": counts,
        "visible": visible,
        "boxes": boxes,
        "tight": tight,
        "masks": masks,
    }

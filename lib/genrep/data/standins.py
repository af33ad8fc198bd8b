"""Procedural stand-ins: deterministic fake datasets with the shape conventions of the real ones.

When a dataset is not staged (CI, a laptop without the mirror), reduced-tier notebooks train on these
instead, and say so. Each stand-in is drawn with signed-distance shapes and smooth noise in pure torch
(CPU, a few thousand 32px images per second or better), from a generator seeded by (name, split, seed):

- ``mnist``: seven-segment-style digits drawn as strokes, one template per class, with random affine
  jitter and stroke width; white on black, 1 channel, labels 0..9.
- ``cifar10``: 10 classes of coloured shapes (disc, square, triangle, ring, cross, diamond, ellipse,
  striped disc, twin blobs, star) on gradient backgrounds with texture; labels 0..9.
- ``monet``: smooth pastel colour fields with directional brush-stroke noise.
- ``monet_photos``: sharper landscapes: sky gradient, horizon, textured ground, buildings and trees.
- ``cats64``: fur-coloured face blobs with ears, two eyes with pupils and a nose.
- ``cars``: side-view car bodies with a cabin, windows and two wheels on a road.
- ``celeba``: aligned face ellipses with hair, eyes, eyebrows, nose and mouth.

Same (name, n, size, split, seed) gives identical bytes; images come out as uint8 [N, C, S, S].
"""

from __future__ import annotations

import math
import zlib

import torch
import torch.nn.functional as F

from .registry import get_spec

CHUNK_PIXELS = 1 << 20  # images are painted in chunks of about this many pixels (cache-friendly)


class _Rand:
    """A seeded generator with the few draws the painters need; per-image values are [n, 1, 1]."""

    def __init__(self, seed: int):
        self.g = torch.Generator().manual_seed(seed)

    def u(self, n, lo=0.0, hi=1.0, *shape):
        return lo + (hi - lo) * torch.rand(n, *shape, generator=self.g)

    def u3(self, n, lo=0.0, hi=1.0):
        return self.u(n, lo, hi)[:, None, None]

    def pick(self, table, n, jitter=0.0):
        """n rows of ``table`` (a list of RGB triples), each jittered by +-jitter."""
        t = torch.tensor(table, dtype=torch.float32)
        c = t[torch.randint(len(t), (n,), generator=self.g)]
        return (c + self.u(n, -jitter, jitter, 3)).clamp(0, 1)

    def noise(self, n, c, h, w, s, mode="bilinear"):
        """Smooth noise: N(0,1) at h x w, upsampled to s x s."""
        z = torch.randn(n, c, max(h, 2), max(w, 2), generator=self.g)
        return F.interpolate(z, size=(s, s), mode=mode, align_corners=False)


def _grid(s):
    t = (torch.arange(s, dtype=torch.float32) + 0.5) / s * 2 - 1
    y, x = torch.meshgrid(t, t, indexing="ij")
    return x[None], y[None]  # [1, s, s] each, in [-1, 1], y pointing down


def _cover(d, s, soft=1.0):
    """Antialiased coverage of a shape from its signed distance d (< 0 inside), about `soft` pixels wide."""
    return (0.5 - d * s / (2 * soft)).clamp(0, 1)


def _paint(img, m, color):
    """Alpha-composite a colour ([n, 3] or [n, 3, s, s]) over img [n, 3, s, s] with coverage m [n, s, s]."""
    if color.dim() == 2:
        color = color[:, :, None, None]
    m = m[:, None]
    return img * (1 - m) + color * m


def _local(x, y, cx, cy, ang=0.0, sc=1.0):
    """Coordinates relative to a centre, rotated by ang and divided by sc (multiply distances back by sc)."""
    dx, dy = x - cx, y - cy
    c, s = (torch.cos(ang), torch.sin(ang)) if torch.is_tensor(ang) else (math.cos(ang), math.sin(ang))
    return (c * dx + s * dy) / sc, (-s * dx + c * dy) / sc


def _ellipse(x, y, cx, cy, rx, ry):
    """Approximate signed distance to an axis-aligned ellipse."""
    r = torch.sqrt(((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2)
    return (r - 1) * torch.minimum(torch.as_tensor(rx), torch.as_tensor(ry))


def _box(x, y, cx, cy, hx, hy, r=0.0):
    """Signed distance to a box of half-sizes (hx, hy) with corner radius r."""
    qx, qy = (x - cx).abs() - hx + r, (y - cy).abs() - hy + r
    outside = torch.sqrt(qx.clamp(min=0) ** 2 + qy.clamp(min=0) ** 2)
    return outside + torch.maximum(qx, qy).clamp(max=0) - r


def _triangle(x, y, pts):
    """Signed distance (approximate outside) to a triangle with vertices pts = [(x, y)] * 3."""
    (x0, y0), (x1, y1), (x2, y2) = pts
    orient = 1.0 if (x1 - x0) * (y2 - y0) - (y1 - y0) * (x2 - x0) > 0 else -1.0
    d = None
    for (ax, ay), (bx, by) in (((x0, y0), (x1, y1)), ((x1, y1), (x2, y2)), ((x2, y2), (x0, y0))):
        ex, ey = bx - ax, by - ay
        e = -orient * (ex * (y - ay) - ey * (x - ax)) / math.hypot(ex, ey)
        d = e if d is None else torch.maximum(d, e)
    return d


# ------------------------------------------------------------------------------------------ mnist

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


def _mnist(r, n, s, y):
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
    x, yy = _grid(s)
    px, py = x.reshape(1, 1, -1), yy.reshape(1, 1, -1)  # [1, 1, s*s]
    ax, ay, bx, by = a[..., :1], a[..., 1:], b[..., :1] - a[..., :1], b[..., 1:] - a[..., 1:]  # [n, 7, 1]
    dx, dy = px - ax, py - ay
    t = ((dx * bx + dy * by) / (bx * bx + by * by).clamp(min=1e-6)).clamp(0, 1)
    d2 = (dx - t * bx) ** 2 + (dy - t * by) ** 2  # squared distance to each stroke
    d = d2.masked_fill(~valid[y][..., None], float("inf")).amin(1).sqrt().view(n, s, s)
    width = r.u3(n, 0.07, 0.13)
    return (_cover(d - width, s, soft=1.3) * r.u3(n, 0.85, 1.0))[:, None]


# ---------------------------------------------------------------------------------------- cifar10

_CLASS_TINT = [
    (0.55, 0.65, 0.85),
    (0.8, 0.25, 0.2),
    (0.55, 0.5, 0.35),
    (0.7, 0.55, 0.4),
    (0.6, 0.5, 0.3),
    (0.6, 0.45, 0.3),
    (0.35, 0.6, 0.3),
    (0.55, 0.4, 0.25),
    (0.3, 0.45, 0.7),
    (0.85, 0.8, 0.75),
]


def _cifar_shape(k, u, v):
    rho = torch.sqrt(u * u + v * v)
    if k == 0:
        return rho - 1
    if k == 1:
        return torch.maximum(u.abs(), v.abs()) - 0.8
    if k == 2:
        return _triangle(u, v, [(0, -1.1), (1.0, 0.65), (-1.0, 0.65)])
    if k == 3:
        return (rho - 0.75).abs() - 0.25
    if k == 4:
        return torch.minimum(_box(u, v, 0, 0, 1, 0.3), _box(u, v, 0, 0, 0.3, 1))
    if k == 5:
        return (u.abs() + v.abs() - 1.05) / math.sqrt(2)
    if k == 6:
        return _ellipse(u, v, 0, 0, 1.1, 0.5)
    if k == 7:
        return rho - 0.95
    if k == 8:
        return torch.minimum(_ellipse(u, v, -0.5, 0, 0.5, 0.5), _ellipse(u, v, 0.5, 0, 0.5, 0.5))
    theta = torch.atan2(v, u)
    return rho - (0.7 + 0.3 * torch.cos(5 * theta))


def _cifar(r, n, s, y):
    x, yy = _grid(s)
    c1, c2 = r.u(n, 0.05, 0.95, 3), r.u(n, 0.05, 0.95, 3)
    phi = r.u3(n, 0, 2 * math.pi)
    t = ((x * torch.cos(phi) + yy * torch.sin(phi)) * 0.5 + 0.5).clamp(0, 1)[:, None]
    img = c1[:, :, None, None] * (1 - t) + c2[:, :, None, None] * t
    img = img + 0.12 * r.noise(n, 3, 4, 4, s) + 0.03 * torch.randn(n, 3, s, s, generator=r.g)
    fg = 0.5 * torch.tensor(_CLASS_TINT)[y] + 0.5 * r.u(n, 0, 1, 3)
    cx, cy, ang, sc = r.u3(n, -0.2, 0.2), r.u3(n, -0.2, 0.2), r.u3(n, 0, 2 * math.pi), r.u3(n, 0.45, 0.7)
    u, v = _local(x, yy, cx, cy, ang, sc)
    d = torch.empty(n, s, s)
    for k in range(10):
        i = y == k
        if i.any():
            d[i] = _cifar_shape(k, u[i], v[i]) * sc[i]
    shade = (1 - 0.25 * v.clamp(-1, 1))[:, None] * fg[:, :, None, None]
    stripes = torch.where((y == 7)[:, None, None] & (torch.sin(u * 7) > 0), 0.45, 1.0)[:, None]
    return _paint(img, _cover(d, s), shade * stripes)


# ------------------------------------------------------------------------------------------ monet

_MONET = [
    (0.35, 0.5, 0.65),
    (0.6, 0.55, 0.75),
    (0.45, 0.6, 0.4),
    (0.85, 0.65, 0.65),
    (0.85, 0.75, 0.45),
    (0.7, 0.8, 0.88),
    (0.25, 0.4, 0.3),
    (0.9, 0.87, 0.75),
]


def _monet(r, n, s, y):
    cols = torch.stack([r.pick(_MONET, n, 0.08) for _ in range(4)], 1)  # [n, 4, 3]
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


def _photos(r, n, s, y):
    x, yy = _grid(s)
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
    img = _paint(img, _cover(horizon - yy, s), gimg)
    for _ in range(3):  # buildings (tall boxes) or trees (trunk + round canopy) standing on the horizon
        cx, w, h = r.u3(n, -0.9, 0.9), r.u3(n, 0.05, 0.25), r.u3(n, 0.15, 0.7)
        base = horizon + 0.02
        tree = r.u3(n) < 0.5
        col = r.pick([(0.55, 0.5, 0.48), (0.6, 0.3, 0.22), (0.85, 0.85, 0.82), (0.3, 0.3, 0.35)], n, 0.08)
        present = (r.u3(n) < 0.75).float()
        building = _box(x, yy, cx, base - h / 2, w, h / 2)
        canopy = _ellipse(x, yy, cx, base - h, w * 1.6 + 0.05, h * 0.5 + 0.05)
        trunk = _box(x, yy, cx, base - h / 2, 0.03, h / 2)
        d = torch.where(tree, torch.minimum(canopy, trunk), building)
        green = r.pick([(0.12, 0.3, 0.1), (0.25, 0.4, 0.12)], n, 0.05)
        c = torch.where(tree[:, None], green[:, :, None, None], col[:, :, None, None]) * (
            1 + 0.12 * torch.randn(n, 1, s, s, generator=r.g)
        )
        img = _paint(img, _cover(d, s) * present, c)
    return img


# ------------------------------------------------------------------------------------------ cats

_FUR = [
    (0.85, 0.55, 0.25),
    (0.55, 0.55, 0.55),
    (0.15, 0.13, 0.12),
    (0.92, 0.9, 0.86),
    (0.5, 0.35, 0.22),
    (0.9, 0.8, 0.62),
]


def _cats(r, n, s, y):
    x, yy = _grid(s)
    img = r.u(n, 0.15, 0.8, 3)[:, :, None, None] + 0.1 * r.noise(n, 3, 3, 3, s)
    u, v = _local(x, yy, r.u3(n, -0.08, 0.08), r.u3(n, 0.05, 0.18), r.u3(n, -0.2, 0.2), r.u3(n, 0.85, 1.1))
    fur = r.pick(_FUR, n, 0.08)[:, :, None, None] * (1 + 0.12 * r.noise(n, 1, s // 4, s // 4, s))
    tabby = r.u3(n, 0, 0.25)[:, None] * torch.sin(9 * torch.atan2(v + 0.6, u))[:, None]
    fur = fur * (1 - tabby.clamp(min=0))
    ears = torch.minimum(
        _triangle(u, v, [(-0.62, -0.05), (-0.12, -0.45), (-0.55, -0.95)]),
        _triangle(u, v, [(0.62, -0.05), (0.12, -0.45), (0.55, -0.95)]),
    )
    head = torch.minimum(_ellipse(u, v, 0, 0.05, 0.68, 0.56), ears)
    img = _paint(img, _cover(head, s), fur)
    iris = r.pick([(0.45, 0.7, 0.2), (0.85, 0.75, 0.2), (0.8, 0.55, 0.15), (0.4, 0.6, 0.75)], n, 0.05)
    pupil_w = r.u3(n, 0.02, 0.07)
    for sx in (-1, 1):
        img = _paint(img, _cover(_ellipse(u, v, sx * 0.27, -0.02, 0.14, 0.1), s), iris)
        pupil = _ellipse(u, v, sx * 0.27, -0.02, pupil_w, 0.095)
        img = _paint(img, _cover(pupil, s), torch.zeros(n, 3) + 0.03)
    nose = _triangle(u, v, [(-0.08, 0.2), (0.08, 0.2), (0, 0.3)])
    return _paint(img, _cover(nose, s), torch.tensor([[0.85, 0.5, 0.55]]).expand(n, 3))


# ------------------------------------------------------------------------------------------ cars

_PAINT = [
    (0.75, 0.1, 0.1),
    (0.15, 0.25, 0.6),
    (0.92, 0.92, 0.92),
    (0.08, 0.08, 0.1),
    (0.65, 0.67, 0.7),
    (0.9, 0.75, 0.1),
    (0.1, 0.35, 0.2),
]


def _cars(r, n, s, y):
    x, yy = _grid(s)
    sky = r.pick([(0.6, 0.7, 0.85), (0.8, 0.8, 0.78), (0.45, 0.5, 0.45)], n, 0.1)
    road = r.pick([(0.35, 0.35, 0.37), (0.5, 0.48, 0.45)], n, 0.05)
    horizon = r.u3(n, 0.15, 0.4)
    img = _paint(
        sky[:, :, None, None].expand(n, 3, s, s) + 0.05 * r.noise(n, 3, 4, 4, s), _cover(horizon - yy, s), road
    )
    flip = torch.where(r.u3(n) < 0.5, -1.0, 1.0)
    u, v = _local(x, yy, r.u3(n, -0.08, 0.08), r.u3(n, -0.05, 0.1), r.u3(n, -0.05, 0.05), r.u3(n, 0.8, 1.05))
    u = u * flip
    img = _paint(img, _cover(_ellipse(u, v, 0, 0.55, 0.95, 0.07), s, soft=3), torch.zeros(n, 3) + 0.1)
    body_c = r.pick(_PAINT, n, 0.05)[:, :, None, None] * (1.15 - 0.35 * (v[:, None] + 0.3).clamp(0, 1))
    body = torch.minimum(_box(u, v, 0, 0.2, 0.88, 0.19, 0.08), _box(u, v, -0.08, -0.08, 0.48, 0.17, 0.12))
    img = _paint(img, _cover(body, s), body_c)
    glass = torch.maximum(_box(u, v, -0.08, -0.08, 0.4, 0.11, 0.08), 0.03 - (u + 0.05).abs())
    img = _paint(img, _cover(glass, s), r.pick([(0.2, 0.25, 0.32), (0.45, 0.55, 0.65)], n, 0.05))
    for wx in (-0.52, 0.52):
        img = _paint(img, _cover(_ellipse(u, v, wx, 0.4, 0.18, 0.18), s), torch.zeros(n, 3) + 0.05)
        img = _paint(img, _cover(_ellipse(u, v, wx, 0.4, 0.08, 0.08), s), torch.zeros(n, 3) + 0.7)
    return img


# ------------------------------------------------------------------------------------------ celeba

_SKIN = [(0.95, 0.8, 0.7), (0.87, 0.68, 0.55), (0.75, 0.55, 0.42), (0.55, 0.38, 0.28), (0.38, 0.25, 0.18)]
_HAIR = [(0.08, 0.06, 0.05), (0.3, 0.18, 0.1), (0.8, 0.65, 0.35), (0.55, 0.25, 0.1), (0.6, 0.6, 0.6)]


def _celeba(r, n, s, y):
    x, yy = _grid(s)
    img = r.u(n, 0.1, 0.95, 3)[:, :, None, None] + 0.08 * r.noise(n, 3, 2, 2, s)
    u, v = _local(x, yy, r.u3(n, -0.04, 0.04), r.u3(n, -0.03, 0.03), r.u3(n, -0.08, 0.08), r.u3(n, 0.92, 1.05))
    skin = r.pick(_SKIN, n, 0.04)
    hair = r.pick(_HAIR, n, 0.05)
    cloth = r.u(n, 0.05, 0.9, 3)
    img = _paint(img, _cover(_ellipse(u, v, 0, 1.2, 0.95, 0.4), s), cloth)
    img = _paint(img, _cover(_box(u, v, 0, 0.8, 0.2, 0.3), s), skin * 0.85)
    long_hair = r.u3(n, 0.3, 1.0)
    img = _paint(
        img,
        _cover(torch.minimum(_ellipse(u, v, 0, -0.12, 0.6, 0.62), _box(u, v, 0, 0.3, 0.55, long_hair * 0.6)), s),
        hair,
    )
    img = _paint(
        img,
        _cover(_ellipse(u, v, 0, 0.1, 0.42, 0.56), s, soft=1.5),
        skin[:, :, None, None] * (1 - 0.1 * (u.abs() / 0.4)[:, None]),
    )
    for sx in (-1, 1):
        img = _paint(img, _cover(_box(u, v, sx * 0.18, -0.12, 0.1, 0.015, 0.01), s), hair * 0.8)
        img = _paint(img, _cover(_ellipse(u, v, sx * 0.18, -0.02, 0.085, 0.04), s), torch.zeros(n, 3) + 0.92)
        img = _paint(img, _cover(_ellipse(u, v, sx * 0.18, -0.02, 0.035, 0.035), s), torch.zeros(n, 3) + 0.1)
    img = _paint(img, _cover(_ellipse(u, v, 0, 0.16, 0.045, 0.08), s, soft=2), skin * 0.82)
    lips = r.pick([(0.7, 0.3, 0.3), (0.6, 0.35, 0.35), (0.8, 0.4, 0.45)], n, 0.05)
    return _paint(img, _cover(_ellipse(u, v, 0, 0.34, 0.14, 0.04), s), lips)


PAINTERS = {
    "mnist": _mnist,
    "cifar10": _cifar,
    "monet": _monet,
    "monet_photos": _photos,
    "cats64": _cats,
    "cars": _cars,
    "celeba": _celeba,
}


def standin(name: str, n: int, size: int | None = None, split: str = "train", seed: int = 0, labels: bool = False):
    """A deterministic procedural stand-in for dataset ``name``: uint8 [n, C, S, S] (+ int64 labels).

    ``size=None`` uses the real dataset's native size (64 for cars/celeba). Labels (balanced, shuffled)
    exist exactly for the datasets that have them; ``labels=True`` for others raises ValueError.
    """
    spec = get_spec(name)
    if name not in PAINTERS:
        raise ValueError(f"no procedural stand-in for {name!r}; there are: {', '.join(PAINTERS)}")
    if labels and not spec.has_labels:
        raise ValueError(f"dataset {name!r} [{spec.title}] has no labels")
    s = int(size or spec.native_size or spec.default_size)
    r = _Rand(zlib.crc32(f"{name}/{split}/{seed}".encode()))
    y = (torch.arange(n) % 10)[torch.randperm(n, generator=r.g)]  # balanced classes, shuffled
    out = torch.empty(n, spec.channels, s, s, dtype=torch.uint8)
    chunk = max(1, CHUNK_PIXELS // (s * s))
    for i in range(0, n, chunk):
        yc = y[i : i + chunk]
        img = PAINTERS[name](r, len(yc), s, yc)
        out[i : i + chunk] = (img.clamp(0, 1) * 255).round().to(torch.uint8)
    return (out, y) if labels else out  # (painters of unlabeled datasets ignore y)


# --------------------------------------------------------------------- two-domain photo/painting stand-in
# (spec cyclegan_monet §2: used only when the Kaggle Monet data is not staged, and labelled so)


def _scenes(r, n, s):
    """Domain-A scenes: sky gradient, horizon at a random height, a ground/water band of random hue,
    0-3 ellipses (sun or trees), hard edges and slight noise. Floats in [0, 1], [n, 3, s, s]."""
    x, yy = _grid(s)
    horizon = r.u3(n, -0.3, 0.4)
    top, low = r.u(n, 0.1, 0.6, 3), r.u(n, 0.5, 1.0, 3)
    t = ((yy + 1) / 2)[:, None]
    img = top[:, :, None, None] * (1 - t) + low[:, :, None, None] * t
    hue = r.u(n, 0.05, 0.8, 3)[:, :, None, None]
    img = _paint(img, (yy > horizon).float(), hue.expand(n, 3, s, s))
    n_ell = torch.randint(0, 4, (n,), generator=r.g)
    for k in range(3):
        cx, cy = r.u3(n, -0.8, 0.8), r.u3(n, -0.8, 0.6)
        rx, ry = r.u3(n, 0.08, 0.3), r.u3(n, 0.08, 0.3)
        col = r.u(n, 0.0, 1.0, 3)
        present = (n_ell > k).float()[:, None, None]
        img = _paint(img, (_ellipse(x, yy, cx, cy, rx, ry) < 0).float() * present, col)
    return img + 0.02 * torch.randn(n, 3, s, s, generator=r.g)


def _bricks(r, n, s):
    """A brick/checkerboard patch (colour [n, 3, s, s] and coverage [n, s, s]) that never occurs in B."""
    x, yy = _grid(s)
    cx, cy, hw = r.u3(n, -0.5, 0.5), r.u3(n, -0.5, 0.5), r.u3(n, 0.25, 0.45)
    row = torch.floor((yy + 1) * s / 4)
    shift = (row % 2) * 3
    mortar = ((torch.floor((x + 1) * s / 2 + shift) % 6) < 1) | ((torch.floor((yy + 1) * s / 2) % 4) < 1)
    brick = (
        torch.tensor([0.62, 0.22, 0.15])[None, :, None, None] * (1 - mortar.float()[:, None])
        + 0.85 * mortar.float()[:, None]
    )
    cover = (_box(x, yy, cx, cy, hw, hw) < 0).float()
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
    r = _Rand(zlib.crc32(f"two_domain/{seed}".encode()))
    a = _scenes(r, n_a, size)
    has = torch.rand(n_a, generator=r.g) < 0.1
    col, cover = _bricks(r, n_a, size)
    a = _paint(a, cover * has.float()[:, None, None], col).clamp(0, 1)
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

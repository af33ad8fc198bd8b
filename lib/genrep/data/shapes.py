"""Shape drawing for the procedural data: the one home of the pixel grid, the local frame of a shape,
signed distances with antialiased coverage, binary inside tests and alpha compositing.

Used by the stand-ins (:mod:`genrep.data.standins`: signed distances, soft edges), the textured shapes
(:mod:`genrep.data.scenes`) and dSprites (:mod:`genrep.data.dsprites`: binary inside tests). Pure torch,
CPU; a shape's local coordinates are ``u`` (along its rotated x axis) and ``v`` (y, pointing down).
"""

from __future__ import annotations

import math

import torch

# ------------------------------------------------------------------------------------------ frames


def pixel_grid(s: int, per_unit: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Pixel-centre coordinates (x, y) [s, s] of an s × s grid, ``per_unit`` pixels per unit (y down)."""
    t = (torch.arange(s, dtype=torch.float32) + 0.5) / per_unit
    y, x = torch.meshgrid(t, t, indexing="ij")
    return x, y


def rotate(dx, dy, ang):
    """Offsets (dx, dy) in the frame rotated by ``ang`` (radians, a float or a broadcastable tensor)."""
    c, s = (torch.cos(ang), torch.sin(ang)) if torch.is_tensor(ang) else (math.cos(ang), math.sin(ang))
    return c * dx + s * dy, -s * dx + c * dy


# -------------------------------------------------------------------- signed distances (< 0 inside)


def ellipse_sdf(x, y, cx, cy, rx, ry):
    """Approximate signed distance to an axis-aligned ellipse."""
    r = torch.sqrt(((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2)
    return (r - 1) * torch.minimum(torch.as_tensor(rx), torch.as_tensor(ry))


def box_sdf(x, y, cx, cy, hx, hy, r=0.0):
    """Signed distance to a box of half-sizes (hx, hy) with corner radius r."""
    qx, qy = (x - cx).abs() - hx + r, (y - cy).abs() - hy + r
    outside = torch.sqrt(qx.clamp(min=0) ** 2 + qy.clamp(min=0) ** 2)
    return outside + torch.maximum(qx, qy).clamp(max=0) - r


def triangle_sdf(x, y, pts):
    """Signed distance (approximate outside) to a triangle with vertices pts = [(x, y)] * 3."""
    (x0, y0), (x1, y1), (x2, y2) = pts
    orient = 1.0 if (x1 - x0) * (y2 - y0) - (y1 - y0) * (x2 - x0) > 0 else -1.0
    d = None
    for (ax, ay), (bx, by) in (((x0, y0), (x1, y1)), ((x1, y1), (x2, y2)), ((x2, y2), (x0, y0))):
        ex, ey = bx - ax, by - ay
        e = -orient * (ex * (y - ay) - ey * (x - ax)) / math.hypot(ex, ey)
        d = e if d is None else torch.maximum(d, e)
    return d


def cover(d, s, soft=1.0):
    """Antialiased coverage of a shape from its signed distance d (< 0 inside), about `soft` pixels wide,
    on a grid of s pixels per 2 units (the stand-ins' [-1, 1] square)."""
    return (0.5 - d * s / (2 * soft)).clamp(0, 1)


# ------------------------------------------------------------------------------ binary inside tests


def square_in(u, v, half):
    """Inside an axis-aligned square of half-size ``half``."""
    return (u.abs() <= half) & (v.abs() <= half)


def ellipse_in(u, v, ry):
    """Inside an ellipse of radii (1, ry)."""
    return u**2 + (v / ry) ** 2 <= 1


def heart_in(u, v):
    """Inside a heart of about unit size, point down: (x² + y² − 1)³ − x² y³ ≤ 0."""
    hx, hy = u / 0.95, -v / 0.95 + 0.25
    return (hx**2 + hy**2 - 1) ** 3 - hx**2 * hy**3 <= 0


def triangle_in(u, v):
    """Inside an upright isosceles triangle (apex at v = −0.9, base at v = 0.6)."""
    return (v <= 0.6) & (u.abs() <= (v + 0.9) * 0.6)


def star_in(u, v):
    """Inside a five-pointed star."""
    return torch.sqrt(u**2 + v**2) <= 0.55 + 0.35 * torch.cos(5 * torch.atan2(v, u))


# ------------------------------------------------------------------------------------- compositing


def paint(img, m, color):
    """Alpha-composite a colour ([n, 3] or [n, 3, s, s]) over img [n, 3, s, s] with coverage m [n, s, s]."""
    if color.dim() == 2:
        color = color[:, :, None, None]
    m = m[:, None]
    return img * (1 - m) + color * m

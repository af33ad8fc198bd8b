"""Image transformations T_t of Ch. 4, each returning (image, mask of defined pixels), images in [-1, 1].

* ``translate(x, dx, dy)``: shift by round(d·size) pixels, zero fill (the code's choice), mask 0 there.
* ``zoom(x, s)``: scale by (1 + s) about the centre (the code's crop/pad to size/(1+s) and resize back);
  zooming out leaves an undefined border (mask 0).
* ``brightness(x, b)``: clip(x + b, −1, 1), everywhere defined.
``t`` may be a float or a per-example tensor [B]."""

from __future__ import annotations

import torch
import torch.nn.functional as F

TRANSFORMS = ("x", "y", "scale", "brightness")


def _per(t, x):
    return torch.as_tensor(t, dtype=x.dtype, device=x.device).expand(len(x)).reshape(-1)


def _affine(x, theta, mode):
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    out = F.grid_sample(x, grid, mode=mode, padding_mode="zeros", align_corners=False)
    ones = torch.ones(len(x), 1, *x.shape[2:], device=x.device, dtype=x.dtype)
    mask = F.grid_sample(ones, grid, mode="nearest", padding_mode="zeros", align_corners=False)
    return out, mask


def translate(x: torch.Tensor, dx=0.0, dy=0.0):
    size = x.shape[-1]
    px, py = torch.round(_per(dx, x) * size), torch.round(_per(dy, x) * size)
    theta = torch.zeros(len(x), 2, 3, dtype=x.dtype, device=x.device)
    theta[:, 0, 0] = theta[:, 1, 1] = 1
    theta[:, 0, 2], theta[:, 1, 2] = -2 * px / size, -2 * py / x.shape[-2]
    return _affine(x, theta, "nearest")


def zoom(x: torch.Tensor, s=0.0):
    k = 1 / (1 + _per(s, x))
    theta = torch.zeros(len(x), 2, 3, dtype=x.dtype, device=x.device)
    theta[:, 0, 0] = theta[:, 1, 1] = k
    return _affine(x, theta, "bilinear")


def brightness(x: torch.Tensor, b=0.0):
    return (x + _per(b, x)[:, None, None, None]).clamp(-1, 1), torch.ones_like(x[:, :1])


def transform(kind: str, x: torch.Tensor, t):
    """Apply transformation ``kind`` ∈ TRANSFORMS with parameter ``t``."""
    if kind == "x":
        return translate(x, dx=t)
    if kind == "y":
        return translate(x, dy=t)
    if kind == "scale":
        return zoom(x, t)
    if kind == "brightness":
        return brightness(x, t)
    raise ValueError(f"unknown transformation {kind!r}; valid: {', '.join(TRANSFORMS)}")

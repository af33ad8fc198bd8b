"""Image disturbances in the spirit of Heusel et al. (2017), Fig. 3 and Appendix: a distance used to
judge generative models should grow as a clean image set is disturbed more and more.

Every function maps uint8 images [N, C, H, W] to uint8 images of the same shape, with a strength
``level`` (0 = untouched) and a ``torch.Generator`` for the random parts, so a study is reproducible.
The levels in :data:`DISTURBANCES` are this book's choice, four per kind like the paper's figure; the
paper's exact parameterisation is not reproduced (named in the metrics chapter's errata).
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from genrep.data.batching import to_uint8


def _f(x: torch.Tensor) -> torch.Tensor:
    return x.float() / 255.0


def gaussian_noise(x, level: float, gen: torch.Generator | None = None):
    """(1 − α)·X + α·N, with N Gaussian noise rescaled to the pixel range per image (Heusel et al.)."""
    if level <= 0:
        return x.clone()
    n = torch.randn(x.shape, generator=gen)
    lo = n.amin(dim=(1, 2, 3), keepdim=True)
    hi = n.amax(dim=(1, 2, 3), keepdim=True)
    n = (n - lo) / (hi - lo)
    return to_uint8((1 - level) * _f(x) + level * n, (0, 1))


def gaussian_blur(x, level: float, gen: torch.Generator | None = None):
    """Convolution with a Gaussian kernel of standard deviation ``level`` pixels (reflect padding)."""
    if level <= 0:
        return x.clone()
    r = max(1, math.ceil(3 * level))
    t = torch.arange(-r, r + 1, dtype=torch.float32)
    k = torch.exp(-0.5 * (t / level) ** 2)
    k = k / k.sum()
    c = x.shape[1]
    y = _f(x)
    pad = min(r, x.shape[-1] - 1)
    if pad < r:  # kernel wider than the image: reflect as far as possible, then replicate
        y = F.pad(y, (pad, pad, pad, pad), mode="reflect")
        y = F.pad(y, (r - pad,) * 4, mode="replicate")
    else:
        y = F.pad(y, (r, r, r, r), mode="reflect")
    y = F.conv2d(y, k.view(1, 1, 1, -1).repeat(c, 1, 1, 1), groups=c)
    y = F.conv2d(y, k.view(1, 1, -1, 1).repeat(c, 1, 1, 1), groups=c)
    return to_uint8(y, (0, 1))


def black_rectangles(x, level: float, gen: torch.Generator | None = None, count: int = 5):
    """``count`` black rectangles at random positions; each side is ``level`` × half the image side."""
    if level <= 0:
        return x.clone()
    n, _, h, w = x.shape
    y = x.clone()
    rh, rw = max(1, round(level * h / 2)), max(1, round(level * w / 2))
    top = torch.randint(0, h - rh + 1, (n, count), generator=gen)
    left = torch.randint(0, w - rw + 1, (n, count), generator=gen)
    rows = torch.arange(h).view(1, 1, h, 1)
    cols = torch.arange(w).view(1, 1, 1, w)
    t, lft = top.view(n, count, 1, 1), left.view(n, count, 1, 1)
    mask = ((rows >= t) & (rows < t + rh) & (cols >= lft) & (cols < lft + rw)).any(dim=1, keepdim=True)
    return y.masked_fill(mask, 0)


def swirl(x, level: float, gen: torch.Generator | None = None, radius: float = 1.0):
    """Rotate each pixel about the centre by ``level`` · exp(−r / (radius·ln 2)) radians: a swirl whose
    strength decays with the distance r from the centre (r and radius in units of half the image side)."""
    if level <= 0:
        return x.clone()
    n, _, h, w = x.shape
    ys, xs = torch.meshgrid(torch.linspace(-1, 1, h), torch.linspace(-1, 1, w), indexing="ij")
    r = torch.sqrt(xs**2 + ys**2)
    theta = torch.atan2(ys, xs) + level * torch.exp(-r / (radius * math.log(2)))
    grid = torch.stack([r * torch.cos(theta), r * torch.sin(theta)], dim=-1).unsqueeze(0).expand(n, h, w, 2)
    y = F.grid_sample(_f(x), grid, mode="bilinear", padding_mode="reflection", align_corners=True)
    return to_uint8(y, (0, 1))


def salt_and_pepper(x, level: float, gen: torch.Generator | None = None):
    """A fraction ``level`` of the pixels set to black or white (all channels), half each."""
    if level <= 0:
        return x.clone()
    n, _, h, w = x.shape
    u = torch.rand((n, 1, h, w), generator=gen)
    salt = torch.rand((n, 1, h, w), generator=gen) < 0.5
    y = x.clone()
    y = y.masked_fill((u < level) & salt, 255)
    return y.masked_fill((u < level) & ~salt, 0)


def contamination(x, level: float, gen: torch.Generator | None = None, other: torch.Tensor | None = None):
    """Replace a fraction ``level`` of the images by images of another dataset (resized to match)."""
    if level <= 0:
        return x.clone()
    if other is None:
        raise ValueError("contamination needs `other`: images of another dataset")
    n = x.shape[0]
    k = int(round(level * n))
    if other.shape[0] < k:
        raise ValueError(f"contamination at level {level} needs {k} other images, got {other.shape[0]}")
    other = _match(other, x)
    idx = torch.randperm(n, generator=gen)[:k]
    pick = torch.randperm(other.shape[0], generator=gen)[:k]
    y = x.clone()
    y[idx] = other[pick]
    return y


def mode_dropping(x, level: float, gen: torch.Generator | None = None, labels: torch.Tensor | None = None):
    """Drop a fraction ``level`` of the classes and refill their places with images of the kept classes
    (the set keeps its size; its diversity shrinks) — the failure FID is meant to catch."""
    if level <= 0:
        return x.clone()
    if labels is None:
        raise ValueError("mode_dropping needs the class labels")
    classes = labels.unique()
    n_drop = int(round(level * len(classes)))
    dropped = classes[torch.randperm(len(classes), generator=gen)[:n_drop]]
    keep = ~torch.isin(labels, dropped)
    kept_idx = keep.nonzero().flatten()
    fill = kept_idx[torch.randint(0, len(kept_idx), (int((~keep).sum()),), generator=gen)]
    y = x.clone()
    y[~keep] = x[fill]
    return y


def _match(other: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    if other.shape[1] != x.shape[1]:
        other = (
            other.expand(-1, x.shape[1], -1, -1)
            if other.shape[1] == 1
            else to_uint8(other.float().mean(1, keepdim=True), (0, 255))
        )
    if other.shape[-2:] != x.shape[-2:]:
        other = to_uint8(
            F.interpolate(_f(other), size=x.shape[-2:], mode="bilinear", antialias=True, align_corners=False), (0, 1)
        )
    return other


@dataclass(frozen=True)
class Disturbance:
    name: str
    fn: Callable
    levels: tuple
    label: str
    needs: str | None = None  # "other" (another dataset) or "labels"


DISTURBANCES: dict[str, Disturbance] = {
    d.name: d
    for d in [
        Disturbance("gaussian_noise", gaussian_noise, (0.0, 0.25, 0.5, 0.75), "Gaussian noise (mixing weight α)"),
        Disturbance("gaussian_blur", gaussian_blur, (0.0, 1.0, 2.0, 4.0), "Gaussian blur (σ in pixels)"),
        Disturbance(
            "black_rectangles", black_rectangles, (0.0, 0.25, 0.5, 0.75), "black rectangles (side / half image side)"
        ),
        Disturbance("swirl", swirl, (0.0, 1.0, 2.0, 4.0), "swirl (strength)"),
        Disturbance("salt_and_pepper", salt_and_pepper, (0.0, 0.1, 0.2, 0.3), "salt and pepper (pixel fraction)"),
        Disturbance(
            "contamination",
            contamination,
            (0.0, 0.25, 0.5, 0.75),
            "contamination by another dataset (image fraction)",
            needs="other",
        ),
        Disturbance(
            "mode_dropping", mode_dropping, (0.0, 0.2, 0.4, 0.6), "mode dropping (class fraction)", needs="labels"
        ),
    ]
}


def jpeg_roundtrip(x: torch.Tensor, quality: int = 75) -> torch.Tensor:
    """Encode each uint8 image [N, C, H, W] as JPEG at ``quality`` (PIL, 4:2:0 subsampling) and decode it:
    what one more lossy save does to a set (the CIFAR-10 mirror here is already JPEG q75)."""
    import io

    import numpy as np
    from PIL import Image

    out = torch.empty_like(x)
    for i, im in enumerate(x):
        arr = im.permute(1, 2, 0).numpy()
        pil = Image.fromarray(arr[..., 0] if arr.shape[2] == 1 else arr)
        buf = io.BytesIO()
        pil.save(buf, format="JPEG", quality=quality)
        dec = np.asarray(Image.open(io.BytesIO(buf.getvalue())))
        out[i] = torch.from_numpy(dec.reshape(arr.shape).copy()).permute(2, 0, 1)
    return out


def disturb(x, name: str, level: float, seed: int = 0, other=None, labels=None) -> torch.Tensor:
    """Apply disturbance ``name`` at ``level`` with a generator seeded from (seed, name, level)."""
    if name not in DISTURBANCES:
        raise ValueError(f"unknown disturbance {name!r}; valid: {', '.join(DISTURBANCES)}")
    d = DISTURBANCES[name]
    gen = torch.Generator().manual_seed(zlib.crc32(f"{seed}/{name}/{float(level)}".encode()))
    kw = {"other": other} if d.needs == "other" else {"labels": labels} if d.needs == "labels" else {}
    return d.fn(x, level, gen, **kw)

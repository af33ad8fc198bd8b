"""Reconstruction losses for GAN inversion (Plumerault 2023, §4.2; spec §3.5).

All take image batches in [-1, 1] and return a per-example loss [B]; ``mask`` [B or 1, 1, H, W] marks
the pixels a transformation leaves defined (others are ignored):

* ``mse``: mean squared error.
* ``dssim``: (1 − SSIM) / 2 (Wang et al. 2004; 11×11 Gaussian window, σ = 1.5, data range 2).
* ``blurred_mse`` (Eq. 4.5): ‖(I1 − I2) ∗ g_σ‖², the MSE of Gaussian-blurred differences. Ours (the
  default, ``mode="ours"``): the difference is masked *before* blurring (undefined pixels contribute
  nothing), blurred with a depthwise kernel of size round(6σ) sampled at integer pixel offsets with value
  exp(−r²/2σ²)/(√(2π)σ) (a global scale only) and 'same' zero padding, and each example is normalised by
  its own mask mean: mean(e²·mask) / mean(mask).
* ``blurred_mse(..., mode="code")`` (loss name ``blur_mse_code``), the released code's variant as the
  chapter's errata describe it: the *unmasked* difference is blurred (pixels outside the mask leak into
  the kept ones), the kernel is sampled on a grid of step size/(size − 1) px (``grid="code"``), which
  narrows it to an effective σ·(size − 1)/size (2.83 px for σ = 3), and every example is divided by the
  batch-mean mask instead of its own.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

LOSSES = ("mse", "dssim", "blur_mse", "blur_mse_code")
BLUR_MODES = ("ours", "code")


def gaussian_kernel(
    sigma: float, size: int | None = None, normalise: bool = False, grid: str = "pixels"
) -> torch.Tensor:
    """A 2-D Gaussian kernel [size, size] (default size round(6σ), the code's choice).

    ``grid="pixels"`` samples it at integer pixel offsets from the centre; ``grid="code"`` at ``size``
    points spread over [−size/2, size/2] (step size/(size − 1) px), which shrinks the effective σ in
    pixels by (size − 1)/size."""
    size = int(size or max(1, round(6 * sigma)))
    if grid == "pixels":
        r = torch.arange(size, dtype=torch.float32) - (size - 1) / 2
    elif grid == "code":
        r = torch.linspace(-size / 2, size / 2, size) if size > 1 else torch.zeros(1)
    else:
        raise ValueError(f"unknown kernel grid {grid!r}; valid: pixels, code")
    k1 = torch.exp(-(r**2) / (2 * sigma**2))
    k = k1[:, None] * k1[None, :] / (math.sqrt(2 * math.pi) * sigma)
    return k / k.sum() if normalise else k


def blur(x: torch.Tensor, sigma: float, grid: str = "pixels") -> torch.Tensor:
    c = x.shape[1]
    k = gaussian_kernel(sigma, grid=grid).to(x)[None, None].expand(c, 1, -1, -1)
    return F.conv2d(x, k, padding="same", groups=c)


def _masked_mean(e2: torch.Tensor, mask) -> torch.Tensor:
    if mask is None:
        return e2.flatten(1).mean(1)
    m = mask.to(e2).expand_as(e2)
    return (e2 * m).flatten(1).mean(1) / m.flatten(1).mean(1).clamp_min(1e-8)


def mse(a, b, mask=None, **_):
    return _masked_mean((a - b) ** 2, mask)


def blurred_mse(a, b, mask=None, sigma: float = 3.0, mode: str = "ours", **_):
    """Eq. 4.5 per example; ``mode`` "ours" (mask, blur, per-example mean) or "code" (see the module doc)."""
    d = a - b
    if mode == "ours":
        if mask is not None:
            d = d * mask.to(d)
        return _masked_mean(blur(d, sigma) ** 2, mask)
    if mode != "code":
        raise ValueError(f"unknown blurred-MSE mode {mode!r}; valid: {', '.join(BLUR_MODES)}")
    e2 = blur(d, sigma, grid="code") ** 2
    if mask is None:
        return e2.flatten(1).mean(1)
    m = mask.to(e2).expand_as(e2)
    return (e2 * m).flatten(1).mean(1) / m.mean().clamp_min(1e-8)


def dssim(a, b, mask=None, window: int = 11, win_sigma: float = 1.5, data_range: float = 2.0, **_):
    c = a.shape[1]
    k = gaussian_kernel(win_sigma, window, normalise=True).to(a)[None, None].expand(c, 1, -1, -1)

    def f(t):
        return F.conv2d(t, k, padding="same", groups=c)

    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
    mu_a, mu_b = f(a), f(b)
    saa, sbb, sab = f(a * a) - mu_a**2, f(b * b) - mu_b**2, f(a * b) - mu_a * mu_b
    ssim = ((2 * mu_a * mu_b + c1) * (2 * sab + c2)) / ((mu_a**2 + mu_b**2 + c1) * (saa + sbb + c2))
    return _masked_mean((1 - ssim) / 2, mask)


def recon_loss(kind: str, a, b, mask=None, sigma: float = 3.0):
    """Dispatch on ``kind`` ∈ LOSSES."""
    if kind == "mse":
        return mse(a, b, mask)
    if kind == "dssim":
        return dssim(a, b, mask)
    if kind == "blur_mse":
        return blurred_mse(a, b, mask, sigma=sigma)
    if kind == "blur_mse_code":
        return blurred_mse(a, b, mask, sigma=sigma, mode="code")
    raise ValueError(f"unknown reconstruction loss {kind!r}; valid: {', '.join(LOSSES)}")

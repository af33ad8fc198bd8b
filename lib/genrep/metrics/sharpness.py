"""Sharpness of uint8 images, measured on the grey level (spec rectified_flow_cars §7, M5).

* ``laplacian_variance``: per image, the variance of the 3×3 Laplacian (valid region).
* ``high_freq_energy``: per image, the share of the mean-removed power spectrum above a quarter of the
  sampling rate.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F


def _grey(images) -> torch.Tensor:
    x = torch.as_tensor(images)
    x = x.float() / 255 if x.dtype == torch.uint8 else x.float()
    return (0.299 * x[:, 0] + 0.587 * x[:, 1] + 0.114 * x[:, 2])[:, None] if x.shape[1] == 3 else x


def laplacian_variance(images, chunk: int = 1024) -> np.ndarray:
    """Per image: variance of the 3×3 Laplacian of the grey image (valid region)."""
    k = torch.tensor([[0.0, 1, 0], [1, -4, 1], [0, 1, 0]]).view(1, 1, 3, 3)
    return torch.cat(
        [F.conv2d(_grey(images[i : i + chunk]), k).flatten(1).var(1) for i in range(0, len(images), chunk)]
    ).numpy()


def high_freq_energy(images, chunk: int = 1024) -> np.ndarray:
    """Per image: share of the (mean-removed) grey power spectrum above a quarter of the sampling rate."""
    out = []
    for i in range(0, len(images), chunk):
        g = _grey(images[i : i + chunk])[:, 0]
        g = g - g.mean((1, 2), keepdim=True)
        p = torch.fft.fft2(g).abs().pow(2)
        fy = torch.fft.fftfreq(g.shape[1]).abs()[:, None]
        fx = torch.fft.fftfreq(g.shape[2]).abs()[None]
        high = (torch.sqrt(fy**2 + fx**2) > 0.25).float()
        out.append((p * high).sum((1, 2)) / p.sum((1, 2)).clamp_min(1e-12))
    return torch.cat(out).numpy()

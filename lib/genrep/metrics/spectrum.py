"""Radially averaged power spectra and the high-frequency power ratio (a texture diagnostic).

``hf_power_ratio(recon, data)`` = (mean power of ``recon`` in the top ``band`` of radial frequencies) /
(the same for ``data``): well below 1 for blurry (texture-less) reconstructions, about 1 when the
high-frequency content is kept. Not in the thesis; the spec proposes it (§7) to test its claim that VAE
reconstructions lose texture, without pretrained networks."""

from __future__ import annotations

import torch


def radial_power(x: torch.Tensor, n_bins: int | None = None) -> torch.Tensor:
    """Images [N, C, H, W] (float) → mean power per radial frequency bin [n_bins] (DC removed)."""
    x = x.float()
    x = x - x.mean((2, 3), keepdim=True)
    p = torch.fft.fftshift(torch.fft.fft2(x).abs() ** 2, dim=(-2, -1)).mean((0, 1))
    h, w = p.shape
    yy, xx = torch.meshgrid(torch.arange(h) - h // 2, torch.arange(w) - w // 2, indexing="ij")
    r = torch.sqrt(yy.float() ** 2 + xx.float() ** 2)
    n_bins = n_bins or min(h, w) // 2
    idx = torch.clamp((r / (min(h, w) / 2) * n_bins).long(), max=n_bins - 1)
    tot = torch.zeros(n_bins).index_add_(0, idx.flatten(), p.flatten().cpu())
    cnt = torch.zeros(n_bins).index_add_(0, idx.flatten(), torch.ones(idx.numel()))
    return tot / cnt.clamp_min(1)


def hf_power_ratio(recon: torch.Tensor, data: torch.Tensor, band: float = 0.5) -> float:
    pr, pd = radial_power(recon), radial_power(data)
    k = int(len(pr) * (1 - band))
    return float(pr[k:].sum() / pd[k:].sum().clamp_min(1e-12))

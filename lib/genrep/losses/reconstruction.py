"""Reconstruction losses of CycleGAN (Zhu et al. 2017) and "Better Cycles" (Wang & Lin, ref. [11] of
the Monet paper; spec cyclegan_monet §3.4).

* ``cycle_l1(real, recon)`` and ``identity_l1(real, same)``: mean absolute error (per image with
  ``reduction="none"``).
* ``better_cycle_loss(real, recon, features, gamma)``: γ·L1(real, recon) + (1−γ)·L1(F_D(real), F_D(recon)),
  the paper's Eq. 3.2 (γ weights the pixel term; ref. [11] uses the opposite convention and schedules
  it). ``features`` is a block clipped from the discriminator of the image's domain, e.g.
  ``lambda x: D.features(x, 3)``; the real image's features are detached.
"""

from __future__ import annotations

from collections.abc import Callable

import torch


def _l1(a: torch.Tensor, b: torch.Tensor, reduction: str) -> torch.Tensor:
    per = (a - b).abs().flatten(1).mean(1)
    return per if reduction == "none" else per.mean()


def cycle_l1(real: torch.Tensor, recon: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
    return _l1(real, recon, reduction)


def identity_l1(real: torch.Tensor, same: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
    return _l1(real, same, reduction)


def better_cycle_loss(
    real: torch.Tensor, recon: torch.Tensor, features: Callable, gamma: float = 0.5, reduction: str = "mean"
) -> torch.Tensor:
    if not 0.0 <= gamma <= 1.0:
        raise ValueError(f"bc_gamma must be in [0, 1], got {gamma}")
    with torch.no_grad():
        f_real = features(real)
    f_recon = features(recon)
    return gamma * _l1(real, recon, reduction) + (1 - gamma) * _l1(f_real, f_recon, reduction)

"""Top-k training of GAN generators (Sinha et al. 2020, "Top-k Training of GANs"; ref. [14] of the
Monet paper; spec cyclegan_monet §3.4).

Per batch, only the k generated images the critic finds most realistic (lowest generator adversarial
loss) contribute to the generator's adversarial gradient. k starts at the batch size B, stays there
until ``start_epoch``, then decays as ``k = max(⌈ν·B⌉, ⌊γ^(epoch − start_epoch)·B⌋)``; the paper's floor
is ν = 0.75 ("0.75% of the batch size", which can only mean 75 %). At B = 1 top-k is meaningless.
"""

from __future__ import annotations

import math

import torch


def topk_k(batch_size: int, epoch: float, start_epoch: float = 1, gamma: float = 0.99, nu: float = 0.75) -> int:
    """How many samples of a batch of ``batch_size`` to keep at (fractional or integer) ``epoch``."""
    if not 0 < nu <= 1 or not 0 < gamma <= 1:
        raise ValueError(f"topk_nu must be in (0, 1] and topk_gamma in (0, 1]; got {nu}, {gamma}")
    if epoch < start_epoch:
        return batch_size
    e = math.floor(epoch) - start_epoch
    return max(math.ceil(nu * batch_size), math.floor(gamma**e * batch_size + 1e-9), 1)


def topk_mean(per_sample: torch.Tensor, k: int) -> torch.Tensor:
    """Mean of the ``k`` smallest entries of a per-sample loss vector (all of them when k ≥ len)."""
    if k >= per_sample.numel():
        return per_sample.mean()
    return torch.topk(per_sample, k, largest=False).values.mean()

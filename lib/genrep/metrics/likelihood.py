"""Bits per dimension for likelihood models (flows, VAEs, diffusion VLB).

    bpd = NLL_nats_per_image / (D · ln 2)

Discretisation convention. Images are integers x in {0, ..., 2^b - 1}^D. A continuous density p on
y = (x + u) / 2^b · w + c, with u ~ U[0,1)^D (uniform dequantisation, Theis et al. 2016; Dinh et al.
2017) and y in an interval of width w (w = 1 for [0, 1], w = 2 for [-1, 1]), bounds the discrete
likelihood: log P(x) >= E_u[log p(y)] - D · ln(2^b / w). So the discrete NLL in nats is

    nll_discrete = nll_continuous + dequantized_nll_offset(D, b, w),  offset = D · ln(2^b / w)

and for 8-bit data in [0, 1]:  bpd = (nll_continuous + D ln 256) / (D ln 2) = nll_continuous/(D ln 2) + 8.
"""

from __future__ import annotations

import math

import numpy as np
import torch


def bits_per_dim(nll_nats_per_image, num_dims: int) -> float:
    """NLL in nats per image (a number, or an array/tensor of per-image NLLs, averaged) -> bits/dim."""
    if isinstance(nll_nats_per_image, torch.Tensor):
        nll = nll_nats_per_image.detach().double().mean().item()
    else:
        nll = float(np.mean(nll_nats_per_image))
    return nll / (num_dims * math.log(2))


def dequantized_nll_offset(num_dims: int, num_bits: int = 8, data_width: float = 1.0) -> float:
    """Nats to ADD to a continuous NLL of data scaled to an interval of width ``data_width`` to get the
    discrete NLL of ``num_bits``-bit data: D · ln(2^num_bits / data_width)."""
    return num_dims * (num_bits * math.log(2) - math.log(data_width))


def bits_per_dim_dequantized(nll_continuous_nats, num_dims: int, num_bits: int = 8, data_width: float = 1.0) -> float:
    """bits/dim of the discrete data from the continuous NLL of uniformly dequantised, rescaled data."""
    nll = bits_per_dim(nll_continuous_nats, num_dims) * num_dims * math.log(2)
    return bits_per_dim(nll + dequantized_nll_offset(num_dims, num_bits, data_width), num_dims)

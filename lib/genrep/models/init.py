"""The DCGAN-style weight init shared by the GANs, the AVAE family and the pix2pix / CycleGAN networks."""

from __future__ import annotations

import torch
from torch import nn

_WEIGHTS = (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)
_NORMS = (nn.BatchNorm1d, nn.BatchNorm2d, nn.InstanceNorm2d)


@torch.no_grad()
def init_normal(module: nn.Module, std: float = 0.02) -> nn.Module:
    """Convolution and linear weights ~ N(0, std), their biases 0; BatchNorm / affine InstanceNorm scales
    ~ N(1, std), shifts 0 (Radford et al. 2016; pix2pix). Walks ``module.modules()`` in order, drawing
    from the global RNG; returns the module. ``net.apply(init_normal)`` re-runs it on every submodule
    (the DCGAN tutorial's call, kept by chapter dcgan_vae_cats)."""
    for m in module.modules():
        if isinstance(m, _WEIGHTS):
            nn.init.normal_(m.weight, 0.0, std)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, _NORMS) and m.weight is not None:
            nn.init.normal_(m.weight, 1.0, std)
            nn.init.zeros_(m.bias)
    return module

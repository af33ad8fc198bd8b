"""A small fully convolutional saliency (object-mask) network, trained on the procedural ground-truth
masks of the textured-shapes stand-in. It replaces the DSS saliency model (Hou et al. 2016) that the
thesis uses to measure position and scale of BigGAN objects (§4.4.1); ``measure_factors`` turns its
masks into the thesis's measurements."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from genrep.data.dsprites import barycentre


class SaliencyNet(nn.Module):
    def __init__(self, width: int = 16, channels: int = 3):
        super().__init__()
        layers, c = [], channels
        for d in (1, 2, 4, 8, 1):
            layers += [nn.Conv2d(c, width, 3, padding=d, dilation=d), nn.BatchNorm2d(width), nn.ReLU()]
            c = width
        self.net = nn.Sequential(*layers, nn.Conv2d(width, 1, 1))

    def forward(self, x):
        """x in [-1, 1] → mask logits [B, 1, H, W]."""
        return self.net(x)

    def loss(self, x, mask):
        return F.binary_cross_entropy_with_logits(self(x), mask)


@torch.no_grad()
def measure_factors(images: torch.Tensor, sal: SaliencyNet | None = None, min_saliency: float = 0.02) -> dict:
    """Position (barycentre of the saliency mask, in [-0.5, 0.5]), scale (mean saliency) and brightness
    (mean intensity in [0, 1]) of images in [-1, 1]; ``valid`` drops images whose mean saliency ≤ 0.02
    (the code's rule). Without ``sal`` the image itself (binary sprites) is the mask."""

    m = torch.sigmoid(sal(images)) if sal is not None else (images + 1) / 2
    bx, by, frac = barycentre(m)
    return {
        "x": bx,
        "y": by,
        "scale": frac,
        "brightness": ((images + 1) / 2).mean((1, 2, 3)),
        "valid": frac > min_saliency,
    }

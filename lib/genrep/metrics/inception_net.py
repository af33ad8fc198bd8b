"""The network of FID: torchvision's Inception3 with pytorch-fid's four patched blocks (see
:mod:`genrep.metrics.inception` for where the weights come from and how they are checked).

A, C and E_1 average-pool with ``count_include_pad=False``; the last block (E_2) max-pools in its pool branch.
Kept apart from :mod:`genrep.metrics.inception` so that importing the metrics does not import torchvision.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torchvision.models.inception import Inception3, InceptionA, InceptionC, InceptionE

from genrep.metrics.inception import FEATURE_DIMS


def _avg(x):
    return F.avg_pool2d(x, kernel_size=3, stride=1, padding=1, count_include_pad=False)


class FIDInceptionA(InceptionA):
    def forward(self, x):
        b5 = self.branch5x5_2(self.branch5x5_1(x))
        b3 = self.branch3x3dbl_3(self.branch3x3dbl_2(self.branch3x3dbl_1(x)))
        return torch.cat([self.branch1x1(x), b5, b3, self.branch_pool(_avg(x))], 1)


class FIDInceptionC(InceptionC):
    def forward(self, x):
        b7 = self.branch7x7_3(self.branch7x7_2(self.branch7x7_1(x)))
        bd = x
        for m in (
            self.branch7x7dbl_1,
            self.branch7x7dbl_2,
            self.branch7x7dbl_3,
            self.branch7x7dbl_4,
            self.branch7x7dbl_5,
        ):
            bd = m(bd)
        return torch.cat([self.branch1x1(x), b7, bd, self.branch_pool(_avg(x))], 1)


class FIDInceptionE(InceptionE):
    """E_1 (``max_pool=False``: avg pool without padding counts) or E_2 (``max_pool=True``)."""

    def __init__(self, in_channels, max_pool=False):
        super().__init__(in_channels)
        self.max_pool = max_pool

    def forward(self, x):
        b3 = self.branch3x3_1(x)
        b3 = torch.cat([self.branch3x3_2a(b3), self.branch3x3_2b(b3)], 1)
        bd = self.branch3x3dbl_2(self.branch3x3dbl_1(x))
        bd = torch.cat([self.branch3x3dbl_3a(bd), self.branch3x3dbl_3b(bd)], 1)
        pool = F.max_pool2d(x, kernel_size=3, stride=1, padding=1) if self.max_pool else _avg(x)
        return torch.cat([self.branch1x1(x), b3, bd, self.branch_pool(pool)], 1)


class FIDInceptionV3(Inception3):
    """pytorch-fid's InceptionV3; ``forward(x)`` takes images already resized to 299 and scaled to
    [-1, 1] and returns the 2048-d pool3 features [N, 2048]."""

    def __init__(self):
        super().__init__(num_classes=1008, aux_logits=False, transform_input=False, init_weights=False)
        self.Mixed_5b = FIDInceptionA(192, pool_features=32)
        self.Mixed_5c = FIDInceptionA(256, pool_features=64)
        self.Mixed_5d = FIDInceptionA(288, pool_features=64)
        self.Mixed_6b = FIDInceptionC(768, channels_7x7=128)
        self.Mixed_6c = FIDInceptionC(768, channels_7x7=160)
        self.Mixed_6d = FIDInceptionC(768, channels_7x7=160)
        self.Mixed_6e = FIDInceptionC(768, channels_7x7=192)
        self.Mixed_7b = FIDInceptionE(1280, max_pool=False)
        self.Mixed_7c = FIDInceptionE(2048, max_pool=True)
        del self.fc  # FID uses the pool features; the 1008-way classifier is never evaluated

    _BLOCKS = (
        ("Conv2d_1a_3x3", "Conv2d_2a_3x3", "Conv2d_2b_3x3", "maxpool1"),  # -> 64 channels
        ("Conv2d_3b_1x1", "Conv2d_4a_3x3", "maxpool2"),  # -> 192
        ("Mixed_5b", "Mixed_5c", "Mixed_5d", "Mixed_6a", "Mixed_6b", "Mixed_6c", "Mixed_6d", "Mixed_6e"),  # 768
        ("Mixed_7a", "Mixed_7b", "Mixed_7c"),  # -> 2048
    )

    def forward(self, x):
        return self.taps(x, (2048,))[2048]

    def taps(self, x, dims=(2048,)) -> dict:
        """Spatially averaged features after each requested block (pytorch-fid's ``dims``: 64, 192, 768,
        2048); runs only as far as the deepest one."""
        bad = [d for d in dims if d not in FEATURE_DIMS]
        if bad:
            raise ValueError(f"feature dims {bad} do not exist; choose from {FEATURE_DIMS}")
        out = {}
        for dim, block in zip(FEATURE_DIMS, self._BLOCKS, strict=False):
            for name in block:
                x = getattr(self, name)(x)
            if dim in dims:
                out[dim] = x.mean((2, 3))
            if len(out) == len(dims):
                break
        return out

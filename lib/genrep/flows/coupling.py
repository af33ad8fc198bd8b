"""Coupling layers for image flows and their conditioner network.

``ConvResidualNet`` is the NSF reference conditioner: 1×1 conv in, ``num_blocks`` residual blocks of
[BN → ReLU → conv3×3 → BN → ReLU → dropout → conv3×3] + skip (last conv of each block initialised
U(−1e-3, 1e-3)), 1×1 conv out. ``RQSplineCoupling2d`` splits the channels in the middle (the first
⌈C/2⌉ are transformed, the rest condition), ``AffineCoupling2d`` is the RealNVP/Glow alternative.
"""

from __future__ import annotations

import torch
from torch import nn

from .base import Transform
from .spline import unconstrained_rational_quadratic_spline


class ConvResidualBlock(nn.Module):
    def __init__(self, channels: int, dropout: float = 0.0, batchnorm: bool = True):
        super().__init__()
        norm = (lambda: nn.BatchNorm2d(channels, eps=1e-3)) if batchnorm else nn.Identity
        self.net = nn.Sequential(
            norm(),
            nn.ReLU(),
            nn.Conv2d(channels, channels, 3, padding=1),
            norm(),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Conv2d(channels, channels, 3, padding=1),
        )
        nn.init.uniform_(self.net[-1].weight, -1e-3, 1e-3)
        nn.init.uniform_(self.net[-1].bias, -1e-3, 1e-3)

    def forward(self, x):
        return x + self.net(x)


class ConvResidualNet(nn.Module):
    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        hidden_channels: int,
        num_blocks: int = 2,
        dropout: float = 0.0,
        batchnorm: bool = True,
    ):
        super().__init__()
        self.hidden_channels = hidden_channels
        self.initial = nn.Conv2d(in_channels, hidden_channels, 1)
        self.blocks = nn.Sequential(
            *[ConvResidualBlock(hidden_channels, dropout, batchnorm) for _ in range(num_blocks)]
        )
        self.final = nn.Conv2d(hidden_channels, out_channels, 1)

    def forward(self, x):
        return self.final(self.blocks(self.initial(x)))


class _Coupling2d(Transform):
    def __init__(
        self,
        channels: int,
        params_per_channel: int,
        hidden_channels: int,
        num_blocks: int,
        dropout: float,
        batchnorm: bool,
    ):
        super().__init__()
        if channels < 2:
            raise ValueError(f"a coupling layer needs at least 2 channels, got {channels}")
        self.n_tr = (channels + 1) // 2  # NSF mid-split mask: the first ⌈C/2⌉ channels are transformed
        self.n_id = channels - self.n_tr
        self.ppc = params_per_channel
        self.net = ConvResidualNet(
            self.n_id, self.n_tr * params_per_channel, hidden_channels, num_blocks, dropout, batchnorm
        )

    def _params(self, x_id):
        b, _, h, w = x_id.shape
        return self.net(x_id).reshape(b, self.n_tr, self.ppc, h, w).permute(0, 1, 3, 4, 2)

    def _elementwise(self, x_tr, params, inverse):  # pragma: no cover - abstract
        raise NotImplementedError

    def _run(self, x, inverse):
        x_tr, x_id = x[:, : self.n_tr], x[:, self.n_tr :]
        y_tr, ld = self._elementwise(x_tr, self._params(x_id), inverse)
        return torch.cat([y_tr, x_id], 1), ld.flatten(1).sum(1)

    def forward(self, x):
        return self._run(x, False)

    def inverse(self, z):
        return self._run(z, True)


class RQSplineCoupling2d(_Coupling2d):
    """Rational-quadratic spline coupling with ``num_bins`` bins on [−tail_bound, tail_bound], linear tails."""

    def __init__(
        self,
        channels: int,
        hidden_channels: int = 64,
        num_blocks: int = 2,
        num_bins: int = 4,
        tail_bound: float = 3.0,
        dropout: float = 0.0,
        batchnorm: bool = True,
    ):
        super().__init__(channels, 3 * num_bins - 1, hidden_channels, num_blocks, dropout, batchnorm)
        self.num_bins, self.tail_bound = num_bins, tail_bound

    def _elementwise(self, x_tr, params, inverse):
        K = self.num_bins
        return unconstrained_rational_quadratic_spline(
            x_tr,
            params[..., :K],
            params[..., K : 2 * K],
            params[..., 2 * K :],
            inverse=inverse,
            tail_bound=self.tail_bound,
        )


class AffineCoupling2d(_Coupling2d):
    """y = x·σ(s + 2) + t (Glow's sigmoid scale), conditioned like the spline coupling."""

    def __init__(
        self,
        channels: int,
        hidden_channels: int = 64,
        num_blocks: int = 2,
        dropout: float = 0.0,
        batchnorm: bool = True,
    ):
        super().__init__(channels, 2, hidden_channels, num_blocks, dropout, batchnorm)

    def _elementwise(self, x_tr, params, inverse):
        scale = torch.sigmoid(params[..., 0] + 2.0)
        shift = params[..., 1]
        if inverse:
            return (x_tr - shift) / scale, -torch.log(scale)
        return x_tr * scale + shift, torch.log(scale)

"""Normalizing flows for images: one ``Transform`` contract and the Glow / Neural-Spline-Flow blocks.

- ``base``: ``Transform`` (forward(x) -> (z, logabsdet), inverse(z) -> (x, logabsdet)), ``CompositeTransform``,
  ``InverseTransform``.
- ``layers``: ``ActNorm`` (data-dependent init), ``InvConv1x1LU``, ``Squeeze2x2`` (+ ``squeeze2x2``/``unsqueeze2x2``).
- ``spline``: ``rational_quadratic_spline``, ``unconstrained_rational_quadratic_spline`` (linear tails).
- ``coupling``: ``ConvResidualNet`` conditioner, ``RQSplineCoupling2d``, ``AffineCoupling2d``.
- ``preprocess``: ``dequantize``, ``quantize``, ``pad_images``, ``Preprocess`` (x/2^b − 0.5).
- ``multiscale``: ``MultiscaleFlow`` (the NSF/Glow multi-scale architecture), ``gaussian_log_prob``.
"""

from .base import CompositeTransform, InverseTransform, Transform
from .coupling import AffineCoupling2d, ConvResidualNet, RQSplineCoupling2d
from .layers import ActNorm, InvConv1x1LU, Squeeze2x2, squeeze2x2, unsqueeze2x2
from .multiscale import COUPLINGS, LATENT_LAYOUTS, MultiscaleFlow, gaussian_log_prob
from .preprocess import Preprocess, dequantize, pad_images, quantize
from .spline import rational_quadratic_spline, unconstrained_rational_quadratic_spline

__all__ = [
    "COUPLINGS",
    "LATENT_LAYOUTS",
    "ActNorm",
    "AffineCoupling2d",
    "CompositeTransform",
    "ConvResidualNet",
    "InvConv1x1LU",
    "InverseTransform",
    "MultiscaleFlow",
    "Preprocess",
    "RQSplineCoupling2d",
    "Squeeze2x2",
    "Transform",
    "dequantize",
    "gaussian_log_prob",
    "pad_images",
    "quantize",
    "rational_quadratic_spline",
    "squeeze2x2",
    "unconstrained_rational_quadratic_spline",
    "unsqueeze2x2",
]

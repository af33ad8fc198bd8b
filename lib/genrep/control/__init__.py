"""Controlling generative models through latent directions (Plumerault 2023, Ch. 4) and the scene-capacity
argument of Ch. 5.

- ``losses``: image reconstruction losses for inversion: ``mse``, ``dssim``, ``blurred_mse`` (Eq. 4.5,
  Gaussian blur σ, optional mask of undefined pixels).
- ``inversion``: ``invert`` — z* = argmin_{‖z‖ ≤ √d} L(I, G(z)) by Adam with projection onto the √d ball.
- ``transforms``: ``translate``, ``zoom``, ``brightness`` on image batches, each returning (image, mask).
- ``trajectories``: Algorithm 1 — recursive trajectory estimation (warm starts, worst 10 % dropped) and
  the naive direct inversion it replaces.
- ``directions``: the monotone piece-wise linear factor model t = g(⟨u, z⟩) fitted on differences
  (Eq. 4.12–4.13), ``learn_direction`` (Algorithm 1 then that fit), traversals z − ⟨z,u⟩u + t·u, and the
  distribution control of Eq. 4.14–4.15.
- ``disk``: the analytic white-disk generator of Fig. 4.5 (latent = position).
- ``capacity``: Fig. 5.2's exact Poisson formula P(no cell overloaded) = Q(K+1, N/G)^G.
"""

from .capacity import p_no_overload
from .directions import DirectionModel, MonotonePL, fit_direction, learn_direction, trajectory_stats, traverse
from .inversion import invert, project_ball
from .losses import LOSSES, blurred_mse, dssim, gaussian_kernel, mse, recon_loss
from .trajectories import naive_inversion, recursive_trajectories
from .transforms import TRANSFORMS, brightness, transform, translate, zoom

__all__ = [
    "LOSSES",
    "TRANSFORMS",
    "DirectionModel",
    "MonotonePL",
    "blurred_mse",
    "brightness",
    "dssim",
    "fit_direction",
    "gaussian_kernel",
    "invert",
    "learn_direction",
    "mse",
    "naive_inversion",
    "p_no_overload",
    "project_ball",
    "recon_loss",
    "recursive_trajectories",
    "trajectory_stats",
    "transform",
    "translate",
    "traverse",
    "zoom",
]

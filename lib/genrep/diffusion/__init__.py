"""Diffusion and flow-matching processes, kept apart from the networks (diffusers style).

- ``schedules``: beta schedules (``make_betas``: linear, linear_scaled, cosine).
- ``gaussian``: ``GaussianDiffusion`` — q_sample, the ε-prediction loss, ancestral sampling.
- ``rectified``: rectified flow (Liu et al. 2022; t=0 noise, t=1 data) — loss and Euler/Heun ODE sampling.

A network is any callable ``model(x, t)``; the process decides what ``t`` is (integer step indices for
``GaussianDiffusion``, floats in [0, 1] for rectified flow).
"""

from genrep.diffusion.gaussian import GaussianDiffusion
from genrep.diffusion.rectified import rf_interpolate, rf_loss, rf_sample, rf_target
from genrep.diffusion.schedules import BETA_SCHEDULES, make_betas

__all__ = ["BETA_SCHEDULES", "GaussianDiffusion", "make_betas", "rf_interpolate", "rf_loss", "rf_sample", "rf_target"]

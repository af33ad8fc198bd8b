"""Rectified flow (Liu, Gong & Liu 2022), 1-RF without reflow, in the paper's convention:
t = 0 is noise x0 ~ N(0, I), t = 1 is data x1, x_t = t·x1 + (1 − t)·x0, target velocity x1 − x0.

The network is any ``model(x_t, t)`` with ``t`` a float tensor of shape (B,) in [0, 1].
``rf_sample`` integrates dx/dt = v(x, t) from t = 0 to 1 with Euler or Heun steps; ``nfe`` counts network
evaluations (Heun spends two per step except the last, which is an Euler step as in EDM).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from tqdm import tqdm  # not tqdm.auto: no IProgress warning or widget in executed notebooks


def _bcast(t: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    return t.reshape(-1, *([1] * (x.ndim - 1))).to(x.dtype)


def rf_interpolate(x0: torch.Tensor, x1: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    tb = _bcast(t, x1)
    return tb * x1 + (1 - tb) * x0


def rf_target(x0: torch.Tensor, x1: torch.Tensor) -> torch.Tensor:
    return x1 - x0


def rf_loss(
    model: Callable,
    x1: torch.Tensor,
    x0: torch.Tensor | None = None,
    t: torch.Tensor | None = None,
    reduction: str = "mean",
) -> torch.Tensor:
    """‖v_θ(x_t, t) − (x1 − x0)‖², mean over all elements (``reduction="none"``: per example)."""
    if x0 is None:
        x0 = torch.randn_like(x1)
    if t is None:
        t = torch.rand(x1.shape[0], device=x1.device)
    v = model(rf_interpolate(x0, x1, t), t)
    err = (v.float() - rf_target(x0, x1).float()).pow(2)
    if reduction == "none":
        return err.flatten(1).mean(1)
    return err.mean()


def _heun_steps(nfe: int) -> int:
    # k Heun steps with a final Euler step cost 2k - 1 evaluations
    return max(1, (nfe + 1) // 2)


@torch.no_grad()
def rf_sample(
    model: Callable,
    x0: torch.Tensor,
    nfe: int = 100,
    method: str = "euler",
    progress: bool = False,
    keep_every: int = 0,
) -> torch.Tensor | tuple[torch.Tensor, list[torch.Tensor]]:
    """Integrate from noise ``x0`` (t = 0) to data (t = 1). Returns x1 (and the kept states)."""
    if method not in ("euler", "heun"):
        raise ValueError(f"method must be 'euler' or 'heun', got {method!r}")
    if nfe < 1:
        raise ValueError(f"nfe must be >= 1, got {nfe}")
    n_steps = nfe if method == "euler" else _heun_steps(nfe)
    ts = torch.linspace(0.0, 1.0, n_steps + 1, device=x0.device)
    x = x0
    kept = [x.clone()] if keep_every else []
    B = x.shape[0]
    for i in tqdm(range(n_steps), desc=f"ODE ({method})", leave=False, disable=not progress):
        t, t_next = ts[i], ts[i + 1]
        h = t_next - t
        v = model(x, t.expand(B)).float()
        if method == "heun" and i < n_steps - 1:
            x_pred = x + h * v
            v2 = model(x_pred, t_next.expand(B)).float()
            x = x + h * 0.5 * (v + v2)
        else:
            x = x + h * v
        if keep_every and ((i + 1) % keep_every == 0 or i == n_steps - 1):
            kept.append(x.clone())
    return (x, kept) if keep_every else x

"""The latent model of a continuous factor (Eq. 4.12–4.15): t = g(⟨u, z⟩), ‖u‖ = 1, g monotone
piece-wise linear, fitted on trajectory differences δt = g(⟨u, z_δt⟩) − g(⟨u, z₀⟩).

As in the code (spec §3.7): u is an unnormalised linear map v (L2 penalty 0.1·‖v‖²); g is a lattice of
``n_knots`` (101) knots c_k on [−5, 5], g(x) = Σ_k θ_k·clip(x − c_k, −Δ/2, Δ/2) with θ_k ≥ 0 (projected
after every step, initialised 1) and a smoothness penalty 1.0·mean(Δθ²); Adam lr 1e-3, batch 32. The
final direction is u = v/‖v‖, oriented so that the factor increases with ⟨u, z⟩ (θ ≥ 0 makes that so).
"""

from __future__ import annotations

import contextlib
import math

import numpy as np
import torch
from torch import nn

from .trajectories import recursive_trajectories


class MonotonePL(nn.Module):
    def __init__(self, n_knots: int = 101, lo: float = -5.0, hi: float = 5.0):
        super().__init__()
        self.register_buffer("c", torch.linspace(lo, hi, n_knots))
        self.delta = (hi - lo) / (n_knots - 1)
        self.theta = nn.Parameter(torch.ones(n_knots))

    def forward(self, x):
        return (self.theta * torch.clamp(x[..., None] - self.c, -self.delta / 2, self.delta / 2)).sum(-1)

    def smoothness(self):
        return (self.theta[1:] - self.theta[:-1]).pow(2).mean()


class DirectionModel(nn.Module):
    def __init__(self, latent_dim: int, n_knots: int = 101):
        super().__init__()
        self.v = nn.Linear(latent_dim, 1, bias=False)
        self.g = MonotonePL(n_knots)

    def forward(self, z0, z):
        return self.g(self.v(z).squeeze(-1)) - self.g(self.v(z0).squeeze(-1))

    @property
    def u(self) -> torch.Tensor:
        w = self.v.weight.detach()[0]
        return w / w.norm()

    def g_of_s(self, s: torch.Tensor) -> torch.Tensor:
        """The factor as a function of the unit-direction coordinate s = ⟨u, z⟩ (g(0) shifted to 0)."""
        with torch.no_grad():
            k = self.v.weight.norm()
            return self.g(k * s) - self.g(torch.zeros(1, device=s.device))


def fit_direction(
    z0,
    z,
    dt,
    epochs: int = 100,
    batch_size: int = 32,
    lr: float = 1e-3,
    l2: float = 0.1,
    smooth: float = 1.0,
    seed: int = 0,
    n_knots: int = 101,
) -> tuple[DirectionModel, list]:
    """Fit Eq. 4.13 on the kept trajectory points → (model, per-epoch mean loss)."""
    torch.manual_seed(seed)
    z0, z, dt = z0.detach().cpu(), z.detach().cpu(), dt.detach().cpu()
    m = DirectionModel(z.shape[1], n_knots)
    opt = torch.optim.Adam(m.parameters(), lr=lr)
    g = torch.Generator().manual_seed(seed)
    hist = []
    for _ in range(epochs):
        perm, tot = torch.randperm(len(z), generator=g), 0.0
        for i in range(0, len(z), batch_size):
            j = perm[i : i + batch_size]
            loss = (m(z0[j], z[j]) - dt[j]).pow(2).mean()
            reg = l2 * m.v.weight.pow(2).sum() + smooth * m.g.smoothness()
            opt.zero_grad(set_to_none=True)
            (loss + reg).backward()
            opt.step()
            with torch.no_grad():
                m.g.theta.clamp_(min=0)
            tot += loss.item() * len(j)
        hist.append(tot / len(z))
    return m, hist


def learn_direction(
    G,
    z0: torch.Tensor,
    kind: str,
    deltas,
    steps_per_target: int,
    *,
    lr: float,
    sigma: float,
    discard_frac: float,
    epochs: int,
    seed: int,
    stopwatch=None,
    timer: str = "trajectories",
) -> tuple[DirectionModel, list, dict]:
    """Algorithm 1 then Eq. 4.13: the recursive trajectories of ``kind`` from ``z0`` through ``G`` (blurred MSE
    with ``sigma``, the worst ``discard_frac`` dropped), then the direction model fitted on the kept points.

    With a ``stopwatch`` (a :class:`genrep.runtime.Stopwatch`) the trajectories are timed under ``timer`` with
    their image count (``len(z0)`` × 2 signs × ``len(deltas)`` × ``steps_per_target``); the fit is not timed.
    Returns (model, per-epoch fit loss, the trajectories of :func:`~genrep.control.recursive_trajectories`).
    """
    images = len(z0) * 2 * len(deltas) * steps_per_target
    timed = stopwatch.timed(timer, images=images) if stopwatch is not None else contextlib.nullcontext()
    with timed:
        tr = recursive_trajectories(
            G, z0, kind, deltas, steps_per_target, lr=lr, sigma=sigma, discard_frac=discard_frac
        )
    k = tr["keep"]
    model, hist = fit_direction(tr["z0"][k], tr["z"][k], tr["dt"][k], epochs=epochs, seed=seed)
    return model, hist, tr


def trajectory_stats(tr: dict) -> dict:
    """The counts a notebook records of :func:`~genrep.control.recursive_trajectories`' output: trajectory
    points, how many were kept, and the median reconstruction error."""
    return {"points": len(tr["keep"]), "kept": int(tr["keep"].sum()), "err_median": float(tr["err"].median())}


def traverse(z: torch.Tensor, u: torch.Tensor, t) -> torch.Tensor:
    """z − ⟨z,u⟩u + t·u for each t → [T, B, d] (§4.4.1's evaluation and the qualitative figures)."""
    u = u.to(z) / u.norm()
    t = torch.as_tensor(t, dtype=z.dtype, device=z.device).reshape(-1)
    base = z - (z @ u)[:, None] * u
    return base[None] + t[:, None, None] * u


def impose_distribution(z: torch.Tensor, model: DirectionModel, target_quantile) -> torch.Tensor:
    """Eq. 4.14–4.15: move each z along u so that the factor t = g(⟨u,z⟩) follows the distribution with
    quantile function ``target_quantile`` (a callable on [0, 1]): s' = g⁻¹(F⁻¹(Ψ(⟨u, z⟩)))."""
    u = model.u.to(z)
    s = z @ u
    p = 0.5 * (1 + torch.erf(s / math.sqrt(2)))
    t_new = torch.as_tensor(target_quantile(p.cpu().numpy()), dtype=z.dtype)
    grid = torch.linspace(-6, 6, 2001)
    gv = model.g_of_s(grid).numpy()
    gv = np.maximum.accumulate(gv + np.arange(len(gv)) * 1e-9)  # strictly increasing for the inverse
    s_new = torch.as_tensor(np.interp(t_new.numpy(), gv, grid.numpy()), dtype=z.dtype, device=z.device)
    return z - s[:, None] * u + s_new[:, None] * u

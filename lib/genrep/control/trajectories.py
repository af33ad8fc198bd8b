"""Algorithm 1 (Eq. 4.9): recursive estimation of latent trajectories, and the naive inversion it fixes.

For S trajectories at once (batched): z₀ ~ N(0, I) in the √d ball, I₀ = G(z₀); for each sign and each
δt_n of a regular grid, z_n = argmin L(G(z), T_{δt_n}(I₀)) starting from z_{n−1} (a warm start; each
sign restarts from z₀, as in the code). The worst ``discard_frac`` (10 %) of the stored reconstruction
errors are dropped (the thesis's rule; Algorithm 1's fixed threshold is the alternative, spec §11.15).
"""

from __future__ import annotations

import torch
from tqdm import tqdm  # not tqdm.auto: no IProgress warning or widget in executed notebooks

from .inversion import invert, project_ball
from .losses import recon_loss
from .transforms import transform


def recursive_trajectories(
    G,
    z0: torch.Tensor,
    kind: str,
    deltas,
    steps_per_target: int = 50,
    lr: float = 0.01,
    loss: str = "blur_mse",
    sigma: float = 3.0,
    signs=(1, -1),
    discard_frac: float = 0.1,
    progress: bool = True,
) -> dict:
    """→ dict(z0 [M, d], z [M, d], dt [M], err [M], keep [M] bool, hist {(sign, n): per-step losses})."""
    z0 = project_ball(z0)
    with torch.no_grad():
        I0 = G(z0)
    rows = {"z0": [], "z": [], "dt": [], "err": []}
    hist = {}
    jobs = [(s, n, d) for s in signs for n, d in enumerate(deltas)]
    bar = tqdm(jobs, desc=f"trajectories ({kind})", disable=not progress, leave=False)
    z = None
    for s, n, d in bar:
        if n == 0:
            z = z0
        target, mask = transform(kind, I0, s * d)
        z, err, h = invert(
            G, target, loss=loss, sigma=sigma, mask=mask, steps=steps_per_target, lr=lr, z0=z, history=True
        )
        hist[(s, n)] = h
        rows["z0"].append(z0)
        rows["z"].append(z)
        rows["dt"].append(torch.full((len(z0),), float(s * d), device=z0.device))
        rows["err"].append(err)
    out = {k: torch.cat(v) for k, v in rows.items()}
    thr = torch.quantile(out["err"], 1 - discard_frac) if discard_frac > 0 else torch.tensor(float("inf"))
    out["keep"] = out["err"] <= thr
    out["hist"] = hist
    return out


def naive_inversion(
    G, z0: torch.Tensor, kind: str, t: float, steps: int, lr: float = 0.01, loss: str = "blur_mse", sigma: float = 3.0
):
    """Invert T_t(G(z₀)) directly from z₀ (Eq. 4.6) → (z, final loss [B], per-step mean losses)."""
    z0 = project_ball(z0)
    with torch.no_grad():
        target, mask = transform(kind, G(z0), t)
    return invert(G, target, loss=loss, sigma=sigma, mask=mask, steps=steps, lr=lr, z0=z0, history=True)


def recursive_inversion(
    G,
    z0: torch.Tensor,
    kind: str,
    t: float,
    n_steps: int,
    steps_per_target: int,
    lr: float = 0.01,
    loss: str = "blur_mse",
    sigma: float = 3.0,
):
    """Reach T_t(G(z₀)) through ``n_steps`` equal intermediate targets (Eq. 4.9) → (z, per-step losses
    measured against the *final* target, so the curve is comparable with :func:`naive_inversion`)."""

    z0 = project_ball(z0)
    with torch.no_grad():
        I0 = G(z0)
        final_t, final_m = transform(kind, I0, t)
    z, curve = z0, []
    for n in range(1, n_steps + 1):
        target, mask = transform(kind, I0, t * n / n_steps)
        zc = z.detach().clone().requires_grad_(True)
        opt = torch.optim.Adam([zc], lr=lr)
        for _ in range(steps_per_target):
            per = recon_loss(loss, G(zc), target, mask, sigma=sigma)
            opt.zero_grad(set_to_none=True)
            per.sum().backward()
            opt.step()
            with torch.no_grad():
                zc.copy_(project_ball(zc))
                curve.append(recon_loss(loss, G(zc), final_t, final_m, sigma=sigma).mean().item())
        z = zc.detach()
    return z, curve

# %% [markdown]
# # Why inversion along a transformation needs small steps (Figs. 4.4–4.6)
#
# **Fig. 4.4.** Images of one sprite translated, scaled or rotated trace *curved* paths in pixel space: a
# two-component PCA of each trajectory (blue) departs from the straight pixel interpolation between its
# endpoints (red). Exact here: the procedural dSprites renderer draws any intermediate position.
#
# **Fig. 4.5.** For an analytic "white disk" generator whose latent is the disk's position, the gradient of
# the MSE to a target disk vanishes once the two disks stop overlapping (Eq. 4.7–4.8); the blurred MSE of
# Eq. 4.5 keeps a gradient for about σ pixels more.
#
# **Fig. 4.6.** Inverting a large translation directly from z₀ (naive, Eq. 4.6) stalls on that flat
# loss; reaching it through a chain of small translations, each warm-started from the previous solution
# (recursive, Eq. 4.9), converges. Both with Adam, lr 0.1 (as the thesis states for this figure).

# %% tags=["parameters"]
tier = "reduced"
results_dir = "results/controlling_generative_models/reduced/04_trajectories"
runs_dir = "runs/controlling_generative_models/reduced/04_trajectories"
frames = 32
disk_shift = 0.3  # translation to reach, as a fraction of the image width
n_recursive = 10  # N small steps for the recursive estimate
steps_per_target = 50
traj_lr = 0.1
recon = "mse"  # loss of Fig. 4.6 (mse or blur_mse)
sigma = 3.0
seed = 0
cpu_threads = 1  # torch threads on CPU (tiny models on a shared 2-core machine: 1 is fastest)

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import torch

from genrep.control.disk import disk, gradient_norm_vs_distance
from genrep.control.trajectories import naive_inversion, recursive_inversion
from genrep.data import dsprites as ds
from genrep.data import to_uint8
from genrep.report import Results, show_grid
from genrep.report.papers.cgm_notebooks import save_with_legend
from genrep.train import seed_everything

Path(runs_dir).mkdir(parents=True, exist_ok=True)
seed_everything(seed)
if not torch.cuda.is_available():
    torch.set_num_threads(cpu_threads)
res = Results(results_dir, tier)

# %% [markdown]
# ## Fig. 4.4: PCA of dSprites trajectories vs straight interpolation

# %%
t = np.linspace(0, 1, frames)
lo, hi = ds.POS_RANGE
mid = (lo + hi) / 2
trajs = {
    "translation (x)": ds.render(
        np.zeros(frames), np.ones(frames), np.zeros(frames), lo + (hi - lo) * t, np.full(frames, mid)
    ),
    "scale": ds.render(np.zeros(frames), 0.5 + 0.5 * t, np.zeros(frames), np.full(frames, mid), np.full(frames, mid)),
    "rotation": ds.render(
        np.full(frames, 1), np.ones(frames), np.pi / 2 * t, np.full(frames, mid), np.full(frames, mid)
    ),
}
fig, axes = plt.subplots(1, 3, figsize=(13, 4))
curvature = {}
for ax, (name, imgs) in zip(axes, trajs.items(), strict=False):
    X = imgs.float().flatten(1) / 255
    line = X[:1] + torch.as_tensor(t, dtype=torch.float32)[:, None] * (X[-1:] - X[:1])
    mean = X.mean(0, keepdim=True)
    _, _, V = torch.linalg.svd(torch.cat([X, line]) - mean, full_matrices=False)
    P, L = (X - mean) @ V[:2].T, (line - mean) @ V[:2].T
    ax.plot(P[:, 0], P[:, 1], "o-", ms=3, c="tab:blue", label="transformed images")
    ax.plot(L[:, 0], L[:, 1], "s-", ms=2, c="tab:red", label="pixel interpolation")
    ax.set_title(name, fontsize=9)
    # path length in pixel space relative to the straight chord: 1 = straight, larger = curved
    curvature[name] = float((X[1:] - X[:-1]).norm(dim=1).sum() / (X[-1] - X[0]).norm())
    ax.legend(fontsize=7)
fig.suptitle("Fig. 4.4 regenerated: 2-component PCA of procedural dSprites trajectories (exact)", fontsize=10)
res.show_figure(fig, "fig_4_4_pca")
curvature  # noqa: B018

# %% [markdown]
# ## Fig. 4.5: the gradient vanishes once the disks stop overlapping

# %%
dist = np.linspace(0.5, 30, 60)
norms = {"MSE": gradient_norm_vs_distance(dist, "mse")}
for s in (3.0, 5.0):
    norms[f"blurred MSE σ={s:g}"] = gradient_norm_vs_distance(dist, "blur_mse", sigma=s)
fig, ax = plt.subplots(figsize=(6, 3.5))
for k, v in norms.items():
    ax.semilogy(dist, v.clamp_min(1e-12), label=k)
ax.axvline(2 * 6.0, c="0.5", ls="--", lw=1, label="disks stop overlapping (2r)")
ax.set(
    xlabel="distance between disk and target (px)",
    ylabel="‖∇_p L‖",
    title="Fig. 4.5 regenerated: analytic white-disk generator (exact)",
)
save_with_legend(res, ax, "fig_4_5_vanishing_gradient")
far = dist > 16
grad_far = {k: float(v[torch.as_tensor(far)].mean()) for k, v in norms.items()}
grad_far  # noqa: B018

# %% [markdown]
# ## Fig. 4.6: recursive (Eq. 4.9) vs naive (Eq. 4.6) inversion of a translation

# %%
SIZE = 64


def Gd(z):
    return disk(SIZE / 2 + z * SIZE / 4, size=SIZE)


z0 = torch.zeros(4, 2) + torch.tensor([[0.0, 0.0], [0.1, -0.1], [-0.2, 0.1], [0.05, 0.2]])
total = n_recursive * steps_per_target
zn, naive_curve = naive_inversion(Gd, z0, "x", disk_shift, steps=total, lr=traj_lr, loss=recon, sigma=sigma)[0::2]
zr, rec_curve = recursive_inversion(
    Gd, z0, "x", disk_shift, n_recursive, steps_per_target, lr=traj_lr, loss=recon, sigma=sigma
)
target_dx = disk_shift * SIZE
reached = {
    "naive_px": float(((zn[:, 0] - z0[:, 0]) * SIZE / 4).mean()),
    "recursive_px": float(((zr[:, 0] - z0[:, 0]) * SIZE / 4).mean()),
    "target_px": target_dx,
    "naive_final_loss": naive_curve[-1],
    "recursive_final_loss": rec_curve[-1],
}
fig, axes = plt.subplots(1, 2, figsize=(13, 3.6), gridspec_kw={"width_ratios": [1.2, 1]})
axes[0].semilogy(naive_curve, label="naive (direct)")
axes[0].semilogy(rec_curve, label=f"recursive ({n_recursive} steps × {steps_per_target})")
axes[0].set(xlabel="optimisation step", ylabel=f"{recon} to the final target", title="convergence (Adam lr 0.1)")
axes[0].legend(fontsize=8)
with torch.no_grad():
    strip = torch.cat([Gd(z0[:1]), Gd(zn[:1]), Gd(zr[:1]), Gd(z0[:1] + torch.tensor([[disk_shift * 4, 0.0]]))])
show_grid(
    axes[1],
    to_uint8(strip),
    nrow=4,
    title="start | naive result | recursive result | target",
)
fig.suptitle(f"Fig. 4.6 regenerated on the analytic disk (shift {target_dx:.0f} px)", fontsize=10)
res.show_figure(fig, "fig_4_6_recursive_vs_naive")
reached  # noqa: B018

# %%
res.save_metrics(
    pixel_path_over_chord=curvature,
    grad_norm_far=grad_far,
    fig_4_6=reached,
    n_recursive=n_recursive,
    steps_per_target=steps_per_target,
    lr=traj_lr,
    loss=recon,
)

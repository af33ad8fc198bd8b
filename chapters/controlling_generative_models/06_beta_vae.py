# %% [markdown]
# # β-VAEs on dSprites: does a more disentangled model give more precise control? (Table 4.2, Fig. 4.11)
#
# The thesis trains β-VAEs (Table 4.2 architecture, d_z = 10) on dSprites with β ∈ {1, 5, 10, 20}, learns a
# direction for the x-position with the same method as for BigGAN, and plots the measured position along
# it: the std at each t shrinks as β grows, and the mean follows an erf (Eq. 4.11: for the exact model
# t = ½ erf(⟨z, u⟩/√2)). Here the decoder plays G; trajectories come from Algorithm 1 on decoded prior
# samples translated horizontally (how the thesis built them is unspecified, spec §11.20); the position is
# the barycentre of the decoded image's intensity (exact for binary sprites). Table 4.2's decoder needs a
# Dense 512 before its 4×4×32 reshape (errata). Each β is one arm; the summary compares them.

# %% tags=["parameters"]
tier = "reduced"
results_dir = "results/controlling_generative_models/reduced/06_beta_vae"
runs_dir = "runs/controlling_generative_models/reduced/06_beta_vae"
beta = 1.0
n_train = 737280  # images drawn from the grid (the full grid at the full tier)
train_steps = 100000
batch_size = 128
lr = 5e-4
deltas = [0.1, 0.2, 0.3, 0.4, 0.5]
steps_per_target = 50
traj_lr = 0.01
traj_sigma = 3.0
traj_n = 1000  # S trajectories
discard_frac = 0.1
fit_epochs = 100
alphas = [-5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5]
eval_z = 1000
au_n = 1000  # random images on which active dimensions (mean posterior σ < 0.5) are counted
seed = 0
device = "auto"
cpu_threads = 1  # torch threads on CPU (tiny models on a shared 2-core machine: 1 is fastest)

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import torch

from genrep.control import learn_direction, trajectory_stats, traverse
from genrep.control.directions import impose_distribution
from genrep.control.evaluation import control_precision
from genrep.data import Batcher, to_uint8
from genrep.data import dsprites as ds
from genrep.models.betavae import BetaVAE
from genrep.report import show_grid
from genrep.report.notebook import start_notebook
from genrep.report.papers.cgm_notebooks import save_with_legend
from genrep.train import Checkpointer, autocast, count_params, train_loop

dev, res, clock = start_notebook(
    tier=tier, results_dir=results_dir, runs_dir=runs_dir, seed=seed, device=device, cpu_threads=cpu_threads
)
if n_train >= ds.N_IMAGES:
    imgs = ds.dsprites_images(ds.index_to_factors(np.arange(ds.N_IMAGES)))
else:
    imgs, _ = ds.dsprites_sample(n_train, seed=seed)
vae = BetaVAE().to(dev)
n_params = count_params(vae)
print(f"β = {beta}: {len(imgs):,} procedural dSprites images; β-VAE {n_params:,} parameters")

# %%
batches = Batcher(imgs, batch_size=batch_size, device=dev, seed=seed, range=(0, 1))
opt = torch.optim.Adam(vae.parameters(), lr=lr)


def step(_):
    with autocast(dev):  # bf16 on CUDA, a no-op on CPU
        loss, rec, kl = vae.loss(next(batches), beta=beta)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    return {"loss": loss.detach(), "recon": rec.detach(), "kl": kl.detach()}


hist = train_loop(
    step,
    total_steps=train_steps,
    state={"vae": vae, "opt": opt, "batches": batches},
    checkpointer=Checkpointer(Path(runs_dir) / "vae.pt", every_minutes=5),
    desc=f"β-VAE β={beta}",
    log_every=max(1, train_steps // 20),
    seed=seed,
    stopwatch=clock,
    images_per_step=batch_size,
)
vae.eval()
for p in vae.parameters():
    p.requires_grad_(False)


def G(z):
    return vae.decode(z) * 2 - 1


# %% [markdown]
# ## Algorithm 1 for the x-translation, the direction, and the control it gives

# %%
z0 = torch.randn(traj_n, vae.latent_dim, generator=torch.Generator().manual_seed(seed)).to(dev)
traj_recipe = {"lr": traj_lr, "sigma": traj_sigma, "discard_frac": discard_frac, "epochs": fit_epochs, "seed": seed}
model, fit_hist, tr = learn_direction(G, z0, "x", deltas, steps_per_target, **traj_recipe, stopwatch=clock)
z = torch.randn(eval_z, vae.latent_dim, generator=torch.Generator().manual_seed(seed + 1)).to(dev)
vals, frames = [], []
with torch.no_grad():
    for zt in traverse(z, model.u.to(dev), alphas):
        x = vae.decode(zt)
        bx, _, frac = ds.barycentre(x)
        vals.append(bx.cpu().numpy())
        frames.append(x[:6].cpu())
vals = np.array(vals)
ctrl = control_precision(alphas, vals)
s = torch.linspace(-3, 3, 61)
g_curve = model.g_of_s(s).numpy()
fig, axes = plt.subplots(1, 3, figsize=(15, 3.6))
axes[0].violinplot(list(vals), positions=alphas, widths=0.8, showmeans=True)
ax2 = axes[0].twinx()
ax2.plot(alphas, ctrl["std"], "r.-")
ax2.set_ylabel("std of x", color="r")
axes[0].set(xlabel="t", ylabel="measured x (barycentre)", title=f"Fig. 4.11 panel, β = {beta} ({tier} tier)")
axes[1].plot(s, g_curve, label="fitted g(s)")
axes[1].plot(s, 0.5 * torch.erf(s / 2**0.5), "k--", label="½ erf(s/√2) (Eq. 4.11)")
axes[1].set(xlabel="s = ⟨u, z⟩", ylabel="δt (fraction of width)", title="the learned monotone g")
axes[1].legend(fontsize=7)
show_grid(
    axes[2],
    to_uint8(torch.stack(frames, 1).reshape(-1, 1, 64, 64), (0, 1)),
    nrow=len(alphas),
    title="traversals along u (rows: samples; columns: t)",
)
res.show_figure(fig, "fig_4_11_panel")
{m: ctrl[m] for m in ("mean_std", "spearman", "range", "erf_rmse", "linear_rmse")}

# %% [markdown]
# ## Distribution control (Eq. 4.14–4.15): impose a uniform distribution on the position
#
# Moving each z along u by s' = g⁻¹(F⁻¹(Ψ(⟨u, z⟩))) makes the factor t = g(⟨u, z⟩) follow the target law F
# (here uniform on [−0.25, 0.25] of the image width around g(0)); we compare the measured x before and after.

# %%
z_d = torch.randn(eval_z, vae.latent_dim, generator=torch.Generator().manual_seed(seed + 2)).to(dev)
z_u = impose_distribution(z_d, model, lambda p: -0.25 + 0.5 * p)
with torch.no_grad():
    x_before = ds.barycentre(vae.decode(z_d))[0].cpu().numpy()
    x_after = ds.barycentre(vae.decode(z_u))[0].cpu().numpy()
fig, ax = plt.subplots(figsize=(5, 3))
ax.hist(x_before, bins=20, alpha=0.6, label="z ~ N(0, I)")
ax.hist(x_after, bins=20, alpha=0.6, label="after Eq. 4.15 (target: uniform)")
ax.set(xlabel="measured x", title=f"distribution control, β = {beta} ({tier} tier)")
save_with_legend(res, ax, "distribution_control")
dist_ctrl = {
    "x_std_before": float(x_before.std()),
    "x_std_after": float(x_after.std()),
    "x_range_before": float(np.ptp(x_before)),
    "x_range_after": float(np.ptp(x_after)),
}
dist_ctrl  # noqa: B018

# %%
with torch.no_grad():
    xr = next(iter(Batcher(imgs, batch_size=8, device=dev, seed=seed + 3, range=(0, 1))))
    mu, _ = vae.encode(xr)
    rec = vae.decode(mu)
    # active dimensions on a random subset (the grid is ordered: its first images share shape, scale and angle)
    au_idx = np.random.default_rng(seed + 4).choice(len(imgs), size=min(au_n, len(imgs)), replace=False)
    _, ls = vae.encode(torch.as_tensor(imgs[np.sort(au_idx)]).to(dev).float() / 255)
active = int((ls.exp().mean(0) < 0.5).sum())
res.save_metrics(
    beta=beta,
    params=n_params,
    n_train=len(imgs),
    train_steps=train_steps,
    final=hist[-1] if hist else {},
    recon_bce=float(torch.nn.functional.binary_cross_entropy(rec, xr, reduction="sum") / len(xr)),
    active_dims=active,
    active_dims_n=len(au_idx),
    seed=seed,
    trajectories=trajectory_stats(tr),
    control=ctrl,
    distribution_control=dist_ctrl,
    fit_mse=fit_hist[-1],
    dsprites_source=ds.DSPRITES_SOURCE,
    throughput=clock.summary(),
)

# %% [markdown]
# # Data, why VAEs blur (Fig. 3.1) and the 2-D toy example (Fig. 3.7)
#
# **Data.** dSprites is drawn procedurally from its exact factor grid (3 shapes × 6 scales × 40
# orientations × 32 × 32 positions, 737,280 images of 64×64; the rasterisation is ours, spec §11.29).
# Two more stand-ins replace data this book cannot have: *textured shapes* (one textured object on a
# sky/ground background, 20 classes with known masks and factors — the stand-in for ILSVRC images and
# BigGAN) and *multi-object dSprites* (the stand-in for the 3D-Room and CLEVR scenes of Ch. 5).
#
# **Fig. 3.1.** A VAE that encodes the position z₀ of a black/white edge with noise σ and is trained with a
# pixel-wise squared error must output the conditional mean: ½(1 + erf((x − z₀)/(√2 σ))), a ramp whose
# width grows with σ. With an L1 loss the optimum is the conditional median: a sharp step.
#
# **Fig. 3.7.** The thesis's toy: x = (3z₁ + 0.1ε, cos(3z₁ + tanh(3z₂)) + 0.1ε), a 1-D latent, all networks
# MLPs with 2 hidden layers of 128. The VAE decoder's curve cuts through the gap between the branches; the
# AVAE generator G(z) follows the data, and G(z, ξ) also fills the branches. Numbers here come from the
# tier named in each caption (reduced = a short CPU run).

# %% tags=["parameters"]
tier = "reduced"
results_dir = "results/controlling_generative_models/reduced/01_data_and_toy"
runs_dir = "runs/controlling_generative_models/reduced/01_data_and_toy"
toy_points = 10000
toy_steps = 20000
toy_batch = 256
toy_lr = 2e-4  # Adam (β1 = 0.5); the toy optimiser is unspecified in the thesis
toy_shared_noise = False
latent_loss = "b"
seed = 0
device = "auto"
cpu_threads = 1  # torch threads on CPU (tiny models on a shared 2-core machine: 1 is fastest)

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import torch
from scipy.special import erf

from genrep.data import dsprites as ds
from genrep.data.scenes import multi_dsprites, textured_shapes
from genrep.data.toy2d import toy_data
from genrep.report import show_grid
from genrep.report.notebook import start_notebook
from genrep.report.papers.cgm_notebooks import save_with_legend
from genrep.systems.avae import fit_framework, toy_framework
from genrep.train import count_params

dev, res, clock = start_notebook(
    tier=tier, results_dir=results_dir, runs_dir=runs_dir, seed=seed, device=device, cpu_threads=cpu_threads
)

# %% [markdown]
# ## The procedural datasets

# %%
f = np.stack([np.arange(3), np.full(3, 5), np.zeros(3, int), np.full(3, 16), np.full(3, 16)], 1)
rows = [ds.dsprites_images(f)]
for k, _name in [(1, "scale"), (2, "orientation"), (3, "pos_x"), (4, "pos_y")]:
    g = np.tile([0, 5, 0, 16, 16], (8, 1))
    g[:, k] = np.linspace(0, ds.DSPRITES_GRID[k] - 1, 8).round().astype(int)
    rows.append(ds.dsprites_images(g))
with clock.timed("dsprites render", images=1024):
    xs, fs = ds.dsprites_sample(1024, seed=seed)
ts = textured_shapes(24, size=64, seed=seed)
ms = multi_dsprites(16, size=64, seed=seed)
fig, axes = plt.subplots(1, 4, figsize=(16, 4.5))
show_grid(
    axes[0],
    torch.cat([rows[0], torch.zeros(5, 1, 64, 64, dtype=torch.uint8)] + rows[1:]),
    nrow=8,
    title="dSprites (procedural): shapes; scale, orientation, x, y sweeps",
)
show_grid(axes[1], xs[:24], nrow=6, title="dSprites: random grid points")
show_grid(axes[2], ts["images"], nrow=6, title="textured shapes (stand-in for ILSVRC / BigGAN)")
show_grid(axes[3], ms["images"], nrow=4, title="multi-object dSprites (stand-in for 3D-Room / CLEVR)")
res.show_figure(fig, "datasets")
print(f"dSprites grid {ds.DSPRITES_GRID} = {ds.N_IMAGES:,} images; source: {ds.DSPRITES_SOURCE}")

# %% [markdown]
# ## Fig. 3.1 regenerated (analytic, exact)

# %%
x = np.linspace(-3, 3, 601)
fig, ax = plt.subplots(figsize=(6, 3.2))
for s in (0.1, 0.3, 0.6, 1.0):
    ax.plot(x, 0.5 * (1 + erf(x / (np.sqrt(2) * s))), label=f"MSE optimum (mean), σ = {s}")
ax.plot(x, (x > 0).astype(float), "k--", lw=1, label="L1 optimum (median), any σ")
ax.set(
    xlabel="pixel position x − z₀",
    ylabel="reconstructed intensity",
    title="Fig. 3.1 regenerated: the optimal reconstruction of an edge",
)
save_with_legend(res, ax, "fig_3_1_erf")

# %% [markdown]
# ## Fig. 3.7: the toy, VAE vs AVAE with deterministic G(z) and stochastic G(z, ξ)

# %%
data = toy_data(toy_points, seed=seed, shared_noise=toy_shared_noise).to(dev)
models, hists = {}, {}
for stochastic in (False, True):
    name = "stochastic" if stochastic else "deterministic"
    fw = toy_framework("avae", stochastic=stochastic, latent_loss_kind=latent_loss, lr=toy_lr)
    for n in fw.nets.values():
        n.to(dev)

    def next_batch():
        return data[torch.randint(len(data), (toy_batch,), device=dev)]

    hists[name] = fit_framework(
        fw,
        next_batch,
        toy_steps,
        Path(runs_dir) / f"toy_{name}.pt",
        desc=f"toy {name}",
        seed=seed,
        log_every=max(1, toy_steps // 50),
        stopwatch=clock,
        images_per_step=toy_batch,
    )
    models[name] = fw
print({k: count_params(n) for k, n in models["deterministic"].nets.items()}, "parameters (toy nets)")


# %%
def nn_dist(points, ref):
    return torch.cdist(points, ref).min(1).values.mean().item()


def log_density(points, ref, bw=0.15):
    """Mean log-density of ``points`` under a Gaussian KDE of the data (higher = on the data)."""
    d2 = torch.cdist(points, ref) ** 2
    return (torch.logsumexp(-d2 / (2 * bw**2), 1) - np.log(len(ref) * 2 * np.pi * bw**2)).mean().item()


ref = toy_data(toy_points, seed=seed + 1, shared_noise=toy_shared_noise).to(dev)
zz = torch.linspace(-3, 3, 400, device=dev)[:, None]
fig, axes = plt.subplots(2, 1, figsize=(7, 7), sharex=True)
toy_scores = {}
for ax, (name, fw) in zip(axes, models.items(), strict=False):
    fw.train(False)
    with torch.no_grad():
        curve_vae = fw.nets["D"](zz).cpu()
        curve_gen = fw.nets["G"](fw._gen_input(zz)).cpu()
        # both reconstruct from the same latent, the encoder's mean μ (the VAE decoder D(μ) vs the generator
        # G(μ) or G(μ, ξ)), so the comparison is of the decoders, not of the latent noise (issue 13)
        mu = fw.nets["E"](ref[:2000])[0]
        rec_vae = fw.nets["D"](mu)
        rec_avae = fw.nets["G"](fw._gen_input(mu))
        samples = fw.sample(2000)
    toy_scores[name] = {
        "vae_recon_nn_dist": nn_dist(rec_vae, ref),
        "avae_recon_nn_dist": nn_dist(rec_avae, ref),
        "avae_sample_nn_dist": nn_dist(samples, ref),
        "vae_recon_log_density": log_density(rec_vae, ref),
        "avae_recon_log_density": log_density(rec_avae, ref),
        "data_nn_dist": nn_dist(toy_data(2000, seed=seed + 2).to(dev), ref),
        "recon_latent": "mu",
    }
    d = ref.cpu()
    ax.scatter(d[:, 0], d[:, 1], s=1, c="0.75", label="data")
    if name == "stochastic":
        s = samples.cpu()
        ax.scatter(s[:, 0], s[:, 1], s=1, c="tab:orange", alpha=0.4, label="AVAE samples G(z, ξ)")
    ax.plot(curve_vae[:, 0], curve_vae[:, 1], "k:", lw=2, label="VAE decoder D(z)")
    sc = ax.scatter(
        curve_gen[:, 0],
        curve_gen[:, 1],
        c=zz.cpu()[:, 0],
        cmap="viridis",
        s=4,
        label="AVAE generator G(z" + (", ξ)" if name == "stochastic" else ")"),
    )
    ax.set_title(f"Fig. 3.7 regenerated ({name} generator, {tier} tier, {toy_steps} steps)", fontsize=9)
    ax.legend(fontsize=7, markerscale=4, loc="lower right")
fig.colorbar(sc, ax=axes, label="latent z")
res.show_figure(fig, "fig_3_7_toy")
toy_scores  # noqa: B018

# %%
res.save_metrics(
    dsprites_grid=list(ds.DSPRITES_GRID),
    dsprites_n=ds.N_IMAGES,
    dsprites_source=ds.DSPRITES_SOURCE,
    dsprites_white_fraction=float(xs.float().mean() / 255),
    toy=toy_scores,
    toy_steps=toy_steps,
    latent_loss=latent_loss,
    toy_final={k: h[-1] for k, h in hists.items()},
    throughput=clock.summary(),
)

# %% [markdown]
# # Latent directions for position, scale and brightness in the book's class-conditional GAN
# # (Figs. 4.1, 4.7, 4.8, 4.10)
#
# Algorithm 1 on the GAN of notebook 03 (our stand-in for BigGAN): S trajectories per class, each a chain
# of small transformations of G(z₀, y) (horizontal / vertical shift, zoom, brightness) inverted with the
# blurred MSE in the √d ball, each warm-started from the previous solution; the worst 10 % of the
# reconstructions are dropped. The kept points (z₀, z, δt) of the *training* classes, merged, fit the
# model δt = g(⟨u, z⟩) − g(⟨u, z₀⟩) (monotone piece-wise linear g). Then we traverse z − ⟨z,u⟩u + t·u and
# measure the factor on the generated images — with a saliency network trained on the stand-in's
# ground-truth masks in place of the DSS model — for the training classes and for held-out classes the
# direction never saw. Fig. 4.10: how u's energy splits over the 6 latent chunks.

# %% tags=["parameters"]
tier = "reduced"
results_dir = "results/controlling_generative_models/reduced/05_gan_directions"
runs_dir = "runs/controlling_generative_models/reduced/05_gan_directions"
transforms = ["x", "y", "scale", "brightness"]
traj_per_class = 50  # S per class
deltas = [0.1, 0.2, 0.3, 0.4, 0.5]  # δt grid for each sign (±0.1 … ±0.5 as in the code)
steps_per_target = 50
traj_lr = 0.01
traj_sigma = 3.0
discard_frac = 0.1
fit_epochs = 100
alphas = [-5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5]
eval_per_class = 50
sal_iters = 2000
sal_width = 16
seed = 0
device = "auto"
cpu_threads = 1  # torch threads on CPU (tiny models on a shared 2-core machine: 1 is fastest)

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import torch

from genrep.control import learn_direction, trajectory_stats, traverse
from genrep.control.evaluation import control_precision
from genrep.data import Batcher, to_uint8
from genrep.data.scenes import textured_shapes
from genrep.models.cond_gan import N_CHUNKS, CondGenerator
from genrep.models.saliency import SaliencyNet, measure_factors
from genrep.report import show_grid
from genrep.report.notebook import start_notebook
from genrep.report.papers.cgm_notebooks import save_with_legend
from genrep.train import Checkpointer, train_loop

dev, res, clock = start_notebook(
    tier=tier, results_dir=results_dir, runs_dir=runs_dir, seed=seed, device=device, cpu_threads=cpu_threads
)
gan_path = Path(runs_dir).parent / "03_gan_inversion" / "generator.pt"
if not gan_path.exists():
    raise FileNotFoundError(f"no generator at {gan_path}: run notebook 03_gan_inversion of this tier first")
ck = torch.load(gan_path, map_location="cpu", weights_only=False)
cfg = ck["config"]
G = CondGenerator(**cfg).to(dev)
G.load_state_dict(ck["state"])
G.eval()
for p in G.parameters():
    p.requires_grad_(False)
n_cls, size = cfg["n_classes"], cfg["size"]
train_cls, held_cls = list(range(n_cls // 2)), list(range(n_cls // 2, n_cls))
print(f"GAN: {n_cls} classes at {size} px; directions learned on classes {train_cls}, tested on {held_cls}")

# %% [markdown]
# ## A saliency network on the stand-in's ground-truth masks (in place of DSS)

# %%
sd = textured_shapes(2048, size=size, seed=seed + 7, classes=range(n_cls))
sal = SaliencyNet(sal_width).to(dev)
opt = torch.optim.Adam(sal.parameters(), 1e-3)
sb = Batcher(sd["images"], sd["masks"], batch_size=32, device=dev, seed=seed)


def sal_step(_):
    x, m = next(sb)
    loss = sal.loss(x, m.float() / 255)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    return {"bce": loss.detach()}


train_loop(
    sal_step,
    total_steps=sal_iters,
    state={"sal": sal, "opt": opt, "batches": sb},
    checkpointer=Checkpointer(Path(runs_dir) / "saliency.pt"),
    desc="saliency",
    seed=seed,
    log_every=max(1, sal_iters // 10),
    stopwatch=clock,
)
sal.eval()
test = textured_shapes(512, size=size, seed=seed + 8, classes=range(n_cls))
mf = measure_factors(test["images"].float().to(dev) / 127.5 - 1, sal)
sal_check = {
    "x_corr": float(np.corrcoef(mf["x"].cpu(), test["x"])[0, 1]),
    "y_corr": float(np.corrcoef(mf["y"].cpu(), test["y"])[0, 1]),
    "scale_corr": float(np.corrcoef(mf["scale"].cpu(), test["scale"] ** 2)[0, 1]),
}
print("saliency measurement vs ground truth (correlation):", sal_check)

# %% [markdown]
# ## Algorithm 1 on the training classes, and the direction model of Eq. 4.13

# %%
gen = torch.Generator().manual_seed(seed)
y_tr = torch.tensor(train_cls).repeat_interleave(traj_per_class).to(dev)
z0 = torch.randn(len(y_tr), G.latent_dim, generator=gen).to(dev)
directions, traj_stats, fits = {}, {}, {}
traj_recipe = {"lr": traj_lr, "sigma": traj_sigma, "discard_frac": discard_frac, "epochs": fit_epochs, "seed": seed}
for kind in transforms:
    model, hist, tr = learn_direction(
        lambda z: G(z, y_tr),
        z0,
        kind,
        deltas,
        steps_per_target,
        **traj_recipe,
        stopwatch=clock,
        timer=f"trajectories {kind}",
    )
    directions[kind] = model
    traj_stats[kind] = trajectory_stats(tr) | {
        "err_threshold": float(tr["err"][tr["keep"]].max()),
        "fit_mse_final": hist[-1],
        "fit_mse_first": hist[0],
    }
    fits[kind] = hist
    torch.save(model.state_dict(), Path(runs_dir) / f"direction_{kind}.pt")
traj_stats  # noqa: B018

# %% [markdown]
# ## Fig. 4.7: the measured factor along the direction (training classes, then held-out classes)


# %%
def evaluate(kind, classes):
    yv = torch.tensor(classes).repeat_interleave(eval_per_class).to(dev)
    z = torch.randn(len(yv), G.latent_dim, generator=torch.Generator().manual_seed(seed + 99)).to(dev)
    zs = traverse(z, directions[kind].u.to(dev), alphas)
    vals, valid = [], []
    with torch.no_grad():
        for zt in zs:
            m = measure_factors(G(zt, yv), sal)
            vals.append(m[kind].cpu().numpy())
            valid.append(m["valid"].cpu().numpy() if kind != "brightness" else np.ones(len(yv), bool))
    return np.array(vals), np.array(valid)


control, raw = {}, {}
for kind in transforms:
    for split, cls in (("train classes", train_cls), ("held-out classes", held_cls)):
        v, ok = evaluate(kind, cls)
        raw[(kind, split)] = (v, ok)
        control[f"{kind} / {split}"] = control_precision(alphas, v, ok)
spatial = [k for k in transforms if k != "brightness"]
fig, axes = plt.subplots(2, max(1, len(spatial)), figsize=(4.2 * max(1, len(spatial)), 6.5), squeeze=False)
for j, kind in enumerate(spatial):
    for i, split in enumerate(("train classes", "held-out classes")):
        v, ok = raw[(kind, split)]
        ax = axes[i, j]
        ax.violinplot(
            [v[t][ok[t]] if ok[t].any() else [np.nan] for t in range(len(alphas))],
            positions=alphas,
            widths=0.8,
            showmeans=True,
        )
        ax2 = ax.twinx()
        ax2.plot(alphas, control[f"{kind} / {split}"]["std"], "r.-")
        ax2.set_ylabel("std", color="r", fontsize=8)
        ax.set_title(f"{kind} — {split}", fontsize=9)
        ax.set_xlabel("t (latent coordinate along u)")
fig.suptitle(
    f"Fig. 4.7 regenerated on the book's class-conditional GAN (textured-shapes stand-in, {tier} tier)", fontsize=10
)
fig.tight_layout()
res.show_figure(fig, "fig_4_7_control")
{k: {m: round(v[m], 4) for m in ("mean_std", "spearman", "range", "kept_fraction")} for k, v in control.items()}

# %% [markdown]
# ## Figs. 4.1 / 4.8: traversals, t ∈ [−3, 3]; Fig. 4.10: energy of u per latent chunk

# %%
ts = np.linspace(-3, 3, 7)
yq = torch.tensor(held_cls[:1] + train_cls[:1]).to(dev)
zq = torch.randn(len(yq), G.latent_dim, generator=torch.Generator().manual_seed(seed + 5)).to(dev)
strips = []
with torch.no_grad():
    for kind in transforms:
        imgs = G(
            traverse(zq, directions[kind].u.to(dev), ts).transpose(0, 1).reshape(-1, G.latent_dim),
            yq.repeat_interleave(len(ts)),
        )
        strips.append(to_uint8(imgs.cpu()))
fig, ax = plt.subplots(figsize=(7, 1.1 * 2 * len(transforms)))
show_grid(
    ax,
    torch.cat(strips),
    nrow=len(ts),
    title=f"Fig. 4.8 regenerated: rows in pairs per direction {transforms} (held-out class, train class), t = −3…3",
)
res.show_figure(fig, "fig_4_8_traversals")
chunk_energy = {k: (directions[k].u.reshape(N_CHUNKS, -1) ** 2).sum(1).tolist() for k in transforms}
fig, ax = plt.subplots(figsize=(6, 3))
w = 0.8 / len(transforms)
for i, k in enumerate(transforms):
    ax.bar(np.arange(N_CHUNKS) + i * w, chunk_energy[k], width=w, label=k)
ax.set(xlabel="latent chunk (0 = input layer)", ylabel="‖u_k‖²", title=f"Fig. 4.10 regenerated ({tier} tier)")
ax.set_xticks(np.arange(N_CHUNKS) + 0.4 - w / 2, [str(i) for i in range(N_CHUNKS)])
save_with_legend(res, ax, "fig_4_10_chunks")
chunk_energy  # noqa: B018

# %%
res.save_metrics(
    saliency_check=sal_check,
    trajectories=traj_stats,
    control=control,
    chunk_energy=chunk_energy,
    train_classes=train_cls,
    heldout_classes=held_cls,
    alphas=alphas,
    fit_history=fits,
    throughput=clock.summary(),
)

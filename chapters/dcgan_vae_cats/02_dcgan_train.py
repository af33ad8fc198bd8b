# %% [markdown]
# # Training the DCGAN (Table 4.1, Figures 4.1–4.4)
#
# The network is the PyTorch DCGAN tutorial's, exactly as the authors' notebook has it (spec §3.1):
# transposed convolutions 100→512→256→128→64→3 with BatchNorm and ReLU, a Tanh output, a mirrored
# discriminator with LeakyReLU(0.2) and a Sigmoid, PyTorch's default initialisation, BCE losses, Adam
# (2e-4, β = (0.5, 0.999)), batch 128. Each step updates D on real and fake images, then G with the
# non-saturating loss on the **same** fakes (the code; the report's pseudocode samples fresh noise —
# parameter `g_step_fresh_noise`).
#
# **The schedule is counted in generator updates (iterations), as the report ran it.** Its 50 epochs over
# 29,843 images are 50 × 234 = 11,700 updates: 233 batches of 128 and a last batch of 19 images per epoch.
# Our 9,303 distinct faces would make "50 epochs" only 3,650 updates (31 % of the report's optimisation), so
# with `schedule = "report"` an *epoch* here means one of the report's epochs — 234 updates, the last on 19
# images — drawn from our shuffled data; the report's epochs 10 / 30 / 50 are iterations 2,340 / 7,020 /
# 11,700. (`schedule = "data"` makes an epoch one pass over our images instead, with its own remainder.)
#
# Table 4.1 of the report lists the **last minibatch's** losses of each epoch; we log those and the
# epoch means.

# %% tags=["parameters"]
tier = "reduced"
results_dir = "results/dcgan_vae_cats/reduced/02_dcgan_train"
runs_dir = "runs/dcgan_vae_cats/reduced/02_dcgan_train"
seed = 0
device = "auto"
split = "train"
n_images = None
iterations = 11700  # generator updates; the report: 50 epochs x 234 = 11,700
schedule = "report"  # "report": epochs of 234 updates, the last on 19 images; "data": passes over our images
batch_size = 128
lr = 2e-4
betas = [0.5, 0.999]
latent_dim = 100
g_features = 64
d_features = 64
init = "torch_default"  # or "dcgan_normal" (the tutorial's N(0, 0.02), not used by the authors)
g_step_fresh_noise = False  # True: the report's pseudocode (fresh z for the G step)
snapshot_iterations = [2340, 4680, 7020, 9360]  # Figures 4.1-4.4: the report's epochs 10 / 20 / 30 / 40
ckpt_iterations = [2340, 7020, 11700]  # generators kept for 03_dcgan_eval (epochs 10 / 30 / 50)

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch

from genrep.data import Batcher, load_or_standin
from genrep.models.dcgan import DCGANDiscriminator, DCGANGenerator
from genrep.models.init import init_normal
from genrep.report import Results, minmax_uint8, show_grid
from genrep.report.notebook import data_fields
from genrep.train import Checkpointer, Snapshots, Stopwatch, count_params, prepare_device, seed_everything, train_loop
from genrep.train.gan_step import dcgan_optimizers, dcgan_step, report_schedule, to_channels_last

seed_everything(seed)
dev = prepare_device(device)
res = Results(results_dir, tier)
Path(runs_dir).mkdir(parents=True, exist_ok=True)  # generator checkpoints for 03_dcgan_eval go here
data = load_or_standin("cats64", split, n=n_images, seed=0)
batches = Batcher(
    data.images, batch_size=batch_size, device=dev, shuffle=True, seed=seed, drop_last=schedule == "report"
)
sched = report_schedule(schedule, n_images=len(data.images), batch_size=batch_size)
for name, its in [("ckpt_iterations", ckpt_iterations), ("snapshot_iterations", snapshot_iterations)]:
    if any(not 1 <= i <= iterations for i in its):
        raise ValueError(f"{name} {its} must lie in 1..iterations={iterations}")
# NHWC weights and fused Adam: faster on CPU and GPU, same model (benchmarks/dcgan_speed.py)
G = to_channels_last(DCGANGenerator(nz=latent_dim, ngf=g_features).to(dev))
D = to_channels_last(DCGANDiscriminator(ndf=d_features).to(dev))
if init == "dcgan_normal":
    G.apply(init_normal)
    D.apply(init_normal)
elif init != "torch_default":
    raise ValueError(f"init must be 'torch_default' or 'dcgan_normal', got {init!r}")
opt_g, opt_d = dcgan_optimizers(G, D, lr=lr, betas=betas)
steps_per_epoch, last_batch = sched.steps_per_epoch, sched.last_batch
fixed_z = torch.randn(16, latent_dim, generator=torch.Generator().manual_seed(1234)).to(dev)
snaps = Snapshots()
print(
    f"{data.title}: {len(data.images)} images; {iterations:,} iterations = {iterations / steps_per_epoch:.2f} "
    f"epochs of {steps_per_epoch} steps (last batch {last_batch}; schedule {schedule!r}); "
    f"G {count_params(G):,} / D {count_params(D):,} parameters, device {dev}"
)


# %%
def step(i):
    x = sched.batch(i, next(batches))  # the report's 19-image batch closes each of its epochs
    clock.count("train", steps=1, images=len(x))  # only the steps run in this session (a resume runs fewer)
    d_loss, g_loss, fake = dcgan_step(G, D, opt_g, opt_d, x, latent_dim=latent_dim, fresh_noise=g_step_fresh_noise)
    it = i + 1
    if it in snapshot_iterations:  # the authors' grid (last batch) and a fixed-z grid in eval mode
        snaps.keep(f"last_batch_{it}", minmax_uint8(fake[:16]))
        G.eval()
        with torch.no_grad():
            snaps.keep(f"fixed_z_{it}", minmax_uint8(G(fixed_z)))
        G.train()
    if it in ckpt_iterations:
        torch.save(G.state_dict(), Path(runs_dir) / f"G_iter{it}.pt")
    return {"d_loss": d_loss, "g_loss": g_loss, "batch": float(len(x))}


clock = Stopwatch(dev)
with clock.timed("train"):
    history = train_loop(
        step,
        total_steps=iterations,
        log_every=1,
        desc="DCGAN",
        state={"G": G, "D": D, "opt_g": opt_g, "opt_d": opt_d, "batches": batches, "snaps": snaps},
        checkpointer=Checkpointer(Path(runs_dir) / "ckpt.pt", every_minutes=5),
    )
torch.save(D.state_dict(), Path(runs_dir) / "D_final.pt")

# %% [markdown]
# ## The loss log (Table 4.1 regenerated) and the loss curves

# %%
h = pd.DataFrame(history)
h["epoch"] = h["step"] // steps_per_epoch + 1
h = h[h.groupby("epoch")["step"].transform("size") == steps_per_epoch] if len(h) >= steps_per_epoch else h
log = (
    h.groupby("epoch")
    .agg(
        iteration=("step", "last"),
        d_last=("d_loss", "last"),
        g_last=("g_loss", "last"),
        last_batch=("batch", "last"),
        d_mean=("d_loss", "mean"),
        g_mean=("g_loss", "mean"),
    )
    .reset_index()
)
log["iteration"] += 1  # complete epochs only: their last batch is the one Table 4.1 lists
h = pd.DataFrame(history)
fig, ax = plt.subplots(1, 2, figsize=(10, 3))
ax[0].plot(h["step"] + 1, h["d_loss"], lw=0.4, alpha=0.5, label="D, every step")
ax[0].plot(log.iteration, log.d_last, "o-", ms=3, label="D, last batch (Table 4.1)")
ax[0].plot(log.iteration, log.d_mean, "s-", ms=3, label="D, epoch mean")
ax[1].plot(h["step"] + 1, h["g_loss"], lw=0.4, alpha=0.5, label="G, every step")
ax[1].plot(log.iteration, log.g_last, "o-", ms=3, label="G, last batch (Table 4.1)")
ax[1].plot(log.iteration, log.g_mean, "s-", ms=3, label="G, epoch mean")
for a in ax:
    a.set_xlabel(f"iteration (epoch = {steps_per_epoch} iterations)")
    a.legend(fontsize=7)
ax[0].axhline(2 * np.log(2), color="k", ls=":", lw=0.8)
fig.suptitle(f"DCGAN losses — {data.title} ({tier} tier)", fontsize=9)
res.show_figure(fig, "losses")
log.round(4)

# %% [markdown]
# ## Samples during training (Figures 4.1–4.4)
# The report's figures show epochs 10, 20, 30 and 40 (`snapshot_iterations`; a shorter tier names its own).
# Left: the authors' grids (16 images of the last training batch, min-max normalised). Right: a fixed
# latent batch through G in eval mode, so the iterations are comparable.

# %%
show = sorted(int(k.split("_")[-1]) for k in snaps if k.startswith("last_batch_"))
fig, axes = plt.subplots(len(show), 2, figsize=(10, 1.6 * len(show)), squeeze=False)
for row, it in zip(axes, show, strict=False):
    ep = f"epoch {it / steps_per_epoch:g}"
    show_grid(
        row[0], snaps[f"last_batch_{it}"], nrow=8, title=f"iteration {it:,} ({ep}): last batch (as in the report)"
    )
    show_grid(row[1], snaps[f"fixed_z_{it}"], nrow=8, title=f"iteration {it:,} ({ep}): fixed z, eval mode")
fig.suptitle(f"{data.title} ({tier} tier)", fontsize=9)
res.show_figure(fig, "samples_during_training")

# %%
res.save_metrics(
    **data_fields(data, count="n_images"),
    iterations=iterations,
    schedule=schedule,
    epochs=iterations / steps_per_epoch,
    steps_per_epoch=steps_per_epoch,
    last_batch=last_batch,
    g_params=count_params(G),
    d_params=count_params(D),
    epoch_log=log.to_dict("records"),
    ckpt_iterations=ckpt_iterations,
    latent_dim=latent_dim,
    g_features=g_features,
    throughput=clock.summary(),
)

# %% [markdown]
# # Rectified flow in pixel space ("RF-UNet"), Figure 1, the MNIST sanity run and the ODE-step sweep
#
# The report trains a 1-rectified flow (Liu et al. 2022, no reflow) whose velocity field is a conv U-Net:
# kernel 3, two convs per resolution step (one with stride 2), channels doubling, GELU and "layer
# normalisation", with Fourier-encoded time added to the encoder activations. Unstated details follow the
# spec (§3.1): channels (64, 128, 256, 512), GroupNorm(1, C) as the "layer norm", a 256-d time projection,
# zero-initialised head — 10.4 M parameters at the full tier — AdamW 2e-4, batch 128, 1k warm-up steps,
# grad-clip 1, EMA 0.999 for sampling, Euler ODE with 100 steps from noise (t=0) to data (t=1). Samples are
# clamped and quantised to uint8 before anything scores them. The loss and sampler are the book's shared
# `genrep.diffusion.rf_loss` / `rf_sample`.
#
# The reduced tier shrinks everything (24×32 images, base 16, 300 steps): its samples show that the code
# path works, not what the model can do.

# %% tags=["parameters"]
tier = "reduced"
results_dir = "results/rectified_flow_cars/reduced/02_rf_unet"
runs_dir = "runs/rectified_flow_cars/reduced/02_rf_unet"
seed = 0
device = "auto"
dataset = "synthcars"  # "synthcars" | "cars"
n_train = 6000  # training images (SynthCars drawn; Stanford Cars has 635 training photos)
height = 96
width = 128
base_ch = 64
ch_mult = [1, 2, 4, 8]
norm = "layer"
time_freqs = 32
time_in_decoder = False
lr = 2e-4
batch_size = 128
epochs = 1000
steps = None  # None means epochs × n_train / batch_size
warmup_steps = 1000
grad_clip = 1.0
ema_decay = 0.999
hflip = False
sampler = "euler"
nfe = 100
nfe_sweep = [1, 2, 4, 8, 16, 32, 64, 100]
n_samples = 16000
n_sweep_samples = 4000
compile = True
feature_extractor = "cifarnet"
run_sanity = True  # MNIST resized to 16×16 (the report's sanity check)
sanity_n = 60000
sanity_base_ch = 32
sanity_steps = 5000

# %%
import math
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch

from genrep.data import load_or_standin
from genrep.data.rated_cars import load_rated_cars
from genrep.metrics import get_extractor
from genrep.metrics.sample_sets import evaluate_samples
from genrep.models.rf_unet import RectifiedFlowUNet
from genrep.report import show_grid
from genrep.report.notebook import data_fields, start_notebook
from genrep.systems.rectified_flow_cars import sample_rf_images, train_velocity_field
from genrep.train import count_params, timed

nb = start_notebook(tier=tier, results_dir=results_dir, runs_dir=runs_dir, seed=seed, device=device, fast=True)
dev, res, fast = nb.dev, nb.res, nb.fast  # fast: TF32 and the cuDNN autotuner on CUDA (set before seeding)
data = load_rated_cars(dataset, "train", n=n_train, height=height, width=width, seed=seed)
n_steps = int(steps) if steps else math.ceil(epochs * len(data.images) / batch_size)
model = RectifiedFlowUNet(3, base_ch, tuple(ch_mult), norm, time_freqs, time_in_decoder=time_in_decoder)
print(
    f"{data.title}; RF-UNet {count_params(model):,} parameters; {n_steps} steps of batch {batch_size} "
    f"({n_steps * batch_size / len(data.images):.1f} epochs) on {dev}"
)

# %% [markdown]
# ## Sanity run: MNIST at 16×16 (the report mentions it but shows nothing)

# %%
sanity = {}
if run_sanity:
    mn = load_or_standin("mnist", "train", size=16, n=sanity_n, seed=seed)
    sm = RectifiedFlowUNet(1, sanity_base_ch, (1, 2), norm, time_freqs)
    s_ema, s_hist, _ = train_velocity_field(
        sm,
        mn.images,
        steps=sanity_steps,
        batch_size=min(batch_size, 128),
        lr=max(lr, 1e-3),
        warmup_steps=min(warmup_steps, sanity_steps // 10),
        ema_decay=ema_decay if sanity_steps > 2000 else 0.99,
        seed=seed,
        device=dev,
        checkpoint=Path(runs_dir) / "sanity.ckpt",
        desc="RF MNIST-16",
    )
    s_imgs = sample_rf_images(s_ema.module, 32, (1, 16, 16), nfe=min(nfe, 50), method=sampler, seed=seed, device=dev)
    fig, ax = plt.subplots(figsize=(6, 3))
    show_grid(ax, s_imgs, nrow=8, title=f"Fig. S1: RF samples, {mn.title} at 16×16 ({sanity_steps} steps, {tier})")
    res.show_figure(fig, "figS1_mnist16")
    sanity = {
        "data": mn.title,
        "steps": sanity_steps,
        "loss_first": s_hist[0]["loss"],
        "loss_last": s_hist[-1]["loss"],
        "params": count_params(sm),
    }
sanity  # noqa: B018

# %% [markdown]
# ## Training on cars

# %%
ema, hist, speed = train_velocity_field(
    model,
    data.images,
    steps=n_steps,
    batch_size=batch_size,
    lr=lr,
    warmup_steps=warmup_steps,
    grad_clip=grad_clip,
    ema_decay=ema_decay,
    hflip=hflip,
    seed=seed,
    device=dev,
    checkpoint=Path(runs_dir) / "rf_unet.ckpt",
    desc="RF-UNet",
    log_every=max(1, n_steps // 200),
    compile=compile,
)
h = pd.DataFrame(hist)
fig, ax = plt.subplots(figsize=(5, 3))
ax.plot(h.step, h.loss, lw=0.8)
ax.set(xlabel="step", ylabel="RF loss (MSE per pixel)", yscale="log", title=f"RF-UNet on {data.title} ({tier})")
res.show_figure(fig, "rf_loss")

# %% [markdown]
# ## Figure 1 regenerated: random, unselected RF-UNet samples, and the 16,000-sample pool

# %%
shape = (3, height, width)
sampling = {}
with timed("sample", sampling, dev, images=n_samples):
    samples = sample_rf_images(ema.module, n_samples, shape, nfe=nfe, method=sampler, seed=seed + 1, device=dev)
print(f"{n_samples} samples at {nfe} NFE: {sampling['sample']['images_per_s']:.1f} images/s")
np.savez_compressed(Path(runs_dir) / "samples.npz", rf_unet=samples.numpy())
fig, ax = plt.subplots(figsize=(9, 3.2))
show_grid(ax, samples[:32], nrow=8, title=f"Fig. 1: RF-UNet samples ({sampler}, {nfe} NFE) — {data.title}, {tier} tier")
res.show_figure(fig, "fig1_rf_unet_samples")

# %% [markdown]
# ## Sample quality against the training set (named proxy extractor, never "FID" without Inception)

# %%
ext = get_extractor(feature_extractor, dev)
train_feats = ext(data.images)
report = evaluate_samples(samples, data.images, ext, train_feats=train_feats, seed=seed)
pd.Series(report)

# %% [markdown]
# ## Ablation A8: ODE steps (Euler and Heun) against the same noise

# %%
sweep = []
n_sw = min(n_sweep_samples, n_samples)
for method in ("euler", "heun"):
    for k in nfe_sweep:
        if method == "heun" and k < 3:
            continue
        imgs = sample_rf_images(ema.module, n_sw, shape, nfe=k, method=method, seed=seed + 2, device=dev)
        r = evaluate_samples(imgs, data.images, ext, train_feats=train_feats, seed=seed)
        sweep.append(
            {
                "method": method,
                "nfe": k,
                "fd": r["fd"],
                "precision": r["precision"],
                "recall": r["recall"],
                "sharpness_rel": r["sharpness_rel"],
                "grid": imgs[:8],
            }
        )
sw = pd.DataFrame(sweep)
fig, axes = plt.subplots(1, 2, figsize=(11, 3.2), gridspec_kw={"width_ratios": [1, 1.6]})
for method, g in sw.groupby("method"):
    axes[0].plot(g.nfe, g.fd, "o-", label=method)
axes[0].set(xscale="log", xlabel="NFE", ylabel=report["metric"], title=f"Fig. S4: {report['metric']} vs NFE ({tier})")
axes[0].legend()
eul = sw[sw.method == "euler"]
show_grid(axes[1], torch.cat(list(eul.grid)), nrow=8, title="Euler, one row per NFE " + str(list(eul.nfe)))
res.show_figure(fig, "figS4_nfe_sweep")
sw.drop(columns="grid").round(4)

# %%
res.save_metrics(
    **data_fields(data, dataset=dataset, count="n_train"),
    params=count_params(model),
    steps=n_steps,
    batch_size=batch_size,
    epochs_run=n_steps * batch_size / len(data.images),
    loss_first=hist[0]["loss"],
    loss_last=hist[-1]["loss"],
    history=hist,
    methods={"rf_unet": report},
    nfe=nfe,
    sampler=sampler,
    nfe_sweep=sw.drop(columns="grid").to_dict("records"),
    sanity=sanity,
    throughput={**speed, **sampling},
    setup_fast=fast,
)

# %% [markdown]
# # The DDPM baseline (Ho et al. 2020)
#
# The thesis compares with a DDPM at T = 1000 whose configuration it does not state (spec §3.6). We use Ho et
# al.'s recipe: pixels scaled to [−1, 1] (no dequantization), the DDPM U-Net, ε-prediction with an L2 loss
# (the "MSE" the thesis reports: 0.029 on MNIST, 0.033 on CelebA), β linear 1e-4 → 0.02 (scaled by 1000/T for
# shorter chains), σ_t² = β_t, ancestral sampling with the predicted x0 clipped to [−1, 1], Adam 2e-4 with a
# warm-up, EMA of the weights. The `timesteps` arm at half T is the control that the thesis lacks: it
# separates "Diffused-Flows samples faster" from "Diffused-Flows uses half as many steps".

# %% tags=["parameters"]
tier = "reduced"
results_dir = "results/diffusion_augmented_flows/reduced/03_ddpm_baseline"
runs_dir = "runs/diffusion_augmented_flows/reduced/03_ddpm_baseline"
seed = 0
device = "auto"
cpu_threads = 1
dataset = "mnist"
image_size = 32
n_train = None
n_test = None
hflip = False
timesteps = 1000
beta_schedule = "linear_scaled"
sigma_kind = "beta"
clip_x0 = True
unet_channels = 64
ch_mult = [1, 2, 2, 2]
unet_res_blocks = 2
attn_res = [16]
unet_dropout = 0.1
lr_unet = 2e-4
warmup = 5000
cosine = True
grad_clip = 1.0
ema_decay = 0.9999
epochs = 300
batch_size = 128
max_minutes = None
n_fid = 10000
fid_extractors = []  # true FID: ["inception", "inception192"] (n_fid samples vs n_fid test images)
fid_boot = 200
fid_repeats = 20
n_timing = 25
timing_repeats = 5
n_eval = 10000
sample_batch = 1000

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import torch

from genrep.data import Batcher, random_hflip, to_float, to_uint8
from genrep.diffusion import GaussianDiffusion
from genrep.flows.preprocess import load_train_test
from genrep.metrics.sampling import sample_uint8, score_samples, time_sampling
from genrep.models.unet import DDPMUNet
from genrep.report import show_grid
from genrep.report.notebook import data_fields, start_notebook
from genrep.train import EMA, autocast, count_params
from genrep.train.budget import adam_with_schedule, epoch_means, tenths, train_epochs
from genrep.train.update import apply_update

dev, res, clock = start_notebook(
    tier=tier, results_dir=results_dir, runs_dir=runs_dir, seed=seed, device=device, cpu_threads=cpu_threads
)
train, test = load_train_test(dataset, image_size, n_train, n_test, seed)
shape = tuple(train.images.shape[1:])
batches = Batcher(train.images, batch_size=batch_size, device=dev, seed=seed)  # [-1, 1]
steps_per_epoch, total_steps = len(batches), epochs * len(batches)
unet = DDPMUNet(shape[0], unet_channels, tuple(ch_mult), unet_res_blocks, tuple(attn_res), unet_dropout, shape[1]).to(
    dev
)
diffusion = GaussianDiffusion(timesteps, beta_schedule, sigma_kind=sigma_kind, clip_x0=clip_x0)
opt, sched = adam_with_schedule([{"params": unet.parameters(), "lr": lr_unet, "warmup": warmup}], total_steps, cosine)
ema = EMA(unet, decay=ema_decay, warmup=True)
print(
    f"{train.title} ({train.source}): {len(train.images)} train images {shape}; U-Net {count_params(unet):,} "
    f"parameters; {diffusion}; {steps_per_epoch} steps/epoch × {epochs} epochs; {tier} tier"
)


# %%
def step(i):
    x = next(batches)
    if hflip:
        x = random_hflip(x)
    with autocast(dev):
        loss = diffusion.loss(unet, x)
    apply_update(loss, unet, opt, sched, grad_clip, ema)
    return {"mse": loss, "lr": opt.param_groups[0]["lr"]}


state = {"unet": unet, "opt": opt, "sched": sched, "ema": ema, "batches": batches}
history = train_epochs(
    step, epochs=epochs, steps_per_epoch=steps_per_epoch, runs_dir=runs_dir, state=state, max_minutes=max_minutes,
    seed=seed, desc="DDPM", log_every=1, stopwatch=clock, images_per_step=batch_size,
)  # fmt: skip
epoch_log = epoch_means(history, steps_per_epoch, {"train_mse": "mse"})

# %% [markdown]
# ## Final training MSE (what the thesis reports), test MSE, samples and sampling time

# %%
model = ema.module.eval()
xe = to_float(test.images[:n_eval].to(dev))
with torch.no_grad(), autocast(dev):
    test_mse = float(np.mean([diffusion.loss(model, xe[i : i + 500]).item() for i in range(0, len(xe), 500)]))


def sample(n):
    with autocast(dev):
        return diffusion.sample(model, (n, *shape), device=dev, progress=False)


samples = sample_uint8(lambda n: to_uint8(sample(n)), n_fid, sample_batch, clock)
timing = time_sampling(lambda: sample(n_timing), dev, repeats=timing_repeats)
cnn = Path(runs_dir).parent / "01_data" / f"smallcnn_{image_size}.pt"  # the data notebook's MNIST classifier
scores = score_samples(
    samples, test.images, dataset=dataset, classifier_path=cnn, device=dev, image_size=image_size, n_fid=n_fid,
    fid_repeats=fid_repeats, fid_extractors=fid_extractors, fid_boot=fid_boot, seed=seed, tier=tier,
)  # fmt: skip
fd_name, fd = scores["fd_name"], scores["fd"]
final_mse = float(epoch_log.train_mse.iloc[-1])
print(
    f"final train MSE {final_mse:.4f}, test MSE {test_mse:.4f} ({tier} tier); {fd_name}: {fd['large']:.2f} "
    f"(n={fd['large_n']}); {n_timing} samples ({timesteps} steps) in {timing['median_s']:.3f} s"
)

# %%
fig, ax = plt.subplots(1, 2, figsize=(10, 4))
ax[0].plot(epoch_log.epoch, epoch_log.train_mse, "o-", ms=3)
ax[0].set(xlabel="epoch", ylabel="train ε-MSE", title=f"DDPM training, T = {timesteps} ({tier} tier)")
show_grid(ax[1], samples[:25], nrow=5, title=f"DDPM samples, {train.title}")
res.show_figure(fig, "training_and_samples")
res.save_images("samples25", samples[:25])

# %%
res.save_metrics(
    **data_fields(train, dataset=dataset, count="n_train"),
    model="ddpm",
    image_size=image_size,
    shape=list(shape),
    timesteps=timesteps,
    beta_schedule=beta_schedule,
    unet_channels=unet_channels,
    ch_mult=ch_mult,
    unet_res_blocks=unet_res_blocks,
    epochs=epochs,
    batch_size=batch_size,
    params=count_params(unet),
    final_train_mse=final_mse,
    train_mse_tenths=tenths(history, "mse", total_steps),
    test_mse=test_mse,
    epoch_log=epoch_log.to_dict("records"),
    **scores,
    timing=timing,
    n_timing=n_timing,
    sec_per_step=timing["median_s"] / timesteps,
    throughput=clock.summary(),
)

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
import pandas as pd
import torch

from genrep.data import Batcher, random_hflip, to_float, to_uint8
from genrep.diffusion import GaussianDiffusion
from genrep.flows.preprocess import load_train_test
from genrep.metrics.sampling import fd_protocols, feature_fn, time_sampling, true_fid
from genrep.models.unet import DDPMUNet
from genrep.report import Results, show_grid
from genrep.train import EMA, Checkpointer, Stopwatch, autocast, count_params, prepare_device, seed_everything
from genrep.train.budget import TrainingPaused, adam_with_schedule, train_for

seed_everything(seed)
dev = prepare_device(device, cpu_threads)
res = Results(results_dir, tier)
Path(runs_dir).mkdir(parents=True, exist_ok=True)
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
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(unet.parameters(), grad_clip)
    opt.step()
    sched.step()
    ema.update(unet)
    return {"mse": loss, "lr": opt.param_groups[0]["lr"]}


clock = Stopwatch(dev)
history, complete = train_for(
    step,
    total_steps=total_steps,
    chunk_steps=steps_per_epoch,
    max_minutes=max_minutes,
    checkpointer=Checkpointer(Path(runs_dir) / "ckpt.pt", every_minutes=5),
    state={"unet": unet, "opt": opt, "sched": sched, "ema": ema, "batches": batches},
    seed=seed,
    desc="DDPM",
    log_every=1,
    stopwatch=clock,
    images_per_step=batch_size,
)
if not complete:
    raise TrainingPaused(f"stopped after max_minutes={max_minutes}: run this notebook again to continue training")
h = pd.DataFrame(history)
h["epoch"] = h["step"] // steps_per_epoch + 1
epoch_log = h.groupby("epoch").agg(train_mse=("mse", "mean")).reset_index()
tenths = h.groupby(h["step"] * 10 // total_steps)["mse"].mean().tolist()  # the training curve in tenths

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


with clock.timed("sampling", images=n_fid):
    samples = torch.cat([to_uint8(sample(min(sample_batch, n_fid - i))).cpu() for i in range(0, n_fid, sample_batch)])
timing = time_sampling(lambda: sample(n_timing), dev, repeats=timing_repeats)
feats, fd_name = feature_fn(dataset, Path(runs_dir).parent / "01_data" / f"smallcnn_{image_size}.pt", dev, image_size)
fd = fd_protocols(feats, samples, test.images, small_repeats=fid_repeats, large_n=n_fid, seed=seed)
n_true = min(n_fid, len(samples), len(test.images))
fid = true_fid(samples[:n_true], test.images[:n_true], fid_extractors, fid_boot, seed, dev) if fid_extractors else {}
for f in fid.values():
    print(
        f"{f['metric']} {f['value']:.2f} ({f['n_fake']} samples vs {f['n_real']} test images, "
        f"TF-Inception; {tier} tier)"
    )
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
res.save_figure(fig, "training_and_samples")
plt.show()
res.save_images("samples25", samples[:25])

# %%
res.save_metrics(
    model="ddpm",
    dataset=dataset,
    data=train.title,
    data_source=train.source,
    n_train=len(train.images),
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
    train_mse_tenths=tenths,
    test_mse=test_mse,
    epoch_log=epoch_log.to_dict("records"),
    fd_name=fd_name,
    fd=fd,
    true_fid=fid,
    timing=timing,
    n_timing=n_timing,
    sec_per_step=timing["median_s"] / timesteps,
    throughput=clock.summary(),
)

# %% [markdown]
# # The NSF baseline: a multi-scale rational-quadratic spline flow
#
# The thesis's flow baseline is Neural Spline Flows (Durkan et al. 2019) with "48 flows" on MNIST and "80 flows"
# on CelebA, twice the depth of the Diffused-Flows flow (spec §3.6). We build the NSF reference image flow:
# 8-bit uniform dequantization and x/256 − 0.5 inside the flow, then per level a 2×2 squeeze,
# `steps_per_level` × [ActNorm → LU 1×1 conv → RQ-spline coupling (K bins on [−B, B], linear tails, a
# ConvResidualNet conditioner)], a final 1×1 conv, and a multi-scale split. It is trained by maximum likelihood,
# −log p(x) = −log N(f(x); 0, I) − log|det J_f(x)|, and scored in bits/dim on the test split (one
# dequantization draw per image). Samples are x = f⁻¹(z), z ~ N(0, I) at temperature 1, in eval mode
# (the conditioners use BatchNorm).

# %% tags=["parameters"]
tier = "reduced"
results_dir = "results/diffusion_augmented_flows/reduced/02_nsf_baseline"
runs_dir = "runs/diffusion_augmented_flows/reduced/02_nsf_baseline"
seed = 0
device = "auto"
cpu_threads = 1
dataset = "mnist"
image_size = 32
n_train = None
n_test = None
num_bits = 8
hflip = False
levels = 3
steps_per_level = 16
multi_scale = True
hidden_channels = 64
nflow_res_blocks = 2
num_bins = 4
tail_bound = 3.0
dropout = 0.0
batchnorm = True
lr_flow = 5e-4
cosine = True
grad_clip = 1.0
ema_decay = 0.9999
epochs = 300
batch_size = 128
temperature = 1.0
max_minutes = None
n_fid = 10000
fid_extractors = []  # true FID: ["inception", "inception192"] (n_fid samples vs n_fid test images)
fid_boot = 200
fid_repeats = 20
n_timing = 25
timing_repeats = 5
n_eval = 10000

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import torch

from genrep.data import Batcher, random_hflip
from genrep.flows import MultiscaleFlow, dequantize, quantize
from genrep.flows.preprocess import load_train_test
from genrep.metrics.sampling import fd_protocols, feature_fn, latent_gaussianity, time_sampling, true_fid
from genrep.report import Results, show_grid
from genrep.train import EMA, Checkpointer, Stopwatch, count_params, prepare_device, seed_everything
from genrep.train.budget import TrainingPaused, adam_with_schedule, train_for

seed_everything(seed)
dev = prepare_device(device, cpu_threads)
res = Results(results_dir, tier)
Path(runs_dir).mkdir(parents=True, exist_ok=True)
train, test = load_train_test(dataset, image_size, n_train, n_test, seed)
shape = tuple(train.images.shape[1:])
batches = Batcher(train.images, batch_size=batch_size, device=dev, seed=seed, range=(0, 255))
steps_per_epoch, total_steps = len(batches), epochs * len(batches)
flow = MultiscaleFlow(
    shape,
    levels,
    steps_per_level,
    hidden_channels,
    nflow_res_blocks,
    num_bins,
    tail_bound,
    dropout,
    batchnorm,
    multi_scale,
    num_bits,
).to(dev)
with torch.no_grad():  # ActNorm's data-dependent initialisation
    flow(dequantize(batches.sample(min(512, len(train.images))), num_bits))
opt, sched = adam_with_schedule([{"params": flow.parameters(), "lr": lr_flow}], total_steps, cosine)
ema = EMA(flow, decay=ema_decay, warmup=True)
print(
    f"{train.title} ({train.source}): {len(train.images)} train / {len(test.images)} test images {shape}; "
    f"NSF {levels}×{steps_per_level} = {flow.num_transforms} transforms, {count_params(flow):,} parameters; "
    f"{steps_per_epoch} steps/epoch × {epochs} epochs; {tier} tier"
)


# %%
def step(i):
    x = next(batches)
    if hflip:
        x = random_hflip(x)
    loss = flow.bits_per_dim(dequantize(x, num_bits)).mean()
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(flow.parameters(), grad_clip)
    opt.step()
    sched.step()
    ema.update(flow)
    return {"bpd": loss, "lr": opt.param_groups[0]["lr"]}


clock = Stopwatch(dev)
history, complete = train_for(
    step,
    total_steps=total_steps,
    chunk_steps=steps_per_epoch,
    max_minutes=max_minutes,
    checkpointer=Checkpointer(Path(runs_dir) / "ckpt.pt", every_minutes=5),
    state={"flow": flow, "opt": opt, "sched": sched, "ema": ema, "batches": batches},
    seed=seed,
    desc="NSF",
    log_every=1,
    stopwatch=clock,
    images_per_step=batch_size,
)
if not complete:
    raise TrainingPaused(f"stopped after max_minutes={max_minutes}: run this notebook again to continue training")
h = pd.DataFrame(history)
h["epoch"] = h["step"] // steps_per_epoch + 1
epoch_log = h.groupby("epoch").agg(train_bpd=("bpd", "mean")).reset_index()
tenths = h.groupby(h["step"] * 10 // total_steps)["bpd"].mean().tolist()  # the training curve in tenths

# %% [markdown]
# ## Test bits/dim, samples, sampling time and the latent's Gaussianity

# %%
model = ema.module.eval()
g = torch.Generator(device="cpu").manual_seed(seed)
xe = test.images[:n_eval]
with torch.no_grad():
    bpd = torch.cat(
        [
            model.bits_per_dim(dequantize(xe[i : i + 500].to(dev), num_bits, g.manual_seed(seed + i)).to(dev))
            for i in range(0, len(xe), 500)
        ]
    )
    z0 = torch.cat(
        [model(dequantize(xe[i : i + 500].to(dev), num_bits))[0].cpu() for i in range(0, min(len(xe), 1000), 500)]
    )
    samples = torch.cat(
        [quantize(model.sample(min(500, n_fid - i), temperature, dev), num_bits).cpu() for i in range(0, n_fid, 500)]
    )
test_bpd = bpd.mean().item()
gauss = latent_gaussianity(z0)
timing = time_sampling(lambda: model.sample(n_timing, temperature, dev), dev, repeats=timing_repeats)
feats, fd_name = feature_fn(dataset, Path(runs_dir).parent / "01_data" / f"smallcnn_{image_size}.pt", dev, image_size)
fd = fd_protocols(feats, samples, test.images, small_repeats=fid_repeats, large_n=n_fid, seed=seed)
n_true = min(n_fid, len(samples), len(test.images))
fid = true_fid(samples[:n_true], test.images[:n_true], fid_extractors, fid_boot, seed, dev) if fid_extractors else {}
for f in fid.values():
    print(
        f"{f['metric']} {f['value']:.2f} ({f['n_fake']} samples vs {f['n_real']} test images, "
        f"TF-Inception; {tier} tier)"
    )
print(
    f"test bpd {test_bpd:.3f} ({tier} tier); {fd_name}: {fd['large']:.2f} (n={fd['large_n']}), "
    f"{fd['small_mean']:.2f} ± {fd['small_sd']:.2f} (25 vs 25); {n_timing} samples in {timing['median_s']:.3f} s"
)

# %%
fig, ax = plt.subplots(1, 2, figsize=(10, 4))
ax[0].plot(epoch_log.epoch, epoch_log.train_bpd, "o-", ms=3)
ax[0].set(xlabel="epoch", ylabel="train bits/dim", title=f"NSF training ({tier} tier)")
show_grid(ax[1], samples[:25], nrow=5, title=f"NSF samples, {train.title}")
res.save_figure(fig, "training_and_samples")
plt.show()
res.save_images("samples25", samples[:25])
res.save_values("latent_values", z0.flatten()[torch.randperm(z0.numel(), generator=g)[:4000]])

# %%
res.save_metrics(
    model="nsf",
    dataset=dataset,
    data=train.title,
    data_source=train.source,
    n_train=len(train.images),
    n_test=len(test.images),
    image_size=image_size,
    shape=list(shape),
    levels=levels,
    steps_per_level=steps_per_level,
    num_transforms=flow.num_transforms,
    hidden_channels=hidden_channels,
    nflow_res_blocks=nflow_res_blocks,
    epochs=epochs,
    batch_size=batch_size,
    params=count_params(flow),
    test_bpd=test_bpd,
    test_bpd_sd=bpd.std().item(),
    final_train_bpd=float(epoch_log.train_bpd.iloc[-1]),
    train_bpd_tenths=tenths,
    n_eval=len(xe),
    epoch_log=epoch_log.to_dict("records"),
    fd_name=fd_name,
    fd=fd,
    true_fid=fid,
    timing=timing,
    n_timing=n_timing,
    latent_gaussianity=gauss,
    throughput=clock.summary(),
    steps_per_s=clock.summary().get("NSF", {}),
)

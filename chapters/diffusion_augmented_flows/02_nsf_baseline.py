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
import torch

from genrep.data import Batcher, random_hflip
from genrep.flows import MultiscaleFlow, dequantize, quantize
from genrep.flows.preprocess import load_train_test
from genrep.metrics.sampling import latent_gaussianity, sample_uint8, score_samples, time_sampling
from genrep.report import show_grid
from genrep.report.notebook import data_fields, start_notebook
from genrep.train import EMA, count_params
from genrep.train.budget import adam_with_schedule, epoch_means, tenths, train_epochs
from genrep.train.update import apply_update

dev, res, clock = start_notebook(
    tier=tier, results_dir=results_dir, runs_dir=runs_dir, seed=seed, device=device, cpu_threads=cpu_threads
)
train, test = load_train_test(dataset, image_size, n_train, n_test, seed)
shape = tuple(train.images.shape[1:])
batches = Batcher(train.images, batch_size=batch_size, device=dev, seed=seed, range=(0, 255))
steps_per_epoch, total_steps = len(batches), epochs * len(batches)
flow = MultiscaleFlow(
    shape, levels, steps_per_level, hidden_channels, nflow_res_blocks, num_bins, tail_bound, dropout, batchnorm,
    multi_scale, num_bits,
).to(dev)  # fmt: skip
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
    apply_update(loss, flow, opt, sched, grad_clip, ema)
    return {"bpd": loss, "lr": opt.param_groups[0]["lr"]}


state = {"flow": flow, "opt": opt, "sched": sched, "ema": ema, "batches": batches}
history = train_epochs(
    step, epochs=epochs, steps_per_epoch=steps_per_epoch, runs_dir=runs_dir, state=state, max_minutes=max_minutes,
    seed=seed, desc="NSF", log_every=1, stopwatch=clock, images_per_step=batch_size,
)  # fmt: skip
epoch_log = epoch_means(history, steps_per_epoch, {"train_bpd": "bpd"})

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
samples = sample_uint8(lambda n: quantize(model.sample(n, temperature, dev), num_bits), n_fid, 500)
test_bpd = bpd.mean().item()
gauss = latent_gaussianity(z0)
timing = time_sampling(lambda: model.sample(n_timing, temperature, dev), dev, repeats=timing_repeats)
cnn = Path(runs_dir).parent / "01_data" / f"smallcnn_{image_size}.pt"  # the data notebook's MNIST classifier
scores = score_samples(
    samples, test.images, dataset=dataset, classifier_path=cnn, device=dev, image_size=image_size, n_fid=n_fid,
    fid_repeats=fid_repeats, fid_extractors=fid_extractors, fid_boot=fid_boot, seed=seed, tier=tier,
)  # fmt: skip
fd_name, fd = scores["fd_name"], scores["fd"]
print(
    f"test bpd {test_bpd:.3f} ({tier} tier); {fd_name}: {fd['large']:.2f} (n={fd['large_n']}), "
    f"{fd['small_mean']:.2f} ± {fd['small_sd']:.2f} (25 vs 25); {n_timing} samples in {timing['median_s']:.3f} s"
)

# %%
fig, ax = plt.subplots(1, 2, figsize=(10, 4))
ax[0].plot(epoch_log.epoch, epoch_log.train_bpd, "o-", ms=3)
ax[0].set(xlabel="epoch", ylabel="train bits/dim", title=f"NSF training ({tier} tier)")
show_grid(ax[1], samples[:25], nrow=5, title=f"NSF samples, {train.title}")
res.show_figure(fig, "training_and_samples")
res.save_images("samples25", samples[:25])
res.save_values("latent_values", z0.flatten()[torch.randperm(z0.numel(), generator=g)[:4000]])

# %%
res.save_metrics(
    **data_fields(train, dataset=dataset, count="n_train"),
    model="nsf",
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
    train_bpd_tenths=tenths(history, "bpd", total_steps),
    n_eval=len(xe),
    epoch_log=epoch_log.to_dict("records"),
    **scores,
    timing=timing,
    n_timing=n_timing,
    latent_gaussianity=gauss,
    throughput=clock.summary(),
    steps_per_s=clock.summary().get("NSF", {}),
)

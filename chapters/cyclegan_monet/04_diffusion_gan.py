# %% [markdown]
# # Solution 2: the double U-Net diffusion model vs vanilla DDPM (Tables 3.13, 3.14)
#
# The paper's second solution "embeds Stable Diffusion in a GAN". What it builds is a **pixel-space DDPM
# trained from scratch** (no VAE, no text encoder, no pretrained weights) whose ε-network is a chain of
# two time-conditioned U-Nets (DeepFindr's `SimpleUnet`): the **double U-Net** (spec §3.8). The painting
# generator G_M = U2_M ∘ U1_M and the photo generator G_P = U2_P ∘ U1_P are trained together on random
# (painting, photo) pairs that share the timestep t and the noise ε, with the loss
#
# MSE(ε̂_M, ε) + MSE(ε̂_P, ε) + λ_mid · [L1(x_t^M, h_P) + L1(x_t^P, h_M)]
#
# where h is each chain's middle image. The evaluated version has no discriminator. The baseline
# ("Vanilla Stable Diffusion") is one `SimpleUnet` trained on the paintings only. The paper gave both
# 5 h of training; we **match compute**: the double model runs 4 U-Nets per sample, so the vanilla model
# gets 4× the steps. Sampling is unconditional DDPM ancestral sampling (`genrep.diffusion.GaussianDiffusion`)
# with G_M as the ε-network. Two samplers are offered (`sampler`): the thesis's, σ_t² = β_t with the
# predicted x₀ clipped to [−1, 1] (the default, which every table uses), and ref. [12]'s, the posterior
# variance β̃_t with each x_t clamped to [−1, 1] and no x₀ clipping.

# %% tags=["parameters"]
tier = "reduced"
results_dir = "results/cyclegan_monet/reduced/04_diffusion_gan"
runs_dir = "runs/cyclegan_monet/reduced/04_diffusion_gan"
seed = 0
device = "auto"
cpu_threads = 0  # > 0: torch threads on the CPU (1 is fastest for the tiny reduced nets on a busy CPU)
data_source = "auto"
img_size = 256  # the data is loaded at this size, then resized to s2_img_size
n_photo = None
n_monet = None
extractors = "auto"
eps = 0.1
s2_img_size = None  # None means img_size; spec default for the full tier: 128 (upscaled to 256 for scoring)
s2_channels = [64, 128, 256, 512, 1024]
s2_time_emb = 32
T = 300
schedule = "linear"  # ref. [12]: linear β; "linear_scaled" stretches it by 1000/T so a short chain ends in noise
beta_start = 1e-4
beta_end = 0.02
sampler = "thesis"  # "thesis": σ² = β_t, x0 clipped (the tables); "reference": ref. [12]'s β̃_t with x_t clamped
lr = 1e-3
s2_batch = 32
s2_steps_double = 8000
s2_steps_vanilla = 32000
lambda_mid = 1.0
n_samples = 7038
sample_batch = 256
jpeg_quality = 95
log_every = 10

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import torch
import torch.nn.functional as F

from genrep.data import Batcher, to_uint8
from genrep.data.unpaired import load_photo2monet
from genrep.diffusion import GaussianDiffusion
from genrep.metrics.sampling import sample_uint8
from genrep.metrics.studies import resolve_extractors
from genrep.metrics.submission import evaluate_translation
from genrep.models.double_unet import DoubleUNet, double_unet_loss
from genrep.models.simple_unet import DeepFindrUNet
from genrep.report import Results, show_grid
from genrep.report.strips import save_strip
from genrep.train import (
    Checkpointer,
    Stopwatch,
    autocast,
    count_params,
    device_name,
    prepare_device,
    seed_everything,
    setup_fast,
    train_loop,
)

dev = prepare_device(device, cpu_threads)
fast = setup_fast(dev)
seed_everything(seed)
res = Results(results_dir, tier)
Path(runs_dir).mkdir(parents=True, exist_ok=True)
task = load_photo2monet(data_source, img_size, n_photo, n_monet, seed)
S = s2_img_size or img_size


def resize(x):
    return (
        x
        if x.shape[-1] == S
        else to_uint8(
            F.interpolate(x.float(), size=(S, S), mode="bilinear", antialias=True, align_corners=False), (0, 255)
        )
    )


paintings, photos = resize(task.paintings), resize(task.photos)
SAMPLERS = {
    "thesis": {"sigma_kind": "beta", "clip_x0": True},
    "reference": {"sigma_kind": "beta_tilde", "clip_x0": False, "clamp_xt": True},
}
if sampler not in SAMPLERS:
    raise ValueError(f"unknown sampler {sampler!r}; valid: {', '.join(SAMPLERS)}")
diffusion = GaussianDiffusion(T=T, schedule=schedule, beta_start=beta_start, beta_end=beta_end, **SAMPLERS[sampler])
exts = resolve_extractors(extractors, dev)
ref_feats = {e.name: e(task.reference) for e in exts}
clock = Stopwatch(dev)
cl = torch.channels_last if dev.type == "cuda" else torch.contiguous_format
print(task.note, f"| solution 2 at {S}², {diffusion}, {device_name(dev)}")

# %% [markdown]
# ## Training, compute-matched
# Per step the double U-Net runs four U-Nets on a batch (G_M and G_P, two U-Nets each), the vanilla model
# one; `s2_steps_vanilla = 4 × s2_steps_double` equalises the U-Net evaluations.


# %%
def train_vanilla():
    torch.manual_seed(seed)
    net = DeepFindrUNet(s2_channels, s2_time_emb).to(dev, memory_format=cl)
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    data = Batcher(paintings, batch_size=min(s2_batch, len(paintings)), device=dev, seed=seed)

    def step(i):
        x = next(data).contiguous(memory_format=cl)
        with autocast(dev):
            loss = diffusion.loss(net, x)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return {"loss": loss.detach()}

    hist = train_loop(
        step,
        total_steps=s2_steps_vanilla,
        state={"net": net, "opt": opt, "data": data},
        checkpointer=Checkpointer(Path(runs_dir) / "vanilla.ckpt"),
        desc="S2-VAN",
        log_every=log_every,
        seed=seed,
        stopwatch=clock,
        images_per_step=data.batch_size,
        check_every=log_every,
    )
    return net, hist


def train_double():
    torch.manual_seed(seed)
    g_m = DoubleUNet(s2_channels, s2_time_emb).to(dev, memory_format=cl)
    g_p = DoubleUNet(s2_channels, s2_time_emb).to(dev, memory_format=cl)
    opt = torch.optim.Adam(list(g_m.parameters()) + list(g_p.parameters()), lr=lr)
    bs = min(s2_batch, len(paintings))
    pb = Batcher(photos, batch_size=bs, device=dev, seed=seed)
    mb = Batcher(paintings, batch_size=bs, device=dev, seed=seed + 1)

    def step(i):
        p, m = next(pb).contiguous(memory_format=cl), mb.sample(bs).contiguous(memory_format=cl)  # random pairs
        with autocast(dev):
            loss, parts = double_unet_loss(diffusion, g_m, g_p, m, p, lambda_mid)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return {"loss": loss.detach(), **parts}

    hist = train_loop(
        step,
        total_steps=s2_steps_double,
        state={"g_m": g_m, "g_p": g_p, "opt": opt, "photos": pb, "paintings": mb},
        checkpointer=Checkpointer(Path(runs_dir) / "double.ckpt"),
        desc="S2-DUNET",
        log_every=log_every,
        seed=seed,
        stopwatch=clock,
        images_per_step=bs,
        check_every=log_every,
    )
    return g_m, g_p, hist


vanilla, hist_v = train_vanilla()
g_m, g_p, hist_d = train_double()
sizes = {"S2-VAN": count_params(vanilla), "S2-DUNET (G_M + G_P)": count_params(g_m) + count_params(g_p)}
print({k: f"{v:,}" for k, v in sizes.items()})

# %%
fig, ax = plt.subplots(1, 2, figsize=(10, 3))
hv, hd = pd.DataFrame(hist_v), pd.DataFrame(hist_d)
ax[0].plot(hv.step * 1, hv.loss, lw=0.8, label="S2-VAN ε-MSE")
ax[0].plot(hd.step * 4, hd.eps_mse_monet, lw=0.8, label="S2-DUNET ε-MSE (painting chain)")
ax[0].set(xlabel="U-Net evaluations per sample × steps (compute)", yscale="log", title="noise-prediction loss")
ax[0].legend(fontsize=7)
ax[1].plot(hd.step, hd.mid_l1, lw=0.8, color="C2")
ax[1].set(xlabel="step", title="cross-network L1 of the middle images")
fig.suptitle(f"{task.title} — {S}², {tier} tier", fontsize=9)
res.show_figure(fig, "s2_losses")

# %% [markdown]
# ## Sampling and scoring
# Both models sample `n_samples` paintings by ancestral sampling from the same noise; outputs smaller
# than the data are bicubically upscaled before scoring (the Kaggle baseline generated at half size).


# %%
@torch.no_grad()
def sample(net, n, gen_seed):
    net.eval()
    g = torch.Generator(device="cpu").manual_seed(gen_seed)

    def batch(b):  # ancestral sampling from noise drawn on the CPU generator, then to uint8
        x_T = torch.randn(b, 3, S, S, generator=g).to(dev)
        with autocast(dev):
            x = diffusion.sample(net, (b, 3, S, S), device=dev, x_T=x_T, progress=False)
        return to_uint8(x.float().clamp(-1, 1))

    out = sample_uint8(batch, n, sample_batch)
    net.train()
    return out


def upscale(x):
    size = task.reference.shape[-1]
    if x.shape[-1] == size:
        return x
    return to_uint8(F.interpolate(x.float(), size=(size, size), mode="bicubic", align_corners=False), (0, 255))


with clock.timed("sample S2-VAN", images=n_samples):
    samples_v = sample(vanilla, n_samples, seed + 100)
with clock.timed("sample S2-DUNET", images=n_samples):
    samples_d = sample(g_m, n_samples, seed + 100)
with torch.no_grad():  # the middle image h of the painting chain at the last denoising step
    g_m.eval()
    t0 = torch.zeros(8, dtype=torch.long, device=dev)
    x0 = samples_d[:8].to(dev).float() / 127.5 - 1
    _, h = g_m(x0, t0, return_mid=True)
    middle = to_uint8(h.float().clamp(-1, 1)).cpu()
    g_m.train()
results = {}
for name, smp in [("S2-VAN", samples_v), ("S2-DUNET", samples_d)]:
    up = upscale(smp)
    ev = evaluate_translation(up, up, task.reference, exts, jpeg_quality, eps, ref_feats)
    ev.pop("change_mean")
    results[name] = ev
    save_strip(res.dir / f"samples_{name}.png", up[:8])
save_strip(res.dir / "middle_S2-DUNET.png", upscale(middle))
rows = [
    {
        "arm": k,
        **{f"{s['metric']} ({task.ref_name})": s["mifid"] for s in v["scores"].values()},
        **{s["fd_name"]: s["fd"] for s in v["scores"].values()},
    }
    for k, v in results.items()
]
print(
    f"{task.title}; {S}²; {tier} tier; n = {n_samples} samples; features: "
    + ", ".join(f"{e.name} ({'TF-Inception' if e.name == 'inception' else 'proxy'})" for e in exts)
)
pd.DataFrame(rows).set_index("arm").round(3)

# %%
fig, axes = plt.subplots(3, 1, figsize=(8, 4.2))
show_grid(axes[0], samples_v[:8], nrow=8, title="S2-VAN (vanilla DDPM, paintings only)")
show_grid(axes[1], samples_d[:8], nrow=8, title="S2-DUNET (double U-Net, painting chain)")
show_grid(axes[2], middle, nrow=8, title="S2-DUNET middle images h = U1_M(x, t=0) of the samples above")
fig.suptitle(f"Table 3.14 (regenerated) — {task.title}, {S}², {tier} tier", fontsize=9)
res.show_figure(fig, "table_3_14_samples")

# %%
res.save_metrics(
    data=task.note,
    data_source=task.source,
    title=task.title,
    ref_name=task.ref_name,
    s2_img_size=S,
    T=T,
    sampler=sampler,
    steps={"S2-VAN": s2_steps_vanilla, "S2-DUNET": s2_steps_double},
    params=sizes,
    unet_evals_per_sample={"S2-VAN": 1, "S2-DUNET": 4},
    results=results,
    device=device_name(dev),
    throughput=clock.summary(),
    final_loss={"S2-VAN": hist_v[-1]["loss"], "S2-DUNET": hist_d[-1]["loss"]},
    first_loss={"S2-VAN": hist_v[0]["loss"], "S2-DUNET": hist_d[0]["loss"]},
)

# %% [markdown]
# # Rectified flow in the VAE latent ("VAE-RF"), Figure 3
#
# The report trains a second rectified flow, parameterised by an MLP, on the VAE's latent vectors, again
# also on the 18 most active dims, and finds it "about as good as, but not better than" the GMM. Unstated
# details follow the spec (§3.4): an MLP on [z, Fourier(t)] with 4 hidden layers of 512 (Linear + LayerNorm
# + GELU; 0.84 M parameters for 18 dims), trained on the standardised posterior means μ(x), AdamW 1e-3,
# batch 512, 20k steps, EMA 0.999, Euler with 100 steps; the standardisation is undone and unselected dims
# are set to 0 before decoding with the VAE of notebook 03.

# %% tags=["parameters"]
tier = "reduced"
results_dir = "results/rectified_flow_cars/reduced/04_vae_latent_rf"
runs_dir = "runs/rectified_flow_cars/reduced/04_vae_latent_rf"
seed = 0
device = "auto"
dataset = "synthcars"
n_train = 6000
height = 96
width = 128
vae_arm = "03_vae_gmm"  # which VAE run's latents and decoder to use
latent_variants = ["active", "all"]  # the n_active most active dims of notebook 03, and all dims
hidden = 512
depth = 4
time_freqs = 32
lr = 1e-3
batch_size = 512
steps = 20000
warmup_steps = 1000
ema_decay = 0.999
standardize = True
extra_seeds = []  # more training seeds of the first latent variant (the kept dims): their samples
# (seed_samples.npz) give the between-seed spread of FID in 05_selection
sampler = "euler"
nfe = 100
nfe_sweep = [1, 2, 4, 8, 16, 32, 64, 100]
n_samples = 16000
n_sweep_samples = 4000
feature_extractor = "cifarnet"

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch

from genrep.data.rated_cars import load_rated_cars
from genrep.metrics import get_extractor
from genrep.metrics.sample_sets import evaluate_samples
from genrep.models.active_units import embed_subset
from genrep.models.conv_vae import ConvVAE
from genrep.models.time_mlp import TimeMLP
from genrep.report import show_grid
from genrep.report.notebook import start_notebook
from genrep.systems.rectified_flow_cars import decode_latents, sample_rf_latents, train_velocity_field
from genrep.train import count_params

dev, res, _ = start_notebook(tier=tier, results_dir=results_dir, runs_dir=runs_dir, seed=seed, device=device)
src = Path(runs_dir).parent / vae_arm / "latents.pt"
if not src.exists():
    raise FileNotFoundError(f"{src} not found: run 03_vae_gmm ({vae_arm}) first")
lat = torch.load(src, map_location="cpu", weights_only=False)
cfg = lat["config"]
vae = ConvVAE(3, tuple(cfg["image_size"]), cfg["base_ch"], tuple(cfg["ch_mult"]), cfg["latent_dim"], cfg["norm"]).to(
    dev
)
vae.load_state_dict(lat["vae"])
mu, dims = lat["mu"], lat["dims"].numpy()
data = load_rated_cars(dataset, "train", n=n_train, height=height, width=width, seed=seed)
assert len(data.images) == len(mu), "the VAE arm was trained on a different data set"
variants = {}
for v in latent_variants:
    if v not in ("active", "all"):
        raise ValueError(f"latent_variants entries must be 'active' or 'all', got {v!r}")
    d_sel = dims if v == "active" else np.arange(cfg["latent_dim"])
    variants[f"vae_rf_{len(d_sel)}"] = d_sel
print(f"{data.title}; latents from {vae_arm}: {mu.shape}; variants {list(variants)}")

# %%
ext = get_extractor(feature_extractor, dev)
train_feats = ext(data.images)
samples, reports, models, speeds, hists, seed_samples = {}, {}, {}, {}, {}, {}
train_seeds = [seed, *extra_seeds]
if len(set(train_seeds)) != len(train_seeds):
    raise ValueError(f"extra_seeds must differ from each other and from seed={seed}, got {extra_seeds}")
for name, d_sel in variants.items():
    x = mu[:, d_sel]
    m_, s_ = (x.mean(0), x.std(0).clamp_min(1e-6)) if standardize else (torch.zeros(x.shape[1]), torch.ones(x.shape[1]))
    for j, ts in enumerate(train_seeds if name == next(iter(variants)) else train_seeds[:1]):
        torch.manual_seed(ts)
        net = TimeMLP(len(d_sel), hidden, depth, time_freqs)
        tag = name if j == 0 else f"{name}@seed{ts}"
        ema, hist, speed = train_velocity_field(
            net,
            (x - m_) / s_,
            steps=steps,
            batch_size=batch_size,
            lr=lr,
            warmup_steps=warmup_steps,
            grad_clip=1.0,
            ema_decay=ema_decay,
            seed=ts,
            device=dev,
            checkpoint=Path(runs_dir) / f"{tag.replace('@', '_')}.ckpt",
            desc=tag,
            log_every=max(1, steps // 200),
        )
        z = sample_rf_latents(ema.module, n_samples, len(d_sel), nfe=nfe, method=sampler, seed=ts + 1) * s_ + m_
        imgs = decode_latents(vae, embed_subset(z.numpy(), d_sel, cfg["latent_dim"]))
        if j:
            seed_samples[tag] = imgs
            continue
        samples[name], speeds[name] = imgs, speed
        reports[name] = evaluate_samples(imgs, data.images, ext, train_feats=train_feats, seed=seed)
        reports[name]["params"] = count_params(net)
        models[name], hists[name] = (ema.module, m_, s_, d_sel), hist
if seed_samples:
    np.savez_compressed(Path(runs_dir) / "seed_samples.npz", **{k: v.numpy() for k, v in seed_samples.items()})
np.savez_compressed(Path(runs_dir) / "samples.npz", **{k: v.numpy() for k, v in samples.items()})
pd.DataFrame(reports).T[["params", "fd", "kid", "precision", "recall", "vendi", "sharpness_rel", "oracle_mean"]].astype(
    float
).round(4)

# %% [markdown]
# ## Figure 3 regenerated: random VAE-RF samples

# %%
name = next(iter(samples))
fig, ax = plt.subplots(figsize=(9, 3.2))
show_grid(ax, samples[name][:32], nrow=8, title=f"Fig. 3: VAE-RF ({name}) samples — {data.title}, {tier} tier")
res.show_figure(fig, "fig3_vae_rf_samples")

# %% [markdown]
# ## Ablation A8 in the latent: ODE steps

# %%
sweep = []
n_sw = min(n_sweep_samples, n_samples)
for name, (net, m_, s_, d_sel) in models.items():
    for k in nfe_sweep:
        z = sample_rf_latents(net, n_sw, len(d_sel), nfe=k, method="euler", seed=seed + 2) * s_ + m_
        imgs = decode_latents(vae, embed_subset(z.numpy(), d_sel, cfg["latent_dim"]))
        r = evaluate_samples(imgs, data.images, ext, train_feats=train_feats, seed=seed)
        sweep.append({"variant": name, "nfe": k, "fd": r["fd"], "precision": r["precision"], "recall": r["recall"]})
sw = pd.DataFrame(sweep)
fig, ax = plt.subplots(figsize=(5, 3))
for name, g in sw.groupby("variant"):
    ax.plot(g.nfe, g.fd, "o-", label=name)
ax.set(xscale="log", xlabel="NFE", ylabel=reports[name]["metric"], title=f"latent RF: distance vs NFE ({tier})")
ax.legend()
res.show_figure(fig, "latent_nfe_sweep")

# %%
res.save_metrics(
    dataset=dataset,
    data=data.title,
    vae_arm=vae_arm,
    n_train=len(data.images),
    steps=steps,
    train_seeds=list(train_seeds),
    seed_sample_sets=sorted(seed_samples),
    methods=reports,
    throughput=speeds,
    nfe_sweep=sw.to_dict("records"),
    loss_first={k: h[0]["loss"] for k, h in hists.items()},
    loss_last={k: h[-1]["loss"] for k, h in hists.items()},
    histories=hists,
)

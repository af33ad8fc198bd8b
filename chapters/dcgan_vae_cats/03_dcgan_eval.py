# %% [markdown]
# # Evaluating the DCGAN: distance vs iteration, the FID bug, BatchNorm mode, mode collapse, Figures 4.5–4.6
#
# The report's FID protocol (spec §7): 1,000 fakes from **one batch of G in train-mode BatchNorm**, each
# written with `save_image` **without** mapping tanh's [-1, 1] to [0, 1] (so every pixel below mid-grey
# turns black), against 1,000 real training images. At the final iteration we score the same fakes saved the
# authors' way (`authors_clip`) and correctly (`denorm`): the difference is the bug's size. Along training
# (`ckpt_iterations` of 02) we score the correctly saved train-mode fakes, and at the final iteration also
# eval-mode fakes: the BatchNorm-mode sweep of the spec. The eval-mode fakes are the ones the GAN-vs-VAE
# comparison uses for every yardstick (FD, KID, precision/recall, pixel-cosine share, sharpness), since the
# VAE has no BatchNorm to choose. With `extractors: [inception]` the distance is FID (TF-Inception); the
# proxies keep their names (FD-cifarnet, FD-randconv).
#
# The `fid_n` sweep grows both sides: n fakes against the first n of the frozen real subset (01_data), so
# the covariance estimate and its bias change together (the report's 1,000 vs 1,000 is rank-deficient
# against 2,048 feature dimensions).
#
# Mode collapse as in the report: cosine similarity of flattened tanh outputs of 1,000 eval-mode samples,
# pairs above 0.9, counted over ordered pairs — and the same statistic on real images as a baseline,
# which the report lacks.

# %% tags=["parameters"]
tier = "reduced"
results_dir = "results/dcgan_vae_cats/reduced/03_dcgan_eval"
runs_dir = "runs/dcgan_vae_cats/reduced/03_dcgan_eval"
seed = 0
device = "auto"
split = "train"
n_images = None
train_arm = "02_dcgan_train"  # which training run to evaluate
fid_n = [1000]  # images per side (the first is the headline; more show the bias)
curve_save_modes = ["denorm"]  # how the fakes of the earlier checkpoints are saved (the final gets both)
fid_bn_mode = "train"  # the authors generated the FID fakes in train mode
mc_n = 1000
mc_threshold = 0.9
interp_steps = 10
extractors = "auto"

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import torch

from genrep.data import load_or_standin, save_image_uint8, to_float
from genrep.metrics import fid_from_features, kid_from_features, precision_recall
from genrep.metrics.diversity import cosine_similarities, pairwise_cosine_counts
from genrep.metrics.reference import cached_features
from genrep.metrics.sharpness import high_freq_energy
from genrep.metrics.studies import resolve_extractors
from genrep.models.dcgan import DCGANGenerator
from genrep.models.latent import lerp
from genrep.report import Results, minmax_uint8, show_grid
from genrep.report.notebook import data_fields
from genrep.train import prepare_device, seed_everything

seed_everything(seed)
dev = prepare_device(device)
res = Results(results_dir, tier)
train = res.metrics(train_arm)
real_idx = res.metrics("01_data")["real_subset"]
data = load_or_standin("cats64", split, n=n_images, seed=0)
real = data.images[real_idx]
if max(fid_n) > len(real):
    raise ValueError(f"fid_n {fid_n} needs {max(fid_n)} real images; 01_data froze {len(real)} (raise fid_real_n)")
exts = resolve_extractors(extractors, dev)
real_feats = {e.name: cached_features(e, real) for e in exts}  # computed once for all arms (TF-Inception)
train_runs = Path(runs_dir).parent / train_arm
iters = [i for i in train["ckpt_iterations"] if (train_runs / f"G_iter{i}.pt").exists()]
if not iters:
    raise FileNotFoundError(f"no generator checkpoints in {train_runs}: run 02_dcgan_train first")
spe = train["steps_per_epoch"]


def generator(it):
    G = DCGANGenerator(nz=train["latent_dim"], ngf=train["g_features"]).to(dev)
    G.load_state_dict(torch.load(train_runs / f"G_iter{it}.pt", map_location=dev))
    return G


@torch.no_grad()
def fakes(G, n, bn_mode, gen_seed):
    G.train(bn_mode == "train")
    z = torch.randn(n, train["latent_dim"], generator=torch.Generator().manual_seed(gen_seed)).to(dev)
    return G(z).float().cpu()


def score(x_tanh, mode, n, **row):
    """FD and KID of n fakes (tanh range) saved by ``mode``, against the first n frozen real images."""
    u8 = save_image_uint8(x_tanh, mode)
    out = []
    for e in exts:
        f, r = e(u8), real_feats[e.name][:n]
        kid, kid_sd = kid_from_features(r, f, subsets=20, subset_size=min(n, 1000), seed=seed)
        out.append(
            {
                **row,
                "n": n,
                "real_n": len(r),
                "save_mode": mode,
                "extractor": e.name,
                "metric": e.metric_name,
                "fd": fid_from_features(r, f),
                "kid": kid,
                "kid_std": kid_sd,
            }
        )
    return out, u8


print(
    f"evaluating {train_arm}: iterations {iters} (epoch = {spe} iterations); real subset {len(real)} of "
    f"{data.title}; extractors {[e.metric_name for e in exts]}"
)

# %% [markdown]
# ## Distance vs iteration; at the final iteration the clip bug and the BatchNorm mode

# %%
rows = []
final = iters[-1]
for it in iters:
    G = generator(it)
    for n in fid_n:
        x = fakes(G, n, fid_bn_mode, seed)  # one batch, as the authors did
        modes = ["authors_clip", "denorm"] if it == final else curve_save_modes
        for mode in modes:
            rows += score(x, mode, n, iteration=it, epoch=it / spe, bn_mode=fid_bn_mode)[0]
G = generator(final)
x_eval = fakes(G, max(fid_n), "eval", seed + 5)  # eval-mode fakes: the BN sweep and the GAN-vs-VAE yardsticks
for n in fid_n:
    r, _ = score(x_eval[:n], "denorm", n, iteration=final, epoch=final / spe, bn_mode="eval")
    rows += r
dist = pd.DataFrame(rows)
head = dist[(dist.n == fid_n[0]) & (dist.save_mode == "denorm") & (dist.bn_mode == fid_bn_mode)]
fig, axes = plt.subplots(1, len(exts), figsize=(4.5 * len(exts), 3), squeeze=False)
for ax, e in zip(axes[0], exts, strict=False):
    sub = head[head.extractor == e.name]
    ax.plot(sub.iteration, sub.fd, "o-", label=f"denorm, {fid_bn_mode}-mode BN")
    for (mode, bn), s2 in dist[(dist.n == fid_n[0]) & (dist.extractor == e.name) & (dist.iteration == final)].groupby(
        ["save_mode", "bn_mode"]
    ):
        if (mode, bn) != ("denorm", fid_bn_mode):
            ax.plot(s2.iteration, s2.fd, "x" if mode == "authors_clip" else "s", ms=7, label=f"{mode}, {bn}-mode BN")
    ax.set(
        xlabel="iteration (generator updates)",
        ylabel=e.metric_name,
        title=f"{e.metric_name}, {fid_n[0]} vs {fid_n[0]} images",
    )
    ax.legend(fontsize=7)
fig.suptitle(f"distance vs iteration — {data.title} ({tier} tier, seed {seed})", fontsize=8)
fig.tight_layout()
res.show_figure(fig, "distance_vs_iteration")
dist.round(4)

# %% [markdown]
# ## What the authors' FID images looked like
# The same fakes written the authors' way (left) and correctly (right).

# %%
x = fakes(G, 16, fid_bn_mode, seed)
fig, ax = plt.subplots(1, 2, figsize=(10, 2.6))
show_grid(ax[0], save_image_uint8(x, "authors_clip"), nrow=8, title="authors_clip (the bug)")
show_grid(ax[1], save_image_uint8(x, "denorm"), nrow=8, title="denorm (correct)")
res.show_figure(fig, "save_modes")

# %% [markdown]
# ## Figure 4.5 (64 samples, train-mode BN as in the report) and Figure 4.6 (interpolation, eval mode)

# %%
fig, ax = plt.subplots(figsize=(6, 6))
show_grid(
    ax,
    minmax_uint8(fakes(G, 64, "train", seed + 1)),
    nrow=8,
    title=f"Fig. 4.5 regenerated: iteration {final:,} = epoch {final / spe:g} ({tier} tier)",
)
res.show_figure(fig, "fig4_5_samples")
G.eval()
g = torch.Generator().manual_seed(seed + 2)
z1, z2 = torch.randn(train["latent_dim"], generator=g), torch.randn(train["latent_dim"], generator=g)
with torch.no_grad():
    path = G(lerp(z1, z2, interp_steps).to(dev)).cpu()
fig, ax = plt.subplots(figsize=(10, 1.4))
show_grid(
    ax, minmax_uint8(path), nrow=interp_steps, title=f"Fig. 4.6 regenerated: {interp_steps} images incl. endpoints"
)
res.show_figure(fig, "fig4_6_interpolation")

# %% [markdown]
# ## Mode collapse, with a real-data baseline

# %%
gen = x_eval[:mc_n]  # the eval-mode fakes scored above
pool = data.images[torch.randperm(len(data.images), generator=torch.Generator().manual_seed(seed + 4))[:mc_n]]
real_tanh = to_float(pool, (-1, 1))
mc = {
    "generated, tanh space": pairwise_cosine_counts(gen, mc_threshold),
    "real, tanh space": pairwise_cosine_counts(real_tanh, mc_threshold),
    "generated, [0,1] space": pairwise_cosine_counts((gen + 1) / 2, mc_threshold),
    "real, [0,1] space": pairwise_cosine_counts((real_tanh + 1) / 2, mc_threshold),
}
fig, ax = plt.subplots(figsize=(6, 2.8))
ax.hist(cosine_similarities(gen).numpy(), bins=80, alpha=0.6, density=True, label="generated")
ax.hist(cosine_similarities(real_tanh).numpy(), bins=80, alpha=0.6, density=True, label="real")
ax.axvline(mc_threshold, color="k", ls="--", lw=0.8)
ax.set(
    xlabel="pixel cosine similarity (tanh space)",
    ylabel="density",
    title=f"pairwise similarity of {mc_n} images ({tier} tier)",
)
ax.legend(fontsize=7)
res.show_figure(fig, "mode_collapse_hist")
pd.DataFrame(mc).T

# %% [markdown]
# ## Fidelity, diversity and sharpness of the eval-mode fakes (not in the report)
# Precision and recall (k = 3) on the same features as the distance, and the share of spectral power above a
# quarter of the sampling rate (sharpness; the VAE's samples are scored the same way in 04_vae).

# %%
xg = save_image_uint8(x_eval[: len(real)], "denorm")
pr = {e.name: precision_recall(real_feats[e.name], e(xg), k=3) for e in exts}
hf = {"generated": float(high_freq_energy(xg).mean()), "real": float(high_freq_energy(real).mean())}
pd.concat([pd.DataFrame(pr).T, pd.DataFrame({"high-frequency share": hf}).T])

# %%
res.save_metrics(
    **data_fields(data),
    train_arm=train_arm,
    distances=rows,
    final_iteration=final,
    steps_per_epoch=spe,
    mode_collapse=mc,
    precision_recall=pr,
    high_freq=hf,
    metric_names={e.name: e.metric_name for e in exts},
    fid_n=fid_n,
    real_n=len(real),
    eval_fakes_n=len(xg),
)

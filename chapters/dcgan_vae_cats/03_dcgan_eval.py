# %% [markdown]
# # Evaluating the DCGAN: distance vs epoch, the FID bug, mode collapse, Figures 4.5–4.6
#
# The report's FID protocol (spec §7): 1,000 fakes from **one batch of G in train-mode BatchNorm**, each
# written with `save_image` **without** mapping tanh's [-1, 1] to [0, 1] (so every pixel below mid-grey
# turns black), against 1,000 real training images. We reproduce that (`authors_clip`) and the correct
# de-normalisation (`denorm`) side by side, at every saved epoch, for every extractor available. Without
# the Inception weights the distances are proxies (FD-cifarnet, FD-randconv), not FID.
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
train_arm = "02_dcgan_train"   # which training run to evaluate
fid_n = [1000]                 # generated images per distance (the first is the headline; more show the bias)
fid_save_modes = ["authors_clip", "denorm"]
fid_bn_mode = "train"          # the authors generated the FID fakes in train mode
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
from genrep.metrics.studies import resolve_extractors
from genrep.models.dcgan import DCGANGenerator
from genrep.models.latent import lerp
from genrep.report import Results, minmax_uint8, show_grid
from genrep.train import seed_everything, prepare_device

seed_everything(seed)
dev = prepare_device(device)
res = Results(results_dir, tier)
train = res.metrics(train_arm)
real_idx = res.metrics("01_data")["real_subset"]
data = load_or_standin("cats64", split, n=n_images, seed=0)
real = data.images[real_idx]
exts = resolve_extractors(extractors, dev)
real_feats = {e.name: e(real) for e in exts}
train_runs = Path(runs_dir).parent / train_arm
epochs = [e for e in train["ckpt_epochs"] if (train_runs / f"G_epoch{e}.pt").exists()]
if not epochs:
    raise FileNotFoundError(f"no generator checkpoints in {train_runs}: run 02_dcgan_train first")


def generator(epoch):
    G = DCGANGenerator(nz=train["latent_dim"], ngf=train["g_features"]).to(dev)
    G.load_state_dict(torch.load(train_runs / f"G_epoch{epoch}.pt", map_location=dev))
    return G


@torch.no_grad()
def fakes(G, n, bn_mode, gen_seed):
    G.train(bn_mode == "train")
    z = torch.randn(n, train["latent_dim"], generator=torch.Generator().manual_seed(gen_seed)).to(dev)
    return G(z).float().cpu()


print(f"evaluating {train_arm}: epochs {epochs}; real subset {len(real)} of {data.title}; extractors "
      f"{[e.metric_name for e in exts]}")

# %% [markdown]
# ## Distance vs epoch, both save modes

# %%
rows = []
for epoch in epochs:
    G = generator(epoch)
    for n in fid_n:
        x = fakes(G, n, fid_bn_mode, seed)  # one batch, as the authors did
        for mode in fid_save_modes:
            u8 = save_image_uint8(x, mode)
            for e in exts:
                f = e(u8)
                kid, kid_sd = kid_from_features(real_feats[e.name], f, subsets=20,
                                                subset_size=min(len(real), n, 1000), seed=seed)
                rows.append({"epoch": epoch, "n": n, "save_mode": mode, "extractor": e.name, "metric": e.metric_name,
                             "fd": fid_from_features(real_feats[e.name], f), "kid": kid, "kid_std": kid_sd})
dist = pd.DataFrame(rows)
head = dist[dist.n == fid_n[0]]
fig, axes = plt.subplots(1, len(exts), figsize=(4.5 * len(exts), 3), squeeze=False)
for ax, e in zip(axes[0], exts):
    for mode, sub in head[head.extractor == e.name].groupby("save_mode"):
        ax.plot(sub.epoch, sub.fd, "o-", label=mode)
    ax.set(xlabel="epoch", ylabel=e.metric_name, title=f"{e.metric_name}, {fid_n[0]} vs {len(real)} images")
    ax.legend(fontsize=7)
fig.suptitle(f"distance vs epoch — {data.title} ({tier} tier; report: FID 164.5 @10, ≈114 @30, 132.665 @50)",
             fontsize=8)
fig.tight_layout()
res.save_figure(fig, "distance_vs_epoch")
plt.show()
dist.round(4)

# %% [markdown]
# ## What the authors' FID images looked like
# The same fakes written the authors' way (left) and correctly (right).

# %%
final = epochs[-1]
G = generator(final)
x = fakes(G, 16, fid_bn_mode, seed)
fig, ax = plt.subplots(1, 2, figsize=(10, 2.6))
show_grid(ax[0], save_image_uint8(x, "authors_clip"), nrow=8, title="authors_clip (the bug)")
show_grid(ax[1], save_image_uint8(x, "denorm"), nrow=8, title="denorm (correct)")
res.save_figure(fig, "save_modes")
plt.show()

# %% [markdown]
# ## Figure 4.5 (64 samples, train-mode BN as in the report) and Figure 4.6 (interpolation, eval mode)

# %%
fig, ax = plt.subplots(figsize=(6, 6))
show_grid(ax, minmax_uint8(fakes(G, 64, "train", seed + 1)), nrow=8,
          title=f"Fig. 4.5 regenerated: epoch {final} ({tier} tier)")
res.save_figure(fig, "fig4_5_samples")
plt.show()
G.eval()
g = torch.Generator().manual_seed(seed + 2)
z1, z2 = torch.randn(train["latent_dim"], generator=g), torch.randn(train["latent_dim"], generator=g)
with torch.no_grad():
    path = G(lerp(z1, z2, interp_steps).to(dev)).cpu()
fig, ax = plt.subplots(figsize=(10, 1.4))
show_grid(ax, minmax_uint8(path), nrow=interp_steps, title=f"Fig. 4.6 regenerated: {interp_steps} images incl. endpoints")
res.save_figure(fig, "fig4_6_interpolation")
plt.show()

# %% [markdown]
# ## Mode collapse, with a real-data baseline

# %%
G.eval()
with torch.no_grad():
    gen = G(torch.randn(mc_n, train["latent_dim"], generator=torch.Generator().manual_seed(seed + 3)).to(dev)).cpu()
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
ax.set(xlabel="pixel cosine similarity (tanh space)", ylabel="density",
       title=f"pairwise similarity of {mc_n} images ({tier} tier)")
ax.legend(fontsize=7)
res.save_figure(fig, "mode_collapse_hist")
plt.show()
pd.DataFrame(mc).T

# %% [markdown]
# ## Fidelity and diversity: precision and recall (not in the report)

# %%
pr = {}
xg = save_image_uint8(fakes(G, len(real), "eval", seed + 5), "denorm")
for e in exts:
    pr[e.name] = precision_recall(real_feats[e.name], e(xg), k=3)
pd.DataFrame(pr).T

# %%
res.save_metrics(train_arm=train_arm, data=data.title, data_source=data.source, distances=rows,
                 final_epoch=final, mode_collapse=mc, precision_recall=pr,
                 metric_names={e.name: e.metric_name for e in exts}, fid_n=fid_n, real_n=len(real))

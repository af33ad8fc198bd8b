# %% [markdown]
# # MiFID: the memorisation penalty
#
# Kaggle's generative-art competitions scored submissions with the *memorisation-informed* FID (Bai et
# al. 2021): for each generated image, the cosine distance 1 − |cos| of its features to the nearest
# training image; *d* is the mean of these; if *d* is below ε = 0.1 the FID is divided by *d*, so a
# submission of (near-)copies of the training set is punished by a factor of at least 10.
#
# Here the 300 Monet paintings are split into a "training" part and a held-out part, and five kinds of
# submission are scored against the training part. Proxy extractors give MiFD-cifarnet and MiFD-randconv,
# not MiFID: Kaggle's ε was chosen for Inception features.

# %% tags=["parameters"]
tier = "reduced"
results_dir = "results/metrics/reduced/04_mifid"
runs_dir = "runs/metrics/reduced/04_mifid"
seed = 0
device = "auto"
dataset = "monet"
size = 64
n_train = 200
other = "monet_photos"
eps = 0.1
extractors = "auto"

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch

from genrep.data import load_or_standin
from genrep.metrics import mifid_from_features
from genrep.metrics.disturbances import disturb
from genrep.metrics.mifid import min_cosine_distances
from genrep.metrics.studies import resolve_extractors
from genrep.report import Results
from genrep.train import prepare_device, seed_everything

seed_everything(seed)
dev = prepare_device(device)
res = Results(results_dir, tier)
data = load_or_standin(dataset, "train", size=size, seed=seed)
perm = torch.randperm(len(data.images), generator=torch.Generator().manual_seed(seed))
train, held = data.images[perm[:n_train]], data.images[perm[n_train:]]
photos = load_or_standin(other, "train", size=size, n=len(held), seed=seed + 1)
submissions = {
    "copies of training images": train[: len(held)],
    "copies, horizontally flipped": train[: len(held)].flip(-1),
    "copies + Gaussian noise (α=0.1)": disturb(train[: len(held)], "gaussian_noise", 0.1, seed=seed),
    "held-out paintings": held,
    f"photos ({other})": photos.images,
}
exts = resolve_extractors(extractors, dev)
data_note = f"{data.title}: {n_train} as the training set, {len(held)} held out, at {size}px; photos: {photos.title}"
print(data_note)

# %%
rows = []
for e in exts:
    ref = e(train)
    for name, imgs in submissions.items():
        f = e(imgs)
        m = mifid_from_features(f, ref, eps=eps)
        rows.append(
            {
                "extractor": e.name,
                "metric": "Mi" + e.metric_name,
                "submission": name,
                "n": len(f),
                "fd": m["fid"],
                "distance": m["distance"],
                "penalised": m["distance"] < eps,
                "mifid": m["mifid"],
                "penalty": m["mifid"] / m["fid"],
                "d_rows": min_cosine_distances(f, ref).tolist(),
            }
        )
df = pd.DataFrame(rows).drop(columns=["d_rows"])
df.round(4)

# %%
fig, axes = plt.subplots(1, 2, figsize=(9, 2.8))
for e in exts:
    sub = df[df.extractor == e.name]
    x = np.arange(len(sub))
    axes[0].scatter(x, sub.distance, label=e.name)
    axes[1].scatter(x, sub.penalty, label=e.name)
for ax in axes:
    ax.set_xticks(
        np.arange(len(submissions)), [s.split(" (")[0] for s in submissions], rotation=25, ha="right", fontsize=7
    )
axes[0].axhline(eps, color="k", ls="--", lw=0.8)
axes[0].set(ylabel="mean NN cosine distance d", title=f"d (penalised below ε = {eps})")
axes[1].set(yscale="log", ylabel="MiFD / FD", title="memorisation penalty factor")
axes[1].legend(fontsize=7)
fig.suptitle(f"{data.title} ({tier} tier)", fontsize=9)
res.show_figure(fig, "mifid_penalty")

# %%
res.save_metrics(
    dataset=dataset, data=data_note, data_source=data.source, datasets=[data.title, photos.title], eps=eps, rows=rows
)

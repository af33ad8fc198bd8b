# %% [markdown]
# # Do the distances rise with the disturbance? (Heusel et al. 2017, Fig. 3)
#
# Heusel et al. argued for FID by disturbing a clean image set more and more and showing that FID rises
# monotonically with the disturbance level, for six kinds of disturbance. Here the same experiment runs
# for every feature extractor available (see `01_proxy_features`): a reference set and a disjoint pool
# from one dataset; the pool is disturbed at four levels per kind; each level's distance to the
# reference is computed. Level 0 is the sampling floor of two clean sets. We add *mode dropping*
# (classes removed, their places refilled from the kept classes) where labels exist.

# %% tags=["parameters"]
tier = "reduced"
results_dir = "results/metrics/reduced/02_disturbances"
runs_dir = "runs/metrics/reduced/02_disturbances"
seed = 0
device = "auto"
dataset = "cifar10"  # cifar10 | monet (any dataset of genrep.data works)
split = "test"
size = 32  # images are resized to size x size
n_ref = 1000  # reference images
n_pool = 1000  # disjoint images that get disturbed
other = "monet_photos"  # the contaminating dataset
extractors = "auto"  # "auto" = every extractor available here, or a list of names
kinds = "all"  # "all" or a list of disturbance names
kid_subsets = 10
bootstrap = 0  # B > 0: paired bootstrap of FID over pool rows, for the noise of each level step

# %%
import matplotlib.pyplot as plt
import pandas as pd
import torch

from genrep.data import info, load_or_standin
from genrep.metrics.disturbances import DISTURBANCES, disturb
from genrep.metrics.studies import disturbance_study, monotonicity, resolve_extractors
from genrep.report import Results, show_grid
from genrep.report.notebook import data_fields
from genrep.train import prepare_device, seed_everything

seed_everything(seed)
dev = prepare_device(device)
res = Results(results_dir, tier)
has_labels = info(dataset).has_labels
data = load_or_standin(dataset, split, size=size, n=n_ref + n_pool, labels=has_labels, seed=seed)
if len(data.images) < n_ref + n_pool:
    raise ValueError(f"{dataset}/{split} has {len(data.images)} images; n_ref + n_pool = {n_ref + n_pool}")
perm = torch.randperm(len(data.images), generator=torch.Generator().manual_seed(seed))
ref, pool = data.images[perm[:n_ref]], data.images[perm[n_ref : n_ref + n_pool]]
pool_labels = data.labels[perm[n_ref : n_ref + n_pool]] if data.labels is not None else None
contaminant = load_or_standin(other, "train", size=size, n=n_pool, seed=seed + 1)
exts = resolve_extractors(extractors, dev)
kind_list = list(DISTURBANCES) if kinds == "all" else list(kinds)
data_note = f"{data.title}, {n_ref} reference + {n_pool} disturbed images at {size}px; contaminant: {contaminant.title}"
print(data_note, "| extractors:", [e.metric_name for e in exts])

# %% [markdown]
# ## What the disturbances look like
# One image of the pool at each level (left: level 0).

# %%
rows = [k for k in kind_list if not (DISTURBANCES[k].needs == "labels" and pool_labels is None)]
fig, axes = plt.subplots(len(rows), 1, figsize=(5, 1.3 * len(rows)))
for ax, k in zip(axes, rows, strict=False):
    d = DISTURBANCES[k]
    lab16 = pool_labels[:16] if pool_labels is not None else None
    imgs = [disturb(pool[:16], k, lv, seed=seed, other=contaminant.images, labels=lab16)[3:4] for lv in d.levels]
    show_grid(ax, torch.cat(imgs), nrow=len(d.levels))
    ax.set_ylabel(k.replace("_", "\n"), fontsize=7, rotation=0, labelpad=30)
fig.suptitle(f"{data.title} — disturbance levels ({tier} tier)", fontsize=8)
res.show_figure(fig, "disturbance_examples")

# %% [markdown]
# ## Distances at each level

# %%
study = disturbance_study(
    ref,
    pool,
    exts,
    kinds=kind_list,
    seed=seed,
    other=contaminant.images,
    labels=pool_labels,
    kid_subsets=kid_subsets,
    bootstrap=bootstrap,
)
df = pd.DataFrame(study).drop(columns=["fd_boot"], errors="ignore")
mono = monotonicity(study, "fd")
mono_kid = monotonicity(study, "kid")
pd.DataFrame(
    [
        {"extractor": e, "disturbance": k, "FD monotone": v, "KID monotone": mono_kid[(e, k)]}
        for (e, k), v in mono.items()
    ]
)

# %%
fig, axes = plt.subplots(1, len(rows), figsize=(2.2 * len(rows), 2.4), sharey=True)
for ax, k in zip(axes, rows, strict=False):
    for e in exts:
        sub = df[(df.kind == k) & (df.extractor == e.name)].sort_values("level")
        ax.plot(range(len(sub)), sub.fd / sub.fd.max(), marker="o", label=e.metric_name)
    ax.set_title(k.replace("_", " "), fontsize=8)
    ax.set_xticks(range(len(DISTURBANCES[k].levels)), [f"{v:g}" for v in DISTURBANCES[k].levels], fontsize=7)
axes[0].set_ylabel("distance / its maximum")
axes[-1].legend(fontsize=7)
fig.suptitle(f"Fréchet distance vs disturbance level — {data.title} ({tier} tier)", fontsize=9)
res.show_figure(fig, "disturbance_curves")

# %%
res.save_metrics(
    **data_fields(data, dataset=dataset, note=data_note),
    datasets=[data.title, contaminant.title],
    rows=study,
    n_ref=n_ref,
    n_pool=n_pool,
    bootstrap=bootstrap,
    monotone={f"{e}/{k}": v for (e, k), v in mono.items()},
    monotone_kid={f"{e}/{k}": v for (e, k), v in mono_kid.items()},
    metric_names={e.name: e.metric_name for e in exts},
)
df.round(5)

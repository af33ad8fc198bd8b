# %% [markdown]
# # The data: 64×64 cat faces
#
# The report trains on "29,843 RGB 64×64 cat images collected from Kaggle". The copy available to this
# book is the Kaggle *cats-faces-64x64* set: 15,747 files, of which 9,303 are distinct (the rest are
# byte-identical duplicates). We train on the distinct images (see the errata). This notebook shows the
# data, its statistics, and freezes the real subset that every FID-style distance of the chapter uses
# (the authors: `random.seed(42); random.sample(files, 1000)`).

# %% tags=["parameters"]
tier = "reduced"
results_dir = "results/dcgan_vae_cats/reduced/01_data"
runs_dir = "runs/dcgan_vae_cats/reduced/01_data"
seed = 0
device = "auto"
split = "train"  # "train": the 9,303 distinct images; "with_duplicates": all 15,747 files
n_images = None  # None = all
fid_real_n = 1000  # size of the frozen real subset for distances

# %%
import random

import matplotlib.pyplot as plt

from genrep.data import load_or_standin
from genrep.report import Results, show_grid

res = Results(results_dir, tier)
data = load_or_standin("cats64", split, n=n_images, seed=seed)
x = data.images
print(f"{data.title}: {tuple(x.shape)} {x.dtype}, source: {data.source}")

# %%
f = x.float() / 255
mean, std = f.mean((0, 2, 3)).tolist(), f.std((0, 2, 3)).tolist()
print("per-channel mean", [round(v, 4) for v in mean], "std", [round(v, 4) for v in std])
rng = random.Random(42)
real_subset = rng.sample(range(len(x)), min(fid_real_n, len(x)))  # random order: the first n serve n
print(
    f"frozen real subset: {len(real_subset)} images (random.seed(42) over {len(x)} indices in file order; "
    "kept in drawn order, so the first n of it are a random n-subset)"
)

# %%
fig, ax = plt.subplots(figsize=(6, 6))
show_grid(ax, x[real_subset[:64]], nrow=8, title=f"real images — {data.title} ({tier} tier)")
res.show_figure(fig, "real_grid")

# %%
res.save_metrics(
    n_images=len(x), data=data.title, data_source=data.source, split=split, mean=mean, std=std, real_subset=real_subset
)

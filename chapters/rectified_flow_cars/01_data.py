# %% [markdown]
# # The data: two substitutes for 6,000 privately rated car photos
#
# The report trains on "6,000 RGB car images" at "96x128 pixels", each rated by a focus-group member,
# Moira, whose highest rating is 9. Neither the images nor the ratings are public, so this chapter uses two
# substitutes, both with a **simulated rater Moira whose preference is a known function**:
#
# * **SynthCars** (procedural, `genrep.data.synthcars`): car sprites with drawn attributes (body type,
#   colour family, spoiler, stripe, pose, background). Moira's utility is the spec's linear function of the
#   attributes (warm colours +1.2, sports +0.8, silver +0.6, …) plus noise, mapped to integer ratings
#   with mean ≈ 3, SD ≈ 1.6 and maximum 9. Sports cars are painted red/orange/yellow three times as often,
#   a colour↔type confound that lets us test whether a regressor "latches onto colour".
# * **Stanford Cars** (793 real photos, the registry's `cars` subset), centre-cropped to 3:4 and resized to
#   96×128. Moira's utility here is a function of pixel statistics (warm-colour share, silver share,
#   saturation of the foreground, long-and-low silhouette) plus noise, on the same rating scale.
#
# Because the preference is known, every generated image later gets an **oracle score** (the noise-free
# pixel utility): what the report could only eyeball, we can measure. The numbers on this page come from the
# tier named in each caption (the reduced tier uses 24×32 images and a 512-image SynthCars subset).

# %% tags=["parameters"]
tier = "reduced"
results_dir = "results/rectified_flow_cars/reduced/01_data"
runs_dir = "runs/rectified_flow_cars/reduced/01_data"
seed = 0
datasets = ["synthcars", "cars"]
n_train = 6000  # SynthCars train size (the report's 6,000); Stanford Cars has 793 photos in all
n_test = 1000
height = 96
width = 128
top_k = 20

# %%
from collections import Counter
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from genrep.data.rated_cars import load_rated_cars
from genrep.data.raters import dominant_color_family
from genrep.data.synthcars import images_sha256
from genrep.models.preference import select_top_k
from genrep.report import Results, show_grid

Path(runs_dir).mkdir(parents=True, exist_ok=True)
res = Results(results_dir, tier)
data = {
    ds: load_rated_cars(ds, "train", n=n_train if ds == "synthcars" else None, height=height, width=width, seed=seed)
    for ds in datasets
}
for d in data.values():
    print(f"{d.title}: {tuple(d.images.shape)}, source {d.source}")

# %% [markdown]
# ## Ratings: Moira's distribution (the report gives only her maximum, 9)

# %%
stats = {}
fig, axes = plt.subplots(1, len(data), figsize=(4.5 * len(data), 3), squeeze=False)
for ax, (ds, d) in zip(axes[0], data.items(), strict=False):
    r = d.moira
    counts = np.bincount(r, minlength=11)[1:]
    ax.bar(range(1, 11), counts, color="tab:red")
    ax.set(title=f"{d.title}\n({tier} tier)", xlabel="Moira's rating", ylabel="images")
    fam = Counter(d.ratings.color) if "color" in d.ratings else Counter(dominant_color_family(d.images))
    stats[ds] = {
        "title": d.title,
        "source": d.source,
        "n": len(r),
        "mean": float(r.mean()),
        "sd": float(r.std()),
        "max": int(r.max()),
        "min": int(r.min()),
        "counts": counts.tolist(),
        "color_families": dict(fam),
    }
    if ds == "synthcars":
        stats[ds]["sha256"] = images_sha256(d.images)
        stats[ds]["oracle_vs_true_utility_r"] = float(
            np.corrcoef(d.oracle(d.images), d.ratings.moira_true_utility)[0, 1]
        )
res.show_figure(fig, "rating_histograms")
{ds: {k: v for k, v in s.items() if k not in ("counts", "color_families", "sha256")} for ds, s in stats.items()}

# %% [markdown]
# ## Figure 8 regenerated: the training images Moira rated highest
#
# 4×5 grids in ascending order of the true rating, best bottom-right (ties broken by index). On SynthCars
# the top 20 should be dominated by red/orange/yellow sports cars, with silver also rated well, as in the
# report's Fig. 8.

# %%
fig, axes = plt.subplots(1, len(data), figsize=(5 * len(data), 3.6), squeeze=False)
for ax, (ds, d) in zip(axes[0], data.items(), strict=False):
    idx = select_top_k(d.moira.astype(float), top_k)  # ties broken by index
    show_grid(ax, d.images[idx], nrow=5, title=f"Fig. 8: Moira's top {top_k} — {d.title} ({tier})")
    fams = d.ratings.color.iloc[idx].tolist() if "color" in d.ratings else dominant_color_family(d.images[idx])
    stats[ds]["top_k_ratings"] = d.moira[idx].tolist()
    stats[ds]["top_k_colors"] = dict(Counter(fams))
    if "body" in d.ratings:
        stats[ds]["top_k_bodies"] = dict(Counter(d.ratings.body.iloc[idx]))
res.show_figure(fig, "fig8_top20_rated")
{ds: (s["top_k_colors"], s.get("top_k_bodies")) for ds, s in stats.items()}

# %% [markdown]
# ## Random training images

# %%
fig, axes = plt.subplots(len(data), 1, figsize=(9, 2.6 * len(data)), squeeze=False)
for ax, d in zip(axes[:, 0], data.values(), strict=False):
    show_grid(ax, d.images[:16], nrow=8, title=f"{d.title} ({tier} tier)")
res.show_figure(fig, "real_grid")

# %%
# the held-out sets (SynthCars `test` split; the fixed held-out fifth of Stanford Cars), used in 05_selection
held = {
    ds: load_rated_cars(ds, "test", n=n_test if ds == "synthcars" else None, height=height, width=width, seed=seed)
    for ds in datasets
}
for ds, d in held.items():
    stats[ds]["test"] = {
        "title": d.title,
        "n": len(d.moira),
        "mean": float(d.moira.mean()),
        "sd": float(d.moira.std()),
        "max": int(d.moira.max()),
    }
res.save_metrics(stats=stats, height=height, width=width, datasets=datasets)
pd.DataFrame({ds: s["test"] for ds, s in stats.items()}).T  # noqa: B018

# %% [markdown]
# # How many images does a distance need? Bias of FD and KID against sample size
#
# The Fréchet distance is a biased estimator: computed from *n* images per side, two samples of the very
# same distribution give a positive distance that shrinks roughly like 1/n (Bińkowski et al. 2018;
# Chong & Forsyth 2020). The Kernel Inception Distance (KID), an unbiased estimate of the squared MMD
# with a cubic polynomial kernel, is centred on zero for equal distributions at every *n* — at the price
# of variance. The Kaggle Monet set holds only 300 paintings, so a Monet-style generator can be compared
# with at most 300 references: what can such a comparison tell, and what not?
#
# Each comparison draws *n* reference images and *n* images of a comparison set, repeatedly; the "same"
# comparison draws two disjoint halves of the reference data, so its true distance is zero.

# %% tags=["parameters"]
tier = "reduced"
results_dir = "results/metrics/reduced/03_sample_size"
runs_dir = "runs/metrics/reduced/03_sample_size"
seed = 0
device = "auto"
dataset = "cifar10"
split = "test"
size = 32
sizes = [50, 100, 200, 500, 1000]
repeats = 3
other = "monet_photos"
extractors = "auto"
kid_subsets = 10

# %%
import matplotlib.pyplot as plt
import pandas as pd

from genrep.data import load_or_standin
from genrep.metrics.disturbances import disturb
from genrep.metrics.studies import resolve_extractors, sample_size_study
from genrep.report import Results
from genrep.train import seed_everything, prepare_device

seed_everything(seed)
dev = prepare_device(device)
res = Results(results_dir, tier)
n_max = max(sizes)
data = load_or_standin(dataset, split, size=size, n=min(2 * n_max, 20000), seed=seed)
contaminant = load_or_standin(other, "train", size=size, n=n_max, seed=seed + 1)
blurred = disturb(data.images, "gaussian_blur", 1.0, seed=seed)
exts = resolve_extractors(extractors, dev)
data_note = f"{data.title} ({len(data.images)} images at {size}px); other: {contaminant.title}"
print(data_note, "| extractors:", [e.metric_name for e in exts])

# %%
rows = []
for e in exts:
    ref = e(data.images)
    comps = {"same distribution": ref, "blurred (σ=1 px)": e(blurred), f"other dataset ({other})": e(contaminant.images)}
    for r in sample_size_study(ref, comps, sizes, repeats=repeats, seed=seed, kid_subsets=kid_subsets):
        rows.append({"extractor": e.name, "metric": e.metric_name, "kid_name": e.kid_name, **r})
df = pd.DataFrame(rows)
df.round(5)

# %%
fig, axes = plt.subplots(len(exts), 2, figsize=(8, 2.6 * len(exts)), squeeze=False)
for (ax_fd, ax_kid), e in zip(axes, exts):
    for comp, sub in df[df.extractor == e.name].groupby("comparison", sort=False):
        ax_fd.errorbar(sub.n, sub.fd_mean, yerr=sub.fd_std, marker="o", capsize=2, label=comp)
        ax_kid.errorbar(sub.n, sub.kid_mean, yerr=sub.kid_std, marker="o", capsize=2, label=comp)
    ax_fd.set(xscale="log", xlabel="n images per side", ylabel=e.metric_name, title=f"{e.metric_name} vs n")
    ax_kid.set(xscale="log", xlabel="n images per side", ylabel=e.kid_name, title=f"{e.kid_name} vs n")
    ax_kid.axhline(0, color="k", lw=0.6)
axes[0][0].legend(fontsize=7)
fig.suptitle(f"{data.title}: mean ± std over {repeats} draws ({tier} tier)", fontsize=9)
fig.tight_layout()
res.save_figure(fig, "bias_vs_n")
plt.show()

# %%
res.save_metrics(dataset=dataset, data=data_note, data_source=data.source, datasets=[data.title, contaminant.title],
                 rows=rows, repeats=repeats,
                 metric_names={e.name: [e.metric_name, e.kid_name] for e in exts})

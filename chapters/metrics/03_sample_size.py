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
calibration_n = 0  # > 0: FID / KID between calibration_n train and calibration_n test images (TF-Inception)
jpeg_n = 0  # > 0: what one more JPEG q75 pass on both sides does, on jpeg_n images per side
n_comparison = None  # images in the blurred and other-dataset sets (None: max(sizes)); they enter up to that n

# %%
import matplotlib.pyplot as plt
import pandas as pd
import torch

from genrep.data import info, load_or_standin
from genrep.metrics import fid_from_features, kid_from_features, reference_features
from genrep.metrics.disturbances import disturb, jpeg_roundtrip
from genrep.metrics.reference import reference_images
from genrep.metrics.studies import resolve_extractors, sample_size_study
from genrep.report import Results
from genrep.report.notebook import data_fields
from genrep.train import prepare_device, seed_everything

seed_everything(seed)
dev = prepare_device(device)
res = Results(results_dir, tier)
n_max = max(sizes)
data = load_or_standin(dataset, split, size=size, n=min(2 * n_max, 20000), seed=seed)
n_comp = min(n_comparison or n_max, n_max)
contaminant = load_or_standin(other, "train", size=size, n=n_comp, seed=seed + 1)
blurred = disturb(data.images[:n_comp], "gaussian_blur", 1.0, seed=seed)
exts = resolve_extractors(extractors, dev)
data_note = f"{data.title} ({len(data.images)} images at {size}px); other: {contaminant.title}"
print(data_note, "| extractors:", [e.metric_name for e in exts])

# %%
# Inception features of real reference subsets are cached in the data folder (computed once per subset).
cached = data.source == "real" and torch.equal(
    reference_images(dataset, split, size, len(data.images), seed), data.images
)
other_split = "test" if split == "train" else "train"
calib = (
    calibration_n > 0
    and data.source == "real"
    and other_split in info(dataset).splits
    and any(e.name == "inception" for e in exts)
)


def features(e, images, which=None):
    return (
        reference_features(dataset, which, size, len(images), seed) if (e.name == "inception" and which) else e(images)
    )


rows = []
feats = {}
for e in exts:
    ref = features(e, data.images, split if cached else None)
    comps = {
        "same distribution": ref,
        "blurred (σ=1 px)": e(blurred),
        f"other dataset ({other})": e(contaminant.images),
    }
    if calib:
        comps[f"{other_split} split"] = (
            reference_features(dataset, other_split, size, calibration_n, seed)
            if e.name == "inception"
            else e(reference_images(dataset, other_split, size, calibration_n, seed))
        )
    feats[e.name] = (ref, comps)
    for r in sample_size_study(ref, comps, sizes, repeats=repeats, seed=seed, kid_subsets=kid_subsets):
        rows.append({"extractor": e.name, "metric": e.metric_name, "kid_name": e.kid_name, **r})
df = pd.DataFrame(rows)
df.round(5)

# %% [markdown]
# ## Calibration: CIFAR-10 train against test
# Two splits of one dataset are as close as two image sets get, so their FID is the floor a perfect
# generator would reach at that n. The mirror here stores both splits as JPEG (quality 75); one more JPEG
# pass on both sides shows how much such compression moves the number.

# %%
calibration = {}
if calib:
    test_f, comps = feats["inception"]
    train_f = comps[f"{other_split} split"]
    n_cal = min(len(test_f), len(train_f))
    calibration = {
        "n": n_cal,
        "fid": fid_from_features(train_f[:n_cal], test_f[:n_cal]),
        "kid": kid_from_features(train_f[:n_cal], test_f[:n_cal], subsets=100, subset_size=1000, seed=seed),
    }
    if jpeg_n:
        a = reference_images(dataset, other_split, size, calibration_n, seed)[:jpeg_n]
        b = data.images[:jpeg_n]
        inc = next(e for e in exts if e.name == "inception")
        ja, jb = inc(jpeg_roundtrip(a, 75)), inc(jpeg_roundtrip(b, 75))
        calibration["jpeg"] = {
            "n": jpeg_n,
            "fid_mirror": fid_from_features(train_f[:jpeg_n], test_f[:jpeg_n]),
            "fid_one_more_q75_both": fid_from_features(ja, jb),
            "fid_test_vs_its_q75_copy": fid_from_features(test_f[:jpeg_n], jb),
        }
    print(
        f"FID (TF-Inception) CIFAR-10 {other_split} vs {split}, n = {n_cal} per side (JPEG-q75 mirror): "
        f"{calibration['fid']:.3f}; KID {calibration['kid'][0]:.5f} ± {calibration['kid'][1]:.5f}"
    )
    if "jpeg" in calibration:
        j = calibration["jpeg"]
        print(
            f"n = {j['n']}: mirror {j['fid_mirror']:.3f}; both sides through one more q75 pass "
            f"{j['fid_one_more_q75_both']:.3f}; test against its own q75 copy {j['fid_test_vs_its_q75_copy']:.3f}"
        )
else:
    print("calibration not run at this tier (needs TF-Inception, real data and calibration_n > 0)")

# %%
fig, axes = plt.subplots(len(exts), 2, figsize=(8, 2.6 * len(exts)), squeeze=False)
for (ax_fd, ax_kid), e in zip(axes, exts, strict=False):
    for comp, sub in df[df.extractor == e.name].groupby("comparison", sort=False):
        ax_fd.errorbar(sub.n, sub.fd_mean, yerr=sub.fd_std, marker="o", capsize=2, label=comp)
        ax_kid.errorbar(sub.n, sub.kid_mean, yerr=sub.kid_std, marker="o", capsize=2, label=comp)
    ax_fd.set(xscale="log", xlabel="n images per side", ylabel=e.metric_name, title=f"{e.metric_name} vs n")
    ax_kid.set(xscale="log", xlabel="n images per side", ylabel=e.kid_name, title=f"{e.kid_name} vs n")
    ax_kid.axhline(0, color="k", lw=0.6)
axes[0][0].legend(fontsize=7)
fig.suptitle(f"{data.title}: mean ± std over {repeats} draws ({tier} tier)", fontsize=9)
fig.tight_layout()
res.show_figure(fig, "bias_vs_n")

# %%
res.save_metrics(
    **data_fields(data, dataset=dataset, note=data_note),
    datasets=[data.title, contaminant.title],
    rows=rows,
    repeats=repeats,
    calibration=calibration,
    metric_names={e.name: [e.metric_name, e.kid_name] for e in exts},
)

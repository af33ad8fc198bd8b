# %% [markdown]
# # The VAE (Table 4.2, Figures 4.7–4.8)
#
# A fully connected VAE (spec §3.2): 12288 → 512 → 512 → two linear heads (μ and log σ², 16-d each);
# decoder 16 → 512 → 512 → 12288 with a Sigmoid; LeakyReLU(0.2) between layers; loss = BCE (summed over
# pixels and batch) + KL with weight 1; Adam 2e-4; batch 128; data in [0, 1]. Like the authors' code, a
# partial last batch is skipped every epoch, and the "Average Loss" of Table 4.2 is the summed loss
# divided by the number of files. We also log the exact per-image mean.

# %% tags=["parameters"]
tier = "reduced"
results_dir = "results/dcgan_vae_cats/reduced/04_vae"
runs_dir = "runs/dcgan_vae_cats/reduced/04_vae"
seed = 0
device = "auto"
split = "train"
n_images = None
epochs = 50
batch_size = 128
lr = 2e-4
hidden_dim = 512
latent_dim = 16
skip_partial_batch = True
n_samples = 10
interp_steps = 10
score_n = 1000  # VAE samples scored against the frozen real subset (not in the report)
extractors = "auto"

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import torch

from genrep.data import Batcher, load_or_standin, save_image_uint8
from genrep.losses import vae_loss
from genrep.metrics import fid_from_features, kid_from_features, precision_recall
from genrep.metrics.diversity import pairwise_cosine_counts
from genrep.metrics.reference import cached_features
from genrep.metrics.sharpness import high_freq_energy
from genrep.metrics.studies import resolve_extractors
from genrep.models.latent import lerp
from genrep.models.vae import MLPVAE
from genrep.report import Results, show_grid
from genrep.report.notebook import data_fields
from genrep.train import Checkpointer, Stopwatch, count_params, prepare_device, seed_everything, train_loop
from genrep.train.gan_step import adam

seed_everything(seed)
dev = prepare_device(device)
res = Results(results_dir, tier)
data = load_or_standin("cats64", split, n=n_images, seed=0)
batches = Batcher(
    data.images, batch_size=batch_size, device=dev, shuffle=True, seed=seed, drop_last=skip_partial_batch, range=(0, 1)
)
vae = MLPVAE(image_shape=tuple(data.images.shape[1:]), hidden_dim=hidden_dim, latent_dim=latent_dim).to(dev)
opt = adam(vae.parameters(), lr=lr)  # fused where available: the same update, faster
steps_per_epoch = len(batches)
print(f"{data.title}: {len(data.images)} images, {steps_per_epoch} steps/epoch, VAE {count_params(vae):,} parameters")


# %%
def step(i):
    x = next(batches)
    clock.count("train", steps=1, images=len(x))  # only the steps run in this session (a resume runs fewer)
    x_hat, mu, logvar = vae(x)
    loss, recon, kl = vae_loss(x_hat, x, mu, logvar)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    return {"loss": loss, "recon": recon, "kl": kl, "batch": float(len(x))}


clock = Stopwatch(dev)
with clock.timed("train"):
    history = train_loop(
        step,
        total_steps=epochs * steps_per_epoch,
        log_every=1,
        desc="VAE",
        state={"vae": vae, "opt": opt, "batches": batches},
        checkpointer=Checkpointer(Path(runs_dir) / "ckpt.pt", every_minutes=5),
    )

# %% [markdown]
# ## Table 4.2 regenerated: the "Average Loss" per epoch

# %%
h = pd.DataFrame(history)
h["epoch"] = h["step"] // steps_per_epoch + 1
log = h.groupby("epoch").agg(loss_sum=("loss", "sum"), images=("batch", "sum")).reset_index()
log["average_loss_authors"] = log.loss_sum / len(data.images)  # the authors' normaliser: all files
log["per_image_loss"] = log.loss_sum / log.images
fig, ax = plt.subplots(figsize=(5, 3))
ax.plot(log.epoch, log.average_loss_authors, "o-", ms=3, label="Average Loss (authors' normaliser)")
ax.plot(log.epoch, log.per_image_loss, "s-", ms=3, label="per-image mean")
ax.set(xlabel="epoch", ylabel="nats per image", title=f"VAE loss — {data.title} ({tier} tier)")
ax.legend(fontsize=7)
res.show_figure(fig, "vae_loss")
log.round(3)

# %% [markdown]
# ## Figure 4.7 (10 samples), Figure 4.8 (interpolation of μ between two images), reconstructions

# %%
vae.eval()
with torch.no_grad():
    samples = vae.sample(n_samples, generator=torch.Generator().manual_seed(seed), device=dev).cpu()
    pair = next(iter(Batcher(data.images, batch_size=2, device=dev, seed=seed + 1, range=(0, 1))))
    mu, _ = vae.encode(pair)
    path = vae.decode(lerp(mu[0], mu[1], interp_steps)).cpu()
    originals = next(iter(Batcher(data.images, batch_size=8, device=dev, seed=seed + 2, range=(0, 1))))
    recon = vae.decode(vae.encode(originals)[0])
fig, axes = plt.subplots(3, 1, figsize=(8, 7))
show_grid(axes[0], save_image_uint8(samples, "authors_clip"), nrow=5, title="Fig. 4.7 regenerated: samples")
show_grid(axes[1], save_image_uint8(path, "authors_clip"), nrow=5, title="Fig. 4.8 regenerated: μ interpolation")
show_grid(
    axes[2],
    save_image_uint8(torch.cat([originals.cpu(), recon.cpu()]), "authors_clip"),
    nrow=8,
    title="reconstructions (top: input, bottom: decoded μ; not in the report)",
)
fig.suptitle(f"{data.title} ({tier} tier)", fontsize=9)
res.show_figure(fig, "vae_figures")

# %% [markdown]
# ## The VAE on the GAN's yardsticks (not in the report)
# The same frozen real subset, sample count and extractors as 03_dcgan_eval's eval-mode fakes; the share of
# spectral power above a quarter of the sampling rate measures the blur the report describes.

# %%
real = data.images[res.metrics("01_data")["real_subset"]]
with torch.no_grad():
    gen = save_image_uint8(
        vae.sample(score_n, generator=torch.Generator().manual_seed(seed + 3), device=dev).cpu(), "authors_clip"
    )  # VAE outputs are already in [0, 1]
scores = {}
for e in resolve_extractors(extractors, dev):
    fr, fg = cached_features(e, real), e(gen)
    kid, kid_sd = kid_from_features(fr, fg, subsets=20, subset_size=min(len(real), len(gen), 1000), seed=seed)
    scores[e.name] = {
        "metric": e.metric_name,
        "fd": fid_from_features(fr, fg),
        "kid": kid,
        "kid_std": kid_sd,
        **precision_recall(fr, fg, k=3),
    }
mc = pairwise_cosine_counts(gen.float() / 127.5 - 1, 0.9)
hf = {"generated": float(high_freq_energy(gen).mean()), "real": float(high_freq_energy(real).mean())}
pd.concat([pd.DataFrame(scores).T, pd.DataFrame({"high-frequency share": hf}).T])

# %%
res.save_metrics(
    **data_fields(data, count="n_images"),
    epochs=epochs,
    steps_per_epoch=steps_per_epoch,
    params=count_params(vae),
    hidden_dim=hidden_dim,
    latent_dim=latent_dim,
    epoch_log=log.to_dict("records"),
    scores=scores,
    mode_collapse=mc,
    score_n=score_n,
    high_freq=hf,
    throughput=clock.summary(),
)

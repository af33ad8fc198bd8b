# %% [markdown]
# # Training the DCGAN (Table 4.1, Figures 4.1–4.4)
#
# The network is the PyTorch DCGAN tutorial's, exactly as the authors' notebook has it (spec §3.1):
# transposed convolutions 100→512→256→128→64→3 with BatchNorm and ReLU, a Tanh output, a mirrored
# discriminator with LeakyReLU(0.2) and a Sigmoid, PyTorch's default initialisation, BCE losses, Adam
# (2e-4, β = (0.5, 0.999)), batch 128, 50 epochs, and a partial last batch each epoch (`drop_last=False`).
# Each step updates D on real and fake images, then G with the non-saturating loss on the **same** fakes
# (the code; the report's pseudocode samples fresh noise — parameter `g_step_fresh_noise`).
#
# Table 4.1 of the report lists the **last minibatch's** losses of each epoch; we log those and the
# epoch means.

# %% tags=["parameters"]
tier = "reduced"
results_dir = "results/dcgan_vae_cats/reduced/02_dcgan_train"
runs_dir = "runs/dcgan_vae_cats/reduced/02_dcgan_train"
seed = 0
device = "auto"
split = "train"
n_images = None
epochs = 50
batch_size = 128
lr = 2e-4
betas = [0.5, 0.999]
latent_dim = 100
g_features = 64
d_features = 64
init = "torch_default"         # or "dcgan_normal" (the tutorial's N(0, 0.02), not used by the authors)
g_step_fresh_noise = False     # True: the report's pseudocode (fresh z for the G step)
sample_interval = 5            # keep a 16-image grid of the last batch every this many epochs
ckpt_epochs = [10, 20, 30, 40, 50]

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch

from genrep.data import Batcher, load_or_standin
from genrep.losses import bce_d_loss, bce_g_loss
from genrep.models.dcgan import DCGANDiscriminator, DCGANGenerator, init_dcgan_normal
from genrep.report import Results, minmax_uint8, show_grid
from genrep.train import Checkpointer, Snapshots, Stopwatch, count_params, seed_everything, prepare_device, train_loop

seed_everything(seed)
dev = prepare_device(device)
res = Results(results_dir, tier)
Path(runs_dir).mkdir(parents=True, exist_ok=True)  # generator checkpoints for 03_dcgan_eval go here
data = load_or_standin("cats64", split, n=n_images, seed=0)
batches = Batcher(data.images, batch_size=batch_size, device=dev, shuffle=True, seed=seed, drop_last=False)
G = DCGANGenerator(nz=latent_dim, ngf=g_features).to(dev)
D = DCGANDiscriminator(ndf=d_features).to(dev)
if init == "dcgan_normal":
    G.apply(init_dcgan_normal)
    D.apply(init_dcgan_normal)
elif init != "torch_default":
    raise ValueError(f"init must be 'torch_default' or 'dcgan_normal', got {init!r}")
opt_g = torch.optim.Adam(G.parameters(), lr=lr, betas=tuple(betas))
opt_d = torch.optim.Adam(D.parameters(), lr=lr, betas=tuple(betas))
steps_per_epoch = len(batches)
last_batch = len(data.images) - (steps_per_epoch - 1) * batch_size
fixed_z = torch.randn(16, latent_dim, generator=torch.Generator().manual_seed(1234)).to(dev)
snaps = Snapshots()
print(f"{data.title}: {len(data.images)} images, {steps_per_epoch} steps/epoch (last batch {last_batch}), "
      f"G {count_params(G):,} / D {count_params(D):,} parameters, device {dev}")

# %%
def step(i):
    x = next(batches)
    clock.count("train", steps=1, images=len(x))  # only the steps run in this session (a resume runs fewer)
    z = torch.randn(len(x), latent_dim, device=dev)
    fake = G(z)
    d_loss = bce_d_loss(D(x), D(fake.detach()))
    opt_d.zero_grad(set_to_none=True)
    d_loss.backward()
    opt_d.step()
    if g_step_fresh_noise:
        fake = G(torch.randn(len(x), latent_dim, device=dev))
    g_loss = bce_g_loss(D(fake))
    opt_g.zero_grad(set_to_none=True)
    g_loss.backward()
    opt_g.step()
    epoch = (i + 1) // steps_per_epoch
    if (i + 1) % steps_per_epoch == 0:  # end of an epoch: the authors' grid, our fixed-z grid, checkpoints
        if epoch % sample_interval == 0:
            snaps.keep(f"last_batch_{epoch}", minmax_uint8(fake[:16]))
            G.eval()
            with torch.no_grad():
                snaps.keep(f"fixed_z_{epoch}", minmax_uint8(G(fixed_z)))
            G.train()
        if epoch in ckpt_epochs:
            torch.save(G.state_dict(), Path(runs_dir) / f"G_epoch{epoch}.pt")
    return {"d_loss": d_loss, "g_loss": g_loss, "batch": float(len(x))}


clock = Stopwatch(dev)
with clock.timed("train"):
    history = train_loop(step, total_steps=epochs * steps_per_epoch, log_every=1, desc="DCGAN",
                         state={"G": G, "D": D, "opt_g": opt_g, "opt_d": opt_d, "batches": batches, "snaps": snaps},
                         checkpointer=Checkpointer(Path(runs_dir) / "ckpt.pt", every_minutes=5))
torch.save(D.state_dict(), Path(runs_dir) / "D_final.pt")

# %% [markdown]
# ## The loss log (Table 4.1 regenerated) and the loss curves

# %%
h = pd.DataFrame(history)
h["epoch"] = h["step"] // steps_per_epoch + 1
log = h.groupby("epoch").agg(d_last=("d_loss", "last"), g_last=("g_loss", "last"), d_mean=("d_loss", "mean"),
                             g_mean=("g_loss", "mean")).reset_index()
fig, ax = plt.subplots(1, 2, figsize=(10, 3))
ax[0].plot(h["step"] / steps_per_epoch, h["d_loss"], lw=0.4, alpha=0.5, label="D, every step")
ax[0].plot(log.epoch, log.d_last, "o-", ms=3, label="D, last batch (Table 4.1)")
ax[0].plot(log.epoch, log.d_mean, "s-", ms=3, label="D, epoch mean")
ax[1].plot(h["step"] / steps_per_epoch, h["g_loss"], lw=0.4, alpha=0.5, label="G, every step")
ax[1].plot(log.epoch, log.g_last, "o-", ms=3, label="G, last batch (Table 4.1)")
ax[1].plot(log.epoch, log.g_mean, "s-", ms=3, label="G, epoch mean")
for a in ax:
    a.set_xlabel("epoch")
    a.legend(fontsize=7)
ax[0].axhline(2 * np.log(2), color="k", ls=":", lw=0.8)
fig.suptitle(f"DCGAN losses — {data.title} ({tier} tier)", fontsize=9)
res.save_figure(fig, "losses")
plt.show()
log.round(4)

# %% [markdown]
# ## Samples during training (Figures 4.1–4.4)
# Left: the authors' grids (16 images of the last training batch, min-max normalised). Right: a fixed
# latent batch through G in eval mode, so the epochs are comparable.

# %%
kept = sorted(int(k.split("_")[-1]) for k in snaps if k.startswith("last_batch_"))
show = kept[-4:]
fig, axes = plt.subplots(len(show), 2, figsize=(10, 1.6 * len(show)), squeeze=False)
for row, e in zip(axes, show):
    show_grid(row[0], snaps[f"last_batch_{e}"], nrow=8, title=f"epoch {e}: last batch (as in the report)")
    show_grid(row[1], snaps[f"fixed_z_{e}"], nrow=8, title=f"epoch {e}: fixed z, eval mode")
fig.suptitle(f"{data.title} ({tier} tier)", fontsize=9)
res.save_figure(fig, "samples_during_training")
plt.show()

# %%
res.save_metrics(data=data.title, data_source=data.source, n_images=len(data.images), epochs=epochs,
                 steps_per_epoch=steps_per_epoch, last_batch=last_batch, g_params=count_params(G),
                 d_params=count_params(D), epoch_log=log.to_dict("records"), ckpt_epochs=ckpt_epochs,
                 latent_dim=latent_dim, g_features=g_features, throughput=clock.summary())

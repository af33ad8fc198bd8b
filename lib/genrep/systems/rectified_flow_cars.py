"""The rectified_flow_cars chapter's training system (Goldschmidt, Visy & Wollenhaupt 2024, "Project 2
Report"): the report's velocity fields (rectified flow), conv VAE and preference regressor, trained and
sampled the same way in every notebook of the chapter.

Every trainer runs through :func:`genrep.train.train_loop` with a :class:`Checkpointer` (resume after a
kill gives the same result as an uninterrupted run on the CPU), bf16 autocast on CUDA, and returns
``(history, stopwatch summary)``. Data live on the device: uint8 images in a ``Batcher``, latents in a
:class:`TensorSampler` (indices drawn from a generator seeded by (seed, step), so resuming needs no state).

* :func:`train_velocity_field` -- 1-RF (``genrep.diffusion.rf_loss``) for any ``model(x, t)``: the
  pixel-space RF-UNet (images in [-1, 1]) or a latent ``TimeMLP`` (float vectors). AdamW, linear warm-up,
  grad-clip, EMA.
* :func:`train_conv_vae` -- β-VAE loss with explicit reductions, AdamW, cosine decay, optional KL warm-up.
* :func:`train_regressor` / :func:`grid_search_cv` -- MSE regression of ratings, cosine schedule.
* :func:`sample_rf_images`, :func:`encode_images`, :func:`decode_latents` -- batched, uint8 outputs.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import torch
from torch import nn

from genrep.data import Batcher, random_hflip, to_float, to_uint8
from genrep.diffusion import rf_loss, rf_sample
from genrep.metrics.regression import regression_report
from genrep.metrics.sampling import sample_uint8
from genrep.models.conv_vae import beta_vae_loss
from genrep.models.preference import score_images
from genrep.runtime import Stopwatch, autocast
from genrep.train import EMA, Checkpointer, train_loop


class TensorSampler:
    """Random minibatches (with replacement) of a float tensor kept on the device; stateless by step."""

    def __init__(self, x: torch.Tensor, batch_size: int, seed: int = 0, device=None):
        self.x = x.to(device) if device is not None else x
        self.batch_size, self.seed = int(batch_size), int(seed)

    def batch(self, step: int) -> torch.Tensor:
        g = torch.Generator().manual_seed(self.seed * 1_000_003 + step)
        return self.x[torch.randint(len(self.x), (self.batch_size,), generator=g).to(self.x.device)]


def _ckpt(path, every_minutes=5.0):
    """``checkpoint`` arguments: None (no checkpoint), a path, or a ready :class:`Checkpointer`."""
    if path is None or isinstance(path, Checkpointer):
        return path
    return Checkpointer(Path(path), every_minutes=every_minutes)


def _fit(step_fn, state, steps, checkpoint, desc, log_every, seed, clock=None, batch_size=None, **kw):
    """:func:`train_loop` as every trainer here runs it; given a ``clock``, the steps are timed at
    ``batch_size`` images each and checked for NaN at the logging steps only (no GPU sync per step)."""
    if clock is not None:
        kw.update(stopwatch=clock, images_per_step=batch_size, check_every=log_every)
    return train_loop(
        step_fn,
        total_steps=steps,
        state=state,
        checkpointer=_ckpt(checkpoint),
        desc=desc,
        log_every=log_every,
        seed=seed,
        **kw,
    )


def train_velocity_field(
    model: nn.Module,
    data: torch.Tensor,
    *,
    steps: int,
    batch_size: int,
    lr: float = 2e-4,
    betas=(0.9, 0.999),
    weight_decay: float = 0.0,
    warmup_steps: int = 1000,
    grad_clip: float = 1.0,
    ema_decay: float = 0.999,
    hflip: bool = False,
    seed: int = 0,
    device=None,
    checkpoint=None,
    desc: str = "RF",
    log_every: int = 10,
    compile: bool = False,
):
    """Train ``model`` with the rectified-flow loss on ``data`` (uint8 images → [-1, 1], or float latents).

    Returns ``(ema, history, throughput)``; sample with ``ema.module``.
    """
    device = torch.device(device or "cpu")
    model.to(device)
    images = data.dtype == torch.uint8
    src = (
        Batcher(data, batch_size=batch_size, device=device, seed=seed)
        if images
        else TensorSampler(data.float(), batch_size, seed, device)
    )
    opt = torch.optim.AdamW(model.parameters(), lr=lr, betas=tuple(betas), weight_decay=weight_decay)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / max(1, warmup_steps)))
    ema = EMA(model, ema_decay)
    fwd = torch.compile(model) if compile and device.type == "cuda" else model
    clock = Stopwatch(device)
    flip_gen = torch.Generator().manual_seed(seed + 17)

    def step_fn(step):
        x1 = next(src) if images else src.batch(step)
        if hflip and images:
            x1 = random_hflip(x1, generator=flip_gen)
        with autocast(device):
            loss = rf_loss(fwd, x1)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        gn = nn.utils.clip_grad_norm_(model.parameters(), grad_clip) if grad_clip else torch.zeros(())
        opt.step()
        sched.step()
        ema.update(model)
        return {"loss": loss.detach(), "grad_norm": gn.detach()}

    state = {"model": model, "opt": opt, "sched": sched, "ema": ema}
    if images:
        state["data"] = src
    hist = _fit(step_fn, state, steps, checkpoint, desc, log_every, seed, clock, batch_size)
    return ema, hist, clock.summary()


@torch.no_grad()
def sample_rf_images(
    model: nn.Module,
    n: int,
    shape,
    nfe: int = 100,
    method: str = "euler",
    batch_size: int = 256,
    seed: int = 0,
    device=None,
) -> torch.Tensor:
    """n images from a pixel-space velocity field: Euler/Heun from N(0, I) at t=0 to t=1, clamped to
    [-1, 1] and quantised to uint8 (CPU tensor [n, C, H, W])."""
    device = torch.device(device or next(model.parameters()).device)
    g = torch.Generator().manual_seed(seed)
    model.eval()

    def batch(b):
        x0 = torch.randn(b, *shape, generator=g).to(device)
        with autocast(device):
            x = rf_sample(model, x0, nfe=nfe, method=method)
        return to_uint8(x.float().clamp(-1, 1))

    return sample_uint8(batch, n, batch_size) if n > 0 else torch.empty(0, *shape, dtype=torch.uint8)


@torch.no_grad()
def sample_rf_latents(
    model: nn.Module,
    n: int,
    dim: int,
    nfe: int = 100,
    method: str = "euler",
    batch_size: int = 4096,
    seed: int = 0,
    device=None,
) -> torch.Tensor:
    device = torch.device(device or next(model.parameters()).device)
    g = torch.Generator().manual_seed(seed)
    model.eval()
    out = [
        rf_sample(model, torch.randn(min(batch_size, n - i), dim, generator=g).to(device), nfe=nfe, method=method)
        .float()
        .cpu()
        for i in range(0, n, batch_size)
    ]
    return torch.cat(out) if out else torch.empty(0, dim)


def train_conv_vae(
    vae: nn.Module,
    images: torch.Tensor,
    *,
    steps: int,
    batch_size: int,
    lr: float = 3e-4,
    lr_min: float = 1e-5,
    beta: float = 0.1,
    recon_reduction: str = "sum",
    kl_reduction: str = "sum",
    kl_warmup_steps: int = 0,
    seed: int = 0,
    device=None,
    checkpoint=None,
    desc: str = "VAE",
    log_every: int = 10,
    compile: bool = False,
):
    """Train a :class:`~genrep.models.conv_vae.ConvVAE` on uint8 images; returns ``(history, throughput)``."""
    device = torch.device(device or "cpu")
    vae.to(device)
    src = Batcher(images, batch_size=batch_size, device=device, seed=seed, range=vae.data_range)
    opt = torch.optim.AdamW(vae.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (lr_min + 0.5 * (lr - lr_min) * (1 + math.cos(math.pi * min(s, steps) / max(1, steps)))) / lr
    )
    fwd = torch.compile(vae) if compile and device.type == "cuda" else vae
    clock = Stopwatch(device)

    def step_fn(step):
        x = next(src)
        b = beta * min(1.0, step / kl_warmup_steps) if kl_warmup_steps else beta
        with autocast(device):
            x_hat, mu, logvar = fwd(x)
        loss, recon, kl = beta_vae_loss(x_hat, x, mu, logvar, b, recon_reduction, kl_reduction)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        return {"loss": loss.detach(), "recon": recon.detach(), "kl": kl.detach()}

    state = {"vae": vae, "opt": opt, "sched": sched, "data": src}
    hist = _fit(step_fn, state, steps, checkpoint, desc, log_every, seed, clock, batch_size)
    return hist, clock.summary()


@torch.no_grad()
def encode_images(vae: nn.Module, images: torch.Tensor, batch_size: int = 512):
    """(μ, log σ²) as float CPU tensors for uint8 images."""
    device = next(vae.parameters()).device
    vae.eval()
    mus, lvs = [], []
    for i in range(0, len(images), batch_size):
        x = to_float(images[i : i + batch_size].to(device), vae.data_range)
        mu, lv = vae.encode(x)
        mus.append(mu.float().cpu())
        lvs.append(lv.float().cpu())
    return torch.cat(mus), torch.cat(lvs)


@torch.no_grad()
def decode_latents(vae: nn.Module, z, batch_size: int = 512) -> torch.Tensor:
    """uint8 images [n, C, H, W] decoded from latents ``z`` (numpy or tensor)."""
    device = next(vae.parameters()).device
    vae.eval()
    z = torch.as_tensor(np.asarray(z), dtype=torch.float32)
    out = [
        to_uint8(vae.decode(z[i : i + batch_size].to(device)).float(), vae.data_range).cpu()
        for i in range(0, len(z), batch_size)
    ]
    return torch.cat(out)


def train_regressor(
    model: nn.Module,
    images: torch.Tensor,
    targets,
    *,
    epochs: int,
    batch_size: int = 64,
    lr: float = 1e-3,
    weight_decay: float = 0.0,
    hflip: bool = False,
    seed: int = 0,
    device=None,
    checkpoint=None,
    desc: str = "regressor",
    log_every: int = 10,
):
    """MSE regression of ``targets`` from uint8 images; AdamW, cosine schedule. Returns the history."""
    device = torch.device(device or "cpu")
    model.to(device).train()
    y = torch.tensor(np.asarray(targets, dtype=np.float32))
    bs = min(batch_size, len(images))
    src = Batcher(images, y, batch_size=bs, device=device, seed=seed, range=(0, 1))
    steps = max(1, epochs * len(src))
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    flip_gen = torch.Generator().manual_seed(seed + 23)

    def step_fn(step):
        x, t = next(src)
        if hflip:
            x = random_hflip(x, generator=flip_gen)
        with autocast(device):
            p = model(x)
        loss = (p.float() - t).pow(2).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        return {"mse": loss.detach()}

    state = {"model": model, "opt": opt, "sched": sched, "data": src}
    hist = _fit(step_fn, state, steps, checkpoint, desc, log_every, seed, progress=checkpoint is not None)
    model.eval()
    return hist


def grid_search_cv(
    make_model,
    images: torch.Tensor,
    targets,
    grid: dict,
    folds: int = 5,
    batch_size: int = 64,
    seed: int = 0,
    device=None,
) -> list[dict]:
    """K-fold CV of every configuration in the product of ``grid`` (keys: lr, weight_decay, epochs, hflip).
    Returns one row per configuration with mean RMSE / MAE / Spearman over the folds."""
    y = np.asarray(targets, float)
    perm = np.random.default_rng(seed).permutation(len(y))
    parts = np.array_split(perm, folds)
    keys = list(grid)
    rows = []
    for values in itertools.product(*(grid[k] for k in keys)):
        cfg = dict(zip(keys, values, strict=False))
        reps = []
        for f in range(folds):
            va = np.sort(parts[f])
            tr = np.sort(np.concatenate([parts[j] for j in range(folds) if j != f]))
            m = make_model()
            train_regressor(
                m,
                images[tr],
                y[tr],
                batch_size=batch_size,
                seed=seed + f,
                device=device,
                epochs=int(cfg["epochs"]),
                lr=float(cfg["lr"]),
                weight_decay=float(cfg.get("weight_decay", 0.0)),
                hflip=bool(cfg.get("hflip", False)),
            )
            reps.append(regression_report(y[va], score_images(m, images[va])))
        rows.append({**cfg, **{k: float(np.nanmean([r[k] for r in reps])) for k in ("rmse", "mae", "spearman")}})
    return rows

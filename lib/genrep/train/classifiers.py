"""Training recipes for the classifiers of :mod:`genrep.models.classifiers`, through :func:`train_loop`.

* ``train_classifier``: Adam + cross-entropy, a fresh permutation per epoch (the Diffused-Flows chapter's MNIST
  feature classifier ``SmallCNN``).
* ``train_cifarnet``: the book's CIFAR-10 classifier ``CifarNet`` (random crop with 4-px reflect padding +
  horizontal flip, label smoothing 0.1, SGD-Nesterov with a one-cycle schedule, bf16 autocast); it writes the
  asset that :func:`genrep.metrics.proxies.load_cifarnet` loads:

  - ``cifarnet.pt``: the fp16 state_dict (small enough to commit);
  - ``cifarnet.json``: architecture, per-epoch log, test accuracy *of the fp16 asset*, parameter count,
    data title, wall time, the exact regeneration command and the sha256 of the ``.pt``.

Regenerate the asset with::

    python -m genrep.train.classifiers --out lib/genrep/assets/cifarnet.pt --epochs 10

(10 epochs took 14.5 min on 2 shared CPU cores, about 45 s per epoch when the cores were free;
86.6% test accuracy on the JPEG-q75 CIFAR-10 mirror. On one GPU it takes well under a minute.)
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import platform
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from genrep import data
from genrep.metrics.proxies import CIFARNET_PATH, evaluate, load_cifarnet
from genrep.models.classifiers import CifarNet
from genrep.runtime import file_hexdigest, rand, randint, select_device

from ..models.params import count_params
from .loop import train_loop


def train_classifier(
    model: nn.Module,
    images: torch.Tensor,
    labels: torch.Tensor,
    epochs: int = 5,
    batch_size: int = 128,
    lr: float = 1e-3,
    device=None,
    seed: int = 0,
) -> list[float]:
    """Adam + cross-entropy on uint8 images (scaled to [0, 1]); returns the mean loss of each epoch.

    Each epoch takes the batches of a fresh permutation drawn from a CPU generator seeded with ``seed``."""
    device = torch.device(device) if device is not None else next(model.parameters()).device
    g = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    model.to(device).train()
    steps_per_epoch = math.ceil(len(images) / batch_size)
    losses, run = [], {}

    def step_fn(step):
        i = step % steps_per_epoch * batch_size
        if i == 0:
            run.update(perm=torch.randperm(len(images), generator=g), tot=0.0)
        idx = run["perm"][i : i + batch_size]
        x = images[idx].to(device).float() / 255
        loss = nn.functional.cross_entropy(model(x), labels[idx].to(device))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        run["tot"] += loss.item() * len(idx)
        if i + batch_size >= len(images):
            losses.append(run["tot"] / len(images))
        return {"loss": loss.detach()}

    train_loop(
        step_fn,
        total_steps=epochs * steps_per_epoch,
        state={"model": model, "opt": opt},
        desc="classifier",
        log_every=steps_per_epoch,
    )
    return losses


def _augment(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Random 32x32 crop of the 4-px reflect-padded batch + random horizontal flip (vectorised)."""
    n, c, h, w = x.shape
    xp = F.pad(x, (4, 4, 4, 4), mode="reflect")
    dy, dx = randint(0, 9, (2, n), generator=gen, device=x.device)
    rows = (dy[:, None] + torch.arange(h, device=x.device))[:, None, :, None]
    cols = (dx[:, None] + torch.arange(w, device=x.device))[:, None, None, :]
    flip = rand((n,), generator=gen, device=x.device) < 0.5
    cols = torch.where(flip[:, None, None, None], cols.flip(-1), cols)
    return xp[
        torch.arange(n, device=x.device)[:, None, None, None],
        torch.arange(c, device=x.device)[None, :, None, None],
        rows,
        cols,
    ]


def _load_cifar(split):
    out = data.load("cifar10", split, labels=True)
    x, y = out if isinstance(out, tuple) else (out.images, out.labels)
    return x, torch.as_tensor(y).long()


def train_cifarnet(
    out_path=CIFARNET_PATH,
    epochs=10,
    batch_size=256,
    lr=0.2,
    weight_decay=5e-4,
    seed=0,
    device=None,
    log_path=None,
    widths=(32, 64, 128, 192),
) -> dict:
    """Train CifarNet on CIFAR-10 train, evaluate on test, write the fp16 asset + json; return the json."""
    t0 = time.time()
    dev = torch.device(device) if device is not None else select_device()
    torch.manual_seed(seed)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    logf = open(log_path, "a") if log_path else None

    def log(msg):
        print(msg, flush=True)
        if logf:
            logf.write(msg + "\n")
            logf.flush()

    title = data.info("cifar10").title if hasattr(data, "info") else "CIFAR-10"
    xtr, ytr = _load_cifar("train")
    xte, yte = _load_cifar("test")
    log(
        f"data: {title}; train {tuple(xtr.shape)}, test {tuple(xte.shape)} (if this is the JPEG-q75 mirror, "
        "the net is trained and tested on JPEG-degraded pixels)"
    )
    xtr_d, ytr_d = xtr.to(dev), ytr.to(dev)
    model = CifarNet(widths=widths).to(dev).to(memory_format=torch.channels_last)
    decay = [p for n, p in model.named_parameters() if p.ndim > 1]
    no_decay = [p for n, p in model.named_parameters() if p.ndim <= 1]
    opt = torch.optim.SGD(
        [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0}],
        lr=lr,
        momentum=0.9,
        nesterov=True,
    )
    steps_per_epoch = math.ceil(len(xtr) / batch_size)
    sched = torch.optim.lr_scheduler.OneCycleLR(
        opt,
        max_lr=lr,
        epochs=epochs,
        steps_per_epoch=steps_per_epoch,
        pct_start=0.25,
        anneal_strategy="linear",
        div_factor=10,
        final_div_factor=100,
    )
    gen = torch.Generator(device=dev).manual_seed(seed)
    history = []
    log(f"CifarNet widths={widths} params={count_params(model)} device={dev} epochs={epochs} batch={batch_size}")
    run = {}

    def step_fn(step):
        epoch, i = divmod(step, steps_per_epoch)
        i *= batch_size
        if i == 0:  # a new epoch: a fresh permutation from the same generator as the augmentation
            model.train()
            run.update(
                perm=torch.randperm(len(xtr), generator=gen, device=gen.device), loss=0.0, correct=0.0, t=time.time()
            )
        idx = run["perm"][i : i + batch_size]
        x = _augment(xtr_d[idx].float().div_(255), gen).contiguous(memory_format=torch.channels_last)
        y = ytr_d[idx]
        with torch.autocast(dev.type, dtype=torch.bfloat16):
            logits = model(x)
            loss = F.cross_entropy(logits.float(), y, label_smoothing=0.1)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        run["loss"] += loss.item() * len(idx)
        run["correct"] += (logits.argmax(1) == y).sum().item()
        if i + batch_size >= len(xtr):  # the epoch's last batch
            acc = evaluate(model, xte, yte, amp=True)
            rec = dict(
                epoch=epoch + 1,
                loss=round(run["loss"] / len(xtr), 4),
                train_acc=round(run["correct"] / len(xtr), 4),
                test_acc=round(acc, 4),
                seconds=round(time.time() - run["t"], 1),
            )
            history.append(rec)
            log(json.dumps(rec))
        return {"loss": loss.detach()}

    train_loop(
        step_fn,
        total_steps=epochs * steps_per_epoch,
        state={"model": model, "opt": opt, "sched": sched},
        desc="CifarNet",
        log_every=steps_per_epoch,
    )

    state = {
        k: (v.detach().half() if v.is_floating_point() else v.detach()).cpu().contiguous()
        for k, v in model.state_dict().items()
    }
    torch.save(state, out_path)
    digest = file_hexdigest(out_path)
    meta = dict(
        name="cifarnet",
        arch=dict(cls="genrep.models.classifiers.CifarNet", widths=list(widths), num_classes=10),
        params=count_params(model),
        feature_dim=widths[-1],
        dtype="float16",
        data=title,
        data_note="trained and tested on what genrep.data.load('cifar10') returned; the shared mirror "
        "is JPEG q75 (lossy), so accuracy is on JPEG-degraded test images",
        train_images=len(xtr),
        test_images=len(xte),
        epochs=epochs,
        batch_size=batch_size,
        seed=seed,
        recipe=f"SGD nesterov m=0.9, OneCycle max_lr={lr}, wd={weight_decay} (conv/linear weights), label "
        "smoothing "
        "0.1, bf16 autocast, random crop (4px reflect pad) + horizontal flip",
        log=history,
        device=str(dev),
        torch=torch.__version__,
        python=platform.python_version(),
        command=f"python -m genrep.train.classifiers --out lib/genrep/assets/cifarnet.pt --epochs {epochs}",
        sha256=digest,
        bytes=out_path.stat().st_size,
        created=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    meta_path = out_path.with_suffix(".json")
    meta_path.write_text(json.dumps(meta, indent=1) + "\n")
    # the number we report is the accuracy of the fp16 asset as shipped, in fp32 compute
    meta["test_accuracy"] = round(evaluate(load_cifarnet(out_path, device=dev), xte, yte, amp=False), 4)
    meta["wall_time_s"] = round(time.time() - t0, 1)
    meta_path.write_text(json.dumps(meta, indent=1) + "\n")
    log(
        f"wrote {out_path} ({meta['bytes']} bytes, sha256 {digest[:12]}); test accuracy (fp16 asset) "
        f"{meta['test_accuracy']:.4f}; wall time {meta['wall_time_s']:.0f}s"
    )
    if logf:
        logf.close()
    return meta


def main(argv=None):
    p = argparse.ArgumentParser(description="Train the CifarNet proxy feature extractor asset.")
    p.add_argument("--out", default=str(CIFARNET_PATH))
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--batch-size", type=int, default=256)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default=None)
    p.add_argument("--log", default=None, help="append the training log to this file")
    p.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (CPU training)")
    a = p.parse_args(argv)
    if a.threads:
        torch.set_num_threads(a.threads)
    train_cifarnet(a.out, epochs=a.epochs, batch_size=a.batch_size, seed=a.seed, device=a.device, log_path=a.log)


if __name__ == "__main__":
    main()

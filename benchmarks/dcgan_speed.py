"""DCGAN training throughput on this machine: the plain loop a reader of the PyTorch DCGAN example writes
(NCHW tensors, Adam's default implementation, D's real and fake losses backpropagated separately, a
``.item()`` per loss per step) against the step of ``chapters/dcgan_vae_cats/02_dcgan_train`` (fused Adam,
channels_last, no host syncs), same networks, same batch, interleaved in one run.

    python benchmarks/dcgan_speed.py [--steps 20] [--batch 128] [--threads 2] [--rounds 3] [--profile] [--bf16]

Prints images/s of each, their ratio, and with ``--profile`` the operators that take the time in ours.
A benchmark, not a test: numbers depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import time

import torch
from torch import nn

from genrep.models.dcgan import DCGANDiscriminator, DCGANGenerator
from genrep.train.gan_step import dcgan_optimizers, dcgan_step, to_channels_last


def plain(batch: int):
    """The textbook loop (the example's structure, written here)."""
    G, D = DCGANGenerator(), DCGANDiscriminator()
    crit = nn.BCELoss()
    og = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
    od = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
    real = torch.rand(batch, 3, 64, 64) * 2 - 1

    def step():
        D.zero_grad()
        out = D(real)
        err_real = crit(out, torch.ones_like(out))
        err_real.backward()
        fake = G(torch.randn(batch, 100, 1, 1))
        out = D(fake.detach())
        err_fake = crit(out, torch.zeros_like(out))
        err_fake.backward()
        od.step()
        G.zero_grad()
        out = D(fake)
        err_g = crit(out, torch.ones_like(out))
        err_g.backward()
        og.step()
        return (err_real + err_fake).item(), err_g.item()

    return step


def ours(batch: int, bf16: bool = False):
    G, D = to_channels_last(DCGANGenerator()), to_channels_last(DCGANDiscriminator())
    og, od = dcgan_optimizers(G, D, lr=2e-4, betas=(0.5, 0.999))
    real = (torch.rand(batch, 3, 64, 64) * 2 - 1).contiguous(memory_format=torch.channels_last)

    def step():
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            return dcgan_step(G, D, og, od, real, latent_dim=100)[:2]

    return step


def timed(step, steps: int) -> float:
    step()  # warm-up
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    return time.perf_counter() - t0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds; the best of each is kept")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument(
        "--bf16",
        action="store_true",
        help="also time ours under CPU bf16 autocast (not used by the chapter: it changes the numerics)",
    )
    ap.add_argument("--json", default=None, help="also write the numbers to this file")
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    runs = {"plain": plain(a.batch), "ours": ours(a.batch)}
    if a.bf16:
        runs["ours_bf16"] = ours(a.batch, bf16=True)
    best = {k: float("inf") for k in runs}
    for _r in range(a.rounds):
        for k, fn in runs.items():
            best[k] = min(best[k], timed(fn, a.steps))
    ips = {k: a.steps * a.batch / v for k, v in best.items()}
    out = {
        "threads": a.threads,
        "batch": a.batch,
        "steps": a.steps,
        "rounds": a.rounds,
        "images_per_s": {k: round(v, 2) for k, v in ips.items()},
        "ratio": round(ips["ours"] / ips["plain"], 3),
        **({"ratio_bf16": round(ips["ours_bf16"] / ips["plain"], 3)} if a.bf16 else {}),
        "torch": torch.__version__,
    }
    print(json.dumps(out, indent=1))
    if a.profile:
        from torch.profiler import ProfilerActivity, profile

        for k, fn in list(runs.items())[:2]:
            with profile(activities=[ProfilerActivity.CPU]) as prof:
                for _ in range(3):
                    fn()
            print(f"--- {k}: top operators (3 steps)")
            print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=12))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()

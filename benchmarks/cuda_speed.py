"""Training and feature throughput of the library's models on one device (a GPU; on a CPU only as a rehearsal
at small sizes), the numbers the GPU issue asks the first device call for.

    python benchmarks/cuda_speed.py [--device cuda] [--seconds 10] [--budget-s 150] [--json out.json]
                                    [--only cyclegan,dcgan,inception] [--compile] [--img 256 --ngf 64]

* **CycleGAN**, 256² batch-1 training steps of ``genrep.systems.cyclegan_monet.CycleGAN`` (two pix2pix U-Nets
  ngf 64, two 15×15 PatchGANs, LSGAN + cycle + identity, image pool 100): fp32 with NCHW tensors; bf16 autocast
  with channels_last (what the library does on CUDA); with ``--compile`` also the four networks under
  ``torch.compile`` and under ``torch.compile(mode="reduce-overhead")`` (CUDA graphs). The paper's schedule
  implies at least 6.8 steps/s on its GPU (119,646 steps in 4 h 55 min, spec §3.1.2). Unless ``--no-sizing``, also
  the budget tier's shapes (128², batch 1 and batch 32), which size that tier.
* **DCGAN**, batch-128 steps of ``chapters/dcgan_vae_cats/02_dcgan_train`` (``dcgan_step``, fused Adam,
  channels_last), fp32 and bf16 autocast.
* **Inception**, FID's InceptionV3 images/s at batch 200 from uint8 64² images (resized to 299² as the extractor
  does), fp32 with TF32 off (what FID uses) and bf16 autocast (faster, not used for FID). The network has random
  weights: the cost is the same, and the real weights (87 MB) do not travel to the device.

Each variant warms up (its compile time is recorded), then runs for at least ``--seconds``, synchronised. Variants
stop being started once ``--budget-s`` is spent; the JSON lists what was skipped. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import platform
import sys
import time

import torch


def sync(dev: torch.device) -> None:
    if dev.type == "cuda":
        torch.cuda.synchronize(dev)


def measure(step, dev: torch.device, seconds: float, warmup: int = 3) -> dict:
    """Warm-up steps (timed: compilation happens there), then steps for at least ``seconds``."""
    t0 = time.perf_counter()
    for _ in range(warmup):
        step()
    sync(dev)
    warm = time.perf_counter() - t0
    n, t0 = 0, time.perf_counter()
    while True:
        step()
        n += 1
        if n % 5 == 0 or dev.type == "cpu":
            sync(dev)
            el = time.perf_counter() - t0
            if el >= seconds:
                break
    return {"steps": n, "seconds": round(el, 3), "steps_per_s": round(n / el, 3), "warmup_s": round(warm, 2)}


def cyclegan_variants(dev, img: int, ngf: int, compile_: bool, sizing: bool):
    import genrep.systems.cyclegan_monet as cgm

    def build(amp: bool, mode: str | None, img: int = img, batch: int = 1):
        cfg = cgm.CycleGANConfig(img_size=img, ngf=ngf, ndf=ngf, batch_size=batch, max_steps=10**6, epochs=1)
        cg = cgm.CycleGAN(cfg, device=dev)
        if not amp:  # fp32, NCHW: what a plain port runs
            cg.channels_last = False
            for net in cg.nets.values():
                net.to(memory_format=torch.contiguous_format)
        if mode is not None:
            for name in ("G", "F", "D_M", "D_P"):
                setattr(cg, name, torch.compile(getattr(cg, name), mode=None if mode == "default" else mode))
        g = torch.Generator(device="cpu").manual_seed(0)
        p = (torch.rand(8, batch, 3, img, img, generator=g) * 2 - 1).to(dev)
        m = (torch.rand(8, batch, 3, img, img, generator=g) * 2 - 1).to(dev)
        state = {"i": 0}
        ctx = contextlib.nullcontext if amp else _no_autocast

        def step():
            i = state["i"]
            with ctx():
                cg.train_step(p[i % 8], m[i % 8], i)
            state["i"] = i + 1

        return step

    out = {"fp32_nchw": lambda: build(False, None), "bf16_channels_last": lambda: build(True, None)}
    if sizing:  # the budget tier's arms: 128², batch 1 and 32 (steps/s; images/s = steps/s × batch)
        out[f"bf16_channels_last_{img // 2}px_bs1"] = lambda: build(True, None, img // 2, 1)
        out[f"bf16_channels_last_{img // 2}px_bs32"] = lambda: build(True, None, img // 2, 32)
    if compile_:
        out["bf16_channels_last_compile"] = lambda: build(True, "default")
        out["bf16_channels_last_cudagraphs"] = lambda: build(True, "reduce-overhead")
    return out


@contextlib.contextmanager
def _no_autocast():
    """Run the CycleGAN step without its bf16 autocast (the library turns it on for every CUDA step)."""
    import genrep.systems.cyclegan_monet as cgm

    saved = cgm.autocast
    cgm.autocast = lambda device, enabled=True: contextlib.nullcontext()
    try:
        yield
    finally:
        cgm.autocast = saved


def dcgan_variants(dev, batch: int):
    from genrep.models.dcgan import DCGANDiscriminator, DCGANGenerator
    from genrep.runtime import autocast
    from genrep.train.gan_step import dcgan_optimizers, dcgan_step, to_channels_last

    def build(amp: bool):
        G, D = to_channels_last(DCGANGenerator().to(dev)), to_channels_last(DCGANDiscriminator().to(dev))
        og, od = dcgan_optimizers(G, D, lr=2e-4, betas=(0.5, 0.999))
        real = (torch.rand(batch, 3, 64, 64, device=dev) * 2 - 1).contiguous(memory_format=torch.channels_last)

        def step():
            with autocast(dev, enabled=amp):
                dcgan_step(G, D, og, od, real, latent_dim=100)

        return step

    return {"fp32": lambda: build(False), "bf16": lambda: build(True)}


def inception_variants(dev, batch: int):
    import os
    import tempfile

    import torch.nn.functional as F

    from genrep.metrics.extractors import fold_batchnorm
    from genrep.metrics.inception import inception_state_dict_layout, load_fid_inception

    # random weights in the FID network's layout (the real ones do not travel; the cost is the same)
    weights = os.path.join(tempfile.mkdtemp(), "random_inception.pth")
    torch.save(inception_state_dict_layout(seed=0), weights)

    def build(amp: bool):
        net = fold_batchnorm(load_fid_inception(weights, check_hash=False)).eval()
        net = net.to(dev, memory_format=torch.channels_last)
        x8 = torch.randint(0, 256, (batch, 3, 64, 64), dtype=torch.uint8, device=dev)

        def step():
            with torch.inference_mode(), torch.autocast(dev.type, dtype=torch.bfloat16, enabled=amp):
                x = F.interpolate(x8.float() / 127.5 - 1, size=(299, 299), mode="bilinear", align_corners=False)
                net(x.contiguous(memory_format=torch.channels_last))

        return step

    return {"fp32_tf32_off": lambda: build(False), "bf16": lambda: build(True)}


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--device", default="auto")
    ap.add_argument("--seconds", type=float, default=10.0, help="timed seconds per variant (after warm-up)")
    ap.add_argument("--budget-s", type=float, default=150.0, help="start no variant after this many seconds")
    ap.add_argument("--only", default="cyclegan,dcgan,inception")
    ap.add_argument("--compile", action="store_true", help="also time torch.compile and CUDA-graph variants")
    ap.add_argument("--img", type=int, default=256, help="CycleGAN image size (256: the paper's)")
    ap.add_argument("--ngf", type=int, default=64, help="CycleGAN width (64: the paper's)")
    ap.add_argument(
        "--no-sizing", action="store_true", help="skip the CycleGAN budget-tier shapes (half size, bs 1/32)"
    )
    ap.add_argument("--dcgan-batch", type=int, default=128)
    ap.add_argument("--inception-batch", type=int, default=200)
    ap.add_argument("--json", help="write the results here (also printed)")
    a = ap.parse_args(argv)

    from genrep.runtime import device_name, select_device, setup_fast

    dev = select_device(None if a.device == "auto" else a.device)
    fast = setup_fast(dev)
    groups = {
        "cyclegan": lambda: cyclegan_variants(dev, a.img, a.ngf, a.compile, not a.no_sizing),
        "dcgan": lambda: dcgan_variants(dev, a.dcgan_batch),
        "inception": lambda: inception_variants(dev, a.inception_batch),
    }
    unknown = set(a.only.split(",")) - set(groups)
    if unknown:
        ap.error(f"unknown group(s) {sorted(unknown)}; choose from {sorted(groups)}")
    out = {
        "device": device_name(dev),
        "torch": torch.__version__,
        "python": platform.python_version(),
        "setup_fast": fast,
        "settings": {k: v for k, v in vars(a).items() if k != "json"},
        "results": {},
        "skipped": [],
        "errors": {},
    }
    t_start = time.perf_counter()
    variants = [(g, name, build) for g in a.only.split(",") for name, build in groups[g]().items()]
    variants.sort(key=lambda v: "compile" in v[1] or "cudagraphs" in v[1])  # the slow-to-start ones last
    per_step = {"cyclegan": 1, "dcgan": a.dcgan_batch, "inception": a.inception_batch}
    for g, name, build in variants:
        key = f"{g}/{name}"
        if time.perf_counter() - t_start > a.budget_s:
            out["skipped"].append(key)
            continue
        try:
            torch.manual_seed(0)
            if g == "inception" and dev.type == "cuda":  # FID keeps TF32 off; bf16 is timed for comparison only
                torch.backends.cudnn.allow_tf32 = torch.backends.cuda.matmul.allow_tf32 = name != "fp32_tf32_off"
            r = measure(build(), dev, a.seconds)
            per = 32 if name.endswith("_bs32") else per_step[g]
            r["images_per_s"] = round(r["steps_per_s"] * per, 2)
            out["results"][key] = r
            print(f"{key:45s} {r['steps_per_s']:10.2f} steps/s  (warm-up {r['warmup_s']} s)", flush=True)
        except Exception as err:  # a failing variant (e.g. compile on an old driver) must not lose the rest
            out["errors"][key] = f"{type(err).__name__}: {err}"[:2000]
            print(f"{key:45s} FAILED {type(err).__name__}: {str(err)[:300]}", file=sys.stderr, flush=True)
        finally:
            torch._dynamo.reset()
            if dev.type == "cuda":
                torch.cuda.empty_cache()
    out["total_s"] = round(time.perf_counter() - t_start, 1)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(out, f, indent=1)
    print(json.dumps({k: v for k, v in out.items() if k != "results"}, indent=1))
    return out


if __name__ == "__main__":
    main()

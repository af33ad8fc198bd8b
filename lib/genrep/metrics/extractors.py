"""Feature extractors for Fréchet distance, KID, MiFID and precision/recall.

    ext = get_extractor("cifarnet")  # or "inception" (true FID, needs weights) or "randconv"
    feats = ext(images_uint8)    # [N, C, H, W] uint8 (or float in [0, 1]) -> float32 [N, dim] on CPU
    table_label = ext.metric_name    # "FID" only for inception; else "FD-cifarnet" / "FD-randconv"

| name      | features                               | input                          | labels           |
|-----------|----------------------------------------|--------------------------------|------------------|
| inception | pytorch-fid's InceptionV3 (TF weights) pool3, 2048-d | bilinear to 299, [-1, 1], fp32 | FID, KID |
| inception192 | the same network after its 2nd max pool, 192-d | as inception            | FID-192, KID-192 |
| cifarnet  | the book's CIFAR-10 classifier, 192-d  | 32x32 antialiased, [0, 1]      | FD-cifarnet, ... |
| randconv  | fixed random He-init conv net, 256-d   | 64x64 antialiased, [-1, 1]     | FD-randconv, ... |

Grayscale inputs are repeated to RGB. On CUDA the proxies run channels_last under bf16 autocast.
Inception is ``pytorch_fid.inception.InceptionV3`` (:func:`genrep.metrics.inception.load_fid_inception`); it
always runs in fp32 (TF32 off on CUDA), with each batch norm folded into its convolution and channels_last
memory, in micro-batches of 16 on CPU: about 2x the plain fp32 TorchScript on the 2-core CPU, features equal
to ~1e-6 relative (``benchmarks/inception_speed.py`` measures both).
"""

from __future__ import annotations

import contextlib

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from genrep.metrics.inception import (
    inception_weights_path,
    load_fid_inception,
    missing_weights_message,
    weights_checksum,
)
from genrep.metrics.proxies import CIFARNET_PATH, load_cifarnet
from genrep.runtime import select_device
from genrep.runtime.hashing import file_hexdigest

RANDCONV_SEED = 20240601


class RandConvNet(nn.Module):
    """Four 3x3 stride-2 convs with He-normal random weights (fixed seed, CPU generator) + ReLU, then
    global average pooling. Never trained; a cheap, asset-free, deterministic embedding."""

    def __init__(self, widths=(64, 128, 256, 256), seed=RANDCONV_SEED):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        layers, cin = [], 3
        for c in widths:
            conv = nn.Conv2d(cin, c, 3, stride=2, padding=1)
            with torch.no_grad():
                conv.weight.copy_(torch.randn(conv.weight.shape, generator=g) * (2.0 / (cin * 9)) ** 0.5)
                conv.bias.zero_()
            layers += [conv, nn.ReLU()]
            cin = c
        self.net = nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.dim = cin
        self.requires_grad_(False)

    def forward(self, x):
        return self.net(x)


class _Penultimate(nn.Module):
    """Wraps a classifier so that ``forward`` returns its ``features`` (penultimate embedding)."""

    def __init__(self, model):
        super().__init__()
        self.model, self.dim = model, model.feature_dim

    def forward(self, x):
        return self.model.features(x)


def fold_batchnorm(net: nn.Module) -> nn.Module:
    """Fold every eval-mode BatchNorm that follows a convolution (torchvision's BasicConv2d: ``.conv`` then
    ``.bn``) into the convolution's weight and bias, in place. Exact up to float round-off."""
    from torch.nn.utils.fusion import fuse_conv_bn_eval

    for m in net.modules():
        if isinstance(getattr(m, "conv", None), nn.Conv2d) and isinstance(getattr(m, "bn", None), nn.BatchNorm2d):
            m.conv, m.bn = fuse_conv_bn_eval(m.conv, m.bn), nn.Identity()
    return net


@contextlib.contextmanager
def _no_tf32():
    old = torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = False
    try:
        yield
    finally:
        torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = old


class Extractor:
    """A frozen network + its preprocessing. Call it on images to get float32 CPU features [N, dim].

    Attributes: ``name``, ``dim``, ``input_size``, ``metric_name`` ("FID" / "FD-<name>"), ``kid_name``
    ("KID" / "KID-<name>") and ``impl`` (a one-line description to store in results as ``fid_impl``)."""

    def __init__(
        self,
        name,
        net,
        dim,
        input_size,
        metric_name,
        kid_name,
        value_range,
        antialias,
        amp,
        device,
        impl="",
        channels_last=None,
        micro_batch=None,
    ):
        self.name, self.dim, self.input_size, self.impl = name, dim, input_size, impl
        self.metric_name, self.kid_name = metric_name, kid_name
        self.value_range, self.antialias, self.amp = value_range, antialias, amp
        self.device = torch.device(device)
        self.net = net.eval().to(self.device)
        self.channels_last = (amp and self.device.type == "cuda") if channels_last is None else channels_last
        self.micro_batch = micro_batch  # the net sees at most this many images at once (CPU cache locality)
        if self.channels_last:
            self.net = self.net.to(memory_format=torch.channels_last)

    def __repr__(self):
        return f"Extractor({self.name!r}, dim={self.dim}, input={self.input_size}, metric={self.metric_name!r})"

    def preprocess(self, x: torch.Tensor) -> torch.Tensor:
        """uint8 [0, 255] or float [0, 1] batch -> float32 on device, RGB, resized, in the net's range."""
        x = x.to(self.device, non_blocking=True)
        if x.ndim != 4 or x.shape[1] not in (1, 3):
            raise ValueError(f"expected images [N, 1 or 3, H, W], got {tuple(x.shape)}")
        if x.dtype == torch.uint8:
            x = x.float() / 255
        else:
            x = x.float()
            lo, hi = x.min().item(), x.max().item()
            if lo < -1e-3 or hi > 1 + 1e-3:
                raise ValueError(
                    f"float images must be in [0, 1] (got [{lo:.3g}, {hi:.3g}]); map [-1, 1] "
                    "outputs with (x + 1) / 2, or pass uint8"
                )
        if x.shape[1] == 1:
            x = x.expand(-1, 3, -1, -1)
        if x.shape[-2:] != (self.input_size, self.input_size):
            x = F.interpolate(
                x,
                size=(self.input_size, self.input_size),
                mode="bilinear",
                align_corners=False,
                antialias=self.antialias,
            )
        lo, hi = self.value_range
        return x * (hi - lo) + lo

    @torch.inference_mode()
    def __call__(self, images, batch_size=256, progress=None) -> torch.Tensor:
        """Features of ``images``; ``progress=None`` shows a bar only for long jobs (over 20 batches)."""
        if isinstance(images, np.ndarray):
            images = torch.from_numpy(images)
        cuda = self.device.type == "cuda"
        feats = []
        it = range(0, len(images), batch_size)
        if progress is None:
            progress = len(it) > 20
        if progress:
            from tqdm import tqdm

            it = tqdm(it, desc=f"{self.name} features", unit="batch")
        ctx = _no_tf32() if (cuda and not self.amp) else contextlib.nullcontext()
        with ctx, torch.autocast("cuda", dtype=torch.bfloat16, enabled=cuda and self.amp):
            step = min(batch_size, self.micro_batch or batch_size)
            for i in it:
                for j in range(i, min(i + batch_size, len(images)), step):
                    x = self.preprocess(images[j : min(j + step, i + batch_size)])
                    if self.channels_last:
                        x = x.contiguous(memory_format=torch.channels_last)
                    f = self.net(x).float().cpu()
                    if not torch.isfinite(f).all():
                        raise FloatingPointError(f"{self.name} features are not finite (images {j}..{j + len(x)})")
                    feats.append(f)
        return torch.cat(feats) if feats else torch.empty(0, self.dim)


def extract_features(extractor: Extractor, images, batch_size=256, progress=True) -> torch.Tensor:
    """``extractor(images)`` with a progress bar by default."""
    return extractor(images, batch_size=batch_size, progress=progress)


def _default_device():
    return select_device()


_CACHE: dict = {}


def _cifarnet_available() -> bool:

    return CIFARNET_PATH.exists() and CIFARNET_PATH.with_suffix(".json").exists()


def available_extractors() -> list[str]:
    """Names usable on this machine: "inception" only when its weights are found."""
    names = ["inception"] if inception_weights_path() is not None else []
    return names + (["cifarnet"] if _cifarnet_available() else []) + ["randconv"]


def get_extractor(name: str, device=None) -> Extractor:
    """Build (and cache per device) the extractor ``name``; see ``available_extractors()``."""
    device = torch.device(device if device is not None else _default_device())
    key = (name, str(device))
    if key in _CACHE:
        return _CACHE[key]
    if name in ("inception", "inception192"):
        if inception_weights_path() is None:
            raise FileNotFoundError(missing_weights_message())
        dim = 2048 if name == "inception" else 192
        net = fold_batchnorm(load_fid_inception(dims=dim))
        where = "pool3" if dim == 2048 else "second max pool"
        impl = (
            f"TF-Inception 2015-12-05 (pytorch-fid {_pytorch_fid_version()} InceptionV3) {where} {dim}-d, weights "
            f"{weights_checksum()}, bilinear 299 without antialias, fp32, BN folded, channels_last"
        )
        suffix = "" if dim == 2048 else "-192"
        ext = Extractor(
            name,
            net,
            dim,
            299,
            "FID" + suffix,
            "KID" + suffix,
            (-1.0, 1.0),
            antialias=False,
            amp=False,
            device=device,
            impl=impl,
            channels_last=True,
            micro_batch=16 if device.type == "cpu" else None,
        )
    elif name == "cifarnet":
        net = _Penultimate(load_cifarnet())
        impl = f"genrep CifarNet penultimate {net.dim}-d (cifarnet.pt sha256 {file_hexdigest(CIFARNET_PATH)[:12]})"
        ext = Extractor(
            "cifarnet",
            net,
            net.dim,
            32,
            "FD-cifarnet",
            "KID-cifarnet",
            (0.0, 1.0),
            antialias=True,
            amp=True,
            device=device,
            impl=impl,
        )
    elif name == "randconv":
        net = RandConvNet()
        ext = Extractor(
            "randconv",
            net,
            net.dim,
            64,
            "FD-randconv",
            "KID-randconv",
            (-1.0, 1.0),
            antialias=True,
            amp=True,
            device=device,
            impl=f"genrep RandConvNet seed {RANDCONV_SEED}",
        )
    else:
        raise ValueError(f"unknown extractor {name!r}; choose from {available_extractors() + ['inception192']}")
    _CACHE[key] = ext
    return ext


def _pytorch_fid_version() -> str:
    from importlib.metadata import version

    return version("pytorch-fid")


def inception_features(images, dims: int = 2048, batch_size: int = 64, device=None, progress=None) -> np.ndarray:
    """TF-Inception features (pytorch-fid's InceptionV3) of uint8 images [N, C, H, W] (C = 1 or 3) as float32
    numpy [N, dims], with pytorch-fid's preprocessing (/255, bilinear to 299 without antialias, 2x-1, grey
    repeated to RGB).
    ``dims``: 2048 (pool3, FID) or 192 (after the second max pool, the "FID-192" some papers report)."""
    if dims not in (2048, 192):
        raise ValueError(f"dims must be 2048 or 192, got {dims!r}")
    ext = get_extractor("inception" if dims == 2048 else "inception192", device)
    return ext(images, batch_size=batch_size, progress=progress).numpy()

"""Uniform dequantization and the Glow/NSF preprocessing map.

Data are integers x_int ∈ {0..2^b−1} (b = ``num_bits``; 8-bit images are first reduced to b bits).
``dequantize`` adds u ~ U[0, 1): x = x_int + u ∈ [0, 2^b). ``Preprocess`` is the first transform of every
image flow: y = x / 2^b − 0.5 ∈ [−0.5, 0.5), log|det| = −D·b·ln 2. With it inside the flow, −log p(x) of
the dequantized data is an upper bound on the discrete data's −log P(x_int), in nats; divided by D·ln 2 it
is bits/dim. ``quantize`` undoes the dequantization (floor, clamp) and returns 8-bit images.
"""

from __future__ import annotations

import math
from dataclasses import replace

import torch
import torch.nn.functional as F

from genrep.data import load_or_standin
from genrep.runtime import rand

from .base import Transform


def _check_bits(num_bits: int) -> None:
    if not 1 <= int(num_bits) <= 8:
        raise ValueError(f"num_bits must be between 1 and 8, got {num_bits}")


def dequantize(
    x_uint8: torch.Tensor, num_bits: int = 8, generator: torch.Generator | None = None, noise: bool = True
) -> torch.Tensor:
    """uint8 (or float holding 0..255) images → float x_int + u in [0, 2^num_bits).

    With a ``generator`` the noise is drawn on the generator's device and moved to the images' device, so a
    CPU generator (reproducible across machines) works with images on a GPU."""
    _check_bits(num_bits)
    x = torch.floor(x_uint8.float() / 2 ** (8 - num_bits))
    if noise:
        x = x + rand(x.shape, generator=generator, device=x.device) if generator is not None else x + torch.rand_like(x)
    else:
        x = x + 0.5
    return x


def quantize(x: torch.Tensor, num_bits: int = 8) -> torch.Tensor:
    """Inverse of ``dequantize``: floor and clamp to {0..2^b−1}, then back to 8-bit uint8 images."""
    _check_bits(num_bits)
    x_int = torch.floor(x.float()).clamp(0, 2**num_bits - 1)
    return (x_int * 2 ** (8 - num_bits)).to(torch.uint8)


def pad_images(x: torch.Tensor, pad: int) -> torch.Tensor:
    """Zero-pad ``pad`` pixels on every side (MNIST 28→32 with pad=2, as the NSF code does)."""
    return F.pad(x, (pad, pad, pad, pad)) if pad else x


class Preprocess(Transform):
    """x ∈ [0, 2^b) → x/2^b − 0.5 with log|det| = −D·b·ln 2 (D = C·H·W)."""

    def __init__(self, num_bits: int = 8):
        super().__init__()
        _check_bits(num_bits)
        self.num_bits = int(num_bits)

    def _ld(self, x):
        d = x[0].numel()
        return x.new_full((x.shape[0],), -d * self.num_bits * math.log(2))

    def forward(self, x):
        return x / 2**self.num_bits - 0.5, self._ld(x)

    def inverse(self, z):
        return (z + 0.5) * 2**self.num_bits, -self._ld(z)


def load_image_data(
    dataset: str,
    split: str = "train",
    image_size: int | None = None,
    n: int | None = None,
    seed: int = 0,
    labels: bool = False,
):
    """``genrep.data.load_or_standin`` for the flow chapters: MNIST at 32×32 is zero-padded from 28×28
    (the NSF code's ``pad=2``), other sizes are resized by the loader. Returns a ``Data`` whose title says how."""

    if dataset == "mnist" and image_size == 32:
        d = load_or_standin("mnist", split, size=28, n=n, seed=seed, labels=labels)
        d.images = pad_images(d.images, 2)
        d.title += ", zero-padded 28→32"
        return d
    d = load_or_standin(dataset, split, size=image_size, n=n, seed=seed, labels=labels)
    if image_size is not None and dataset == "mnist" and image_size != 28:
        d.title += f", resized 28→{image_size}"
    return d


# CelebA's official partition (list_eval_partition.txt): images 1-162,770 train, 162,771-182,637 validation,
# 182,638-202,599 test, in file-name order.
CELEBA_N = 202_599
CELEBA_PARTITION = {"train": (0, 162_770), "valid": (162_770, 182_637), "test": (182_637, 202_599)}


def celeba_split_indices(n_images: int, seed: int = 0, test_fraction: float = 0.1) -> tuple[torch.Tensor, torch.Tensor]:
    """(train, test) indices into a CelebA folder read in file-name order; disjoint by construction. The full
    aligned set (202,599 images) uses the official partition (train 162,770 / test 19,962; validation unused);
    any other folder a seeded hold-out of ``test_fraction`` of its images."""
    if n_images < 2:
        raise ValueError(f"CelebA needs at least 2 images for a train/test split, got {n_images}")
    if n_images == CELEBA_N:
        (a, b), (c, d) = CELEBA_PARTITION["train"], CELEBA_PARTITION["test"]
        return torch.arange(a, b), torch.arange(c, d)
    perm = torch.randperm(n_images, generator=torch.Generator().manual_seed(seed))
    n_test = min(n_images - 1, max(1, round(test_fraction * n_images)))
    return perm[n_test:].sort().values, perm[:n_test].sort().values


def _subset(d, idx: torch.Tensor, n: int | None, seed: int, split: str, how: str):
    if n is not None and n < len(idx):
        idx = idx[torch.randperm(len(idx), generator=torch.Generator().manual_seed(seed))[:n].sort().values]
    return replace(
        d,
        images=d.images[idx],
        labels=d.labels[idx] if d.labels is not None else None,
        split=split,
        title=d.title + how,
    )


def load_train_test(
    dataset: str, image_size: int | None, n_train: int | None = None, n_test: int | None = None, seed: int = 0
):
    """(train, test) ``Data`` for a flow/diffusion notebook. CelebA is staged as one folder: its test images
    are the official test partition (full folder) or a seeded hold-out, never training images (said in the title)."""
    if dataset == "celeba":
        d = load_image_data(dataset, "train", image_size)
        tr, te = celeba_split_indices(len(d.images), seed)
        how = " (official partition)" if len(d.images) == CELEBA_N else f" (seeded {len(te)}-image hold-out)"
        return (
            _subset(d, tr, n_train, seed, "train", how + ", train part"),
            _subset(d, te, n_test, seed + 1, "test", how + ", held-out part"),
        )
    train = load_image_data(dataset, "train", image_size, n=n_train, seed=seed)
    test = load_image_data(dataset, "test", image_size, n=n_test, seed=seed + 1)
    return train, test

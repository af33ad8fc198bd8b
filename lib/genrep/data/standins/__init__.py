"""Procedural stand-ins: deterministic fake datasets with the shape conventions of the real ones.

When a dataset is not staged (CI, a laptop without the mirror), reduced-tier notebooks train on these
instead, and say so. Each stand-in is drawn with signed-distance shapes and smooth noise in pure torch
(CPU, a few thousand 32px images per second or better), from a generator seeded by (name, split, seed).
One module per family of stand-in:

- ``digits``: ``mnist``, seven-segment-style digits (1 channel, labels 0..9).
- ``objects``: ``cifar10``, 10 classes of coloured shapes on textured gradients (labels 0..9).
- ``landscapes``: ``monet`` (pastel colour fields with brush strokes) and ``monet_photos`` (landscapes).
- ``faces``: ``cats64`` (cat faces) and ``celeba`` (aligned human faces).
- ``cars``: ``cars``, side-view car bodies on a road.
- ``two_domain``: the photo→painting task of spec cyclegan_monet §2 (:func:`two_domain.two_domain_standin`).

``canvas`` holds the seeded draws and the [-1, 1] grid they share; shapes come from
:mod:`genrep.data.shapes` and colour families from :mod:`genrep.data.colours`.

Same (name, n, size, split, seed) gives identical bytes; images come out as uint8 [N, C, S, S].
"""

from __future__ import annotations

import zlib

import torch

from ..registry import get_spec
from .canvas import Rand
from .cars import paint_cars
from .digits import paint_digits
from .faces import paint_cats, paint_celeba
from .landscapes import paint_monet, paint_photos
from .objects import paint_objects

CHUNK_PIXELS = 1 << 20  # images are painted in chunks of about this many pixels (cache-friendly)

PAINTERS = {
    "mnist": paint_digits,
    "cifar10": paint_objects,
    "monet": paint_monet,
    "monet_photos": paint_photos,
    "cats64": paint_cats,
    "cars": paint_cars,
    "celeba": paint_celeba,
}


def standin(name: str, n: int, size: int | None = None, split: str = "train", seed: int = 0, labels: bool = False):
    """A deterministic procedural stand-in for dataset ``name``: uint8 [n, C, S, S] (+ int64 labels).

    ``size=None`` uses the real dataset's native size (64 for cars/celeba). Labels (balanced, shuffled)
    exist exactly for the datasets that have them; ``labels=True`` for others raises ValueError.
    """
    spec = get_spec(name)
    if name not in PAINTERS:
        raise ValueError(f"no procedural stand-in for {name!r}; there are: {', '.join(PAINTERS)}")
    if labels and not spec.has_labels:
        raise ValueError(f"dataset {name!r} [{spec.title}] has no labels")
    s = int(size or spec.native_size or spec.default_size)
    r = Rand(zlib.crc32(f"{name}/{split}/{seed}".encode()))
    y = (torch.arange(n) % 10)[torch.randperm(n, generator=r.g)]  # balanced classes, shuffled
    out = torch.empty(n, spec.channels, s, s, dtype=torch.uint8)
    chunk = max(1, CHUNK_PIXELS // (s * s))
    for i in range(0, n, chunk):
        yc = y[i : i + chunk]
        img = PAINTERS[name](r, len(yc), s, yc)
        out[i : i + chunk] = (img.clamp(0, 1) * 255).round().to(torch.uint8)
    return (out, y) if labels else out  # (painters of unlabeled datasets ignore y)

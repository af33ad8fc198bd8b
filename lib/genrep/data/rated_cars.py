"""Rated car images at a landscape size (H×W, e.g. 96×128): real Stanford Cars photos or SynthCars.

    d = load_rated_cars("synthcars", "train", n=6000, height=96, width=128)
    d.images        # uint8 [N, 3, H, W]
    d.ratings       # DataFrame: moira (int rating), moira_true_utility, other raters, attributes
    d.oracle(imgs)  # noise-free Moira utility of any images (the pixel oracle, genrep.data.raters)

``"cars"`` is the registry's Stanford Cars subset (793 photos, no labels), decoded here at a non-square
size: each photo is centre-cropped to the W:H aspect ratio and resized with PIL bilinear (antialiased), the
same filter as ``genrep.data.load``; the result is cached as ``cache/cars-<split>-<H>x<W>.pt``. Its
ratings come from :func:`genrep.data.raters.rate_images`. When the photos are not staged, a labelled
procedural stand-in is used (the registry's square cars stand-in, centre-cropped). ``"synthcars"`` renders
:mod:`genrep.data.synthcars` (deterministic by split seed).
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from PIL import Image

from .. import paths
from .loaders import LOADER_VERSION, _natural, _read_cache, _read_tar, _write_cache
from .raters import image_utility, rate_images
from .registry import DataError, get_spec
from .staging import verify
from .standins import standin
from .synthcars import SPLIT_SIZES, make_synthcars

RATED_CAR_DATASETS = {
    "synthcars": "SynthCars (procedural car sprites, simulated rater Moira)",
    "cars": "Stanford Cars (793-image subset, simulated rater Moira from colour/shape statistics)",
}


def _to_rect(im: Image.Image, height: int, width: int) -> Image.Image:
    w, h = im.size
    target = width / height
    if w / h > target:  # too wide: crop the sides
        cw = round(h * target)
        im = im.crop(((w - cw) // 2, 0, (w - cw) // 2 + cw, h))
    elif w / h < target:  # too tall: crop top and bottom
        ch = round(w / target)
        im = im.crop((0, (h - ch) // 2, w, (h - ch) // 2 + ch))
    return im.resize((width, height), Image.BILINEAR) if im.size != (width, height) else im


def load_rect(name: str, split: str = "train", height: int = 96, width: int = 128) -> torch.Tensor:
    """A registered image dataset decoded at H×W (centre crop to the aspect ratio, then resize): uint8
    [N, 3, H, W]. Raises :class:`DataError` when it is not staged (``make data``)."""
    spec = get_spec(name)
    if split not in spec.splits:
        raise ValueError(f"dataset {name!r} has splits {spec.splits}, not {split!r}")
    if spec.reader != "tar_images" or spec.channels != 3:
        raise ValueError(f"load_rect supports RGB tar-image datasets; {name!r} uses reader {spec.reader!r}")
    st = verify(name)
    key = hashlib.sha256(
        f"{LOADER_VERSION}|rect|{st.spec.title}|{st.fingerprint}|{split}|{height}x{width}".encode()
    ).hexdigest()

    path = paths.data_dir() / "cache" / f"{name}-{split}-{height}x{width}.pt"
    cached = _read_cache(path, key)
    if cached is not None:
        return cached[0]
    lay = st.spec.layout
    members = _read_tar(st.files[lay["archive"]], lay["prefix"].format(split=split))
    names = sorted(members, key=_natural)
    out = np.empty((len(names), height, width, 3), np.uint8)
    for i, n in enumerate(names):
        with Image.open(io.BytesIO(members[n])) as im:
            out[i] = np.asarray(_to_rect(im.convert("RGB"), height, width))
    x = torch.from_numpy(out).permute(0, 3, 1, 2).contiguous()
    _write_cache(path, key, x, None)
    return x


@dataclass
class RatedCars:
    """Images, their ratings/attributes, and where they came from (for captions)."""

    images: torch.Tensor
    ratings: pd.DataFrame
    name: str
    split: str
    source: str  # "procedural" | "real" | "stand-in"
    title: str

    @property
    def moira(self) -> np.ndarray:
        return self.ratings["moira"].to_numpy()

    @staticmethod
    def oracle(images) -> np.ndarray:

        return image_utility(images)


def _subset(n_total: int, n: int | None, seed: int) -> torch.Tensor | None:
    if n is None or n >= n_total:
        return None
    g = torch.Generator().manual_seed(seed)
    return torch.randperm(n_total, generator=g)[:n].sort().values


def load_rated_cars(
    name: str,
    split: str = "train",
    n: int | None = None,
    height: int = 96,
    width: int = 128,
    seed: int = 0,
    n_raters: int = 5,
    progress: bool = False,
) -> RatedCars:
    """Rated car images (see module doc). ``n`` images (SynthCars: drawn; cars: a seeded subset)."""

    if name not in RATED_CAR_DATASETS:
        raise ValueError(f"unknown rated car dataset {name!r}; valid: {', '.join(RATED_CAR_DATASETS)}")
    if name == "synthcars":
        count = SPLIT_SIZES[split] if n is None else int(n)
        x, df = make_synthcars(count, split, height, width, n_raters=n_raters, progress=progress)
        return RatedCars(x, df, name, split, "procedural", f"SynthCars {split} ({count} procedural images)")
    # real photos: the registry has only a "train" split of 793; "test" = a held-out fifth of it
    if split not in ("train", "test", "all"):
        raise ValueError(f"cars splits are 'train', 'test' (a fixed held-out fifth) and 'all', not {split!r}")
    try:
        x = load_rect("cars", "train", height, width)
        source, title = "real", "Stanford Cars subset"
    except DataError as e:
        sq = standin("cars", 793, size=max(height, width), seed=0)
        x = torch.stack(
            [
                torch.from_numpy(
                    np.asarray(_to_rect(Image.fromarray(a.permute(1, 2, 0).numpy()), height, width))
                ).permute(2, 0, 1)
                for a in sq
            ]
        )
        source, title = "stand-in", "procedural stand-in for Stanford Cars"
        warnings.warn(f"cars: using a {title}: {str(e).splitlines()[0]}", stacklevel=2)
    held = torch.arange(len(x)) % 5 == 4  # every fifth photo: 158 held out, 635 train of 793
    df = rate_images(x, seed=seed, n_raters=n_raters, calibrate_on=~held.numpy())  # the scale from train only
    calib = df.attrs.get("calibration", {})
    if split != "all":
        keep = held if split == "test" else ~held
        x, df = x[keep], df[keep.numpy()].reset_index(drop=True)
    idx = _subset(len(x), n, seed)
    if idx is not None:
        x, df = x[idx], df.iloc[idx.numpy()].reset_index(drop=True)
    df.attrs["calibration"] = calib
    return RatedCars(x, df, name, split, source, f"{title} {split} ({len(x)} photos, {height}×{width})")

"""Datasets: registry, staging, uint8 caches, procedural stand-ins and GPU-resident batching.

    from genrep import data
    data.stage()                                   # what `make data` does: copy + verify from the mirror
    x = data.load("monet", size=64)                # uint8 [300, 3, 64, 64]
    x, y = data.load("cifar10", "test", labels=True)
    d = data.load_or_standin("cifar10", n=2000, labels=True)   # real if staged, else a stand-in
    b = data.Batcher(d.images, d.labels, batch_size=128, device="cuda")

See registry.py for the datasets, staging.py for checksums, loaders.py for decoding and caching,
standins/ for the procedural stand-ins (shapes.py and colours.py: their drawing
primitives and palettes) and batching.py for the Batcher.
"""

from .batching import Batcher, random_hflip, save_image_uint8, to_float, to_uint8
from .dsprites import dsprites_images, dsprites_sample
from .loaders import Data, cache_path, info, load, load_or_standin
from .registry import DATASETS, DataError, DatasetSpec, FileSpec
from .scenes import multi_dsprites, textured_shapes
from .staging import active_variant, available, manifest_hash, raw_dir, stage, verify
from .standins import standin

__all__ = [
    "DATASETS",
    "Batcher",
    "random_hflip",
    "Data",
    "DataError",
    "DatasetSpec",
    "FileSpec",
    "active_variant",
    "available",
    "cache_path",
    "dsprites_images",
    "dsprites_sample",
    "info",
    "load",
    "load_or_standin",
    "manifest_hash",
    "multi_dsprites",
    "raw_dir",
    "save_image_uint8",
    "stage",
    "standin",
    "textured_shapes",
    "to_float",
    "to_uint8",
    "verify",
]

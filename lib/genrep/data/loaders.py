"""Decoding staged datasets into uint8 tensors [N, C, H, W], with an on-disk cache.

Resizing: every image is decoded with PIL; a non-square image is first center-cropped to a square of
its shorter side, then resized with ``PIL.Image.resize(..., Image.BILINEAR)``, which is antialiased
(PIL widens the bilinear kernel by the downscaling factor, like torchvision's ``antialias=True``).
Datasets of variable size (cars, celeba) have no native size: ``size=None`` means 64 for them
(``spec.default_size``).

Cache: ``data_dir()/cache/<name>-<split>-<size>.pt`` holds ``{"key", "images", "labels", "crc32"}``. The
key hashes the active variant, the staged files' checksums and ``LOADER_VERSION``, so re-staging a dataset
(or changing the decoding code's version) rebuilds it. ``crc32`` covers the tensors' bytes and is checked on
every load (about 0.1 s per 400 MB): a cache that rotted on disk is rebuilt with a warning, never used.
Files are written atomically (tmp + rename); a cache that cannot be written (read-only folder, full disk)
costs a warning and a decode on the next load, nothing else.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import pickle
import re
import tarfile
import warnings
import zlib
from dataclasses import dataclass

import numpy as np
import torch
from PIL import Image
from tqdm import tqdm

from .. import paths
from .registry import DataError, DatasetSpec, get_spec
from .staging import IMAGE_EXTS, Staged, active_variant, raw_dir, verify
from .standins import standin

LOADER_VERSION = 1


def _natural(s: str):
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", s)]


def _to_square(im: Image.Image, size: int) -> Image.Image:
    w, h = im.size
    if w != h:
        m = min(w, h)
        left, top = (w - m) // 2, (h - m) // 2
        im = im.crop((left, top, left + m, top + m))
    if im.size != (size, size):
        im = im.resize((size, size), Image.BILINEAR)
    return im


def _decode_all(items, size: int, channels: int, desc: str) -> np.ndarray:
    """Decode [(name, bytes-or-path)] into uint8 [N, C, size, size] (one tqdm bar).

    A file that fails to decode is reported by name (a warning each, and a summary with the count) and
    skipped; the others are kept, in order. (A checksummed dataset then fails its count check in ``load``.)
    """
    out = np.empty((len(items), channels, size, size), np.uint8)
    mode = "L" if channels == 1 else "RGB"
    kept, skipped = [], []
    for i, (name, src) in enumerate(tqdm(items, desc=desc, disable=len(items) < 2000, mininterval=0.5)):
        try:
            with Image.open(io.BytesIO(src) if isinstance(src, bytes) else src) as im:
                a = np.asarray(_to_square(im.convert(mode), size))
        except (OSError, ValueError, SyntaxError) as e:  # PIL: UnidentifiedImageError, truncated file, ...
            skipped.append(name)
            warnings.warn(f"{desc}: could not decode {name!r} ({type(e).__name__}: {e}); skipped", stacklevel=2)
            continue
        out[i] = a[None] if channels == 1 else a.transpose(2, 0, 1)
        kept.append(i)
    if skipped:
        warnings.warn(
            f"{desc}: skipped {len(skipped)} of {len(items)} files that failed to decode: "
            f"{', '.join(map(str, skipped[:10]))}{' ...' if len(skipped) > 10 else ''}",
            stacklevel=2,
        )
        out = out[kept]
    return out


def _resize_array(x: np.ndarray, size: int) -> np.ndarray:
    """Resize uint8 [N, C, H, W] with the same PIL bilinear filter as the JPEG datasets."""
    if x.shape[-1] == size and x.shape[-2] == size:
        return x
    out = np.empty((len(x), x.shape[1], size, size), np.uint8)
    for i, a in enumerate(tqdm(x, desc="resizing", disable=len(x) < 2000, mininterval=0.5)):
        a = np.asarray(_to_square(Image.fromarray(a[0] if len(a) == 1 else a.transpose(1, 2, 0)), size))
        out[i] = a[None] if a.ndim == 2 else a.transpose(2, 0, 1)
    return out


# ------------------------------------------------------------------------------------------- readers


def _read_idx(path) -> np.ndarray:
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = np.frombuffer(data, ">i4", count=ndim, offset=4)
    if data[:3] != b"\x00\x00\x08":
        raise ValueError(f"bad idx magic {data[:4]!r}")
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(dims).copy()


def _load_idx(st: Staged, split: str, size: int):
    img_file, lab_file = st.spec.layout[split]
    x = _read_idx(st.files[img_file])[:, None]
    return _resize_array(x, size), _read_idx(st.files[lab_file]).astype(np.int64)


def _load_cifar_python(st: Staged, split: str, size: int):
    want = ["test_batch"] if split == "test" else [f"data_batch_{i}" for i in range(1, 6)]
    batches = {}
    with tarfile.open(st.files["cifar-10-python.tar.gz"], "r|gz") as tf:  # one sequential pass
        for m in tf:
            base = m.name.rsplit("/", 1)[-1]
            if m.isfile() and base in want:
                batches[base] = pickle.load(tf.extractfile(m), encoding="bytes")
    xs = [np.asarray(batches[b][b"data"], np.uint8).reshape(-1, 3, 32, 32) for b in want]
    ys = [np.asarray(batches[b][b"labels"], np.int64) for b in want]
    return _resize_array(np.concatenate(xs), size), np.concatenate(ys)


def _read_tar(path, prefix: str) -> dict:
    """{name below prefix: bytes} for the image members under ``prefix``, read in one sequential pass."""
    out = {}
    with tarfile.open(path, "r|gz") as tf:
        for m in tf:
            if m.isfile() and m.name.startswith(prefix) and m.name.lower().endswith(IMAGE_EXTS):
                out[m.name[len(prefix) :]] = tf.extractfile(m).read()
    return out


def _load_tar_images(st: Staged, split: str, size: int):
    spec, lay = st.spec, st.spec.layout
    members = _read_tar(st.files[lay["archive"]], lay["prefix"].format(split=split))

    def key(n):  # class folder first (CIFAR), then natural order of the file names
        return (spec.classes.index(n.split("/")[0]) if lay.get("label_from_dir") else 0, _natural(n))

    names = sorted(members, key=key)
    x = _decode_all([(n, members[n]) for n in names], size, spec.channels, f"decoding {spec.name}/{split}")
    y = np.array([spec.classes.index(n.split("/")[0]) for n in names], np.int64) if spec.has_labels else None
    if split == "with_duplicates":  # cats64: rebuild the full Kaggle set from duplicates.csv
        pos = {n: i for i, n in enumerate(names)}
        lines = st.files[lay["duplicates"]].read_text().split()[1:]
        pos.update({dup: pos[orig] for dup, orig in (ln.split(",") for ln in lines)})
        x = x[[pos[n] for n in sorted(pos, key=_natural)]]
    return x, y


def _load_folder(st: Staged, split: str, size: int):
    folder = st.files["folder"]
    items = sorted(
        ((p.name, p) for p in folder.iterdir() if p.suffix.lower() in IMAGE_EXTS), key=lambda t: _natural(t[0])
    )
    return _decode_all(items, size, st.spec.channels, f"decoding {st.spec.name}/{split}"), None


READERS = {"idx": _load_idx, "cifar_python": _load_cifar_python, "tar_images": _load_tar_images, "folder": _load_folder}


# ---------------------------------------------------------------------------------------- load


def _effective_size(spec: DatasetSpec, size) -> int:
    return int(size or spec.native_size or spec.default_size)


def cache_path(name: str, split: str, size: int):
    return paths.data_dir() / "cache" / f"{name}-{split}-{size}.pt"


def tensors_crc32(x: torch.Tensor, y: torch.Tensor | None = None) -> int:
    """CRC-32 of the bytes of ``x`` (and ``y``): the uint8 caches' checksum."""
    c = zlib.crc32(memoryview(np.ascontiguousarray(x.numpy())).cast("B"))
    if y is not None:
        c = zlib.crc32(memoryview(np.ascontiguousarray(y.numpy())).cast("B"), c)
    return c


def _read_cache(path, key):
    if not path.exists():
        return None
    try:  # mmap: no copy of a 1.4 GB file into RAM just to check the key (falls back on old torch)
        try:
            d = torch.load(path, map_location="cpu", weights_only=True, mmap=True)
        except TypeError:
            d = torch.load(path, map_location="cpu", weights_only=True)
    except Exception:  # noqa: BLE001 -- an unreadable cache is rebuilt, never an error
        return None
    if d.get("key") != key:
        return None
    x, y = d["images"], d.get("labels")
    if "crc32" not in d:  # written before caches carried a checksum: rebuilt quietly
        return None
    if d["crc32"] != tensors_crc32(x, y):
        warnings.warn(
            f"the data cache {path} failed its checksum (bit rot on disk); rebuilding it from the staged files",
            stacklevel=3,
        )
        return None
    return x, y


def _write_cache(path, key, x, y) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        torch.save({"key": key, "images": x, "labels": y, "crc32": tensors_crc32(x, y)}, tmp)
        os.replace(tmp, path)
    except (OSError, RuntimeError) as e:  # torch.save reports an unwritable file as a RuntimeError
        why = getattr(e, "strerror", None) or str(e).splitlines()[0]
        warnings.warn(
            f"could not write the data cache {path} ({why}); the data are decoded again on the next "
            f"load. Point GENREP_DATA at a writable folder to keep the cache.",
            stacklevel=3,
        )
    finally:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass


def load(name: str, split: str = "train", size: int | None = None, labels: bool = False):
    """Decoded dataset as a uint8 tensor [N, C, size, size] (C=1 for mnist, 3 otherwise).

    ``size=None`` is the native size (cars and celeba: 64). With ``labels=True`` returns
    ``(images, labels)`` with int64 labels (ValueError for unlabeled datasets). Raises
    :class:`DataError` when the dataset is not staged or is corrupt; run ``make data``.
    """
    spec = get_spec(name)
    if split not in spec.splits:
        raise ValueError(f"dataset {name!r} has splits {spec.splits}, not {split!r}")
    if labels and not spec.has_labels:
        raise ValueError(f"dataset {name!r} [{spec.title}] has no labels")
    st = verify(name)
    size = _effective_size(st.spec, size)
    key = hashlib.sha256(f"{LOADER_VERSION}|{st.spec.title}|{st.fingerprint}|{split}|{size}".encode())
    key = key.hexdigest()
    path = cache_path(name, split, size)
    cached = _read_cache(path, key)
    if cached is None:
        try:
            x, y = READERS[st.spec.reader](st, split, size)
        except (DataError, KeyboardInterrupt):
            raise
        except Exception as e:  # truncated archive, bad JPEG, ...: one clear message, not a traceback
            raise DataError(
                f"Dataset {name!r} [{st.spec.title}] in {raw_dir(name)} could not be decoded: "
                f"{type(e).__name__}: {e}\nFix: delete {raw_dir(name)} and run `{spec.fix}`."
            ) from e
        want = st.spec.counts.get(split)
        if want is not None and len(x) != want:
            raise DataError(
                f"Dataset {name!r} [{st.spec.title}] split {split!r}: decoded {len(x)} images, "
                f"expected {want}.\nFix: delete {raw_dir(name)} and run `{spec.fix}`."
            )
        x = torch.from_numpy(x)
        y = torch.from_numpy(y) if y is not None else None
        _write_cache(path, key, x, y)
        cached = (x, y)
    x, y = cached
    return (x, y) if labels else x


def info(name: str) -> DatasetSpec:
    """The spec of the variant load() would use now (``.title``, ``.lossy``, ``.files``, ...)."""
    return active_variant(name)


# ------------------------------------------------------------------------------- load_or_standin

STANDIN_MAX_N = 10000  # a stand-in with n=None has the real split's size, capped here


@dataclass
class Data:
    """What :func:`load_or_standin` returns: the images, the labels (or None) and where they came from."""

    images: torch.Tensor
    labels: torch.Tensor | None
    source: str  # "real" or "stand-in"
    title: str  # for captions: the variant's title, or "procedural stand-in for <dataset>"
    name: str
    split: str


def _short(title: str) -> str:
    return title.split(" (")[0]


def load_or_standin(name, split="train", size=None, n=None, labels=False, seed=0) -> Data:
    """Real data when ``name`` is staged, else its procedural stand-in; warns which one is used.

    ``n`` subsamples the real data deterministically (a seeded random subset, kept in dataset order);
    for a stand-in it is the number of images drawn (default: the real split's size, at most
    ``STANDIN_MAX_N``).
    """

    spec = get_spec(name)
    if split not in spec.splits:
        raise ValueError(f"dataset {name!r} has splits {spec.splits}, not {split!r}")
    try:
        st = verify(name)
    except DataError as e:
        count = n or min(spec.counts.get(split) or STANDIN_MAX_N, STANDIN_MAX_N)
        out = standin(name, count, size=size, split=split, seed=seed, labels=labels)
        x, y = out if labels else (out, None)
        title = f"procedural stand-in for {_short(spec.title)}"
        why = str(e).splitlines()[0].rstrip(":")
        warnings.warn(
            f"{name}: using a {title} ({count} images): {why}. Run `make data` for the real data.", stacklevel=2
        )
        return Data(x, y, "stand-in", title, name, split)
    out = load(name, split, size=size, labels=labels)
    x, y = out if labels else (out, None)
    if n is not None and n < len(x):
        g = torch.Generator().manual_seed(seed)
        idx = torch.randperm(len(x), generator=g)[:n].sort().values
        x, y = x[idx], (y[idx] if y is not None else None)
    warnings.warn(f"{name}: using real data, {st.spec.title} ({len(x)} images)", stacklevel=2)
    return Data(x, y, "real", st.spec.title, name, split)

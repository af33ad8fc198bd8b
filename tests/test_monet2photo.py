"""The user-supplied monet2photo archive: reading, near-duplicate removal, and the labelled task."""

import io
import zipfile

import numpy as np
import pytest
import torch
from PIL import Image

from genrep.data import monet2photo as m2p
from genrep.data.registry import DataError
from genrep.data.unpaired import load_photo2monet, monet2photo_task


def _img(seed: int, size: int = 128) -> np.ndarray:
    g = np.random.default_rng(seed)
    base = g.integers(0, 256, (6, 6, 3)).astype(np.uint8)  # smooth colour fields, like a painting's layout
    return np.asarray(Image.fromarray(base).resize((size, size), Image.BICUBIC))


def _jpeg(a: np.ndarray, q: int = 90) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(a).save(buf, "JPEG", quality=q)
    return buf.getvalue()


def _zip(path, counts=(12, 4, 20, 6), dup_of=None):
    with zipfile.ZipFile(path, "w") as zf:
        k = 0
        for split, n in zip(m2p.SPLITS, counts, strict=False):
            for i in range(n):
                zf.writestr(f"monet2photo/{split}/{i:03d}.jpg", _jpeg(_img(1000 + k)))
                k += 1
    return path


def test_perceptual_hash_finds_reencoded_copies_only():
    a = torch.from_numpy(np.stack([_img(i) for i in range(8)])).permute(0, 3, 1, 2).contiguous()
    copies = torch.stack(
        [torch.from_numpy(np.array(Image.open(io.BytesIO(_jpeg(_img(i), 75))))).permute(2, 0, 1) for i in range(3)]
    )
    others = torch.from_numpy(np.stack([_img(100 + i) for i in range(5)])).permute(0, 3, 1, 2).contiguous()
    dup = m2p.near_duplicates(torch.cat([copies, others]), a)
    assert dup[:3].all() and not dup[3:].any()


def test_missing_and_corrupt_archives_say_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("GENREP_MONET2PHOTO", str(tmp_path / "nope.zip"))
    with pytest.raises(DataError, match="archive not found.*GENREP_MONET2PHOTO"):
        m2p.load_monet2photo(32)
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    with pytest.raises(DataError, match="not a readable zip"):
        m2p.load_monet2photo(32, bad)
    part = tmp_path / "part.zip"
    with zipfile.ZipFile(part, "w") as zf:
        zf.writestr("monet2photo/trainA/0.jpg", _jpeg(_img(0)))
    with pytest.raises(DataError, match="no images under testA/, trainB/, testB/"):
        m2p.load_monet2photo(32, part)


def test_fallback_task_is_labelled_and_its_reference_is_disjoint(tmp_path, monkeypatch):
    monkeypatch.setenv("GENREP_MONET2PHOTO", str(_zip(tmp_path / "m.zip")))
    task = monet2photo_task(size=32, n_monet=5, n_photo=10, seed=0)
    assert "NOT the competition data" in task.title and task.source == "real"
    assert task.paintings.shape == (5, 3, 32, 32) and task.photos.shape == (10, 3, 32, 32)
    assert len(task.reference) == 16 - 5 and task.ref_name == "monet2photo11"

    def flat(x):
        return {bytes(v.numpy().tobytes()) for v in x}

    assert not flat(task.reference) & flat(task.paintings)


def test_kaggle_paintings_drop_their_copies_from_the_reference(tmp_path, monkeypatch):
    monkeypatch.setenv("GENREP_MONET2PHOTO", str(_zip(tmp_path / "m.zip")))
    pool = m2p.load_monet2photo(32)
    kaggle_paintings = pool["trainA"][:3].clone()  # three monet2photo paintings are "the 300"
    photos = torch.zeros(4, 3, 32, 32, dtype=torch.uint8)
    task = monet2photo_task(size=32, kaggle=(photos, kaggle_paintings))
    assert len(task.reference) == 16 - 3 and "3 near-duplicates of 16 dropped" in task.title


def test_load_photo2monet_accepts_the_new_source(tmp_path, monkeypatch):
    monkeypatch.setenv("GENREP_MONET2PHOTO", str(tmp_path / "absent.zip"))
    with pytest.raises(DataError, match="monet2photo"):
        load_photo2monet("monet2photo", 32)
    with pytest.raises(ValueError, match="monet2photo"):
        load_photo2monet("nonsense", 32)

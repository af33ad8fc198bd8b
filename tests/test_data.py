"""Tests of genrep.data: stand-ins, batching, staging/verification, loading and caching.

Every test runs against a temporary GENREP_DATA and an empty temporary mirror (GENREP_DATA_SOURCE),
so nothing is written into the repository's data/ folder -- except the tests marked ``needs_data``,
which use the real mirror and the repository's staged copy (what `make data` makes; staged once per
session) and skip with the DataError message when the data is absent.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import io
import itertools
import os
import pickle
import tarfile
import warnings

import numpy as np
import pytest
import torch
from PIL import Image

from genrep import data, paths
from genrep.data import DATASETS, Batcher, DataError, DatasetSpec, FileSpec

REAL_DATA = paths.data_dir()  # captured before any monkeypatching
REAL_SOURCE = paths.data_source()


@pytest.fixture(autouse=True)
def tmp_env(tmp_path, monkeypatch):
    """An empty data dir and an empty mirror for every test."""
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    monkeypatch.setenv("GENREP_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("GENREP_DATA_SOURCE", str(mirror))
    return mirror


# --------------------------------------------------------------------------------------- helpers


def _img_bytes(color, size=(12, 10), fmt="PNG"):
    buf = io.BytesIO()
    Image.new("RGB", size, tuple(color)).save(buf, fmt)
    return buf.getvalue()


def _make_tar(path, members: dict):
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz") as tf:
        for name, b in sorted(members.items()):
            ti = tarfile.TarInfo(name)
            ti.size = len(b)
            tf.addfile(ti, io.BytesIO(b))
    return path


def _fs(mirror, rel):
    p = mirror / rel
    return FileSpec(rel, p.stat().st_size, hashlib.sha256(p.read_bytes()).hexdigest())


def _fake_dataset(mirror, monkeypatch, n=5, shade=0, **kw):
    """Register dataset 'fake': n PNGs of 12x10 (center-cropped to 10x10) in fake/imgs.tar.gz."""
    members = {f"imgs/{i}.png": _img_bytes(((20 * i + shade) % 256, 100, 200)) for i in range(n)}
    _make_tar(mirror / "fake" / "imgs.tar.gz", members)
    spec = DatasetSpec(
        name="fake",
        title="Fake images (test)",
        files=(_fs(mirror, "fake/imgs.tar.gz"),),
        splits=("train",),
        counts={"train": n},
        channels=3,
        native_size=10,
        has_labels=False,
        reader="tar_images",
        layout={"archive": "imgs.tar.gz", "prefix": "imgs/"},
        **kw,
    )
    monkeypatch.setitem(DATASETS, "fake", spec)
    return spec


# ------------------------------------------------------------------------------------- stand-ins


@pytest.mark.parametrize("name", list(DATASETS))
def test_standin_shapes_and_dtypes(name):
    spec = DATASETS[name]
    s = spec.native_size or spec.default_size
    if spec.has_labels:
        x, y = data.standin(name, 20, labels=True)
        assert y.dtype == torch.int64 and y.shape == (20,) and set(y.tolist()) <= set(range(10))
        assert len(set(y.tolist())) == 10  # balanced classes
    else:
        x = data.standin(name, 20)
        with pytest.raises(ValueError):
            data.standin(name, 4, labels=True)
    assert x.dtype == torch.uint8 and x.shape == (20, spec.channels, s, s)
    assert data.standin(name, 3, size=16).shape == (3, spec.channels, 16, 16)
    assert x.float().std() > 10  # not blank


@pytest.mark.parametrize("name", list(DATASETS))
def test_standin_deterministic(name):
    a = data.standin(name, 6, size=24, seed=3)
    assert torch.equal(a, data.standin(name, 6, size=24, seed=3))
    assert not torch.equal(a, data.standin(name, 6, size=24, seed=4))
    assert not torch.equal(a, data.standin(name, 6, size=24, seed=3, split="test"))


def test_standins_are_distinct():
    """Different datasets have different statistics (channel means/stds, edge energy)."""
    feats = {}
    for name in DATASETS:
        x = data.standin(name, 200, size=32).float() / 255
        x = x.expand(-1, 3, -1, -1)
        edges = (x[..., 1:] - x[..., :-1]).abs().mean()
        feats[name] = torch.cat([x.mean((0, 2, 3)), x.std((0, 2, 3)), edges[None]])
    for a, b in itertools.combinations(feats, 2):
        assert (feats[a] - feats[b]).abs().max() > 0.02, (a, b)


def test_standin_cifar_classes_differ():
    x, y = data.standin("cifar10", 400, labels=True)
    means = torch.stack([x[y == k].float().mean((0, 2, 3)) for k in range(10)])
    assert torch.cdist(means, means).fill_diagonal_(1e9).min() > 1.0


# -------------------------------------------------------------------------------------- batching


def test_to_float_roundtrip():
    x = torch.arange(256, dtype=torch.uint8).view(1, 1, 16, 16)
    f = data.to_float(x)
    assert f.min() == -1 and f.max() == 1 and f.dtype == torch.float32
    assert torch.equal(data.to_uint8(f), x)
    assert data.to_float(x, range=(0, 1)).max() == 1


def _indexed(n=50):
    """Images whose pixels encode their index, so batches can be traced back."""
    images = torch.arange(n, dtype=torch.uint8).view(n, 1, 1, 1).expand(n, 3, 4, 4).contiguous()
    return images, torch.arange(n)


def _ids(batch):
    x, y = batch
    idx = data.to_uint8(x)[:, 0, 0, 0].long()
    assert torch.equal(idx, y)  # labels travel with their images
    return idx.tolist()


def test_batcher_epochs_and_order():
    images, labels = _indexed(50)
    b = Batcher(images, labels, batch_size=8, seed=1)
    assert len(b) == 6
    epoch = [i for batch in b for i in _ids(batch)]
    assert len(epoch) == 48 and len(set(epoch)) == 48  # drop_last, no repeats
    epoch2 = [i for batch in b for i in _ids(batch)]
    assert epoch2 != epoch and b.epoch == 1
    again = Batcher(images, labels, batch_size=8, seed=1)
    assert [i for batch in again for i in _ids(batch)] == epoch  # same seed, same order
    other = Batcher(images, labels, batch_size=8, seed=2)
    assert [i for batch in other for i in _ids(batch)] != epoch
    plain = Batcher(images, labels, batch_size=8, shuffle=False, drop_last=False)
    assert [i for batch in plain for i in _ids(batch)] == list(range(50))
    with pytest.raises(ValueError):
        Batcher(images, batch_size=64)


def test_batcher_resume_matches_uninterrupted():
    images, labels = _indexed(50)
    ref = Batcher(images, labels, batch_size=8, seed=5)
    stream = [_ids(next(ref)) for _ in range(20)]  # crosses 3 epoch boundaries
    ref_sample = _ids(ref.sample(5))

    b = Batcher(images, labels, batch_size=8, seed=5)
    first = [_ids(next(b)) for _ in range(9)]  # stop mid-epoch 2
    b.sample(3)
    buf = io.BytesIO()
    torch.save(b.state_dict(), buf)
    buf.seek(0)
    resumed = Batcher(images, labels, batch_size=8, seed=5)
    resumed.load_state_dict(torch.load(buf))
    rest = [_ids(next(resumed)) for _ in range(11)]
    assert first + rest == stream

    c = Batcher(images, labels, batch_size=8, seed=5)
    [next(c) for _ in range(20)]
    c.sample(3)
    d = Batcher(images, labels, batch_size=8, seed=5)
    d.load_state_dict(c.state_dict())
    assert _ids(d.sample(5)) == _ids(c.sample(5))
    assert len(ref_sample) == 5


def test_batcher_hflip_half_reproducible_and_resumable():
    n = 64
    images = torch.randint(0, 256, (n, 3, 4, 6), dtype=torch.uint8, generator=torch.Generator().manual_seed(0))
    images[..., 0], images[..., -1] = 0, 255  # every image differs from its mirror image

    def flips(batch):
        x, y = batch
        ref = data.to_float(images[y])
        flipped, kept = (x == ref.flip(-1)).flatten(1).all(1), (x == ref).flatten(1).all(1)
        assert (flipped ^ kept).all()  # each image is either itself or its mirror image
        return y.tolist(), flipped.tolist()

    def run(seed, hflip=True, resume_at=None, steps=12):
        b = Batcher(images, torch.arange(n), batch_size=16, seed=seed, hflip=hflip)
        out = []
        for i in range(steps):  # 3 epochs, with a sample() among the batches
            if i == resume_at:
                buf = io.BytesIO()
                torch.save(b.state_dict(), buf)
                buf.seek(0)
                b = Batcher(images, torch.arange(n), batch_size=16, seed=seed, hflip=hflip)
                b.load_state_dict(torch.load(buf))
            out.append(flips(b.sample(8) if i == 5 else next(b)))
        return out

    ref = run(seed=3)
    coins = [f for _, fs in ref for f in fs]
    assert 0.35 < sum(coins) / len(coins) < 0.65  # 184 coins: about half the images are flipped
    assert run(seed=3) == ref  # reproducible from the seed
    assert [fs for _, fs in run(seed=4)] != [fs for _, fs in ref]
    assert run(seed=3, resume_at=7) == ref  # resumes exactly (after the sample(), mid-epoch)
    assert run(seed=3, resume_at=4) == ref
    off = run(seed=3, hflip=False)
    assert not any(f for _, fs in off for f in fs)  # off: nothing flipped ...
    assert [ids for i, (ids, _) in enumerate(off) if i != 5] == [ids for i, (ids, _) in enumerate(ref) if i != 5]


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_batcher_on_cuda():
    images, labels = _indexed(50)
    b = Batcher(images, labels, batch_size=8, device="cuda", seed=1)
    x, y = next(b)
    assert x.is_cuda and y.is_cuda and x.dtype == torch.float32
    cpu = Batcher(images, labels, batch_size=8, seed=1)
    assert torch.equal(next(cpu)[1], y.cpu())


# ------------------------------------------------------------------------------ staging and load


def test_stage_and_load_fake(tmp_env, monkeypatch):
    _fake_dataset(tmp_env, monkeypatch)
    assert not data.available("fake")
    assert data.stage(["fake"], progress=False, download=False) == {"fake": "staged"}
    assert data.stage(["fake"], progress=False, download=False) == {"fake": "ok"}
    assert data.available("fake")
    x = data.load("fake")
    assert x.shape == (5, 3, 10, 10) and x.dtype == torch.uint8
    assert x[:, 0, 0, 0].tolist() == [0, 20, 40, 60, 80]  # natural order, RGB
    assert data.load("fake", size=4).shape == (5, 3, 4, 4)
    assert data.cache_path("fake", "train", 10).exists()
    monkeypatch.setitem(data.loaders.READERS, "tar_images", None)  # a cache hit never decodes
    assert torch.equal(data.load("fake"), x)
    with pytest.raises(ValueError, match="no labels"):
        data.load("fake", labels=True)
    with pytest.raises(ValueError, match="splits"):
        data.load("fake", "test")


def test_restage_invalidates_cache_and_manifest_hash(tmp_env, monkeypatch):
    _fake_dataset(tmp_env, monkeypatch)
    h0 = data.manifest_hash(["fake"])
    data.stage(["fake"], progress=False)
    h1 = data.manifest_hash(["fake"])
    x1 = data.load("fake")
    _fake_dataset(tmp_env, monkeypatch, shade=5)  # new content, new checksum
    data.stage(["fake"], progress=False)
    h2 = data.manifest_hash(["fake"])
    assert len({h0, h1, h2}) == 3
    assert data.load("fake")[:, 0, 0, 0].tolist() == [v + 5 for v in x1[:, 0, 0, 0].tolist()]


def test_checksum_mismatch_in_mirror(tmp_env, monkeypatch):
    spec = _fake_dataset(tmp_env, monkeypatch)
    bad = spec.files[0]._replace(sha256="0" * 64)
    monkeypatch.setitem(DATASETS, "fake", dataclasses.replace(spec, files=(bad,)))
    assert data.stage(["fake"], progress=False) == {"fake": "corrupt"}
    with pytest.raises(DataError) as e:
        data.load("fake")
    msg = str(e.value)
    assert "'fake'" in msg and "0" * 64 in msg and "make data" in msg and "GENREP_DATA_SOURCE" in msg


def test_corrupted_staged_file(tmp_env, monkeypatch):
    _fake_dataset(tmp_env, monkeypatch)
    data.stage(["fake"], progress=False)
    p = data.raw_dir("fake") / "imgs.tar.gz"
    b = bytearray(p.read_bytes())
    b[len(b) // 2] ^= 0xFF
    p.write_bytes(bytes(b))
    os.utime(p, ns=(1, 1))  # stamp no longer matches
    with pytest.raises(DataError, match=r"(?s)corrupt.*make data"):
        data.load("fake")
    assert not data.available("fake")
    assert data.stage(["fake"], progress=False) == {"fake": "staged"}  # make data repairs it
    assert data.load("fake").shape == (5, 3, 10, 10)


def test_bit_rot_that_keeps_size_and_mtime_is_caught_by_make_data(tmp_env, monkeypatch, capsys):
    """Stamps trust size and mtime; `make data` (rehash=True) recomputes the digests and restages."""
    _fake_dataset(tmp_env, monkeypatch)
    data.stage(["fake"], progress=False)
    p = data.raw_dir("fake") / "imgs.tar.gz"
    st = p.stat()
    b = bytearray(p.read_bytes())
    b[len(b) // 2] ^= 0xFF
    p.write_bytes(bytes(b))
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))  # same size, same mtime: the stamp matches
    assert data.stage(["fake"], progress=False) == {"fake": "ok"}  # the quick check cannot tell
    capsys.readouterr()
    assert data.stage(["fake"], rehash=True) == {"fake": "staged"}
    out = capsys.readouterr().out
    assert "imgs.tar.gz has digest" in out and "staging it again" in out, out
    assert data.load("fake").shape == (5, 3, 10, 10)


def test_uint8_caches_carry_a_checksum_and_rotted_ones_are_rebuilt(tmp_env, monkeypatch):
    _fake_dataset(tmp_env, monkeypatch)
    data.stage(["fake"], progress=False)
    x = data.load("fake")
    path = data.cache_path("fake", "train", 10)
    d = torch.load(path, weights_only=True)
    assert d["crc32"] == data.loaders.tensors_crc32(d["images"], d.get("labels"))
    d["images"][2, 1, 3, 3] ^= 0x10  # one flipped bit, key unchanged
    torch.save(d, path)
    with pytest.warns(UserWarning, match="failed its checksum"):
        again = data.load("fake")
    assert torch.equal(again, x)  # decoded afresh, not the rotted tensor
    assert torch.load(path, weights_only=True)["crc32"] == d["crc32"]  # and the cache rewritten


def test_an_unwritable_cache_costs_a_warning_not_the_run(tmp_env, monkeypatch):
    _fake_dataset(tmp_env, monkeypatch)
    data.stage(["fake"], progress=False)

    def refuse(obj, f, *a, **k):
        raise RuntimeError(f"File {f} cannot be opened.")  # what torch.save says for a read-only dir

    monkeypatch.setattr(data.loaders.torch, "save", refuse)
    with pytest.warns(UserWarning, match="could not write the data cache .*GENREP_DATA at a writable folder"):
        x = data.load("fake")
    assert x.shape == (5, 3, 10, 10) and not data.cache_path("fake", "train", 10).exists()


def test_a_permission_error_is_one_clear_line(tmp_env, monkeypatch, capsys):
    from genrep.cli import main

    def denied(*a, **k):
        raise PermissionError(13, "Permission denied", str(tmp_env / "raw" / "mnist"))

    monkeypatch.setattr("genrep.data.stage", denied)
    assert main(["data", "--no-download"]) == 2
    err = capsys.readouterr().err
    assert "error: permission denied writing" in err and "GENREP_DATA" in err and "Traceback" not in err


def test_truncated_archive_gives_data_error(tmp_env, monkeypatch):
    """Even a file that matches its (wrong) registry checksum must not leak a tarfile traceback."""
    _fake_dataset(tmp_env, monkeypatch, n=40)
    p = tmp_env / "fake" / "imgs.tar.gz"
    p.write_bytes(p.read_bytes()[: p.stat().st_size // 2])
    files = (_fs(tmp_env, "fake/imgs.tar.gz"),)
    monkeypatch.setitem(DATASETS, "fake", dataclasses.replace(DATASETS["fake"], files=files))
    data.stage(["fake"], progress=False)
    with pytest.raises(DataError, match=r"(?s)'fake'.*make data"):
        data.load("fake")


def test_missing_dataset_message():
    status = data.stage(["monet", "mnist"], progress=False, download=False)
    assert status == {"monet": "missing", "mnist": "missing"}
    assert not data.available("monet")
    with pytest.raises(DataError) as e:
        data.load("monet", size=64)
    msg = str(e.value)
    assert "'monet'" in msg and "monet_jpg.tar.gz" in msg and "make data" in msg
    assert DATASETS["monet"].files[0].sha256 in msg
    assert len(data.manifest_hash()) == 16


def test_load_or_standin_fallback():
    with pytest.warns(UserWarning, match="stand-in"):
        d = data.load_or_standin("cifar10", "test", n=30, labels=True)
    assert d.source == "stand-in" and d.title == "procedural stand-in for CIFAR-10"
    assert d.images.shape == (30, 3, 32, 32) and d.labels.shape == (30,)
    with pytest.warns(UserWarning):
        assert data.load_or_standin("monet", n=2, size=16).labels is None


def test_load_or_standin_real_subsample(tmp_env, monkeypatch):
    _fake_dataset(tmp_env, monkeypatch, n=8)
    data.stage(["fake"], progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = data.load_or_standin("fake", n=3, seed=1)
        b = data.load_or_standin("fake", n=3, seed=1)
        full = data.load_or_standin("fake")
    assert a.source == "real" and a.title == "Fake images (test)" and a.images.shape[0] == 3
    assert torch.equal(a.images, b.images) and full.images.shape[0] == 8


def test_cifar_official_variant_preferred(tmp_env, monkeypatch):
    """A staged official python tarball wins over the JPEG mirror, and info() says lossless."""
    rng = np.random.default_rng(0)
    members = {}
    for b in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        d = {b"data": rng.integers(0, 256, (4, 3072), dtype=np.uint8), b"labels": list(range(4))}
        members[f"cifar-10-batches-py/{b}"] = pickle.dumps(d)
    _make_tar(tmp_env / "cifar10" / "cifar-10-python.tar.gz", members)
    spec = DATASETS["cifar10"]
    off = dataclasses.replace(
        spec.variants[0], files=(_fs(tmp_env, "cifar10/cifar-10-python.tar.gz"),), counts={"train": 20, "test": 4}
    )
    monkeypatch.setitem(DATASETS, "cifar10", dataclasses.replace(spec, variants=(off,)))
    assert data.info("cifar10").lossy
    assert data.stage(["cifar10"], progress=False) == {"cifar10": "staged"}
    assert not data.info("cifar10").lossy and "lossless" in data.info("cifar10").title
    x, y = data.load("cifar10", "test", labels=True)
    assert x.shape == (4, 3, 32, 32) and y.tolist() == [0, 1, 2, 3]
    ref = pickle.loads(members["cifar-10-batches-py/test_batch"])[b"data"].reshape(4, 3, 32, 32)
    assert np.array_equal(x.numpy(), ref)
    assert data.load("cifar10", "train").shape == (20, 3, 32, 32)


def test_celeba_plain_folder(tmp_env):
    folder = data.raw_dir("celeba") / "img_align_celeba"
    folder.mkdir(parents=True)
    for i in range(3):
        (folder / f"{i + 1:06d}.jpg").write_bytes(_img_bytes((200, 50 * i, 0), size=(178, 218), fmt="JPEG"))
    assert data.available("celeba") and "folder" in data.info("celeba").title
    x = data.load("celeba", size=16)
    assert x.shape == (3, 3, 16, 16)


def test_cats_with_duplicates(tmp_env, monkeypatch):
    spec = _fake_dataset(tmp_env, monkeypatch, n=3)
    (tmp_env / "fake" / "dups.csv").write_text("duplicate_file,identical_to\n3.png,0.png\n4.png,2.png\n")
    monkeypatch.setitem(
        DATASETS,
        "fake",
        dataclasses.replace(
            spec,
            splits=("train", "with_duplicates"),
            counts={"train": 3, "with_duplicates": 5},
            files=spec.files + (_fs(tmp_env, "fake/dups.csv"),),
            layout={**spec.layout, "duplicates": "dups.csv"},
        ),
    )
    data.stage(["fake"], progress=False)
    x = data.load("fake", "with_duplicates")
    assert x[:, 0, 0, 0].tolist() == [0, 20, 40, 0, 40]


def test_mnist_idx_reader(tmp_env, monkeypatch):
    imgs = np.arange(3 * 28 * 28, dtype=np.uint32).astype(np.uint8).reshape(3, 28, 28)
    for _split, prefix in (("train", "train"), ("test", "t10k")):
        (tmp_env / "mnist").mkdir(exist_ok=True)
        head = b"\x00\x00\x08\x03" + np.array([3, 28, 28], ">i4").tobytes()
        gz = gzip.compress(head + imgs.tobytes())
        (tmp_env / "mnist" / f"{prefix}-images-idx3-ubyte.gz").write_bytes(gz)
        lab = b"\x00\x00\x08\x01" + np.array([3], ">i4").tobytes() + bytes([7, 1, 9])
        (tmp_env / "mnist" / f"{prefix}-labels-idx1-ubyte.gz").write_bytes(gzip.compress(lab))
    spec = DATASETS["mnist"]
    files = tuple(_fs(tmp_env, f.path) for f in spec.files)
    fake = dataclasses.replace(spec, files=files, counts={"train": 3, "test": 3})
    monkeypatch.setitem(DATASETS, "mnist", fake)
    assert data.stage(["mnist"], progress=False, download=False) == {"mnist": "staged"}
    x, y = data.load("mnist", "test", labels=True)
    assert x.shape == (3, 1, 28, 28) and np.array_equal(x[:, 0].numpy(), imgs) and y.tolist() == [7, 1, 9]
    assert data.load("mnist", size=32).shape == (3, 1, 32, 32)


# ---------------------------------------------------------------------------------- real data


@pytest.fixture(scope="session")
def _real_staged():
    """Stage the small real datasets once into the repository's data/ (what `make data` does)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GENREP_DATA", str(REAL_DATA))
        if REAL_SOURCE:
            mp.setenv("GENREP_DATA_SOURCE", str(REAL_SOURCE))
            data.stage(["mnist", "cifar10", "monet"], progress=False, download=False)


@pytest.fixture
def real(_real_staged, monkeypatch):
    monkeypatch.setenv("GENREP_DATA", str(REAL_DATA))
    if REAL_SOURCE:
        monkeypatch.setenv("GENREP_DATA_SOURCE", str(REAL_SOURCE))
    else:
        monkeypatch.delenv("GENREP_DATA_SOURCE")

    def need(name):
        try:
            data.verify(name)
        except DataError as e:
            pytest.skip(str(e))

    return need


@pytest.mark.needs_data
def test_real_monet(real):
    real("monet")
    x = data.load("monet", size=64)
    assert x.shape == (300, 3, 64, 64) and x.dtype == torch.uint8


@pytest.mark.needs_data
def test_real_mnist_test(real):
    real("mnist")
    x, y = data.load("mnist", "test", labels=True)
    assert x.shape == (10000, 1, 28, 28) and y.dtype == torch.int64
    assert sorted(set(y.tolist())) == list(range(10))


@pytest.mark.needs_data
def test_real_cifar10_test(real):
    real("cifar10")
    x, y = data.load("cifar10", "test", labels=True)
    assert x.shape == (10000, 3, 32, 32) and torch.bincount(y).tolist() == [1000] * 10
    mean = (x.float() / 255).mean((0, 2, 3))
    assert torch.allclose(mean, torch.tensor([0.4942, 0.4851, 0.4504]), atol=0.01)
    assert data.info("cifar10").title.startswith("CIFAR-10")


def test_corrupt_preferred_variant_falls_back(tmp_env, monkeypatch):
    _fake_dataset(tmp_env, monkeypatch)
    base = DATASETS["fake"]
    (tmp_env / "fake" / "better.tar.gz").write_bytes(b"not what the registry expects")
    files = (FileSpec("fake/better.tar.gz", 29, "1" * 64),)
    better = dataclasses.replace(base, title="Fake (better)", files=files)
    monkeypatch.setitem(DATASETS, "fake", dataclasses.replace(base, variants=(better,)))
    raw = data.raw_dir("fake")
    raw.mkdir(parents=True)
    (raw / "better.tar.gz").write_bytes(b"x" * 29)  # a broken preferred copy already staged
    assert data.info("fake").title == "Fake (better)"
    assert data.stage(["fake"], progress=False) == {"fake": "staged"}
    assert data.info("fake").title == "Fake images (test)"
    assert data.load("fake").shape == (5, 3, 10, 10)

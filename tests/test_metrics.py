"""Tests of genrep.metrics (FD/FID, KID, MiFID, precision/recall, bits/dim, extractors) + CifarNet asset."""

import json
import math
import shutil

import numpy as np
import pytest
import scipy.linalg
import torch

from genrep.metrics import (
    available_extractors,
    bits_per_dim,
    bits_per_dim_dequantized,
    dequantized_nll_offset,
    feature_stats,
    fid_from_features,
    frechet_distance,
    get_extractor,
    kid_from_features,
    mifid_from_features,
    prdc,
    precision_recall,
)
from genrep.metrics.extractors import RandConvNet
from genrep.metrics.inception import (
    FID_WEIGHTS_NAME,
    inception_state_dict_layout,
    inception_weights_path,
    load_fid_inception,
)


def _spd(d, rng):
    a = rng.standard_normal((d, 2 * d))
    return a @ a.T / (2 * d) + 0.01 * np.eye(d)


def _fd_scipy(mu1, s1, mu2, s2):
    """pytorch-fid's formula (scipy sqrtm of the product)."""
    covmean = scipy.linalg.sqrtm(s1 @ s2)
    covmean = covmean.real if np.iscomplexobj(covmean) else covmean
    diff = mu1 - mu2
    return diff @ diff + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean)


# ----------------------------------------------------------------------------- Fréchet distance


@pytest.mark.parametrize("d", [2, 16, 64])
def test_frechet_matches_scipy_sqrtm(d):
    rng = np.random.default_rng(d)
    mu1, mu2 = rng.standard_normal(d), rng.standard_normal(d)
    s1, s2 = _spd(d, rng), _spd(d, rng)
    ours, ref = frechet_distance(mu1, s1, mu2, s2), _fd_scipy(mu1, s1, mu2, s2)
    assert isinstance(ours, float)
    assert ours == pytest.approx(ref, rel=1e-6)


def test_frechet_identical_is_zero_and_translation_is_norm_squared():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((400, 32)) @ rng.standard_normal((32, 32))
    mu, sigma = feature_stats(a)
    assert abs(frechet_distance(mu, sigma, mu, sigma)) < 1e-6
    assert abs(fid_from_features(a, a.copy())) < 1e-6
    v = rng.standard_normal(32)
    assert fid_from_features(a, a + v) == pytest.approx(float(v @ v), rel=1e-8)


def test_feature_stats_and_torch_input():
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((300, 8)), rng.standard_normal((300, 8)) * 1.5
    mu, sigma = feature_stats(torch.from_numpy(a).float())
    np.testing.assert_allclose(mu, a.mean(0), atol=1e-6)
    np.testing.assert_allclose(sigma, np.cov(a, rowvar=False), atol=1e-5)
    assert fid_from_features(torch.from_numpy(a), torch.from_numpy(b)) == pytest.approx(fid_from_features(a, b))
    assert fid_from_features(a, b) > 0.5  # the scale differs: clearly non-zero


def test_rank_deficient_warns():
    with pytest.warns(UserWarning, match="rank-deficient"):
        feature_stats(np.random.default_rng(0).standard_normal((10, 20)))


# ----------------------------------------------------------------------------- KID


def _mmd2_bruteforce(x, y):
    d, m = x.shape[1], len(x)
    k = lambda a, b: (a @ b / d + 1) ** 3  # noqa: E731
    sxx = sum(k(x[i], x[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    syy = sum(k(y[i], y[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    sxy = sum(k(x[i], y[j]) for i in range(m) for j in range(m)) / m**2
    return sxx + syy - 2 * sxy


def test_kid_matches_bruteforce_formula():
    rng = np.random.default_rng(2)
    x, y = rng.standard_normal((12, 5)), rng.standard_normal((12, 5)) + 0.3
    mean, std = kid_from_features(x, y, subsets=3, subset_size=1000)  # clipped to 12 = whole sets
    assert mean == pytest.approx(_mmd2_bruteforce(x, y), rel=1e-10) and std < 1e-12


def test_kid_unbiased_and_detects_shift():
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal((1000, 32)), rng.standard_normal((1000, 32))
    mean, std = kid_from_features(a, b, subsets=50, subset_size=200)
    assert abs(mean) < 3 * std or abs(mean) < 1e-3
    mean_s, std_s = kid_from_features(a, b + 0.5, subsets=50, subset_size=200)
    assert mean_s > 10 * max(std, abs(mean)) and mean_s > 3 * std_s


# ----------------------------------------------------------------------------- MiFID


def test_mifid_memorised_set_is_penalised():
    rng = np.random.default_rng(4)
    ref = np.abs(rng.standard_normal((300, 16)))  # non-negative, like pooled ReLU features
    copy = mifid_from_features(ref, ref)
    assert copy["distance"] < 1e-9 and copy["distance_thr"] == copy["distance"]
    near = ref + 1e-3 * rng.standard_normal(ref.shape)  # memorised up to tiny noise
    out = mifid_from_features(near, ref)
    assert out["distance"] < 0.1 and out["mifid"] > 100 * out["fid"] > 0
    assert out["mifid"] == pytest.approx(out["fid"] / (out["distance"] + 1e-14), rel=1e-9)


def test_mifid_independent_sets_equal_fid_and_direction_is_generated_to_reference():
    rng = np.random.default_rng(5)
    gen, ref = rng.standard_normal((200, 32)), rng.standard_normal((300, 32))
    out = mifid_from_features(gen, ref)
    assert out["distance"] > 0.1 and out["distance_thr"] == 1.0
    assert out["mifid"] == pytest.approx(out["fid"], rel=1e-12)
    # generated = half of the reference set: every generated row has an exact copy (Kaggle direction),
    # although half of the reference rows have none
    half = mifid_from_features(ref[:150], ref)
    assert half["distance"] < 1e-9
    # all-zero feature rows are dropped, as in Kaggle's kernel
    assert mifid_from_features(np.vstack([ref[:150], np.zeros((5, 32))]), ref)["distance"] < 1e-9


# ----------------------------------------------------------------------------- precision / recall


def _clusters(rng, modes, n_per, spread=0.5):
    angle = 2 * np.pi * np.arange(10) / 10
    centers = 20 * np.stack([np.cos(angle), np.sin(angle)], 1)  # 10 modes, 12 apart, on a circle in 2-D
    return np.concatenate([centers[m] + spread * rng.standard_normal((n_per, 2)) for m in modes])


def test_precision_recall_cases():
    rng = np.random.default_rng(6)
    real = _clusters(rng, range(10), 60)
    assert precision_recall(real, real) == {"precision": 1.0, "recall": 1.0}
    far = precision_recall(real, real + 1000.0)
    assert far == {"precision": 0.0, "recall": 0.0}
    half = precision_recall(real, _clusters(rng, range(5), 120))  # fake covers modes 0-4 only
    assert half["precision"] > 0.9
    assert half["recall"] == pytest.approx(0.5, abs=0.06)
    full = prdc(real, _clusters(rng, range(10), 60))
    assert full["coverage"] > 0.8 and 0.6 < full["density"] < 1.5 and full["recall"] > 0.8


def test_precision_recall_matches_bruteforce():
    rng = np.random.default_rng(7)
    real, fake = rng.standard_normal((40, 3)), rng.standard_normal((30, 3)) + 0.5
    k = 3

    def radii(x):
        d = np.linalg.norm(x[:, None] - x[None], axis=-1)
        return np.sort(d, axis=1)[:, k]  # index 0 is the point itself

    d_fr = np.linalg.norm(fake[:, None] - real[None], axis=-1)
    prec = np.mean((d_fr <= radii(real)[None]).any(1))
    rec = np.mean((d_fr.T <= radii(fake)[None]).any(1))
    out = precision_recall(real, fake, k=k)
    assert out["precision"] == pytest.approx(prec) and out["recall"] == pytest.approx(rec)


# ----------------------------------------------------------------------------- bits/dim


def test_bits_per_dim_and_dequantisation_convention():
    assert bits_per_dim(3 * 784 * math.log(2), 784) == pytest.approx(3.0)
    assert bits_per_dim(torch.tensor([1.0, 3.0]) * 10 * math.log(2), 10) == pytest.approx(2.0)
    d = 3 * 32 * 32
    assert dequantized_nll_offset(d) == pytest.approx(d * math.log(256))
    # hand computation: (-5000 + 3072 ln 256) / (3072 ln 2) = -5000/2129.348139 + 8
    assert bits_per_dim_dequantized(-5000.0, d) == pytest.approx(5.651863540, abs=1e-8)
    assert bits_per_dim_dequantized(-5000.0, d, data_width=2.0) == pytest.approx(4.651863540, abs=1e-8)


# ----------------------------------------------------------------------------- extractors


def test_randconv_is_deterministic_and_handles_grayscale():
    a, b = RandConvNet(), RandConvNet()
    for (ka, va), (kb, vb) in zip(a.state_dict().items(), b.state_dict().items(), strict=False):
        assert ka == kb and torch.equal(va, vb)
    ext = get_extractor("randconv", device="cpu")
    assert (ext.name, ext.metric_name, ext.kid_name, ext.input_size) == (
        "randconv",
        "FD-randconv",
        "KID-randconv",
        64,
    )
    g = torch.Generator().manual_seed(0)
    rgb = torch.randint(0, 256, (5, 3, 32, 32), dtype=torch.uint8, generator=g)
    f = ext(rgb, batch_size=2)
    assert f.shape == (5, ext.dim) and f.dtype == torch.float32 and f.device.type == "cpu"
    assert torch.allclose(f, ext(rgb.float() / 255), atol=1e-5)  # float [0, 1] == uint8 path
    gray = torch.randint(0, 256, (3, 1, 28, 28), dtype=torch.uint8, generator=g)
    assert torch.allclose(ext(gray), ext(gray.expand(-1, 3, -1, -1)))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        ext(rgb.float() / 127.5 - 1)


@pytest.fixture(scope="module")
def fid_sd():
    return inception_state_dict_layout(seed=0)  # pytorch-fid's layout, untrained


def test_inception_layout_is_pytorch_fids(fid_sd, tmp_path):
    import pytorch_fid.inception

    sd = fid_sd
    assert tuple(sd["Conv2d_1a_3x3.conv.weight"].shape) == (32, 3, 3, 3)
    assert tuple(sd["Mixed_5b.branch_pool.conv.weight"].shape) == (32, 192, 1, 1)
    assert tuple(sd["Mixed_6e.branch7x7_1.conv.weight"].shape) == (192, 768, 1, 1)
    assert tuple(sd["Mixed_7c.branch_pool.conv.weight"].shape) == (192, 2048, 1, 1)
    assert tuple(sd["fc.weight"].shape) == (1008, 2048)  # pytorch-fid's loader needs the classifier
    assert not any(k.startswith("AuxLogits") for k in sd)
    torch.save(sd, tmp_path / "w.pth")
    net = load_fid_inception(tmp_path / "w.pth", check_hash=False)
    assert isinstance(net.net, pytorch_fid.inception.InceptionV3)
    assert isinstance(net.net.blocks[3][2], pytorch_fid.inception.FIDInceptionE_2)  # Mixed_7c: max pool
    with torch.no_grad():
        out = net(torch.rand(2, 3, 75, 75) * 2 - 1)  # 75 px: the smallest valid input (fast)
    assert out.shape == (2, 2048) and torch.isfinite(out).all()


def test_inception_availability(tmp_path, monkeypatch, fid_sd):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("GENREP_WEIGHTS", str(empty))
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch_home"))
    monkeypatch.setenv("GENREP_DATA", str(tmp_path / "data"))  # no converted file either
    assert inception_weights_path() is None
    assert "inception" not in available_extractors() and "randconv" in available_extractors()
    with pytest.raises(FileNotFoundError, match="GENREP_WEIGHTS"):
        get_extractor("inception", device="cpu")
    # a file with the right name but the wrong content: found, loads structurally, refused by the hash check
    fake = empty / FID_WEIGHTS_NAME
    torch.save(fid_sd, fake)
    assert inception_weights_path() == fake and "inception" in available_extractors()
    load_fid_inception(fake, check_hash=False)  # pytorch-fid's strict load of its key layout
    with pytest.raises(RuntimeError, match="sha256"):
        load_fid_inception(fake)


# ----------------------------------------------------------------------------- CifarNet asset


def test_cifarnet_asset_checksum_and_tamper_detection(tmp_path):
    from genrep.metrics.proxies import CIFARNET_PATH, load_cifarnet
    from genrep.runtime.hashing import file_hexdigest

    meta = json.loads(CIFARNET_PATH.with_suffix(".json").read_text())
    assert file_hexdigest(CIFARNET_PATH) == meta["sha256"]
    assert CIFARNET_PATH.stat().st_size < 2_000_000 and meta["params"] < 1_000_000
    model = load_cifarnet()
    assert sum(p.numel() for p in model.parameters()) == meta["params"]
    bad = tmp_path / "cifarnet.pt"
    raw = bytearray(CIFARNET_PATH.read_bytes())
    raw[-100] ^= 0xFF
    bad.write_bytes(bytes(raw))
    shutil.copy(CIFARNET_PATH.with_suffix(".json"), tmp_path / "cifarnet.json")
    with pytest.raises(RuntimeError, match="sha256"):
        load_cifarnet(bad)
    ext = get_extractor("cifarnet", device="cpu")
    assert ext.metric_name == "FD-cifarnet" and ext.kid_name == "KID-cifarnet"
    assert ext(torch.zeros(2, 3, 64, 64, dtype=torch.uint8)).shape == (2, ext.dim)


@pytest.mark.needs_data
def test_cifarnet_classifies_real_cifar10():
    from genrep.data import DataError, load
    from genrep.metrics.proxies import evaluate, load_cifarnet

    try:
        x, y = load("cifar10", "test", labels=True)
    except DataError as e:
        pytest.skip(str(e))
    idx = torch.arange(0, len(x), max(1, len(x) // 500))[:500]  # every class (the test set is class-sorted)
    acc = evaluate(load_cifarnet(), x[idx], y[idx])
    assert acc > 0.6, acc


@pytest.mark.needs_data
def test_fd_cifarnet_ranks_degradations():
    """The proxy must see what FID sees: noise, blur and dropped classes all move it well above clean."""
    import torch.nn.functional as F

    from genrep.data import DataError, load

    try:
        xt, yt = load("cifar10", "test", labels=True)
        xr = load("cifar10", "train")
    except DataError as e:
        pytest.skip(str(e))
    g = torch.Generator().manual_seed(0)
    ref, real = xr[torch.randperm(len(xr), generator=g)[:500]], xt[torch.randperm(len(xt), generator=g)[:500]]
    noisy = (real.float() + 25.5 * torch.randn(real.shape, generator=g)).clamp(0, 255).round().to(torch.uint8)
    blurred = F.avg_pool2d(F.pad(real.float(), (1, 1, 1, 1), mode="reflect"), 3, stride=1).round().to(torch.uint8)
    half = xt[yt < 5][torch.randperm(int((yt < 5).sum()), generator=g)[:500]]  # mode dropping: 5 of 10 classes
    ext = get_extractor("cifarnet", device="cpu")
    fr = ext(ref)
    clean = fid_from_features(ext(real), fr)
    for name, x in [("noise", noisy), ("blur", blurred), ("half the classes", half)]:
        assert fid_from_features(ext(x), fr) > 3 * clean, name


def test_proxy_rank_counts_the_undisturbed_set_once():
    """The undisturbed set is level 0 of every kind: one set, not one per kind (it would weigh one distance k times)."""
    from genrep.metrics.studies import UNDISTURBED, distinct_sets, rank_agreement

    rows = [
        {"extractor": e, "kind": k, "level": lv, "fd": (0.0 if lv == 0 else s * (lv + 3 * i))}
        for e, s in (("inception", 1.0), ("proxy", 2.0))
        for i, k in enumerate(("a", "b", "c"))
        for lv in (0.0, 1.0, 2.0)
    ]
    sets = distinct_sets(rows, "proxy")
    assert len(sets) == 7 and sets[UNDISTURBED] == 0.0  # 3 kinds × 2 disturbed levels + the undisturbed set once
    assert rank_agreement(rows, "proxy") == pytest.approx(1.0)
    rows[0]["fd"] = 0.5  # level 0 of kind a now differs from the others: they are not one set, so they stay apart
    assert len(distinct_sets(rows, "inception")) == 9

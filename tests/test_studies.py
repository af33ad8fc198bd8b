"""Disturbances and the studies of the metrics chapter."""

import pytest
import torch

from genrep.metrics.disturbances import DISTURBANCES, disturb, jpeg_roundtrip
from genrep.metrics.studies import (
    disturbance_study,
    is_monotone,
    monotonicity,
    rank_agreement,
    sample_size_study,
    step_intervals,
)


def _imgs(n=40, size=16, seed=0):
    g = torch.Generator().manual_seed(seed)
    return (torch.rand(n, 3, size, size, generator=g) * 255).to(torch.uint8)


@pytest.mark.parametrize("kind", list(DISTURBANCES))
def test_disturbance_shapes_determinism_and_strength(kind):
    x = _imgs()
    other = _imgs(seed=1).flip(0)
    labels = torch.arange(40) % 10
    d = DISTURBANCES[kind]
    outs = [disturb(x, kind, lv, seed=3, other=other, labels=labels) for lv in d.levels]
    assert all(o.shape == x.shape and o.dtype == torch.uint8 for o in outs)
    assert torch.equal(outs[0], x)  # level 0 leaves the images alone
    again = disturb(x, kind, d.levels[-1], seed=3, other=other, labels=labels)
    assert torch.equal(outs[-1], again)  # same seed, same result
    change = [(o.float() - x.float()).abs().mean().item() for o in outs]
    assert change[-1] > change[1] > 0


def test_blur_keeps_constant_images_and_noise_needs_no_other():
    x = torch.full((2, 3, 8, 8), 77, dtype=torch.uint8)
    assert torch.equal(disturb(x, "gaussian_blur", 4.0), x)
    with pytest.raises(ValueError, match="needs `other`"):
        disturb(x, "contamination", 0.5)
    with pytest.raises(ValueError, match="unknown disturbance"):
        disturb(x, "jpeg", 0.5)


def test_is_monotone():
    assert is_monotone([1, 2, 3]) and not is_monotone([1, 3, 2]) and not is_monotone([1, 1, 2])


class _MeanColour:
    """A toy extractor: per-channel means and stds (6-d), enough for the study's plumbing."""

    name, metric_name, kid_name, dim = "toy", "FD-toy", "KID-toy", 6

    def __call__(self, x, batch_size=256, progress=False):
        f = x.float() / 255
        return torch.cat([f.mean((2, 3)), f.std((2, 3))], 1)


def test_disturbance_study_rows_and_monotone_noise():
    x = _imgs(200, 8)
    rows = disturbance_study(
        x[:100], x[100:], [_MeanColour()], kinds=["gaussian_noise", "salt_and_pepper"], kid_subsets=5, progress=False
    )
    assert len(rows) == 8 and {r["kind"] for r in rows} == {"gaussian_noise", "salt_and_pepper"}
    mono = monotonicity(rows)
    assert mono[("toy", "salt_and_pepper")]  # S&P moves the pixel std steadily away from uniform noise's


def test_sample_size_study_fd_bias_falls_and_kid_centred():
    g = torch.Generator().manual_seed(0)
    ref = torch.randn(4000, 8, generator=g)
    shifted = torch.randn(2000, 8, generator=g) + 0.5
    rows = sample_size_study(
        ref, {"same": ref, "shifted": shifted}, [50, 200, 1000], repeats=4, kid_subsets=5, progress=False
    )
    same = [r for r in rows if r["comparison"] == "same"]
    assert [r["n"] for r in same] == [50, 200, 1000]
    assert same[0]["fd_mean"] > same[1]["fd_mean"] > same[2]["fd_mean"] > 0
    assert all(abs(r["kid_mean"]) < 0.05 for r in same)
    shifted_rows = [r for r in rows if r["comparison"] == "shifted"]
    assert all(r["kid_mean"] > 0.05 for r in shifted_rows)


def test_consistent_with_zero():
    from genrep.metrics.studies import consistent_with_zero

    assert consistent_with_zero(0.001, 0.01, 5)
    assert not consistent_with_zero(0.05, 0.01, 5)
    assert not consistent_with_zero(0.0, 0.01, 1)  # one draw cannot tell


# ----------------------------------------------------------------------------- cpu-tier machinery


class _Counting:
    """A tiny extractor (mean colour per channel + spatial std) that counts the images it embeds."""

    name, metric_name, dim = "inception", "FID", 6

    def __init__(self):
        self.seen = 0

    def __call__(self, x, batch_size=256):
        self.seen += len(x)
        f = x.float() / 255
        return torch.cat([f.mean((2, 3)), f.std((2, 3))], 1)


def test_disturbance_study_reuses_level_zero_and_bootstraps_steps():
    ref, pool = _imgs(60, seed=0), _imgs(50, seed=1)
    ext = _Counting()
    rows = disturbance_study(
        ref, pool, [ext], kinds=["gaussian_noise", "gaussian_blur"], seed=0, kid_subsets=2, progress=False, bootstrap=40
    )
    # level 0 of both kinds is the undisturbed pool: embedded once, not twice
    assert ext.seen == 60 + 50 * (1 + 3 + 3)
    assert all(len(r["fd_boot"]) == 40 for r in rows)
    zero = [r["fd"] for r in rows if r["level"] == 0]
    assert zero[0] == zero[1]
    steps = step_intervals(rows, "inception", "gaussian_noise")
    assert len(steps) == 3 and all(lo <= hi for lo, hi in steps)
    assert steps[-1][0] > 0  # heavy noise: the last step is a clear rise
    with pytest.raises(ValueError, match="fd_boot"):
        step_intervals([{k: v for k, v in r.items() if k != "fd_boot"} for r in rows], "inception", "gaussian_blur")


def test_rank_agreement_sees_order_not_scale():
    rows = [
        {"extractor": e, "kind": k, "level": lv, "fd": s * (lv + (k == "b"))}
        for e, s in (("inception", 1.0), ("good", 7.0))
        for k in ("a", "b")
        for lv in range(4)
    ]
    rows += [{"extractor": "bad", "kind": k, "level": lv, "fd": -lv} for k in ("a", "b") for lv in range(4)]
    assert rank_agreement(rows, "good") == pytest.approx(1.0)
    assert rank_agreement(rows, "bad", kind="a") == pytest.approx(-1.0)
    with pytest.raises(ValueError, match="at least 3"):
        rank_agreement(rows[:2], "good")


def test_jpeg_roundtrip_is_lossy_but_close():
    x = _imgs(4, size=32)
    y = jpeg_roundtrip(x, 75)
    assert y.shape == x.shape and y.dtype == torch.uint8 and not torch.equal(x, y)
    smooth = disturb(x, "gaussian_blur", 2.0)
    assert (jpeg_roundtrip(smooth, 95).float() - smooth.float()).abs().mean() < 3
    grey = x[:, :1]
    assert jpeg_roundtrip(grey).shape == grey.shape


def test_fast_frechet_paths_equal_the_direct_formula():
    import numpy as np

    from genrep.metrics.frechet import FrechetReference, feature_stats, fid_from_features, frechet_distance

    rng = np.random.default_rng(0)
    for na, nb, d in [(30, 200, 64), (200, 20, 64), (300, 400, 64), (10, 10, 64)]:
        a, b = rng.standard_normal((na, d)), rng.standard_normal((nb, d)) * 1.3 + 0.2
        with pytest.warns(UserWarning) if min(na, nb) < d else _nullcontext():
            want = frechet_distance(*feature_stats(a), *feature_stats(b))
        assert fid_from_features(a, b) == pytest.approx(want, rel=1e-6)
        with _quiet():
            assert FrechetReference.from_features(a).distance(b) == pytest.approx(want, rel=1e-6)


def test_min_cosine_distances_per_row():
    from genrep.metrics.mifid import mean_min_cosine_distance, min_cosine_distances

    g = torch.tensor([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]])
    r = torch.tensor([[1.0, 0.0], [0.0, -1.0]])
    d = min_cosine_distances(g, r)
    assert d.tolist() == pytest.approx([0.0, 0.0, 1 - 2**-0.5])
    assert mean_min_cosine_distance(g, r) == pytest.approx(float(d.mean()))


def _nullcontext():
    import contextlib

    return contextlib.nullcontext()


def _quiet():
    import warnings

    ctx = warnings.catch_warnings()
    ctx.__enter__()
    warnings.simplefilter("ignore")
    return _Exit(ctx)


class _Exit:
    def __init__(self, ctx):
        self.ctx = ctx

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.ctx.__exit__(*a)

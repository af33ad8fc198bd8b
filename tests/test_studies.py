"""Disturbances and the studies of the metrics chapter."""
import pytest
import torch

from genrep.metrics.disturbances import DISTURBANCES, disturb
from genrep.metrics.studies import disturbance_study, is_monotone, monotonicity, sample_size_study


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
    rows = disturbance_study(x[:100], x[100:], [_MeanColour()], kinds=["gaussian_noise", "salt_and_pepper"],
                             kid_subsets=5, progress=False)
    assert len(rows) == 8 and {r["kind"] for r in rows} == {"gaussian_noise", "salt_and_pepper"}
    mono = monotonicity(rows)
    assert mono[("toy", "salt_and_pepper")]  # S&P moves the pixel std steadily away from uniform noise's


def test_sample_size_study_fd_bias_falls_and_kid_centred():
    g = torch.Generator().manual_seed(0)
    ref = torch.randn(4000, 8, generator=g)
    shifted = torch.randn(2000, 8, generator=g) + 0.5
    rows = sample_size_study(ref, {"same": ref, "shifted": shifted}, [50, 200, 1000], repeats=4, kid_subsets=5,
                             progress=False)
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

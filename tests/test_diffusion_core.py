"""The shared diffusion processes: schedules, DDPM forward/reverse, rectified flow ODE."""

import math

import pytest
import torch

from genrep.diffusion import GaussianDiffusion, make_betas, rf_loss, rf_sample
from genrep.models.embeddings import sinusoidal_embedding


def test_schedules():
    lin = make_betas("linear", 1000)
    assert lin[0].item() == pytest.approx(1e-4) and lin[-1].item() == pytest.approx(0.02)
    assert torch.allclose(make_betas("linear_scaled", 1000), lin)
    s500 = make_betas("linear_scaled", 500)
    assert s500[0].item() == pytest.approx(2e-4) and s500[-1].item() == pytest.approx(0.04)
    abar_T = torch.cumprod(1 - s500, 0)[-1].item()
    assert math.log(abar_T) == pytest.approx(-10.1, abs=0.2)
    cos = make_betas("cosine", 1000)
    assert (cos > 0).all() and (cos <= 0.999).all()
    with pytest.raises(ValueError, match="unknown beta schedule"):
        make_betas("quadratic", 10)


def test_q_sample_moments():
    d = GaussianDiffusion(T=100)
    x0 = torch.full((20000, 1), 0.7)
    t = torch.full((20000,), 60, dtype=torch.long)
    xt = d.q_sample(x0, t)
    ab = d.alphas_bar[60].item()
    assert xt.mean().item() == pytest.approx(math.sqrt(ab) * 0.7, abs=0.02)
    assert xt.std().item() == pytest.approx(math.sqrt(1 - ab), abs=0.02)


def _oracle_eps(d, s):
    # for x0 ~ N(0, s^2): E[eps | x_t] = sqrt(1 - abar) x_t / (abar s^2 + 1 - abar)
    def model(x, t):
        ab = d.alphas_bar[t].reshape(-1, 1)
        return (1 - ab).sqrt() * x / (ab * s * s + 1 - ab)

    return model


@pytest.mark.parametrize("sigma_kind", ["beta", "beta_tilde"])
def test_ancestral_sampling_with_oracle_recovers_data_std(sigma_kind):
    torch.manual_seed(0)
    d = GaussianDiffusion(T=200, schedule="linear_scaled", sigma_kind=sigma_kind, clip_x0=False)
    x = d.sample(_oracle_eps(d, 0.5), (8000, 1), progress=False)
    assert x.std().item() == pytest.approx(0.5, rel=0.08)
    assert abs(x.mean().item()) < 0.03


def test_loss_is_small_for_oracle_and_large_for_zero():
    torch.manual_seed(0)
    d = GaussianDiffusion(T=100)
    x0 = 0.5 * torch.randn(4096, 1)
    oracle = d.loss(_oracle_eps(d, 0.5), x0).item()
    zero = d.loss(lambda x, t: torch.zeros_like(x), x0).item()
    assert oracle < zero - 0.05
    assert d.loss(_oracle_eps(d, 0.5), x0, reduction="none").shape == (4096,)


def _oracle_velocity(mu, s):
    def v(x, t):
        t = t.reshape(-1, 1)
        var = t * t * s * s + (1 - t) ** 2
        return mu + (t * s * s - (1 - t)) / var * (x - t * mu)

    return v


@pytest.mark.parametrize("method,nfe", [("euler", 100), ("heun", 15)])
def test_rf_sampler_transports_noise_to_data(method, nfe):
    torch.manual_seed(0)
    x0 = torch.randn(20000, 1)
    x1 = rf_sample(_oracle_velocity(2.0, 0.5), x0, nfe=nfe, method=method)
    assert x1.mean().item() == pytest.approx(2.0, abs=0.02)
    assert x1.std().item() == pytest.approx(0.5, rel=0.04)


def test_rf_loss_oracle_below_zero_predictor():
    torch.manual_seed(0)
    x1 = 2.0 + 0.5 * torch.randn(4096, 1)
    oracle = rf_loss(_oracle_velocity(2.0, 0.5), x1).item()
    zero = rf_loss(lambda x, t: torch.zeros_like(x), x1).item()
    assert oracle < zero * 0.5
    with pytest.raises(ValueError):
        rf_sample(_oracle_velocity(0, 1), x0=torch.zeros(2, 1), method="rk4")


def test_sinusoidal_embedding():
    e = sinusoidal_embedding(torch.tensor([0, 5, 999]), 32)
    assert e.shape == (3, 32)
    assert torch.allclose(e[0, :16], torch.zeros(16)) and torch.allclose(e[0, 16:], torch.ones(16))
    assert not torch.allclose(e[1], e[2])
    assert sinusoidal_embedding(torch.tensor([1.0]), 7).shape == (1, 7)


def test_clamp_xt_keeps_every_step_in_range_and_clip_x0_does_not():
    """The Monet chapter's two samplers: ref. [12]'s clamps each x_t to [-1, 1]; the thesis's clips only the
    predicted x0, so its chain (noise added after the mean) leaves [-1, 1]."""

    def wild(x, t):
        return 3 * torch.ones_like(x)  # an ε-network that pushes x0 far out of range

    kw = {"T": 50, "schedule": "linear_scaled"}
    ref = GaussianDiffusion(**kw, sigma_kind="beta_tilde", clip_x0=False, clamp_xt=True)
    thesis = GaussianDiffusion(**kw, sigma_kind="beta", clip_x0=True)

    def g():
        return torch.Generator().manual_seed(0)

    x_ref, kept = ref.sample(wild, (4, 3, 8, 8), generator=g(), progress=False, keep_every=1)
    assert all(k.abs().max() <= 1 for k in kept) and x_ref.abs().max() <= 1
    _, kept_t = thesis.sample(wild, (4, 3, 8, 8), generator=g(), progress=False, keep_every=1)
    assert max(float(k.abs().max()) for k in kept_t) > 1
    assert "clamp_xt=True" in repr(ref)

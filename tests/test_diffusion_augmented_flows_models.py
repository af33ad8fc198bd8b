"""U-Net, the variational bound, Diffused-Flows (Algorithms 1 and 2) and chunked, resumable training."""

import math

import pytest
import torch

from genrep.diffusion import GaussianDiffusion
from genrep.diffusion.vlb import prior_kl, vlb_estimate, vlb_loss, vlb_terms
from genrep.flows import MultiscaleFlow, dequantize
from genrep.models.diffused_flow import DiffusedFlow
from genrep.models.unet import DDPMUNet
from genrep.train import Checkpointer
from genrep.train.budget import train_for


def test_unet_ho_cifar10_parameter_count_and_shapes():
    assert sum(p.numel() for p in DDPMUNet(3, 128, (1, 2, 2, 2), 2, (16,), 0.1, 32).parameters()) == 35_746_307
    m = DDPMUNet(1, 16, (1, 2), 1, (8,), 0.0, 16)
    out = m(torch.randn(3, 1, 16, 16), torch.tensor([0, 5, 99]))
    assert out.shape == (3, 1, 16, 16)
    assert (out == 0).all()  # zero-initialised output conv (Ho et al.)
    with pytest.raises(ValueError, match="divisible"):
        DDPMUNet(1, 16, (1, 2, 2), 1, (), 0.0, 18)


def _oracle(d, s):
    def model(x, t):
        ab = d.alphas_bar[t].reshape(-1, *([1] * (x.ndim - 1)))
        return (1 - ab).sqrt() * x / (ab * s * s + 1 - ab)

    return model


def test_vlb_of_a_gaussian_matches_the_closed_form():
    torch.manual_seed(0)
    s = 0.5
    z0 = s * torch.randn(2000, 4)
    true = 0.5 * math.log(2 * math.pi * math.e * s * s)  # E[-log N(z0; 0, s^2)] per dim
    for sk, tol in [("beta", 0.02), ("beta_tilde", 1.5)]:
        d = GaussianDiffusion(T=500, schedule="linear_scaled", sigma_kind=sk, clip_x0=False)
        exact = vlb_estimate(d, _oracle(d, s), z0, n_t=None).mean().item() / 4
        assert true - 0.005 <= exact <= true + tol, (sk, exact, true)  # a bound, and tight for σ² = β
    d = GaussianDiffusion(T=100, schedule="linear_scaled", clip_x0=False)
    z0 = s * torch.randn(20000, 4)
    exact = vlb_estimate(d, _oracle(d, s), z0, n_t=None).mean().item()
    mc = vlb_estimate(d, _oracle(d, s), z0, n_t=8).mean().item()
    assert mc == pytest.approx(exact, rel=0.05)  # unbiased in t
    torch.manual_seed(3)
    one = vlb_loss(d, _oracle(d, s), z0[:8])
    torch.manual_seed(3)
    t = d.sample_t(8)
    assert torch.allclose(one, prior_kl(d, z0[:8]) + d.T * vlb_terms(d, _oracle(d, s), z0[:8], t))

    # a learned-variance model that picks σ² = β_t everywhere (v = +1) has the same bound as the fixed one
    def learned(x, t):
        return torch.cat([_oracle(d, s)(x, t), torch.ones_like(x)], 1)

    z_small = z0[:500]
    torch.manual_seed(5)
    fixed_b = vlb_estimate(d, _oracle(d, s), z_small, n_t=None)
    torch.manual_seed(5)
    learned_b = vlb_estimate(d, learned, z_small, n_t=None, learned_variance=True)
    assert torch.allclose(fixed_b, learned_b, rtol=1e-4, atol=1e-3)
    bad = vlb_estimate(d, lambda x, t: torch.zeros_like(x), z0, n_t=None).mean().item()
    assert bad > exact + 4 * 1.0  # a wrong model gets a looser bound
    assert prior_kl(d, torch.zeros(2, 3)).abs().max() < 1e-3


def _df(objective="thesis_fixed", **kw):
    torch.manual_seed(0)
    flow = MultiscaleFlow((1, 8, 8), levels=2, steps_per_level=1, hidden_channels=8, num_res_blocks=1)
    unet = DDPMUNet(1, 16, (1, 2), 1, (), 0.0, 8, out_channels=2 if objective == "hybrid" else None)
    return DiffusedFlow(flow, unet, GaussianDiffusion(50, "linear_scaled", clip_x0=False), objective, **kw)


@pytest.mark.parametrize("objective", ["thesis_printed", "thesis_fixed", "vlb", "hybrid"])
def test_diffused_flow_objectives_train_and_sample(objective):
    m = _df(objective)
    x = dequantize((torch.rand(16, 1, 8, 8) > 0.6).float() * 255)
    out = m.loss(x)
    assert set(out) >= {"loss", "loss_raw", "mse", "logdet", "latent_std"} and torch.isfinite(out["loss"])
    out["loss"].backward()
    assert any(p.grad is not None and p.grad.abs().sum() > 0 for p in m.flow.parameters())  # z0 not detached
    m.eval()
    b = m.nll_bound_bpd(x, n_t=2)
    nt = m.nll_thesis(x)
    assert b.shape == nt.shape == (16,) and torch.isfinite(b).all()
    xs, kept = m.sample(3, keep_every=5)
    assert xs.shape == (3, 1, 8, 8) and len(kept) == 10


def test_objective_signs():
    x = dequantize((torch.rand(8, 1, 8, 8) > 0.6).float() * 255)
    torch.manual_seed(1)
    a = _df("thesis_printed").loss(x)
    torch.manual_seed(1)
    b = _df("thesis_fixed").loss(x)
    D = 64
    # raw = MSE_sum ± logdet: the two readings differ by exactly 2·logdet
    assert (a["loss_raw"] - b["loss_raw"]).item() == pytest.approx(2 * a["logdet"].item() * D, rel=1e-4)
    with pytest.raises(ValueError, match="choose one of"):
        _df("bogus")
    m = _df("hybrid")
    m.unet = DDPMUNet(1, 16, (1, 2), 1, (), 0.0, 8)  # one output channel: no variance head
    with pytest.raises(ValueError, match="2×1 output channels"):
        m.loss(x)
    with pytest.raises(ValueError, match="clip_x0"):
        DiffusedFlow(_df().flow, _df().unet, GaussianDiffusion(10, clip_x0=True))


def test_thesis_nll_sits_below_the_bound():
    m = _df("thesis_fixed").eval()
    x = dequantize((torch.rand(32, 1, 8, 8) > 0.6).float() * 255)
    torch.manual_seed(0)
    assert m.nll_thesis(x).mean() < m.nll_bound_bpd(x, n_t=None).mean()


def _run(tmp_path, max_minutes, calls):
    torch.manual_seed(0)
    m = _df("thesis_fixed")
    opt = torch.optim.Adam(m.parameters(), lr=1e-3)
    data = dequantize((torch.rand(32, 1, 8, 8) > 0.6).float() * 255, generator=torch.Generator().manual_seed(0))

    def step(i):
        idx = torch.randint(0, 32, (8,))
        out = m.loss(data[idx])
        opt.zero_grad()
        out["loss"].backward()
        opt.step()
        return {"loss": out["loss"]}

    ck = Checkpointer(tmp_path / "ck.pt", every_minutes=None)
    results = []
    for _ in range(calls):
        results.append(
            train_for(
                step,
                total_steps=6,
                chunk_steps=2,
                checkpointer=ck,
                max_minutes=max_minutes,
                state={"m": m, "opt": opt},
                seed=0,
                progress=False,
                log_every=1,
            )
        )
    return m, results


def test_train_for_stops_at_max_minutes_and_resumes_identically(tmp_path):
    m1, r1 = _run(tmp_path / "a", None, 1)
    m2, r2 = _run(tmp_path / "b", 0, 3)  # three jobs of one chunk each
    assert r1[0][1] and [done for _, done in r2] == [False, False, True]
    for p, q in zip(m1.state_dict().values(), m2.state_dict().values(), strict=False):
        assert torch.equal(p, q)
    assert [h["loss"] for h in r1[0][0]] == [h["loss"] for h in r2[-1][0]]


def test_thesis_objectives_are_degenerate_in_opposite_directions():
    """Eq. 4.6 as printed rewards collapsing the flow's volume; the corrected sign rewards inflating it."""
    x = dequantize((torch.rand(64, 1, 8, 8) > 0.6).float() * 255, generator=torch.Generator().manual_seed(0))
    ends = {}
    for obj in ("thesis_printed", "thesis_fixed"):
        m = _df(obj)
        m.flow(x)
        opt = torch.optim.Adam(m.parameters(), lr=3e-3)
        lds = []
        for _ in range(25):
            out = m.loss(x[torch.randint(0, 64, (16,))])
            opt.zero_grad()
            out["loss"].backward()
            opt.step()
            lds.append(out["logdet"].item())
        ends[obj] = (lds[0], lds[-1])
    assert ends["thesis_printed"][1] < ends["thesis_printed"][0] - 2.0  # volume collapses (nats/dim)
    assert ends["thesis_fixed"][1] > ends["thesis_fixed"][0]  # volume grows

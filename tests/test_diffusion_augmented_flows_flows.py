"""genrep.flows: invertibility, log-determinants against brute-force Jacobians, the RQ spline, bits/dim."""

import math

import pytest
import torch

from genrep.flows import (
    ActNorm,
    CompositeTransform,
    InvConv1x1LU,
    MultiscaleFlow,
    Preprocess,
    RQSplineCoupling2d,
    Squeeze2x2,
    Transform,
    dequantize,
    gaussian_log_prob,
    quantize,
    rational_quadratic_spline,
    unconstrained_rational_quadratic_spline,
)


def _brute_logdet(t, x):
    """log|det| of the Jacobian of t at each example of x (float64), by autograd."""
    out = []
    shape = x.shape[1:]
    for xi in x:
        J = torch.autograd.functional.jacobian(lambda v: t(v.reshape(1, *shape))[0].reshape(-1), xi)
        out.append(torch.linalg.slogdet(J.reshape(xi.numel(), xi.numel()))[1])
    return torch.stack(out)


def _tiny_flow(**kw):
    cfg = {
        "in_shape": (1, 4, 4),
        "levels": 2,
        "steps_per_level": 2,
        "hidden_channels": 8,
        "num_res_blocks": 1,
        "num_bins": 4,
    }
    cfg.update(kw)
    torch.manual_seed(0)
    f = MultiscaleFlow(**cfg).double()
    f.train()
    f(torch.rand(16, *cfg["in_shape"], dtype=torch.float64) * 256)  # ActNorm data-dependent init
    with torch.no_grad():  # make the couplings non-trivial
        for m in f.modules():
            if isinstance(m, torch.nn.Conv2d):
                m.weight.add_(0.05 * torch.randn_like(m.weight))
    return f.eval()


def test_transform_contract_is_public():
    assert issubclass(MultiscaleFlow, Transform) and issubclass(RQSplineCoupling2d, Transform)


@pytest.mark.parametrize("layout", ["image", "flat_reshape"])
@pytest.mark.parametrize("multi_scale", [True, False])
def test_multiscale_flow_invertible_and_logdet_matches_autograd(layout, multi_scale):
    f = _tiny_flow(latent_layout=layout, multi_scale=multi_scale)
    x = torch.rand(3, 1, 4, 4, dtype=torch.float64) * 256
    z, ld = f(x)
    assert z.shape == x.shape
    x2, ld_inv = f.inverse(z)
    assert (x2 - x).abs().max() < 1e-4
    assert torch.allclose(ld, -ld_inv, atol=1e-6)
    assert torch.allclose(ld, _brute_logdet(f, x), atol=1e-6)
    assert ld.abs().max() > 1.0  # not a trivial identity


def test_layers_logdet_and_inverse():
    torch.manual_seed(1)
    x = torch.randn(2, 4, 2, 2, dtype=torch.float64)
    for t in [ActNorm(4), InvConv1x1LU(4, seed=3), Squeeze2x2(), RQSplineCoupling2d(4, 8, 1, num_bins=5)]:
        t = t.double()
        with torch.no_grad():
            for p in t.parameters():
                p.add_(0.3 * torch.randn_like(p))
        t.eval()
        y, ld = t(x)
        xr, ldi = t.inverse(y)
        assert (xr - x).abs().max() < 1e-6, type(t).__name__
        assert torch.allclose(ld, -ldi, atol=1e-8)
        assert torch.allclose(ld, _brute_logdet(t, x), atol=1e-6), type(t).__name__


def test_actnorm_data_dependent_init():
    a = ActNorm(3)
    x = torch.randn(64, 3, 4, 4) * torch.tensor([1.0, 5.0, 0.2]).view(1, 3, 1, 1) + 7
    y, _ = a(x)
    assert y.mean((0, 2, 3)).abs().max() < 1e-4 and (y.std((0, 2, 3)) - 1).abs().max() < 1e-3
    assert bool(a.initialized)
    y2, _ = a(x * 2)  # second call does not re-initialise
    assert not torch.allclose(y, y2)


def test_spline_inverse_and_derivative():
    torch.manual_seed(0)
    n, K = 500, 6
    w, h, d = (
        torch.randn(n, K, dtype=torch.float64),
        torch.randn(n, K, dtype=torch.float64),
        torch.randn(n, K - 1, dtype=torch.float64),
    )
    x = torch.linspace(-4, 4, n, dtype=torch.float64, requires_grad=True)  # covers both linear tails
    y, ld = unconstrained_rational_quadratic_spline(x, w, h, d, tail_bound=3.0)
    xr, ldi = unconstrained_rational_quadratic_spline(y, w, h, d, inverse=True, tail_bound=3.0)
    assert (xr - x).abs().max() < 1e-9 and (ld + ldi).abs().max() < 1e-9
    dy = torch.autograd.grad(y.sum(), x)[0]  # elementwise map: the gradient is dy/dx
    assert torch.allclose(ld.exp(), dy, rtol=1e-7)
    tails = x.detach().abs() > 3
    assert torch.equal(y[tails], x[tails]) and (ld[tails] == 0).all()
    ys, _ = unconstrained_rational_quadratic_spline(
        x.detach(), w[:1].expand(n, K), h[:1].expand(n, K), d[:1].expand(n, K - 1), tail_bound=3.0
    )
    assert (torch.diff(ys) > 0).all()  # one spline over a grid: monotone
    # knots: the bounded spline maps the interval endpoints to the endpoints
    e = torch.tensor([0.0, 1.0], dtype=torch.float64)
    ye, _ = rational_quadratic_spline(e, w[:2], h[:2], torch.randn(2, K + 1, dtype=torch.float64))
    assert torch.allclose(ye, e, atol=1e-12)
    with pytest.raises(ValueError, match="outside"):
        rational_quadratic_spline(torch.tensor([1.5]), w[:1], h[:1], torch.randn(1, K + 1))


def test_dequantize_quantize_roundtrip_and_bits():
    x = torch.randint(0, 256, (4, 1, 4, 4), dtype=torch.uint8)
    xd = dequantize(x, 8)
    assert ((xd - x.float()) >= 0).all() and ((xd - x.float()) < 1).all()
    assert torch.equal(quantize(xd, 8), x)
    assert torch.equal(quantize(dequantize(x, 5), 5), (x // 8) * 8)
    with pytest.raises(ValueError, match="num_bits"):
        dequantize(x, 9)


def test_bits_per_dim_of_a_known_gaussian():
    """A flow that standardises exactly a Gaussian: the measured bpd must equal the closed form."""
    torch.manual_seed(0)
    mu, sd = 127.0, 20.0
    x_int = (mu + sd * torch.randn(4000, 1, 4, 4)).round().clamp(0, 255)
    x = dequantize(x_int, 8)
    act = ActNorm(1)
    with torch.no_grad():  # after Preprocess: y = x/256 - 0.5; z = (y - m) / s
        m, s = (mu + 0.5) / 256 - 0.5, sd / 256
        act.bias.fill_(-m)
        act.log_scale.fill_(-math.log(s))
        act.initialized.fill_(True)
    flow = CompositeTransform([Preprocess(8), act]).eval()
    z, ld = flow(x)
    bpd = (-(gaussian_log_prob(z) + ld) / (16 * math.log(2))).mean().item()
    # closed form: E[-log N(x; mu+0.5, sd^2)] in integer units, per dim, in bits
    v = ((x - mu - 0.5) ** 2).mean().item()
    expected = (0.5 * math.log(2 * math.pi * sd**2) + v / (2 * sd**2)) / math.log(2)
    assert bpd == pytest.approx(expected, rel=1e-5)
    assert bpd == pytest.approx(0.5 * math.log2(2 * math.pi * math.e * sd**2), abs=0.01)  # ≈ 6.37 bits


def test_nsf_bits_per_dim_falls_when_trained():
    torch.manual_seed(0)
    f = MultiscaleFlow((1, 8, 8), levels=2, steps_per_level=1, hidden_channels=8, num_res_blocks=1)
    x_int = (torch.rand(64, 1, 8, 8) > 0.7).float() * 255  # binary-ish images
    opt = torch.optim.Adam(f.parameters(), lr=3e-3)
    first = None
    for _ in range(30):
        loss = f.bits_per_dim(dequantize(x_int)).mean()
        first = first if first is not None else loss.item()
        opt.zero_grad()
        loss.backward()
        opt.step()
    f.eval()
    assert loss.item() < first - 0.3 and loss.item() < 8
    s = f.sample(4)
    assert s.shape == (4, 1, 8, 8) and torch.isfinite(s).all()


def test_bad_arguments():
    with pytest.raises(ValueError, match="latent_layout"):
        MultiscaleFlow((1, 8, 8), levels=1, latent_layout="bogus")
    with pytest.raises(ValueError, match="divisible"):
        MultiscaleFlow((1, 12, 12), levels=3)


# --- issue 34: the premises and decisions of 06_summary's claims ---------------------------------------------


def test_cifar_still_falling_is_a_trend_on_the_held_out_bound_with_the_thesis_length_as_premise():
    from genrep.report.papers.diffusion_augmented_flows import still_falling_trend

    c, premise = still_falling_trend({"450": 4.10, "475": 4.05, "500": 4.00}, 500)
    assert (c.test, c.decision, premise[1]) == ("trend", "replicated", True)
    assert still_falling_trend({"450": 4.00, "475": 4.05, "500": 4.10}, 500)[0].decision == "not replicated"
    assert still_falling_trend({"40": 4.10, "45": 4.05, "50": 4.00}, 50)[1][1] is False  # 50 of 500 epochs


def test_dequantize_draws_on_the_generators_device(monkeypatch):
    """02_nsf_baseline dequantises GPU batches with a CPU generator; torch raises on CUDA when the two differ.
    The check below plays CUDA's part on any machine: the images sit on the meta device."""
    import genrep.flows.preprocess as pre

    real_rand = torch.rand

    def strict_rand(*shape, generator=None, device=None, **kw):
        if generator is not None and torch.device(device or "cpu") != generator.device:
            raise RuntimeError(f"generator on {generator.device} but noise requested on {device}")
        return real_rand(*shape, generator=generator, device=device, **kw)

    monkeypatch.setattr(pre.torch, "rand", strict_rand)
    x = torch.full((2, 1, 4, 4), 7, dtype=torch.uint8, device="meta")
    out = pre.dequantize(x, 8, torch.Generator().manual_seed(0))
    assert out.device.type == "meta" and out.shape == x.shape
    cpu = pre.dequantize(torch.full((2, 1, 4, 4), 7, dtype=torch.uint8), 8, torch.Generator().manual_seed(0))
    assert ((cpu >= 7) & (cpu < 8)).all()


def test_loss_claims_need_a_settled_curve_unless_already_below_the_band():
    from genrep.report.papers.diffusion_augmented_flows import loss_claim, settled

    falling, flat = [2.0, 1.8, 1.6, 1.5, 1.4, 1.3, 1.2, 1.1, 1.0, 0.9], [1.5, 1.2] + [1.05, 1.04, 1.05, 1.06] * 2
    assert settled(falling, 0.002)[0] is False and settled(flat, 0.002)[0] is True
    assert settled([1.2, 1.1], 0.01)[0] is None  # too few points to tell
    c, premise = loss_claim(1.03, 0.1, 1.05, 0.01, flat, 0.002)
    assert (c.test, c.decision, premise[1]) == ("tolerance", "replicated", True)
    c, premise = loss_claim(1.03, 0.1, 1.05, 0.01, falling, 0.002)  # in the band, but still falling: not testable
    assert c.decision == "replicated" and premise[1] is False and "still falling" in premise[0]
    c, premise = loss_claim(1.03, 0.1, 0.70, 0.01, falling, 0.002)  # below the band: training only lowers it
    assert c.decision == "not replicated" and premise[1] is True


def test_nsf_fast_on_a_cpu_cannot_refute_and_fid_order_needs_recognisable_samples():
    from genrep.report.papers.diffusion_augmented_flows import fid_order, nsf_fast

    c, premise = nsf_fast([2.0, 2.1, 2.05], on_gpu=False)
    assert c.decision == "not replicated" and premise[1] is False  # slower than 1 s on a CPU: not evidence
    assert nsf_fast([0.3, 0.31, 0.29], on_gpu=False)[1][1] is True
    boot = [0.0, 1.0, -1.0, 0.5]
    recs = [{"value": v, "boot": [v + b for b in boot]} for v in (206.0, 289.0, 161.0)]
    c, premise = fid_order(recs)
    assert c.decision == "not replicated" and premise[1] is False and c.family == "all"


def test_celeba_test_images_are_never_training_images():
    from genrep.flows.preprocess import CELEBA_N, celeba_split_indices

    tr, te = celeba_split_indices(CELEBA_N)
    assert (len(tr), len(te)) == (162_770, 19_962)  # the official partition; validation unused
    assert tr.max() < te.min() and te.max() == CELEBA_N - 1
    for n in (2, 32, 1000):
        tr, te = celeba_split_indices(n, seed=3)
        assert len(tr) + len(te) == n and len(te) >= 1 and not set(tr.tolist()) & set(te.tolist())
    assert torch.equal(celeba_split_indices(1000, seed=3)[1], celeba_split_indices(1000, seed=3)[1])
    with pytest.raises(ValueError, match="at least 2"):
        celeba_split_indices(1)


def test_true_fid_bootstrap_is_paired_on_the_real_side():
    """Two arms scored against the same real images draw the same real-side resamples (same seed)."""
    from genrep.metrics.sampling import true_fid

    g = torch.Generator().manual_seed(0)
    real = torch.randint(0, 256, (24, 1, 16, 16), generator=g, dtype=torch.uint8)
    near = real.clone()
    far = torch.randint(0, 64, (24, 1, 16, 16), generator=g, dtype=torch.uint8)
    a = true_fid(near, real, ("randconv",), n_boot=20, seed=1, device="cpu")["randconv"]
    b = true_fid(far, real, ("randconv",), n_boot=20, seed=1, device="cpu")["randconv"]
    assert a["metric"] == "FD-randconv" and a["n_fake"] == a["n_real"] == 24 and len(a["boot"]) == 20
    assert a["value"] < 1e-6 < b["value"]  # identical sets score 0; a different set does not
    assert min(b["boot"]) > max(a["boot"])
    with pytest.raises(ValueError, match="at least 2"):
        true_fid(near[:1], real, ("randconv",), n_boot=2)

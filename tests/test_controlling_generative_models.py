"""Tests of the controlling_generative_models chapter's library: procedural data, the AVAE family, the
latent-direction machinery and the capacity formula."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from genrep.control import (
    blurred_mse,
    dssim,
    fit_direction,
    invert,
    learn_direction,
    mse,
    project_ball,
    recursive_trajectories,
    trajectory_stats,
    translate,
    traverse,
    zoom,
)
from genrep.control.capacity import p_no_overload, p_no_overload_mc
from genrep.control.directions import impose_distribution
from genrep.control.disk import disk, gradient_norm_vs_distance
from genrep.control.evaluation import control_precision
from genrep.control.trajectories import naive_inversion, recursive_inversion
from genrep.data import dsprites as ds
from genrep.data.scenes import multi_dsprites, textured_shapes
from genrep.data.toy2d import toy_data
from genrep.losses.avae import latent_loss
from genrep.models.betavae import BetaVAE
from genrep.models.cond_gan import CondGenerator, ProjDiscriminator
from genrep.runtime import Stopwatch
from genrep.systems.avae import fit_framework, image_framework, toy_framework
from genrep.train import Checkpointer, count_params

# ------------------------------------------------------------------------------------------ data


def test_dsprites_grid_is_exact_and_indexing_round_trips():
    assert ds.DSPRITES_GRID == (3, 6, 40, 32, 32) and ds.N_IMAGES == 737_280
    i = np.array([0, 1, 12345, ds.N_IMAGES - 1])
    f = ds.index_to_factors(i)
    assert (ds.factors_to_index(f) == i).all()
    assert tuple(f[-1]) == (2, 5, 39, 31, 31)
    v = ds.factor_values(f)
    assert v["scale"][-1] == 1.0 and v["scale"][0] == 0.5 and math.isclose(v["orientation"][-1], 2 * math.pi)
    with pytest.raises(ValueError):
        ds.index_to_factors(ds.N_IMAGES)
    with pytest.raises(ValueError):
        ds.factor_values(np.array([[3, 0, 0, 0, 0]]))


def test_dsprites_images_are_binary_deterministic_and_positioned():
    x1, f1 = ds.dsprites_sample(64, seed=3)
    x2, f2 = ds.dsprites_sample(64, seed=3)
    assert x1.shape == (64, 1, 64, 64) and x1.dtype == torch.uint8
    assert torch.equal(x1, x2) and (f1 == f2).all()
    assert set(x1.unique().tolist()) <= {0, 255}
    g = np.tile([0, 5, 0, 0, 16], (8, 1))
    g[:, 3] = np.arange(0, 32, 4)
    bx, by, _ = ds.barycentre(ds.dsprites_images(g))
    assert (bx[1:] > bx[:-1]).all() and by.std() < 0.01  # x moves right, y stays
    small, big = ds.dsprites_images(np.array([[0, 0, 0, 16, 16], [0, 5, 0, 16, 16]]))
    assert big.float().sum() > 3 * small.float().sum()  # scale 1 vs 0.5: 4× the area
    with pytest.raises(ValueError):
        ds.dsprites_sample(2, fixed={"colour": 1})


def test_textured_shapes_factors_match_masks():
    d = textured_shapes(64, size=32, seed=1)
    assert d["images"].shape == (64, 3, 32, 32) and d["masks"].shape == (64, 1, 32, 32)
    bx, by, _ = ds.barycentre(d["masks"])
    assert np.corrcoef(bx, d["x"])[0, 1] > 0.9 and np.corrcoef(by, d["y"])[0, 1] > 0.9
    assert torch.equal(textured_shapes(8, 32, seed=1)["images"], textured_shapes(8, 32, seed=1)["images"])
    assert set(textured_shapes(32, 32, classes=[10, 11])["labels"].tolist()) <= {10, 11}
    with pytest.raises(ValueError):
        textured_shapes(4, classes=[25])


def test_multi_dsprites_counts_and_boxes():
    d = multi_dsprites(32, size=64, seed=0, max_objects=3)
    assert d["images"].shape == (32, 3, 64, 64)
    assert ((d["counts"] >= 1) & (d["counts"] <= 3)).all()
    assert (d["visible"] <= d["counts"]).all() and d["visible"].float().mean() > 1
    t = d["tight"]
    present = t[..., 2] > t[..., 0]
    assert (t[present][:, 2] > t[present][:, 0]).all() and (t[present][:, 3] > t[present][:, 1]).all()


# ------------------------------------------------------------------------------------- AVAE family


def test_latent_losses_vanish_at_their_optimum():
    z = torch.randn(16, 5)
    ls = torch.log(torch.full((1, 5), 0.3))
    assert latent_loss("a", z, z, ls) < 1e-10
    assert latent_loss("b", math.sqrt(1 - 0.09) * z, z, ls) < 1e-8
    assert latent_loss("b", z, z, ls) > 0.01
    assert latent_loss("code", z, z, ls) < 1e-10
    with pytest.raises(ValueError):
        latent_loss("c", z, z, ls)


@pytest.mark.parametrize("kind", ["vae", "gan", "vaegan", "bigan", "avae"])
def test_every_framework_trains_and_samples(kind):
    torch.manual_seed(0)
    fw = image_framework(kind, 1, 32, 4, latent_dim=8, xi_dim=4)
    x = torch.rand(8, 1, 32, 32) * 2 - 1
    before = {k: [p.clone() for p in n.parameters()] for k, n in fw.nets.items()}
    out = fw.step(x)
    assert all(torch.isfinite(v) for v in out.values())
    for k, n in fw.nets.items():  # every network got updated
        assert any(not torch.equal(a, b) for a, b in zip(before[k], n.parameters(), strict=False)), k
    assert fw.sample(3).shape == (3, 1, 32, 32)
    rec = fw.reconstruct(x)
    assert (rec is None) == (kind == "gan")


def test_avae_encoder_gets_no_gradient_from_the_generator_loss():
    torch.manual_seed(0)
    av = image_framework("avae", 1, 32, 4, latent_dim=8, xi_dim=4)
    va = image_framework("vae", 1, 32, 4, latent_dim=8)
    va.nets["E"].load_state_dict(av.nets["E"].state_dict())
    va.nets["D"].load_state_dict(av.nets["D"].state_dict())
    x = torch.rand(8, 1, 32, 32) * 2 - 1
    torch.manual_seed(1)
    av.step(x)
    torch.manual_seed(1)
    va.step(x)
    for a, b in zip(av.nets["E"].parameters(), va.nets["E"].parameters(), strict=False):
        assert torch.allclose(a, b, atol=1e-6)


def test_unknown_framework_or_loss_is_a_clear_error():
    with pytest.raises(ValueError, match="valid"):
        image_framework("wgan", 1, 32, 4)
    with pytest.raises(ValueError, match="valid"):
        image_framework("avae", 1, 32, 4, latent_loss_kind="z")
    with pytest.raises(ValueError):
        image_framework("vae", 1, 48, 4)


def test_killed_and_resumed_training_equals_uninterrupted(tmp_path):
    data = toy_data(512, seed=0)

    def run(path, crash_at=None):
        torch.manual_seed(0)
        fw = toy_framework("avae", stochastic=True, hidden=16)
        calls = {"n": 0}

        def nb():
            calls["n"] += 1
            if crash_at is not None and calls["n"] > crash_at:
                raise RuntimeError("simulated kill")
            return data[torch.randint(len(data), (32,))]

        from genrep.train import train_loop

        def step(_):
            return {k: v.detach() for k, v in fw.step(nb()).items()}

        train_loop(
            step,
            total_steps=20,
            state=fw.state(),
            progress=False,
            seed=0,
            checkpointer=Checkpointer(path, every_minutes=None, every_steps=5),
        )
        return fw

    straight = run(tmp_path / "a.pt")
    with pytest.raises(RuntimeError, match="simulated kill"):
        run(tmp_path / "b.pt", crash_at=12)
    resumed = run(tmp_path / "b.pt")
    for k in straight.nets:
        for a, b in zip(straight.nets[k].parameters(), resumed.nets[k].parameters(), strict=False):
            assert torch.equal(a, b)
    # and fit_framework wires the same loop
    fw = toy_framework("vae", hidden=16)
    hist = fit_framework(fw, lambda: data[torch.randint(len(data), (32,))], 4, tmp_path / "c.pt", log_every=1)
    assert len(hist) == 4 and (tmp_path / "c.pt").exists()


def test_model_sizes():
    assert count_params(BetaVAE()) == 502_005  # Table 4.2 with the Dense-512 fix
    x = torch.rand(2, 1, 64, 64)
    v = BetaVAE()
    assert v.decode(v.encode(x)[0]).shape == x.shape
    g = CondGenerator(n_classes=4, width=4, size=32)
    y = torch.tensor([0, 3])
    img = g(torch.randn(2, 120), y)
    assert img.shape == (2, 3, 32, 32) and g.latent_dim == 120
    assert ProjDiscriminator(4, 4, 32)(img, y).shape == (2,)


# ------------------------------------------------------------------------------ control machinery


def test_losses_and_masks():
    a = torch.rand(2, 3, 32, 32) * 2 - 1
    assert mse(a, a).abs().max() < 1e-12 and dssim(a, a).abs().max() < 1e-6
    b = a.clone()
    b[:, :, :, :8] = -a[:, :, :, :8]
    m = torch.ones(2, 1, 32, 32)
    m[..., :8] = 0
    assert mse(a, b, m).abs().max() < 1e-12 and mse(a, b).min() > 0
    assert blurred_mse(a, b, m).abs().max() < 1e-12
    # the blurred loss shrinks high-frequency differences far more than low-frequency ones
    i = torch.arange(32)
    checker = (((i[:, None] + i[None, :]) % 2) * 2 - 1).float().expand(1, 1, 32, 32)
    ramp = torch.linspace(-1, 1, 32).expand(1, 1, 32, 32)
    z = torch.zeros(1, 1, 32, 32)
    assert blurred_mse(checker, z) / mse(checker, z) < 0.1 * blurred_mse(ramp, z) / mse(ramp, z)


def test_blurred_mse_code_mode_leaks_masked_pixels_narrows_the_kernel_and_uses_the_batch_mask():
    from genrep.control.losses import gaussian_kernel, recon_loss

    a = torch.rand(2, 3, 32, 32) * 2 - 1
    b = a.clone()
    b[:, :, :, :8] = -a[:, :, :, :8]  # differences only where the mask is 0
    m = torch.ones(2, 1, 32, 32)
    m[..., :8] = 0
    # ours ignores the undefined pixels; the code's variant blurs them into the kept ones
    assert blurred_mse(a, b, m).abs().max() < 1e-12
    assert (blurred_mse(a, b, m, mode="code") > 1e-4).all()
    assert torch.equal(recon_loss("blur_mse_code", a, b, m), blurred_mse(a, b, m, mode="code"))

    # kernel grid: step size/(size - 1) px, so the effective σ is σ·(size - 1)/size (2.83 px for σ = 3, untruncated)
    def sd(k):
        k1 = k.sum(0)
        r = torch.arange(len(k1)) - (len(k1) - 1) / 2
        return float(((k1 * r**2).sum() / k1.sum()).sqrt())

    big = 60  # a wide kernel, so that truncation does not hide the grid's effect
    ratio = sd(gaussian_kernel(3.0, big, grid="code")) / sd(gaussian_kernel(3.0, big))
    assert abs(ratio - (big - 1) / big) < 1e-3
    assert len(gaussian_kernel(3.0, grid="code")) == 18
    # the code divides every example by the batch-mean mask, ours by its own
    c = a.clone()
    c[:, :, :, 8:] += 0.1
    m2 = m.clone()
    m2[1] = 1.0  # the second example is fully defined
    ours, code = blurred_mse(a, c, m2), blurred_mse(a, c, m2, mode="code")
    from genrep.control.losses import blur

    blur_sq = blur(a - c, 3.0, grid="code") ** 2
    expect0 = (blur_sq[0] * m2[0]).mean() / m2.mean()
    assert torch.allclose(code[0], expect0, rtol=1e-5)
    assert not torch.allclose(ours[0] / ours[1], code[0] / code[1], rtol=1e-3)
    with pytest.raises(ValueError, match="mode"):
        blurred_mse(a, c, m2, mode="paper")
    with pytest.raises(ValueError, match="grid"):
        gaussian_kernel(3.0, grid="odd")


def test_framework_evaluation_reuses_given_reference_features_and_checks_their_count():
    from genrep.metrics import get_extractor
    from genrep.systems.avae import evaluate_framework, image_framework

    torch.manual_seed(0)
    fw = image_framework("vae", 1, 32, 8, 8, 0)
    ext = get_extractor("randconv", "cpu")
    x = torch.rand(16, 1, 32, 32) * 2 - 1
    feats = ext((x + 1) / 2)
    a = evaluate_framework(fw, x[:8], x, 16, ext, seed=0)
    b = evaluate_framework(fw, x[:8], x, 16, ext, seed=0, real_features=feats)
    assert a["fd"] == pytest.approx(b["fd"], rel=1e-5)
    c = evaluate_framework(fw, x[:8], x, 16, ext, seed=0, real_features=feats.flip(1))
    assert c["fd"] != pytest.approx(a["fd"], rel=1e-3)  # the given features are the ones used
    with pytest.raises(ValueError, match="eval_n"):
        evaluate_framework(fw, x[:8], x, 16, ext, seed=0, real_features=feats[:8])


def test_transforms_shift_by_whole_pixels_with_masks():
    x = torch.zeros(1, 1, 16, 16)
    x[0, 0, 5, 5] = 1
    y, m = translate(x, dx=0.25)
    assert y[0, 0, 5, 9] == 1 and y.sum() == 1
    assert m[0, 0, :, :4].sum() == 0 and m[0, 0, :, 4:].min() == 1
    _, mz = zoom(torch.rand(1, 1, 16, 16), -0.5)
    assert 0 < mz.mean() < 1


def test_projection_and_inversion():
    z = torch.randn(5, 10) * 5
    assert torch.allclose(project_ball(z).norm(dim=1), torch.full((5,), math.sqrt(10)))
    small = torch.randn(5, 10) * 0.1
    assert torch.equal(project_ball(small), small)
    torch.manual_seed(0)
    W = torch.randn(10, 3 * 8 * 8)

    def G(z):
        return torch.tanh(z @ W / 5).view(-1, 3, 8, 8)

    target = G(torch.randn(4, 10) * 0.5)
    z0 = torch.randn(4, 10)
    _, l0 = invert(G, target, loss="mse", steps=1, lr=0.0, z0=z0)
    zh, l1 = invert(G, target, loss="mse", steps=200, lr=0.05, z0=z0)
    assert (l1 < 0.2 * l0).all() and (zh.norm(dim=1) <= math.sqrt(10) + 1e-5).all()


def test_disk_gradient_vanishes_and_recursion_fixes_it():
    g = gradient_norm_vs_distance([2.0, 25.0], "mse")
    assert g[1] < 1e-2 * g[0]
    assert gradient_norm_vs_distance([25.0], "blur_mse", sigma=5)[0] > 100 * g[1]

    def G(z):
        return disk(32 + z * 16, size=64)

    z0 = torch.zeros(1, 2)
    zn, _, _ = naive_inversion(G, z0, "x", 0.3, steps=100, lr=0.1, loss="mse")
    zr, curve = recursive_inversion(G, z0, "x", 0.3, 10, 10, lr=0.1, loss="mse")
    assert abs(zr[0, 0].item() * 16 - 19.2) < 2 and abs(zn[0, 0].item() * 16) < 5
    assert curve[-1] < 0.1 * curve[0]


def test_direction_model_recovers_a_planted_direction():
    torch.manual_seed(0)
    d = 8
    u = torch.nn.functional.normalize(torch.randn(d), dim=0)
    z0 = torch.randn(600, d)
    step = torch.randn(600) * 0.8
    z = z0 + step[:, None] * u + 0.05 * torch.randn(600, d)

    def g(s):
        return 0.5 * torch.erf(s / math.sqrt(2))

    dt = g(z @ u) - g(z0 @ u)
    model, hist = fit_direction(z0, z, dt, epochs=40, lr=1e-2, seed=0)
    assert torch.dot(model.u, u) > 0.95 and hist[-1] < 0.6 * hist[0]
    s = torch.linspace(-2, 2, 9)
    gs = model.g_of_s(s)
    assert (gs[1:] >= gs[:-1] - 1e-6).all()  # monotone
    zq = impose_distribution(torch.randn(2000, d), model, lambda p: -0.2 + 0.4 * p)  # Eq. 4.15
    t = model.g_of_s(zq @ model.u)
    assert abs(t.min() + 0.2) < 0.02 and abs(t.max() - 0.2) < 0.02 and abs(t.std() - 0.4 / math.sqrt(12)) < 0.01
    zs = traverse(torch.randn(3, d), u, [-1.0, 0.0, 2.0])
    assert torch.allclose(zs[:, 0] @ u, torch.tensor([-1.0, 0.0, 2.0]), atol=1e-5)


def test_recursive_trajectories_drop_the_worst_tenth():
    torch.manual_seed(0)
    W = torch.randn(6, 1 * 8 * 8)

    def G(z):
        return torch.tanh(z @ W).view(-1, 1, 8, 8)

    tr = recursive_trajectories(
        G, torch.randn(10, 6), "brightness", [0.1, 0.2], steps_per_target=5, lr=0.05, loss="mse", progress=False
    )
    assert tr["z"].shape == (40, 6) and sorted({round(v, 4) for v in tr["dt"].tolist()}) == [-0.2, -0.1, 0.1, 0.2]
    assert int(tr["keep"].sum()) == 36


def test_control_precision_summaries():
    a = np.linspace(-3, 3, 7)
    vals = 0.4 * np.tanh(a)[:, None] + 0.01 * np.random.default_rng(0).standard_normal((7, 50))
    c = control_precision(a, vals)
    assert c["spearman"] > 0.9 and c["mean_std"] < 0.02 and c["erf_rmse"] < c["linear_rmse"]


def test_poisson_capacity_formula():
    assert math.isclose(float(p_no_overload(8, 16, 1)), math.exp(-0.5) ** 16 * 1.5**16, rel_tol=1e-9)
    assert abs(p_no_overload(8, 4, 4) - p_no_overload_mc(8, 4, 4, trials=5000)) < 0.02
    n = np.linspace(1, 40, 20)
    assert (p_no_overload(n, 16, 4) >= p_no_overload(n, 64, 1)).all()


# --- issue 34: premises, split claims and the one-commit guard of 08_summary -----------------------------------


def test_spectrum_halves_and_toy_decide_on_intervals():
    from genrep.report.papers.controlling_generative_models import below_value, near_value, toy_on_data

    assert below_value({"mnist": [0.10, 0.12, 0.11]}, 0.5).decision == "replicated"
    assert near_value({"mnist": [0.43, 0.45, 0.44]}, 1.0, 0.25).decision == "not replicated"  # VAE-like AVAE
    c, premise = toy_on_data({"det": ([-3.0], [-3.5])}, {"det": 0.03})
    assert c.decision == "inconclusive" and premise[1] is True  # one toy seed: no interval, never 'replicated'
    assert toy_on_data({"det": ([-3.0, -3.1], [-3.5, -3.6])}, {"det": 0.5})[1][1] is False  # samples off the data


def test_inversion_and_table_3_1_premises():
    from genrep.report.papers.controlling_generative_models import gan_renders, sigma_good, t31_trained

    assert gan_renders(0.086)[1] is False and gan_renders(0.01)[1] is True
    assert t31_trained({"mnist": {"gan": [416.0, 346.0, 341.0], "vae": [208.0, 174.0, 182.0]}})[1] is False
    with pytest.raises(ValueError, match="larger σ"):
        sigma_good({1.0: [1.0, 1.1], 3.0: [1.0, 1.2]})


def test_beta_vae_claims_refuse_seeds_from_two_commits(tmp_path):
    import json as _json

    from genrep.report.summary import same_commit

    for arm, commit in (("06_beta_vae-beta1-s0", "aaa"), ("06_beta_vae-beta5-s0", "bbb")):
        (tmp_path / arm).mkdir()
        rec = {"notebook": "06_beta_vae", "git": {"commit": commit}, "params": {"seed": 0, "train_steps": 1000}}
        (tmp_path / arm / "run.json").write_text(_json.dumps(rec))
    with pytest.raises(ValueError, match="different commits"):
        same_commit([tmp_path / "06_beta_vae-beta1-s0", tmp_path / "06_beta_vae-beta5-s0"])


def test_learn_direction_times_the_trajectories_and_fits_on_the_kept_points():
    torch.manual_seed(0)
    W = torch.randn(6, 1 * 8 * 8)

    def G(z):
        return torch.tanh(z @ W).view(-1, 1, 8, 8)

    clock = Stopwatch("cpu")
    model, hist, tr = learn_direction(
        G, torch.randn(10, 6), "brightness", [0.1, 0.2], 5, lr=0.05, sigma=1.0, discard_frac=0.1, epochs=5,
        seed=0, stopwatch=clock,
    )  # fmt: skip
    assert clock.summary()["trajectories"]["images"] == 10 * 2 * 2 * 5
    assert trajectory_stats(tr)["points"] == 40 and trajectory_stats(tr)["kept"] == 36
    assert len(hist) == 5 and model.u.shape == (6,)

"""Tests of the rectified_flow_cars library pieces: SynthCars, raters, RF-UNet / ConvVAE / TimeMLP,
GMM prior, active units, selection, set metrics, and resume of the velocity-field trainer."""

import numpy as np
import pytest
import torch

from genrep.data.rated_cars import load_rated_cars
from genrep.data.raters import dominant_color_family, image_utility, to_rating
from genrep.data.synthcars import images_sha256, make_synthcars, sample_car_specs
from genrep.metrics.regression import regression_report
from genrep.metrics.sample_sets import (
    mean_pairwise_cosine_distance,
    near_duplicate_clusters,
    nn_distance_ratio,
    vendi_score,
)
from genrep.metrics.sharpness import high_freq_energy, laplacian_variance
from genrep.models.active_units import active_unit_stats, embed_subset, top_active_dims
from genrep.models.blocks import Down, LayerNorm2d, Up, make_norm
from genrep.models.conv_vae import ConvVAE, beta_vae_loss
from genrep.models.gmm import GMMPrior
from genrep.models.preference import PreferenceRegressor, score_images, select_top_k
from genrep.models.rf_unet import RectifiedFlowUNet
from genrep.models.time_mlp import TimeMLP
from genrep.systems.rectified_flow_cars import sample_rf_latents, train_velocity_field
from genrep.train import Checkpointer, count_params


def test_model_sizes_match_the_spec():
    assert count_params(RectifiedFlowUNet()) == 10_414_275  # spec §3.1: ≈10.4 M
    assert abs(count_params(RectifiedFlowUNet()) - 10.4e6) / 10.4e6 < 0.01
    assert abs(count_params(ConvVAE()) - 9.5e6) / 9.5e6 < 0.01  # spec §3.2: ≈9.5 M
    assert abs(count_params(TimeMLP(18)) - 0.85e6) / 0.85e6 < 0.02  # spec §3.4: ≈0.85 M
    assert count_params(PreferenceRegressor()) == 11_177_025  # ResNet18 with a 1-output head


def test_unet_shapes_zero_head_and_time_dependence():
    m = RectifiedFlowUNet(base_ch=8, ch_mult=(1, 2, 4))
    x = torch.randn(2, 3, 24, 32)
    assert torch.equal(m(x, torch.rand(2)), torch.zeros_like(x))  # zero-initialised head
    torch.nn.init.normal_(m.head.weight)
    a, b = m(x, torch.zeros(2)), m(x, torch.ones(2))
    assert a.shape == x.shape and not torch.allclose(a, b)
    with pytest.raises(ValueError, match="divisible"):
        m(torch.randn(1, 3, 25, 32), torch.rand(1))


def test_blocks_resolution_and_norms():
    x = torch.randn(2, 8, 12, 16)
    assert Down(8, 16)(x).shape == (2, 16, 6, 8)
    assert Up(8, 4)(x).shape == (2, 4, 24, 32)
    ln = LayerNorm2d(8)(x)
    assert torch.allclose(ln.mean(1), torch.zeros(2, 12, 16), atol=1e-5)
    with pytest.raises(ValueError, match="valid: layer"):
        make_norm("batchnorm", 8)


def test_vae_loss_reductions():
    vae = ConvVAE(image_size=(24, 32), base_ch=8, ch_mult=(1, 2, 4), latent_dim=6)
    x = torch.rand(3, 3, 24, 32)
    x_hat, mu, logvar = vae(x)
    assert x_hat.shape == x.shape and 0 <= x_hat.min() and x_hat.max() <= 1
    _, r_sum, k_sum = beta_vae_loss(x_hat, x, mu, logvar, 0.1, "sum", "sum")
    _, r_mean, k_mean = beta_vae_loss(x_hat, x, mu, logvar, 0.1, "mean", "mean")
    assert torch.allclose(r_sum, r_mean * 3 * 24 * 32) and torch.allclose(k_sum, k_mean * 6)
    with pytest.raises(ValueError, match="recon_reduction"):
        beta_vae_loss(x_hat, x, mu, logvar, 0.1, "batch", "sum")


def test_synthcars_deterministic_and_rating_scale():
    a, da = make_synthcars(300, "train", 24, 32)
    b, db = make_synthcars(300, "train", 24, 32)
    c, _ = make_synthcars(300, "test", 24, 32)
    assert a.dtype == torch.uint8 and a.shape == (300, 3, 24, 32)
    assert images_sha256(a) == images_sha256(b) != images_sha256(c)
    assert da.equals(db)
    specs = sample_car_specs(6000, 0)
    assert abs((specs.body == "sedan").mean() - 0.30) < 0.03
    # sports cars are re-weighted towards warm colours (the colour↔type confound)
    warm = specs.color.isin(["red", "orange", "yellow"])
    assert warm[specs.body == "sports"].mean() > 2 * warm[specs.body != "sports"].mean()
    from genrep.data.raters import rate_synthcars

    r = rate_synthcars(specs, seed=0)
    assert r.moira.between(1, 10).all() and abs(r.moira.mean() - 3) < 0.3 and abs(r.moira.std() - 1.6) < 0.3
    assert r.moira.max() >= 8
    top = specs.loc[r.sort_values("moira", ascending=False).index[:20]]
    assert top.color.isin(["red", "orange", "yellow", "silver"]).mean() >= 0.7


def test_image_oracle_prefers_saturated_red_over_grey():
    img = torch.full((2, 3, 24, 32), 200, dtype=torch.uint8)
    img[0, :, 8:18, 4:28] = torch.tensor([220, 30, 30], dtype=torch.uint8)[:, None, None]
    img[1, :, 8:18, 4:28] = 100
    u = image_utility(img)
    assert u[0] > u[1] + 1
    assert dominant_color_family(img) == ["red", "gray"]
    assert list(to_rating([-10, 0, 10], 0, 1)) == [1, 3, 10]


def test_rated_cars_errors_and_splits():
    with pytest.raises(ValueError, match="valid: synthcars, cars"):
        load_rated_cars("cifar10")
    with pytest.raises(ValueError, match="unknown SynthCars split"):
        load_rated_cars("synthcars", "validation", n=4)
    d = load_rated_cars("cars", "train", height=24, width=32)
    t = load_rated_cars("cars", "test", height=24, width=32)
    assert d.images.shape[1:] == (3, 24, 32) and len(d.images) + len(t.images) == 793
    assert d.ratings.moira.between(1, 10).all()


def test_gmm_bic_and_sampling():
    r = np.random.default_rng(0)
    x = np.concatenate([r.normal(m, 0.1, (200, 2)) for m in (-3, 0, 3)])
    p = GMMPrior.fit(x, "bic", k_grid=[1, 3, 5], n_init=1)
    assert p.k == 3 and set(p.bic_table) == {1, 3, 5}
    s = p.sample(100, seed=1)
    assert s.shape == (100, 2) and np.allclose(sorted(np.round(p.gmm.means_[:, 0])), [-3, 0, 3])
    with pytest.raises(ValueError, match="'bic' or a positive int"):
        GMMPrior.fit(x, 0)


def test_active_units():
    r = np.random.default_rng(0)
    mu = r.normal(0, 1, (500, 6)) * np.array([1, 0.01, 2, 0.001, 0.5, 0.0])
    st = active_unit_stats(mu)
    assert st["active"] == 3
    assert list(top_active_dims(st, 2)) == [0, 2]
    assert list(top_active_dims(st, "auto")) == [0, 2, 4]
    z = embed_subset(np.ones((4, 2)), [0, 2], 6)
    assert z.shape == (4, 6) and z[:, [1, 3, 4, 5]].sum() == 0


def test_top_k_ascending_best_last_and_scoring():
    s = np.array([0.1, 5.0, 3.0, 5.0, -1.0])
    assert list(select_top_k(s, 3)) == [2, 3, 1]
    m = PreferenceRegressor(width=8)
    out = score_images(m, torch.zeros(5, 3, 24, 32, dtype=torch.uint8), batch_size=2)
    assert out.shape == (5,)


def test_set_metrics():
    e = torch.eye(8, dtype=torch.float64)
    assert vendi_score(e) == pytest.approx(8)
    assert vendi_score(torch.ones(8, 4)) == pytest.approx(1)
    assert mean_pairwise_cosine_distance(e) == pytest.approx(1)
    n, _lab = near_duplicate_clusters(torch.cat([torch.ones(3, 4), e[:3, :4]]).numpy(), threshold=0.05)
    assert n == 4
    tr = np.random.default_rng(0).normal(size=(50, 5))
    assert np.allclose(nn_distance_ratio(tr[:5], tr), 0, atol=1e-6)
    assert nn_distance_ratio(tr[:5] + 100, tr).min() > 1
    sharp = (torch.rand(4, 3, 24, 32) * 255).to(torch.uint8)
    blur = torch.nn.functional.avg_pool2d(sharp.float(), 3, 1, 1).to(torch.uint8)
    assert (laplacian_variance(blur) < laplacian_variance(sharp)).all()
    assert (high_freq_energy(blur) < high_freq_energy(sharp)).all()
    rep = regression_report([1, 2, 3, 4], [1.1, 2.2, 2.9, 4.2])
    assert rep["spearman"] == pytest.approx(1) and rep["rmse"] < 0.2


class _Crashy(TimeMLP):
    crash_at = None

    def forward(self, z, t):
        self.calls = getattr(self, "calls", 0) + 1
        if self.crash_at is not None and self.calls == self.crash_at:
            raise RuntimeError("simulated crash")
        return super().forward(z, t)


def test_velocity_field_trainer_resumes_exactly(tmp_path):
    data = torch.randn(64, 3) * torch.tensor([1.0, 2.0, 0.5]) + 1
    kw = {"steps": 12, "batch_size": 16, "lr": 1e-2, "warmup_steps": 3, "ema_decay": 0.9, "seed": 3, "log_every": 1}
    torch.manual_seed(0)
    ema_a, hist_a, _ = train_velocity_field(TimeMLP(3, hidden=16, depth=2), data, **kw)

    path = tmp_path / "rf.ckpt"
    torch.manual_seed(0)
    crashy = _Crashy(3, hidden=16, depth=2)
    crashy.crash_at = 9
    with pytest.raises(RuntimeError, match="simulated crash"):
        train_velocity_field(crashy, data, checkpoint=Checkpointer(path, every_steps=5), **kw)
    assert Checkpointer(path).load()["step"] == 5
    torch.manual_seed(99)  # a different init: everything must come from the checkpoint
    ema_c, hist_c, _ = train_velocity_field(
        TimeMLP(3, hidden=16, depth=2), data, checkpoint=Checkpointer(path, every_steps=5), **kw
    )
    assert hist_c == hist_a
    for a, c in zip(ema_a.module.state_dict().values(), ema_c.module.state_dict().values(), strict=False):
        assert torch.equal(a, c)
    z = sample_rf_latents(ema_c.module, 10, 3, nfe=4)
    assert z.shape == (10, 3) and torch.isfinite(z).all()


def test_to_rect_crops_to_the_aspect_ratio():
    from PIL import Image

    from genrep.data.rated_cars import _to_rect

    a = np.zeros((100, 300, 3), np.uint8)
    a[:, 100:200] = 255  # a white centre third: the crop keeps the middle 4:3 window
    out = np.asarray(_to_rect(Image.fromarray(a), 24, 32))
    assert out.shape == (24, 32, 3)
    assert out[:, 0].max() < 10 and out[:, 16].min() > 245  # left edge black, centre white
    tall = np.asarray(_to_rect(Image.fromarray(np.zeros((400, 100, 3), np.uint8)), 96, 128))
    assert tall.shape == (96, 128, 3)


# --- issue 13 (5): the A9 check and the real-vs-real FD floor of 06_summary ------------------------------------


def test_a9_collapse_check_is_strict():
    from genrep.report.papers.rectified_flow_cars import collapse_decision

    assert collapse_decision(64, {"mean": 20, "beta1": 50}, 0.1).decision == "replicated"  # both drop ≥ 6.4 units
    assert collapse_decision(64, {"mean": 64, "beta1": 64}, 0.1).decision == "not replicated"  # nothing collapses
    assert collapse_decision(64, {"mean": 0, "beta1": 60}, 0.1).decision == "not replicated"  # one drops 4 units
    assert collapse_decision(10, {"mean": 9}, 0.1).decision == "inconclusive"  # exactly at max(1, 10 %)
    with pytest.raises(ValueError):
        collapse_decision(64, {}, 0.1)


def test_h2_extrapolates_the_max_to_the_reports_n():
    from genrep.report.papers.rectified_flow_cars import compression_decision, extrapolated_max

    ext = extrapolated_max(4.5, 4.0, 500, 16000)
    assert ext > 4.5  # more samples only raise the max
    assert extrapolated_max(4.5, 4.0, 500, 500) == 4.5
    c = compression_decision(4.5, ext, 9, 4.4 / 9, 0.21)
    assert c.test == "tolerance" and c.interval[0] == 0.5 and c.interval[1] == ext / 9
    with pytest.raises(ValueError):
        extrapolated_max(4.5, 4.0, 500, 100)


def test_h3_band_width_does_not_depend_on_the_seen_range_alone():
    from genrep.report.papers.rectified_flow_cars import H9, band_width_decision

    top = [4.28, 4.2, 4.15, 4.1, 4.06, 4.02, 4.0, 3.97, 3.94, 3.91]
    c = band_width_decision(top, 0.37, 0.63)
    lo, hi = c.interval
    assert lo < c.difference < hi and c.difference == pytest.approx(
        H9 * sum(j * (top[j - 1] - top[j]) for j in range(1, 10)) / 9
    )
    with pytest.raises(ValueError):
        band_width_decision(top[:9], 0.37, 0.63)


def test_fd_floor_needs_equal_n():
    from genrep.report.guards import fd_floor_comparable

    ok, note = fd_floor_comparable([256, 256, 256], 128)
    assert not ok and "N = 128" in note and "256" in note
    ok, note = fd_floor_comparable([256, 256], 256)
    assert ok


def test_cars_split_counts_and_train_only_calibration():
    """635 train / 158 held-out photos; the rating scale comes from the training photos alone."""
    from genrep.data.raters import rate_images

    d = load_rated_cars("cars", "train", height=24, width=32)
    t = load_rated_cars("cars", "test", height=24, width=32)
    assert (len(d.images), len(t.images)) == (635, 158)
    cal = d.ratings.attrs["calibration"]
    assert cal["n"] == 635
    x = torch.cat([d.images, t.images])
    train_mask = np.r_[np.ones(635, bool), np.zeros(158, bool)]
    on_train = rate_images(x, calibrate_on=train_mask).attrs["calibration"]
    on_all = rate_images(x).attrs["calibration"]
    # the held-out photos shift the scale when they are used, and do not when they are masked out
    assert on_all["mean"] != pytest.approx(on_train["mean"], abs=1e-6)
    on_train_only = rate_images(d.images).attrs["calibration"]
    assert on_train["sd"] > 0 and on_train_only["n"] == 635
    # masking the held-out photos gives exactly the scale of the training photos rated alone
    assert on_train["mean"] == pytest.approx(on_train_only["mean"]) and on_train["sd"] == pytest.approx(
        on_train_only["sd"]
    )
    with pytest.raises(ValueError, match="boolean mask"):
        rate_images(x, calibrate_on=np.zeros(len(x), bool))


def test_fd_table_pairs_methods_and_scores_the_floor_at_equal_n():
    from genrep.metrics import get_extractor
    from genrep.metrics.fd_bootstrap import fd_bootstrap, score_fd_table
    from genrep.report.intervals import combine, compare_boot, compare_spearman, spearman_interval

    g = torch.Generator().manual_seed(0)
    ref = torch.randint(0, 256, (40, 3, 16, 16), generator=g, dtype=torch.uint8)
    held = torch.randint(0, 256, (12, 3, 16, 16), generator=g, dtype=torch.uint8)
    near = torch.randint(0, 256, (30, 3, 16, 16), generator=g, dtype=torch.uint8)
    far = torch.randint(0, 40, (30, 3, 16, 16), generator=g, dtype=torch.uint8)
    t = score_fd_table(
        {"near": near, "far": far}, ref, held, get_extractor("randconv", "cpu"), n=24, n_boot=30, seed=3, progress=False
    )
    assert t["metric"] == "FD-randconv" and t["n_eq"] == 12 and t["n_reference"] == 40
    assert set(t["methods"]) == {"near", "far", "held-out (real)"}
    assert "value" not in t["methods"]["held-out (real)"] and t["methods"]["held-out (real)"]["eq"]["n_fake"] == 12
    assert t["methods"]["near"]["n_fake"] == 24 and t["methods"]["near"]["eq"]["n_fake"] == 12
    c = compare_boot(t["methods"]["near"], t["methods"]["far"])
    assert c.decision == "replicated" and c.interval[1] < 0
    assert compare_boot(t["methods"]["far"], t["methods"]["near"]).decision == "not replicated"
    # the same set against itself: the paired difference is exactly 0 in every replicate -> not "<" decided
    ff = np.random.default_rng(0).normal(size=(20, 4))
    a, b = fd_bootstrap(ff, ff[::-1], 10, seed=1), fd_bootstrap(ff, ff[::-1], 10, seed=1)
    assert a["boot"] == b["boot"] and compare_boot(a, b).decision == "inconclusive"
    assert combine([c, compare_boot(t["methods"]["far"], t["methods"]["near"])]).decision == "not replicated"
    assert combine([c, compare_boot(a, b)]).decision == "inconclusive"
    lo, hi = spearman_interval(0.1, 30)
    assert lo < 0 < hi and compare_spearman(0.1, 30).decision == "inconclusive"
    assert compare_spearman(0.5, 500).decision == "replicated"
    with pytest.raises(ValueError, match="at least 2"):
        fd_bootstrap(ff[:1], ff, 5)

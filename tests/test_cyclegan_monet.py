"""Tests of the cyclegan_monet chapter's library parts: models (with the spec's parameter counts),
CutMix and reconstruction losses, top-k, LR schedule, post-processing, scoring, the two-domain stand-in,
the CycleGAN trainer (resume after a crash, output-as-input) and the loader's corrupt-file handling."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from PIL import Image

from genrep.diffusion import GaussianDiffusion
from genrep.losses.cutmix import (
    consistency_literal,
    cutmix,
    cutmix_mask,
    cutmix_probability,
    unet_d_loss,
    unet_g_loss,
)
from genrep.losses.reconstruction import better_cycle_loss, cycle_l1
from genrep.metrics.image_change import least_changed, mean_abs_change
from genrep.metrics.submission import postprocess
from genrep.models.double_unet import DoubleUNet, double_unet_loss
from genrep.models.patchgan import PatchGAN, patchgan_output_size
from genrep.models.pix2pix import Pix2PixUNet
from genrep.models.simple_unet import DeepFindrUNet
from genrep.models.unet_discriminator import UNetDiscriminator
from genrep.train import count_params
from genrep.train.schedules import LinearDecay, linear_decay
from genrep.train.topk import topk_k, topk_mean

# ------------------------------------------------------------------------------------------- models


def test_pix2pix_generator_has_54_4_million_parameters_at_256():
    g = Pix2PixUNet(ngf=64, n_down=8)
    n = count_params(g)
    assert round(n / 1e6, 1) == 54.4 and n == 54_414_531
    # the three innermost up blocks have dropout, the others not; the output is tanh
    drops = [isinstance(u.drop, torch.nn.Dropout) for u in g.ups]
    assert drops == [True, True, True, False, False, False, False]


def test_pix2pix_small_shapes_range_and_divisibility():
    g = Pix2PixUNet(ngf=8, n_down=5).eval()
    y = g(torch.randn(2, 3, 32, 32))
    assert y.shape == (2, 3, 32, 32) and y.abs().max() <= 1
    with pytest.raises(ValueError, match="divisible"):
        g(torch.randn(1, 3, 48, 48))
    with pytest.raises(ValueError, match="norm must be one of"):
        Pix2PixUNet(norm="layer")


def test_patchgan_15x15_default_and_30x30_variant():
    d15 = PatchGAN()
    assert d15(torch.randn(1, 3, 256, 256)).shape == (1, 1, 15, 15)
    assert round(count_params(d15) / 1e6, 2) == 2.77
    d30 = PatchGAN(n_down=3, final_stride1_layers=2)
    assert d30(torch.randn(1, 3, 256, 256)).shape == (1, 1, 30, 30)
    assert patchgan_output_size(256) == 15 and patchgan_output_size(256, 3, 2) == 30
    small = PatchGAN(ndf=8, n_down=2)
    assert small(torch.randn(2, 3, 32, 32)).shape == (2, 1, 7, 7) == (2, 1, patchgan_output_size(32, 2), 7)
    assert small.features(torch.randn(1, 3, 32, 32), 2).shape == (1, 16, 8, 8)


def test_unet_discriminator_global_and_pixel_logits():
    d = UNetDiscriminator(ndf=8, n_down=5)
    g, p = d(torch.randn(3, 3, 32, 32))
    assert g.shape == (3,) and p.shape == (3, 1, 32, 32)


def test_simple_unet_has_62_4_million_parameters_and_uses_time():
    assert count_params(DeepFindrUNet()) == 62_438_883
    m = DeepFindrUNet((8, 16, 32), time_emb_dim=16).eval()
    x = torch.randn(2, 3, 16, 16)
    a, b = m(x, torch.tensor([0, 0])), m(x, torch.tensor([40, 40]))
    assert a.shape == x.shape and not torch.allclose(a, b)


def test_double_unet_loss_shares_t_and_noise_and_reduces_to_two_ddpm_losses():
    torch.manual_seed(0)
    diff = GaussianDiffusion(T=50)
    gm, gp = DoubleUNet((8, 16), 8), DoubleUNet((8, 16), 8)
    m, p = torch.rand(4, 3, 8, 8) * 2 - 1, torch.rand(4, 3, 8, 8) * 2 - 1
    t, eps = torch.randint(0, 50, (4,)), torch.randn(4, 3, 8, 8)
    total0, _parts = double_unet_loss(diff, gm, gp, m, p, lambda_mid=0.0, t=t, noise=eps)
    ref = diff.loss(gm, m, t=t, noise=eps) + diff.loss(gp, p, t=t, noise=eps)
    assert torch.allclose(total0, ref)
    total1, parts1 = double_unet_loss(diff, gm, gp, m, p, lambda_mid=1.0, t=t, noise=eps)
    h_p = gp(diff.q_sample(p, t, eps), t, return_mid=True)[1]
    h_m = gm(diff.q_sample(m, t, eps), t, return_mid=True)[1]
    cross = F.l1_loss(h_p, diff.q_sample(m, t, eps)) + F.l1_loss(h_m, diff.q_sample(p, t, eps))
    assert torch.allclose(total1 - total0, cross) and torch.allclose(parts1["mid_l1"], cross)
    total1.backward()
    assert all(q.grad is not None for q in list(gm.u1.parameters()) + list(gp.u1.parameters()))
    with pytest.raises(ValueError, match="pair up"):
        double_unet_loss(diff, gm, gp, m, p[:2])


# ------------------------------------------------------------------------------------------- losses


def test_cutmix_mask_is_a_box_with_varying_area():
    torch.manual_seed(0)
    mk = cutmix_mask(200, 16, 16)
    assert mk.shape == (200, 1, 16, 16) and set(mk.unique().tolist()) <= {0.0, 1.0}
    area = mk.mean((1, 2, 3))
    assert area.min() < 0.1 and area.max() > 0.8 and 0.35 < area.mean() < 0.65
    for k in range(5):  # each mask is one axis-aligned rectangle
        ys, xs = torch.nonzero(mk[k, 0], as_tuple=True)
        if len(ys):
            assert len(ys) == (ys.max() - ys.min() + 1) * (xs.max() - xs.min() + 1)
    real, fake = torch.ones(1, 3, 4, 4), torch.zeros(1, 3, 4, 4)
    m = torch.zeros(1, 1, 4, 4)
    m[..., :2, :] = 1
    assert torch.equal(cutmix(real, fake, m)[0, 0], m[0, 0])
    assert (
        cutmix_probability(0, 100) == 0 and cutmix_probability(50, 100) == 0.25 and cutmix_probability(500, 100) == 0.5
    )


def test_eq_3_1_literal_consistency_is_l1_real_fake_for_any_binary_mask():
    torch.manual_seed(1)
    real, fake = torch.randn(4, 3, 16, 16), torch.randn(4, 3, 16, 16)
    for _ in range(3):
        mk = cutmix_mask(4, 16, 16)
        assert torch.allclose(consistency_literal(real, fake, mk), F.l1_loss(real, fake))


@pytest.mark.parametrize("kind", ["classical+cutmix", "schonfeld"])
def test_unet_d_and_g_losses(kind):
    torch.manual_seed(0)
    d = UNetDiscriminator(ndf=4, n_down=4)
    real, fake = torch.randn(2, 3, 16, 16), torch.randn(2, 3, 16, 16)
    loss, parts = unet_d_loss(d, real, fake, kind, use_cutmix=True)
    assert torch.isfinite(loss) and "d_cutmix" in parts
    assert ("d_consistency" in parts) == (kind == "schonfeld")
    per = unet_g_loss(d, fake, kind, reduction="none")
    assert per.shape == (2,) and torch.allclose(per.mean(), unet_g_loss(d, fake, kind))
    with pytest.raises(ValueError, match="unet_loss must be one of"):
        unet_g_loss(d, fake, "wgan")


def test_better_cycles_reduces_to_cycle_l1_at_gamma_one():
    d = PatchGAN(ndf=4, n_down=2)
    real, recon = torch.randn(2, 3, 16, 16), torch.randn(2, 3, 16, 16, requires_grad=True)

    def feat(x):
        return d.features(x, 2)

    assert torch.allclose(better_cycle_loss(real, recon, feat, 1.0), cycle_l1(real, recon))
    mixed = better_cycle_loss(real, recon, feat, 0.5)
    assert not torch.allclose(mixed, cycle_l1(real, recon))
    with pytest.raises(ValueError):
        better_cycle_loss(real, recon, feat, 1.5)


# ------------------------------------------------------------------------------ top-k, schedules, pp


def test_topk_schedule_and_selection():
    assert topk_k(32, 0.5, start_epoch=1) == 32  # off before the start epoch
    assert topk_k(32, 1.0, start_epoch=1) == 32  # γ^0 · B
    assert topk_k(32, 2.0, start_epoch=1) == 31  # ⌊0.99 · 32⌋
    assert topk_k(32, 200, start_epoch=1) == 24  # the floor ⌈0.75 · 32⌉
    assert topk_k(1, 100) == 1
    v = torch.tensor([5.0, 1.0, 3.0, 2.0])
    assert topk_mean(v, 2) == 1.5 and topk_mean(v, 10) == v.mean()
    with pytest.raises(ValueError):
        topk_k(32, 3, nu=0)


def test_linear_decay_schedule():
    f = LinearDecay(100, 50)
    assert f(0) == f(49) == 1.0 and f(75) == 0.5 and f(100) == 0.0
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=2.0)
    sch = linear_decay(opt, 10, 5)
    lrs = []
    for _ in range(10):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sch.step()
    assert lrs[:6] == [2.0] * 6 and lrs[-1] == pytest.approx(0.4)
    with pytest.raises(ValueError):
        LinearDecay(10, 11)


def test_postprocess_filters():
    torch.manual_seed(0)
    x = torch.randint(0, 256, (3, 3, 16, 16), dtype=torch.uint8)
    assert torch.equal(postprocess(x, "none"), x)
    den = postprocess(x, "denoise")
    assert den.shape == x.shape and den.dtype == torch.uint8 and not torch.equal(den, x)
    assert den.float().std() < x.float().std()  # a median filter removes salt-and-pepper variance
    assert not torch.equal(postprocess(x, "denoise+sharpen"), den)
    with pytest.raises(ValueError, match="postprocess must be one of"):
        postprocess(x, "blur")


def test_least_changed_images():
    x = torch.zeros(4, 3, 8, 8, dtype=torch.uint8)
    y = x.clone()
    y[0] += 100
    y[2] += 10
    y[3] += 50
    assert least_changed(x, y, 2).tolist() == [1, 2]
    assert mean_abs_change(x, y)[0] == pytest.approx(100 / 255)


def test_submission_score_penalises_copies_of_the_reference():
    from genrep.metrics import get_extractor
    from genrep.metrics.submission import jpeg_roundtrip, score_submission

    torch.manual_seed(0)
    ref = F.interpolate(torch.rand(40, 3, 4, 4) * 255, size=(32, 32), mode="bilinear").round().to(torch.uint8)
    rt = jpeg_roundtrip(ref, 95)
    assert rt.shape == ref.shape and 0 < (rt.float() - ref.float()).abs().mean() < 3
    ext = [get_extractor("randconv", "cpu")]
    copies = score_submission(ref, ref, ext)["randconv"]
    noise = score_submission(torch.randint(0, 256, (40, 3, 32, 32), dtype=torch.uint8), ref, ext)["randconv"]
    assert copies["distance"] < 0.1 and copies["mifid"] > 10 * copies["fd"] - 1e-9
    assert noise["distance"] > copies["distance"] and noise["fd"] > copies["fd"]
    assert noise["mifid"] == pytest.approx(noise["fd"] / (noise["distance_thr"] + 1e-14))
    assert noise["metric"] == "MiFD-randconv"


# ---------------------------------------------------------------------------------------------- data


def test_two_domain_standin_is_deterministic_with_oracle_and_bricks():
    from genrep.data.standins.two_domain import style_operator, two_domain_standin

    a, b = two_domain_standin(64, 8, 8, seed=3), two_domain_standin(64, 8, 8, seed=3)
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert a["photos"].shape == (64, 3, 32, 32) and a["reference"].shape == (8, 3, 32, 32)
    assert 0 < int(a["bricks"].sum()) < 20
    s = style_operator(a["photos"].float() / 255)
    assert torch.equal((s * 255).round().to(torch.uint8), a["oracle"])
    assert len(torch.unique(a["oracle"])) <= 6  # 6-level posterisation


def test_loader_skips_a_corrupt_photo_and_names_it(tmp_path):
    from genrep.data.loaders import _decode_all

    items = []
    for i in range(3):
        p = tmp_path / f"photo_{i}.jpg"
        Image.fromarray(np.full((40, 40, 3), 60 * i, np.uint8)).save(p)
        items.append((p.name, p))
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 this is not a jpeg")
    items.insert(1, (bad.name, bad))
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = _decode_all(items, 16, 3, "decoding photos")
    msgs = [str(x.message) for x in w]
    assert out.shape == (3, 3, 16, 16)
    assert [int(o[0, 0, 0]) for o in out] == [0, 60, 120]
    assert any("broken.jpg" in m and "skipped" in m for m in msgs)
    assert any("skipped 1 of 4 files" in m for m in msgs)


# ------------------------------------------------------------------------------------------- training


def _tiny_cfg(**kw):
    from genrep.systems.cyclegan_monet import CycleGANConfig

    base = {
        "img_size": 16,
        "ngf": 4,
        "ndf": 4,
        "d_n_down": 2,
        "max_steps": 12,
        "epochs": 4,
        "buffer_size": 4,
        "batch_size": 2,
    }
    base.update(kw)
    return CycleGANConfig(**base)


def test_cyclegan_config_validates_names():
    from genrep.systems.cyclegan_monet import CycleGANConfig

    with pytest.raises(ValueError, match="disc must be one of"):
        CycleGANConfig(disc="stylegan")
    with pytest.raises(ValueError, match="oai_stage1_epochs"):
        CycleGANConfig(output_as_input=True, oai_stage1_epochs=17, epochs=17)
    with pytest.raises(ValueError, match="bc_layer"):
        CycleGANConfig(better_cycles=True, bc_layer=5)


def test_cyclegan_killed_midway_resumes_to_the_same_result(tmp_path):
    from genrep.systems.cyclegan_monet import train_cyclegan

    torch.manual_seed(0)
    photos = torch.randint(0, 256, (12, 3, 16, 16), dtype=torch.uint8)
    monets = torch.randint(0, 256, (5, 3, 16, 16), dtype=torch.uint8)
    cfg = _tiny_cfg(output_as_input=True, oai_stage1_epochs=1, topk=True, topk_start_epoch=0)
    full = train_cyclegan(cfg, photos, monets, tmp_path / "a.ckpt", progress=False, log_every=1, seed=3)
    assert full.photos.stage == 2 and not torch.equal(full.photos.images, photos)  # OAI replaced the photos

    def crash(i):
        if i == 8:
            raise RuntimeError("simulated crash")

    path = tmp_path / "b.ckpt"
    with pytest.raises(RuntimeError, match="simulated crash"):
        train_cyclegan(cfg, photos, monets, path, progress=False, log_every=1, seed=3, every_steps=5, after_step=crash)
    resumed = train_cyclegan(cfg, photos, monets, path, progress=False, log_every=1, seed=3)
    assert resumed.history == full.history
    for name, net in full.model.nets.items():
        for a, b in zip(net.state_dict().values(), resumed.model.nets[name].state_dict().values(), strict=False):
            assert torch.equal(a, b), name
    assert torch.equal(resumed.photos.images, full.photos.images)
    out = resumed.translate(photos[:3])
    assert out.shape == (3, 3, 16, 16) and out.dtype == torch.uint8


@pytest.mark.parametrize(
    "kw",
    [
        {"disc": "unet", "unet_loss": "schonfeld", "lambda_cr": 1.0, "cr_mode": "dout"},
        {"disc": "unet", "lambda_cr": 1.0},
        {"better_cycles": True, "bc_layer": 2},
        {"lambda_id": 0.0, "buffer_size": 0},
    ],
)
def test_cyclegan_variants_train_with_finite_losses(kw):
    from genrep.systems.cyclegan_monet import train_cyclegan

    photos = torch.randint(0, 256, (8, 3, 16, 16), dtype=torch.uint8)
    run = train_cyclegan(_tiny_cfg(max_steps=4, **kw), photos, photos.flip(-1), progress=False, log_every=1)
    assert len(run.history) == 4 and all(np.isfinite(v) for v in run.history[-1].values())


# ---------------------------------------------------------------------------------- reporting helpers


def test_traced_flops_match_the_spec_on_the_meta_device():
    from genrep.report.architecture import count_flops, trace_blocks

    with torch.device("meta"):
        g, d, s = Pix2PixUNet(), PatchGAN(), DeepFindrUNet()
        x = torch.empty(1, 3, 256, 256)
        assert round(count_flops(g, x) / 1e9, 1) == 12.1
        assert round(count_flops(d, x) / 1e9, 1) == 3.3
        assert round(count_flops(s, torch.empty(1, 3, 128, 128), torch.zeros(1, dtype=torch.long)) / 1e9, 1) == 45.8
        rows = trace_blocks(g, x, groups={"down": g.downs, "up": g.ups})
    assert [r["out"][-1] for r in rows if r["group"] == "down"] == [128, 64, 32, 16, 8, 4, 2, 1]
    assert rows[-1]["out"] == (64, 128, 128)


def test_strip_roundtrip_and_unpaired_loader_choices(tmp_path):
    from genrep.data.unpaired import load_photo2monet
    from genrep.report.strips import load_strip, save_strip

    x = torch.randint(0, 256, (5, 3, 16, 16), dtype=torch.uint8)
    assert torch.equal(load_strip(save_strip(tmp_path / "s.png", x)), x)
    task = load_photo2monet("procedural", size=16, n_photo=20, seed=0)
    assert task.source == "stand-in" and "STAND-IN" in task.title and task.ref_name == "heldout64"
    assert task.photos.shape == (20, 3, 16, 16) and task.oracle.shape == task.photos.shape
    with pytest.raises(ValueError, match="data_source must be one of"):
        load_photo2monet("monet")


# --- issue 13 (5): each comparison of 05_summary chooses its own judging metric --------------------------------


def test_each_comparison_chooses_its_own_metric():
    from genrep.report.guards import judge_metric, lower_on_own_metric

    a = [{"mifid": 50.0, "fd": 40.0, "distance": 0.3}]
    b = [{"mifid": 60.0, "fd": 30.0, "distance": 0.2}]
    penalised = [{"mifid": 900.0, "fd": 45.0, "distance": 0.05}]  # d < 0.1: MiFID is a ratio FD/d
    assert judge_metric([0.3, 0.2]) == "mifid" and judge_metric([0.3, 0.05]) == "fd"
    assert lower_on_own_metric(a, b) == (True, 50.0, 60.0, "mifid")  # no penalty among these two arms
    assert lower_on_own_metric(a, penalised) == (True, 40.0, 45.0, "fd")
    assert lower_on_own_metric(b, a)[0] is False
    assert lower_on_own_metric(a, [])[0] is None
    # a penalty elsewhere (solution 1) does not change the metric of a solution-2 comparison
    s2_van = [{"mifid": 70.0, "fd": 20.0, "distance": 0.4}, {"mifid": 72.0, "fd": 22.0, "distance": 0.4}]
    s2_dunet = [{"mifid": 65.0, "fd": 25.0, "distance": 0.4}, {"mifid": 67.0, "fd": 27.0, "distance": 0.4}]
    assert lower_on_own_metric(s2_dunet, s2_van) == (True, 66.0, 71.0, "mifid")


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"bs1_steps": 4}, "bs1_steps = 4 (from --set) must be >= bs1_epochs"),
        ({"bs32_steps": 10}, "must be >= bs32_epochs"),
        ({"oai_stage1_epochs": 17}, "must be < bs1_epochs"),
    ],
)
def test_schedules_that_cannot_train_are_refused_before_anything_runs(overrides, message):
    """A bs-1 run shorter than its epochs, or output-as-input switching at or after the last epoch, stopped the
    CycleGAN notebook only after the data and model notebooks had run; the parameter checks refuse it at once."""
    from genrep.runner.chapters import ConfigError, load_chapter

    ch = load_chapter("cyclegan_monet")
    for tier in ("reduced", "cpu", "budget", "full"):
        assert ch.plan(tier)  # every tier's own values pass
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        ch.plan("budget", only=["03_cyclegan"], overrides=overrides)


def test_palette_change_ignores_layout_and_sees_colour():
    from genrep.metrics.image_change import palette_change

    g = torch.Generator().manual_seed(0)
    x = torch.randint(0, 256, (2, 3, 16, 16), generator=g, dtype=torch.uint8)
    shuffled = x.flatten(2)[:, :, torch.randperm(256, generator=g)].reshape(x.shape)  # same colours, moved
    assert torch.allclose(palette_change(x, shuffled), torch.zeros(2), atol=1e-6)
    redder = x.clone()
    redder[:, 0] = (x[:, 0].int() + 60).clamp(max=255).to(torch.uint8)
    assert (palette_change(x, redder) > 0.02).all()
    grey = x.float().mean(1, keepdim=True).expand_as(x).to(torch.uint8)  # colours drained
    assert (palette_change(x, grey) > palette_change(x, shuffled) + 0.01).all()
    with pytest.raises(ValueError):
        palette_change(x, x[:, :, :8])


def test_claim_premise_needs_every_arm_past_the_photos():
    from genrep.report.papers.cyclegan_monet import premise_past_photos

    assert premise_past_photos({"A": 100.0, "B": 110.0}, 123.0)[1] is True
    text, met = premise_past_photos({"A": 100.0, "B": 212.5}, 123.0)
    assert met is False and "212.5" in text and "123" in text
    with pytest.raises(ValueError):
        premise_past_photos({}, 123.0)

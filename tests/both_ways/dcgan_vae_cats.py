"""Both-ways cases of dcgan_vae_cats: each claim's real decision function (genrep.report.papers.dcgan_vae_cats) fed
synthetic per-seed metrics that must replicate, fail to replicate, or stay inconclusive."""

from genrep.report.papers import dcgan_vae_cats as D

UPDATES = [100, 200, 300]
EPOCHS = list(range(1, 11))


def _pair(fn, good_a, good_b, noisy_a, noisy_b):
    """A claim 'A beats B': replicated with (good_a, good_b), not replicated swapped, inconclusive on noisy values."""
    return {
        "replicated": lambda: fn(good_a, good_b),
        "not replicated": lambda: fn(good_b, good_a),
        "inconclusive": lambda: fn(noisy_a, noisy_b),
    }


def _losses(slope):
    return [[8000 + slope * e + off for e in EPOCHS] for off in (0.0, 3.0, -2.0)]


CASES = {
    "denorm_below_clip": {
        "replicated": lambda: D.clip_raises([150.0, 160.0, 155.0], [120.0, 128.0, 125.0]),
        "not replicated": lambda: D.clip_raises([120.0, 126.0, 124.0], [130.0, 136.0, 133.0]),
        "inconclusive": lambda: D.clip_raises([265.0, 258.0, 258.0], [268.0, 251.0, 268.0]),
    },
    "fid_10_above_50": _pair(
        D.fid10_above_50, [165.0, 170.0, 160.0], [130.0, 135.0, 128.0], [150, 120, 140], [130, 140, 128]
    ),
    "fid_e50_range": {
        "replicated": lambda: D.fid_in_range([130.0, 135.0, 140.0]),
        "not replicated": lambda: D.fid_in_range([250.0, 255.0, 260.0]),
        "inconclusive": lambda: D.fid_in_range([120.0, 180.0, 150.0]),
    },
    "mode_collapse_share": {
        "replicated": lambda: D.share_in_band([0.0024, 0.0020, 0.0030], 0.65),
        "not replicated": lambda: D.share_in_band([0.20, 0.25, 0.22], 0.65),
        "inconclusive": lambda: D.share_in_band([0.0028, 0.0020, 0.0173], 0.65),
    },
    "vae_monotone": {
        "replicated": lambda: D.loss_tail_falls(EPOCHS, _losses(-5.0)),
        "not replicated": lambda: D.loss_tail_falls(EPOCHS, _losses(+5.0)),
        "inconclusive": lambda: D.loss_tail_falls(
            EPOCHS, [[8000 - 5.0 * e for e in EPOCHS], [8000 + 5.0 * e for e in EPOCHS], [8000.0] * len(EPOCHS)]
        ),
    },
    **{
        f"vae_loss_e{ep:02d}": {
            "replicated": lambda p=paper, t=tol: D.loss_within([p - 0.2 * t, p, p + 0.1 * t], p, t),
            "not replicated": lambda p=paper, t=tol: D.loss_within([p + 3 * t, p + 3.1 * t, p + 2.9 * t], p, t),
            "inconclusive": lambda p=paper, t=tol: D.loss_within([p, p + 2 * t, p - 0.5 * t], p, t),
        }
        for ep, paper, tol in ((1, 7686.889, 76.87), (5, 7157.863, 35.79), (50, 7036.551, 35.18))
    },
    "fid_falls_with_training": {
        "replicated": lambda: D.fid_falls(UPDATES, [[300, 270, 250], [310, 280, 255], [305, 268, 249]]),
        "not replicated": lambda: D.fid_falls(UPDATES, [[250, 270, 300], [255, 280, 310], [249, 268, 305]]),
        "inconclusive": lambda: D.fid_falls(UPDATES, [[273, 260, 268], [377, 253, 251], [266, 257, 268]]),
    },
    "no_mode_collapse": {
        "replicated": lambda: D.no_more_collapse([0.0028, 0.0020, 0.0025], [0.0016, 0.0025, 0.0019], 0.01),
        "not replicated": lambda: D.no_more_collapse([0.20, 0.25, 0.22], [0.0016, 0.0025, 0.0019], 0.01),
        "inconclusive": lambda: D.no_more_collapse([0.0028, 0.0020, 0.0173], [0.0016, 0.0025, 0.0019], 0.01),
    },
    "gan_fid_below_vae": _pair(
        D.gan_below_vae, [130.0, 135.0, 128.0], [230.0, 240.0, 235.0], [278, 259, 271], [237, 262, 232]
    ),
    "vae_blurry": {
        "replicated": lambda: D.vae_less_hf_than_real([0.024, 0.028, 0.023], [0.0845] * 3),
        "not replicated": lambda: D.vae_less_hf_than_real([0.12, 0.13, 0.125], [0.0845] * 3),
        "inconclusive": lambda: D.vae_less_hf_than_real([0.05, 0.12, 0.08], [0.0845] * 3),
    },
    "vae_blurrier_than_gan": _pair(
        D.vae_less_hf_than_gan, [0.024, 0.028, 0.023], [0.080, 0.083, 0.081], [0.05, 0.09, 0.07], [0.08, 0.06, 0.075]
    ),
}

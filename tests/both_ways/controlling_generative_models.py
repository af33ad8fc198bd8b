"""Both-ways cases of controlling_generative_models: each claim's real decision function
(genrep.report.papers.controlling_generative_models) fed synthetic metrics that must replicate, fail to replicate, or
stay inconclusive."""

import numpy as np

from genrep.report.papers import controlling_generative_models as cgm

LOW, HIGH = [10.0, 11.0, 12.0], [30.0, 32.0, 31.0]  # per seed: A clearly below B
NOISY_A, NOISY_B = [10.0, 30.0, 20.0], [25.0, 12.0, 22.0]  # the paired differences straddle 0
MODELS = ("vae", "avae_b", "vaegan", "bigan")


def _targets(shift: float, noise: float = 0.05, n: int = 128, seed: int = 0):
    rng = np.random.default_rng(seed)
    base = rng.uniform(0.5, 2.5, n)
    return base, base + shift + rng.normal(0, noise, n)


def _ordered(values):
    return {"mnist": dict(zip(MODELS, values, strict=True))}


CASES = {
    "t31_fid_vae_avae_gan": {  # FID(VAE) − 1.2·FID(AVAE) > 0
        "replicated": lambda: cgm.fid_vae_gap({"mnist": (HIGH, LOW)}),
        "not replicated": lambda: cgm.fid_vae_gap({"mnist": (LOW, HIGH)}),
        "inconclusive": lambda: cgm.fid_vae_gap({"mnist": ([30.0, 12.0, 22.0], [20.0, 18.0, 16.0])}),
    },
    "t31_fid_avae_near_gan": {  # ratio − 1 within ± 0.25 (TOST)
        "replicated": lambda: cgm.ratio_equivalence({"mnist": ([30.0, 31.0, 32.0], [30.5, 30.8, 31.5])}, 0.25),
        "not replicated": lambda: cgm.ratio_equivalence({"mnist": ([60.0, 61.0, 62.0], [30.5, 30.8, 31.5])}, 0.25),
        "inconclusive": lambda: cgm.ratio_equivalence({"mnist": ([30.0, 45.0, 25.0], [30.0, 30.0, 30.0])}, 0.25),
    },
    "t31_mse_order": {
        "replicated": lambda: cgm.lower_in_order(_ordered([LOW, HIGH, [50.0, 52, 51], [70.0, 72, 71]]), MODELS),
        "not replicated": lambda: cgm.lower_in_order(_ordered([HIGH, LOW, [50.0, 52, 51], [70.0, 72, 71]]), MODELS),
        "inconclusive": lambda: cgm.lower_in_order(
            _ordered([NOISY_A, NOISY_B, [50.0, 52, 51], [70.0, 72, 71]]), MODELS
        ),
    },
    "t31_lpips_vaegan_lowest": {
        "replicated": lambda: cgm.lowest_of(_ordered([HIGH, HIGH, LOW, HIGH]), "vaegan", ("vae", "avae_b", "bigan")),
        "not replicated": lambda: cgm.lowest_of(
            _ordered([LOW, HIGH, HIGH, HIGH]), "vaegan", ("vae", "avae_b", "bigan")
        ),
        "inconclusive": lambda: cgm.lowest_of(
            _ordered([HIGH, HIGH, NOISY_A, NOISY_B]), "vaegan", ("vae", "avae_b", "bigan")
        ),
    },
    "t31_lzb_best": {
        "replicated": lambda: cgm.lowest_of(
            {"svhn": {"avae_b": LOW, "avae_a": HIGH, "avae_xi_a": HIGH}}, "avae_b", ("avae_a", "avae_xi_a")
        ),
        "not replicated": lambda: cgm.lowest_of(
            {"svhn": {"avae_b": HIGH, "avae_a": LOW, "avae_xi_a": HIGH}}, "avae_b", ("avae_a", "avae_xi_a")
        ),
        "inconclusive": lambda: cgm.lowest_of(
            {"svhn": {"avae_b": NOISY_A, "avae_a": NOISY_B, "avae_xi_a": HIGH}}, "avae_b", ("avae_a", "avae_xi_a")
        ),
    },
    "t31_xi_negligible": {  # ratio − 1 within ± 0.1 (TOST)
        "replicated": lambda: cgm.ratio_equivalence({"mnist": ([30.0, 31.0, 32.0], [30.2, 30.9, 31.8])}, 0.1),
        "not replicated": lambda: cgm.ratio_equivalence({"mnist": ([40.0, 41.0, 42.0], [30.2, 30.9, 31.8])}, 0.1),
        "inconclusive": lambda: cgm.ratio_equivalence({"mnist": ([30.0, 36.0, 27.0], [30.0, 30.0, 30.0])}, 0.1),
    },
    "t31_spectrum": {  # VAE ratio below 0.5
        "replicated": lambda: cgm.below_value({"mnist": [0.10, 0.12, 0.11]}, 0.5),
        "not replicated": lambda: cgm.below_value({"mnist": [0.90, 0.92, 0.91]}, 0.5),
        "inconclusive": lambda: cgm.below_value({"mnist": [0.2, 0.8, 0.5]}, 0.5),
    },
    "t31_spectrum_avae": {  # AVAE ratio within 1 ± 0.25
        "replicated": lambda: cgm.near_value({"mnist": [0.98, 1.01, 1.03]}, 1.0, 0.25),
        "not replicated": lambda: cgm.near_value({"mnist": [0.40, 0.42, 0.41]}, 1.0, 0.25),
        "inconclusive": lambda: cgm.near_value({"mnist": [0.5, 1.0, 0.9]}, 1.0, 0.25),
    },
    "toy_avae_on_data": {  # per generator: (AVAE, VAE) per-seed log-densities
        "replicated": lambda: cgm.toy_on_data({"det": ([-3.0, -3.1, -2.9], [-4.0, -4.1, -3.9])}, {"det": 0.03})[0],
        "not replicated": lambda: cgm.toy_on_data({"det": ([-4.0, -4.1, -3.9], [-3.0, -3.1, -2.9])}, {"det": 0.03})[0],
        "inconclusive": lambda: cgm.toy_on_data({"det": ([-3.0], [-3.4])}, {"det": 0.03})[0],  # one seed
    },
    "t41_blur_best": {
        "replicated": lambda: cgm.blur_best(_targets(0)[0], _targets(0.1)[1], _targets(0.2)[1]),
        "not replicated": lambda: cgm.blur_best(_targets(0.3)[1], _targets(0)[0], _targets(0.2)[1]),
        "inconclusive": lambda: cgm.blur_best(_targets(0)[0], _targets(0.001, 0.5)[1], _targets(0.2)[1]),
    },
    "t41_mse_dssim_equal": {  # mean ratio − 1 within ± 0.1
        "replicated": lambda: cgm.mse_dssim_equal(*reversed(_targets(0.01)), 0.1, n_boot=300),
        "not replicated": lambda: cgm.mse_dssim_equal(_targets(0.5)[1], _targets(0.5)[0], 0.1, n_boot=300),
        "inconclusive": lambda: cgm.mse_dssim_equal(_targets(0.15, 1.0)[1], _targets(0.15, 1.0)[0], 0.1, n_boot=300),
    },
    "norm_constraint_helps": {
        "replicated": lambda: cgm.norm_helps(_targets(0.1)[0], _targets(0.1)[1]),
        "not replicated": lambda: cgm.norm_helps(_targets(0.1)[1], _targets(0.1)[0]),
        "inconclusive": lambda: cgm.norm_helps(_targets(0)[0], _targets(0.001, 0.5)[1]),
    },
    "sigma_3_to_5_best": {
        "replicated": lambda: cgm.sigma_good(
            {
                1.0: _targets(0.05)[1],
                3.0: _targets(0)[0],
                5.0: _targets(0.01)[1],
                10.0: _targets(0.2)[1],
                20.0: _targets(0.4)[1],
            }
        ),
        "not replicated": lambda: cgm.sigma_good(
            {3.0: _targets(0.3)[1], 5.0: _targets(0.3)[1], 10.0: _targets(0)[0], 20.0: _targets(0.4)[1]}
        ),
        "inconclusive": lambda: cgm.sigma_good(
            {3.0: _targets(0)[0], 5.0: _targets(0.0, 0.01)[1], 10.0: _targets(0.001, 0.5)[1], 20.0: _targets(0.4)[1]}
        ),
    },
    "recursive_beats_naive": {  # exact generator: a point interval, never in between
        "replicated": lambda: cgm.recursive_converges(19.0, -1.0, 19.2, 0.1)[0],
        "not replicated": lambda: cgm.recursive_converges(5.0, -1.0, 19.2, 0.1)[0],
        "inconclusive": "an exact generator has no noise: its point interval lies inside or outside the band",
    },
    "direction_transfers": {  # (ρ on held-out classes, images)
        "replicated": lambda: cgm.transfers({"x": (0.9, 400), "y": (0.85, 400)}, {"x": 0.9, "y": 0.9})[0],
        "not replicated": lambda: cgm.transfers({"x": (0.1, 400), "y": (0.85, 400)}, {"x": 0.9, "y": 0.9})[0],
        "inconclusive": lambda: cgm.transfers({"x": (0.55, 40), "y": (0.85, 400)}, {"x": 0.9, "y": 0.9})[0],
    },
    "chunk_energy": {  # per direction, energy vectors per GAN seed
        "replicated": lambda: cgm.chunk_first(
            {"x": [[0.6, 0.1, 0.1, 0.1, 0.1], [0.55, 0.1, 0.15, 0.1, 0.1], [0.62, 0.1, 0.08, 0.1, 0.1]]}
        ),
        "not replicated": lambda: cgm.chunk_first(
            {"x": [[0.1, 0.6, 0.1, 0.1, 0.1], [0.1, 0.55, 0.15, 0.1, 0.1], [0.08, 0.62, 0.1, 0.1, 0.1]]}
        ),
        "inconclusive": lambda: cgm.chunk_first({"x": [[0.6, 0.1, 0.1, 0.1, 0.1]]}),  # one GAN seed: no interval
    },
    "bvae_std_monotone": {  # per β, per-seed mean std
        "replicated": lambda: cgm.std_trend(
            {1.0: [0.10, 0.11, 0.09], 5.0: [0.07, 0.08, 0.07], 10.0: [0.05, 0.05, 0.06], 20.0: [0.03, 0.04, 0.03]}
        ),
        "not replicated": lambda: cgm.std_trend(
            {1.0: [0.03, 0.04, 0.03], 5.0: [0.05, 0.05, 0.06], 10.0: [0.07, 0.08, 0.07], 20.0: [0.10, 0.11, 0.09]}
        ),
        "inconclusive": lambda: cgm.std_trend(
            {1.0: [0.10, 0.02, 0.06], 5.0: [0.03, 0.09, 0.05], 10.0: [0.08, 0.04, 0.05], 20.0: [0.02, 0.09, 0.06]}
        ),
    },
    "bvae_erf_shape": {  # per β, per-seed erf RMSE / line RMSE
        "replicated": lambda: cgm.erf_shaped({1.0: [0.3, 0.35, 0.32], 5.0: [0.1, 0.12, 0.11]}),
        "not replicated": lambda: cgm.erf_shaped({1.0: [0.95, 0.97, 0.96], 5.0: [0.1, 0.12, 0.11]}),
        "inconclusive": lambda: cgm.erf_shaped({1.0: [0.3, 1.2, 0.8], 5.0: [0.1, 0.12, 0.11]}),
    },
    "t51_detection": {  # per room, per-seed AP@0.5 (ours, SPACE); margin 0.1
        "replicated": lambda: cgm.detection_close({"L": [0.85, 0.86, 0.84]}, {"L": [0.89, 0.90, 0.89]}, 0.1),
        "not replicated": lambda: cgm.detection_close({"L": [0.60, 0.61, 0.59]}, {"L": [0.89, 0.90, 0.89]}, 0.1),
        "inconclusive": lambda: cgm.detection_close({"L": [0.70, 0.90, 0.80]}, {"L": [0.89, 0.90, 0.89]}, 0.1),
    },
}

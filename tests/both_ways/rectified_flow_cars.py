"""Both-ways cases of rectified_flow_cars: each claim's real decision function (genrep.report.papers.
rectified_flow_cars) fed synthetic metrics that must replicate, fail to replicate, or stay inconclusive."""

import numpy as np

from genrep.report.papers import rectified_flow_cars as rfc
from genrep.report.verdicts import family

_RNG = np.random.default_rng(0)
_REAL = _RNG.normal(0, 1, 200)  # shared real-side noise of the bootstrap replicates


def _fid(value: float, spread: float = 1.0) -> dict:
    """A {"value", "boot", "n_fake"} record whose replicates share the real-side noise with every other record."""
    return {
        "value": value,
        "boot": (value + spread * _REAL + _RNG.normal(0, 0.2 * spread, 200)).tolist(),
        "n_fake": 500,
    }


def _boot(a: float, b: float, spread: float = 1.0):
    return lambda: family([rfc.boot_superiority(_fid(a, spread), _fid(b, spread))], "all")


def _points(*ds, better="<"):
    return lambda: family([rfc.point(d, better) for d in ds], "all")


def _boot_cases(**kw):
    return {
        "replicated": _boot(100.0, 120.0),
        "not replicated": _boot(120.0, 100.0),
        "inconclusive": _boot(100.0, 100.5, spread=5.0),
    }


TOP = [4.28, 4.2, 4.15, 4.1, 4.06, 4.02, 4.0, 3.97, 3.94, 3.91]

CASES = {
    "h1_inactive_units": {  # tolerance 20 ± 12 on one count per data set
        "replicated": lambda: family([rfc.point_tolerance(18, 20, 12)], "all"),
        "not replicated": lambda: family([rfc.point_tolerance(64, 20, 12)], "all"),
        "inconclusive": "one count per data set: no interval, so no partial overlap with the band",
    },
    "h2_compressed_predictions": {  # max / true max within 0.49 ± 0.21; interval from seen max to extrapolation
        "replicated": lambda: family([rfc.compression_decision(4.2, 4.6, 9, 4.4 / 9, 0.21)], "all"),
        "not replicated": lambda: family([rfc.compression_decision(7.5, 8.0, 9, 4.4 / 9, 0.21)], "all"),
        "inconclusive": lambda: family(
            [rfc.compression_decision(5.5, rfc.extrapolated_max(5.5, 4.0, 500, 16000), 9, 4.4 / 9, 0.21)], "all"
        ),
    },
    "h3_narrow_submission": {  # expected top-10 width within 0.37 ± 0.63
        "replicated": lambda: family([rfc.band_width_decision([v / 3 + 3 for v in TOP], 0.37, 0.63)], "all"),
        "not replicated": lambda: family([rfc.band_width_decision([10 * v for v in TOP], 0.37, 0.63)], "all"),
        "inconclusive": lambda: family([rfc.band_width_decision(TOP, 0.37, 0.63)], "all"),
    },
    "h4_rf_top20_collapse": {  # pair distance RF − GMM of one top 20
        "replicated": _points(-0.05, -0.02),
        "not replicated": _points(0.05, -0.02),
        "inconclusive": _points(0.0, -0.02),
    },
    "h5_gmm_more_diverse": {  # recall GMM − RF
        "replicated": _points(0.1, 0.2, better=">"),
        "not replicated": _points(-0.1, 0.2, better=">"),
        "inconclusive": _points(0.0, 0.2, better=">"),
    },
    "h6_gmm_best_quality": _boot_cases(),
    "h7_latent_rf_not_better": {  # FID ratio − 1 within ± 0.05, per latent-RF seed
        "replicated": lambda: family([rfc.boot_equivalence(_fid(101.0), _fid(100.0), 0.05)], "all"),
        "not replicated": lambda: family([rfc.boot_equivalence(_fid(80.0), _fid(100.0), 0.05)], "all"),
        "inconclusive": lambda: family([rfc.boot_equivalence(_fid(104.0, 5.0), _fid(100.0, 5.0), 0.05)], "all"),
    },
    "h8_gmm_beats_prior": _boot_cases(),
    "h9_kept_dims_help": _boot_cases(),
    "h10_no_rating_clusters": {  # kNN R² within 0 ± 0.3
        "replicated": lambda: family([rfc.point_tolerance(0.05, 0.0, 0.3)], "all"),
        "not replicated": lambda: family([rfc.point_tolerance(0.6, 0.0, 0.3)], "all"),
        "inconclusive": "one R² per data set: no interval, so no partial overlap with the band",
    },
    "h12_rf_hypothesis_rejected": _boot_cases(),
    "h13_all_blurry": {  # sharpness / real − 1 per method
        "replicated": _points(-0.3, -0.8),
        "not replicated": _points(0.2, -0.8),
        "inconclusive": _points(0.0, -0.8),
    },
    "gmm_best_preference": {  # oracle of the top 20, Welch over images
        "replicated": lambda: family([rfc.superiority([1.0, 1.1, 0.9, 1.05], [0.2, 0.25, 0.15, 0.3], ">")], "all"),
        "not replicated": lambda: family([rfc.superiority([0.2, 0.25, 0.15, 0.3], [1.0, 1.1, 0.9, 1.05], ">")], "all"),
        "inconclusive": lambda: family([rfc.superiority([1.0, 0.1, 0.6, 0.4], [0.9, 0.2, 0.5, 0.45], ">")], "all"),
    },
    "selection_raises_preference": {
        "replicated": lambda: family([rfc.superiority([1.0, 1.1, 0.9, 1.05], [0.2, 0.25, 0.15, 0.3], ">")], "all"),
        "not replicated": lambda: family([rfc.superiority([0.2, 0.25, 0.15, 0.3], [1.0, 1.1, 0.9, 1.05], ">")], "all"),
        "inconclusive": lambda: family([rfc.superiority([1.0, 0.1, 0.6, 0.4], [0.9, 0.2, 0.5, 0.45], ">")], "all"),
    },
    "regressor_ranks": {  # Spearman ρ > 0, Fisher-z
        "replicated": lambda: family([rfc.spearman_superiority(0.6, 150)], "all"),
        "not replicated": lambda: family([rfc.spearman_superiority(-0.5, 150)], "all"),
        "inconclusive": lambda: family([rfc.spearman_superiority(0.05, 30)], "all"),
    },
    "a7_gap_shrinks_with_data": {  # slope of the FD ratio over log n_train
        "replicated": lambda: rfc.trend([500, 1000, 2000, 4000], [2.0, 1.7, 1.4, 1.1], "decreasing", log=True),
        "not replicated": lambda: rfc.trend([500, 1000, 2000, 4000], [1.1, 1.4, 1.7, 2.0], "decreasing", log=True),
        "inconclusive": lambda: rfc.trend([500, 1000, 2000, 4000], [1.5, 1.9, 1.2, 1.6], "decreasing", log=True),
    },
    "a9_collapse_with_beta": {  # every ablation arm drops ≥ max(1, 10 %) of the baseline's active units
        "replicated": lambda: rfc.collapse_decision(64, {"mean": 20, "beta1": 40}, 0.1),
        "not replicated": lambda: rfc.collapse_decision(64, {"mean": 0, "beta1": 63}, 0.1),
        "inconclusive": lambda: rfc.collapse_decision(60, {"mean": 20, "beta1": 54}, 0.1),
    },
}

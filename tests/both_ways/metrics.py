"""Both-ways cases of metrics: each claim's real decision function (genrep.report.papers.metrics) fed synthetic
distances, draws and nearest-neighbour distances that must replicate, fail to replicate, or stay inconclusive."""

import numpy as np

from genrep.report.papers import metrics as M

LEVELS = [0.0, 0.25, 0.5, 0.75]
_RNG = np.random.default_rng(0)
_NOISE = _RNG.standard_normal((4, 50))  # 50 paired bootstrap replicates per level, one noise draw per level


def _rows(means, spread):
    """One kind's rows: FD per level and 50 bootstrap replicates around it (each level its own noise)."""
    return [
        {"level": lv, "fd": m, "fd_boot": (m + spread * _NOISE[i]).tolist()}
        for i, (lv, m) in enumerate(zip(LEVELS, means, strict=True))
    ]


def _steps():
    return {
        "replicated": lambda: M.steps_rise(_rows([60, 100, 150, 220], 2.0), n=500),
        "not replicated": lambda: M.steps_rise(_rows([60, 100, 70, 220], 2.0), n=500),
        "inconclusive": lambda: M.steps_rise(_rows([60, 100, 103, 220], 4.0), n=500),
    }


NS = [100, 200, 500, 1000]


def _fd_bias():
    falling = [[170, 168, 172], [125, 127, 124], [76, 75, 77], [46, 47, 46]]
    rising = [list(reversed(v)) for v in falling[::-1]]
    flat = [[50, 80, 20], [60, 30, 75], [40, 70, 55], [65, 35, 50]]
    return {
        "replicated": lambda: M.fd_falls(NS, falling),
        "not replicated": lambda: M.fd_falls(NS, rising),
        "inconclusive": lambda: M.fd_falls(NS, flat),
    }


def _kid():
    near = {n: [1e-4, -2e-4, 3e-4, -1e-4, 0.0] for n in NS}
    biased = {**near, 500: [0.020, 0.021, 0.019, 0.022, 0.020]}  # far outside ± 0.005 at one n
    wide = {**near, 500: [0.000, 0.010, -0.006, 0.012, -0.002]}  # straddles the margin at one n
    return {
        "replicated": lambda: M.kid_near_zero(near, 0.005),
        "not replicated": lambda: M.kid_near_zero(biased, 0.005),
        "inconclusive": lambda: M.kid_near_zero(wide, 0.005),
    }


def _separates():
    same = [0.0001, -0.0002, 0.0003, 0.0, -0.0001]
    return {
        "replicated": lambda: M.kid_separates([0.05, 0.052, 0.049, 0.051, 0.053], same),
        "not replicated": lambda: M.kid_separates([-0.01, -0.011, -0.012, -0.010, -0.009], same),
        "inconclusive": lambda: M.kid_separates([0.02, -0.02, 0.01, -0.015, 0.004], same),
    }


def _calibration():
    return {
        "replicated": lambda: M.floor_within([25.1, 25.3, 25.0, 25.2, 25.2], 30.0, 7.5),
        "not replicated": lambda: M.floor_within([46.1, 46.4, 46.0, 46.3, 46.2], 30.0, 7.5),
        "inconclusive": lambda: M.floor_within([20.0, 24.0, 22.0, 23.5, 21.0], 30.0, 7.5),
    }


def _d(mean, sd=0.01, n=100):
    return np.clip(mean + sd * np.random.default_rng(int(mean * 1000)).standard_normal(n), 0, 2)


def _copies():
    return {
        "replicated": lambda: M.copies_penalised({"flipped": _d(0.045), "noised": _d(0.047)}, 0.1),
        "not replicated": lambda: M.copies_penalised({"flipped": _d(0.045), "shifted": _d(0.2)}, 0.1),
        "inconclusive": lambda: M.copies_penalised({"flipped": _d(0.045), "jpeg": _d(0.1, sd=0.05)}, 0.1),
    }


def _heldout():
    return {
        "replicated": lambda: M.heldout_free(_d(0.23), 0.1),
        "not replicated": lambda: M.heldout_free(_d(0.05), 0.1),
        "inconclusive": lambda: M.heldout_free(_d(0.1, sd=0.05), 0.1),
    }


def _proxy():
    fid = np.arange(20, dtype=float)
    noise = np.random.default_rng(1).standard_normal(20)
    return {
        "replicated": lambda: M.proxy_agrees(np.c_[fid + 0.1 * noise, fid], 0.2),
        "not replicated": lambda: M.proxy_agrees(np.c_[noise, fid], 0.2),
        "inconclusive": lambda: M.proxy_agrees(np.c_[fid + 6.0 * noise, fid], 0.2),
    }


CASES = {
    **{
        f"fig3_{k}_{ds}": _steps()
        for ds in ("cifar10", "monet")
        for k in ("gaussian_noise", "gaussian_blur", "black_rectangles", "swirl", "salt_and_pepper", "contamination")
    },
    "mode_dropping_cifar10": _steps(),
    "fd_bias_cifar10": _fd_bias(),
    "fd_bias_monet": _fd_bias(),
    "kid_unbiased_cifar10": _kid(),
    "kid_unbiased_monet": _kid(),
    "kid_monet_vs_photos": _separates(),
    "calibration_train_test": _calibration(),
    "mifid_copies_penalised": _copies(),
    "mifid_heldout_free": _heldout(),
    **{f"proxy_rank_{p}_{ds}": _proxy() for p in ("cifarnet", "randconv") for ds in ("cifar10", "monet")},
}

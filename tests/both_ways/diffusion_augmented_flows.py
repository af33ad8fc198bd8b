"""Both-ways cases of diffusion_augmented_flows: each claim's real decision function
(genrep.report.papers.diffusion_augmented_flows) fed synthetic metrics that must replicate, fail to replicate, or stay
inconclusive."""

import numpy as np

from genrep.report.papers import diffusion_augmented_flows as daf

FLAT = [2.0, 1.5, 1.2, 1.1, 1.06, 1.05, 1.05, 1.04, 1.05, 1.05]  # a settled curve


def _loss(target: float, tol: float, scale: float):
    """A converged-loss claim (tolerance test): in the band, above it, and straddling its upper edge."""
    noise = 0.002 * scale
    return {
        "replicated": lambda: daf.loss_claim(target, tol, target, 0.01 * tol, FLAT, noise)[0],
        "not replicated": lambda: daf.loss_claim(target, tol, target + 3 * tol, 0.01 * tol, FLAT, noise)[0],
        "inconclusive": lambda: daf.loss_claim(target, tol, target + tol, 0.5 * tol, FLAT, noise)[0],
    }


def _fids(values, spread=2.0, n=200, seed=0):
    """Three FID records with shared real-side noise in their replicates."""
    rng = np.random.default_rng(seed)
    shared = rng.normal(0, spread, n)
    return [{"value": v, "boot": list(v + shared + rng.normal(0, spread / 4, n)), "n_fake": 256} for v in values]


def _fid_noisy():
    rng = np.random.default_rng(1)
    return [{"value": v, "boot": list(v + rng.normal(0, 20, 200)), "n_fake": 256} for v in (10.0, 12.0, 30.0)]


CASES = {
    "nsf_nll_mnist": _loss(1.03, 0.10, 1.0),
    "nsf_nll_celeba": _loss(2.86, 0.20, 2.9),
    "ddpm_mse_mnist": _loss(0.029, 0.01, 0.03),
    "ddpm_mse_celeba": _loss(0.033, 0.01, 0.03),
}
for _cid in ("fid_order_mnist", "fid_order_celeba"):
    CASES[_cid] = {
        "replicated": lambda: daf.fid_order(_fids([10.0, 20.0, 30.0]))[0],
        "not replicated": lambda: daf.fid_order(_fids([30.0, 20.0, 10.0]))[0],
        "inconclusive": lambda: daf.fid_order(_fid_noisy())[0],
    }
CASES["speed_from_t"] = {
    "replicated": lambda: daf.speed_control([28.0, 28.4], [27.0, 27.3], 0.25),
    "not replicated": lambda: daf.speed_control([56.0, 56.4], [27.0, 27.3], 0.25),
    "inconclusive": lambda: daf.speed_control([28.0, 40.0], [26.0, 27.0], 0.25),
}
CASES["nsf_fast"] = {
    "replicated": lambda: daf.nsf_fast([0.20, 0.22, 0.21], on_gpu=True)[0],
    "not replicated": lambda: daf.nsf_fast([2.1, 2.2, 2.05], on_gpu=True)[0],
    "inconclusive": lambda: daf.nsf_fast([0.5, 1.6], on_gpu=True)[0],
}
CASES["df_bound_below_nsf"] = {  # (mean, sd, n) of the bound and of NSF's NLL over test images
    "replicated": lambda: daf.bound_below((1.00, 0.3, 2000), (1.10, 0.3, 2000), FLAT, FLAT)[0],
    "not replicated": lambda: daf.bound_below((1.20, 0.3, 2000), (1.10, 0.3, 2000), FLAT, FLAT)[0],
    "inconclusive": lambda: daf.bound_below((1.09, 9.0, 2000), (1.10, 0.3, 2000), FLAT, FLAT)[0],
}
_EPOCHS = [450, 460, 470, 480, 490, 500]


def _bounds(values):
    return dict(zip(_EPOCHS, values, strict=True))


CASES["cifar_not_converged"] = {
    "replicated": lambda: daf.still_falling_trend(_bounds([4.10, 4.08, 4.06, 4.05, 4.03, 4.01]), 500)[0],
    "not replicated": lambda: daf.still_falling_trend(_bounds([4.00, 4.02, 4.03, 4.05, 4.06, 4.08]), 500)[0],
    "inconclusive": lambda: daf.still_falling_trend(_bounds([4.00, 4.05, 3.98, 4.04, 3.99, 4.01]), 500)[0],
}
CASES["cifar_fid_worst"] = {
    "replicated": lambda: daf.cifar_worst(*(lambda f: (f[2], f[:2]))(_fids([2.0, 7.0, 11.0])))[0],
    "not replicated": lambda: daf.cifar_worst(*(lambda f: (f[0], f[1:]))(_fids([2.0, 7.0, 11.0])))[0],
    "inconclusive": lambda: daf.cifar_worst(*(lambda f: (f[2], f[:2]))(_fid_noisy()))[0],
}
CASES["nsf_latent_gap"] = {  # KS distance against the bar 0.01, DKW band over n pooled values
    "replicated": lambda: daf.latent_gap(0.05, 1_000_000),
    "not replicated": lambda: daf.latent_gap(0.002, 1_000_000),
    "inconclusive": lambda: daf.latent_gap(0.02, 1000),
}
CASES["celeba_grey"] = {
    "replicated": lambda: daf.grey_majority(0.9, 256),
    "not replicated": lambda: daf.grey_majority(0.1, 256),
    "inconclusive": lambda: daf.grey_majority(0.55, 64),
}

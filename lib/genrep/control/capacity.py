"""Fig. 5.2's capacity argument (Ch. 5), exact.

N objects fall uniformly into G grid cells that can each hold K objects (capacity C = G·K). With a
Poisson number of objects of mean N, cell loads are independent Poisson(λ = N/G), so

    P(no cell overloaded) = Q(K + 1, N/G)^G,   Q(K + 1, λ) = P(Poisson(λ) ≤ K) = Γ(K + 1, λ)/K!

(the regularised upper incomplete gamma function; spec §11.28 — the overload probability is
1 − Q(K + 1, λ)^G)."""

from __future__ import annotations

import numpy as np
from scipy.special import gammaincc


def p_no_overload(n_expected, cells: int, k: int):
    """Q(K+1, N/G)^G for expected object counts ``n_expected`` (scalar or array)."""
    lam = np.asarray(n_expected, dtype=float) / cells
    return gammaincc(k + 1, lam) ** cells


def p_no_overload_mc(n_expected: float, cells: int, k: int, trials: int = 20000, seed: int = 0) -> float:
    """Monte Carlo check: a Poisson(N) number of objects dropped uniformly into the cells."""
    rng = np.random.default_rng(seed)
    ok = 0
    for _ in range(trials):
        n = rng.poisson(n_expected)
        load = np.bincount(rng.integers(0, cells, n), minlength=cells)
        ok += int(load.max(initial=0) <= k)
    return ok / trials

"""A Gaussian-mixture prior in a latent space with K chosen by BIC (spec rectified_flow_cars §3.3).

    prior = GMMPrior.fit(mu[:, dims], components="bic", k_grid=[1, 2, 5, 10, 20, 50, 100])
    z = prior.sample(16000, seed=0)      # [n, len(dims)]
    prior.bic_table                      # K -> BIC (empty when K was given)

Wraps ``sklearn.mixture.GaussianMixture``; grid values above the number of points are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class GMMPrior:
    gmm: object
    k: int
    bic_table: dict = field(default_factory=dict)

    @classmethod
    def fit(
        cls,
        x,
        components="bic",
        k_grid=(1, 2, 5, 10, 20, 50, 100),
        covariance_type: str = "full",
        reg_covar: float = 1e-6,
        n_init: int = 3,
        max_iter: int = 500,
        seed: int = 0,
    ) -> GMMPrior:
        from sklearn.mixture import GaussianMixture

        x = np.asarray(x, np.float64)
        if covariance_type not in ("full", "diag", "tied", "spherical"):
            raise ValueError(f"covariance_type must be full/diag/tied/spherical, got {covariance_type!r}")

        def make(k):
            return GaussianMixture(
                k,
                covariance_type=covariance_type,
                reg_covar=reg_covar,
                n_init=n_init,
                max_iter=max_iter,
                random_state=seed,
            ).fit(x)

        if components == "bic":
            grid = [int(k) for k in k_grid if int(k) <= max(1, len(x) // 2)]
            if not grid:
                raise ValueError(f"no K in {list(k_grid)} fits {len(x)} points")
            fits = {k: make(k) for k in grid}
            table = {k: float(m.bic(x)) for k, m in fits.items()}
            best = min(table, key=table.get)
            return cls(fits[best], best, table)
        if isinstance(components, (int, np.integer)) and components >= 1:
            return cls(make(int(components)), int(components), {})
        raise ValueError(f"components must be 'bic' or a positive int, got {components!r}")

    def sample(self, n: int, seed: int = 0) -> np.ndarray:
        self.gmm.random_state = seed
        x, _ = self.gmm.sample(n)
        return x[np.random.default_rng(seed).permutation(n)]  # sklearn returns samples grouped by component

    def log_prob(self, x) -> np.ndarray:
        return self.gmm.score_samples(np.asarray(x, np.float64))

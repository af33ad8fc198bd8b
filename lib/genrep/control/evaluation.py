"""Control precision of a latent direction (§4.4.1, Figs. 4.7 and 4.11).

Sample z ~ N(0, I), generate from z − ⟨z,u⟩u + t·u for t on a grid, measure the factor on each image
and report, per t, the mean and the spread (std) of the measured factor. Scalar summaries (the spec's
[P] proposals): the mean over t of the std, the Spearman correlation between t and the measured factor,
and the fit error of the mean curve to a·erf(t/(√2·b)) + c (the shape Eq. 4.11 predicts for dSprites)."""

from __future__ import annotations

import numpy as np
from scipy.optimize import curve_fit
from scipy.special import erf
from scipy.stats import spearmanr


def _erf_model(t, a, b, c):
    return a * erf(t / (np.sqrt(2) * b)) + c


def control_precision(alphas, values, valid=None) -> dict:
    """``values`` [T, B] measured factor at each t of ``alphas`` [T] (``valid`` [T, B] masks dropped images)."""
    alphas = np.asarray(alphas, dtype=float)
    v = np.asarray(values, dtype=float)
    ok = np.ones_like(v, bool) if valid is None else np.asarray(valid, bool)
    means = np.array([v[i][ok[i]].mean() if ok[i].any() else np.nan for i in range(len(alphas))])
    stds = np.array([v[i][ok[i]].std() if ok[i].sum() > 1 else np.nan for i in range(len(alphas))])
    tt = np.repeat(alphas[:, None], v.shape[1], 1)[ok]
    rho = float(spearmanr(tt, v[ok]).statistic) if ok.sum() > 2 else float("nan")
    try:
        p, _ = curve_fit(
            _erf_model, alphas, means, p0=[(means[-1] - means[0]) / 2 or 0.1, 1.0, means.mean()], maxfev=5000
        )
        erf_rmse = float(np.sqrt(np.mean((_erf_model(alphas, *p) - means) ** 2)))
        lin = np.polyfit(alphas, means, 1)
        lin_rmse = float(np.sqrt(np.mean((np.polyval(lin, alphas) - means) ** 2)))
    except (RuntimeError, ValueError):
        p, erf_rmse, lin_rmse = [np.nan] * 3, float("nan"), float("nan")
    return {
        "alphas": alphas.tolist(),
        "mean": means.tolist(),
        "std": stds.tolist(),
        "mean_std": float(np.nanmean(stds)),
        "spearman": rho,
        "range": float(np.nanmax(means) - np.nanmin(means)),
        "erf_params": [float(x) for x in p],
        "erf_rmse": erf_rmse,
        "linear_rmse": lin_rmse,
        "kept_fraction": float(ok.mean()),
    }

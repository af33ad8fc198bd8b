"""How well a regressor's predictions match the true targets (spec rectified_flow_cars §7, M7).

* ``regression_report``: RMSE, MAE, Pearson r, Spearman ρ and n (the correlations are NaN for fewer than three
  points or a constant side).
"""

from __future__ import annotations

import numpy as np


def regression_report(y_true, y_pred) -> dict:
    from scipy.stats import pearsonr, spearmanr  # scipy.stats is slow to import; only this function needs it

    y, p = np.asarray(y_true, float), np.asarray(y_pred, float)
    ok = len(y) > 2 and y.std() > 0 and p.std() > 0
    return {
        "rmse": float(np.sqrt(np.mean((y - p) ** 2))),
        "mae": float(np.mean(np.abs(y - p))),
        "pearson": float(pearsonr(y, p)[0]) if ok else float("nan"),
        "spearman": float(spearmanr(y, p)[0]) if ok else float("nan"),
        "n": len(y),
    }

"""Noise-aware verdicts: decide a claim only when the difference exceeds its noise.

A claim's numbers give an interval, not a point: seeds of a training recipe (:func:`compare_seeds`, a
Welch t-interval of the difference of means) or a bootstrap over the samples a metric is computed from
(:func:`bootstrap_interval`, :func:`compare_bootstrap`). The decision is three-way:

- ``replicated`` — the whole interval lies on the side the paper claims (or inside target ± tol);
- ``not replicated`` — the whole interval lies on the other side (or outside target ± tol);
- ``inconclusive`` — the interval straddles the boundary: the difference is within noise.

The tier then decides whether the decision is shown (:func:`genrep.report.verdict`): the reduced tier and
any tier below a claim's ``min_tier`` say 'not testable at this tier'.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .tables import DECISIONS, NOT_TESTABLE, TIERS, VERDICTS, highest_tier, testable, tier_rank, verdict

__all__ = [
    "Comparison",
    "DECISIONS",
    "NOT_TESTABLE",
    "TIERS",
    "VERDICTS",
    "bootstrap_interval",
    "compare_bootstrap",
    "compare_mean",
    "compare_seeds",
    "mean_interval",
    "decide",
    "highest_tier",
    "testable",
    "tier_rank",
    "verdict",
    "within_interval",
]

EXPECT = ("<", ">", "within")


@dataclass(frozen=True)
class Comparison:
    """The outcome of one noise-aware comparison, ready for a :class:`~genrep.report.Check`.

    ``difference`` is the point estimate (mean(a) − mean(b), or the statistic); ``interval`` its
    confidence interval (None when it cannot be formed, e.g. one seed); ``n`` the sample size per arm.
    """

    decision: str
    difference: float
    interval: tuple[float, float] | None
    n: tuple[int, ...]
    method: str
    expect: str = "<"
    confidence: float = 0.95

    @property
    def ok(self) -> bool | None:
        """True / False for a decided comparison, None for an inconclusive one."""
        return {"replicated": True, "not replicated": False}.get(self.decision)

    def __str__(self) -> str:
        ci = (
            "no interval"
            if self.interval is None
            else f"{self.confidence:.0%} CI [{self.interval[0]:.4g}, {self.interval[1]:.4g}]"
        )
        n = ", ".join(map(str, self.n))
        return f"{self.decision}: {self.difference:.4g} ({ci}; n = {n}; {self.method})"


def decide(interval: tuple[float, float] | None, expect: str = "<", than: float = 0.0) -> str:
    """Three-way decision for a claim that a quantity is ``expect`` (``<`` or ``>``) ``than``.

    Replicated when the whole interval lies on the expected side, not replicated when it lies entirely
    on the other side, inconclusive otherwise (also when there is no interval).
    """
    if expect not in ("<", ">"):
        raise ValueError(f"expect must be '<' or '>' for a direction, got {expect!r}")
    if interval is None or not all(map(math.isfinite, interval)):
        return "inconclusive"
    lo, hi = interval
    below, above = hi < than, lo > than
    if not (below or above):
        return "inconclusive"
    return "replicated" if (below if expect == "<" else above) else "not replicated"


def within_interval(value_interval: tuple[float, float] | None, target: float, tol: float) -> str:
    """Three-way decision for 'the value is within ``tol`` of ``target``'.

    Replicated when the interval lies inside [target − tol, target + tol], not replicated when it is
    disjoint from it, inconclusive when they overlap only in part (or there is no interval).
    """
    if tol < 0:
        raise ValueError(f"tol must be >= 0, got {tol}")
    if value_interval is None or not all(map(math.isfinite, value_interval)):
        return "inconclusive"
    lo, hi = sorted(value_interval)
    if target - tol <= lo and hi <= target + tol:
        return "replicated"
    if hi < target - tol or lo > target + tol:
        return "not replicated"
    return "inconclusive"


def _values(x, name: str) -> np.ndarray:
    v = np.asarray(x, dtype=np.float64).ravel()
    if not np.isfinite(v).all():
        raise ValueError(f"{name} holds non-finite values: {v.tolist()}")
    return v


def compare_seeds(a, b, expect: str = "<", confidence: float = 0.95) -> Comparison:
    """Compare per-seed values of two arms: is mean(a) ``expect`` mean(b)?

    The interval is Welch's t-interval of mean(a) − mean(b) (unequal variances). With fewer than 2
    seeds in either arm there is no interval and the comparison is inconclusive.
    """
    from scipy import stats

    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    a, b = _values(a, "a"), _values(b, "b")
    na, nb = len(a), len(b)
    if na == 0 or nb == 0:
        raise ValueError(f"both arms need at least one value (got {na} and {nb})")
    diff = float(a.mean() - b.mean())
    method = f"Welch t-interval over seeds ({confidence:.0%})"
    if na < 2 or nb < 2:
        return Comparison(
            "inconclusive", diff, None, (na, nb), method + ": fewer than 2 seeds per arm", expect, confidence
        )
    va, vb = a.var(ddof=1) / na, b.var(ddof=1) / nb
    se = math.sqrt(va + vb)
    if se == 0.0:
        interval = (diff, diff)  # identical values within each arm: the difference carries no seed noise
    else:
        df = (va + vb) ** 2 / (va**2 / (na - 1) + vb**2 / (nb - 1))
        half = float(stats.t.ppf(0.5 + confidence / 2, df)) * se
        interval = (diff - half, diff + half)
    return Comparison(decide(interval, expect), diff, interval, (na, nb), method, expect, confidence)


def mean_interval(values, confidence: float = 0.95) -> tuple[float, tuple[float, float] | None]:
    """(mean, Student t-interval of the mean) over per-seed values; no interval with fewer than 2 values."""
    from scipy import stats

    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    v = _values(values, "values")
    if len(v) == 0:
        raise ValueError("need at least one value")
    m = float(v.mean())
    if len(v) < 2:
        return m, None
    half = float(stats.t.ppf(0.5 + confidence / 2, len(v) - 1)) * float(v.std(ddof=1)) / math.sqrt(len(v))
    return m, (m - half, m + half)


def compare_mean(values, expect: str = ">", than: float = 0.0, confidence: float = 0.95) -> Comparison:
    """Is the mean of per-seed ``values`` (e.g. paired differences or ratios) ``expect`` ``than``?

    Decided from the t-interval of the mean (:func:`mean_interval`); inconclusive with one seed.
    ``difference`` is the mean itself.
    """
    m, interval = mean_interval(values, confidence)
    n = len(_values(values, "values"))
    method = f"t-interval of the mean over {n} seeds ({confidence:.0%}), against {than:g}"
    return Comparison(decide(interval, expect, than), m, interval, (n,), method, expect, confidence)


def bootstrap_interval(
    stat, *samples, n_boot: int = 1000, confidence: float = 0.95, seed: int = 0
) -> tuple[float, float]:
    """Percentile bootstrap interval of ``stat(*samples)``.

    Each sample (an array whose first axis is its rows, e.g. features [N, D] or per-image values [N]) is
    resampled with replacement independently of the others, ``n_boot`` times.
    """
    if not samples:
        raise ValueError("bootstrap_interval needs at least one sample")
    if n_boot < 2:
        raise ValueError(f"n_boot must be >= 2, got {n_boot}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    arrays = [np.asarray(s) for s in samples]
    for i, s in enumerate(arrays):
        if s.ndim == 0 or len(s) < 2:
            raise ValueError(f"sample {i} needs at least 2 rows to bootstrap, got shape {s.shape}")
    rng = np.random.default_rng(seed)
    boots = np.empty(n_boot)
    for k in range(n_boot):
        boots[k] = float(stat(*(s[rng.integers(0, len(s), len(s))] for s in arrays)))
    alpha = (1 - confidence) / 2
    lo, hi = np.quantile(boots, [alpha, 1 - alpha])
    return float(lo), float(hi)


def compare_bootstrap(
    stat,
    *samples,
    expect: str = "<",
    than: float = 0.0,
    target: float | None = None,
    tol: float | None = None,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> Comparison:
    """Decide a claim about ``stat(*samples)`` from its percentile bootstrap interval.

    ``expect`` is ``'<'`` / ``'>'`` (the statistic lies below / above ``than``, e.g. a difference of two
    FIDs below 0) or ``'within'`` (the statistic lies within ``tol`` of ``target``).
    """
    if expect not in EXPECT:
        raise ValueError(f"expect must be one of {', '.join(EXPECT)}; got {expect!r}")
    if expect == "within" and (target is None or tol is None):
        raise ValueError("expect='within' needs target and tol")
    value = float(stat(*samples))
    interval = bootstrap_interval(stat, *samples, n_boot=n_boot, confidence=confidence, seed=seed)
    if expect == "within":
        decision = within_interval(interval, target, tol)
    else:
        decision = decide(interval, expect, than)
    method = f"percentile bootstrap over samples ({n_boot} resamples, {confidence:.0%})"
    return Comparison(decision, value, interval, tuple(len(s) for s in samples), method, expect, confidence)

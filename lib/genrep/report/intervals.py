"""Intervals a summary forms from what an arm saved: paired bootstrap differences, Spearman correlations,
and decisions that combine several comparisons.

An arm that scores several methods against the same real images saves, per method, bootstrap replicates
whose real-side resamples are identical across methods (``genrep.metrics.fd_bootstrap.fd_bootstrap``,
``genrep.metrics.sampling.true_fid``). The replicate-wise difference of two methods is then paired on the
real images, and its percentile interval is the noise of the comparison over samples.

- ``compare_boot(a, b, expect, scale)``: is value(a) − scale·value(b) below (``<``) or above 0? (superiority)
- ``boot_difference(a, b, scale)``: the paired replicates of that difference, for the ``boot=`` argument of
  :func:`~genrep.report.verdicts.non_inferiority_bootstrap` and the other bootstrap tests.
- ``spearman_interval(rho, n)``: Fisher-z interval of a Spearman correlation (SE √(1.06/(n − 3)), Fieller
  et al. 1957).
- ``compare_within(values, target, tol)``: does the t-interval of the mean of per-seed (or per-target)
  ``values`` lie inside target ± tol (a null effect or an "≈" claim)?
- ``combine(comparisons)``: one decision for a claim that needs all of several comparisons.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from .verdicts import Comparison, decide, mean_interval, superiority_bootstrap, within_interval


def boot_difference_interval(boot_a, boot_b, confidence: float = 0.95) -> tuple[float, float]:
    """Percentile interval of ``boot_a − boot_b`` (replicate by replicate)."""
    a, b = np.asarray(boot_a, float), np.asarray(boot_b, float)
    if a.shape != b.shape or a.ndim != 1 or len(a) < 2:
        raise ValueError(f"need two equal-length replicate lists (≥ 2), got shapes {a.shape} and {b.shape}")
    q = (1 - confidence) / 2
    lo, hi = np.quantile(a - b, [q, 1 - q])
    return float(lo), float(hi)


def boot_difference(a: dict, b: dict, scale: float = 1.0) -> tuple[float, np.ndarray, tuple[int, int]]:
    """``(value, replicates, n)`` of value(a) − scale·value(b) from two ``{"value", "boot", "n_fake"}`` records whose
    replicates are paired (shared real-side resamples), ready for the ``boot=`` argument of the bootstrap tests:
    ``non_inferiority_bootstrap(v, boot=reps, n=n, margin=...)``."""
    ba, bb = np.asarray(a["boot"], float), scale * np.asarray(b["boot"], float)
    if ba.shape != bb.shape or ba.ndim != 1 or len(ba) < 2:
        raise ValueError(f"need two equal-length replicate lists (≥ 2), got shapes {ba.shape} and {bb.shape}")
    n = (int(a.get("n_fake", len(a["boot"]))), int(b.get("n_fake", len(b["boot"]))))
    return float(a["value"]) - scale * float(b["value"]), ba - bb, n


def compare_boot(a: dict, b: dict, expect: str = "<", confidence: float = 0.95, scale: float = 1.0) -> Comparison:
    """Superiority: is ``value(a) − scale·value(b)`` ``expect`` 0, from two ``{"value", "boot", "n_fake"}`` records
    (paired bootstrap over samples; the real-side resamples are shared)."""
    value, reps, n = boot_difference(a, b, scale)
    c = superiority_bootstrap(value, boot=reps, n=n, better=expect, confidence=confidence)
    return replace(
        c,
        method=f"paired bootstrap over samples ({len(reps)} replicates, {confidence:.0%}; the real-side "
        "resamples are shared)",
    )


def spearman_interval(rho: float, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Fisher-z interval of a Spearman correlation from ``n`` pairs."""
    from scipy import stats

    if n < 4 or not -1 < rho < 1:
        raise ValueError(f"need n >= 4 and |rho| < 1, got n={n}, rho={rho}")
    z, se = math.atanh(rho), math.sqrt(1.06 / (n - 3))
    q = float(stats.norm.ppf(0.5 + confidence / 2))
    return math.tanh(z - q * se), math.tanh(z + q * se)


def compare_spearman(rho: float, n: int, expect: str = ">", than: float = 0.0, confidence: float = 0.95) -> Comparison:
    iv = spearman_interval(rho, n, confidence)
    return Comparison(
        decide(iv, expect, than),
        float(rho),
        iv,
        (int(n),),
        f"Fisher-z interval of Spearman's ρ ({confidence:.0%})",
        expect,
        confidence,
    )


def compare_within(values, target: float, tol: float, confidence: float = 0.95) -> Comparison:
    """Is the mean of ``values`` within ``tol`` of ``target``? Replicated when its t-interval lies inside
    [target − tol, target + tol], not replicated when disjoint from it, else (or with one value) inconclusive.
    ``difference`` is mean − target."""
    m, iv = mean_interval(values, confidence)
    n = len(np.asarray(values).ravel())
    return Comparison(
        within_interval(iv, target, tol),
        m - target,
        iv,
        (n,),
        f"t-interval of the mean over {n} ({confidence:.0%}) inside {target:g} ± {tol:g}",
        "within",
        confidence,
    )


def all_of(decisions) -> str:
    """The decision of a claim that needs every part: not replicated when any part is, replicated when all are,
    else inconclusive."""
    ds = list(decisions)
    if "not replicated" in ds:
        return "not replicated"
    return "replicated" if all(d == "replicated" for d in ds) else "inconclusive"


def combine(comparisons, method: str = "") -> Comparison:
    """A claim that needs every one of ``comparisons``: replicated when all are, not replicated when any is
    not, else inconclusive. The interval and difference are those of the weakest (nearest the boundary) one."""
    cs = list(comparisons)
    if not cs:
        raise ValueError("combine needs at least one comparison")
    decision = all_of(c.decision for c in cs)
    pick = [c for c in cs if c.decision == decision] or cs

    def margin(c):
        if c.interval is None:
            return -math.inf
        return -c.interval[1] if c.expect == "<" else c.interval[0]

    weakest = min(pick, key=margin)
    return replace(
        weakest,
        decision=decision,
        n=tuple(n for c in cs for n in c.n),
        method=method or f"all of {len(cs)} comparisons ({weakest.method})",
    )

"""Noise-aware verdicts: decide a claim only when the difference exceeds its noise, with the test its words need.

A claim's numbers give an interval, not a point: seeds of a training recipe (a t-interval over seeds) or a
bootstrap over the samples a metric is computed from. The decision is three-way:

- ``replicated`` — the interval lies wholly where the claim says;
- ``not replicated`` — it lies wholly on the other side;
- ``inconclusive`` — it straddles the boundary: the difference is within noise.

Five tests, one for each kind of claim (``Comparison.test`` names it; a claim's ``test`` in paper.yaml must match):

- :func:`superiority` / :func:`superiority_bootstrap` — "A is better than B" (paired t over seeds where seeds
  pair, else Welch; a (paired) bootstrap over samples).
- :func:`non_inferiority` / :func:`non_inferiority_bootstrap` — "A is no worse than B" within a declared margin:
  the one-sided upper bound of "how much worse A is" lies below the margin.
- :func:`equivalence` / :func:`equivalence_bootstrap` — "A is about as good as B": TOST, the (1 − 2α) interval of
  the difference lies inside ± margin.
- :func:`trend` / :func:`trend_bootstrap` — "X rises / falls with Y": the OLS slope over all points and its interval.
- :func:`tolerance` — "value ≈ the paper's value": the interval lies inside target ± a declared tolerance.

:func:`family` joins one claim tested at several n, levels or datasets ("all" must hold, or "any" with Holm's
correction); :func:`n_to_decide` says how many seeds or samples per arm would decide an inconclusive comparison at
the observed effect (80 % power). The older building blocks (:func:`compare_seeds`, :func:`compare_bootstrap`,
:func:`compare_mean`) remain, but a claim is decided through one of the five named tests.

The tier then decides whether the decision is shown (:func:`genrep.report.verdict`): the reduced tier and
any tier below a claim's ``min_tier`` say 'not testable at this tier'.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from .tables import DECISIONS, NOT_TESTABLE, TIERS, VERDICTS, highest_tier, testable, tier_rank, verdict

__all__ = [
    "Comparison",
    "DECISIONS",
    "NOT_TESTABLE",
    "TESTS",
    "TIERS",
    "VERDICTS",
    "bootstrap_interval",
    "compare_bootstrap",
    "compare_mean",
    "compare_seeds",
    "decide",
    "equivalence",
    "equivalence_bootstrap",
    "family",
    "highest_tier",
    "holm",
    "mean_interval",
    "n_to_decide",
    "non_inferiority",
    "non_inferiority_bootstrap",
    "superiority",
    "superiority_bootstrap",
    "testable",
    "tier_rank",
    "tolerance",
    "trend",
    "trend_bootstrap",
    "verdict",
    "within_interval",
]

EXPECT = ("<", ">", "within")


TESTS = ("superiority", "non-inferiority", "equivalence", "trend", "tolerance")
BETTER = ("<", ">")


@dataclass(frozen=True)
class Comparison:
    """The outcome of one noise-aware comparison, ready for a :class:`~genrep.report.Check`.

    ``difference`` is the point estimate (mean(a) − mean(b), a slope, a value, or the statistic); ``interval``
    its interval at coverage ``confidence`` (None when it cannot be formed, e.g. one seed); ``n`` the sample
    size per arm. ``test`` names the test (one of :data:`TESTS`, '' for the older building blocks),
    ``margin`` the non-inferiority / equivalence margin or the tolerance, ``target`` the value a tolerance
    is about, ``p`` the one-sided p-value for the claimed direction where defined. ``se`` and ``df`` (the
    standard error and degrees of freedom of ``difference``; df None for a normal / bootstrap interval) and
    ``unit`` ('seeds' or 'samples') let :func:`n_to_decide` scale the noise; ``family`` is 'all' / 'any' for
    a joined family of comparisons.
    """

    decision: str
    difference: float
    interval: tuple[float, float] | None
    n: tuple[int, ...]
    method: str
    expect: str = "<"
    confidence: float = 0.95
    test: str = ""
    margin: float | None = None
    p: float | None = None
    target: float | None = None
    se: float | None = None
    df: float | None = None
    unit: str = ""
    family: str | None = None
    members: tuple = ()

    @property
    def ok(self) -> bool | None:
        """True / False for a decided comparison, None for an inconclusive one."""
        return {"replicated": True, "not replicated": False}.get(self.decision)

    @property
    def alpha(self) -> float:
        """The one-sided level at which ``p`` decides: (1 − coverage of the interval) / 2."""
        return (1 - self.confidence) / 2

    def __str__(self) -> str:
        ci = (
            "no interval"
            if self.interval is None
            else f"{self.confidence:.0%} CI [{self.interval[0]:.4g}, {self.interval[1]:.4g}]"
        )
        n = ", ".join(map(str, self.n))
        p = "" if self.p is None else f"; p = {self.p:.3g}"
        test = f"{self.test}: " if self.test else ""
        return f"{test}{self.decision}: {self.difference:.4g} ({ci}; n = {n}{p}; {self.method})"


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
    return Comparison(decide(interval, expect, than), m, interval, (n,), method, expect, confidence, target=than)


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
    boundary = target if expect == "within" else than
    return Comparison(
        decision, value, interval, tuple(len(s) for s in samples), method, expect, confidence, target=boundary
    )


# -- the five tests ------------------------------------------------------------------------------------------------
def _check_confidence(confidence: float) -> None:
    if not (isinstance(confidence, (int, float)) and 0.5 < confidence < 1):
        raise ValueError(f"confidence must be in (0.5, 1), got {confidence!r}")


def _check_better(better: str) -> None:
    if better not in BETTER:
        raise ValueError(f"better must be '<' (lower is better) or '>' (higher is better), got {better!r}")


def _check_margin(margin, what: str = "margin") -> float:
    ok = isinstance(margin, (int, float)) and not isinstance(margin, bool) and math.isfinite(margin) and margin > 0
    if not ok:
        raise ValueError(f"{what} must be a finite number > 0, got {margin!r}")
    return float(margin)


def _two_arms(a, b, paired: bool) -> tuple[np.ndarray, np.ndarray]:
    a, b = _values(a, "a"), _values(b, "b")
    if len(a) == 0 or len(b) == 0:
        raise ValueError(f"both arms need at least one value (got {len(a)} and {len(b)})")
    if paired and len(a) != len(b):
        raise ValueError(f"paired arms need one value per seed in each, got {len(a)} and {len(b)} values")
    return a, b


def _t_stats(a: np.ndarray, b: np.ndarray, paired: bool) -> tuple[float, float | None, float | None, str]:
    """mean(a) − mean(b), its standard error and degrees of freedom (None, None with fewer than 2 per arm)."""
    diff = float(a.mean() - b.mean())
    if paired:
        d, n = a - b, len(a)
        if n < 2:
            return diff, None, None, "paired t over seeds: fewer than 2 seeds, no interval"
        return diff, float(d.std(ddof=1)) / math.sqrt(n), float(n - 1), f"paired t over {n} seeds"
    na, nb = len(a), len(b)
    if na < 2 or nb < 2:
        return diff, None, None, "Welch t over seeds: fewer than 2 seeds per arm, no interval"
    va, vb = a.var(ddof=1) / na, b.var(ddof=1) / nb
    se = math.sqrt(va + vb)
    df = float(na + nb - 2) if se == 0 else (va + vb) ** 2 / (va**2 / (na - 1) + vb**2 / (nb - 1))
    return diff, se, df, f"Welch t over seeds ({na} and {nb})"


def _quantile(q: float, df: float | None) -> float:
    from scipy import stats

    return float(stats.norm.ppf(q) if df is None else stats.t.ppf(q, df))


def _t_interval(est: float, se: float | None, df: float | None, coverage: float) -> tuple[float, float] | None:
    if se is None:
        return None
    half = _quantile(0.5 + coverage / 2, df) * se
    return (est - half, est + half)


def _p_below(est: float, bound: float, se: float | None, df: float | None) -> float | None:
    """One-sided p-value for 'the true value lies below ``bound``' (None without a standard error)."""
    from scipy import stats

    if se is None:
        return None
    if se == 0:
        return 0.0 if est < bound else 1.0
    z = (est - bound) / se
    return float(stats.norm.cdf(z) if df is None else stats.t.cdf(z, df))


def _decision(test: str, interval, better: str = "<", margin: float | None = None, target: float | None = None):
    if test == "superiority":
        return decide(interval, better, 0.0)
    if test == "non-inferiority":
        return decide(interval, "<", margin)
    if test == "equivalence":
        return within_interval(interval, 0.0, margin) if interval is not None else "inconclusive"
    if test == "trend":
        return decide(interval, better, 0.0)
    if test == "tolerance":
        return within_interval(interval, target, margin)
    raise ValueError(f"unknown test {test!r}; valid tests: {', '.join(TESTS)}")


def superiority(a, b, better: str = "<", paired: bool = False, confidence: float = 0.95) -> Comparison:
    """ "A is better than B" over per-seed values: paired t when seeds pair (same seed, same data order in both
    arms), else Welch. ``better`` is '<' when lower is better (FID), '>' when higher is. Replicated when the
    two-sided ``confidence`` interval of mean(a) − mean(b) lies wholly on the better side of 0, not replicated
    when wholly on the other side; inconclusive otherwise, and with fewer than 2 seeds per arm (no interval)."""
    _check_better(better)
    _check_confidence(confidence)
    a, b = _two_arms(a, b, paired)
    diff, se, df, how = _t_stats(a, b, paired)
    iv = _t_interval(diff, se, df, confidence)
    p = _p_below(diff, 0.0, se, df) if better == "<" else _p_below(-diff, 0.0, se, df)
    return Comparison(
        _decision("superiority", iv, better),
        diff,
        iv,
        (len(a), len(b)),
        f"{how}, {confidence:.0%} interval of A − B",
        better,
        confidence,
        test="superiority",
        p=p,
        se=se,
        df=df,
        unit="seeds",
    )


def non_inferiority(
    a, b, margin: float, better: str = "<", paired: bool = False, confidence: float = 0.95
) -> Comparison:
    """ "A is no worse than B" (by more than ``margin``) over per-seed values.

    ``difference`` is how much worse A is (mean(a) − mean(b) when lower is better, mean(b) − mean(a) when higher
    is): replicated when its one-sided ``confidence`` upper bound lies below ``margin``, not replicated when the
    lower bound lies above it, else inconclusive. The interval stored is the two-sided 1 − 2α interval whose ends
    are those one-sided bounds (90 % for 95 % confidence)."""
    _check_better(better)
    _check_confidence(confidence)
    margin = _check_margin(margin)
    a, b = _two_arms(a, b, paired)
    diff, se, df, how = _t_stats(a, b, paired)
    worse = diff if better == "<" else -diff
    coverage = 2 * confidence - 1
    iv = _t_interval(worse, se, df, coverage)
    return Comparison(
        _decision("non-inferiority", iv, margin=margin),
        worse,
        iv,
        (len(a), len(b)),
        f"{how}; one-sided {confidence:.0%} bound of how much worse A is than B, against margin {margin:g}",
        "<",
        coverage,
        test="non-inferiority",
        margin=margin,
        p=_p_below(worse, margin, se, df),
        se=se,
        df=df,
        unit="seeds",
    )


def equivalence(a, b, margin: float, paired: bool = False, confidence: float = 0.95) -> Comparison:
    """ "A is about as good as B" (TOST): replicated when the 1 − 2α interval of mean(a) − mean(b) (90 % for 95 %
    confidence) lies inside (−margin, margin), not replicated when it lies wholly outside, else inconclusive.
    ``p`` is the larger of the two one-sided p-values."""
    _check_confidence(confidence)
    margin = _check_margin(margin)
    a, b = _two_arms(a, b, paired)
    diff, se, df, how = _t_stats(a, b, paired)
    coverage = 2 * confidence - 1
    iv = _t_interval(diff, se, df, coverage)
    p = None
    if se is not None:
        p = max(_p_below(-diff, margin, se, df), _p_below(diff, margin, se, df))
    return Comparison(
        _decision("equivalence", iv, margin=margin),
        diff,
        iv,
        (len(a), len(b)),
        f"{how}; TOST at {confidence:.0%}: the {coverage:.0%} interval of A − B inside ± {margin:g}",
        "within",
        coverage,
        test="equivalence",
        margin=margin,
        p=p,
        se=se,
        df=df,
        unit="seeds",
    )


def _replicates(stat, samples, paired: bool, n_boot: int, seed: int, boot, n) -> tuple[float, np.ndarray, tuple]:
    """(value, bootstrap replicates, n per sample): resampled here, or given as ``boot`` with ``stat`` a number."""
    if boot is not None:
        if callable(stat):
            raise ValueError("with boot= (precomputed replicates) stat must be the statistic's value, not a function")
        value = float(stat)
        boots = _values(boot, "boot")
        if len(boots) < 2:
            raise ValueError(f"need at least 2 bootstrap replicates, got {len(boots)}")
        if not math.isfinite(value):
            raise ValueError(f"the statistic is not finite: {value}")
        return value, boots, _sizes(n, samples)
    if not callable(stat):
        raise ValueError("stat must be a function of the samples (or pass its replicates as boot=)")
    if not samples:
        raise ValueError("a bootstrap needs at least one sample")
    if n_boot < 2:
        raise ValueError(f"n_boot must be >= 2, got {n_boot}")
    arrays = [np.asarray(s) for s in samples]
    for i, s in enumerate(arrays):
        if s.ndim == 0 or len(s) < 2:
            raise ValueError(f"sample {i} needs at least 2 rows to bootstrap, got shape {s.shape}")
        if np.issubdtype(s.dtype, np.number) and not np.isfinite(s).all():
            raise ValueError(f"sample {i} holds non-finite values")
    if paired and len({len(s) for s in arrays}) > 1:
        raise ValueError(f"a paired bootstrap needs samples of one length, got {[len(s) for s in arrays]}")
    value = float(stat(*arrays))
    if not math.isfinite(value):
        raise ValueError(f"the statistic is not finite on the samples: {value}")
    rng = np.random.default_rng(seed)
    boots = np.empty(n_boot)
    for k in range(n_boot):
        if paired:
            idx = rng.integers(0, len(arrays[0]), len(arrays[0]))
            boots[k] = float(stat(*(s[idx] for s in arrays)))
        else:
            boots[k] = float(stat(*(s[rng.integers(0, len(s), len(s))] for s in arrays)))
    if not np.isfinite(boots).all():
        raise ValueError("the statistic is not finite on some bootstrap resamples")
    return value, boots, _sizes(n, arrays)


def _sizes(n, samples) -> tuple[int, ...]:
    """Sample sizes per arm: ``n`` (an int or a sequence) when given, else the lengths of the samples."""
    if n is None:
        return tuple(len(s) for s in samples)
    return tuple(int(x) for x in (n if isinstance(n, (list, tuple)) else [n]))


def _percentile(boots: np.ndarray, coverage: float) -> tuple[float, float]:
    lo, hi = np.quantile(boots, [(1 - coverage) / 2, (1 + coverage) / 2])
    return float(lo), float(hi)


def _p_boot_below(boots: np.ndarray, bound: float) -> float:
    """Bootstrap one-sided p for 'below ``bound``': the share of replicates at or above it (with +1 smoothing)."""
    return float((1 + np.sum(boots >= bound)) / (len(boots) + 1))


def _boot_method(paired: bool, boots: np.ndarray, what: str) -> str:
    kind = "paired bootstrap over samples (same resampled rows in every sample)" if paired else "bootstrap"
    if not paired:
        kind += " over samples"
    return f"{kind}, {len(boots)} replicates; {what}"


def superiority_bootstrap(
    stat,
    *samples,
    better: str = "<",
    paired: bool = False,
    n_boot: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
    boot=None,
    n=None,
) -> Comparison:
    """ "A is better than B" from a statistic of samples that is a difference (e.g. FID(A) − FID(B)), decided
    from its percentile bootstrap interval against 0 (``better`` as in :func:`superiority`). ``paired`` resamples
    the same rows of every sample (e.g. both methods scored on the same images). With ``boot=`` the bootstrap
    replicates are given (e.g. saved by an arm) and ``stat`` is the statistic's value; ``n=`` the sample sizes."""
    _check_better(better)
    _check_confidence(confidence)
    value, boots, sizes = _replicates(stat, samples, paired, n_boot, seed, boot, n)
    iv = _percentile(boots, confidence)
    p = _p_boot_below(boots, 0.0) if better == "<" else _p_boot_below(-boots, 0.0)
    return Comparison(
        _decision("superiority", iv, better),
        value,
        iv,
        sizes,
        _boot_method(paired, boots, f"{confidence:.0%} percentile interval of A − B"),
        better,
        confidence,
        test="superiority",
        p=p,
        se=float(boots.std(ddof=1)),
        unit="samples",
    )


def non_inferiority_bootstrap(
    stat,
    *samples,
    margin: float,
    better: str = "<",
    paired: bool = False,
    n_boot: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
    boot=None,
    n=None,
) -> Comparison:
    """:func:`non_inferiority` on a bootstrap of ``stat`` (a difference A − B in the metric's units; oriented here
    so that positive means A is worse)."""
    _check_better(better)
    _check_confidence(confidence)
    margin = _check_margin(margin)
    value, boots, sizes = _replicates(stat, samples, paired, n_boot, seed, boot, n)
    sign = 1.0 if better == "<" else -1.0
    worse, wboots = sign * value, sign * boots
    coverage = 2 * confidence - 1
    iv = _percentile(wboots, coverage)
    return Comparison(
        _decision("non-inferiority", iv, margin=margin),
        worse,
        iv,
        sizes,
        _boot_method(
            paired, boots, f"one-sided {confidence:.0%} bound of how much worse A is than B, against margin {margin:g}"
        ),
        "<",
        coverage,
        test="non-inferiority",
        margin=margin,
        p=_p_boot_below(wboots, margin),
        se=float(boots.std(ddof=1)),
        unit="samples",
    )


def equivalence_bootstrap(
    stat,
    *samples,
    margin: float,
    paired: bool = False,
    n_boot: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
    boot=None,
    n=None,
) -> Comparison:
    """:func:`equivalence` (TOST) on the percentile bootstrap interval of ``stat`` (a difference A − B)."""
    _check_confidence(confidence)
    margin = _check_margin(margin)
    value, boots, sizes = _replicates(stat, samples, paired, n_boot, seed, boot, n)
    coverage = 2 * confidence - 1
    iv = _percentile(boots, coverage)
    p = max(_p_boot_below(boots, margin), _p_boot_below(-boots, margin))
    return Comparison(
        _decision("equivalence", iv, margin=margin),
        value,
        iv,
        sizes,
        _boot_method(
            paired, boots, f"TOST at {confidence:.0%}: the {coverage:.0%} interval of A − B inside ± {margin:g}"
        ),
        "within",
        coverage,
        test="equivalence",
        margin=margin,
        p=p,
        se=float(boots.std(ddof=1)),
        unit="samples",
    )


_EXPECT_TREND = {"increasing": ">", "decreasing": "<"}


def _trend_points(levels, values, log: bool) -> tuple[np.ndarray, np.ndarray, tuple[int, ...]]:
    lv = _values(levels, "levels")
    if log:
        if (lv <= 0).any():
            raise ValueError(f"log=True needs levels > 0, got {lv.tolist()}")
        lv = np.log(lv)
    vals = list(values)
    if len(vals) != len(lv):
        raise ValueError(f"need one value (or one list of seed values) per level: {len(lv)} levels, {len(vals)} values")
    xs, ys, counts = [], [], []
    for x, v in zip(lv, vals, strict=True):
        y = _values(v, "values")
        if len(y) == 0:
            raise ValueError(f"level {x:g} has no values")
        xs += [x] * len(y)
        ys += y.tolist()
        counts.append(len(y))
    x, y = np.asarray(xs), np.asarray(ys)
    if len(np.unique(x)) < 2:
        raise ValueError("a trend needs at least 2 distinct levels")
    return x, y, tuple(counts)


def _slope(x: np.ndarray, y: np.ndarray) -> float:
    xc = x - x.mean()
    return float((xc * (y - y.mean())).sum() / (xc**2).sum())


def trend(levels, values, expect: str = "increasing", confidence: float = 0.95, log: bool = False) -> Comparison:
    """ "X rises / falls with Y": the OLS slope of ``values`` on ``levels`` over ALL points (each level may carry a
    list of per-seed values) and its t-interval (N − 2 degrees of freedom). Replicated when the interval excludes 0
    in the ``expect``-ed direction ('increasing' / 'decreasing'), not replicated when it excludes 0 the other way,
    else inconclusive (also with fewer than 3 points). ``log`` regresses on log(level). The points must be
    independent (separate seeds or separate samples); for values that share a unit across levels (one seed
    measured at several levels) use :func:`trend_bootstrap`."""
    if expect not in _EXPECT_TREND:
        raise ValueError(f"expect must be 'increasing' or 'decreasing', got {expect!r}")
    _check_confidence(confidence)
    x, y, counts = _trend_points(levels, values, log)
    slope = _slope(x, y)
    npts = len(x)
    se = df = None
    if npts >= 3:
        resid = y - (y.mean() + slope * (x - x.mean()))
        df = float(npts - 2)
        se = math.sqrt(float((resid**2).sum()) / df / float(((x - x.mean()) ** 2).sum()))
    iv = _t_interval(slope, se, df, confidence)
    better = _EXPECT_TREND[expect]
    p = _p_below(slope, 0.0, se, df) if better == "<" else _p_below(-slope, 0.0, se, df)
    per = "log(level)" if log else "level"
    return Comparison(
        _decision("trend", iv, better),
        slope,
        iv,
        counts,
        f"OLS slope per {per} over all {npts} points at {len(counts)} levels, {confidence:.0%} t-interval"
        + ("" if se is not None else ": fewer than 3 points, no interval"),
        better,
        confidence,
        test="trend",
        p=p,
        se=se,
        df=df,
        unit="seeds",
    )


def trend_bootstrap(
    levels,
    values,
    expect: str = "increasing",
    n_boot: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
    log: bool = False,
    unit: str = "seeds",
) -> Comparison:
    """:func:`trend` when the points are not independent: ``values`` is a [units × levels] array (e.g. each seed,
    or each image, measured at every level); the units are resampled with replacement and the OLS slope over all
    points refitted, giving a percentile interval."""
    if expect not in _EXPECT_TREND:
        raise ValueError(f"expect must be 'increasing' or 'decreasing', got {expect!r}")
    _check_confidence(confidence)
    if n_boot < 2:
        raise ValueError(f"n_boot must be >= 2, got {n_boot}")
    m = np.asarray(values, dtype=np.float64)
    lv = _values(levels, "levels")
    if m.ndim != 2 or m.shape[1] != len(lv):
        raise ValueError(f"values must be [units, levels] with {len(lv)} levels, got shape {m.shape}")
    if not np.isfinite(m).all():
        raise ValueError("values hold non-finite entries")
    if m.shape[0] < 2:
        raise ValueError(f"a bootstrap over units needs at least 2 units, got {m.shape[0]}")
    x = np.log(lv) if log else lv
    if log and (lv <= 0).any():
        raise ValueError(f"log=True needs levels > 0, got {lv.tolist()}")
    if len(np.unique(x)) < 2:
        raise ValueError("a trend needs at least 2 distinct levels")
    xx = np.tile(x, m.shape[0])
    slope = _slope(xx, m.ravel())
    rng = np.random.default_rng(seed)
    boots = np.empty(n_boot)
    for k in range(n_boot):
        boots[k] = _slope(xx, m[rng.integers(0, m.shape[0], m.shape[0])].ravel())
    iv = _percentile(boots, confidence)
    better = _EXPECT_TREND[expect]
    p = _p_boot_below(boots, 0.0) if better == "<" else _p_boot_below(-boots, 0.0)
    return Comparison(
        _decision("trend", iv, better),
        slope,
        iv,
        (m.shape[0],) * len(lv),
        f"OLS slope per {'log(level)' if log else 'level'} over {m.shape[0]} {unit} × {len(lv)} levels; bootstrap "
        f"over {unit} ({n_boot} replicates, {confidence:.0%})",
        better,
        confidence,
        test="trend",
        p=p,
        se=float(boots.std(ddof=1)),
        unit=unit,
    )


def tolerance(values_or_interval, target: float, tol: float, confidence: float = 0.95, estimate=None) -> Comparison:
    """ "value ≈ the paper's value": replicated when the interval of the value lies inside [target − tol,
    target + tol], not replicated when it is disjoint from it, else inconclusive.

    ``values_or_interval`` is either per-seed values (a list or array: the t-interval of their mean; one value
    gives no interval, so inconclusive) or an interval given as a 2-tuple ``(lo, hi)`` (e.g. a bootstrap interval;
    ``(v, v)`` for a quantity without noise), with ``estimate`` its point value (default: the midpoint)."""
    _check_confidence(confidence)
    target = float(target)
    if not math.isfinite(target):
        raise ValueError(f"target must be finite, got {target}")
    if not (isinstance(tol, (int, float)) and math.isfinite(tol) and tol >= 0):
        raise ValueError(f"tol must be a finite number >= 0, got {tol!r}")
    tol = float(tol)
    se = df = p = None
    if isinstance(values_or_interval, tuple):
        if len(values_or_interval) != 2:
            raise ValueError(f"an interval is a 2-tuple (lo, hi), got {values_or_interval!r}")
        lo, hi = sorted(_values(values_or_interval, "interval").tolist())
        iv = (lo, hi)
        est = (lo + hi) / 2 if estimate is None else float(estimate)
        if not math.isfinite(est):
            raise ValueError(f"estimate must be finite, got {estimate}")
        n, how, unit = (), "the given interval", "samples"
    else:
        v = _values(values_or_interval, "values")
        if len(v) == 0:
            raise ValueError("tolerance needs at least one value")
        est = float(v.mean())
        if len(v) >= 2:
            se, df = float(v.std(ddof=1)) / math.sqrt(len(v)), float(len(v) - 1)
        iv = _t_interval(est, se, df, confidence)
        n, unit = (len(v),), "seeds"
        how = f"{confidence:.0%} t-interval of the mean over {len(v)} seeds" + (
            "" if se else ": one value, no interval"
        )
        if se is not None:
            p = max(_p_below(est, target + tol, se, df), _p_below(-est, -(target - tol), se, df))
    return Comparison(
        _decision("tolerance", iv, margin=tol, target=target),
        est,
        iv,
        n,
        f"{how}, inside {target:g} ± {tol:g}",
        "within",
        confidence,
        test="tolerance",
        margin=tol,
        p=p,
        target=target,
        se=se,
        df=df,
        unit=unit,
    )


# -- families --------------------------------------------------------------------------------------------------------
def holm(pvalues) -> list[float]:
    """Holm's step-down adjusted p-values (in the order given)."""
    p = _values(pvalues, "p-values")
    if ((p < 0) | (p > 1)).any():
        raise ValueError(f"p-values must lie in [0, 1], got {p.tolist()}")
    m = len(p)
    order = np.argsort(p, kind="stable")
    adj = np.empty(m)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        adj[i] = running
    return adj.tolist()


def family(comparisons, rule: str = "all", method: str = "") -> Comparison:
    """One claim tested at several n, levels or datasets.

    ``rule="all"``: every member must hold — replicated when all are, not replicated when any is not, else
    inconclusive (an intersection–union test: no correction needed; ``p`` is the largest member p).
    ``rule="any"``: some member suffices — Holm's correction over the members' one-sided p-values: replicated when
    the smallest Holm-adjusted p lies below the members' α, not replicated when every member is not replicated,
    else inconclusive. The interval shown is that of the deciding member (for t-based members, widened to the
    Bonferroni level 1 − 2α/m of the first Holm step)."""
    cs = list(comparisons)
    if rule not in ("all", "any"):
        raise ValueError(f"rule must be 'all' or 'any', got {rule!r}")
    if not cs:
        raise ValueError("a family needs at least one comparison")
    if not all(isinstance(c, Comparison) for c in cs):
        raise ValueError("a family joins Comparison objects")
    tests = {c.test for c in cs}
    if len(tests) != 1 or "" in tests:
        raise ValueError(f"a family's members must share one named test, got {sorted(tests)}")
    if any(c.family for c in cs):
        raise ValueError("a family member is itself a family; join the members directly")
    m = len(cs)
    ns = tuple(x for c in cs for x in c.n)
    if rule == "all":
        ds = [c.decision for c in cs]
        decision = (
            "not replicated"
            if "not replicated" in ds
            else ("replicated" if all(d == "replicated" for d in ds) else "inconclusive")
        )
        pick = [c for c in cs if c.decision == decision] or cs
        weakest = max(pick, key=lambda c: 1.0 if c.p is None else c.p)
        ps = [c.p for c in cs]
        return replace(
            weakest,
            decision=decision,
            n=ns,
            p=None if None in ps else max(ps),
            family="all",
            members=tuple(cs),
            method=method or f"all of {m} must hold (weakest: {weakest.method})",
        )
    if any(c.p is None for c in cs):
        raise ValueError("rule='any' needs a p-value from every member (a member without an interval has none)")
    alphas = {round(c.alpha, 12) for c in cs}
    if len(alphas) != 1:
        raise ValueError(f"members decide at different levels {sorted(alphas)}; use one confidence for all")
    alpha = cs[0].alpha
    adj = holm([c.p for c in cs])
    best = int(np.argmin(adj))
    if adj[best] < alpha:
        decision = "replicated"
    elif all(c.decision == "not replicated" for c in cs):
        decision = "not replicated"
    else:
        decision = "inconclusive"
    pick = cs[best]
    iv = pick.interval
    coverage = pick.confidence
    if pick.se is not None and pick.df is not None and m > 1:
        coverage = 1 - 2 * alpha / m
        centre = pick.difference
        iv = _t_interval(centre, pick.se, pick.df, coverage)
    return replace(
        pick,
        decision=decision,
        interval=iv,
        confidence=coverage,
        n=ns,
        p=float(adj[best]),
        family="any",
        members=tuple(cs),
        method=method
        or f"any of {m} (Holm-adjusted p = {adj[best]:.3g} against α = {alpha:.3g}; member {best + 1}: {pick.method})",
    )


# -- what would decide it --------------------------------------------------------------------------------------------
def _boundary_distance(c: Comparison) -> float:
    d = c.difference
    if c.test in ("superiority", "trend") or (c.test == "" and c.expect in BETTER):
        return abs(d - (c.target or 0.0))  # target: the threshold a mean is compared with (0 for a difference)
    if c.test == "non-inferiority":
        return abs(c.margin - d)
    if c.test == "equivalence":
        return abs(c.margin - abs(d))
    if c.test == "tolerance" or (c.test == "" and c.expect == "within"):
        if c.target is None or c.margin is None:
            raise ValueError("n_to_decide: a 'within' comparison without target and tolerance")
        return min(abs(d - (c.target - c.margin)), abs(d - (c.target + c.margin)))
    raise ValueError(f"n_to_decide: unknown test {c.test!r}")


def n_to_decide(comparison: Comparison, kind: str = "seeds", power: float = 0.8, max_n: int = 100_000) -> int | None:
    """Seeds (``kind='seeds'``) or samples (``kind='samples'``) per arm that would decide ``comparison`` with
    ``power`` (80 %) if the true effect were the one observed.

    The noise is scaled from the comparison's own: its standard error (or the half-width of its interval) shrinks
    as 1/√n. Seeds use the t distribution with degrees of freedom scaled with n; samples the normal approximation
    of a bootstrap interval. None when there is no interval to scale, when the observed effect sits exactly on the
    decision boundary, or when more than ``max_n`` would be needed."""
    from scipy import stats

    if kind not in ("seeds", "samples"):
        raise ValueError(f"kind must be 'seeds' or 'samples', got {kind!r}")
    if not 0 < power < 1:
        raise ValueError(f"power must be in (0, 1), got {power}")
    if not isinstance(comparison, Comparison):
        raise ValueError(f"n_to_decide needs a Comparison, got {type(comparison).__name__}")
    if comparison.family:
        raise ValueError("n_to_decide: ask for the members of a family, not the family")
    if comparison.interval is None or not comparison.n:
        return None
    delta = _boundary_distance(comparison)
    if not delta > 0:
        return None
    alpha = comparison.alpha
    se0 = comparison.se
    if se0 is None:
        lo, hi = comparison.interval
        se0 = (hi - lo) / 2 / _quantile(1 - alpha, comparison.df)
    if se0 == 0:
        return int(max(comparison.n))
    n0 = float(np.mean(comparison.n))
    if kind == "samples" or comparison.df is None:
        z = float(stats.norm.ppf(1 - alpha) + stats.norm.ppf(power))
        n = math.ceil(n0 * (z * se0 / delta) ** 2)
        return n if n <= max_n else None
    df0 = comparison.df
    for n in range(2, max_n + 1):
        df = max(1.0, df0 * (n - 1) / (n0 - 1)) if n0 > 1 else float(n - 1)
        if (_quantile(1 - alpha, df) + _quantile(power, df)) * se0 * math.sqrt(n0 / n) <= delta:
            return n
    return None

"""Runs of several arms over several seeds, as summary notebooks read them back.

A training notebook stores one result per run under the key ``"<arm>-s<seed>"`` (e.g. ``"S1-BEST-s2"``),
each holding per-extractor score dicts (``{"scores": {"inception": {"mifid": …, "fd": …, "kid": …,
"distance": …}}}``). :class:`SeededRuns` answers what every summary used to write again by hand: which
arms ran with how many seeds, an arm's mean and 95 % interval over seeds, and a direction between two arms
decided against the seed noise on the metric chosen from those two arms
(:func:`genrep.report.guards.lower_on_own_metric`). Arms run with the same seeds are compared **paired**: a seed
fixes the initial weights (identical for arms of one architecture) and the data order, so the per-seed
differences carry less noise than the arms do (a t-interval of their mean, :func:`genrep.report.compare_mean`);
otherwise Welch's interval of the difference of means (:func:`genrep.report.compare_seeds`). :func:`seed_dots`
draws the per-seed values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .guards import lower_on_own_metric
from .verdicts import Comparison, compare_mean, compare_seeds, mean_interval

_KEY = re.compile(r"^(?P<arm>.+)-s(?P<seed>\d+)$")


def split_key(key: str) -> tuple[str, int]:
    """``"S1-BEST-s2"`` → ``("S1-BEST", 2)``."""
    m = _KEY.match(key)
    if not m:
        raise ValueError(f"run key {key!r} is not '<arm>-s<seed>'")
    return m["arm"], int(m["seed"])


@dataclass(frozen=True)
class Direction:
    """'a < b' on ``metric`` (the score key chosen from the two arms): the means, whether they point the
    claimed way, and the seed-noise ``comparison`` that decides a verdict (None when either arm did not run)."""

    a: str
    b: str
    mean_a: float | None
    mean_b: float | None
    ok: bool | None
    metric: str | None
    comparison: Comparison | None

    @property
    def decision(self) -> str | None:
        return self.comparison.decision if self.comparison is not None else None


class SeededRuns:
    """Per-seed results keyed ``"<arm>-s<seed>"``; ``primary`` is the extractor used when none is named."""

    def __init__(self, results: Mapping[str, Mapping], primary: str):
        self.results = dict(results)
        self.primary = primary
        for k in self.results:
            split_key(k)  # every key must parse

    def arms(self) -> list[str]:
        return list(dict.fromkeys(split_key(k)[0] for k in self.results))

    def keys(self, arm: str) -> list[str]:
        return [k for k in self.results if split_key(k)[0] == arm]

    def n_seeds(self, arm: str) -> int:
        return len(self.keys(arm))

    def first(self, arm: str) -> Mapping | None:
        """The result of the arm's first seed (for its config, strips, ...), or None when it did not run."""
        ks = self.keys(arm)
        return self.results[ks[0]] if ks else None

    def scores(self, arm: str, ext: str | None = None) -> list[Mapping]:
        """The per-seed score dicts of ``arm`` for extractor ``ext`` (the primary one by default)."""
        return [self.results[k]["scores"][ext or self.primary] for k in self.keys(arm)]

    def seeds(self, arm: str) -> list[int]:
        return [split_key(k)[1] for k in self.keys(arm)]

    def values(self, arm: str, what: str = "mifid", ext: str | None = None) -> list[float]:
        """Per-seed values of a score (``what`` in the extractor's score dict) or of a run-level number (e.g.
        ``change_mean``, read from the result itself when the score dict has no such key)."""
        ext = ext or self.primary
        out = []
        for k in self.keys(arm):
            r = self.results[k]
            sc = r["scores"][ext]
            out.append(float(sc[what] if what in sc else r[what]))
        return out

    def mean(self, arm: str, what: str = "mifid", ext: str | None = None) -> float | None:
        v = self.values(arm, what, ext)
        return float(np.mean(v)) if v else None

    def spread(self, arm: str, what: str = "mifid", ext: str | None = None) -> str:
        """'95 % CI over n seeds [lo, hi]', or '' with fewer than two seeds."""
        v = self.values(arm, what, ext)
        if len(v) < 2:
            return ""
        _, (lo, hi) = mean_interval(v)
        return f"95 % CI over {len(v)} seeds [{lo:.4g}, {hi:.4g}]"

    def direction(
        self, a: str, b: str, a_scores=None, b_scores=None, eps: float = 0.1, paired: bool = True
    ) -> Direction:
        """Is arm ``a`` lower than arm ``b``? The metric is chosen from these two arms only. The verdict comes from
        the per-seed values: paired differences when both arms ran the same seeds (and ``paired``), else Welch's
        interval of the difference of means; inconclusive below two seeds. Explicit ``a_scores`` / ``b_scores``
        (score dicts without seed keys) are compared unpaired."""
        explicit = a_scores is not None or b_scores is not None
        sa = list(a_scores) if a_scores is not None else self.scores(a)
        sb = list(b_scores) if b_scores is not None else self.scores(b)
        ok, va, vb, judge = lower_on_own_metric(sa, sb, eps)
        if judge is None:
            return Direction(a, b, va, vb, ok, judge, None)
        xa, xb = [s[judge] for s in sa], [s[judge] for s in sb]
        if explicit:
            return Direction(a, b, va, vb, ok, judge, compare_seeds(xa, xb, "<"))
        return Direction(a, b, va, vb, ok, judge, self.compare(a, b, judge, paired=paired))

    def compare(
        self, a: str, b: str, what: str = "mifid", ext: str | None = None, expect: str = "<", paired: bool = True
    ) -> Comparison:
        """Is ``what`` of arm a ``expect`` (``<`` / ``>``) that of arm b? Paired over seeds when both arms ran the
        same (≥ 2) seeds and ``paired``; else Welch's interval of the difference of means."""
        xa, xb = self.values(a, what, ext), self.values(b, what, ext)
        seeds_a, seeds_b = self.seeds(a), self.seeds(b)
        if paired and len(seeds_a) >= 2 and sorted(seeds_a) == sorted(seeds_b):
            by_b = dict(zip(seeds_b, xb, strict=False))
            c = compare_mean([x - by_b[sd] for sd, x in zip(seeds_a, xa, strict=False)], expect, 0.0)
            return Comparison(
                c.decision,
                c.difference,
                c.interval,
                (len(xa), len(xb)),
                f"paired over seeds {sorted(seeds_a)} (same seed, same initial weights and data order): " + c.method,
                c.expect,
                c.confidence,
            )
        return compare_seeds(xa, xb, expect)


def seed_dots(ax, groups: Mapping[str, list[float]], ylabel: str, title: str = ""):
    """Per-seed values of each group as dots, with the mean and its 95 % t-interval as a bar."""
    for i, (_name, vals) in enumerate(groups.items()):
        v = np.asarray(vals, dtype=float)
        if not len(v):
            continue
        ax.scatter(np.full(len(v), i) + np.linspace(-0.08, 0.08, len(v)), v, s=14, color="0.35", zorder=3)
        m, ci = mean_interval(v)
        if ci is not None:
            ax.errorbar(i, m, yerr=[[m - ci[0]], [ci[1] - m]], fmt="_", color="C3", markersize=16, capsize=4, zorder=4)
        else:
            ax.plot(i, m, "_", color="C3", markersize=16, zorder=4)
    ax.set_xticks(range(len(groups)), list(groups), rotation=20, ha="right", fontsize=7)
    ax.set(ylabel=ylabel, title=title)
    return ax

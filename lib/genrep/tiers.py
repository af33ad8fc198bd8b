"""The tiers of a replication, in one place: their names, their order and the one validator.

``reduced`` (CPU smoke, never decides a claim) < ``cpu`` (≤ 60 min on 2 cores, real data) < ``budget`` (≤ 8 min on
one H100) < ``full`` (the paper's own settings). Everything else that speaks of tiers imports from here.
"""

from __future__ import annotations

import difflib

TIERS = ("reduced", "cpu", "budget", "full")  # in increasing order of scale: reduced < cpu < budget < full


def validate_tier(tier: str, where: str = "") -> str:
    """``tier`` itself when it names a tier; else a ValueError listing the tiers (and the closest name)."""
    if tier in TIERS:
        return tier
    close = difflib.get_close_matches(str(tier), TIERS, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise ValueError(f"{where}unknown tier {tier!r}{hint}; valid tiers: {', '.join(TIERS)}")


def tier_rank(tier: str) -> int:
    """Position of ``tier`` in :data:`TIERS` (reduced = 0); a clear ValueError for an unknown name."""
    return TIERS.index(validate_tier(tier))


def highest_tier(tiers) -> str | None:
    """The highest of ``tiers`` (full > budget > cpu > reduced); None when there are none."""
    tiers = list(tiers)
    return max(tiers, key=tier_rank) if tiers else None

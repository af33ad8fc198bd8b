"""Reporting: replication tables (paper vs ours), headline checks, noise-aware verdicts, declared claims,
figures, provenance, the book pages."""

from .checks import Check, checks_frame, format_interval, load_checks, write_checks
from .claims import Claim, Paper, PaperNumber, claim, load_paper, paper_number
from .figures import grid, minmax_uint8, save_figure, show_grid
from .provenance import run_record, source_hash
from .results import Results
from .tables import (
    DECISIONS,
    NOT_TESTABLE,
    TIER_NOTE,
    TIERS,
    VERDICTS,
    Cell,
    ReplicationTable,
    highest_tier,
    testable,
    tier_rank,
    verdict,
    within,
)
from .verdicts import (
    Comparison,
    bootstrap_interval,
    compare_bootstrap,
    compare_mean,
    compare_seeds,
    decide,
    mean_interval,
    within_interval,
)

__all__ = [
    "Cell",
    "Check",
    "Claim",
    "Comparison",
    "DECISIONS",
    "NOT_TESTABLE",
    "Paper",
    "PaperNumber",
    "ReplicationTable",
    "Results",
    "TIERS",
    "TIER_NOTE",
    "VERDICTS",
    "bootstrap_interval",
    "checks_frame",
    "claim",
    "compare_bootstrap",
    "compare_mean",
    "compare_seeds",
    "mean_interval",
    "decide",
    "format_interval",
    "grid",
    "highest_tier",
    "load_checks",
    "load_paper",
    "minmax_uint8",
    "paper_number",
    "run_record",
    "save_figure",
    "show_grid",
    "source_hash",
    "testable",
    "tier_rank",
    "verdict",
    "within",
    "within_interval",
    "write_checks",
]

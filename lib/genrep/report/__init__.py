"""Reporting: replication tables (paper vs ours), headline checks, figures, provenance, the book pages."""
from .checks import Check, checks_frame, load_checks, write_checks
from .figures import grid, minmax_uint8, save_figure, show_grid
from .provenance import run_record, source_hash
from .results import Results
from .tables import TIER_NOTE, TIERS, VERDICTS, Cell, ReplicationTable, verdict, within

__all__ = [
    "Cell", "Check", "ReplicationTable", "Results", "TIERS", "TIER_NOTE", "VERDICTS", "checks_frame", "grid",
    "load_checks", "minmax_uint8", "run_record", "save_figure", "show_grid", "source_hash", "verdict", "within", "write_checks",
]

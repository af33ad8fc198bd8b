"""The handle a notebook uses to write its results: metrics JSON, tables CSV, figures PNG, checks."""
from __future__ import annotations

import json
from pathlib import Path

from .checks import Check, write_checks
from .figures import save_figure
from .provenance import write_json
from .tables import TIERS, ReplicationTable


class Results:
    """``Results(results_dir, tier)`` — everything a notebook saves goes through here.

    ``results_dir`` is injected by the runner (``results/<chapter>/<tier>/<arm>/``); sibling arms of the
    same chapter and tier are reachable with :meth:`arm` (a summary notebook reads them).
    """

    def __init__(self, results_dir: str | Path, tier: str, chapter: str | None = None):
        if tier not in TIERS:
            raise ValueError(f"unknown tier {tier!r}; valid tiers: {', '.join(TIERS)}")
        self.dir = Path(results_dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.tier = tier
        self.chapter = chapter or self.dir.parent.parent.name

    # -- metrics ---------------------------------------------------------------------------------
    def save_metrics(self, **values) -> None:
        """Merge ``values`` into ``metrics.json`` (returns nothing, so a notebook's last line shows nothing)."""
        path = self.dir / "metrics.json"
        cur = json.loads(path.read_text()) if path.exists() else {}
        cur.update(values)
        write_json(path, _plain(cur))

    def metrics(self, arm: str | None = None) -> dict:
        """Read ``metrics.json`` of this arm, or of a sibling arm (clear error when it has not run)."""
        d = self.arm(arm) if arm else self.dir
        path = d / "metrics.json"
        if not path.exists():
            raise FileNotFoundError(
                f"no results for arm {d.name!r} at {path}: run that notebook first "
                f"(make replicate CHAPTER={self.chapter} CONFIG={self.tier})")
        return json.loads(path.read_text())

    def arm(self, name: str) -> Path:
        return self.dir.parent / name

    def arms_of(self, notebook: str) -> list[str]:
        """Names of the sibling arms that ran ``notebook`` (``notebook`` itself or ``notebook-<arm>``)."""
        return sorted(p.parent.name for p in self.dir.parent.glob("*/metrics.json")
                      if p.parent.name == notebook or p.parent.name.startswith(notebook + "-"))

    # -- tables, figures, checks ---------------------------------------------------------------
    def save_table(self, table: ReplicationTable) -> Path:
        if table.tier != self.tier:
            raise ValueError(f"table {table.name!r} is labelled tier {table.tier!r} but this run is {self.tier!r}")
        return table.save(self.dir)

    def save_figure(self, fig, name: str, dpi: int = 90) -> Path:
        return save_figure(fig, self.dir, name, dpi=dpi)

    def write_checks(self, checks: list[Check], data_note: str = "") -> Path:
        return write_checks(self.dir, self.chapter, self.tier, checks, data_note)


def _plain(o):
    """Convert numpy / torch scalars and arrays inside nested containers into JSON-friendly values."""
    if isinstance(o, dict):
        return {str(k): _plain(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_plain(v) for v in o]
    if hasattr(o, "tolist") and not isinstance(o, (str, bytes)):
        return o.tolist()
    return o

"""The handle a notebook uses to write its results: metrics JSON, tables CSV, figures PNG, checks."""

from __future__ import annotations

import json
from pathlib import Path

from .checks import Check, write_checks
from .claims import Paper, load_paper
from .figures import save_figure
from .provenance import write_json
from .strips import load_strip, save_strip
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

    def paper(self) -> Paper:
        """The chapter's declared paper numbers and claims (``chapters/<chapter>/paper.yaml``)."""
        return load_paper(self.chapter)

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
                f"(make replicate CHAPTER={self.chapter} CONFIG={self.tier})"
            )
        return json.loads(path.read_text())

    def arm(self, name: str) -> Path:
        return self.dir.parent / name

    def arms_of(self, notebook: str) -> list[str]:
        """Names of the sibling arms that ran ``notebook`` (``notebook`` itself or ``notebook-<arm>``)."""
        return sorted(
            p.parent.name
            for p in self.dir.parent.glob("*/metrics.json")
            if p.parent.name == notebook or p.parent.name.startswith(notebook + "-")
        )

    # -- small arrays a summary notebook re-reads (text and PNG, never .npy/.pt in results) ------------
    def save_images(self, name: str, images) -> Path:
        """Save uint8 images (N, C, H, W), C in {1, 3}, losslessly at full size as one PNG strip ``<name>.png``."""
        return save_strip(self.dir / f"{name}.png", images, max_side=None)

    def load_images(self, name: str, arm: str | None = None):
        """The uint8 tensor (N, C, H, W) saved by :meth:`save_images` in this or a sibling arm; None if absent."""
        path = (self.arm(arm) if arm else self.dir) / f"{name}.png"
        return load_strip(path) if path.exists() else None

    def save_values(self, name: str, values, digits: int = 5) -> Path:
        """Save a 1-d array of floats as ``<name>.json`` (rounded to ``digits`` significant digits)."""
        import numpy as np

        v = np.asarray(values.detach().cpu() if hasattr(values, "detach") else values, dtype=np.float64).ravel()
        path = self.dir / f"{name}.json"
        write_json(path, [float(f"{x:.{digits}g}") for x in v])
        return path

    def load_values(self, name: str, arm: str | None = None):
        """The array saved by :meth:`save_values` in this or a sibling arm; None if absent."""
        import numpy as np

        path = (self.arm(arm) if arm else self.dir) / f"{name}.json"
        return np.asarray(json.loads(path.read_text()), dtype=np.float64) if path.exists() else None

    # -- tables, figures, checks ---------------------------------------------------------------
    def save_table(self, table: ReplicationTable) -> Path:
        if table.tier != self.tier:
            raise ValueError(f"table {table.name!r} is labelled tier {table.tier!r} but this run is {self.tier!r}")
        return table.save(self.dir)

    def save_figure(self, fig, name: str, dpi: int = 90) -> Path:
        return save_figure(fig, self.dir, name, dpi=dpi)

    def show_figure(self, fig, name: str, dpi: int = 90) -> None:
        """``save_figure`` and then show the figure below the cell (``plt.show()``)."""
        import matplotlib.pyplot as plt

        self.save_figure(fig, name, dpi)
        plt.show()

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

"""What every chapter's summary notebook does, written once: read the arms' metrics, quote the paper's declared
numbers, build replication tables, decide the declared claims into checks, draw image-strip figures, and write
``checks.json``.

    s = Summary(results_dir, tier)                  # Results + paper.yaml + the checks gathered so far
    s.P("fid_e10"), s.X("fid_e10")                  # a paper number verbatim / as a float
    t = s.table("3_1", "MiFID by batch size", "Dimitriu (2024), Table 3.1", data_note)
    t.add(...); s.show(t)                           # saved as CSV + markdown, displayed
    s.check("oai_helps", paper_text, ok, ours)      # a declared claim: its text, id, metric, minimal tier
    s.decide("oai_helps", paper_text, comparison)   # ... decided by a noise-aware Comparison
    s.strips("table_3_3", "Table 3.3", [(label, uint8 images), ...])
    s.finish(data_note)                             # checks.json, and the checks as a frame for the page

Chapter-specific reading of the arms' metrics stays in the notebook or in ``genrep.report.papers``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .checks import Check, checks_frame
from .claims import Paper
from .figures import show_grid
from .results import Results
from .tables import ReplicationTable


class Summary:
    """One summary notebook's state: ``res`` (:class:`Results`), ``paper`` (paper.yaml), ``checks`` so far.

    ``data`` maps a claim-id prefix to the data label its checks carry (the longest matching prefix wins);
    ``data_note`` is the default label of tables and of ``checks.json``."""

    def __init__(self, results_dir, tier: str, data_note: str = "", data: dict[str, str] | None = None):
        self.res = Results(results_dir, tier)
        self.tier = tier
        self.paper: Paper = self.res.paper()
        self.data_note = data_note
        self.data = dict(data or {})
        self.checks: list[Check] = []

    # -- paper numbers and our arms ----------------------------------------------------------------
    def P(self, id: str) -> str:
        """A paper number, verbatim as printed (paper.yaml)."""
        return str(self.paper.number(id))

    def X(self, id: str) -> float:
        """A paper number as a float."""
        return float(self.paper.number(id))

    def metrics(self, arm: str, optional: bool = False) -> dict | None:
        """An arm's metrics.json; with ``optional`` None when the arm has not run at this tier."""
        try:
            return self.res.metrics(arm)
        except FileNotFoundError:
            if optional:
                return None
            raise

    def arms(self, notebook: str) -> dict[str, dict]:
        """``{arm: metrics}`` of every arm of ``notebook`` that ran at this tier."""
        return {a: self.res.metrics(a) for a in self.res.arms_of(notebook)}

    # -- tables -----------------------------------------------------------------------------------
    def table(self, name: str, title: str, source: str, data_note: str | None = None) -> ReplicationTable:
        return ReplicationTable(name, title, source, self.tier, self.data_note if data_note is None else data_note)

    def show(self, *tables: ReplicationTable) -> None:
        """Save each table (CSV + markdown) and display it."""
        from IPython.display import display

        for t in tables:
            self.res.save_table(t)
            display(t)

    def frame(self, df, name: str):
        """Save a plain DataFrame as ``<name>.csv`` beside the tables and return it for display."""
        df.to_csv(self.res.dir / f"{name}.csv", index=False)
        return df

    # -- claims -----------------------------------------------------------------------------------
    def data_of(self, cid: str) -> str:
        keys = [k for k in self.data if cid == k or cid.startswith(k)]
        return self.data[max(keys, key=len)] if keys else ""

    def check(
        self, cid: str, paper_text, ok: bool | None = None, ours: dict | None = None, note: str = "", **kw
    ) -> Check:
        """Add a check of the claim ``cid`` declared in paper.yaml. The declaration gives the id, the minimal
        tier and, unless passed, the text (``text=``, with an optional ``prefix=``), the metric and the data.
        With ``comparison=`` (a :class:`~genrep.report.Comparison`) its decision, interval and n decide it."""
        c = self.paper.claim(cid)
        text = kw.pop("prefix", "") + (kw.pop("text", None) or c.text)
        if kw.get("metric") is None:
            kw["metric"] = c.metric
        if self.data:
            kw.setdefault("data", self.data_of(cid))
        kw.update(claim_id=c.id, min_tier=c.min_tier)
        comparison = kw.pop("comparison", None)
        if comparison is not None:
            chk = Check.from_comparison(text, str(paper_text), self.tier, comparison, ours, note=note, **kw)
        else:
            chk = Check(text, str(paper_text), ok, self.tier, dict(ours or {}), note, **kw)
        self.checks.append(chk)
        return chk

    def decide(self, cid: str, paper_text, comparison, ours: dict | None = None, note: str = "", **kw) -> Check:
        """:meth:`check` decided by ``comparison``, with its interval shown beside the numbers."""
        ours = {**(ours or {}), "95% CI": comparison.interval}
        return self.check(cid, paper_text, None, ours, note, comparison=comparison, **kw)

    def finish(self, data_note: str | None = None):
        """Write checks.json and return the checks as a frame (the notebook's last line shows it)."""
        self.res.write_checks(self.checks, data_note=self.data_note if data_note is None else data_note)
        return checks_frame(self.checks)

    # -- figures ----------------------------------------------------------------------------------
    def strips(self, name: str, title: str, rows: Sequence[tuple[str, object]], nrow: int | None = None):
        """One figure of labelled image strips (uint8 [N, C, H, W] each; rows whose images are None are left
        out), titled with the tier, saved as ``<name>.png`` and shown."""
        import matplotlib.pyplot as plt

        rows = [(lab, x) for lab, x in rows if x is not None]
        if not rows:
            print(f"{title}: no images at the {self.tier} tier")
            return None
        width = max(len(x) if nrow is None else min(nrow, len(x)) for _, x in rows)
        fig, axes = plt.subplots(len(rows), 1, figsize=(1.2 * width + 1, 1.35 * len(rows)), squeeze=False)
        for ax, (lab, x) in zip(axes[:, 0], rows, strict=True):
            show_grid(ax, x, nrow=nrow or len(x), title=lab)
        fig.suptitle(f"{title} — {self.tier} tier", fontsize=8)
        self.res.save_figure(fig, name)
        plt.show()
        return fig

    def closing(self, rows: Iterable[Sequence], header: Sequence[str], intro: str = ""):
        """A markdown table (e.g. which tier produced each table and whether its direction held), displayed."""
        from IPython.display import Markdown, display

        lines = [intro, ""] if intro else []
        lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(str(v) for v in r) + " |" for r in rows]
        display(Markdown("\n".join(lines)))

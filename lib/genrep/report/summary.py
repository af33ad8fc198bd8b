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

import hashlib
import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from .checks import Check, checks_frame
from .claims import Paper
from .figures import show_figure, show_grid
from .results import Results
from .tables import NOT_COMPUTED, ReplicationTable, testable
from .verdicts import Comparison, n_to_decide


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
        """Save a plain DataFrame as ``<name>.csv`` beside the tables and return it for display: still the
        DataFrame, shown through :func:`genrep.report.render.frame_html` (integers as integers, 4 significant
        figures, no NaN, at most 8 columns per table)."""
        from .render import formatted

        df.to_csv(self.res.dir / f"{name}.csv", index=False)
        return formatted(df)

    # -- claims and sanity checks ---------------------------------------------------------------------------------
    def data_of(self, cid: str) -> str:
        keys = [k for k in self.data if cid == k or cid.startswith(k)]
        return self.data[max(keys, key=len)] if keys else ""

    def check(
        self, cid: str, paper_text, ok: bool | None = None, ours: dict | None = None, note: str = "", **kw
    ) -> Check:
        """A declared sanity check (``ok`` pass / fail; as :meth:`sanity`), or a claim decided by
        ``comparison=`` (as :meth:`decide`). A bare ``ok`` for a claim is refused: a claim is decided by one of the
        named tests."""
        if cid in self.paper.sanity:
            value = kw.pop("value", None)
            if value is None:
                value = ", ".join(f"{k}={v}" for k, v in (ours or {}).items()) or str(paper_text or "")
            if kw:
                raise ValueError(f"sanity check {cid!r}: unexpected arguments {', '.join(kw)}")
            return self.sanity(cid, ok, value, note)
        c = self.paper.claim(cid)
        comparison = kw.pop("comparison", None)
        if comparison is None:
            raise ValueError(
                f"claim {cid!r} ({self.paper.path}) is decided with s.decide(cid, paper_text, comparison) and a "
                f"Comparison of its test {c.test!r}; a bare ok is for sanity checks (s.sanity), and a claim "
                "that did not run takes s.not_run(cid, why)"
            )
        return self.decide(cid, paper_text, comparison, ours, note, **kw)

    def decide(
        self,
        cid: str,
        paper_text,
        comparison: Comparison,
        ours: dict | None = None,
        note: str = "",
        premise: tuple[str, bool | None] | None = None,
        interval_of: str = "",
        arms: Sequence[str] | None = None,
        unit_cost_s: float | None = None,
        **kw,
    ) -> Check:
        """Decide the declared claim ``cid`` by ``comparison`` (a :class:`~genrep.report.Comparison` from one of the
        named tests), with its interval shown beside the numbers.

        Raises when the comparison's test, margin, tolerance or family differ from the claim's declaration.
        ``premise=(measured value, met)`` is required when the claim declares a premise: when it is not met (or
        ``met`` is None: not measured) the verdict is 'not testable at this tier' and the outcome is kept.
        ``interval_of`` says what the interval is an interval of (default: the comparison's method). ``arms``
        (the arms behind the verdict) are checked to come from one commit (:meth:`same_commit`), and their measured
        wall time prices what would decide an inconclusive claim (``unit_cost_s``: seconds per extra seed or
        sample per arm, when known otherwise). ``text=`` / ``prefix=`` / ``metric=`` / ``data=`` override the
        declaration's."""
        if not isinstance(comparison, Comparison):
            raise ValueError(f"claim {cid!r}: comparison must be a Comparison, got {type(comparison).__name__}")
        c = self.paper.claim(cid)
        _validate_test(c, comparison, self.paper.path)
        if arms:
            self.same_commit(arms)
        prem = _premise(c, premise, self.paper.path)
        key = f"{comparison.confidence * 100:.3g}% CI"
        ours = {**(ours or {}), key: comparison.interval}
        text = kw.pop("prefix", "") + (kw.pop("text", None) or c.text)
        if kw.get("metric") is None:
            kw["metric"] = c.metric
        if self.data:
            kw.setdefault("data", self.data_of(cid))
        kw.update(claim_id=c.id, min_tier=c.min_tier, ours_claim=c.ours, premise=prem)
        kw.setdefault("needs", c.needs or None)
        if c.family:
            kw.setdefault("family", c.family)
        if interval_of:
            kw["interval_of"] = interval_of
        if comparison.decision == "inconclusive":
            kw.setdefault("decide_with", self._decide_with(comparison, arms, unit_cost_s))
        chk = Check.from_comparison(text, str(paper_text), self.tier, comparison, ours, note=note, **kw)
        self.checks.append(chk)
        return chk

    def sanity(self, sid: str, ok: bool | None, value="", note: str = "") -> Check:
        """A declared sanity check (paper.yaml ``sanity:``): pass / fail (``ok``; None when it could not run),
        with the measured ``value``. Never a verdict, never on the scoreboard."""
        sc = self.paper.sanity_check(sid)
        if ok is not None and not isinstance(ok, (bool, np.bool_)):
            raise ValueError(f"sanity check {sid!r}: ok must be True, False or None, got {ok!r}")
        chk = Check(
            sc.text,
            "",
            ok,
            self.tier,
            {},
            note or sc.why,
            min_tier=sc.min_tier,
            claim_id=sc.id,
            kind="sanity",
            value=_value_text(value),
        )
        self.checks.append(chk)
        return chk

    def not_run(self, cid: str, why: str, needs: str | None = None) -> Check:
        """A declared claim (or sanity check) whose inputs did not run at this tier: 'not testable at this tier'
        (a sanity check: 'not run'), with ``why`` as its note and what it ``needs`` (default: the declaration's
        ``needs``) — it never disappears from the page."""
        if not isinstance(why, str) or not why.strip():
            raise ValueError(f"{cid!r}: not_run needs a reason (why)")
        if cid in self.paper.sanity:
            return self.sanity(cid, None, "not run at this tier", why)
        c = self.paper.claim(cid)
        chk = Check(
            c.text,
            "",
            None,
            self.tier,
            {},
            why,
            metric=c.metric,
            min_tier=c.min_tier,
            data=self.data_of(cid) if self.data else "",
            claim_id=c.id,
            test=c.test,
            margin=c.margin,
            tolerance=c.tolerance if c.test == "tolerance" else None,
            family=c.family,
            needs=needs or c.needs or (why if testable(self.tier, c.min_tier) else None),
            ours_claim=c.ours,
        )
        self.checks.append(chk)
        return chk

    def same_commit(self, arms: Sequence[str]) -> str | None:
        """Refuse to join arms (seeds, arms) made by different versions of the code behind one verdict
        (:func:`same_commit` on this chapter's arm folders); returns a commit of theirs (None when no record
        says)."""
        return same_commit([self.res.arm(a) for a in arms])

    def _decide_with(self, comparison: Comparison, arms, unit_cost_s: float | None) -> str | None:
        members = comparison.members or (comparison,)
        unit = comparison.unit or "seeds"
        needs = []
        for m in members:
            if comparison.family and m.decision != "inconclusive" and comparison.family == "all":
                continue
            try:
                needs.append((n_to_decide(m, unit), m))
            except ValueError:
                continue
        needs = [(n, m) for n, m in needs if n is not None]
        if not needs:
            return None
        pick = max if comparison.family == "all" else min
        n, m = pick(needs, key=lambda t: t[0])
        have = max(m.n) if m.n else 0
        text = f"{n} {unit} per arm would decide it at the observed effect (80% power; now {have})"
        cost = unit_cost_s
        if cost is None and arms and unit == "seeds":
            walls = [_wall_s(self.res.arm(a)) for a in arms]
            walls = [w for w in walls if w is not None]
            cost = sum(walls) / len(walls) if walls else None
        if cost is not None:
            extra = max(0, n - have) * max(1, len(m.n))
            text += f", ~{extra * cost / 60:.0f} min at this tier"
        return text

    def finish(self, data_note: str | None = None):
        """Write checks.json and return the checks as a frame (the notebook's last line shows it).

        Every declared claim and sanity check is written: one the run did not reach is 'not testable at this
        tier' ('not computed at this tier'; a sanity check: 'not run') rather than vanishing."""
        seen = {c.claim_id for c in self.checks}
        for cid in self.paper.claims:
            if cid not in seen:
                c = self.paper.claims[cid]
                auto = "its comparison, computed by this summary at this tier"
                self.not_run(cid, NOT_COMPUTED, c.needs or (auto if testable(self.tier, c.min_tier) else None))
        for sid in self.paper.sanity:
            if sid not in seen:
                self.sanity(sid, None, "not run at this tier", NOT_COMPUTED)
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
        data = f"; {self.data_note}" if self.data_note else ""
        caption = f"{title}: {', '.join(lab for lab, _ in rows)} ({self.tier} tier{data})."
        show_figure(fig, caption, alt=f"Image strips of {title}, one row each: " + "; ".join(lab for lab, _ in rows))
        return fig

    def closing(self, rows: Iterable[Sequence], header: Sequence[str], intro: str = ""):
        """A markdown table (e.g. which tier produced each table and whether its direction held), displayed."""
        import pandas as pd
        from IPython.display import Markdown, display

        from .render import Frame

        if intro:
            display(Markdown(intro))
        display(Frame(pd.DataFrame([list(r) for r in rows], columns=list(header))))


# -- claim helpers ------------------------------------------------------------------------------------------------


def _validate_test(c, comparison: Comparison, path) -> None:
    where = f"{path}: claim {c.id!r}"
    if comparison.test != c.test:
        got = comparison.test or "an unnamed comparison (compare_seeds / compare_bootstrap / ...)"
        raise ValueError(
            f"{where} declares test {c.test!r} but was given {got!r}; decide it with the matching test of "
            "genrep.report.verdicts (a superiority test cannot decide a non-inferiority or equivalence claim)"
        )
    if c.test in ("non-inferiority", "equivalence") and not math.isclose(comparison.margin, c.margin, rel_tol=1e-9):
        raise ValueError(f"{where}: margin {comparison.margin:g} differs from the declared margin {c.margin:g}")
    if c.test == "tolerance" and not math.isclose(comparison.margin, c.tolerance, rel_tol=1e-9, abs_tol=1e-12):
        raise ValueError(
            f"{where}: tolerance {comparison.margin:g} differs from the declared tolerance {c.tolerance:g}"
        )
    if (comparison.family or None) != c.family:
        raise ValueError(
            f"{where} declares family {c.family!r} but the comparison is "
            + (f"a family {comparison.family!r}" if comparison.family else "a single comparison")
            + " (join the members with genrep.report.verdicts.family(members, rule))"
        )


def _premise(c, premise, path) -> dict | None:
    where = f"{path}: claim {c.id!r}"
    if premise is not None:
        if not (isinstance(premise, tuple) and len(premise) == 2):
            raise ValueError(f"{where}: premise must be (measured value, met), got {premise!r}")
        if premise[1] is not None and not isinstance(premise[1], (bool, np.bool_)):
            raise ValueError(f"{where}: premise met must be True, False or None, got {premise[1]!r}")
    if c.premise is None:
        if premise is not None:
            raise ValueError(f"{where} declares no premise ({c.premise_text!r}) but premise= was given")
        if premise is None:
            return None
        return {"text": c.premise_text, "value": _value_text(premise[0]), "met": premise[1]}
    if premise is None:
        raise ValueError(
            f"{where} declares the premise {c.premise!r}: pass premise=(measured value, met) "
            "(met=None when it was not measured)"
        )
    return {
        "text": c.premise,
        "value": _value_text(premise[0]),
        "met": None if premise[1] is None else bool(premise[1]),
    }


def _value_text(v) -> str:
    if isinstance(v, (float, np.floating)):
        return f"{float(v):.4g}"
    return str(v)


def _run_record(arm_dir: Path) -> dict | None:
    p = Path(arm_dir) / "run.json"
    if not p.is_file():
        return None
    try:
        return json.loads(p.read_text())
    except json.JSONDecodeError as e:
        raise ValueError(f"{p}: not valid JSON: {e}") from None


def _wall_s(arm_dir: Path) -> float | None:
    rec = _run_record(arm_dir)
    w = (rec or {}).get("wall_s")
    return float(w) if isinstance(w, (int, float)) else None


def same_commit(arm_dirs: Sequence[str | Path]) -> str | None:
    """One verdict, one version of the code: the arms behind one verdict (``run.json`` in each folder) must have
    been made by the same sources. Records keyed by code (``key_scheme`` 2) say exactly which: every library
    module two of them imported hashes the same in both, their run environment (threads, torch, device) is the
    same, and arms of one notebook ran the same notebook code, so arms made at different commits whose code did
    not change in between (cache hits) are one version. Older records are compared by commit (and, when made
    from uncommitted changes, by their ``dirty.diff``). Parameters are not compared: arms differ in them by
    design. Returns a commit of the records (None when none names one); raises ValueError naming the arms."""
    recs = [(Path(d).name, r) for d in arm_dirs if (r := _run_record(Path(d))) is not None]
    keyed = [(n, r) for n, r in recs if r.get("key_scheme") == 2 and isinstance(r.get("imports"), dict)]
    if keyed and len(keyed) == len(recs):
        _same_sources(keyed)
        return next((c for _, r in keyed if (c := (r.get("git") or {}).get("commit"))), None)
    commits: dict[str, list[str]] = {}
    for d in arm_dirs:
        d = Path(d)
        rec = _run_record(d)
        if rec is None:
            continue
        git = rec.get("git") or {}
        commit = git.get("commit") or rec.get("commit")
        if not commit:
            continue
        ident = str(commit)
        if git.get("dirty") or rec.get("dirty"):
            diff = d / "dirty.diff"
            digest = hashlib.sha256(diff.read_bytes()).hexdigest()[:8] if diff.is_file() else "unknown"
            ident += f"+uncommitted changes {digest}"
        commits.setdefault(ident, []).append(d.name)
    if len(commits) > 1:
        parts = "; ".join(f"{c[:10] + c[40:]}: {', '.join(sorted(a))}" for c, a in commits.items())
        raise ValueError(
            f"the arms behind one verdict come from different commits or uncommitted changes ({parts}); "
            f"re-run them together"
        )
    return next(iter(commits), "")[:40] or None


def _same_sources(keyed: list[tuple[str, dict]]) -> None:
    seen: dict[str, tuple[str, str]] = {}
    for name, rec in keyed:
        for f, h in rec["imports"].items():
            if f in seen and seen[f][1] != h:
                raise ValueError(
                    f"the arms behind one verdict come from different versions of the code: {f} differs between "
                    f"{seen[f][0]} and {name}; re-run them together"
                )
            seen.setdefault(f, (name, h))
    envs = {json.dumps(r.get("env"), sort_keys=True): n for n, r in keyed}
    if len(envs) > 1:
        raise ValueError(f"the arms behind one verdict ran in different environments: {', '.join(envs.values())}")
    nbs: dict[str, tuple[str, str]] = {}
    for name, rec in keyed:
        nb, code = rec.get("notebook"), rec.get("notebook_code")
        if nb and code:
            if nb in nbs and nbs[nb][1] != code:
                raise ValueError(
                    f"the arms behind one verdict ran different code of notebook {nb} ({nbs[nb][0]} vs {name}); "
                    f"re-run them together"
                )
            nbs.setdefault(nb, (name, code))

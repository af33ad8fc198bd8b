"""The one renderer of claims and result tables for readers (landing pages, summaries, the front page).

A claims table puts the verdict first (a coloured badge), then the claim (with a link to the evidence that
decided it and its note folded away), the paper's value or words, ours at 3–4 significant figures with its
metric and n, and the interval saying what it is an interval of and which test decided it. It is plain HTML
with a fixed layout that wraps inside the book's 772 px content column, so the same string serves a MyST
page (a raw HTML block: no blank line inside) and a notebook output (``IPython.display.HTML``).

It reads ``checks.json`` entries of both generations: the older ones (no ``kind``: a claim; ``counted`` when
the verdict is a decision) and those with ``kind``, ``test``, ``margin``, ``premise``, ``outcome``,
``counted``, ``decide_with``, ``needs``, ``interval_of`` and ``ours_claim``. Nothing prints ``None`` or
``NaN``: a missing number reads "not run at this tier".
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Mapping

from .tables import DECISIONS, NOT_TESTABLE

NOT_RUN = "not run at this tier"
BADGE = {  # verdict -> (background, text colour); the forest plot uses the same colours
    "replicated": ("#1a7f37", "#ffffff"),
    "not replicated": ("#cf222e", "#ffffff"),
    "inconclusive": ("#bf8700", "#ffffff"),
    NOT_TESTABLE: ("#6e7781", "#ffffff"),
}
SHORT = {NOT_TESTABLE: "not testable"}
MAX_ITEMS = 6  # entries of a dict or list shown before "… (k more)"
MAX_COLS = 8  # columns of one displayed table; wider frames are split

STYLE = (
    "<style>"
    "table.genrep-claims{width:100%;table-layout:fixed;border-collapse:collapse;font-size:0.82em;margin:0.5em 0}"
    "table.genrep-claims th,table.genrep-claims td{border-bottom:1px solid #d0d7de;padding:4px 5px;"
    "vertical-align:top;text-align:left;overflow-wrap:anywhere;word-break:normal}"
    "table.genrep-claims th{background:#f6f8fa}"
    ".genrep-badge{display:inline-block;border-radius:0.8em;padding:1px 7px;font-weight:600;font-size:0.92em;"
    "line-height:1.35;white-space:normal}"
    ".genrep-small{color:#57606a;font-size:0.9em}"
    "table.genrep-claims details summary{cursor:pointer;color:#0969da}"
    "table.genrep-frame{border-collapse:collapse;font-size:0.85em;margin:0.4em 0}"
    "table.genrep-frame th,table.genrep-frame td{border-bottom:1px solid #d0d7de;padding:2px 6px;text-align:right}"
    "table.genrep-frame th:first-child,table.genrep-frame td:first-child{text-align:left}"
    "</style>"
)


# -- numbers -------------------------------------------------------------------------------------------
def _is_missing(v) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    if isinstance(v, str) and v.strip().lower() in ("", "nan", "none", "null"):
        return True
    try:  # numpy scalars
        return bool(getattr(v, "dtype", None) is not None and v.shape == () and math.isnan(float(v)))
    except (TypeError, ValueError):
        return False


def fmt_number(v, digits: int = 4) -> str:
    """A number for a reader: integers as integers (thousands separated), other floats at ``digits``
    significant figures, NaN/None as 'not run at this tier', infinities as ±∞."""
    if _is_missing(v):
        return NOT_RUN
    if isinstance(v, bool):
        return "yes" if v else "no"
    if hasattr(v, "item") and not isinstance(v, (list, tuple, dict, str)):
        v = v.item()
    if isinstance(v, int):
        return f"{v:,}" if abs(v) >= 10_000 else str(v)
    if isinstance(v, float):
        if math.isinf(v):
            return "∞" if v > 0 else "−∞"
        if v.is_integer() and abs(v) < 1e15:
            return fmt_number(int(v), digits)
        s = f"{v:.{digits}g}"
        if "e" in s:
            mant, exp = s.split("e")
            return f"{mant}×10^{int(exp)}"
        return s.replace("-", "−")
    return str(v)


def fmt_value(v, digits: int = 4) -> str:
    """Any value of a check's ``ours`` for a reader: numbers as :func:`fmt_number`, lists as '[a, b]',
    dicts as 'k: v; …' (at most :data:`MAX_ITEMS` entries), never a Python repr, None or NaN."""
    if isinstance(v, Mapping):
        items = list(v.items())
        shown = "; ".join(f"{k}: {fmt_value(x, digits)}" for k, x in items[:MAX_ITEMS])
        return shown + (f"; … ({len(items) - MAX_ITEMS} more)" if len(items) > MAX_ITEMS else "")
    if isinstance(v, (list, tuple)) or (hasattr(v, "tolist") and getattr(v, "ndim", 0) > 0):
        v = list(v.tolist() if hasattr(v, "tolist") else v)
        if not v:
            return NOT_RUN
        if len(v) > MAX_ITEMS:
            return "[" + ", ".join(fmt_value(x, digits) for x in v[:3]) + f", … ({len(v)} values)]"
        return "[" + ", ".join(fmt_value(x, digits) for x in v) + "]"
    if isinstance(v, str):
        return _fmt_text(v, digits)
    return fmt_number(v, digits)


FLOAT_RE = re.compile(r"(?<![\w.])-?\d+\.\d{5,}(?:e[+-]?\d+)?")
NAN_RE = re.compile(r"\b(?:NaN|nan|None)\b")


def _fmt_text(s: str, digits: int = 4) -> str:
    """Long floats inside a text shortened to ``digits`` significant figures; None/NaN words replaced."""
    if not s.strip():
        return ""
    s = FLOAT_RE.sub(lambda m: fmt_number(float(m.group(0)), digits), s)
    return NAN_RE.sub(NOT_RUN, s)


def fmt_interval(iv, digits: int = 4) -> str:
    if iv is None or len(iv) != 2 or any(_is_missing(x) for x in iv):
        return ""
    return f"[{fmt_number(float(iv[0]), digits)}, {fmt_number(float(iv[1]), digits)}]"


def fmt_n(n) -> str:
    if _is_missing(n) or n in ([], {}, ()):
        return ""
    if isinstance(n, Mapping):
        return ", ".join(f"{k}: {fmt_number(v)}" for k, v in n.items())
    if isinstance(n, (list, tuple)):
        vals = [fmt_number(x) for x in n]
        return vals[0] if len(set(vals)) == 1 else " / ".join(vals)
    return fmt_number(n)


# -- checks of both generations ------------------------------------------------------------------------
def normalize(c: Mapping) -> dict:
    """A checks.json entry with every field the renderer reads (older entries: kind 'claim', counted when
    the verdict is a decision; sanity entries: their text, ok and value)."""
    d = dict(c)
    kind = d.get("kind") or "claim"
    d["kind"] = kind
    d["id"] = d.get("claim_id") or d.get("id") or ""
    if kind == "sanity":
        d["text"] = d.get("text") or d.get("claim") or d["id"]
        ok = d.get("ok")
        d["ok"] = None if ok is None else bool(ok)
        d["counted"] = False
        return d
    d["text"] = d.get("claim") or d.get("text") or d["id"]
    d["verdict"] = d.get("verdict") or NOT_TESTABLE
    d["counted"] = bool(d.get("counted", d["verdict"] in DECISIONS))
    return d


def split_kinds(checks: Iterable[Mapping]) -> tuple[list[dict], list[dict]]:
    """(claims, sanity checks), each normalised."""
    norm = [normalize(c) for c in checks]
    return [c for c in norm if c["kind"] == "claim"], [c for c in norm if c["kind"] == "sanity"]


def claim_keys(claims: list[Mapping]) -> list[str]:
    """A unique key per normalised claim, in order: its id (or the start of its text when it has none), with
    '-2', '-3', ... for a claim id that occurs again (one claim checked on several datasets)."""
    seen: dict[str, int] = {}
    keys = []
    for c in claims:
        base = c.get("id") or re.sub(r"[^a-z0-9]+", "-", str(c.get("text", "")).lower()).strip("-")[:40] or "claim"
        seen[base] = seen.get(base, 0) + 1
        keys.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return keys


def claim_anchor(cid: str) -> str:
    """The HTML id of a claim's row (same on the landing page and in the summary's claims table)."""
    return "claim-" + (re.sub(r"[^a-z0-9]+", "-", str(cid).lower()).strip("-") or "x")


def evidence_anchor(cid: str) -> str:
    """The HTML id placed before the notebook cell that decided a claim."""
    return "evidence-" + claim_anchor(cid)[len("claim-") :]


# -- the claims table ----------------------------------------------------------------------------------
def badge(verdict: str) -> str:
    bg, fg = BADGE.get(verdict, ("#6e7781", "#ffffff"))
    word = SHORT.get(verdict, verdict)
    return f'<span class="genrep-badge" style="background:{bg};color:{fg}" title="{html.escape(verdict)}">{word}</span>'


def _pill(word: str, colour_of: str) -> str:
    bg, fg = BADGE[colour_of]
    return f'<span class="genrep-badge" style="background:{bg};color:{fg}">{word}</span>'


def _e(s) -> str:
    return html.escape(str(s)).replace("\n", "<br>")


def ours_text(c: Mapping) -> str:
    """Our numbers: the estimate first, then the rest of ``ours`` (no interval: it has its own column)."""
    ours = dict(c.get("ours") or {})
    for k in ("95% CI", "metric"):
        ours.pop(k, None)
    if not ours:
        return NOT_RUN if c.get("verdict") == NOT_TESTABLE and c.get("interval") is None else ""
    first = [k for k in ("difference",) if k in ours]
    keys = first + [k for k in ours if k not in first]
    parts = [f"{k} = {fmt_value(ours[k])}" for k in keys[:MAX_ITEMS]]
    if len(keys) > MAX_ITEMS:
        parts.append(f"… ({len(keys) - MAX_ITEMS} more in checks.json)")
    return "; ".join(parts)


def interval_text(c: Mapping) -> tuple[str, str]:
    """(the interval, what it is and which test)."""
    iv = fmt_interval(c.get("interval"))
    what = c.get("interval_of") or ""
    test = c.get("test") or ""
    if not iv:
        return "", ("test: " + test if test else "")
    desc = what or "interval of the compared quantity (method in the note)"
    extra = []
    if test:
        extra.append(f"test: {test}")
    for key, word in (("margin", "margin"), ("tolerance", "tolerance")):
        if not _is_missing(c.get(key)):
            extra.append(f"{word} {fmt_number(c[key])}")
    if c.get("family"):
        extra.append(f"family: {c['family']}")
    return iv, "; ".join([desc, *extra])


def _premise(c: Mapping) -> str:
    p = c.get("premise")
    if not isinstance(p, Mapping) or not p.get("text"):
        return ""
    met = p.get("met")
    state = {True: "met", False: "not met"}.get(met, "not checked")
    value = f" ({_fmt_text(str(p['value']))})" if p.get("value") not in (None, "") else ""
    return f"premise {state}: {p['text']}{value}"


def claim_row(c: Mapping, link: str | None = None, evidence: str | None = None) -> str:
    """One ``<tr>`` of the claims table for a normalised claim. ``link``: where the claim text points
    (its row in the summary); ``evidence``: the cell that decided it."""
    cid = c.get("id", "")
    verdict_cell = badge(c["verdict"])
    outcome = c.get("outcome")
    if c["verdict"] == NOT_TESTABLE and outcome and outcome not in (NOT_TESTABLE,):
        verdict_cell += f'<br><span class="genrep-small">numbers at this tier: {_e(outcome)}</span>'
    if c.get("tier"):
        verdict_cell += f'<br><span class="genrep-small">{_e(c["tier"])} tier'
        if c.get("min_tier"):
            verdict_cell += f", decidable from {_e(c['min_tier'])}"
        verdict_cell += "</span>"

    text = _e(c["text"])
    if link:
        text = f'<a href="{html.escape(link)}">{text}</a>'
    claim_cell = text
    tags = []
    if c.get("ours_claim"):
        tags.append("our question, not the paper's")
    if cid:
        tags.append(f"<code>{_e(cid)}</code>")
    if evidence:
        tags.append(f'<a href="{html.escape(evidence)}">evidence</a>')
    if tags:
        claim_cell += '<br><span class="genrep-small">' + " · ".join(tags) + "</span>"
    pre = _premise(c)
    if pre:
        claim_cell += f'<br><span class="genrep-small">{_e(pre)}</span>'
    note = _fmt_text(str(c.get("note") or "")).strip()
    if note and note != NOT_RUN:
        if len(note) > 90:
            claim_cell += f"<details><summary>why this verdict</summary>{_e(note)}</details>"
        else:
            claim_cell += f'<br><span class="genrep-small">{_e(note)}</span>'

    paper = str(c.get("paper") or "").strip() or "—"  # verbatim: the paper's own digits
    ours = ours_text(c)
    meta = [x for x in (c.get("metric"), ("n = " + fmt_n(c.get("n"))) if fmt_n(c.get("n")) else "") if x]
    ours_cell = _e(ours) + (f'<br><span class="genrep-small">{_e("; ".join(meta))}</span>' if meta else "")
    iv, what = interval_text(c)
    iv_cell = _e(iv) if iv else ""
    if what:
        iv_cell += ("<br>" if iv_cell else "") + f'<span class="genrep-small">{_e(what)}</span>'
    for key, lead in (("decide_with", "to decide: "), ("needs", "needs: ")):
        if c.get(key):
            iv_cell += ("<br>" if iv_cell else "") + f'<span class="genrep-small">{_e(lead + str(c[key]))}</span>'
    if not iv_cell:
        iv_cell = '<span class="genrep-small">no interval (a count or a direction)</span>'
    key = c.get("_key") or cid
    attr = f' id="{claim_anchor(key)}"' if key else ""
    cells = (verdict_cell, claim_cell, _e(paper), ours_cell, iv_cell)
    return f"<tr{attr}>" + "".join(f"<td>{x}</td>" for x in cells) + "</tr>"


COLS = (("verdict", "15%"), ("claim", "31%"), ("paper", "16%"), ("ours", "20%"), ("interval", "18%"))


def claims_table(
    checks: Iterable[Mapping],
    link: str | None = None,
    evidence: Mapping[str, str] | None = None,
    style: bool = True,
) -> str:
    """The HTML claims table of ``checks`` (claims only; sanity checks have :func:`sanity_table`).

    ``link``: a format string with ``{anchor}`` for each claim's text (e.g. ``'05_summary.html#{anchor}'``);
    ``evidence``: claim key (:func:`claim_keys`) -> the href of the cell that decided it. A check may carry its
    own ``_key``, ``_link`` and ``_evidence`` (a landing page gathering several notebooks' checks.json).
    One line, no blank line (MyST raw HTML)."""
    claims, _ = split_kinds(checks)
    head = "".join(f'<th style="width:{w}">{h}</th>' for h, w in COLS)
    rows = []
    keys = [c.get("_key") for c in claims] if all(c.get("_key") for c in claims) else claim_keys(claims)
    for c, key in zip(claims, keys, strict=True):
        href = c.get("_link") or (link.format(anchor=claim_anchor(key)) if link else None)
        rows.append(claim_row({**c, "_key": key}, href, c.get("_evidence") or (evidence or {}).get(key)))
    table = f'<table class="genrep-claims"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    return (STYLE if style else "") + table


def sanity_table(checks: Iterable[Mapping], style: bool = True) -> str:
    """Pass/fail table of the sanity checks (pipeline checks: never on the scoreboard)."""
    _, sanity = split_kinds(checks)
    if not sanity:
        return ""
    rows = []
    for c in sanity:
        mark = _pill(
            *{True: ("pass", "replicated"), False: ("fail", "not replicated")}.get(c["ok"], ("not run", NOT_TESTABLE))
        )
        value = fmt_value(c.get("value")) if c.get("value") not in (None, "") else ""
        text = _e(_fmt_text(c["text"]))
        rows.append(f'<tr id="{claim_anchor(c["id"])}"><td>{mark}</td><td>{text}</td><td>{_e(value)}</td></tr>')
    head = '<th style="width:15%">check</th><th style="width:55%">sanity check</th><th style="width:30%">value</th>'
    return (STYLE if style else "") + (
        f'<table class="genrep-claims genrep-sanity"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody>'
        "</table>"
    )


def verdict_counts(checks: Iterable[Mapping]) -> dict[str, int]:
    """Claims per verdict (sanity checks are not counted)."""
    claims, _ = split_kinds(checks)
    return {v: sum(c["verdict"] == v for c in claims) for v in (*DECISIONS, NOT_TESTABLE)}


def sanity_counts(checks: Iterable[Mapping]) -> tuple[int, int]:
    """(passed, total) sanity checks."""
    _, sanity = split_kinds(checks)
    return sum(c["ok"] is True for c in sanity), len(sanity)


class ClaimsTable:
    """A claims table for a notebook output (``display(ClaimsTable(checks))``)."""

    def __init__(self, checks, **kw):
        self.checks = [c.to_dict() if hasattr(c, "to_dict") else dict(c) for c in checks]
        self.kw = kw

    def _repr_html_(self) -> str:
        html_ = claims_table(self.checks, **self.kw)
        sanity = sanity_table(self.checks, style=False)
        return html_ + (("<p><b>Sanity checks</b> (pass/fail, not on the scoreboard)</p>" + sanity) if sanity else "")


# -- result frames -------------------------------------------------------------------------------------
def frame_html(df, max_cols: int = MAX_COLS, digits: int = 4, caption: str = "") -> str:
    """A DataFrame as formatted HTML: integers as integers, floats at ``digits`` significant figures, missing
    values as 'not run at this tier'; a frame wider than ``max_cols`` is split into several tables that each
    repeat the first column (the row label)."""
    cols = [str(c) for c in df.columns]
    if not cols:
        return "<p>(empty table)</p>"
    key, rest = cols[0], cols[1:]
    chunk = max(1, max_cols - 1)
    groups = [rest[i : i + chunk] for i in range(0, len(rest), chunk)] or [[]]
    records = df.astype(object).to_dict("records")
    out = [STYLE] if len(groups) else []
    for gi, group in enumerate(groups):
        cap = caption + (f" (part {gi + 1} of {len(groups)})" if len(groups) > 1 else "")
        head = "".join(f"<th>{_e(c)}</th>" for c in [key, *group])
        body = []
        for r in records:
            vals = [r[c] for c in df.columns if str(c) in (key, *group)]
            body.append("<tr>" + "".join(f"<td>{_e(_cell(v, digits))}</td>" for v in vals) + "</tr>")
        out.append(
            f'<table class="genrep-frame">{f"<caption>{_e(cap)}</caption>" if cap else ""}'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        )
    return "".join(out)


def _cell(v, digits: int) -> str:
    if _is_missing(v):
        return "—"
    if isinstance(v, str):
        return _fmt_text(v, digits) if v.strip() else ""
    return fmt_value(v, digits)


class Frame:
    """A DataFrame shown through :func:`frame_html` (``display(Frame(df))``); ``.df`` is the frame."""

    def __init__(self, df, caption: str = "", max_cols: int = MAX_COLS):
        self.df, self.caption, self.max_cols = df, caption, max_cols

    def _repr_html_(self) -> str:
        return frame_html(self.df, self.max_cols, caption=self.caption)

    def __repr__(self) -> str:
        return self.df.to_string()


def formatted(df):
    """``df`` itself, displayed through :func:`frame_html` in a notebook (the frame stays a DataFrame for
    whoever computes with it)."""
    object.__setattr__(df, "_repr_html_", lambda: frame_html(df))
    return df

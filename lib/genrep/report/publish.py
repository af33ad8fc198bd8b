"""Executed notebooks cleaned for readers before they reach ``book/``.

A notebook executed by papermill keeps what its kernel wrote to stderr: tqdm progress bars (one line per
refresh, joined by carriage returns), ``TqdmWarning: IProgress not found``, and Python warnings that start
with the absolute path of the file that raised them on the machine that ran it
(``/work/main/lib/genrep/flows/preprocess.py:79: UserWarning: ...`` or ``/tmp/ipykernel_1234/56.py:28:``),
followed by the source line that raised them. Progress belongs in the terminal (the runner still shows it
there); the page keeps what a reader needs:

* progress-bar residue (tqdm lines, carriage-return refreshes) is dropped;
* a warning becomes one sentence, ``Note: <message>``, without path, line number or source line, written
  to stdout so that it reads as text (deduplicated within an output); warnings about the software rather
  than the results are dropped: ``TqdmWarning``, deprecation/future warnings, anything raised inside
  ``site-packages``, and library internals (``Triggered internally at ...``);
* every other absolute path of a machine in any text output (stdout, stderr, tracebacks, ``text/*``
  display data) and in the notebook metadata becomes relative to the repository (``lib/genrep/...``,
  ``results/...``), or is cut to its file name where it lies outside it.

``clean_notebook`` is applied when the runner copies an executed notebook into ``book/`` and again by
``genrep book`` (idempotent) so that no page of the site shows a machine's path; ``find_residue`` is what the
test of ``book/`` scans for.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import nbformat

from genrep.paths import book_dir, repo_root

# tqdm: "desc:  42%|████▏     | 10/24 [00:03<00:04,  3.1step/s, loss=0.1]" or "desc: 12it [00:01, 9.5it/s]"
PROGRESS_RE = re.compile(
    r"\d{1,3}%\|[^|\n]*\|\s*[\d.]+[kMGT]?/[\d.?]+[kMGT]?"  # percentage + bar + n/total
    r"|[\d.]+[kMGT]?(?:it|step|s|B|batch|img)?\s*\[\d+:\d{2}(?::\d{2})?(?:<[^,\]]*)?,\s*[^\]]*/(?:s|it)\b"
)
# warnings.formatwarning: "<file>:<line>: <Category>: <message>" (then "  <source line>")
WARNING_RE = re.compile(
    r"^\s*(?P<path>\S[^:\n]*?\.py):(?P<line>\d+): "
    r"(?P<cat>[A-Za-z_][\w.]*(?:Warning|Error)): (?P<msg>.*)$"
)
DROP_CATEGORIES = {
    "TqdmWarning",
    "TqdmExperimentalWarning",
    "DeprecationWarning",
    "PendingDeprecationWarning",
    "FutureWarning",
    "ResourceWarning",
    "ImportWarning",
    "SyntaxWarning",
}
INTERNAL_RE = re.compile(r"\s*\(Triggered internally at [^)]*\)\.?")
IPYKERNEL_RE = re.compile(r"(?:/[^\s'\"]*)?/ipykernel_\d+/\d+\.py(?::\d+)?")
SITE_PACKAGES_RE = re.compile(r"(?:[A-Za-z]:)?(?:/[^\s/'\"():,]+)+/(?:site|dist)-packages/")
# an absolute path of a machine: /work/..., /tmp/..., /root/..., /home/..., /Users/..., /__w/... (CI runners)
MACHINE_ROOTS = ("work", "tmp", "root", "home", "Users", "__w", "mnt", "scratch")
ABS_PATH_RE = re.compile(r"(?<![\w.:/])/(?:{})/[^\s'\"<>`,;)\]}}]*".format("|".join(MACHINE_ROOTS)))
REPO_DIRS = ("lib", "chapters", "results", "runs", "data", "book", "tests", "benchmarks")
REPO_TAIL_RE = re.compile(r"/(?:{})/".format("|".join(REPO_DIRS)))
# what test_publish and the book test flag in a published page
RESIDUE_RE = re.compile(r"(?<![\w.:])/(?:work|tmp|root|home)/|TqdmWarning|IProgress not found|" + PROGRESS_RE.pattern)

TEXT_MIMES = ("text/", "image/svg+xml", "application/json")


def _roots(root: Path | None) -> list[str]:
    roots = []
    for r in (root, repo_root()):
        if r is None:
            continue
        for s in {str(r), str(Path(r).resolve())}:
            s = s.rstrip("/")
            if s and s != "/" and s not in roots:
                roots.append(s)
    return sorted(roots, key=len, reverse=True)


def _shorten(m: re.Match) -> str:
    """An absolute path outside the repository root: relative from a repository folder (lib/, results/,
    ...) when it has one (another checkout), else its file name."""
    p = m.group(0)
    tail = REPO_TAIL_RE.search(p)
    if tail:
        return p[tail.start() + 1 :]
    name = p.rstrip("/").rsplit("/", 1)[-1]
    return name or "."


def relativize(text: str, root: Path | None = None) -> str:
    """Replace every absolute machine path in ``text`` by a relative one (or the file name)."""
    if not text or "/" not in text:
        return text
    for r in _roots(root):
        text = re.sub(re.escape(r) + r"/", "", text)
        text = re.sub(re.escape(r) + r"(?![\w.-])", ".", text)
    text = IPYKERNEL_RE.sub("<notebook cell>", text)
    text = SITE_PACKAGES_RE.sub("", text)
    return ABS_PATH_RE.sub(_shorten, text)


def is_progress(line: str) -> bool:
    return bool(PROGRESS_RE.search(line))


def _reader_note(path: str, cat: str, msg: str) -> str | None:
    """The sentence a reader sees for one warning, or None when the warning is about the software."""
    if cat.rsplit(".", 1)[-1] in DROP_CATEGORIES:
        return None
    if re.search(r"(?:site|dist)-packages/", path) or "Triggered internally" in msg:
        return None
    msg = INTERNAL_RE.sub("", msg).strip()
    return f"Note: {msg}" if msg else None


def clean_stderr(text: str, root: Path | None = None) -> tuple[str, list[str]]:
    """(stderr text left for the page, reader notes). Progress bars and warning source lines are dropped,
    warnings become notes, paths are made relative."""
    kept: list[str] = []
    notes: list[str] = []
    in_warning = False
    for line in re.split(r"\r\n|\n", text):
        segments = [s for s in line.split("\r") if s.strip() and not is_progress(s)]
        if not segments:
            continue
        for seg in segments:
            m = WARNING_RE.match(seg)
            if m:
                in_warning = True
                note = _reader_note(m["path"], m["cat"], m["msg"])
                if note:
                    note = relativize(note, root)
                    if note not in notes:
                        notes.append(note)
                continue
            if in_warning and seg[:1].isspace():  # the source line formatwarning prints under the warning
                continue
            in_warning = False
            kept.append(relativize(seg.rstrip(), root))
    return ("\n".join(kept) + "\n" if kept else ""), notes


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else (value or "")


def _on_white(img):
    """An RGB copy of a PIL image, any transparency flattened onto white."""
    from PIL import Image

    if img.mode not in ("RGBA", "LA", "P"):
        return img.convert("RGB")
    rgba = img.convert("RGBA")
    flat = Image.new("RGB", rgba.size, (255, 255, 255))
    flat.paste(rgba, mask=rgba.split()[-1])
    return flat


BIG_PNG = 150_000  # base64 characters: a figure this large is a grid of photographs, which JPEG stores far smaller


def _shrink_image(data: dict, quality: int = 85) -> bool:
    """Re-encode a large ``image/png`` output as ``image/jpeg`` (the page's copy only: results/ keeps the
    PNG) when that saves at least a third. Sample grids of photographs compress poorly as PNG; plots stay
    PNG because they rarely pass the size threshold. Returns whether it changed ``data``."""
    png = data.get("image/png")
    if not isinstance(png, (str, list)) or "image/jpeg" in data:
        return False
    png = _text(png).replace("\n", "")
    if len(png) < BIG_PNG:
        return False
    import base64
    import io

    from PIL import Image

    try:
        buf = io.BytesIO()
        _on_white(Image.open(io.BytesIO(base64.b64decode(png)))).save(buf, "JPEG", quality=quality, optimize=True)
    except Exception:  # an unreadable image stays as it was
        return False
    jpeg = base64.b64encode(buf.getvalue()).decode()
    if len(jpeg) > 2 * len(png) // 3:
        return False
    del data["image/png"]
    data["image/jpeg"] = jpeg
    return True


BIG_PNG_FILE = 100_000  # bytes: a results figure this large is worth a palette


def thin_png(path: str | Path, min_bytes: int = BIG_PNG_FILE) -> bool:
    """Re-encode a large results PNG as a 256-colour palette PNG (no dithering) when that saves at least a
    third; transparency is flattened onto white. Keeps the file (and returns False) otherwise or when it cannot
    be read. The committed figures stay small enough for the repository and the device's file limit."""
    import io

    from PIL import Image

    path = Path(path)
    size = path.stat().st_size
    if size < min_bytes:
        return False
    try:
        with Image.open(path) as im:
            flat = _on_white(im)
        buf = io.BytesIO()
        flat.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
            buf, "PNG", optimize=True
        )
    except Exception:  # an unreadable image stays as it was
        return False
    if buf.tell() > 2 * size // 3:
        return False
    tmp = path.with_name(f".{path.name}.thin")
    tmp.write_bytes(buf.getvalue())
    tmp.replace(path)
    return True


def thin_figures(folder: str | Path, min_bytes: int = BIG_PNG_FILE) -> int:
    """``thin_png`` every PNG under ``folder``; returns how many were re-encoded."""
    return sum(thin_png(p, min_bytes) for p in sorted(Path(folder).rglob("*.png")))


def _clean_outputs(outputs: list, root: Path | None) -> list:
    new = []
    for out in outputs:
        kind = out.get("output_type")
        if kind == "stream":
            text = _text(out.get("text"))
            if out.get("name") == "stderr":
                rest, notes = clean_stderr(text, root)
                if notes:
                    new.append(nbformat.v4.new_output("stream", name="stdout", text="\n".join(notes) + "\n"))
                if rest:
                    new.append(nbformat.v4.new_output("stream", name="stderr", text=rest))
                continue
            text = "\n".join(s for s in text.split("\n") if not is_progress(s))
            if text.strip():
                out["text"] = relativize(text, root)
                new.append(out)
            continue
        if kind in ("display_data", "execute_result"):
            data = out.get("data", {})
            _shrink_image(data)
            for mime in list(data):
                if mime.startswith(TEXT_MIMES) and isinstance(data[mime], (str, list)):
                    data[mime] = relativize(_text(data[mime]), root)
        elif kind == "error":
            out["evalue"] = relativize(out.get("evalue", ""), root)
            out["traceback"] = [relativize(t, root) for t in out.get("traceback", [])]
        new.append(out)
    return new


def _clean_meta(value, root: Path | None):
    if isinstance(value, str):
        return relativize(value, root)
    if isinstance(value, list):
        return [_clean_meta(v, root) for v in value]
    if isinstance(value, dict):
        for k in list(value):
            value[k] = _clean_meta(value[k], root)
    return value


def checks_label(chapter: str, notebook: str) -> str:
    """The MyST target of the cell that writes a notebook's checks.json (landing pages link to it)."""
    return re.sub(r"[^a-z0-9-]+", "-", f"checks-{chapter}-{notebook}".lower()).strip("-")


def label_checks_cell(nb, label: str) -> bool:
    """Put a heading with the target ``label`` right before the code cell that calls ``write_checks(``, so
    that a claim's row on the landing page can link to the cell that produced it. Idempotent; returns
    whether the notebook has such a target afterwards."""
    target = f"({label})="
    if any(c.get("cell_type") == "markdown" and target in c.get("source", "") for c in nb.cells):
        return True
    for i, cell in enumerate(nb.cells):
        if cell.get("cell_type") == "code" and "write_checks(" in cell.get("source", ""):
            md = nbformat.v4.new_markdown_cell(f"{target}\n### The cell that decides this chapter's claims")
            if nb.get("nbformat_minor", 5) >= 5:
                md["id"] = label[:64]  # deterministic, so that republishing changes nothing
            else:
                md.pop("id", None)
            nb.cells.insert(i, md)
            return True
    return False


def clean_notebook(nb, root: Path | None = None, label: str | None = None, chapter: str | None = None):
    """A copy of ``nb`` (an nbformat v4 notebook) fit for readers: see the module docstring. With ``label``,
    the cell that writes checks.json gets that MyST target (:func:`label_checks_cell`); with ``chapter``
    the page is also presented for readers (:func:`present_notebook`)."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.get("cell_type") == "code" and cell.get("outputs"):
            cell["outputs"] = _clean_outputs(cell["outputs"], root)
    _clean_meta(nb.metadata, root)
    if label:
        label_checks_cell(nb, label)
    if chapter:
        present_notebook(nb, chapter)
    return nb


# -- presentation: what a reader sees first -------------------------------------------------------------
HIDE_TAGS = ("remove-cell", "remove-input", "hide-input", "hide-cell", "remove-output", "hide-output")
WRITES_CHECKS = ("write_checks(", ".finish(")
EVIDENCE_MARK = "genrep-evidence"
CLAIMS_MARK = "claims-table"
FIGURE_MARK = "genrep-figure"


def _tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []) or [])


def is_summary(nb) -> bool:
    """A notebook that decides claims (it writes checks.json): its code is plumbing, its outputs the results."""
    return any(
        c.get("cell_type") == "code" and any(w in _text(c.get("source")) for w in WRITES_CHECKS) for c in nb.cells
    )


def _checks_of(nb) -> list[dict] | None:
    """The checks.json beside the notebook's results (its ``results_dir`` parameter), or None."""
    import json

    params = (nb.metadata.get("papermill") or {}).get("parameters") or {}
    rd = params.get("results_dir")
    if not rd:
        return None
    path = Path(rd) if Path(rd).is_absolute() else repo_root() / rd
    try:
        return json.loads((path / "checks.json").read_text()).get("checks", [])
    except (OSError, ValueError):
        return None


def _heading_before(nb, index: int) -> str:
    for cell in reversed(nb.cells[:index]):
        if cell.get("cell_type") == "markdown":
            for line in _text(cell.get("source")).splitlines():
                m = re.match(r"#{1,6}\s+(.*)", line.strip())
                if m:
                    return m.group(1).strip()
    return ""


def _images(cell) -> list[dict]:
    return [
        o
        for o in cell.get("outputs", [])
        if o.get("output_type") in ("display_data", "execute_result")
        and any(m in o.get("data", {}) for m in ("image/png", "image/jpeg", "image/svg+xml"))
    ]


def caption_figures(nb, notebook: str, tier: str) -> int:
    """Give every code cell whose outputs are images a numbered figure caption and real alt text (MyST-NB cell
    metadata ``mystnb.figure`` / ``mystnb.image``). The caption is the one the display helper attached
    (output metadata ``genrep.caption``, :func:`genrep.report.figures.show_figure`), else the section heading
    and the tier. Cells that mix images with tables or text only get the alt text. Returns the cells changed."""
    changed = 0
    for i, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code" or "remove-output" in _tags(cell) or "remove-cell" in _tags(cell):
            continue
        imgs = _images(cell)
        if not imgs:
            continue
        meta = cell.setdefault("metadata", {})
        mystnb = meta.setdefault("mystnb", {})
        given = [((o.get("metadata") or {}).get("genrep") or {}) for o in imgs]
        heading = _heading_before(nb, i) or notebook.replace("_", " ")
        caption = next((g["caption"] for g in given if g.get("caption")), "") or f"{heading} ({tier} tier)."
        alt = next((g["alt"] for g in given if g.get("alt")), "") or f"Figure: {caption}"
        mystnb["image"] = {"alt": alt[:300]}
        displays = [o for o in cell.get("outputs", []) if o.get("output_type") in ("display_data", "execute_result")]
        if len(displays) == len(imgs):
            fig = {"caption": caption}
            if len(imgs) == 1:
                fig["name"] = re.sub(r"[^a-z0-9-]+", "-", f"fig-{notebook}-{changed + 1}".lower()).strip("-")
            mystnb["figure"] = fig
        changed += 1
    return changed


def _library_source(chapter: str) -> str:
    path = Path(__file__).with_name("papers") / f"{chapter}.py"
    try:
        return path.read_text()
    except OSError:
        return ""


def _functions_deciding(source: str, cid: str) -> list[str]:
    """Names of top-level functions of a chapter's library module whose string literals name ``cid`` (the
    literal itself, or the fixed start of an f-string that builds it)."""
    import ast

    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found = []
    for fn in tree.body:
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(fn):
            if isinstance(node, ast.Constant) and node.value == cid:
                found.append(fn.name)
                break
            if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
                head = str(node.values[0].value)
                if len(head) >= 3 and cid.startswith(head):
                    found.append(fn.name)
                    break
    return found


def _callers(source: str, names: list[str]) -> list[str]:
    """Top-level functions of ``source`` that call one of ``names``."""
    import ast

    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    out = []
    for fn in tree.body:
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) and fn.name not in names:
            calls = {
                getattr(n.func, "id", None) or getattr(n.func, "attr", None)
                for n in ast.walk(fn)
                if isinstance(n, ast.Call)
            }
            if calls & set(names):
                out.append(fn.name)
    return out


def evidence_cells(nb, chapter: str, claim_ids: list[str]) -> dict[str, int]:
    """Claim id -> index of the code cell that decided it: the cell naming the id, else the cell that calls the
    function of ``genrep.report.papers.<chapter>`` that names it (or a caller of that function)."""
    code = [(i, _text(c.get("source"))) for i, c in enumerate(nb.cells) if c.get("cell_type") == "code"]
    lib = _library_source(chapter)
    out = {}
    for cid in claim_ids:
        hit = next((i for i, src in code if f'"{cid}"' in src or f"'{cid}'" in src), None)
        if hit is None and lib:
            fns = _functions_deciding(lib, cid)
            for names in (fns, _callers(lib, fns) if fns else []):
                pat = re.compile(r"\b(?:{})\(".format("|".join(map(re.escape, names)))) if names else None
                hit = next((i for i, src in code if pat and pat.search(src)), None)
                if hit is not None:
                    break
        if hit is not None:
            out[cid] = hit
    return out


def present_notebook(nb, chapter: str) -> None:
    """Presentation for readers, in place and idempotent: figures get captions and alt text; a notebook that
    decides claims (a summary) also gets its code folded (``hide-input``: one click away), its claims table
    rendered by :mod:`genrep.report.render` in place of the raw frame (a row per claim, ``id=claim-<id>``),
    and an anchor ``evidence-<id>`` before the cell that decided each claim."""
    from .render import ClaimsTable, claim_keys, evidence_anchor, split_kinds

    notebook = nb.metadata.get("genrep_notebook") or ""
    params = (nb.metadata.get("papermill") or {}).get("parameters") or {}
    tier = str(params.get("tier", ""))
    caption_figures(nb, f"{chapter}-{notebook}", tier)
    checks = _checks_of(nb)
    if not is_summary(nb) and checks is None:
        return
    for cell in nb.cells:
        if cell.get("cell_type") == "code" and not set(_tags(cell)) & set(HIDE_TAGS + ("parameters",)):
            cell.setdefault("metadata", {}).setdefault("tags", []).append("hide-input")
    if checks is None:
        return
    nb.cells = [c for c in nb.cells if EVIDENCE_MARK not in _tags(c)]
    claims, _ = split_kinds(checks)
    keys = claim_keys(claims)
    found = evidence_cells(nb, chapter, sorted({c["id"] for c in claims if c["id"]}))
    where = {k: found[c["id"]] for k, c in zip(keys, claims, strict=True) if c["id"] in found}
    finish = next(
        (
            i
            for i, c in reversed(list(enumerate(nb.cells)))
            if c.get("cell_type") == "code" and any(w in _text(c.get("source")) for w in WRITES_CHECKS)
        ),
        None,
    )
    if finish is None and where:  # checks written inside a library call: the cell that decided the most claims
        counts = {i: list(where.values()).count(i) for i in set(where.values())}
        finish = max(counts, key=lambda i: (counts[i], i))
    if finish is not None:
        cell = nb.cells[finish]
        table = ClaimsTable(checks, evidence={k: f"#{evidence_anchor(k)}" for k in keys})
        keep = [
            o
            for o in cell.get("outputs", [])
            if o.get("output_type") != "execute_result" and (o.get("metadata") or {}).get("genrep") != CLAIMS_MARK
        ]
        out = nbformat.v4.new_output(
            "display_data",
            data={"text/html": table._repr_html_(), "text/plain": f"{len(keys)} claims (checks.json)"},
            metadata={"genrep": CLAIMS_MARK},
        )
        cell["outputs"] = [*keep, out]
        for k in keys:
            where.setdefault(k, finish)
    by_cell: dict[int, list[str]] = {}
    for cid, i in where.items():
        by_cell.setdefault(i, []).append(cid)
    for i in sorted(by_cell, reverse=True):
        spans = "".join(f'<span id="{evidence_anchor(cid)}"></span>' for cid in by_cell[i])
        md = nbformat.v4.new_markdown_cell(spans, metadata={"tags": [EVIDENCE_MARK]})
        if nb.get("nbformat_minor", 5) >= 5:
            md["id"] = f"evidence-{i}"
        else:
            md.pop("id", None)
        nb.cells.insert(i, md)


def clean_file(src: Path, dest: Path | None = None, root: Path | None = None) -> bool:
    """Clean the notebook ``src`` into ``dest`` (default: in place). Returns whether the text changed."""
    src, dest = Path(src), Path(dest or src)
    before = src.read_text()
    nb = nbformat.reads(before, as_version=4)
    nb.metadata["genrep_notebook"] = dest.stem
    nb = clean_notebook(nb, root, label=checks_label(dest.parent.name, dest.stem), chapter=dest.parent.name)
    after = nbformat.writes(nb)
    after += "" if after.endswith("\n") else "\n"
    changed = after != before
    if changed or dest != src:
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".{dest.name}.tmp")
        tmp.write_text(after)
        tmp.replace(dest)
    return changed


publish_notebook = clean_file  # the runner's copy into book/: ``publish_notebook(executed, target)``


def clean_book(book: Path | None = None, root: Path | None = None) -> list[Path]:
    """Clean every notebook under ``book`` (default book/) in place; returns the ones that changed."""

    book = Path(book or book_dir())
    return [
        p for p in sorted(book.rglob("*.ipynb")) if ".ipynb_checkpoints" not in p.parts and clean_file(p, root=root)
    ]


def _scan_texts(nb) -> list[tuple[str, str]]:
    """(where, text) for every text a page shows or carries: sources, text outputs, metadata."""
    import json

    items = [("metadata", json.dumps(nb.metadata, ensure_ascii=False))]
    for i, cell in enumerate(nb.cells):
        where = f"cell {i}"
        items.append((f"{where} source", _text(cell.get("source"))))
        for out in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            kind = out.get("output_type")
            if kind == "stream":
                items.append((f"{where} {out.get('name')}", _text(out.get("text"))))
            elif kind in ("display_data", "execute_result"):
                for mime, v in out.get("data", {}).items():
                    if mime.startswith(TEXT_MIMES):
                        items.append((f"{where} {mime}", _text(v) if isinstance(v, (str, list)) else str(v)))
            elif kind == "error":
                text = "\n".join([out.get("evalue", ""), *out.get("traceback", [])])
                items.append((f"{where} error", text))
    return items


def find_residue(nb) -> list[str]:
    """Every absolute machine path or progress-bar residue in a notebook: 'where: excerpt' (empty = clean)."""
    found = []
    for where, text in _scan_texts(nb):
        for m in RESIDUE_RE.finditer(text):
            a, b = max(0, m.start() - 40), min(len(text), m.end() + 40)
            found.append(f"{where}: ...{text[a:b]!r}...")
    return found

"""``genrep new-chapter NAME --paper "…"``: write a working skeleton for a new paper's chapter.

The skeleton shows every convention of the book in working form and runs at the ``reduced`` tier as written:

    chapters/NAME/chapter.yaml                 title, paper, notebooks in run order with their needs, errata
    chapters/NAME/paper.yaml                   one example claim (test, metric, min_tier, premise), one sanity check
    chapters/NAME/tiers/{reduced,cpu,budget,full}.yaml
    chapters/NAME/01_data.py                   a labelled procedural stand-in of genrep.data, shown and checked
    chapters/NAME/02_train.py                  start_notebook, apply_update, train_loop; one arm per seed
    chapters/NAME/03_summary.py                Summary: a replication table, s.sanity, s.decide, s.finish
    lib/genrep/report/papers/NAME.py           the claim's decision and premise as functions of plain numbers
    tests/test_NAME.py                         fast unit tests of the chapter's code
    tests/both_ways/NAME.py                    synthetic cases that make the claim come out every way

The templates are files of ``genrep/templates/chapter/`` (``*.tmpl``) in which ``{{key}}`` stands for the chapter's
name, title and paper. ``book/adding_a_chapter.md`` walks through what they hold.
"""

from __future__ import annotations

import json
import keyword
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

from genrep.paths import PACKAGE_DIR, chapters_dir, repo_root

from .chapters import ConfigError, list_chapters, load_chapter

TEMPLATES = PACKAGE_DIR / "templates" / "chapter"
NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
MAX_NAME = 40  # the name appears in module paths and in lines of at most 120 characters
# template file -> where it goes: "chapter:" relative to the chapter folder, else relative to the repository root
FILES = {
    "chapter.yaml.tmpl": "chapter:chapter.yaml",
    "paper.yaml.tmpl": "chapter:paper.yaml",
    "tier_reduced.yaml.tmpl": "chapter:tiers/reduced.yaml",
    "tier_cpu.yaml.tmpl": "chapter:tiers/cpu.yaml",
    "tier_budget.yaml.tmpl": "chapter:tiers/budget.yaml",
    "tier_full.yaml.tmpl": "chapter:tiers/full.yaml",
    "01_data.py.tmpl": "chapter:01_data.py",
    "02_train.py.tmpl": "chapter:02_train.py",
    "03_summary.py.tmpl": "chapter:03_summary.py",
    "papers.py.tmpl": "lib/genrep/report/papers/{name}.py",
    "test_chapter.py.tmpl": "tests/test_{name}.py",
    "both_ways.py.tmpl": "tests/both_ways/{name}.py",
}
KEY_RE = re.compile(r"\{\{(\w+)\}\}")


@dataclass(frozen=True)
class Written:
    """One file the skeleton wrote: its path and its number of lines."""

    path: Path
    lines: int


def check_name(name: str) -> None:
    """Raise ConfigError unless ``name`` can name a chapter folder, a Python module and a test file."""
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise ConfigError(
            f"invalid chapter name {name!r}: use lower-case letters, digits and underscores, starting with a letter "
            "(it names the folder chapters/NAME, the module genrep.report.papers.NAME and tests/test_NAME.py), "
            "e.g. dcgan_vae_cats"
        )
    if len(name) > MAX_NAME:
        raise ConfigError(f"invalid chapter name {name!r}: at most {MAX_NAME} characters (it has {len(name)})")
    if keyword.iskeyword(name) or name == "__init__":
        raise ConfigError(f"invalid chapter name {name!r}: a Python keyword cannot name a module")


def targets(name: str, root: Path | None = None, chapters: Path | None = None) -> dict[str, Path]:
    """Template file -> the path it is written to, for chapter ``name``."""
    root = Path(root) if root is not None else repo_root()
    chapter = (Path(chapters) if chapters is not None else chapters_dir()) / name
    out = {}
    for tmpl, dest in FILES.items():
        rel = dest.format(name=name)
        out[tmpl] = chapter / rel.removeprefix("chapter:") if rel.startswith("chapter:") else root / rel
    return out


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _wrapped(text: str, width: int, prefix: str = "") -> str:
    """``text`` on lines of at most ``width`` characters, every line after the first starting with ``prefix``."""
    return ("\n" + prefix).join(textwrap.wrap(_one_line(text), width, break_long_words=True, break_on_hyphens=False))


def context(name: str, paper: str, title: str | None = None) -> dict[str, str]:
    """The values of the templates' ``{{key}}`` fields."""
    paper = _one_line(paper)
    if not paper:
        raise ConfigError('--paper must name the paper, e.g. --paper "Author et al. (2024), Title, venue"')
    title = _one_line(title) if title else name.replace("_", " ").capitalize()
    doc = paper.replace("\\", "/").replace('"""', "'''")
    return {
        "name": name,
        "title_yaml": json.dumps(title, ensure_ascii=False),  # a JSON string is a YAML double-quoted scalar
        "paper_yaml": json.dumps(paper, ensure_ascii=False),
        "paper_md": _wrapped(f"The paper: {paper}.", 110, "# "),
        "paper_doc": _wrapped(doc, 116),
    }


def render(template: str, values: dict[str, str], where: str = "") -> str:
    """Replace every ``{{key}}`` of ``template``; an unknown key is an error."""
    unknown = sorted(set(KEY_RE.findall(template)) - set(values))
    if unknown:
        raise ValueError(f"template {where}: unknown field(s) {unknown}; known: {sorted(values)}")
    return KEY_RE.sub(lambda m: values[m.group(1)], template)


def new_chapter(
    name: str, paper: str, title: str | None = None, root: Path | None = None, chapters: Path | None = None
) -> list[Written]:
    """Write the skeleton of chapter ``name`` and check that the runner and the claims loader accept it.

    Refuses (ConfigError) an invalid name, an existing chapter, or any file of the skeleton that already exists;
    nothing is written then. Returns the files written with their line counts."""
    check_name(name)
    chapters = Path(chapters) if chapters is not None else chapters_dir()
    if name in list_chapters(chapters) or (chapters / name).exists():
        raise ConfigError(f"chapter {name!r} already exists ({chapters / name}); choose another name")
    paths = targets(name, root, chapters)
    taken = [str(p) for p in paths.values() if p.exists()]
    if taken:
        raise ConfigError(f"chapter {name!r}: these files already exist, so nothing was written: {', '.join(taken)}")
    papers_dir = paths["papers.py.tmpl"].parent
    if not (papers_dir / "__init__.py").is_file():
        raise ConfigError(f"{papers_dir} is not the genrep.report.papers package of a checkout (no __init__.py)")
    values = context(name, paper, title)
    texts = {t: render((TEMPLATES / t).read_text(), values, t) for t in FILES}
    written: list[Written] = []
    try:
        for tmpl, path in paths.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(texts[tmpl])
            written.append(Written(path, texts[tmpl].count("\n")))
        _validate(name, chapters)
    except Exception:
        for w in written:
            w.path.unlink(missing_ok=True)
        raise
    return written


def _validate(name: str, chapters: Path) -> None:
    """The skeleton as the runner and the summary will read it: every tier plans, paper.yaml loads."""
    from genrep.report.claims import load_paper

    chapter = load_chapter(name, chapters)
    for tier in chapter.tiers():
        chapter.plan(tier)
    load_paper(chapter.dir)


def report(written: list[Written], name: str, root: Path | None = None) -> str:
    """What was written (paths relative to the repository, with line counts) and what to do next."""
    root = Path(root) if root is not None else repo_root()

    def rel(p: Path) -> str:
        try:
            return str(p.relative_to(root))
        except ValueError:
            return str(p)

    width = max(len(rel(w.path)) for w in written)
    lines = [f"wrote chapter {name!r}: {len(written)} files, {sum(w.lines for w in written)} lines"]
    lines += [f"  {rel(w.path):<{width}}  {w.lines:4d} lines" for w in written]
    lines += [
        "next:",
        f"  make replicate CHAPTER={name}        # the reduced tier (a minute or two on a CPU)",
        f"  .venv/bin/python -m pytest tests/test_{name}.py tests/test_both_ways.py -k {name}",
        "  then replace the stand-in, the model and the example claim: book/adding_a_chapter.md",
    ]
    return "\n".join(lines)

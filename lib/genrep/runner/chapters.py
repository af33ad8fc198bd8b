"""Chapters, tiers, notebooks and arms: reading ``chapter.yaml`` / ``tiers/<tier>.yaml`` and validating
every name *before* anything runs (papermill itself accepts misspelt parameters silently).

A chapter folder holds ``NN_topic.py`` jupytext notebooks, ``chapter.yaml`` (title, paper, notebook
order and dependencies, errata) and ``tiers/{reduced,cpu,budget,full}.yaml``::

    # tiers/reduced.yaml
    description: CPU smoke run on subsets
    jobs: 1                            # optional: arms in parallel when --jobs is not given
    threads: 1                         # optional: CPU threads of every arm's kernel (default: 1 for reduced
                                       # and cpu, unpinned for budget/full); in the cache key
    params: {seed: 0}                  # for every notebook that declares the name
    notebooks:
      02_disturbances:
        params: {n_images: 500}
        arms:                          # one papermill run per arm (an ablation or a dataset sweep)
          cifar10: {dataset: cifar10}
          monet: {dataset: monet}

In ``chapter.yaml`` each notebook entry names the notebooks it ``needs`` (their results, in ``results/``, and
their cache keys). Checkpoints and other large files live in the arm's ``runs/`` folder, which is not
committed; a notebook that hands such files on declares them, and its readers say so::

    notebooks:
      - name: 02_dcgan_train
        outputs: ["G_iter*.pt"]        # glob patterns inside the arm's runs folder
      - name: 03_dcgan_eval
        needs: [01_data, 02_dcgan_train]
        reads: [02_dcgan_train]        # must be among needs; the runner re-runs a cached 02_dcgan_train
                                       # first when its outputs are missing (a clean clone)

An arm that finishes without writing its declared outputs fails. A reading arm that names one upstream
arm in its parameters (``train_arm: 02_dcgan_train-s1``) reads that arm alone.

Parameter values are checked before anything runs:

* ``--set name=value`` text takes the type of the notebook's default: an int default wants an integer
  (``1e3`` is fine), a float default a number, a bool default ``true``/``false``, a list default a list
  (``[1, 2]``), a str default keeps the text as typed (or takes a list such as ``[a, b]``). A ``None``
  default accepts any literal; ``None`` replaces another default only when the parameter's comment
  mentions ``None``.
* A notebook declares constraints with a trailing comment on the assignment in its parameters cell,
  ``check:`` followed by clauses joined by ``and``; each clause is an operator (``>= <= > < == != in
  not in``) and a Python literal or the name of another parameter of the notebook::

      epochs = 50               # check: >= 1
      sample_interval = 5       # keep a grid every this many epochs; check: >= 1 and <= epochs
      norm = "instance"         # check: in ["instance", "batch"]

  A ``None`` value (or a ``None`` parameter on the right) skips the clause.
* Without a declared check, an integer named ``epochs``, ``steps``, ``batch_size``, ``n_*`` or ``*_n``
  must be >= 1, unless its default is 0 or negative or its comment documents 0 (e.g. ``# 0 to skip``).
"""

from __future__ import annotations

import ast
import difflib
import io
import operator
import re
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from genrep.paths import chapters_dir
from genrep.tiers import TIERS

INJECTED = ("tier", "results_dir", "runs_dir")  # every notebook declares these; the runner sets them
TIER_KEYS = {"description", "jobs", "threads", "params", "notebooks"}
# CPU threads of each arm's kernel where a tier does not say: pinned on the CPU tiers (the thread count changes
# the numbers a CPU computes), left to torch on the GPU tiers
DEFAULT_THREADS = {"reduced": 1, "cpu": 1}
NB_KEYS = {"params", "arms"}
CHAPTER_KEYS = {"order", "title", "paper", "summary", "notebooks", "errata", "items"}
# one entry of ``items:`` (the paper's tables, figures and ablations): a producer (notebook, file, tiers, optional
# arm, needs, note), a text cell of a notebook (notebook, text), or ``out_of_scope:`` / ``missing:`` with the reason
ITEM_KEYS = {"id", "caption", "notebook", "arm", "file", "text", "tiers", "needs", "note", "out_of_scope", "missing"}
GPU_TIERS = ("budget", "full")
OPS = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
    "in": lambda a, b: a in b,
    "not in": lambda a, b: a not in b,
}
CHECK_RE = re.compile(r"\bcheck:\s*([^;#]+)")
CLAUSE_RE = re.compile(r"^(>=|<=|==|!=|>|<|not in|in)\s*(.+)$")
COUNT_RE = re.compile(r"^(epochs|steps|batch_size|n_\w+|\w+_n)$")
ZERO_DOC_RE = re.compile(r"(?<![\w.])0\s*(to|=|:|means|disables|skips|turns|for)\b")


class ConfigError(ValueError):
    """A chapter, tier, notebook or parameter name that does not exist, or a malformed config file."""


def _unknown(kind: str, name: str, valid, where: str = "") -> ConfigError:
    valid = sorted(valid)
    near = difflib.get_close_matches(name, valid, n=1)
    hint = f" Did you mean {near[0]!r}?" if near else ""
    return ConfigError(f"unknown {kind} {name!r}{where}.{hint} Valid: {', '.join(valid) or '(none)'}.")


@dataclass
class Check:
    """One clause of a declared constraint: ``op`` against a literal ``value`` or a parameter ``ref``."""

    op: str
    value: object = None
    ref: str | None = None
    generic: bool = False  # the count rule (>= 1), which only concerns integers

    def __str__(self) -> str:
        return f"{self.op} {self.ref if self.ref else repr(self.value)}"


@dataclass
class Notebook:
    name: str
    path: Path
    params: dict  # declared name -> default (None when not a literal)
    needs: list[str] = field(default_factory=list)
    comments: dict = field(default_factory=dict)  # declared name -> its comment in the parameters cell
    checks: dict = field(default_factory=dict)  # declared name -> [Check, ...] from "# check: ..."
    outputs: list[str] = field(default_factory=list)  # files (glob patterns) its runs folder hands downstream
    reads: list[str] = field(default_factory=list)  # notebooks (of needs) whose outputs it reads from runs/

    @property
    def source(self) -> str:
        return self.path.read_text()


@dataclass
class Arm:
    chapter: str
    tier: str
    notebook: Notebook
    arm: str | None
    params: dict  # effective parameters, without the injected paths
    threads: int | None = None  # CPU threads pinned for its kernel (the tier's ``threads:``), None: unpinned

    @property
    def id(self) -> str:
        return self.notebook.name if self.arm is None else f"{self.notebook.name}-{self.arm}"

    def selected_by(self, only) -> bool:
        """Whether ``--notebook`` selectors ``only`` (notebook names or arm ids; none: all) select this arm."""
        return not only or self.notebook.name in only or self.id in only


def read_parameters(path: Path) -> tuple[dict, dict, dict]:
    """(defaults, comments, checks) of the names assigned in the cell tagged ``parameters``."""
    import jupytext

    nb = jupytext.read(path)
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise ConfigError(f"{path}: expected exactly one cell tagged 'parameters', found {len(cells)}")
    src = cells[0].source
    line_comments = {}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(src).readline):
            if tok.type == tokenize.COMMENT:
                line_comments[tok.start[0]] = tok.string.lstrip("#").strip()
    except (tokenize.TokenError, SyntaxError):
        pass
    defaults, comments = {}, {}
    for node in ast.parse(src).body:
        targets = (
            node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        )
        for t in targets:
            if isinstance(t, ast.Name):
                try:
                    defaults[t.id] = ast.literal_eval(node.value) if node.value is not None else None
                except ValueError:
                    defaults[t.id] = None
                comments[t.id] = " ".join(
                    line_comments[i] for i in range(node.lineno, node.end_lineno + 1) if i in line_comments
                )
    missing = [n for n in INJECTED if n not in defaults]
    if missing:
        raise ConfigError(f"{path}: the parameters cell must declare {', '.join(missing)} (the runner sets them)")
    checks = {name: _parse_checks(path, name, c, defaults) for name, c in comments.items() if CHECK_RE.search(c)}
    return defaults, comments, checks


def _parse_checks(path: Path, name: str, comment: str, declared: dict) -> list[Check]:
    text = CHECK_RE.search(comment).group(1).strip()
    out = []
    for clause in re.split(r"\s+and\s+", text):
        m = CLAUSE_RE.match(clause.strip())
        if not m:
            raise ConfigError(
                f"{path}: cannot read the check {clause!r} of parameter {name!r}; "
                f"write e.g. '# check: >= 1' or '# check: <= epochs'"
            )
        op, operand = m.group(1), m.group(2).strip()
        if operand.isidentifier() and operand not in ("None", "True", "False"):
            if operand not in declared:
                raise _unknown("parameter", operand, declared, f" in the check of {name!r} in {path}")
            out.append(Check(op, ref=operand))
            continue
        try:
            out.append(Check(op, ast.literal_eval(operand)))
        except (ValueError, SyntaxError):
            raise ConfigError(
                f"{path}: the check {clause!r} of parameter {name!r} needs a Python literal or "
                f"a parameter name after {op!r}"
            ) from None
    return out


def declared_parameters(path: Path) -> dict:
    """Names (and literal defaults) assigned in the cell tagged ``parameters`` of a jupytext notebook."""
    return read_parameters(path)[0]


def _parse_text(text: str):
    """A ``--set`` value as Python literal (numbers like 1e6, lists, True/None), else YAML (bare words)."""
    import yaml

    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        pass
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def convert_value(nb: Notebook, name: str, value):
    """``value`` (text from ``--set``, or a Python value) converted to the type of ``name``'s default."""
    default = nb.params.get(name)
    text = value.strip() if isinstance(value, str) else None
    v = _parse_text(text) if text is not None else value
    shown = text if text is not None else repr(value)

    def bad(kind: str) -> ConfigError:
        return ConfigError(
            f"--set {name}={shown}: notebook {nb.name} expects {kind} for {name!r} (its default is {default!r})"
        )

    if default is None:
        return v
    if v is None:
        if "None" in nb.comments.get(name, ""):
            return None
        raise bad(
            {
                bool: "true or false",
                int: "an integer",
                float: "a number",
                str: "text",
                list: "a list",
                tuple: "a list",
                dict: "a mapping",
            }.get(type(default), type(default).__name__)
        )
    if isinstance(default, bool):
        if isinstance(v, bool):
            return v
        raise bad("true or false")
    if isinstance(default, int):
        if isinstance(v, int) and not isinstance(v, bool):
            return v
        if isinstance(v, float) and v.is_integer():
            return int(v)
        raise bad("an integer")
    if isinstance(default, float):
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return float(v)
        raise bad("a number")
    if isinstance(default, str):
        if isinstance(v, (list, tuple, dict)):
            return list(v) if isinstance(v, tuple) else v  # a structured alternative, e.g. arms=[a, b]
        if text is not None:
            return text[1:-1] if len(text) > 1 and text[0] == text[-1] and text[0] in "'\"" else text
        if isinstance(v, str):
            return v
        raise bad("text")
    if isinstance(default, (list, tuple)):
        if isinstance(v, (list, tuple)):
            return list(v)
        raise bad("a list such as [1, 2]")
    if isinstance(default, dict):
        if isinstance(v, dict):
            return v
        raise bad("a mapping such as {a: 1}")
    return v


def _checks_for(nb: Notebook, name: str) -> list[Check]:
    if name in nb.checks:
        return nb.checks[name]
    default = nb.params.get(name)
    if not COUNT_RE.match(name) or ZERO_DOC_RE.search(nb.comments.get(name, "")):
        return []
    if isinstance(default, (int, float)) and not isinstance(default, bool) and default <= 0:
        return []
    return [Check(">=", 1, generic=True)]


def check_values(nb: Notebook, params: dict, label: str, sources: dict) -> None:
    """Raise ``ConfigError`` when an effective value breaks its declared (or the generic) constraint."""
    eff = {**nb.params, **params}
    for name, value in eff.items():
        if name in INJECTED or value is None:
            continue
        for c in _checks_for(nb, name):
            if c.generic and (not isinstance(value, int) or isinstance(value, bool)):
                continue
            bound = eff.get(c.ref) if c.ref else c.value
            if c.ref and bound is None:
                continue
            try:
                ok = bool(OPS[c.op](value, bound))
            except TypeError:
                ok = False
            if not ok:
                ref = f" (= {bound!r})" if c.ref else ""
                raise ConfigError(f"{label}: {name} = {value!r} ({sources.get(name, 'the default')}) must be {c}{ref}")


@dataclass
class Chapter:
    name: str
    dir: Path
    meta: dict
    notebooks: dict[str, Notebook]

    @property
    def title(self) -> str:
        return self.meta.get("title", self.name)

    def tiers(self) -> list[str]:
        return [t for t in TIERS if (self.dir / "tiers" / f"{t}.yaml").exists()]

    def tier_config(self, tier: str) -> dict:
        if tier not in self.tiers():
            raise _unknown("tier", tier, self.tiers(), f" for chapter {self.name!r}")
        path = self.dir / "tiers" / f"{tier}.yaml"
        cfg = yaml.safe_load(path.read_text()) or {}
        bad = set(cfg) - TIER_KEYS
        if bad:
            raise ConfigError(f"{path}: unknown key(s) {sorted(bad)}; allowed: {sorted(TIER_KEYS)}")
        jobs = cfg.get("jobs", 1)
        if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1:
            raise ConfigError(f"{path}: jobs must be an integer >= 1, got {jobs!r}")
        threads = cfg.get("threads")
        if threads is not None and (not isinstance(threads, int) or isinstance(threads, bool) or threads < 1):
            raise ConfigError(f"{path}: threads must be an integer >= 1 (or absent), got {threads!r}")
        return cfg

    def tier_threads(self, tier: str) -> int | None:
        """The CPU threads each arm's kernel runs with at ``tier`` (its ``threads:``, else the tier's default;
        None: not pinned)."""
        return self.tier_config(tier).get("threads", DEFAULT_THREADS.get(tier))

    def tier_jobs(self, tier: str) -> int:
        """How many arms the tier runs in parallel when ``--jobs`` is not given (its ``jobs:``, else 1)."""
        return int(self.tier_config(tier).get("jobs", 1))

    def plan(
        self, tier: str, only: list[str] | None = None, overrides: dict | None = None, check: bool = True
    ) -> list[Arm]:
        """Every arm to run at ``tier`` (in dependency order), with all names validated; ``overrides``
        (``--set``) take the types of the defaults, and with ``check`` every value of the returned arms
        must meet its constraints (see the module docstring)."""
        cfg = self.tier_config(tier)
        threads = self.tier_threads(tier)
        tier_file = self.dir / "tiers" / (tier + ".yaml")
        where = f" in {tier_file}"
        nb_cfgs = cfg.get("notebooks") or {}
        for nb in nb_cfgs:
            if nb not in self.notebooks:
                raise _unknown("notebook", nb, self.notebooks, where)
        selected = [self.notebook_of(sel) for sel in only or []]  # notebook names; an arm id selects one arm
        common = dict(cfg.get("params") or {})
        all_declared = set().union(*(nb.params for nb in self.notebooks.values()))
        for name in common:
            if name not in all_declared or name in INJECTED:
                raise _unknown("parameter", name, all_declared - set(INJECTED), where + " (params)")
        overrides = dict(overrides or {})
        for name in overrides:
            if name not in all_declared or name in INJECTED:
                raise _unknown("parameter", name, all_declared - set(INJECTED), " given with --set")
        if only:
            for name in overrides:
                if not any(name in self.notebooks[nb].params for nb in selected):
                    owners = [nb.name for nb in self.notebooks.values() if name in nb.params]
                    raise ConfigError(
                        f"parameter {name!r} given with --set is not declared by the selected "
                        f"notebook(s) {', '.join(dict.fromkeys(selected))}; it belongs to "
                        f"{', '.join(owners)} (add --notebook {owners[0]})"
                    )
        rel = tier_file.relative_to(self.dir.parent)
        arms: list[Arm] = []
        for nb in self.notebooks.values():
            if only and nb.name not in selected:
                continue
            c = nb_cfgs.get(nb.name) or {}
            bad = set(c) - NB_KEYS
            if bad:
                raise ConfigError(
                    f"{where.strip()}: notebook {nb.name}: unknown key(s) {sorted(bad)}; allowed: {sorted(NB_KEYS)}"
                )
            base = {k: v for k, v in common.items() if k in nb.params}
            for k, v in (c.get("params") or {}).items():
                self._check_param(nb, k, where)
                base[k] = v
            over = {k: convert_value(nb, k, v) for k, v in overrides.items() if k in nb.params}
            arm_cfgs = c.get("arms") or {None: {}}
            for arm_name, arm_params in arm_cfgs.items():
                params = dict(base)
                for k, v in (arm_params or {}).items():
                    self._check_param(nb, k, f"{where} (arm {arm_name})")
                    params[k] = v
                sources = {k: f"from {rel}" for k in params}
                params.update(over)
                sources.update({k: "from --set" for k in over})
                arm = Arm(self.name, tier, nb, None if arm_name is None else str(arm_name), params, threads)
                if check:
                    check_values(nb, params, f"{self.name}/{tier} {arm.id}", sources)
                if arm.selected_by(only):  # not another arm of a notebook selected by arm id
                    arms.append(arm)
        missing = [sel for sel in only or [] if sel not in self.notebooks and all(a.id != sel for a in arms)]
        if missing:
            ids = [a.id for a in self.plan(tier, None, None, check=False) if a.arm is not None]
            raise _unknown("arm", missing[0], ids, f" at tier {tier!r} of chapter {self.name!r}")
        return arms

    def notebook_of(self, selector: str) -> str:
        """The notebook a ``--notebook`` selector names: a notebook, or one of its arms (``<notebook>-<arm>``)."""
        if selector in self.notebooks:
            return selector
        for name in sorted(self.notebooks, key=len, reverse=True):
            if selector.startswith(name + "-"):
                return name
        raise _unknown("notebook", selector, self.notebooks, f" in chapter {self.name!r}")

    def _check_param(self, nb: Notebook, name: str, where: str):
        if name not in nb.params or name in INJECTED:
            raise _unknown("parameter", name, set(nb.params) - set(INJECTED), f" for notebook {nb.name}{where}")


def list_chapters(root: Path | None = None) -> list[str]:
    root = root or chapters_dir()
    return sorted(p.name for p in root.iterdir() if (p / "chapter.yaml").exists()) if root.is_dir() else []


def _outputs(value, where: str) -> list[str]:
    """The ``outputs:`` of a notebook entry: file names or glob patterns inside the arm's runs folder."""
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{where}: outputs must be a list of file names (glob patterns allowed), got {value!r}")
    for v in value:
        if Path(v).is_absolute() or ".." in Path(v).parts:
            raise ConfigError(f"{where}: output {v!r} must lie inside the arm's runs folder")
    return list(value)


def _text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _items(value, notebooks: dict, where: str) -> list[dict]:
    """The ``items:`` of chapter.yaml, validated: each names its producer (``notebook`` and the ``file`` it writes
    into ``results/<chapter>/<tier>/<notebook or notebook-arm>/`` at each of its ``tiers``; ``needs:`` says what an
    item produced only at budget/full needs; ``arm`` is a glob over the arm names), or names the notebook whose
    markdown shows it (``text:`` what it shows), or says ``out_of_scope:`` / ``missing:`` with the reason."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise ConfigError(f"{where}: items must be a list of mappings (id, caption, producer), got {value!r}")
    seen: set[str] = set()
    for i, e in enumerate(value):
        if not isinstance(e, dict):
            raise ConfigError(f"{where}: items[{i}] must be a mapping with id and caption, got {e!r}")
        at = f"{where}: item {e.get('id', f'#{i}')!r}"
        bad = set(e) - ITEM_KEYS
        if bad:
            raise ConfigError(f"{at}: unknown key(s) {sorted(bad)}; allowed: {sorted(ITEM_KEYS)}")
        for k in ("id", "caption"):
            if not _text(e.get(k)):
                raise ConfigError(f"{at}: {k} must be non-empty text")
        if e["id"] in seen:
            raise ConfigError(f"{at}: the id is declared twice")
        seen.add(e["id"])
        kinds = [k for k in ("file", "text", "out_of_scope", "missing") if k in e]
        if len(kinds) != 1:
            raise ConfigError(
                f"{at}: give exactly one of file (with notebook and tiers), text (with notebook), out_of_scope: "
                f"reason, missing: what it needs; got {kinds or 'none'}"
            )
        if kinds[0] == "text":
            if e.get("notebook") not in notebooks:
                raise _unknown("notebook", str(e.get("notebook")), notebooks, f" (producer of {at})")
            if not _text(e["text"]):
                raise ConfigError(f"{at}: text must say what the notebook's markdown shows")
            extra = {"arm", "tiers", "needs"} & set(e)
            if extra:
                raise ConfigError(f"{at}: an item shown as text in a notebook has no {sorted(extra)}")
            continue
        if kinds[0] != "file":
            if not _text(e[kinds[0]]):
                raise ConfigError(f"{at}: {kinds[0]} must be non-empty text (the reason)")
            extra = {"notebook", "arm", "tiers", "needs"} & set(e)
            if extra:
                raise ConfigError(f"{at}: an item that is {kinds[0]} names no producer; remove {sorted(extra)}")
            continue
        if e.get("notebook") not in notebooks:
            raise _unknown("notebook", str(e.get("notebook")), notebooks, f" (producer of {at})")
        f = e["file"]
        if not _text(f) or Path(f).is_absolute() or ".." in Path(f).parts:
            raise ConfigError(f"{at}: file must be a file name inside the arm's results folder, got {f!r}")
        if "arm" in e and not _text(e["arm"]):
            raise ConfigError(f"{at}: arm must be non-empty text, got {e['arm']!r}")
        tiers = e.get("tiers")
        if not isinstance(tiers, list) or not tiers:
            raise ConfigError(f"{at}: tiers must be a non-empty list of tiers ({', '.join(TIERS)}), got {tiers!r}")
        for t in tiers:
            if t not in TIERS:
                raise _unknown("tier", str(t), TIERS, f" in {at}")
        if all(t in GPU_TIERS for t in tiers) and not _text(e.get("needs")):
            raise ConfigError(f"{at}: an item produced at {'/'.join(tiers)} only must say what it needs (needs:)")
        for k in ("needs", "note"):
            if k in e and not _text(e[k]):
                raise ConfigError(f"{at}: {k} must be non-empty text")
    return value


def load_chapter(name: str, root: Path | None = None) -> Chapter:
    root = root or chapters_dir()
    names = list_chapters(root)
    if name not in names:
        raise _unknown("chapter", name, names)
    d = root / name
    meta = yaml.safe_load((d / "chapter.yaml").read_text()) or {}
    bad = set(meta) - CHAPTER_KEYS
    if bad:
        raise ConfigError(f"{d / 'chapter.yaml'}: unknown key(s) {sorted(bad)}; allowed: {sorted(CHAPTER_KEYS)}")
    entries = meta.get("notebooks") or []
    files = {p.stem: p for p in sorted(d.glob("[0-9][0-9]_*.py"))}
    notebooks: dict[str, Notebook] = {}
    for e in entries:
        e = {"name": e} if isinstance(e, str) else e
        nm = e["name"]
        if nm not in files:
            raise _unknown("notebook", nm, files, f" in {d / 'chapter.yaml'}")
        needs = e.get("needs") or []
        needs = list(notebooks) if needs == "all" or needs == ["all"] else list(needs)
        for n in needs:
            if n not in notebooks:
                raise ConfigError(f"{d / 'chapter.yaml'}: {nm} needs {n!r}, which is not listed before it")
        defaults, comments, checks = read_parameters(files[nm])
        where = f"{d / 'chapter.yaml'}: {nm}"
        reads = e.get("reads") or []
        for r in reads:
            if r not in needs:
                raise ConfigError(f"{where} reads the outputs of {r!r}, which is not among its needs {needs}")
            if not notebooks[r].outputs:
                raise ConfigError(f"{where} reads the outputs of {r!r}, which declares no outputs:")
        notebooks[nm] = Notebook(
            nm, files[nm], defaults, needs, comments, checks, _outputs(e.get("outputs"), where), list(reads)
        )
    unlisted = set(files) - set(notebooks)
    if unlisted:
        raise ConfigError(f"{d / 'chapter.yaml'}: notebooks not listed under 'notebooks': {sorted(unlisted)}")
    _items(meta.get("items"), notebooks, str(d / "chapter.yaml"))
    return Chapter(name, d, meta, notebooks)

"""Chapters, tiers, notebooks and arms: reading ``chapter.yaml`` / ``tiers/<tier>.yaml`` and validating
every name *before* anything runs (papermill itself accepts misspelt parameters silently).

A chapter folder holds ``NN_topic.py`` jupytext notebooks, ``chapter.yaml`` (title, paper, notebook
order and dependencies, errata) and ``tiers/{reduced,budget,full}.yaml``::

    # tiers/reduced.yaml
    description: CPU smoke run on subsets
    params: {seed: 0}                  # for every notebook that declares the name
    notebooks:
      02_disturbances:
        params: {n_images: 500}
        arms:                          # one papermill run per arm (an ablation or a dataset sweep)
          cifar10: {dataset: cifar10}
          monet: {dataset: monet}
"""
from __future__ import annotations

import ast
import difflib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from genrep.paths import chapters_dir
from genrep.report.tables import TIERS

INJECTED = ("tier", "results_dir", "runs_dir")  # every notebook declares these; the runner sets them
TIER_KEYS = {"description", "params", "notebooks"}
NB_KEYS = {"params", "arms"}


class ConfigError(ValueError):
    """A chapter, tier, notebook or parameter name that does not exist, or a malformed config file."""


def _unknown(kind: str, name: str, valid, where: str = "") -> ConfigError:
    valid = sorted(valid)
    near = difflib.get_close_matches(name, valid, n=1)
    hint = f" Did you mean {near[0]!r}?" if near else ""
    return ConfigError(f"unknown {kind} {name!r}{where}.{hint} Valid: {', '.join(valid) or '(none)'}.")


@dataclass
class Notebook:
    name: str
    path: Path
    params: dict  # declared name -> default (None when not a literal)
    needs: list[str] = field(default_factory=list)

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

    @property
    def id(self) -> str:
        return self.notebook.name if self.arm is None else f"{self.notebook.name}-{self.arm}"


def declared_parameters(path: Path) -> dict:
    """Names (and literal defaults) assigned in the cell tagged ``parameters`` of a jupytext notebook."""
    import jupytext

    nb = jupytext.read(path)
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise ConfigError(f"{path}: expected exactly one cell tagged 'parameters', found {len(cells)}")
    out = {}
    for node in ast.parse(cells[0].source).body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, ast.AnnAssign) else []
        for t in targets:
            if isinstance(t, ast.Name):
                try:
                    out[t.id] = ast.literal_eval(node.value) if node.value is not None else None
                except ValueError:
                    out[t.id] = None
    missing = [n for n in INJECTED if n not in out]
    if missing:
        raise ConfigError(f"{path}: the parameters cell must declare {', '.join(missing)} (the runner sets them)")
    return out


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
        return cfg

    def plan(self, tier: str, only: list[str] | None = None, overrides: dict | None = None) -> list[Arm]:
        """Every arm to run at ``tier`` (in dependency order), with all names validated."""
        cfg = self.tier_config(tier)
        where = f" in {self.dir / 'tiers' / (tier + '.yaml')}"
        nb_cfgs = cfg.get("notebooks") or {}
        for nb in nb_cfgs:
            if nb not in self.notebooks:
                raise _unknown("notebook", nb, self.notebooks, where)
        for nb in only or []:
            if nb not in self.notebooks:
                raise _unknown("notebook", nb, self.notebooks, f" in chapter {self.name!r}")
        common = dict(cfg.get("params") or {})
        all_declared = set().union(*(nb.params for nb in self.notebooks.values()))
        for name in common:
            if name not in all_declared or name in INJECTED:
                raise _unknown("parameter", name, all_declared - set(INJECTED), where + " (params)")
        overrides = dict(overrides or {})
        for name in overrides:
            if name not in all_declared or name in INJECTED:
                raise _unknown("parameter", name, all_declared - set(INJECTED), " given with --set")
        arms: list[Arm] = []
        for nb in self.notebooks.values():
            if only and nb.name not in only:
                continue
            c = nb_cfgs.get(nb.name) or {}
            bad = set(c) - NB_KEYS
            if bad:
                raise ConfigError(f"{where.strip()}: notebook {nb.name}: unknown key(s) {sorted(bad)}; "
                                  f"allowed: {sorted(NB_KEYS)}")
            base = {k: v for k, v in common.items() if k in nb.params}
            for k, v in (c.get("params") or {}).items():
                self._check_param(nb, k, where)
                base[k] = v
            over = {k: v for k, v in overrides.items() if k in nb.params}
            arm_cfgs = c.get("arms") or {None: {}}
            for arm_name, arm_params in arm_cfgs.items():
                params = dict(base)
                for k, v in (arm_params or {}).items():
                    self._check_param(nb, k, f"{where} (arm {arm_name})")
                    params[k] = v
                params.update(over)
                arms.append(Arm(self.name, tier, nb, None if arm_name is None else str(arm_name), params))
        return arms

    def _check_param(self, nb: Notebook, name: str, where: str):
        if name not in nb.params or name in INJECTED:
            raise _unknown("parameter", name, set(nb.params) - set(INJECTED), f" for notebook {nb.name}{where}")


def list_chapters(root: Path | None = None) -> list[str]:
    root = root or chapters_dir()
    return sorted(p.name for p in root.iterdir() if (p / "chapter.yaml").exists()) if root.is_dir() else []


def load_chapter(name: str, root: Path | None = None) -> Chapter:
    root = root or chapters_dir()
    names = list_chapters(root)
    if name not in names:
        raise _unknown("chapter", name, names)
    d = root / name
    meta = yaml.safe_load((d / "chapter.yaml").read_text()) or {}
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
        notebooks[nm] = Notebook(nm, files[nm], declared_parameters(files[nm]), needs)
    unlisted = set(files) - set(notebooks)
    if unlisted:
        raise ConfigError(f"{d / 'chapter.yaml'}: notebooks not listed under 'notebooks': {sorted(unlisted)}")
    return Chapter(name, d, meta, notebooks)

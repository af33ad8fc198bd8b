"""Run one arm: jupytext → papermill, then tidy the executed notebook for the book.

The executed notebook shows the effective parameters once (a small table with the tier); the default
``parameters`` cell and papermill's injected cell are tagged ``remove-cell`` so the book hides them.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat

from genrep.paths import repo_root

from .chapters import Arm


def params_markdown(arm: Arm, injected: dict) -> str:
    rows = "\n".join(f"| `{k}` | `{_short(v)}` |" for k, v in injected.items())
    return (f"```{{admonition}} Run parameters — tier **{arm.tier}**\n:class: note\n\n"
            f"Notebook `{arm.notebook.name}`{'' if arm.arm is None else f', arm `{arm.arm}`'}. "
            f"Produced by `make replicate CHAPTER={arm.chapter} CONFIG={arm.tier}`.\n\n"
            f"| parameter | value |\n|---|---|\n{rows}\n```")


def _short(v) -> str:
    s = repr(v)
    return s if len(s) < 80 else s[:77] + "..."


def tidy(nb: nbformat.NotebookNode, arm: Arm, injected: dict) -> nbformat.NotebookNode:
    """Hide the parameter cells, show the effective parameters once, and name the arm in the title."""
    out = []
    titled = arm.arm is None
    for cell in nb.cells:
        if not titled and cell.cell_type == "markdown" and cell.source.lstrip().startswith("# "):
            first, _, rest = cell.source.lstrip().partition("\n")
            suffix = f" — {arm.arm}"
            if not first.endswith(suffix):
                cell.source = first + suffix + ("\n" + rest if rest else "")
            titled = True
        tags = cell.setdefault("metadata", {}).setdefault("tags", [])
        if "parameters" in tags or "injected-parameters" in tags:
            if "remove-cell" not in tags:
                tags.append("remove-cell")
        out.append(cell)
        if "injected-parameters" in tags:
            md = nbformat.v4.new_markdown_cell(params_markdown(arm, injected))
            md.metadata["tags"] = ["run-parameters"]
            out.append(md)
    nb.cells = out
    return nb


def prepare(arm: Arm, injected: dict, dest: Path) -> Path:
    """Write the notebook as .ipynb with the parameters injected, without executing it (for nbval)."""
    import jupytext
    from papermill.parameterize import parameterize_notebook

    nb = jupytext.read(arm.notebook.path)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for cell in nb.cells:  # papermill expects every cell to carry a tags list
        cell.metadata.setdefault("tags", [])
    nb.metadata.setdefault("papermill", {})
    nb = parameterize_notebook(nb, injected, report_mode=False)
    nb = tidy(nb, arm, injected)
    dest.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, dest)
    return dest


def execute(arm: Arm, injected: dict, output: Path, live: bool = True) -> tuple[bool, str, float]:
    """Execute with papermill; return (ok, error summary, seconds). The executed notebook is always
    written to ``output`` (also when a cell fails, so the user can open it at the failing cell)."""
    import jupytext
    import papermill as pm

    output.parent.mkdir(parents=True, exist_ok=True)
    src = output.with_suffix(".input.ipynb")
    nb = jupytext.read(arm.notebook.path)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, src)
    os.environ.setdefault("TQDM_MININTERVAL", "3")  # keep tqdm output in executed notebooks short
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    t0 = time.time()
    err = ""
    try:
        pm.execute_notebook(
            str(src), str(output), parameters=injected, kernel_name="python3", cwd=str(repo_root()),
            progress_bar=False, log_output=False, stderr_file=sys.stderr if live else None,
            extra_arguments=["--IPKernelApp.log_level=ERROR"],  # the kernel's own start-up chatter
        )
        ok = True
    except pm.PapermillExecutionError as e:
        ok, err = False, f"{e.ename}: {e.evalue}"
    except Exception as e:  # kernel died, timeout, ...
        ok, err = False, f"{type(e).__name__}: {e}"
    secs = time.time() - t0
    src.unlink(missing_ok=True)
    if output.exists():
        nb = nbformat.read(output, as_version=4)
        nbformat.write(tidy(nb, arm, injected), output)
    return ok, err, secs

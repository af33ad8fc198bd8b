"""Run one arm: jupytext → papermill, then tidy the executed notebook for the book.

The executed notebook shows the effective parameters once (a small table with the tier); the default
``parameters`` cell and papermill's injected cell are tagged ``remove-cell`` so the book hides them.

The runner appends one last cell (removed from the executed notebook again) that writes the ``genrep``
modules the kernel imported to :func:`imports_file` of the output: the cache keys on them (see
:mod:`genrep.runner.cache`).

Stopping: the kernels started here are registered, so :func:`interrupt_kernels` can send them SIGINT
(``train_loop`` then finishes its step, saves a checkpoint and stops) and :func:`request_stop` keeps any
further cell from starting; :func:`kill_kernels` is the hard stop.
"""

from __future__ import annotations

import functools
import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path

import nbformat

from genrep.paths import repo_root

from .cache import RECORD_TAG, record_cell_source
from .chapters import Arm


class RunInterrupted(Exception):
    """Raised before a cell starts once a stop was requested (the kernel was idle: nothing to save)."""


_KERNELS: set = set()  # kernel managers whose kernel is running in this process
_KERNELS_LOCK = threading.RLock()  # re-entrant: a signal handler may run while the main thread holds it
_STOP = threading.Event()


@functools.cache
def _kernel_manager_class():
    from jupyter_client import AsyncKernelManager, KernelManager

    class TrackedKernelManager(AsyncKernelManager):
        """An ``AsyncKernelManager`` that registers its kernel so a signal handler can interrupt it."""

        async def start_kernel(self, **kw):
            await KernelManager._async_start_kernel(self, **kw)
            with _KERNELS_LOCK:
                _KERNELS.add(self)

        async def shutdown_kernel(self, now: bool = False, restart: bool = False):
            with _KERNELS_LOCK:
                _KERNELS.discard(self)
            await KernelManager._async_shutdown_kernel(self, now=now, restart=restart)

    return TrackedKernelManager


def _signal_kernels(signum: int) -> int:
    with _KERNELS_LOCK:
        kms = list(_KERNELS)
    n = 0
    for km in kms:
        prov = getattr(km, "provisioner", None)
        pid, pgid = getattr(prov, "pid", None), getattr(prov, "pgid", None)
        try:
            if pgid:
                os.killpg(pgid, signum)
            elif pid:
                os.kill(pid, signum)
            else:
                continue
            n += 1
        except (ProcessLookupError, PermissionError):
            pass
    return n


def request_stop() -> None:
    """No further cell starts in this process (a running cell is left to :func:`interrupt_kernels`)."""
    _STOP.set()


def reset_stop() -> None:
    _STOP.clear()


def stop_requested() -> bool:
    return _STOP.is_set()


def interrupt_kernels(signum: int = signal.SIGINT) -> int:
    """Send ``signum`` (SIGINT: a ``KeyboardInterrupt`` in the running cell; SIGTERM: ``train_loop`` saves and
    stops, naming SIGTERM) to every running kernel; returns how many."""
    return _signal_kernels(signum)


def kill_kernels() -> int:
    """Kill every running kernel at once (nothing is saved beyond the last periodic checkpoint)."""
    return _signal_kernels(signal.SIGKILL)


def _stop_hook(cell=None, cell_index=None, **_):
    if _STOP.is_set():
        raise RunInterrupted("stopped by a signal before this cell started")


def params_markdown(arm: Arm, injected: dict) -> str:
    rows = "\n".join(f"| `{k}` | `{_short(v)}` |" for k, v in injected.items())
    return (
        f"```{{admonition}} Run parameters — tier **{arm.tier}**\n:class: note\n\n"
        f"Notebook `{arm.notebook.name}`{'' if arm.arm is None else f', arm `{arm.arm}`'}. "
        f"Produced by `make replicate CHAPTER={arm.chapter} CONFIG={arm.tier}`.\n\n"
        f"| parameter | value |\n|---|---|\n{rows}\n```"
    )


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


def imports_file(output: Path) -> Path:
    """Where the kernel that executes into ``output`` records its ``genrep`` imports (JSON)."""
    return output.with_name(output.name + ".imports.json")


def _drop_record_cell(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb.cells = [c for c in nb.cells if RECORD_TAG not in c.get("metadata", {}).get("tags", [])]
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


def execute(
    arm: Arm, injected: dict, output: Path, live: bool = True, shown: dict | None = None
) -> tuple[bool, str, float]:
    """Execute with papermill; return (ok, error summary, seconds). The executed notebook is always
    written to ``output`` (also when a cell fails, so the user can open it at the failing cell); after a
    successful run :func:`imports_file` of ``output`` holds the kernel's ``genrep`` modules.
    ``shown`` are the parameters the notebook's table shows (default ``injected``)."""
    import jupytext
    import papermill as pm

    output.parent.mkdir(parents=True, exist_ok=True)
    src = output.with_suffix(".input.ipynb")
    nb = jupytext.read(arm.notebook.path)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    record = imports_file(output)
    record.unlink(missing_ok=True)
    cell = nbformat.v4.new_code_cell(record_cell_source(record))
    cell.metadata["tags"] = [RECORD_TAG, "remove-cell"]
    nb.cells.append(cell)
    nbformat.write(nb, src)
    os.environ.setdefault("TQDM_MININTERVAL", "3")  # keep tqdm output in executed notebooks short
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    # papermill's own look at the parameters cell stumbles on comments holding '=' ("# check: >= 1") and
    # then warns about "unknown" parameters; the runner has validated every name and value already
    logging.getLogger("papermill.translators").setLevel(logging.ERROR)
    t0 = time.time()
    err = ""
    try:
        pm.execute_notebook(
            str(src),
            str(output),
            parameters=injected,
            kernel_name="python3",
            cwd=str(repo_root()),
            progress_bar=False,
            log_output=False,
            stderr_file=sys.stderr if live else None,
            extra_arguments=["--IPKernelApp.log_level=ERROR"],  # the kernel's own start-up chatter
            kernel_manager_class=_kernel_manager_class(),
            on_cell_execute=_stop_hook,
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
        nbformat.write(tidy(_drop_record_cell(nb), arm, shown or injected), output)
    return ok, err, secs

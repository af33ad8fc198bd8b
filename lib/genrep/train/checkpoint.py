"""Checkpoints: one file per run, written atomically, at least every few minutes.

    ckpt = Checkpointer(runs_dir() / "cyclegan_monet/budget/train.ckpt", every_minutes=5)
    payload = ckpt.load()            # None when there is no checkpoint yet
    ...
    ckpt.maybe_save(step, lambda: {"step": step, "model": model.state_dict(), ...})

A save writes ``<name>.tmp``, fsyncs it and renames it over ``<name>`` (``os.replace`` is atomic),
so a run killed while saving leaves the previous checkpoint intact.

After a successful run ``train_loop`` keeps the final checkpoint, marked ``"complete": True``:
running the notebook again loads the trained state instead of training again, and a longer run
(larger ``total_steps``) continues from it. ``remove()`` deletes it (what ``--force`` should do).

Checkpoints are loaded with ``weights_only=False`` because they are files this project wrote
itself (they may hold numpy scalars or small python objects in the history); never point a
Checkpointer at a file from an untrusted source.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import torch


class CheckpointError(RuntimeError):
    """A checkpoint file exists but cannot be used (corrupt, truncated, or from another setup)."""


def _fix_hint(path: Path) -> str:
    return f"Delete it (rm '{path}') to start this run from scratch, or re-run with --force."


class Checkpointer:
    """Saves and loads the checkpoint at ``path``.

    ``due(step)`` is true every ``every_steps`` steps (if given) and whenever ``every_minutes`` have
    passed since the last save (or since this object was created); ``every_minutes=None`` or ``0``
    turns the clock off. ``step`` means *completed* steps: a checkpoint "at step 20" holds the state
    after 20 steps and a resumed run starts with step index 20.
    """

    def __init__(self, path: str | os.PathLike, every_minutes: float | None = 5.0, every_steps: int | None = None):
        self.path = Path(path)
        self.every_minutes = every_minutes
        self.every_steps = every_steps
        self.last_step: int | None = None  # step of the newest checkpoint on disk that we know of
        self._last_time = time.monotonic()

    def __repr__(self) -> str:
        return f"Checkpointer({str(self.path)!r}, every_minutes={self.every_minutes}, every_steps={self.every_steps})"

    @property
    def tmp_path(self) -> Path:
        return self.path.with_name(self.path.name + ".tmp")

    def exists(self) -> bool:
        return self.path.is_file()

    def load(self) -> dict | None:
        """The saved payload (tensors on the CPU), or None when there is no checkpoint.

        A file that cannot be read raises ``CheckpointError`` naming it and saying how to fix it.
        """
        if not self.path.exists():
            return None
        try:
            payload = torch.load(self.path, map_location="cpu", weights_only=False)
        except Exception as err:  # truncated zip, bad pickle, EOF, ...: all mean "this file is broken"
            raise CheckpointError(
                f"checkpoint {self.path} could not be read ({type(err).__name__}: {err}). It is probably "
                f"truncated or corrupt (disk full, or copied while being written). {_fix_hint(self.path)}"
            ) from err
        if not isinstance(payload, dict):
            raise CheckpointError(
                f"checkpoint {self.path} holds a {type(payload).__name__}, not a dict. {_fix_hint(self.path)}"
            )
        self.last_step = payload.get("step")
        return payload

    def due(self, step: int) -> bool:
        """Whether a checkpoint should be written after ``step`` completed steps."""
        if step <= 0 or step == self.last_step:
            return False
        if self.every_steps and step % self.every_steps == 0:
            return True
        if self.every_minutes:
            return time.monotonic() - self._last_time >= 60.0 * self.every_minutes
        return False

    def save(self, payload: dict) -> None:
        """Write ``payload`` atomically (tmp file + fsync + os.replace) and restart the clock."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.tmp_path
        try:
            with open(tmp, "wb") as f:
                torch.save(payload, f)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        finally:
            if tmp.exists():
                tmp.unlink()
        self.last_step = payload.get("step")
        self._last_time = time.monotonic()

    def maybe_save(self, step: int, make_payload: Callable[[], dict]) -> bool:
        """Save ``make_payload()`` if ``due(step)``; return whether it saved. The payload is only
        built when needed (building it copies state off the GPU)."""
        if not self.due(step):
            return False
        self.save(make_payload())
        return True

    def remove(self) -> None:
        """Delete the checkpoint (and a leftover temporary file), e.g. for ``--force``."""
        for p in (self.path, self.tmp_path):
            if p.exists():
                p.unlink()
        self.last_step = None

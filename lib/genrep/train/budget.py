"""Training that fits into several shorter jobs: ``train_for(..., max_minutes=...)``.

``train_for`` runs ``train_loop`` one chunk (e.g. one epoch) at a time up to ``total_steps``. Each chunk
ends with a checkpoint (``train_loop`` marks it complete for that chunk's length; the next chunk, or the
next job, continues from it). When ``max_minutes`` have passed in this call it stops after the current
chunk and returns ``done=False``; calling it again with the same arguments continues where it stopped, and
the final state equals that of an uninterrupted run (the generators are part of every checkpoint). A
notebook then raises ``TrainingPaused``, which the runner reports as a pause rather than a failure.
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

from .checkpoint import Checkpointer
from .loop import train_loop


class TrainingPaused(Exception):
    """Raise it when ``train_for`` returned ``done=False``: the checkpoint holds the run, and the runner
    reports the arm as *paused* (not failed), keeps its earlier results and resumes it on the next call."""


def train_for(
    step_fn,
    *,
    total_steps: int,
    chunk_steps: int,
    checkpointer: Checkpointer,
    max_minutes: float | None = None,
    **loop_kwargs,
) -> tuple[list[dict], bool]:
    """Run ``train_loop`` in chunks of ``chunk_steps`` until ``total_steps`` or ``max_minutes``.

    Returns ``(history, done)``. ``max_minutes=None`` means no limit; ``0`` runs exactly one chunk.
    ``loop_kwargs`` go to ``train_loop`` (``seed`` only takes effect on a fresh run).
    """
    if chunk_steps < 1:
        raise ValueError(f"chunk_steps must be >= 1, got {chunk_steps}")
    t0 = time.monotonic()
    payload = checkpointer.load()
    done = int(payload["step"]) if payload is not None else 0
    if done >= total_steps:  # finished (or asked for a shorter run: train_loop explains the error)
        return train_loop(step_fn, total_steps=total_steps, checkpointer=checkpointer, **loop_kwargs), True
    while True:
        target = min(total_steps, (done // chunk_steps + 1) * chunk_steps)
        history = train_loop(step_fn, total_steps=target, checkpointer=checkpointer, **loop_kwargs)
        done = target
        if done >= total_steps:
            return history, True
        if max_minutes is not None and (time.monotonic() - t0) / 60 >= max_minutes:
            print(
                f"max_minutes={max_minutes} reached at step {done}/{total_steps}; the checkpoint "
                f"{checkpointer.path} holds it: run again to continue"
            )
            return history, False


def train_epochs(
    step_fn,
    *,
    epochs: int,
    steps_per_epoch: int,
    runs_dir,
    state: dict,
    max_minutes: float | None = None,
    checkpoint_name: str = "ckpt.pt",
    every_minutes: float = 5,
    **loop_kwargs,
) -> list[dict]:
    """``train_for`` one epoch per chunk, checkpointed to ``runs_dir/checkpoint_name`` every epoch (and every
    ``every_minutes``); raises ``TrainingPaused`` when ``max_minutes`` ran out before ``epochs``. Returns the
    history (one dict per logged step). ``loop_kwargs`` go to ``train_loop`` (``desc``, ``seed``, ``log_every``,
    ``stopwatch``, ``images_per_step``, ...)."""
    history, complete = train_for(
        step_fn,
        total_steps=epochs * steps_per_epoch,
        chunk_steps=steps_per_epoch,
        max_minutes=max_minutes,
        checkpointer=Checkpointer(Path(runs_dir) / checkpoint_name, every_minutes=every_minutes),
        state=state,
        **loop_kwargs,
    )
    if not complete:
        raise TrainingPaused(f"stopped after max_minutes={max_minutes}: run this notebook again to continue training")
    return history


def epoch_means(history: list[dict], steps_per_epoch: int, columns: dict[str, str]) -> pd.DataFrame:
    """Per-epoch means of logged values: ``columns`` maps an output column to a history key; rows without
    the first key (steps that logged nothing) are left out. Columns: ``epoch`` (from 1), then ``columns``."""
    first = next(iter(columns.values()))
    h = pd.DataFrame([r for r in history if first in r])
    h["epoch"] = h["step"] // steps_per_epoch + 1
    return h.groupby("epoch").agg(**{out: (key, "mean") for out, key in columns.items()}).reset_index()


def tenths(history: list[dict], key: str, total_steps: int) -> list[float]:
    """The training curve in tenths of the run: the mean of ``key`` over each tenth of ``total_steps``."""
    h = pd.DataFrame([r for r in history if key in r])
    return h.groupby(h["step"] * 10 // total_steps)[key].mean().tolist()


def adam_with_schedule(groups: list[dict], total_steps: int, cosine: bool = True, betas=(0.9, 0.999)):
    """One Adam over parameter ``groups`` (dicts with ``params``, ``lr`` and optional ``warmup`` steps) and a
    LambdaLR: linear warm-up per group, then cosine annealing to 0 over ``total_steps`` when ``cosine``."""
    import math

    import torch

    opt = torch.optim.Adam([{"params": list(g["params"]), "lr": g["lr"]} for g in groups], betas=tuple(betas))

    def factor(warmup):
        def f(step):
            w = min(1.0, (step + 1) / warmup) if warmup else 1.0
            c = 0.5 * (1 + math.cos(math.pi * min(step, total_steps) / max(total_steps, 1))) if cosine else 1.0
            return w * c

        return f

    sched = torch.optim.lr_scheduler.LambdaLR(opt, [factor(int(g.get("warmup", 0))) for g in groups])
    return opt, sched

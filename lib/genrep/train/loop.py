"""The one training loop every chapter uses.

    def step_fn(step):
        x = batcher.next()
        loss = model.loss(x)
        opt.zero_grad(set_to_none=True); loss.backward(); opt.step(); ema.update(model)
        return {"loss": loss}

    history = train_loop(step_fn, total_steps=10_000, state={"model": model, "opt": opt, "ema": ema},
                         checkpointer=Checkpointer(run_dir / "train.ckpt"), seed=0)

What the loop does for you:

* **Resume.** If the checkpointer has a checkpoint, every object in ``state`` gets its
  ``load_state_dict``, the random generators, the history and the step are restored, and the loop
  continues from there. On the CPU a run that is killed and resumed ends bit-identical to one that
  ran straight through (``tests/test_train.py`` checks this). A checkpoint marked complete just
  reloads the trained state, so re-running a finished notebook does not train again.
* **Checkpoints** when ``checkpointer.due(step)`` (every few minutes / steps) and at the end.
* **Stopping cleanly.** While the loop runs, SIGTERM and the first Ctrl-C (SIGINT) only set a
  flag: the current step finishes, a checkpoint is saved, and ``TrainingInterrupted`` (a
  ``KeyboardInterrupt``) is raised. A second Ctrl-C stops at once *without* saving, because the
  models may then be half-updated; the last periodic checkpoint stands. Other exceptions from
  ``step_fn`` propagate without saving for the same reason. The previous signal handlers are
  restored when the loop exits. (Handlers can only be installed from the main thread.)
* **NaN guard.** Every value ``step_fn`` returns is checked with ``check_finite`` (every step by
  default; ``check_every=k`` checks every k-th step, plus logging and checkpoint steps, to avoid a
  GPU sync per step). A NaN raises ``NonFiniteError`` naming the value, the step, the learning
  rates and the last good checkpoint. A non-finite state is never saved.
* **Divergence without NaN.** A value pinned at binary cross-entropy's clamp (exactly 100 per
  saturated term) for ``stuck_after`` checked steps raises ``DivergedError`` naming the value, the
  step it got stuck at and the last checkpoint saved before that. When ``step_fn`` raises (a NaN
  reaching ``binary_cross_entropy`` raises a ``RuntimeError`` before any loss exists), the loop
  looks for the cause: non-finite parameters in ``state``'s modules, else it calls ``step_fn`` once
  more with forward hooks on every layer; the error becomes a ``DivergedError`` naming the first
  non-finite layer and the step (the run is over either way; normal steps carry no hooks).
* **History.** Every ``log_every`` steps (and at the last step) a row ``{"step": step, **values}``
  with the values as floats at that step.
* **Progress.** A tqdm bar with steps/s and the latest logged values. When stderr is not a terminal
  (papermill, CI) it redraws at most every 5 s to keep executed notebooks small;
  ``GENREP_PROGRESS=0`` hides it.
"""

from __future__ import annotations

import os
import signal
import sys
import time
import warnings
from collections.abc import Callable

import torch
from tqdm import tqdm

from genrep.runtime.seed import _seed_generators, rng_state, set_rng_state
from genrep.runtime.signals import SignalHandlers
from genrep.runtime.timing import Stopwatch

from .checkpoint import Checkpointer, CheckpointError, _fix_hint
from .guard import FIXES, DivergedError, ForwardWatch, StuckDetector, _checkpoint_note, _fmt_lr, check_finite


class TrainingInterrupted(KeyboardInterrupt):
    """Raised by ``train_loop`` after SIGTERM or Ctrl-C, once the checkpoint has been saved."""


class _StopSignals(SignalHandlers):
    """While active, SIGTERM and the first SIGINT set ``self.signum`` instead of killing the run."""

    def __init__(self):
        self.signum: int | None = None

    def _handle(self, signum, frame):
        if signum == signal.SIGINT and self.signum is not None:
            raise KeyboardInterrupt  # second Ctrl-C: stop now, no save
        self.signum = signum
        what = "interrupt" if signum == signal.SIGINT else signal.Signals(signum).name
        print(
            f"\n{what} received: finishing this step, saving a checkpoint and stopping"
            + (" (Ctrl-C again to stop at once, without saving)" if signum == signal.SIGINT else ""),
            file=sys.stderr,
            flush=True,
        )


def _learning_rates(state: dict) -> dict | None:
    lrs = {name: obj.param_groups[0]["lr"] for name, obj in state.items() if isinstance(obj, torch.optim.Optimizer)}
    return lrs or None


def _restore(payload: dict, state: dict, path, total_steps: int) -> int:
    """Load ``payload`` into the ``state`` objects and the random generators; return the step."""
    step = int(payload.get("step", 0))
    if step > total_steps:
        raise CheckpointError(
            f"checkpoint {path} is at step {step} but this run has "
            f"total_steps={total_steps}: it belongs to a longer run. {_fix_hint(path)}"
        )
    saved = payload.get("state", {})
    missing = [k for k in state if k not in saved]
    if missing:
        raise CheckpointError(
            f"checkpoint {path} has no state for {missing} (it has {sorted(saved)}); "
            f"it was written by different training code. {_fix_hint(path)}"
        )
    extra = [k for k in saved if k not in state]
    if extra:
        warnings.warn(f"checkpoint {path} also holds {extra}, which this run does not use", stacklevel=3)
    for name, obj in state.items():
        try:
            obj.load_state_dict(saved[name])
        except Exception as err:
            why = f"{type(err).__name__}: {err}"
            raise CheckpointError(
                f"checkpoint {path}: cannot load {name!r} ({why}); the model or its "
                f"settings changed since it was saved. {_fix_hint(path)}"
            ) from err
    if "rng" in payload:
        set_rng_state(payload["rng"])
    return step


def _progress_bar(total: int, initial: int, desc: str, enabled: bool) -> tqdm:
    enabled = enabled and os.environ.get("GENREP_PROGRESS", "1") not in ("0", "false", "no", "")
    kwargs = {}
    if not sys.stderr.isatty() and "TQDM_MININTERVAL" not in os.environ:
        kwargs["mininterval"] = 5.0
    return tqdm(total=total, initial=initial, desc=desc, unit="step", disable=not enabled, dynamic_ncols=True, **kwargs)


def train_loop(
    step_fn: Callable[[int], dict | None],
    *,
    total_steps: int,
    state: dict | None = None,
    checkpointer: Checkpointer | None = None,
    desc: str = "train",
    log_every: int = 50,
    progress: bool = True,
    seed: int | None = None,
    check_every: int = 1,
    stopwatch: Stopwatch | None = None,
    images_per_step: int | None = None,
    stuck_after: int = 25,
) -> list[dict]:
    """Run ``step_fn(step)`` for ``step`` in ``range(start, total_steps)`` and return the history.

    ``state`` maps names to the objects whose ``state_dict()`` make up the run (models, optimizers,
    EMA, LR schedulers, image pools, data batchers, ...). ``seed`` reseeds every generator at the
    start of a fresh run (not on resume: the checkpoint's generator state wins). ``stopwatch``
    receives the time of the steps run in this call under ``desc`` with ``steps`` (and ``images =
    steps * images_per_step`` if given). ``stuck_after`` checked steps at a clamp count as divergence. See
    the module docstring for resume, signals and the guards.
    """
    if log_every < 1 or check_every < 1:
        raise ValueError(f"log_every and check_every must be >= 1 (got {log_every}, {check_every})")
    stuck = StuckDetector(stuck_after)
    state = dict(state or {})
    history: list[dict] = []
    start, elapsed_before = 0, 0.0
    payload = checkpointer.load() if checkpointer is not None else None
    if payload is not None:
        start = _restore(payload, state, checkpointer.path, total_steps)
        history = list(payload.get("history", []))
        elapsed_before = float(payload.get("elapsed_s", 0.0))
        if start == total_steps and payload.get("complete"):
            print(f"{desc}: already complete; loaded the trained state (step {start}) from {checkpointer.path}")
        else:
            print(f"resumed from step {start} ({checkpointer.path})")
    elif seed is not None:
        _seed_generators(seed)

    t0 = time.perf_counter()

    def make_payload(done: int, complete: bool = False) -> dict:
        return {
            "step": done,
            "total_steps": total_steps,
            "complete": complete,
            "desc": desc,
            "state": {name: obj.state_dict() for name, obj in state.items()},
            "history": list(history),
            "rng": rng_state(),
            "elapsed_s": elapsed_before + time.perf_counter() - t0,
            "torch_version": torch.__version__,
        }

    def last_checkpoint() -> tuple:
        ckpt = checkpointer.path if checkpointer is not None and checkpointer.last_step is not None else None
        return ckpt, (checkpointer.last_step if ckpt is not None else None)

    def guard(values: dict, step: int) -> dict[str, float]:
        ckpt, at = last_checkpoint()
        lr = _learning_rates(state)
        floats = {
            k: check_finite(v, step=step, name=k, checkpoint=ckpt, checkpoint_step=at, lr=lr) for k, v in values.items()
        }
        stuck.update(floats, step, ckpt, at, lr)
        return floats

    def failed_step(err: BaseException, step: int) -> None:
        """``step_fn`` raised ``err``: when the model has gone non-finite, raise a ``DivergedError`` saying so."""
        modules = {k: v for k, v in state.items() if isinstance(v, torch.nn.Module)}
        what = next(
            (
                f"the parameter {k}.{n}"
                for k, m in modules.items()
                for n, p in m.named_parameters()
                if not bool(torch.isfinite(p.detach()).all())
            ),
            None,
        )
        if what is None and modules:  # finite weights can still overflow: replay the step with layer hooks
            with ForwardWatch(modules) as watch:
                try:
                    step_fn(step)
                except Exception:  # noqa: BLE001 -- the replay only diagnoses; the original error stands
                    pass
                layer = watch.first_bad()
            what = f"the output of {layer}" if layer else None
        if what is None:
            return
        ckpt, at = last_checkpoint()
        first = (str(err).strip().splitlines() or [""])[0][:200]
        raise DivergedError(
            f"step {step} failed: {what} became non-finite (NaN/inf){_fmt_lr(_learning_rates(state))}, and the "
            f"step raised {type(err).__name__}: {first}.{_checkpoint_note(ckpt, at)}{FIXES}"
        ) from err

    ran = 0
    bar = _progress_bar(total_steps, start, desc, progress)
    try:
        with _StopSignals() as stop:
            for step in range(start, total_steps):
                try:
                    values = step_fn(step) or {}
                except (RuntimeError, ValueError) as err:
                    failed_step(err, step)
                    raise
                done, ran = step + 1, ran + 1
                log_now = step % log_every == 0 or done == total_steps
                save_now = checkpointer is not None and checkpointer.due(done)
                if log_now or save_now or stop.signum is not None or step % check_every == 0:
                    floats = guard(values, step)
                if log_now:
                    history.append({"step": step, **floats})
                    bar.set_postfix({k: f"{v:.4g}" for k, v in floats.items()}, refresh=False)
                bar.update(1)
                if save_now:
                    checkpointer.save(make_payload(done))
                if stop.signum is not None:
                    where = "no checkpointer, nothing saved"
                    if checkpointer is not None:
                        if checkpointer.last_step != done:
                            checkpointer.save(make_payload(done))
                        where = f"checkpoint saved to {checkpointer.path}; run again to resume"
                    name = signal.Signals(stop.signum).name
                    raise TrainingInterrupted(f"{desc} stopped by {name} after step {step} ({where})")
    finally:
        bar.close()
        if stopwatch is not None and ran:
            counts = {"steps": ran}
            if images_per_step is not None:
                counts["images"] = ran * images_per_step
            stopwatch.add(desc, time.perf_counter() - t0, **counts)

    if checkpointer is not None and (ran or payload is None or not payload.get("complete")):
        checkpointer.save(make_payload(total_steps, complete=True))
    return history

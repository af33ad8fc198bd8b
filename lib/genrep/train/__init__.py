"""Training utilities shared by every chapter.

Device selection, seeding and timing live in ``genrep.runtime`` (the bottom layer); they are re-exported
here because a training notebook needs them beside the loop.

* ``checkpoint``: ``Checkpointer`` (atomic saves every few minutes/steps), ``CheckpointError``
* ``loop``:       ``train_loop`` (resume, checkpoints, SIGTERM/Ctrl-C, NaN guard, history, progress)
* ``guard``:      ``check_finite``, ``NonFiniteError``, ``DivergedError`` (losses at a clamp, a failed step
                  after a non-finite forward)
* ``budget``:     ``train_for`` (training in chunks up to ``max_minutes``), ``TrainingPaused``
* ``ema``:        ``EMA`` (moving average of weights)
* ``pool``:       ``ImagePool`` (CycleGAN's history of generated images)
* ``count_params`` (from ``genrep.models.params``)
* ``snapshots``:  ``Snapshots`` (sample grids etc. kept through checkpoints)
"""

from genrep.models.params import count_params
from genrep.runtime import (
    Stopwatch,
    Timer,
    amp_dtype,
    autocast,
    device_name,
    format_seconds,
    prepare_device,
    rng_state,
    seed_everything,
    select_device,
    set_rng_state,
    setup_fast,
    synchronize,
    throughput,
    timed,
)

from .checkpoint import Checkpointer, CheckpointError
from .ema import EMA
from .guard import DivergedError, NonFiniteError, check_finite
from .loop import TrainingInterrupted, train_loop
from .pool import ImagePool
from .snapshots import Snapshots

__all__ = [
    "CheckpointError",
    "Checkpointer",
    "DivergedError",
    "EMA",
    "ImagePool",
    "NonFiniteError",
    "Snapshots",
    "Stopwatch",
    "Timer",
    "TrainingInterrupted",
    "amp_dtype",
    "autocast",
    "check_finite",
    "count_params",
    "device_name",
    "format_seconds",
    "rng_state",
    "seed_everything",
    "prepare_device",
    "select_device",
    "set_rng_state",
    "setup_fast",
    "synchronize",
    "throughput",
    "timed",
    "train_loop",
]

"""Training utilities shared by every chapter.

* ``device``:     ``select_device``, ``autocast`` (bf16 on CUDA), ``amp_dtype``, ``setup_fast``,
                  ``device_name``
* ``seed``:       ``seed_everything``, ``rng_state``, ``set_rng_state``
* ``checkpoint``: ``Checkpointer`` (atomic saves every few minutes/steps), ``CheckpointError``
* ``loop``:       ``train_loop`` (resume, checkpoints, SIGTERM/Ctrl-C, NaN guard, history, progress)
* ``guard``:      ``check_finite``, ``NonFiniteError``
* ``ema``:        ``EMA`` (moving average of weights)
* ``pool``:       ``ImagePool`` (CycleGAN's history of generated images)
* ``timing``:     ``Timer``, ``Stopwatch``, ``timed``, ``throughput``, ``format_seconds``
* ``params``:     ``count_params``
* ``snapshots``:  ``Snapshots`` (sample grids etc. kept through checkpoints)
"""
from .checkpoint import CheckpointError, Checkpointer
from .device import amp_dtype, autocast, device_name, prepare_device, select_device, setup_fast
from .ema import EMA
from .guard import DivergedError, NonFiniteError, check_finite
from .loop import TrainingInterrupted, train_loop
from .params import count_params
from .pool import ImagePool
from .seed import rng_state, seed_everything, set_rng_state
from .snapshots import Snapshots
from .timing import Stopwatch, Timer, format_seconds, synchronize, throughput, timed

__all__ = [
    "CheckpointError", "Checkpointer", "DivergedError", "EMA", "ImagePool", "NonFiniteError", "Snapshots", "Stopwatch", "Timer",
    "TrainingInterrupted", "amp_dtype", "autocast", "check_finite", "count_params", "device_name",
    "format_seconds", "rng_state", "seed_everything", "prepare_device", "select_device", "set_rng_state", "setup_fast",
    "synchronize", "throughput", "timed", "train_loop",
]

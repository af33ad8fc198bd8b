"""Training utilities shared by every chapter.

Device selection, seeding, timing and hashing live in ``genrep.runtime`` (the bottom layer); all its names
are re-exported here because a training notebook needs them beside the loop.

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
from genrep.runtime import *  # noqa: F403 -- the runtime names, re-exported (see above)
from genrep.runtime import __all__ as _runtime_all

from .checkpoint import Checkpointer, CheckpointError
from .ema import EMA
from .guard import DivergedError, NonFiniteError, check_finite
from .loop import TrainingInterrupted, train_loop
from .pool import ImagePool
from .snapshots import Snapshots

__all__ = [
    *_runtime_all,
    "CheckpointError",
    "Checkpointer",
    "DivergedError",
    "EMA",
    "ImagePool",
    "NonFiniteError",
    "Snapshots",
    "TrainingInterrupted",
    "check_finite",
    "count_params",
    "train_loop",
]

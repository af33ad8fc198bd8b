"""The bottom layer of the library: where and how a run computes, independent of what it computes.

* ``device``: ``select_device``, ``prepare_device``, ``autocast`` (bf16 on CUDA), ``amp_dtype``, ``setup_fast``,
  ``device_name``
* ``seed``:   ``seed_everything``, ``rng_state``, ``set_rng_state`` (every generator a run uses), ``randn``,
  ``rand`` and ``randint`` (noise drawn on a generator's own device, so a CPU generator also serves a GPU run)
* ``timing``: ``Timer``, ``Stopwatch``, ``timed``, ``synchronize``, ``throughput``, ``format_seconds``
* ``hashing``: ``file_hexdigest``, ``feed_file`` (the hash of a file's bytes)
* ``signals``: ``SignalHandlers`` (handlers for a ``with`` block; the previous ones come back on exit)

Every other package may import it; it imports nothing of ``genrep`` (the layer contract in
``pyproject.toml``, checked by ``lint-imports`` in ``make test``).
"""

from .device import amp_dtype, autocast, device_name, prepare_device, select_device, setup_fast
from .hashing import feed_file, file_hexdigest
from .seed import rand, randint, randn, rng_state, seed_everything, set_rng_state
from .signals import SignalHandlers
from .timing import Stopwatch, Timer, format_seconds, synchronize, throughput, timed

__all__ = [
    "SignalHandlers",
    "Stopwatch",
    "Timer",
    "amp_dtype",
    "autocast",
    "device_name",
    "feed_file",
    "file_hexdigest",
    "format_seconds",
    "prepare_device",
    "rand",
    "randint",
    "randn",
    "rng_state",
    "seed_everything",
    "select_device",
    "set_rng_state",
    "setup_fast",
    "synchronize",
    "throughput",
    "timed",
]

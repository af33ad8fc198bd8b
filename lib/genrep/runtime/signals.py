"""Signal handling for long runs: install handlers for a ``with`` block and put the previous ones back.

``train.loop`` uses it to finish a step and checkpoint on SIGTERM / Ctrl-C; the runner uses it to pass the
same signals on to its notebook kernels.
"""

from __future__ import annotations

import signal
import threading


class SignalHandlers:
    """While active (``with``), ``self._handle(signum, frame)`` handles the ``signals``; the previous handlers
    come back on exit. Handlers can only be installed from the main thread: elsewhere it does nothing."""

    signals: tuple[int, ...] = (signal.SIGTERM, signal.SIGINT)

    def _handle(self, signum, frame):
        raise NotImplementedError

    def __enter__(self):
        self._old = {}
        if threading.current_thread() is threading.main_thread():
            for sig in self.signals:
                self._old[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc) -> None:
        for sig, old in self._old.items():
            signal.signal(sig, old if old is not None else signal.SIG_DFL)

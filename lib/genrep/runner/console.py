"""Output that survives its reader going away.

``make replicate ... | tee log`` and Ctrl-C: the terminal's SIGINT reaches ``tee`` too, which exits, and every
later write to stdout or stderr raises ``BrokenPipeError``. Raised inside the runner's signal handler, that error
used to stop the handler before it interrupted the kernels, and the run went on to the end unseen. The runner's
streams are therefore wrapped: a write to a closed pipe is dropped (once, a broken stream stays silent), so
stopping, saving checkpoints and recording results never depend on someone still reading.
"""

from __future__ import annotations

import errno
import sys


class PipeSafe:
    """A text stream proxy whose writes and flushes to a closed pipe are dropped instead of raising."""

    def __init__(self, stream):
        self._stream = stream
        self.broken = False

    def _call(self, fn, *args):
        if self.broken:
            return None
        try:
            return fn(*args)
        except (BrokenPipeError, ValueError):
            self.broken = True
        except OSError as e:
            if e.errno != errno.EPIPE:
                raise
            self.broken = True
        return None

    def write(self, text):
        out = self._call(self._stream.write, text)
        return len(text) if out is None else out

    def flush(self):
        self._call(self._stream.flush)

    def __getattr__(self, name):
        return getattr(self._stream, name)


def guard_streams() -> None:
    """Wrap ``sys.stdout`` and ``sys.stderr`` in :class:`PipeSafe` (idempotent)."""
    for name in ("stdout", "stderr"):
        s = getattr(sys, name)
        if s is not None and not isinstance(s, PipeSafe):
            setattr(sys, name, PipeSafe(s))

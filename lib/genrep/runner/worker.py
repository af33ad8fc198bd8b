"""Child process for ``replicate --jobs N``: executes one arm and prints a JSON status line last.

The runner starts it in its own session and forwards interrupts: SIGINT interrupts the kernel (training
saves a checkpoint and stops), SIGUSR1 does the same for a SIGTERM the runner received (the kernel gets SIGTERM,
so training names it), a second signal or a SIGTERM kills the kernel at once.
"""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path

from .chapters import Arm, load_chapter
from .console import guard_streams
from .execute import execute, interrupt_kernels, kill_kernels, request_stop, stop_requested

SOFT_SIGTERM = signal.SIGUSR1  # "the runner got SIGTERM: save and stop" (a plain SIGTERM here is the hard stop)


def _on_signal(signum, frame):
    if signum in (signal.SIGINT, SOFT_SIGTERM) and not stop_requested():
        request_stop()
        interrupt_kernels(signal.SIGTERM if signum == SOFT_SIGTERM else signal.SIGINT)
    else:
        request_stop()
        kill_kernels()


def main(spec_json: str) -> int:
    guard_streams()
    for sig in (signal.SIGINT, signal.SIGTERM, SOFT_SIGTERM):
        signal.signal(sig, _on_signal)
    spec = json.loads(spec_json)
    ch = load_chapter(spec["chapter"])
    arm = Arm(
        spec["chapter"], spec["tier"], ch.notebooks[spec["notebook"]], spec["arm"], spec["params"], spec.get("threads")
    )
    ok, err, secs = execute(arm, spec["injected"], Path(spec["executed"]), live=True, shown=spec.get("shown"))
    print(json.dumps({"ok": ok, "error": err, "secs": secs}), flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))

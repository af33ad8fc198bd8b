"""Child process for ``replicate --jobs N``: executes one arm and prints a JSON status line last."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from .chapters import Arm, load_chapter
from .execute import execute


def main(spec_json: str) -> int:
    spec = json.loads(spec_json)
    ch = load_chapter(spec["chapter"])
    arm = Arm(spec["chapter"], spec["tier"], ch.notebooks[spec["notebook"]], spec["arm"], spec["params"])
    ok, err, secs = execute(arm, spec["injected"], Path(spec["executed"]), live=True)
    print(json.dumps({"ok": ok, "error": err, "secs": secs}), flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))

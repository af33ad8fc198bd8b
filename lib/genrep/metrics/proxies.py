"""Loading the book's own CIFAR-10 classifier, used as a feature extractor when Inception weights are absent.

The asset is two files, written by ``genrep.train.classifiers.train_cifarnet``:

- ``cifarnet.pt``: the fp16 state_dict (small enough to commit);
- ``cifarnet.json``: architecture, per-epoch log, test accuracy *of the fp16 asset*, parameter count,
  data title, wall time, the exact regeneration command and the sha256 of the ``.pt``.

``load_cifarnet`` checks that sha256 before loading; ``evaluate`` measures a classifier's top-1 accuracy.
Regenerate with::

    python -m genrep.train.classifiers --out lib/genrep/assets/cifarnet.pt --epochs 10
"""

from __future__ import annotations

import json
from pathlib import Path

import torch

from genrep.models.classifiers import CifarNet
from genrep.paths import ASSETS_DIR
from genrep.runtime.hashing import file_hexdigest

CIFARNET_PATH = ASSETS_DIR / "cifarnet.pt"


def load_cifarnet(path=None, device="cpu") -> CifarNet:
    """Load the CifarNet asset (fp16 on disk, fp32 in memory), in eval mode, after checking its sha256."""
    path = Path(path) if path is not None else CIFARNET_PATH
    meta_path = path.with_suffix(".json")
    regen = "python -m genrep.train.classifiers --out lib/genrep/assets/cifarnet.pt"
    if not path.exists() or not meta_path.exists():
        raise FileNotFoundError(f"CifarNet asset missing: expected {path} and {meta_path}. Regenerate with: {regen}")
    meta = json.loads(meta_path.read_text())
    digest = file_hexdigest(path)
    if digest != meta["sha256"]:
        raise RuntimeError(
            f"CifarNet asset {path} has sha256 {digest}, but {meta_path.name} records "
            f"{meta['sha256']}: the file is corrupt or was replaced without its metadata. "
            f"Restore it from git or regenerate with: {meta.get('command', regen)}"
        )
    model = CifarNet(widths=tuple(meta["arch"]["widths"]), num_classes=meta["arch"]["num_classes"])
    state = torch.load(path, map_location="cpu", weights_only=True)
    model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in state.items()})
    return model.to(device).eval()


@torch.no_grad()
def evaluate(model, images: torch.Tensor, labels: torch.Tensor, batch_size=1000, amp=False) -> float:
    """Top-1 accuracy of ``model`` on uint8 ``images`` [N, 3, 32, 32]."""
    model.eval()
    dev = next(model.parameters()).device
    correct = 0
    for i in range(0, len(images), batch_size):
        x = images[i : i + batch_size].to(dev).float().div_(255).contiguous(memory_format=torch.channels_last)
        with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=amp):
            correct += (model(x).argmax(1).cpu() == labels[i : i + batch_size]).sum().item()
    return correct / len(images)

"""Small image strips saved as PNG beside a notebook's results, so that a later notebook (a summary)
can assemble visual tables from arms that ran in separate processes.

    save_strip(res.dir / "outputs_S1-BASE.png", uint8_images, max_side=128)
    imgs = load_strip(path)          # uint8 [N, 3, s, s]
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image


def save_strip(path: str | Path, images: torch.Tensor, max_side: int = 128) -> Path:
    """Write uint8 images [N, 3, H, W] side by side as one PNG (down-scaled to at most ``max_side``)."""
    x = images.cpu()
    if x.shape[-1] > max_side:
        x = (
            F.interpolate(x.float(), size=(max_side, max_side), mode="bilinear", antialias=True, align_corners=False)
            .round()
            .clamp(0, 255)
            .to(torch.uint8)
        )
    n, _, h, w = x.shape
    arr = x.permute(2, 0, 3, 1).reshape(h, n * w, 3).numpy()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    im = Image.fromarray(np.ascontiguousarray(arr))
    im.save(path, pnginfo=_pnginfo(n))
    return path


def _pnginfo(n: int):
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("strip_n", str(n))
    return info


def load_strip(path: str | Path) -> torch.Tensor:
    """Read a strip written by :func:`save_strip` back into uint8 [N, 3, s, s]."""
    with Image.open(path) as im:
        n = int(im.text.get("strip_n", "1")) if hasattr(im, "text") else 1
        arr = np.asarray(im.convert("RGB"))
    h, total, _ = arr.shape
    w = total // n
    return torch.from_numpy(arr.copy()).reshape(h, n, w, 3).permute(1, 3, 0, 2).contiguous()

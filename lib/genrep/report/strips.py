"""Image strips: uint8 images saved side by side as one lossless PNG beside a notebook's results, so that a
later notebook (a summary) can assemble visual tables from arms that ran in separate processes. The one
implementation; :meth:`genrep.report.Results.save_images` / ``load_images`` call it.

    save_strip(res.dir / "outputs_S1-BASE.png", uint8_images, max_side=128)
    imgs = load_strip(path)          # uint8 [N, C, h, w], C in {1, 3}
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from genrep.data.batching import to_uint8

META = "genrep_images"  # PNG text chunk: {"n", "c", "h", "w"}
LEGACY_META = "strip_n"  # older strips (RGB only) stored just the image count


def save_strip(path: str | Path, images, max_side: int | None = 128) -> Path:
    """Write uint8 images [N, C, H, W] (C in {1, 3}; torch or numpy) side by side as one PNG, down-scaled
    (antialiased, aspect kept) so that no side exceeds ``max_side`` (None: full size)."""
    x = torch.as_tensor(images.detach().cpu() if hasattr(images, "detach") else np.asarray(images))
    if x.dtype != torch.uint8 or x.ndim != 4 or x.shape[1] not in (1, 3):
        raise ValueError(f"an image strip wants uint8 (N, C, H, W) with C in (1, 3); got {x.dtype} {tuple(x.shape)}")
    n, c, h, w = x.shape
    if max_side is not None and max(h, w) > max_side:
        k = max_side / max(h, w)
        size = (max(1, round(h * k)), max(1, round(w * k)))
        x = F.interpolate(x.float(), size=size, mode="bilinear", antialias=True, align_corners=False)
        x = to_uint8(x, (0, 255))
        h, w = size
    arr = x.permute(2, 0, 3, 1).reshape(h, n * w, c).numpy()
    info = PngInfo()
    info.add_text(META, json.dumps({"n": n, "c": c, "h": h, "w": w}))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.ascontiguousarray(arr[..., 0] if c == 1 else arr)).save(path, pnginfo=info, optimize=True)
    return path


def load_strip(path: str | Path) -> torch.Tensor:
    """Read a strip written by :func:`save_strip` (or an older RGB strip) back into uint8 [N, C, h, w]."""
    with Image.open(path) as im:
        text = getattr(im, "text", {})
        if META in text:
            meta = json.loads(text[META])
            a = np.asarray(im)
        else:
            a = np.asarray(im.convert("RGB"))
            meta = {"n": int(text.get(LEGACY_META, "1")), "c": 3, "h": a.shape[0]}
            meta["w"] = a.shape[1] // meta["n"]
    n, c, h, w = meta["n"], meta["c"], meta["h"], meta["w"]
    return torch.from_numpy(np.ascontiguousarray(a.reshape(h, n, w, c).transpose(1, 3, 0, 2)))

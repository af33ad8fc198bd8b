"""Post-processing of generated uint8 images (the paper's Table 3.7: "noise reduction or contours
sharpening"; the filters are our choice, spec cyclegan_monet §3.6).

* ``denoise``: PIL ``MedianFilter(3)``
* ``sharpen``: PIL ``UnsharpMask(radius=2, percent=100, threshold=3)``
* ``denoise+sharpen``: both, in this order; ``none``: unchanged.
"""

from __future__ import annotations

import numpy as np
import torch
from PIL import Image, ImageFilter

POSTPROCESS = ("none", "denoise", "sharpen", "denoise+sharpen")


def _filters(kind: str) -> list:
    if kind not in POSTPROCESS:
        raise ValueError(f"postprocess must be one of {', '.join(POSTPROCESS)}; got {kind!r}")
    out = []
    if "denoise" in kind:
        out.append(ImageFilter.MedianFilter(3))
    if "sharpen" in kind:
        out.append(ImageFilter.UnsharpMask(radius=2, percent=100, threshold=3))
    return out


def postprocess(images: torch.Tensor, kind: str) -> torch.Tensor:
    """Apply ``kind`` to uint8 images [N, 3, H, W]; returns a new uint8 tensor (CPU)."""
    filters = _filters(kind)
    if images.dtype != torch.uint8:
        raise ValueError(f"postprocess expects uint8 images, got {images.dtype}")
    if not filters:
        return images.cpu().clone()
    arr = images.cpu().permute(0, 2, 3, 1).numpy()
    out = np.empty_like(arr)
    for i, a in enumerate(arr):
        im = Image.fromarray(a)
        for f in filters:
            im = im.filter(f)
        out[i] = np.asarray(im)
    return torch.from_numpy(out).permute(0, 3, 1, 2).contiguous()

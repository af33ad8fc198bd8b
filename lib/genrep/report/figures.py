"""Figures: saving (compressed PNG, modest DPI so executed notebooks stay small) and image grids."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def save_figure(fig, results_dir: str | Path, name: str, dpi: int = 90) -> Path:
    """Save ``fig`` as ``<results_dir>/<name>.png`` and return the path (the notebook still shows it)."""
    path = Path(results_dir) / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi, bbox_inches="tight", pil_kwargs={"optimize": True})
    return path


def minmax_uint8(x):
    """Float images -> uint8 after min-max scaling over the whole batch (``make_grid(normalize=True)``)."""
    import torch

    x = x.detach().float().cpu()
    lo, hi = x.min(), x.max()
    return ((x - lo) / (hi - lo).clamp_min(1e-5) * 255 + 0.5).clamp(0, 255).to(torch.uint8)


def grid(images, nrow: int = 8, pad: int = 2) -> np.ndarray:
    """Tile uint8 images [N, C, H, W] (torch or numpy) into one HxWxC uint8 array."""
    x = images.detach().cpu().numpy() if hasattr(images, "detach") else np.asarray(images)
    if x.dtype != np.uint8:
        raise TypeError(f"grid expects uint8 images, got {x.dtype}")
    n, c, h, w = x.shape
    ncol = min(nrow, n)
    nrows = (n + ncol - 1) // ncol
    out = np.full((nrows * (h + pad) + pad, ncol * (w + pad) + pad, c), 255, np.uint8)
    for i in range(n):
        r, k = divmod(i, ncol)
        out[pad + r * (h + pad) : pad + r * (h + pad) + h, pad + k * (w + pad) : pad + k * (w + pad) + w] = x[
            i
        ].transpose(1, 2, 0)
    return out[..., 0] if c == 1 else out


def show_grid(ax, images, nrow: int = 8, title: str | None = None):
    """Draw an image grid on a matplotlib axis without ticks."""
    g = grid(images, nrow=nrow)
    ax.imshow(g, cmap="gray" if g.ndim == 2 else None, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=9)
    return ax


def show_figure(fig, caption: str, alt: str = "", dpi: int = 90):
    """Display ``fig`` in a notebook as a PNG that carries its ``caption`` and ``alt`` text (output metadata
    ``genrep``): the published page turns them into a numbered figure caption and the image's alt text
    (:func:`genrep.report.publish.caption_figures`). The caption should name the tier, the data, n and seeds.
    Closes the figure (so it is not shown twice)."""
    import io

    import matplotlib.pyplot as plt
    from IPython.display import Image, display

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    meta = {"genrep": {"caption": caption, "alt": alt or caption}}
    display(Image(data=buf.getvalue(), format="png"), metadata=meta)
    return meta

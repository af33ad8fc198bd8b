"""A ranked image grid: images in ascending score order, best at the bottom right, each with its score."""

from __future__ import annotations

import numpy as np


def ranked_grid(images, scores, ncol: int = 5, title: str = "", extra=None, size: float = 1.5):
    """Figure with one panel per image (row-major, as given: pass them ascending so the best is last).

    ``scores`` label each panel; ``extra`` (optional, same length) adds a second line, e.g. the oracle score.
    """
    import matplotlib.pyplot as plt

    x = images.detach().cpu().numpy() if hasattr(images, "detach") else np.asarray(images)
    n = len(x)
    nrow = max(1, -(-n // ncol))
    h, w = x.shape[-2:]
    fig, axes = plt.subplots(
        nrow, ncol, figsize=(ncol * size * w / max(h, w) * 1.2, nrow * size * h / max(h, w) * 1.35), squeeze=False
    )
    for i, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        if i >= n:
            ax.axis("off")
            continue
        ax.imshow(x[i].transpose(1, 2, 0), interpolation="nearest")
        label = f"{scores[i]:.2f}" + (f" | {extra[i]:.2f}" if extra is not None else "")
        ax.set_title(label, fontsize=7, pad=2)
    if title:
        fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    return fig

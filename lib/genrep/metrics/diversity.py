"""Mode-collapse score of spec dcgan_vae_cats §3.3 / §7.

The authors flatten 1000 G outputs (tanh, in [-1, 1]), take sklearn ``cosine_similarity``, and count
``high = #(S > 0.9) - 1000`` (diagonal removed) over 1000*999 = 999,000 ORDERED pairs; e.g. 2412 ordered =
1206 unordered out of 499,500, 0.241% either way. Computed here in float64, in row chunks (10k images fit).
"""

from __future__ import annotations

import torch


def _unit_rows(x: torch.Tensor) -> torch.Tensor:
    v = x.flatten(1).double()
    # sklearn normalize(): zero vectors stay zero
    n = v.norm(dim=1, keepdim=True)
    return v / torch.where(n == 0, torch.ones_like(n), n)


def pairwise_cosine_counts(x: torch.Tensor, threshold: float = 0.9, chunk: int = 1024) -> dict:
    """-> dict(n, high_ordered, high_unordered, pairs_ordered, pairs_unordered, fraction).

    high_ordered = #(S > threshold) - n (the diagonal, counted as in the authors' code);
    high_unordered = high_ordered / 2; pairs_ordered = n(n-1); fraction = high_ordered / pairs_ordered."""
    v = _unit_rows(x)
    n = v.shape[0]
    count = 0
    for i in range(0, n, chunk):
        count += int((v[i : i + chunk] @ v.T > threshold).sum())
    high = count - n
    pairs = n * (n - 1)
    return dict(
        n=n,
        high_ordered=high,
        high_unordered=high / 2,
        pairs_ordered=pairs,
        pairs_unordered=pairs // 2,
        fraction=high / pairs if pairs else float("nan"),
    )


def cosine_similarities(x: torch.Tensor) -> torch.Tensor:
    """All n(n-1)/2 upper-triangle cosine similarities, float64 1-D (histograms; n up to a few 1000)."""
    v = _unit_rows(x)
    i, j = torch.triu_indices(v.shape[0], v.shape[0], offset=1, device=v.device)
    return (v @ v.T)[i, j]

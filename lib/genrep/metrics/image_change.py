"""How much an image-to-image translator changed each input (the paper's Table 3.12, "apparently
untouched photos"): mean absolute pixel difference |G(x) − x| per image, on uint8 or float images."""

from __future__ import annotations

import torch


def mean_abs_change(inputs: torch.Tensor, outputs: torch.Tensor) -> torch.Tensor:
    """Per-image mean |outputs − inputs| in [0, 1] units for uint8 (in the input units otherwise)."""
    if inputs.shape != outputs.shape:
        raise ValueError(f"inputs {tuple(inputs.shape)} and outputs {tuple(outputs.shape)} differ in shape")
    scale = 255.0 if inputs.dtype == torch.uint8 else 1.0
    return (outputs.float() - inputs.float()).abs().flatten(1).mean(1) / scale


def least_changed(inputs: torch.Tensor, outputs: torch.Tensor, k: int = 8) -> torch.Tensor:
    """Indices of the ``k`` inputs the translator changed least (ascending change)."""
    change = mean_abs_change(inputs, outputs)
    return torch.argsort(change)[: min(k, len(change))]


def palette_change(inputs: torch.Tensor, outputs: torch.Tensor) -> torch.Tensor:
    """How much a translator changed each input's colour palette, apart from where the colours sit: per image, the
    mean over the two chroma channels (Cb, Cr of YCbCr, ITU-R BT.601) of the 1-D Wasserstein distance between the
    input's and the output's pixel distributions, in [0, 1] units for uint8 (the input units otherwise). A change
    of layout, edges or brush texture that keeps the colours scores 0; a shift of hue or saturation does not."""
    if inputs.shape != outputs.shape:
        raise ValueError(f"inputs {tuple(inputs.shape)} and outputs {tuple(outputs.shape)} differ in shape")
    if inputs.ndim != 4 or inputs.shape[1] != 3:
        raise ValueError(f"palette_change wants RGB images [N, 3, H, W], got {tuple(inputs.shape)}")
    scale = 255.0 if inputs.dtype == torch.uint8 else 1.0

    def chroma(x: torch.Tensor) -> torch.Tensor:  # [N, 2, H*W], sorted per channel
        r, g, b = (x.float() / scale).unbind(1)
        cb = -0.168736 * r - 0.331264 * g + 0.5 * b
        cr = 0.5 * r - 0.418688 * g - 0.081312 * b
        return torch.stack([cb, cr], 1).flatten(2).sort(-1).values

    return (chroma(outputs) - chroma(inputs)).abs().mean((1, 2))

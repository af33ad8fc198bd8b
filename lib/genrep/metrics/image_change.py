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

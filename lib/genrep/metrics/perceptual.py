"""An LPIPS-style perceptual distance on a book-trained network: **LPIPS-cifarnet** (never "LPIPS").

Zhang et al. (2018) compare unit-normalised activations of a pretrained AlexNet at five layers, weight
the channels with learned linear layers ("lin") and average over space. Neither AlexNet nor the lin
weights can be had offline, so this is the "baseline" (uncalibrated, lin = 1) variant on the book's
CifarNet: the stem and the three stages, each activation normalised over channels, squared differences
averaged over channels and space, summed over the four layers. Inputs are float images in [-1, 1] (the
thesis's convention) or uint8; grey images are repeated to RGB; any size (the net is convolutional).
Values are not comparable with published LPIPS numbers.
"""

from __future__ import annotations

import torch

from genrep.metrics.proxies import load_cifarnet

NAME = "LPIPS-cifarnet"


class PerceptualDistance:
    name = NAME

    def __init__(self, device=None, net=None):

        self.device = torch.device(device or "cpu")
        self.net = (net or load_cifarnet(device=self.device)).eval().to(self.device)
        for p in self.net.parameters():
            p.requires_grad_(False)

    def _layers(self, x):
        if x.dtype == torch.uint8:
            x = x.float() / 127.5 - 1
        x = (x.to(self.device).float() + 1) / 2
        if x.shape[1] == 1:
            x = x.expand(-1, 3, -1, -1)
        n = self.net
        x = (x - n.mean) / n.std
        out = [x := n.stem(x)]
        for st in n.stages:
            out.append(x := st(x))
        return out

    def __call__(self, a: torch.Tensor, b: torch.Tensor, batch_size: int = 256) -> torch.Tensor:
        """Per-pair distances [N] between image batches a, b (same shape)."""
        if a.shape != b.shape:
            raise ValueError(f"image batches differ in shape: {tuple(a.shape)} vs {tuple(b.shape)}")
        out = []
        with torch.no_grad():
            for i in range(0, len(a), batch_size):
                fa, fb = self._layers(a[i : i + batch_size]), self._layers(b[i : i + batch_size])
                d = 0
                for u, v in zip(fa, fb, strict=False):
                    u = u / (u.pow(2).sum(1, keepdim=True).sqrt() + 1e-10)
                    v = v / (v.pow(2).sum(1, keepdim=True).sqrt() + 1e-10)
                    d = d + (u - v).pow(2).sum(1).mean((1, 2))
                out.append(d.cpu())
        return torch.cat(out) if out else torch.empty(0)

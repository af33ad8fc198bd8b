"""Preference regressor (spec rectified_flow_cars §3.7) and regressor-based top-k selection (§3.8).

``PreferenceRegressor`` is torchvision's ResNet18 with a 1-output head, trained from scratch (no
pretrained weights exist offline; ``pretrained_weights`` may point to a local ImageNet state dict, whose
``fc`` is dropped). Input: uint8 or [0, 1] images at their native size, ImageNet mean/std normalisation.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


class PreferenceRegressor(nn.Module):
    def __init__(self, pretrained_weights: str | None = None, width: int = 64):
        super().__init__()
        from torchvision.models.resnet import BasicBlock, ResNet

        net = ResNet(BasicBlock, [2, 2, 2, 2], num_classes=1000, width_per_group=64)
        if width != 64:  # narrower ResNet18 for CPU smoke runs: scale every stage
            net = _narrow_resnet18(width)
        if pretrained_weights:
            sd = torch.load(pretrained_weights, map_location="cpu", weights_only=True)
            net.load_state_dict({k: v for k, v in sd.items() if not k.startswith("fc.")}, strict=False)
        net.fc = nn.Linear(net.fc.in_features, 1)
        self.net = net
        self.register_buffer("mean", torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(IMAGENET_STD).view(1, 3, 1, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.float() / 255 if x.dtype == torch.uint8 else x.float()
        return self.net((x - self.mean) / self.std).squeeze(1)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """Penultimate (global-pooled) features."""
        x = x.float() / 255 if x.dtype == torch.uint8 else x.float()
        n = self.net
        h = n.maxpool(n.relu(n.bn1(n.conv1((x - self.mean) / self.std))))
        h = n.layer4(n.layer3(n.layer2(n.layer1(h))))
        return torch.flatten(n.avgpool(h), 1)


def _narrow_resnet18(width: int):
    from torchvision.models.resnet import BasicBlock, ResNet

    net = ResNet(BasicBlock, [2, 2, 2, 2], num_classes=1000)
    # rebuild with a different base width (torchvision's inplanes is fixed at 64)
    net.inplanes = width
    net.conv1 = nn.Conv2d(3, width, 7, 2, 3, bias=False)
    net.bn1 = nn.BatchNorm2d(width)
    net.layer1 = net._make_layer(BasicBlock, width, 2)
    net.layer2 = net._make_layer(BasicBlock, 2 * width, 2, stride=2)
    net.layer3 = net._make_layer(BasicBlock, 4 * width, 2, stride=2)
    net.layer4 = net._make_layer(BasicBlock, 8 * width, 2, stride=2)
    net.fc = nn.Linear(8 * width, 1000)
    return net


@torch.no_grad()
def score_images(model: nn.Module, images, batch_size: int = 512, device=None) -> np.ndarray:
    """Predicted scores of uint8 images [N, 3, H, W] (model in eval mode, batched)."""
    device = device or next(model.parameters()).device
    model.eval()
    out = [
        model(torch.as_tensor(images[i : i + batch_size]).to(device)).float().cpu()
        for i in range(0, len(images), batch_size)
    ]
    return torch.cat(out).numpy() if out else np.zeros(0)


def select_top_k(scores, k: int = 20) -> np.ndarray:
    """Indices of the k best scores in **ascending** order, so a row-major grid ends with the best image
    at the bottom right (spec §3.8); ties broken by index."""
    scores = np.asarray(scores)
    order = np.lexsort((np.arange(len(scores)), -scores))[:k]
    return order[::-1].copy()

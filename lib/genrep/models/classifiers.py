"""Small image classifiers.

``CifarNet`` is the book's own CIFAR-10 classifier. Its penultimate features are the ``cifarnet``
proxy for Inception features (``FD-cifarnet``, ``KID-cifarnet``) when the pytorch-fid weights are
absent. The shape follows the fast-CIFAR nets (Page's ResNet-9 / Keller Jordan's airbench): a stem
conv, then three stages of conv -> max-pool -> BN -> ReLU -> conv -> BN -> ReLU, global average pooling
and a linear head. About 0.8 M parameters; the asset is stored in fp16 (< 2 MB).

The training recipes (``train_cifarnet``, ``train_classifier``) live in ``genrep.train.classifiers``.
"""

from __future__ import annotations

import torch
import torch.nn as nn

# CIFAR-10 train statistics on [0, 1] (Krizhevsky 2009); JPEG-q75 mirror values differ by < 0.002.
CIFAR_MEAN = (0.4914, 0.4822, 0.4465)
CIFAR_STD = (0.2470, 0.2435, 0.2616)
CIFAR_CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")


def _conv_bn(cin: int, cout: int) -> list[nn.Module]:
    return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]


def _stage(cin: int, cout: int) -> nn.Sequential:
    # conv before pooling (as in airbench): the first conv sees the higher resolution
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1, bias=False),
        nn.MaxPool2d(2),
        nn.BatchNorm2d(cout),
        nn.ReLU(inplace=True),
        *_conv_bn(cout, cout),
    )


class CifarNet(nn.Module):
    """CIFAR-10 classifier. Input: float images in [0, 1], [N, 3, 32, 32] (normalisation is inside).

    ``features(x)`` -> [N, widths[-1]] penultimate embedding (after global average pooling);
    ``forward(x)`` -> [N, num_classes] logits.
    """

    def __init__(self, widths: tuple[int, ...] = (32, 64, 128, 192), num_classes: int = 10):
        super().__init__()
        self.widths, self.num_classes = tuple(widths), num_classes
        self.register_buffer("mean", torch.tensor(CIFAR_MEAN).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(CIFAR_STD).view(1, 3, 1, 1))
        self.stem = nn.Sequential(*_conv_bn(3, widths[0]))
        self.stages = nn.Sequential(*[_stage(a, b) for a, b in zip(widths[:-1], widths[1:], strict=False)])
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(widths[-1], num_classes)

    @property
    def feature_dim(self) -> int:
        return self.widths[-1]

    def features(self, x: torch.Tensor) -> torch.Tensor:
        x = (x - self.mean.to(x.dtype)) / self.std.to(x.dtype)
        return self.pool(self.stages(self.stem(x))).flatten(1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.features(x))


class SmallCNN(nn.Module):
    """The MNIST feature classifier of the Diffused-Flows chapter (the Keras/PyTorch MNIST example net):
    conv(1→32, 3) → ReLU → conv(32→64, 3) → ReLU → max-pool 2 → dropout 0.25 → fc(→128) → ReLU →
    dropout 0.5 → fc(128→10). Input: float images in [0, 1], [N, C, S, S]. ``features(x)`` is the 128-d
    penultimate layer, used for a Fréchet distance called FD-mnistcnn (a proxy, not FID).
    """

    def __init__(self, in_channels: int = 1, image_size: int = 32, num_classes: int = 10):
        super().__init__()
        s = (image_size - 4) // 2
        self.body = nn.Sequential(
            nn.Conv2d(in_channels, 32, 3),
            nn.ReLU(),
            nn.Conv2d(32, 64, 3),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Dropout(0.25),
            nn.Flatten(),
            nn.Linear(64 * s * s, 128),
            nn.ReLU(),
        )
        self.head = nn.Sequential(nn.Dropout(0.5), nn.Linear(128, num_classes))
        self.feature_dim = 128

    def features(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(x))


@torch.no_grad()
def classifier_accuracy(model: nn.Module, images: torch.Tensor, labels: torch.Tensor, batch_size: int = 1000) -> float:
    model.eval()
    device = next(model.parameters()).device
    hits = sum(
        (model(images[i : i + batch_size].to(device).float() / 255).argmax(1).cpu() == labels[i : i + batch_size])
        .sum()
        .item()
        for i in range(0, len(images), batch_size)
    )
    return hits / len(images)

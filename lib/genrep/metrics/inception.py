"""InceptionV3 in the pytorch-fid layout, for true FID (Heusel et al. 2017).

The FID weights (``pt_inception-2015-12-05-6726825d.pth``, the TF 2015-12-05 graph ported by
mseitzer/pytorch-fid) need torchvision's Inception3 with 1008 classes, no aux head, and four patched
blocks whose pooling differs from torchvision's: A, C and E_1 average-pool with count_include_pad=False,
and the last block (E_2) max-pools in its pool branch. Written here from that description; the
state_dict keys are torchvision's, so the pytorch-fid file loads with strict=True.

We never download. The file is looked up in ``GENREP_WEIGHTS`` (the file itself, or a folder holding
it), then in the torch hub cache ``$TORCH_HOME/hub/checkpoints/`` where pytorch-fid keeps it.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import torch
import torch.nn.functional as F
from torchvision.models.inception import Inception3, InceptionA, InceptionC, InceptionE

FID_WEIGHTS_NAME = "pt_inception-2015-12-05-6726825d.pth"
FID_WEIGHTS_URL = "https://github.com/mseitzer/pytorch-fid/releases/download/fid_weights/" + FID_WEIGHTS_NAME
FID_WEIGHTS_SHA256_PREFIX = "6726825d"  # torch.hub convention: the file name carries its sha256 prefix


def _avg(x):
    return F.avg_pool2d(x, kernel_size=3, stride=1, padding=1, count_include_pad=False)


class FIDInceptionA(InceptionA):
    def forward(self, x):
        b5 = self.branch5x5_2(self.branch5x5_1(x))
        b3 = self.branch3x3dbl_3(self.branch3x3dbl_2(self.branch3x3dbl_1(x)))
        return torch.cat([self.branch1x1(x), b5, b3, self.branch_pool(_avg(x))], 1)


class FIDInceptionC(InceptionC):
    def forward(self, x):
        b7 = self.branch7x7_3(self.branch7x7_2(self.branch7x7_1(x)))
        bd = x
        for m in (
            self.branch7x7dbl_1,
            self.branch7x7dbl_2,
            self.branch7x7dbl_3,
            self.branch7x7dbl_4,
            self.branch7x7dbl_5,
        ):
            bd = m(bd)
        return torch.cat([self.branch1x1(x), b7, bd, self.branch_pool(_avg(x))], 1)


class FIDInceptionE(InceptionE):
    """E_1 (``max_pool=False``: avg pool without padding counts) or E_2 (``max_pool=True``)."""

    def __init__(self, in_channels, max_pool=False):
        super().__init__(in_channels)
        self.max_pool = max_pool

    def forward(self, x):
        b3 = self.branch3x3_1(x)
        b3 = torch.cat([self.branch3x3_2a(b3), self.branch3x3_2b(b3)], 1)
        bd = self.branch3x3dbl_2(self.branch3x3dbl_1(x))
        bd = torch.cat([self.branch3x3dbl_3a(bd), self.branch3x3dbl_3b(bd)], 1)
        pool = F.max_pool2d(x, kernel_size=3, stride=1, padding=1) if self.max_pool else _avg(x)
        return torch.cat([self.branch1x1(x), b3, bd, self.branch_pool(pool)], 1)


class FIDInceptionV3(Inception3):
    """pytorch-fid's InceptionV3; ``forward(x)`` takes images already resized to 299 and scaled to
    [-1, 1] and returns the 2048-d pool3 features [N, 2048]."""

    def __init__(self):
        super().__init__(num_classes=1008, aux_logits=False, transform_input=False, init_weights=False)
        self.Mixed_5b = FIDInceptionA(192, pool_features=32)
        self.Mixed_5c = FIDInceptionA(256, pool_features=64)
        self.Mixed_5d = FIDInceptionA(288, pool_features=64)
        self.Mixed_6b = FIDInceptionC(768, channels_7x7=128)
        self.Mixed_6c = FIDInceptionC(768, channels_7x7=160)
        self.Mixed_6d = FIDInceptionC(768, channels_7x7=160)
        self.Mixed_6e = FIDInceptionC(768, channels_7x7=192)
        self.Mixed_7b = FIDInceptionE(1280, max_pool=False)
        self.Mixed_7c = FIDInceptionE(2048, max_pool=True)

    def forward(self, x):
        for name in (
            "Conv2d_1a_3x3",
            "Conv2d_2a_3x3",
            "Conv2d_2b_3x3",
            "maxpool1",
            "Conv2d_3b_1x1",
            "Conv2d_4a_3x3",
            "maxpool2",
            "Mixed_5b",
            "Mixed_5c",
            "Mixed_5d",
            "Mixed_6a",
            "Mixed_6b",
            "Mixed_6c",
            "Mixed_6d",
            "Mixed_6e",
            "Mixed_7a",
            "Mixed_7b",
            "Mixed_7c",
            "avgpool",
        ):
            x = getattr(self, name)(x)
        return x.flatten(1)


def inception_weights_path() -> Path | None:
    """Where the pytorch-fid weights are, or None. GENREP_WEIGHTS (file or folder), then the hub cache."""
    cands = []
    env = os.environ.get("GENREP_WEIGHTS")
    if env:
        p = Path(env).expanduser()
        cands.append(p if p.is_file() else p / FID_WEIGHTS_NAME)
    cands.append(Path(torch.hub.get_dir()) / "checkpoints" / FID_WEIGHTS_NAME)
    return next((p for p in cands if p.is_file()), None)


def missing_weights_message() -> str:
    hub = Path(torch.hub.get_dir()) / "checkpoints" / FID_WEIGHTS_NAME
    return (
        f"Inception weights for FID not found. Place {FID_WEIGHTS_NAME} (from {FID_WEIGHTS_URL}) at "
        f"{hub} (the torch hub cache, where pytorch-fid keeps it), or set GENREP_WEIGHTS to the file or "
        "to a folder containing it. genrep never downloads it; without it use a proxy extractor "
        "('cifarnet' or 'randconv'), whose distances are labelled FD-<name>, not FID."
    )


def load_fid_inception(path=None, check_hash=True) -> FIDInceptionV3:
    """Build FIDInceptionV3 and load the pytorch-fid weights (strict) from ``path`` or the search path."""
    path = Path(path) if path is not None else inception_weights_path()
    if path is None or not path.is_file():
        raise FileNotFoundError(missing_weights_message())
    if check_hash:
        h = hashlib.sha256(path.read_bytes()).hexdigest()
        if not h.startswith(FID_WEIGHTS_SHA256_PREFIX):
            raise RuntimeError(
                f"{path} has sha256 {h[:16]}…, expected a prefix {FID_WEIGHTS_SHA256_PREFIX}: "
                "not the pytorch-fid Inception weights (corrupt or a different file)."
            )
    model = FIDInceptionV3()
    model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True), strict=True)
    return model.eval()

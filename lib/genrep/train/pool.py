"""The image history buffer of CycleGAN (Shrivastava et al. 2017; CycleGAN's ``util/image_pool.py``).

The discriminator is trained on a mix of the newest fakes and fakes from earlier generators, which
damps oscillation. Semantics, per image of the batch, exactly as in the reference:

* ``size == 0``: the batch is returned unchanged;
* while the pool holds fewer than ``size`` images, the image is stored and returned;
* otherwise, with probability 0.5 a uniformly chosen stored image is returned (a copy) and the
  current image takes its place; else the current image is returned and the pool is unchanged.

Randomness comes from torch's default CPU generator, so ``seed_everything`` controls it and a
checkpoint's ``rng_state()`` covers it. Returned images are detached: the pool feeds only the
discriminator's update.
"""

from __future__ import annotations

import torch


class ImagePool:
    def __init__(self, size: int):
        if size < 0:
            raise ValueError(f"ImagePool size must be >= 0, got {size}")
        self.size = size
        self.images: list[torch.Tensor] = []

    def __len__(self) -> int:
        return len(self.images)

    @torch.no_grad()
    def query(self, images: torch.Tensor) -> torch.Tensor:
        """Return a batch of the same shape: each image is the input one or a previously stored one."""
        if self.size == 0:
            return images
        images = images.detach()
        if self.images and self.images[0].device != images.device:
            self.images = [im.to(images.device) for im in self.images]
        n = images.shape[0]
        # Draw all random numbers for the batch up front (on the CPU: no GPU sync), one pair per image.
        coins = torch.rand(n).tolist()
        slots = torch.randint(0, self.size, (n,)).tolist()
        out = []
        for image, coin, slot in zip(images, coins, slots, strict=False):
            if len(self.images) < self.size:
                self.images.append(image.clone())
                out.append(image)
            elif coin > 0.5:
                out.append(self.images[slot].clone())
                self.images[slot] = image.clone()
            else:
                out.append(image)
        return torch.stack(out)

    def state_dict(self) -> dict:
        return {"size": self.size, "images": [im.cpu() for im in self.images]}

    def load_state_dict(self, state: dict) -> None:
        if state["size"] != self.size:
            raise ValueError(f"ImagePool of size {self.size} cannot load a pool of size {state['size']}")
        self.images = [im.clone() for im in state["images"]]

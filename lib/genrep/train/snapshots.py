"""Small things a training run keeps for its figures (sample grids, fixed-z progressions) that must
survive an interruption: pass a :class:`Snapshots` in ``train_loop``'s ``state`` and it is checkpointed
and restored with the models."""

from __future__ import annotations

import torch


class Snapshots(dict):
    """A dict of name -> CPU tensor (or plain value) with ``state_dict`` / ``load_state_dict``."""

    def keep(self, name: str, value) -> None:
        self[name] = value.detach().cpu().clone() if isinstance(value, torch.Tensor) else value

    def state_dict(self) -> dict:
        return dict(self)

    def load_state_dict(self, state: dict) -> None:
        self.clear()
        self.update(state)

"""CycleGAN training (Zhu et al. 2017) with the Monet paper's variants (spec cyclegan_monet §3.1–3.7).

    cfg = CycleGANConfig(img_size=256, batch_size=1, max_steps=119_646, epochs=17, output_as_input=True)
    run = train_cyclegan(cfg, photos_uint8, monets_uint8, runs_dir / "ckpt.pt", device="cuda", seed=0)
    paintings = run.translate(run.photos.images)   # uint8; after output-as-input: G(P') as submitted

Notation: p a photo, m a Monet painting, G = G_P→M, F = G_M→P, D_M and D_P the discriminators.

* Generators: pix2pix U-Nets (:class:`~genrep.models.pix2pix.Pix2PixUNet`), down to 1×1.
* Discriminators: ``disc="patchgan"`` (15×15 logits at 256²) or ``disc="unet"`` (global + per-pixel logits,
  CutMix with a probability ramped from 0 to ``cutmix_p_max`` over the first epoch; ``unet_loss`` picks
  ``classical+cutmix`` or ``schonfeld``).
* Generator loss: LSGAN adversarial terms, λ_cyc·cycle L1 (or Better Cycles with ``better_cycles=True``,
  γ = ``bc_gamma``, features of D's ``bc_layer``-th block), λ_id·identity L1, and for a U-Net D the
  optional ``lambda_cr`` consistency term (``cr_mode="literal"``: Eq. 3.1 as printed;
  ``"dout"``: on the D outputs).
* Top-k (``topk=True``): only the k lowest per-image adversarial losses of each generator are kept.
* D loss: ``d_weight``·[MSE(D(real), 1) + MSE(D(pool(fake)), 0)], with a per-domain ImagePool.
* Adam (lr, betas) for G+F and for D_M+D_P; LR constant, then linear decay to 0 from
  ``decay_start_frac``·max_steps.
* Output-as-input (``output_as_input=True``): after ``oai_stage1_epochs`` epochs the stage-1 G translates
  every training photo to P′, and training *continues* (weights, optimizer, LR schedule) with P′ as the
  photo domain.
* An epoch is ``max_steps // epochs`` steps (the paper's Table 3.1 counts 879 steps per bs-32 epoch).
* On CUDA: bf16 autocast, channels_last, data resident on the GPU.

Everything random comes from torch's default generators or the batchers' own generators, so
``train_loop``'s checkpoint resumes to the same result.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import torch
import torch.nn.functional as F

from genrep.data.batching import Batcher, random_hflip, to_uint8
from genrep.losses.cutmix import (
    CR_MODES,
    UNET_LOSSES,
    consistency_dout,
    consistency_literal,
    cutmix_mask,
    cutmix_probability,
    unet_d_loss,
    unet_g_loss,
)
from genrep.losses.reconstruction import better_cycle_loss, cycle_l1, identity_l1
from genrep.models.patchgan import PatchGAN
from genrep.models.pix2pix import NORMS, Pix2PixUNet
from genrep.models.unet_discriminator import UNetDiscriminator
from genrep.runtime.device import autocast
from genrep.runtime.timing import Stopwatch
from genrep.train.checkpoint import Checkpointer
from genrep.train.loop import train_loop
from genrep.train.pool import ImagePool
from genrep.train.schedules import linear_decay
from genrep.train.topk import topk_k, topk_mean

DISCS = ("patchgan", "unet")


@dataclass
class CycleGANConfig:
    img_size: int = 256
    ngf: int = 64
    ndf: int = 64
    norm: str = "instance"
    d_n_down: int = 4  # PatchGAN stride-2 blocks (4 → 15×15 at 256²; 3 + 2 final → 30×30)
    d_final_stride1_layers: int = 1
    batch_size: int = 1
    max_steps: int = 119_646
    epochs: int = 17
    lr: float = 2e-4
    betas: tuple = (0.5, 0.999)
    decay_start_frac: float = 0.5
    lambda_cyc: float = 10.0
    lambda_id: float = 10.0
    d_weight: float = 0.5
    buffer_size: int = 100
    topk: bool = False
    topk_nu: float = 0.75
    topk_gamma: float = 0.99
    topk_start_epoch: int = 1
    disc: str = "patchgan"
    unet_loss: str = "classical+cutmix"
    cutmix_p_max: float = 0.5
    lambda_cr: float = 0.0
    cr_mode: str = "literal"
    better_cycles: bool = False
    bc_gamma: float = 0.5
    bc_layer: int = 3
    output_as_input: bool = False
    oai_stage1_epochs: int = 11
    flip: bool = True
    extra: dict = field(default_factory=dict)

    def __post_init__(self):
        for name, val, ok in [
            ("disc", self.disc, DISCS),
            ("unet_loss", self.unet_loss, UNET_LOSSES),
            ("cr_mode", self.cr_mode, CR_MODES),
            ("norm", self.norm, NORMS),
        ]:
            if val not in ok:
                raise ValueError(f"{name} must be one of {', '.join(ok)}; got {val!r}")
        if self.img_size < 4 or self.img_size & (self.img_size - 1):
            raise ValueError(f"img_size must be a power of two >= 4, got {self.img_size}")
        if self.max_steps < 1 or not 1 <= self.epochs <= self.max_steps:
            raise ValueError(f"need 1 <= epochs <= max_steps (got epochs={self.epochs}, max_steps={self.max_steps})")
        if self.output_as_input and not 0 < self.oai_stage1_epochs < self.epochs:
            raise ValueError(
                f"oai_stage1_epochs must be in 1..epochs-1={self.epochs - 1}, got {self.oai_stage1_epochs}"
            )
        if self.better_cycles and self.disc != "patchgan":
            raise ValueError("better_cycles takes its features from the PatchGAN discriminator (disc='patchgan')")
        if self.better_cycles and not 1 <= self.bc_layer <= self.d_n_down:
            raise ValueError(f"bc_layer must be in 1..d_n_down={self.d_n_down}, got {self.bc_layer}")
        self.betas = tuple(self.betas)

    @property
    def g_n_down(self) -> int:
        return int(math.log2(self.img_size))

    @property
    def steps_per_epoch(self) -> int:
        return self.max_steps // self.epochs

    @property
    def stage1_steps(self) -> int | None:
        return self.oai_stage1_epochs * self.steps_per_epoch if self.output_as_input else None

    def to_dict(self) -> dict:
        return asdict(self)


class PhotoStream:
    """The photo domain as the trainer sees it: the original photos, or P′ after output-as-input.

    Holds the batcher, so its ``state_dict`` (which includes P′ once it exists) resumes exactly.
    """

    def __init__(self, photos: torch.Tensor, batch_size: int, device, seed: int):
        self.batch_size, self.device, self.seed = batch_size, device, seed
        self.original = photos
        self.stage = 1
        self.images = photos
        self.batcher = Batcher(photos, batch_size=batch_size, device=device, seed=seed)

    def replace(self, images: torch.Tensor) -> None:
        epoch, pos = self.batcher.epoch, self.batcher.pos
        self.images, self.stage = images, 2
        self.batcher = Batcher(images, batch_size=self.batch_size, device=self.device, seed=self.seed)
        self.batcher.epoch, self.batcher.pos = epoch, pos

    def next(self) -> torch.Tensor:
        return next(self.batcher)

    def state_dict(self) -> dict:
        return {
            "stage": self.stage,
            "images": self.images.cpu() if self.stage == 2 else None,
            "batcher": self.batcher.state_dict(),
        }

    def load_state_dict(self, state: dict) -> None:
        if state["stage"] == 2:
            self.replace(state["images"])
        self.batcher.load_state_dict(state["batcher"])


class CycleGAN:
    """The four networks, two optimizers, LR schedules and image pools, and one training step."""

    def __init__(self, cfg: CycleGANConfig, device="cpu"):
        self.cfg, self.device = cfg, torch.device(device)
        self.channels_last = self.device.type == "cuda"
        g = {"ngf": cfg.ngf, "n_down": cfg.g_n_down, "norm": cfg.norm}
        self.G, self.F = Pix2PixUNet(**g), Pix2PixUNet(**g)  # photo→Monet, Monet→photo
        if cfg.disc == "patchgan":
            d = {
                "ndf": cfg.ndf,
                "n_down": cfg.d_n_down,
                "final_stride1_layers": cfg.d_final_stride1_layers,
                "norm": cfg.norm,
            }
            self.D_M, self.D_P = PatchGAN(**d), PatchGAN(**d)
        else:
            d = {"ndf": cfg.ndf, "n_down": cfg.g_n_down, "norm": cfg.norm}
            self.D_M, self.D_P = UNetDiscriminator(**d), UNetDiscriminator(**d)
        mf = torch.channels_last if self.channels_last else torch.contiguous_format
        for net in self.nets.values():
            net.to(self.device, memory_format=mf)
        self.opt_g = torch.optim.Adam(list(self.G.parameters()) + list(self.F.parameters()), lr=cfg.lr, betas=cfg.betas)
        self.opt_d = torch.optim.Adam(
            list(self.D_M.parameters()) + list(self.D_P.parameters()), lr=cfg.lr, betas=cfg.betas
        )
        start = int(cfg.decay_start_frac * cfg.max_steps)
        self.sched_g = linear_decay(self.opt_g, cfg.max_steps, start)
        self.sched_d = linear_decay(self.opt_d, cfg.max_steps, start)
        self.pool_m, self.pool_p = ImagePool(cfg.buffer_size), ImagePool(cfg.buffer_size)

    @property
    def nets(self) -> dict:
        return {"G": self.G, "F": self.F, "D_M": self.D_M, "D_P": self.D_P}

    def state(self) -> dict:
        """The objects whose state_dicts make up a checkpoint (for ``train_loop``)."""
        return {
            **self.nets,
            "opt_g": self.opt_g,
            "opt_d": self.opt_d,
            "sched_g": self.sched_g,
            "sched_d": self.sched_d,
            "pool_m": self.pool_m,
            "pool_p": self.pool_p,
        }

    def _prep(self, x):
        return x.contiguous(memory_format=torch.channels_last) if self.channels_last else x

    # -- losses --------------------------------------------------------------------------------------
    def _adv_per_image(self, D, fake):
        if self.cfg.disc == "patchgan":
            return (D(fake).float() - 1).pow(2).flatten(1).mean(1)
        return unet_g_loss(D, fake, self.cfg.unet_loss, reduction="none").float()

    def _d_loss(self, D, real, fake, step):
        cfg = self.cfg
        if cfg.disc == "patchgan":
            r, f = D(real).float(), D(fake).float()
            return cfg.d_weight * (F.mse_loss(r, torch.ones_like(r)) + F.mse_loss(f, torch.zeros_like(f))), {}
        p = cutmix_probability(step, cfg.steps_per_epoch, cfg.cutmix_p_max)
        use = bool(torch.rand(()) < p)
        mask = cutmix_mask(real.shape[0], real.shape[-2], real.shape[-1], real.device) if use else None
        loss, parts = unet_d_loss(D, real, fake, cfg.unet_loss, use_cutmix=use, mask=mask, weight=cfg.d_weight)
        return loss.float(), parts

    def topk_k(self, step: int) -> int:
        cfg = self.cfg
        if not cfg.topk:
            return cfg.batch_size
        return topk_k(cfg.batch_size, step / cfg.steps_per_epoch, cfg.topk_start_epoch, cfg.topk_gamma, cfg.topk_nu)

    def train_step(self, p: torch.Tensor, m: torch.Tensor, step: int) -> dict:
        """One generator update (G and F together) and one discriminator update (D_M and D_P)."""
        cfg = self.cfg
        p, m = self._prep(p), self._prep(m)
        for D in (self.D_M, self.D_P):
            D.requires_grad_(False)
        with autocast(self.device):
            fake_m, fake_p = self.G(p), self.F(m)
            rec_p, rec_m = self.F(fake_m), self.G(fake_p)
            k = self.topk_k(step)
            adv = topk_mean(self._adv_per_image(self.D_M, fake_m), k) + topk_mean(
                self._adv_per_image(self.D_P, fake_p), k
            )
            if cfg.better_cycles:
                cyc = better_cycle_loss(
                    p, rec_p, lambda x: self.D_P.features(x, cfg.bc_layer), cfg.bc_gamma
                ) + better_cycle_loss(m, rec_m, lambda x: self.D_M.features(x, cfg.bc_layer), cfg.bc_gamma)
            else:
                cyc = cycle_l1(p, rec_p) + cycle_l1(m, rec_m)
            loss = adv.float() + cfg.lambda_cyc * cyc.float()
            out = {"g_adv": adv.detach(), "cycle": cyc.detach()}
            if cfg.lambda_id:
                idt = identity_l1(m, self.G(m)) + identity_l1(p, self.F(p))
                loss = loss + cfg.lambda_id * idt.float()
                out["identity"] = idt.detach()
            if cfg.disc == "unet" and cfg.lambda_cr:
                mask = cutmix_mask(m.shape[0], m.shape[-2], m.shape[-1], m.device)
                if cfg.cr_mode == "literal":
                    cr = consistency_literal(m, fake_m, mask) + consistency_literal(p, fake_p, mask)
                else:
                    cr = consistency_dout(self.D_M, m, fake_m, mask) + consistency_dout(self.D_P, p, fake_p, mask)
                loss = loss + cfg.lambda_cr * cr.float()
                out["consistency"] = cr.detach()
        self.opt_g.zero_grad(set_to_none=True)
        loss.backward()
        self.opt_g.step()
        for D in (self.D_M, self.D_P):
            D.requires_grad_(True)
        pm, pp = self.pool_m.query(fake_m.detach()), self.pool_p.query(fake_p.detach())
        with autocast(self.device):
            d_m, _parts_m = self._d_loss(self.D_M, m, self._prep(pm), step)
            d_p, _parts_p = self._d_loss(self.D_P, p, self._prep(pp), step)
            d_loss = d_m + d_p
        self.opt_d.zero_grad(set_to_none=True)
        d_loss.backward()
        self.opt_d.step()
        self.sched_g.step()
        self.sched_d.step()
        out.update(g_loss=loss.detach(), d_loss=d_loss.detach(), k=float(k))
        return out

    # -- inference -----------------------------------------------------------------------------------
    @torch.no_grad()
    def translate(self, images: torch.Tensor, direction: str = "photo2monet", batch_size: int = 64) -> torch.Tensor:
        """uint8 [N, 3, S, S] → uint8 translations (eval mode: dropout off), on the CPU."""
        net = {"photo2monet": self.G, "monet2photo": self.F}.get(direction)
        if net is None:
            raise ValueError(f"direction must be 'photo2monet' or 'monet2photo', got {direction!r}")
        was = net.training
        net.eval()
        outs = []
        for i in range(0, len(images), batch_size):
            x = images[i : i + batch_size].to(self.device).float() / 127.5 - 1
            with autocast(self.device):
                outs.append(to_uint8(net(self._prep(x)).float()).cpu())
        net.train(was)
        return torch.cat(outs) if outs else images[:0].clone()


@dataclass
class CycleGANRun:
    model: CycleGAN
    photos: PhotoStream
    history: list
    stopwatch: Stopwatch

    def translate(self, images, **kw):
        return self.model.translate(images, **kw)


def train_cyclegan(
    cfg: CycleGANConfig,
    photos: torch.Tensor,
    monets: torch.Tensor,
    ckpt_path=None,
    *,
    device="cpu",
    seed: int = 0,
    desc: str = "cyclegan",
    log_every: int = 10,
    every_minutes: float | None = 5.0,
    every_steps: int | None = None,
    progress: bool = True,
    after_step=None,
) -> CycleGANRun:
    """Train (or resume, or reload a finished run from ``ckpt_path``) and return the trained objects.

    ``photos`` / ``monets`` are uint8 [N, 3, S, S]; each step pairs the next batch of photos with a
    random batch of paintings. ``after_step(i)`` is called after every step (tests use it to simulate
    a crash).
    """
    torch.manual_seed(seed)
    model = CycleGAN(cfg, device)
    stream = PhotoStream(photos, cfg.batch_size, device, seed)
    monet_b = Batcher(monets, batch_size=min(cfg.batch_size, len(monets)), device=device, seed=seed + 1)
    clock = Stopwatch(device)

    def step(i: int) -> dict:
        if cfg.output_as_input and i == cfg.stage1_steps and stream.stage == 1:
            stream.replace(model.translate(stream.original, batch_size=64).to(stream.original.device))
        p = stream.next()
        m = monet_b.sample(cfg.batch_size)
        if cfg.flip:
            p, m = random_hflip(p), random_hflip(m)
        out = model.train_step(p, m, i)
        out["stage"] = float(stream.stage)
        if after_step is not None:
            after_step(i)
        return out

    ckpt = Checkpointer(ckpt_path, every_minutes=every_minutes, every_steps=every_steps) if ckpt_path else None
    state = {**model.state(), "photos": stream, "monet_batcher": monet_b}
    history = train_loop(
        step,
        total_steps=cfg.max_steps,
        state=state,
        checkpointer=ckpt,
        desc=desc,
        log_every=log_every,
        seed=seed,
        progress=progress,
        stopwatch=clock,
        images_per_step=cfg.batch_size,
        check_every=max(1, log_every) if torch.device(device).type == "cuda" else 1,
    )
    return CycleGANRun(model, stream, history, clock)

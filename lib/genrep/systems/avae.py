"""The AVAE family's training system (Plumerault 2023, Ch. 3): the five frameworks of Table 3.1 as one
object holding their networks (:mod:`genrep.models.avae`), optimisers and joint step.

Frameworks (:class:`Framework`, one joint step per call as in Fig. 3.4, one Adam per network):

* ``vae``     E, D by L_VAE.
* ``gan``     G, C; critic BCE, generator −logit (the L_M of Eq. 3.11).
* ``vaegan``  Larsen et al.: encoder β·KL + ½‖Φ(x) − Φ(D(z))‖²; decoder γ·feature loss + adversarial
              loss on the reconstruction and a prior sample; critic BCE real vs both (γ = 1e-2).
* ``bigan``   E, G and a joint critic on (x, z); swapped labels for G/E, encoder loss ×10.
* ``avae``    the VAE (E, D) plus G(z, ξ) and C: L_G = L_M + L_Z with ``latent_loss`` ∈ {a, b, code}
              through the frozen encoder (E gets no gradient from L_G, spec §11.6); ``use_xi`` = False
              gives G(z).

Reconstructions follow the code: AVAE G(μ + σε, ξ), VAE and VAE/GAN D(μ + σε), BiGAN G(μ_E(x)).
BatchNorm stays in train mode at sampling time unless ``bn_eval_mode`` (the code's behaviour).

:func:`fit_framework` trains one through :func:`genrep.train.train_loop` (checkpoints, resume, guards);
:func:`evaluate_framework` computes Table 3.1's metrics.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from genrep.losses.avae import gaussian_vae_loss, latent_loss, manifold_loss
from genrep.losses.gan import bce_logits_d_loss, bce_logits_g_loss
from genrep.losses.gaussian import kl_std_normal, reparameterize
from genrep.metrics import fid_from_features, kid_from_features
from genrep.metrics.spectrum import hf_power_ratio
from genrep.models.avae import BiGANCritic, Critic, Encoder, Generator, MLPEncoder, _Squeeze, mlp
from genrep.runtime import autocast, randn
from genrep.train import Checkpointer, train_loop

FRAMEWORKS = ("vae", "gan", "vaegan", "bigan", "avae")


class Framework:
    """One model of Table 3.1: its networks, optimisers and one joint training step.

    ``Framework(kind, nets, latent_dim, xi_dim, ...)``; use :func:`image_framework` or :func:`toy_framework`
    to build the networks. ``state()`` is the dict to hand to ``train_loop`` (networks, optimisers,
    schedulers)."""

    def __init__(
        self,
        kind: str,
        nets: dict,
        latent_dim: int,
        xi_dim: int = 0,
        latent_loss_kind: str = "a",
        beta: float = 1.0,
        gamma: float = 1e-2,
        bigan_enc_weight: float = 10.0,
        lr: float = 2e-4,
        betas=(0.5, 0.999),
        lr_decay_steps: int | None = None,
        bn_eval_mode: bool = False,
        amp: bool = True,
    ):
        if kind not in FRAMEWORKS:
            raise ValueError(f"unknown framework {kind!r}; valid: {', '.join(FRAMEWORKS)}")
        if latent_loss_kind not in ("a", "b", "code"):
            raise ValueError(f"unknown latent_loss {latent_loss_kind!r}; valid: a, b, code")
        self.kind, self.nets, self.d_z, self.d_xi = kind, nets, latent_dim, xi_dim
        self.latent_loss_kind, self.beta, self.gamma, self.enc_w = latent_loss_kind, beta, gamma, bigan_enc_weight
        self.bn_eval_mode, self.amp = bn_eval_mode, amp  # amp: bf16 autocast on CUDA (no-op on CPU)
        self.opts = {k: torch.optim.Adam(n.parameters(), lr=lr, betas=betas) for k, n in nets.items()}
        self.scheds = {}
        if lr_decay_steps:  # the code's lr·0.02^(step / 50000)
            self.scheds = {
                k: torch.optim.lr_scheduler.LambdaLR(o, lambda s: 0.02 ** (s / lr_decay_steps))
                for k, o in self.opts.items()
            }

    # -- bookkeeping -------------------------------------------------------------------------------
    def state(self) -> dict:
        out = dict(self.nets)
        out.update({f"opt_{k}": o for k, o in self.opts.items()})
        out.update({f"sched_{k}": s for k, s in self.scheds.items()})
        return out

    @property
    def device(self):
        return next(iter(self.nets.values())).parameters().__next__().device

    def train(self, mode: bool = True):
        for n in self.nets.values():
            n.train(mode)

    def _noise(self, n, dim, gen=None):
        return randn((n, dim), device=self.device, generator=gen)

    def _gen_input(self, z, gen=None):
        return torch.cat([z, self._noise(len(z), self.d_xi, gen)], 1) if self.d_xi else z

    def _update(self, loss, name, retain=False):
        params = [p for p in self.nets[name].parameters() if p.requires_grad]
        grads = torch.autograd.grad(loss, params, retain_graph=retain, allow_unused=True)
        for p, g in zip(params, grads, strict=False):
            p.grad = g
        self.opts[name].step()

    # -- one training step (Fig. 3.4: one joint forward pass, simultaneous updates) -----------------
    def step(self, x: torch.Tensor) -> dict:
        with autocast(self.device, enabled=self.amp):
            return self._step(x)

    def _step(self, x: torch.Tensor) -> dict:
        self.train(True)
        b, out = len(x), {}
        E, D, G, C = (self.nets.get(k) for k in ("E", "D", "G", "C"))
        if self.kind in ("vae", "vaegan", "avae"):
            mu, ls = E(x)
            z_post = reparameterize(mu, 2 * ls)
            x_rec = D(z_post)
        if self.kind == "vae" or self.kind == "avae":
            l_vae, rec, kl = gaussian_vae_loss(x_rec, x, mu, ls, beta=self.beta)
            out.update(vae=l_vae, recon=rec, kl=kl)
        if self.kind == "gan":
            fake = G(self._noise(b, self.d_z))
            l_c = bce_logits_d_loss(C(x), C(fake.detach()))
            l_g = manifold_loss(C(fake))
            self._update(l_g, "G", retain=True)
            self._update(l_c, "C")
            out.update(critic=l_c, gen=l_g)
        elif self.kind == "vae":
            self._update(l_vae, "E", retain=True)
            self._update(l_vae, "D")
        elif self.kind == "avae":
            z = self._noise(b, self.d_z)
            fake = G(self._gen_input(z))
            for p in E.parameters():
                p.requires_grad_(False)  # E is frozen inside L_Z (updated only by L_VAE)
            mu_f, _ = E(fake)
            for p in E.parameters():
                p.requires_grad_(True)
            l_z = latent_loss(self.latent_loss_kind, mu_f, z, ls)
            l_m = manifold_loss(C(fake))
            l_c = bce_logits_d_loss(C(x), C(fake.detach()))
            self._update(l_m + l_z, "G")  # first: its graph runs through E's current weights
            self._update(l_c, "C")
            self._update(l_vae, "E", retain=True)
            self._update(l_vae, "D")
            out.update(critic=l_c, gen_m=l_m, gen_z=l_z)
        elif self.kind == "vaegan":
            fake = D(self._noise(b, self.d_z))
            fx, frec = C.features(x), C.features(x_rec)
            feat = 0.5 * (fx.detach() - frec).pow(2).flatten(1).sum(1).mean()
            kl = kl_std_normal(mu, 2 * ls, "batchmean")
            l_e = self.beta * kl + feat
            l_d = self.gamma * feat + bce_logits_g_loss(C(x_rec)) + bce_logits_g_loss(C(fake))
            real_logit = C(x)
            l_c = 0.5 * (
                bce_logits_d_loss(real_logit, C(x_rec.detach())) + bce_logits_d_loss(real_logit, C(fake.detach()))
            )
            self._update(l_e, "E", retain=True)
            self._update(l_d, "D", retain=True)
            self._update(l_c, "C")
            out.update(kl=kl, feature=feat, dec=l_d, critic=l_c)
        elif self.kind == "bigan":
            z = self._noise(b, self.d_z)
            fake = G(z)
            ez, _ = E(x)
            real_l, fake_l = C(x, ez), C(fake, z)
            l_c = bce_logits_d_loss(C(x, ez.detach()), C(fake.detach(), z))
            l_g = F.binary_cross_entropy_with_logits(fake_l, torch.ones_like(fake_l))
            l_e = self.enc_w * F.binary_cross_entropy_with_logits(real_l, torch.zeros_like(real_l))
            self._update(l_g, "G", retain=True)
            self._update(l_e, "E", retain=True)
            self._update(l_c, "C")
            out.update(critic=l_c, gen=l_g, enc=l_e)
        for s in self.scheds.values():
            s.step()
        return out

    # -- evaluation --------------------------------------------------------------------------------
    @torch.no_grad()
    def reconstruct(self, x: torch.Tensor, gen=None) -> torch.Tensor | None:
        """The reconstruction of §7 (sampled z), or None for the GAN."""
        self.train(not self.bn_eval_mode)
        if self.kind == "gan":
            return None
        mu, ls = self.nets["E"](x)
        if self.kind == "bigan":
            return self.nets["G"](mu)
        z = reparameterize(mu, 2 * ls, gen, like=False)
        if self.kind == "avae":
            return self.nets["G"](self._gen_input(z, gen))
        return self.nets["D"](z)

    @torch.no_grad()
    def decoder_reconstruct(self, x: torch.Tensor, gen=None) -> torch.Tensor | None:
        """For the AVAE: the VAE decoder's reconstruction D(μ + σε) (the blurry one; Fig. 3.6's middle)."""
        if self.kind != "avae":
            return None
        self.train(not self.bn_eval_mode)
        mu, ls = self.nets["E"](x)
        return self.nets["D"](reparameterize(mu, 2 * ls, gen, like=False))

    @torch.no_grad()
    def sample(self, n: int, gen=None) -> torch.Tensor:
        self.train(not self.bn_eval_mode)
        z = self._noise(n, self.d_z, gen)
        if self.kind in ("vae", "vaegan"):
            return self.nets["D"](z)
        if self.kind == "avae":
            return self.nets["G"](self._gen_input(z, gen))
        return self.nets["G"](z)


def image_framework(
    kind: str,
    channels: int = 3,
    size: int = 64,
    width: int = 64,
    latent_dim: int = 100,
    xi_dim: int = 100,
    use_xi: bool = True,
    **kw,
) -> Framework:
    """A Table 3.1 model on DCGAN-like blocks (d_z = d_ξ = 100, w = 128 in the thesis)."""
    nets: dict = {}
    if kind in ("vae", "vaegan", "avae", "bigan"):
        nets["E"] = Encoder(channels, size, width, latent_dim)
    if kind in ("vae", "vaegan", "avae"):
        nets["D"] = Generator(latent_dim, channels, size, width)
    d_xi = xi_dim if (kind == "avae" and use_xi) else 0
    if kind in ("gan", "bigan", "avae"):
        nets["G"] = Generator(latent_dim + d_xi, channels, size, width)
    if kind in ("gan", "vaegan", "avae"):
        nets["C"] = Critic(channels, size, width)
    if kind == "bigan":
        nets["C"] = BiGANCritic(channels, size, width, latent_dim)
    return Framework(kind, nets, latent_dim, d_xi, **kw)


def toy_framework(
    kind: str, latent_dim: int = 1, xi_dim: int = 1, stochastic: bool = False, hidden: int = 128, **kw
) -> Framework:
    """The 2-D toy of §3.4: every network an MLP with 2 hidden layers of 128; G(z) or G(z, ξ)."""
    if kind not in ("vae", "avae"):
        raise ValueError(f"the toy example uses vae or avae, not {kind!r}")
    nets = {"E": MLPEncoder(2, latent_dim, hidden), "D": mlp(latent_dim, 2, hidden)}
    d_xi = xi_dim if stochastic else 0
    if kind == "avae":
        nets["G"] = mlp(latent_dim + d_xi, 2, hidden)
        nets["C"] = _Squeeze(mlp(2, 1, hidden))
    return Framework(kind, nets, latent_dim, d_xi, **kw)


def fit_framework(
    fw: Framework,
    next_batch,
    steps: int,
    checkpoint_path=None,
    desc: str = "train",
    seed: int | None = 0,
    log_every: int = 25,
    extra_state: dict | None = None,
    stopwatch=None,
    images_per_step: int | None = None,
) -> list[dict]:
    """Train ``fw`` for ``steps`` joint steps with ``genrep.train.train_loop`` (checkpoint + resume).

    ``next_batch()`` returns a batch; put a stateful data source (a ``Batcher``) in ``extra_state`` so a
    resumed run continues where it stopped."""

    def step(_):
        return {k: v.detach() for k, v in fw.step(next_batch()).items()}

    ck = Checkpointer(checkpoint_path, every_minutes=5) if checkpoint_path is not None else None
    return train_loop(
        step,
        total_steps=steps,
        state={**fw.state(), **(extra_state or {})},
        checkpointer=ck,
        desc=desc,
        log_every=log_every,
        seed=seed,
        stopwatch=stopwatch,
        images_per_step=images_per_step,
    )


def evaluate_framework(
    fw: Framework,
    test: torch.Tensor,
    train: torch.Tensor,
    eval_n: int,
    extractor=None,
    perceptual=None,
    batch_size: int = 256,
    seed: int = 0,
    real_features=None,
) -> dict:
    """Table 3.1's metrics for one model (spec §7), images as float in [-1, 1] on fw's device:

    MSE (mean over pixels and channels of the test reconstructions, sampled z), the perceptual distance
    (``perceptual``, e.g. LPIPS-cifarnet), the high-frequency power ratio of reconstructions, and the
    Fréchet distance / KID of ``eval_n`` samples vs ``eval_n`` training images on ``extractor``.
    ``real_features``: the extractor's features of ``train[:eval_n]`` when the caller already has them
    (several models scored against one reference; TF-Inception on a CPU costs about 0.1 s per image)."""
    g = torch.Generator(device=fw.device).manual_seed(seed)
    out: dict = {}
    recs = []
    for i in range(0, len(test), batch_size):
        r = fw.reconstruct(test[i : i + batch_size], gen=g)
        if r is None:
            break
        recs.append(r)
    if recs:
        rec = torch.cat(recs)
        out["mse"] = float((rec - test).pow(2).mean())
        out["hf_power_ratio"] = hf_power_ratio(rec.cpu(), test.cpu())
        if perceptual is not None:
            out["perceptual"] = float(perceptual(rec, test).mean())
    samples = torch.cat([fw.sample(min(batch_size, eval_n - i), gen=g) for i in range(0, eval_n, batch_size)])
    out["sample_hf_power_ratio"] = hf_power_ratio(samples.cpu(), train[:eval_n].cpu())
    if extractor is not None:

        def to01(t):
            return ((t.clamp(-1, 1) + 1) / 2).cpu()

        fr = real_features if real_features is not None else extractor(to01(train[:eval_n]))
        if len(fr) != eval_n:
            raise ValueError(f"real_features has {len(fr)} rows; expected eval_n = {eval_n}")
        fg = extractor(to01(samples))
        out["fd"] = fid_from_features(fr, fg)
        kid, kid_sd = kid_from_features(fr, fg, subsets=10, subset_size=min(len(fr), len(fg), 1000), seed=seed)
        out["kid"], out["kid_std"] = kid, kid_sd
    return out

"""CutMix for a U-Net discriminator (Schönfeld et al. 2020; spec cyclegan_monet §3.3, paper Eq. 3.1).

* :func:`cutmix_mask`: a rectangle whose area ratio is U(0, 1) and whose position is uniform; 1 on the
  pixels taken from the real image.
* ``mix = M·real + (1−M)·fake``. The encoder (global) head must call a mix **fake**; the decoder target
  is M per pixel.
* :func:`unet_d_loss` / :func:`unet_g_loss` for the two loss variants of Table 3.4:
  ``classical+cutmix`` (LSGAN/MSE everywhere) and ``schonfeld`` (non-saturating BCE on logits plus the
  consistency regulariser ‖D_dec(mix) − mix(D_dec(real), D_dec(fake))‖² in the D loss).
* :func:`consistency_literal`: the paper's Eq. 3.1 exactly as printed,
  L1(M·real + (1−M)·fake, (1−M)·real + M·fake). For a binary mask it equals L1(real, fake) whatever
  M is (each pixel compares real with fake), which the tests check; ``cr_mode="dout"`` is ref. [13]'s
  version on the discriminator outputs.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

UNET_LOSSES = ("classical+cutmix", "schonfeld")
CR_MODES = ("literal", "dout")


def cutmix_mask(n: int, h: int, w: int, device=None, generator: torch.Generator | None = None) -> torch.Tensor:
    """[n, 1, h, w] float mask, 1 inside a random box (area ratio ~ U(0,1), uniform position), else 0.

    Randomness is drawn on the CPU (from ``generator`` or torch's default generator) so that a
    checkpoint's RNG state covers it and no GPU sync is needed.
    """
    r = torch.rand(n, 3, generator=generator)
    ratio = r[:, 0]
    bh = (h * ratio.sqrt()).round().long().clamp(0, h)
    bw = (w * ratio.sqrt()).round().long().clamp(0, w)
    y0 = ((h - bh).float() * r[:, 1]).floor().long()
    x0 = ((w - bw).float() * r[:, 2]).floor().long()
    ys, xs = torch.arange(h)[None, :, None], torch.arange(w)[None, None, :]
    inside = (
        (ys >= y0[:, None, None])
        & (ys < (y0 + bh)[:, None, None])
        & (xs >= x0[:, None, None])
        & (xs < (x0 + bw)[:, None, None])
    )
    return inside[:, None].float().to(device)


def cutmix(real: torch.Tensor, fake: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    return mask * real + (1 - mask) * fake


def cutmix_probability(step: int, ramp_steps: int, p_max: float = 0.5) -> float:
    """Linear ramp from 0 to ``p_max`` over ``ramp_steps`` steps (one epoch in the paper's setting)."""
    if ramp_steps <= 0:
        return p_max
    return p_max * min(1.0, step / ramp_steps)


def _adv(kind: str, logits: torch.Tensor, target) -> torch.Tensor:
    target = torch.full_like(logits, float(target)) if not torch.is_tensor(target) else target.to(logits.dtype)
    if kind == "classical+cutmix":
        return F.mse_loss(logits, target)
    return F.binary_cross_entropy_with_logits(logits, target)


def _check(kind: str) -> None:
    if kind not in UNET_LOSSES:
        raise ValueError(f"unet_loss must be one of {', '.join(UNET_LOSSES)}; got {kind!r}")


def unet_d_loss(
    D,
    real: torch.Tensor,
    fake: torch.Tensor,
    kind: str = "classical+cutmix",
    use_cutmix: bool = False,
    mask: torch.Tensor | None = None,
    lambda_consistency: float = 1.0,
    weight: float = 0.5,
):
    """Discriminator loss of a U-Net D: encoder and decoder terms on real (→1) and fake (→0), plus, when
    ``use_cutmix``, the CutMix terms (encoder: mix → 0; decoder: mix → M) and for ``schonfeld`` the
    consistency regulariser. ``weight`` scales the real/fake sum (the paper's D ratio, default 0.5).
    Returns (loss, parts)."""
    _check(kind)
    fake = fake.detach()
    g_r, p_r = D(real)
    g_f, p_f = D(fake)
    loss = weight * (_adv(kind, g_r, 1) + _adv(kind, p_r, 1) + _adv(kind, g_f, 0) + _adv(kind, p_f, 0))
    parts = {"d_real_fake": loss.detach()}
    if use_cutmix:
        if mask is None:
            mask = cutmix_mask(real.shape[0], real.shape[-2], real.shape[-1], real.device)
        g_m, p_m = D(cutmix(real, fake, mask))
        cm = _adv(kind, g_m, 0) + _adv(kind, p_m, mask)
        loss = loss + weight * cm
        parts["d_cutmix"] = cm.detach()
        if kind == "schonfeld" and lambda_consistency:
            cons = F.mse_loss(p_m, cutmix(p_r, p_f, mask))
            loss = loss + lambda_consistency * cons
            parts["d_consistency"] = cons.detach()
    return loss, parts


def unet_g_loss(D, fake: torch.Tensor, kind: str = "classical+cutmix", reduction: str = "mean") -> torch.Tensor:
    """Generator adversarial loss: encoder(fake) → 1 plus decoder(fake) → 1 (per image with
    ``reduction="none"``, for top-k)."""
    _check(kind)
    g, p = D(fake)
    if kind == "classical+cutmix":
        per = (g - 1).pow(2) + (p - 1).pow(2).flatten(1).mean(1)
    else:
        per = F.binary_cross_entropy_with_logits(
            g, torch.ones_like(g), reduction="none"
        ) + F.binary_cross_entropy_with_logits(p, torch.ones_like(p), reduction="none").flatten(1).mean(1)
    return per if reduction == "none" else per.mean()


def consistency_literal(real: torch.Tensor, fake: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Eq. 3.1 as printed: L1(M·real + (1−M)·fake, (1−M)·real + M·fake) (degenerate, see module doc)."""
    return F.l1_loss(cutmix(real, fake, mask), cutmix(fake, real, mask))


def consistency_dout(D, real: torch.Tensor, fake: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Ref. [13]'s consistency on the decoder outputs: ‖D_dec(mix) − mix(D_dec(real), D_dec(fake))‖²."""
    _, p_m = D(cutmix(real, fake, mask))
    _, p_r = D(real)
    _, p_f = D(fake)
    return F.mse_loss(p_m, cutmix(p_r, p_f, mask))

"""SynthCars: procedural 2-D car sprites with known attributes and known rater preferences.

A stand-in for a private rated car dataset (spec rectified_flow_cars §2.4). Every image is drawn from
attributes sampled with fixed priors (body type, colour family, spoiler, stripe, two-tone roof, facing,
view, scale, position, wheels, background; colour families from :mod:`genrep.data.colours`) and rendered with
PIL at ``render_scale``× the target size, then downsampled with LANCZOS (antialiasing). Everything is
deterministic given ``seed``.

    imgs, attrs = make_synthcars(n=6000, seed=0, height=96, width=128)   # uint8 [N, 3, H, W], DataFrame

``attrs`` holds the drawn attributes plus the ratings of ``n_raters`` simulated raters (see
:mod:`genrep.data.raters`): ``moira`` (the report's rater), ``moira_true_utility`` (noise-free) and
``rater1`` … ``rater4``. Splits by seed stream: train 0, test 1, oracle 2, extra 3 (``SPLIT_SEEDS``).
"""

from __future__ import annotations

import colorsys
import hashlib

import numpy as np
import pandas as pd
import torch
from PIL import Image, ImageDraw, ImageFilter

from .colours import COLOR_FAMILIES, COLOR_PRIOR, PAINT_HSV, WARM
from .raters import rate_synthcars

BODY_TYPES = ("sedan", "suv", "hatchback", "sports", "van", "pickup")
BODY_PRIOR = (0.30, 0.25, 0.15, 0.12, 0.10, 0.08)
SPLIT_SEEDS = {"train": 0, "test": 1, "oracle": 2, "extra": 3}
SPLIT_SIZES = {"train": 6000, "test": 1000, "oracle": 60000, "extra": 24000}

# body -> (length as fraction of car width, body height, cabin start, cabin end, cabin height, clearance, wheel r)
_BODY = {
    "sedan": (1.0, 0.22, 0.25, 0.72, 0.17, 0.06, 0.085),
    "suv": (1.0, 0.30, 0.18, 0.85, 0.20, 0.09, 0.10),
    "hatchback": (0.85, 0.24, 0.25, 0.88, 0.19, 0.06, 0.085),
    "sports": (1.0, 0.16, 0.35, 0.70, 0.12, 0.04, 0.08),
    "van": (1.0, 0.36, 0.10, 0.95, 0.22, 0.07, 0.085),
    "pickup": (1.0, 0.24, 0.22, 0.50, 0.20, 0.09, 0.095),
}


def split_seed(split: str) -> int:
    if split not in SPLIT_SEEDS:
        raise ValueError(f"unknown SynthCars split {split!r}; valid: {', '.join(SPLIT_SEEDS)}")
    return SPLIT_SEEDS[split]


def sample_car_specs(n: int, seed: int = 0) -> pd.DataFrame:
    """Draw ``n`` car attribute records (one row per image) from the spec's priors."""
    r = np.random.default_rng(np.random.SeedSequence([seed, 0x5CA5]))
    body = r.choice(len(BODY_TYPES), n, p=BODY_PRIOR)
    base = np.asarray(COLOR_PRIOR)
    sports_p = base.copy()
    for c in WARM:
        sports_p[COLOR_FAMILIES.index(c)] *= 3
    sports_p /= sports_p.sum()
    color = np.array([r.choice(10, p=sports_p if BODY_TYPES[b] == "sports" else base) for b in body])
    sports = np.array([BODY_TYPES[b] == "sports" for b in body])
    df = pd.DataFrame(
        {
            "body": [BODY_TYPES[b] for b in body],
            "color": [COLOR_FAMILIES[c] for c in color],
            "hue_jitter": r.uniform(-8, 8, n),
            "sat_jitter": r.uniform(-0.1, 0.1, n),
            "val_jitter": r.uniform(-0.1, 0.1, n),
            "spoiler": sports & (r.random(n) < 0.5),
            "stripe": r.random(n) < np.where(sports, 0.3, 0.1),
            "two_tone": r.random(n) < 0.1,
            "facing_right": r.random(n) < 0.5,
            "three_quarter": r.random(n) < 0.3,
            "scale": r.uniform(0.55, 0.90, n),
            "dx": r.uniform(-0.08, 0.08, n),
            "dy": r.uniform(-0.08, 0.08, n),
            "rim_silver": r.random(n) < 0.6,
            "spokes": r.integers(5, 11, n),
            "background": r.choice(["studio", "outdoor", "textured"], n, p=[0.4, 0.4, 0.2]),
            "bg_hue": r.uniform(0, 360, n),
            "bg_seed": r.integers(0, 2**31 - 1, n),
        }
    )
    h, s, v = zip(
        *[_paint_hsv(row) for row in df[["color", "hue_jitter", "sat_jitter", "val_jitter"]].itertuples()], strict=False
    )
    df["paint_h"], df["paint_s"], df["paint_v"] = h, s, v
    return df


def _paint_hsv(row) -> tuple[float, float, float]:
    h, s, v = PAINT_HSV[row.color]
    return (
        (h + row.hue_jitter) % 360,
        float(np.clip(s * (1 + row.sat_jitter), 0, 1)),
        float(np.clip(v * (1 + row.val_jitter), 0, 1)),
    )


def _rgb(h, s, v) -> tuple[int, int, int]:
    return tuple(round(255 * c) for c in colorsys.hsv_to_rgb((h % 360) / 360, min(max(s, 0), 1), min(max(v, 0), 1)))


def _background(row, W: int, H: int) -> Image.Image:
    r = np.random.default_rng(int(row.bg_seed))
    yy = np.linspace(0, 1, H)[:, None, None]
    if row.background == "studio":
        top, bot = r.uniform(0.55, 0.9), r.uniform(0.25, 0.6)
        a = np.broadcast_to((top + (bot - top) * yy), (H, W, 3))
    elif row.background == "outdoor":
        horizon = r.uniform(0.45, 0.7)
        sky = np.array(colorsys.hsv_to_rgb(r.uniform(0.55, 0.62), r.uniform(0.2, 0.5), r.uniform(0.75, 0.95)))
        ground = np.array(colorsys.hsv_to_rgb(r.uniform(0.05, 0.3), r.uniform(0.1, 0.4), r.uniform(0.3, 0.55)))
        a = np.where(yy < horizon, sky * (0.85 + 0.15 * yy / horizon), ground * (0.8 + 0.2 * yy))
        a = np.broadcast_to(a, (H, W, 3))
    else:  # fractal value noise in a muted hue
        base = np.array(colorsys.hsv_to_rgb(row.bg_hue / 360, 0.25, 0.55))
        noise = np.zeros((H, W))
        for octave in range(1, 5):
            g = r.random((2**octave + 1, 2**octave + 1))
            noise += (
                np.asarray(Image.fromarray((g * 255).astype(np.uint8)).resize((W, H), Image.BICUBIC), np.float32)
                / 255
                / 2**octave
            )
        a = base * (0.6 + 0.5 * noise[..., None])
    return Image.fromarray((np.clip(a, 0, 1) * 255).astype(np.uint8), "RGB")


def render_car(row, height: int = 96, width: int = 128, render_scale: int = 2) -> np.ndarray:
    """One car as uint8 [H, W, 3]: drawn at ``render_scale``× then LANCZOS-downsampled."""
    W, H = width * render_scale, height * render_scale
    img = _background(row, W, H)
    d = ImageDraw.Draw(img)
    L, bh, c0, c1, ch, clear, wr = _BODY[row.body]
    cw = row.scale * W * L
    x0 = W / 2 + row.dx * W - cw / 2
    ground = H * (0.78 + row.dy)
    u = H * 0.9  # vertical unit (fraction of height scale)
    sx = (lambda x: x0 + x * cw) if row.facing_right else (lambda x: x0 + (1 - x) * cw)
    shear = 0.12 * cw if row.three_quarter else 0.0
    body_bot, body_top = ground - clear * u, ground - (clear + bh) * u
    roof = body_top - ch * u
    ph, ps, pv = row.paint_h, row.paint_s, row.paint_v
    # ground shadow
    d.ellipse(
        [
            sx(-0.05) if row.facing_right else sx(1.05),
            ground - 0.03 * u,
            sx(1.05) if row.facing_right else sx(-0.05),
            ground + 0.03 * u,
        ],
        fill=(25, 25, 25),
    )
    # body: slightly tapered polygon (nose lower than tail for sports cars)
    nose_drop = 0.35 * bh * u if row.body == "sports" else 0.1 * bh * u
    tail_x, tail_drop = (0.02, 0.1) if row.body == "pickup" else (0.03, 0.3)  # pickup: open bed behind the cabin
    body = [
        (sx(0.0), body_bot),
        (sx(1.0), body_bot),
        (sx(1.0), body_top + nose_drop),
        (sx(0.97), body_top),
        (sx(tail_x), body_top),
        (sx(0.0), body_top + tail_drop * bh * u),
    ]
    d.polygon(body, fill=_rgb(ph, ps, pv))
    # metallic shading: darker lower band + specular band
    d.polygon(
        [
            (sx(0.0), body_bot),
            (sx(1.0), body_bot),
            (sx(1.0), body_bot - 0.35 * bh * u),
            (sx(0.0), body_bot - 0.35 * bh * u),
        ],
        fill=_rgb(ph, ps, pv * 0.75),
    )
    d.line(
        [(sx(0.05), body_top + 0.25 * bh * u), (sx(0.95), body_top + 0.25 * bh * u)],
        fill=_rgb(ph, ps * 0.5, min(1.0, pv * 1.3 + 0.1)),
        width=max(1, int(0.04 * bh * u)),
    )
    # cabin (roof) and windows
    roof_col = _rgb(ph, ps, pv) if not row.two_tone else ((235, 235, 235) if pv < 0.5 else (20, 20, 25))
    cab = [(sx(c0), body_top), (sx(c1), body_top), (sx(c1 - 0.08), roof), (sx(c0 + 0.1), roof)]
    if row.body in ("van", "suv"):
        cab = [(sx(c0), body_top), (sx(c1), body_top), (sx(c1 - 0.02), roof), (sx(c0 + 0.05), roof)]
    cab = [(x + shear * 0.3, y) for x, y in cab]
    d.polygon(cab, fill=roof_col)
    inset = 0.18 * ch * u
    win = [
        (sx(c0 + 0.04), body_top - 0.02 * u),
        (sx(c1 - 0.04), body_top - 0.02 * u),
        (sx(c1 - 0.10), roof + inset),
        (sx(c0 + 0.12), roof + inset),
    ]
    win = [(x + shear * 0.3, y) for x, y in win]
    d.polygon(win, fill=(55, 65, 85))
    d.line([win[0], win[3]], fill=(120, 135, 160), width=max(1, int(0.01 * W)))
    pillar = sx((c0 + c1) / 2)
    d.line(
        [(pillar + shear * 0.3, body_top), (pillar + shear * 0.3, roof + inset)],
        fill=roof_col,
        width=max(1, int(0.012 * W)),
    )
    if row.stripe:
        yy = body_top + 0.55 * bh * u
        d.line(
            [(sx(0.02), yy), (sx(0.98), yy)],
            fill=(245, 245, 245) if pv < 0.8 else (20, 20, 20),
            width=max(1, int(0.08 * bh * u)),
        )
    if row.spoiler:
        d.polygon(
            [
                (sx(0.0), body_top),
                (sx(0.08), body_top),
                (sx(0.06), body_top - 0.09 * u),
                (sx(-0.02), body_top - 0.09 * u),
            ],
            fill=_rgb(ph, ps, pv * 0.8),
        )
    if row.three_quarter:  # visible front face with headlights and grille
        fx = sx(1.0)
        fw = shear if row.facing_right else -shear
        d.polygon(
            [
                (fx, body_bot),
                (fx + fw, body_bot - 0.05 * u),
                (fx + fw, body_top - 0.02 * u),
                (fx, body_top + nose_drop),
            ],
            fill=_rgb(ph, ps, pv * 0.85),
        )
        d.rectangle(
            [
                min(fx + 0.3 * fw, fx + 0.8 * fw),
                body_bot - 0.5 * bh * u,
                max(fx + 0.3 * fw, fx + 0.8 * fw),
                body_bot - 0.25 * bh * u,
            ],
            fill=(30, 30, 30),
        )
        for hx in (0.15, 0.9):
            cx = fx + hx * fw
            d.ellipse(
                [cx - 0.02 * W, body_top + 0.2 * bh * u, cx + 0.02 * W, body_top + 0.45 * bh * u], fill=(250, 245, 200)
            )
    else:  # headlight and taillight on the side silhouette
        d.ellipse(
            [sx(0.96) - 0.015 * W, body_top + nose_drop, sx(0.96) + 0.015 * W, body_top + nose_drop + 0.25 * bh * u],
            fill=(250, 245, 200),
        )
        d.rectangle(
            [min(sx(0.0), sx(0.02)), body_top + 0.3 * bh * u, max(sx(0.0), sx(0.02)), body_top + 0.5 * bh * u],
            fill=(200, 20, 20),
        )
    # wheels: tyre, rim, spokes
    rad = wr * cw
    rim = (190, 190, 195) if row.rim_silver else (35, 35, 40)
    for wx in (0.18, 0.80):
        cx, cy = sx(wx), ground - rad * 0.9
        d.ellipse([cx - rad, cy - rad, cx + rad, cy + rad], fill=(15, 15, 15))
        d.ellipse([cx - 0.6 * rad, cy - 0.6 * rad, cx + 0.6 * rad, cy + 0.6 * rad], fill=rim)
        for k in range(int(row.spokes)):
            a = 2 * np.pi * k / int(row.spokes)
            d.line(
                [(cx, cy), (cx + 0.55 * rad * np.cos(a), cy + 0.55 * rad * np.sin(a))],
                fill=(70, 70, 75),
                width=max(1, int(0.08 * rad)),
            )
    img = img.filter(ImageFilter.SMOOTH) if render_scale > 1 else img
    img = img.resize((width, height), Image.LANCZOS)
    a = np.asarray(img, np.float32)
    noise = np.random.default_rng(int(row.bg_seed) + 1).normal(0, 2.0, a.shape)
    return np.clip(np.round(a + noise), 0, 255).astype(np.uint8)


def render_cars(
    specs: pd.DataFrame, height: int = 96, width: int = 128, render_scale: int = 2, progress: bool = False
) -> torch.Tensor:
    """Render every row of ``specs``: uint8 tensor [N, 3, H, W]."""
    from tqdm import tqdm  # not tqdm.auto: no IProgress warning in executed notebooks

    out = np.empty((len(specs), height, width, 3), np.uint8)
    for i, row in enumerate(
        tqdm(specs.itertuples(), total=len(specs), desc="rendering SynthCars", disable=not progress, mininterval=2)
    ):
        out[i] = render_car(row, height, width, render_scale)
    return torch.from_numpy(out).permute(0, 3, 1, 2).contiguous()


def make_synthcars(
    n: int,
    split: str = "train",
    height: int = 96,
    width: int = 128,
    seed: int | None = None,
    render_scale: int = 2,
    n_raters: int = 5,
    progress: bool = False,
):
    """(images uint8 [N, 3, H, W], attributes + ratings DataFrame) for one split (seed from the split)."""

    seed = split_seed(split) if seed is None else seed
    specs = sample_car_specs(n, seed)
    images = render_cars(specs, height, width, render_scale, progress=progress)
    specs = pd.concat([specs, rate_synthcars(specs, seed=seed, n_raters=n_raters)], axis=1)
    return images, specs


def images_sha256(images: torch.Tensor) -> str:
    """SHA-256 of a uint8 image tensor (the determinism check of spec §2.4)."""
    return hashlib.sha256(images.contiguous().numpy().tobytes()).hexdigest()

"""Simulated raters with a *known* preference function: "Moira" and four others.

The report's ratings are private, so this book simulates them (spec rectified_flow_cars §2.4). Because the
preference is known, any image -- real or generated -- has an oracle score.

* SynthCars (:func:`rate_synthcars`): a linear utility over the drawn attributes,
  ``u = 1.2·[red|orange|yellow] + 0.8·[sports] + 0.6·[silver] + 0.3·spoiler + 0.3·stripe
  − 0.4·[van|pickup] + 0.5·z(saturation) + ε``, ε ~ N(0, 0.5²); ``moira_true_utility`` is u without ε.
* Any image (:func:`image_utility`): the same preference written as a function of pixels -- warm-colour
  share, silver share and mean saturation of the foreground (pixels that differ from the border colour),
  and a long-and-low silhouette (the foreground's width/height). Real photos (Stanford Cars) are rated
  with it plus noise; generated images of both datasets get it noise-free as their oracle score.

Ratings: ``clip(round(A + B·(u − m)/s), 1, 10)`` as integers, A=3, B=1.6 (mean ≈ 3, SD ≈ 1.6, max 9 on
6,000 images, like the report's Moira). For SynthCars m and s are frozen constants; for a real image set
they are the mean and SD of its calibration images -- the training photos only, never the held-out ones
(``calibrate_on``) -- stored with the ratings, so generated images can be put on the same scale.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from .colours import WARM

RATING_A, RATING_B = 3.0, 1.6
RATING_MIN, RATING_MAX = 1, 10
NOISE_SD = 0.5
# frozen population statistics of the noisy SynthCars utility and of paint saturation (200k draws, seed 99)
SYNTH_U_MEAN, SYNTH_U_SD = 0.3625, 1.1192
SYNTH_SAT_MEAN, SYNTH_SAT_SD = 0.3123, 0.3438
MOIRA_WEIGHTS = {
    "warm": 1.2,
    "sports": 0.8,
    "silver": 0.6,
    "spoiler": 0.3,
    "stripe": 0.3,
    "utility": -0.4,
    "sat_z": 0.5,
}
FEATURES = tuple(MOIRA_WEIGHTS)


def synth_features(specs: pd.DataFrame) -> pd.DataFrame:
    """The attribute features raters see: warm, sports, silver, spoiler, stripe, utility (van/pickup), sat_z."""
    return pd.DataFrame(
        {
            "warm": specs.color.isin(WARM).astype(float),
            "sports": (specs.body == "sports").astype(float),
            "silver": (specs.color == "silver").astype(float),
            "spoiler": specs.spoiler.astype(float),
            "stripe": specs.stripe.astype(float),
            "utility": specs.body.isin(["van", "pickup"]).astype(float),
            "sat_z": (specs.paint_s - SYNTH_SAT_MEAN) / SYNTH_SAT_SD,
        },
        index=specs.index,
    )


def to_rating(u, mean: float, sd: float) -> np.ndarray:
    """Utility -> integer rating on the report-like scale (see module docstring)."""
    r = np.round(RATING_A + RATING_B * (np.asarray(u, float) - mean) / sd)
    return np.clip(r, RATING_MIN, RATING_MAX).astype(int)


def rater_weights(n_raters: int = 5, seed: int = 1234) -> dict[str, dict]:
    """Moira's fixed weights plus ``n_raters - 1`` raters with random weights (same for every split)."""
    r = np.random.default_rng(seed)
    out = {"moira": dict(MOIRA_WEIGHTS)}
    for k in range(1, n_raters):
        out[f"rater{k}"] = {f: float(w) for f, w in zip(FEATURES, r.normal(0, 0.6, len(FEATURES)), strict=False)}
    return out


def rate_synthcars(specs: pd.DataFrame, seed: int = 0, n_raters: int = 5) -> pd.DataFrame:
    """Ratings of every rater for SynthCars attribute rows, plus ``moira_true_utility``."""
    f = synth_features(specs)
    r = np.random.default_rng(np.random.SeedSequence([seed, 0x7A7E]))
    out = {}
    for name, w in rater_weights(n_raters).items():
        true_u = sum(w[k] * f[k].to_numpy() for k in FEATURES)
        noisy = true_u + r.normal(0, NOISE_SD, len(f))
        if name == "moira":
            out["moira_true_utility"] = true_u
            out["moira_utility"] = noisy
            out["moira"] = to_rating(noisy, SYNTH_U_MEAN, SYNTH_U_SD)
        else:
            out[name] = to_rating(noisy, float(np.mean(noisy)), float(np.std(noisy)) + 1e-9)
    return pd.DataFrame(out, index=specs.index)


# ------------------------------------------------------------------------------- pixel statistics


def rgb_to_hsv(x: torch.Tensor) -> torch.Tensor:
    """float RGB in [0, 1], [N, 3, H, W] -> HSV with hue in degrees [0, 360), s and v in [0, 1]."""
    r, g, b = x.unbind(1)
    mx, _ = x.max(1)
    mn, _ = x.min(1)
    d = mx - mn
    safe = torch.where(d > 1e-6, d, torch.ones_like(d))
    h = torch.where(mx == r, ((g - b) / safe) % 6, torch.where(mx == g, (b - r) / safe + 2, (r - g) / safe + 4))
    h = torch.where(d > 1e-6, h * 60.0, torch.zeros_like(h)) % 360
    s = torch.where(mx > 1e-6, d / mx.clamp_min(1e-6), torch.zeros_like(mx))
    return torch.stack([h, s, mx], 1)


def foreground_mask(x: torch.Tensor, threshold: float = 0.18) -> torch.Tensor:
    """[N, H, W] bool: pixels whose RGB differs from the median border colour by more than ``threshold``
    (the border estimates the background). Images with under 5 % foreground use the central half."""
    n, _, h, w = x.shape
    border = torch.cat([x[:, :, 0], x[:, :, -1], x[:, :, :, 0], x[:, :, :, -1]], dim=2)  # [N, 3, 2W+2H]
    bg = border.median(dim=2).values[:, :, None, None]
    m = (x - bg).abs().amax(1) > threshold
    centre = torch.zeros(h, w, dtype=torch.bool, device=x.device)
    centre[h // 4 : h - h // 4, w // 4 : w - w // 4] = True
    small = m.float().mean((1, 2)) < 0.05
    return torch.where(small[:, None, None], centre[None].expand(n, h, w), m)


def _as_float01(images) -> torch.Tensor:
    x = torch.as_tensor(images)
    return x.float() / 255 if x.dtype == torch.uint8 else x.float()


def image_statistics(images, chunk: int = 512) -> pd.DataFrame:
    """Per image: warm, silver, saturation (foreground means), aspect (foreground width/height), fg share."""
    rows = []
    for i in range(0, len(images), chunk):
        x = _as_float01(images[i : i + chunk])
        hsv = rgb_to_hsv(x)
        h, s, v = hsv.unbind(1)
        m = foreground_mask(x).float()
        area = m.sum((1, 2)).clamp_min(1)
        hue_warm = (h < 65) | (h >= 340)
        warm = ((hue_warm & (s > 0.4) & (v > 0.35)).float() * m).sum((1, 2)) / area
        silver = (((s < 0.15) & (v > 0.55) & (v < 0.92)).float() * m).sum((1, 2)) / area
        sat = (s * m).sum((1, 2)) / area
        cols = (m.mean(1) > 0.2).float().sum(1)  # columns that are mostly car
        rws = (m.mean(2) > 0.2).float().sum(1)
        aspect = (cols / x.shape[-1]) / (rws / x.shape[-2]).clamp_min(1e-3) * (x.shape[-2] / x.shape[-1])
        rows.append(
            pd.DataFrame(
                {
                    "warm": warm.numpy(),
                    "silver": silver.numpy(),
                    "saturation": sat.numpy(),
                    "aspect": aspect.numpy(),
                    "fg_share": m.mean((1, 2)).numpy(),
                }
            )
        )
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def image_utility(images) -> np.ndarray:
    """Moira's noise-free utility as a known function of the pixels (the oracle of generated images)."""
    st = image_statistics(images)
    warm = np.clip(st.warm.to_numpy() / 0.35, 0, 1)
    silver = np.clip(st.silver.to_numpy() / 0.5, 0, 1)
    long_low = np.clip((st.aspect.to_numpy() - 1.6) / 1.2, 0, 1)
    sat_z = (st.saturation.to_numpy() - 0.3) / 0.15
    return 1.2 * warm + 0.6 * silver + 0.8 * long_low + 0.5 * sat_z


def rate_images(images, seed: int = 0, n_raters: int = 5, calibrate_on=None) -> pd.DataFrame:
    """Ratings of real photos: Moira = image utility + N(0, 0.5²) on the report-like scale, calibrated on
    the images where the boolean mask ``calibrate_on`` is true (all when None: pass the training mask so
    that held-out photos do not shape the scale); other raters weight the same pixel features randomly.
    Columns: moira, moira_utility, moira_true_utility, rater1…, and the pixel statistics."""
    st = image_statistics(images)
    true_u = image_utility(images)
    r = np.random.default_rng(np.random.SeedSequence([seed, 0x7A7F]))
    noisy = true_u + r.normal(0, NOISE_SD, len(true_u))
    cal = np.ones(len(noisy), bool) if calibrate_on is None else np.asarray(calibrate_on, bool)
    if cal.shape != noisy.shape or cal.sum() < 2:
        raise ValueError(
            f"calibrate_on must be a boolean mask over the {len(noisy)} images selecting at least 2, "
            f"got shape {cal.shape} with {int(cal.sum())} selected"
        )
    mean, sd = float(noisy[cal].mean()), float(noisy[cal].std()) + 1e-9
    out = pd.DataFrame({"moira": to_rating(noisy, mean, sd), "moira_utility": noisy, "moira_true_utility": true_u})
    wr = np.random.default_rng(1234)
    feats = st[["warm", "silver", "saturation", "aspect"]].to_numpy()
    feats = (feats - feats[cal].mean(0)) / (feats[cal].std(0) + 1e-9)
    for k in range(1, n_raters):
        u = feats @ wr.normal(0, 0.6, feats.shape[1]) + r.normal(0, NOISE_SD, len(feats))
        out[f"rater{k}"] = to_rating(u, float(u[cal].mean()), float(u[cal].std()) + 1e-9)
    out = pd.concat([out, st], axis=1)
    out.attrs["calibration"] = {"mean": mean, "sd": sd, "n": int(cal.sum())}  # (pd.concat drops attrs)
    return out


def dominant_color_family(images) -> list[str]:
    """HSV heuristic colour family of each image's foreground (spec M3): one of
    :data:`genrep.data.colours.COLOR_FAMILIES`."""
    out = []
    for i in range(0, len(images), 512):
        x = _as_float01(images[i : i + 512])
        hsv = rgb_to_hsv(x)
        m = foreground_mask(x)
        for j in range(len(x)):
            h, s, v = (c[m[j]] for c in hsv[j])
            chroma = s > 0.3
            if chroma.float().mean() > 0.25:
                hh, vv = h[chroma & (v > 0.2)], v[chroma & (v > 0.2)]
                if len(hh) == 0:
                    out.append("black")
                    continue
                hue = float(torch.quantile(hh, 0.5)) if len(hh) else 0.0
                val = float(vv.median())
                if hue >= 345 or hue < 15:
                    fam = "red"
                elif hue < 40:
                    fam = "brown" if val < 0.55 else "orange"
                elif hue < 70:
                    fam = "yellow"
                elif hue < 170:
                    fam = "green"
                elif hue < 290:
                    fam = "blue"
                else:
                    fam = "red"
            else:
                val = float(v.median()) if len(v) else 0.0
                fam = "black" if val < 0.25 else "gray" if val < 0.55 else "silver" if val < 0.85 else "white"
            out.append(fam)
    return out
